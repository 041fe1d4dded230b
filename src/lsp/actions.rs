//! Code actions: for each finding on the range, the fix it carries (`quickfix`, preferred when
//! safe) and "suppress `rule` for this step"; for the whole document, "fix all safe" as a
//! `source.fixAll.tsq` action. Each kind of action is one function from findings to actions.

use super::position::{LineIndex, PositionEncoding};
use super::symbols::models;
use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Fix};
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

/// The kind of the "fix all safe" action.
#[must_use]
pub fn fix_all_kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.tsq")
}

/// The actions for the findings that touch `range`, and "fix all safe" for the document.
/// `findings` are the engine's findings and `shown` the client's diagnostics for them, in the
/// same order; `only` is the kinds the client asked for, if it said.
#[must_use]
pub fn actions(
    doc: &Doc<'_>,
    findings: &[Diagnostic],
    shown: &[lsp_types::Diagnostic],
    range: Range,
    only: Option<&[CodeActionKind]>,
) -> Vec<CodeActionOrCommand> {
    let wants = |kind: &CodeActionKind| only.is_none_or(|o| o.iter().any(|k| kind.as_str().starts_with(k.as_str())));
    let mut out = Vec::new();
    if wants(&CodeActionKind::QUICKFIX) {
        let touching: Vec<(&Diagnostic, &lsp_types::Diagnostic)> =
            findings.iter().zip(shown).filter(|(_, s)| overlaps(s.range, range)).collect();
        for (finding, shown) in &touching {
            if let Some(action) = quick_fix(doc, finding, shown) {
                out.push(CodeActionOrCommand::CodeAction(action));
            }
        }
        let steps = StepStarts::of(doc);
        let mut seen = Vec::new();
        for (finding, shown) in touching {
            if let Some(action) = suppress(doc, &steps, finding, shown)
                && !seen.contains(&action.title)
            {
                seen.push(action.title.clone());
                out.push(CodeActionOrCommand::CodeAction(action));
            }
        }
    }
    if wants(&fix_all_kind())
        && let Some(action) = fix_all(doc, findings)
    {
        out.push(CodeActionOrCommand::CodeAction(action));
    }
    out
}

/// The edits of `fix` for the client.
fn edits(doc: &Doc<'_>, fix: &Fix) -> Vec<TextEdit> {
    fix.edits.iter().map(|e| TextEdit { range: doc.index.range(doc.text, e.span, doc.enc), new_text: e.replacement.clone() }).collect()
}

/// The fix a finding carries, as a quick fix (preferred when it is safe).
fn quick_fix(doc: &Doc<'_>, finding: &Diagnostic, shown: &lsp_types::Diagnostic) -> Option<CodeAction> {
    let fix = finding.fix.as_ref()?;
    let safe = fix.applicability == Applicability::Safe;
    let mut title = format!("Fix `{}`: {}", finding.rule, fix.title);
    if !safe {
        title.push_str(" (unsafe)");
    }
    Some(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![shown.clone()]),
        edit: Some(WorkspaceEdit { changes: Some(HashMap::from([(doc.uri.clone(), edits(doc, fix))])), ..WorkspaceEdit::default() }),
        is_preferred: Some(safe),
        ..CodeAction::default()
    })
}

/// Every safe fix of the document that does not overlap another, as one edit of the whole text
/// (what `tsq check --fix` does in its first round).
fn fix_all(doc: &Doc<'_>, findings: &[Diagnostic]) -> Option<CodeAction> {
    let (text, fixed) = crate::fix::apply(doc.text, findings, Applicability::Safe);
    if fixed.is_empty() {
        return None;
    }
    let end = doc.index.position(doc.text, doc.text.len(), doc.enc);
    let whole = TextEdit { range: Range::new(lsp_types::Position::new(0, 0), end), new_text: text };
    Some(CodeAction {
        title: format!("Fix all safe tsq findings ({})", fixed.len()),
        kind: Some(fix_all_kind()),
        edit: Some(WorkspaceEdit { changes: Some(HashMap::from([(doc.uri.clone(), vec![whole])])), ..WorkspaceEdit::default() }),
        ..CodeAction::default()
    })
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
