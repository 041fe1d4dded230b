//! Code actions on a range: "suppress `rule` for this step" for each finding there that belongs
//! to a step. Each kind of action is one function from a finding to actions, so that the fixes
//! findings will carry can join as another.

use super::position::{LineIndex, PositionEncoding};
use super::symbols::models;
use crate::diagnostic::Diagnostic;
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, Uri, WorkspaceEdit};
use std::collections::HashMap;
use std::path::Path;

/// The document an action edits.
#[derive(Debug)]
pub struct Doc<'a> {
    /// Its URI.
    pub uri: &'a Uri,
    /// Its text.
    pub text: &'a str,
    /// Its lines.
    pub index: &'a LineIndex,
    /// The negotiated encoding.
    pub enc: PositionEncoding,
    /// The path it is checked as.
    pub path: &'a Path,
}

/// The actions for the findings that touch `range`. `findings` are the engine's findings and
/// `shown` the client's diagnostics for them, in the same order.
#[must_use]
pub fn actions(doc: &Doc<'_>, findings: &[Diagnostic], shown: &[lsp_types::Diagnostic], range: Range) -> Vec<CodeActionOrCommand> {
    let touching: Vec<(&Diagnostic, &lsp_types::Diagnostic)> =
        findings.iter().zip(shown).filter(|(_, s)| overlaps(s.range, range)).collect();
    if touching.is_empty() {
        return Vec::new();
    }
    let steps = StepStarts::of(doc);
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for (finding, shown) in touching {
        if let Some(action) = suppress(doc, &steps, finding, shown)
            && !seen.contains(&action.title)
        {
            seen.push(action.title.clone());
            out.push(CodeActionOrCommand::CodeAction(action));
        }
    }
    out
}

/// Whether two ranges share a position (an empty range touches what it sits in or next to).
fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// Where each step starts, by instruction number.
struct StepStarts(Vec<usize>);

impl StepStarts {
    fn of(doc: &Doc<'_>) -> Self {
        let (loaded, shift) = models(doc.text, doc.path);
        let starts = loaded
            .iter()
            .filter_map(|l| l.result.as_ref().ok())
            .flat_map(|ts| ts.sequence.walk().map(|v| v.node.span.start + shift).collect::<Vec<_>>())
            .collect();
        Self(starts)
    }
}

/// "Suppress `rule` for this step": a `<!-- tsq-ignore rule: reason -->` comment on its own
/// line before the step, indented as the step is and ended as the step's line is; before the
/// step on the same line when other text precedes it there (a minified file).
fn suppress(doc: &Doc<'_>, steps: &StepStarts, finding: &Diagnostic, shown: &lsp_types::Diagnostic) -> Option<CodeAction> {
    let at = *steps.0.get(finding.step_number?)?;
    let text = doc.text;
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let indent = text.get(line_start..at)?;
    let comment = format!("<!-- tsq-ignore {}: reason -->", finding.rule);
    let (offset, new_text) = if indent.chars().all(|c| c == ' ' || c == '\t') {
        let rest = text.get(at..)?;
        let eol = match rest.find('\n') {
            Some(i) if rest.get(..i).is_some_and(|l| l.ends_with('\r')) => "\r\n",
            Some(_) => "\n",
            None if text.contains("\r\n") => "\r\n",
            None => "\n",
        };
        (line_start, format!("{indent}{comment}{eol}"))
    } else {
        (at, comment)
    };
    let pos = doc.index.position(text, offset, doc.enc);
    let edit = TextEdit { range: Range::new(pos, pos), new_text };
    Some(CodeAction {
        title: format!("Suppress `{}` for this step", finding.rule),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![shown.clone()]),
        edit: Some(WorkspaceEdit { changes: Some(HashMap::from([(doc.uri.clone(), vec![edit])])), ..WorkspaceEdit::default() }),
        is_preferred: Some(false),
        ..CodeAction::default()
    })
}
