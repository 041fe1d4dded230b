//! Hover: the word under the cursor explained. A step type (what the step does, where it may
//! run, the variables it sets), a built-in task-sequence variable (who sets it, whether a task
//! sequence may), or a rule name inside a `tsq-ignore` comment (the rule's summary). It reads
//! the text, not the model, so it works in a half-typed document too.

use super::position::{LineIndex, PositionEncoding};
use super::{step_docs, variables};
use crate::analysis::step_types::{Env, StepKind, lookup};
use crate::span::Span;
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

/// The hover at byte `offset` of `text`, if the word there is one tsq knows.
#[must_use]
pub fn hover(text: &str, index: &LineIndex, offset: usize, enc: PositionEncoding) -> Option<Hover> {
    let (markdown, span) = explain(text, offset)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: markdown }),
        range: Some(index.range(text, span, enc)),
    })
}

/// The explanation of the word at `offset`, in Markdown, with the word's span.
fn explain(text: &str, offset: usize) -> Option<(String, Span)> {
    let kebab = word(text, offset, |c| c.is_ascii_alphanumeric() || c == '-');
    if let Some(span) = kebab
        && in_suppression(text, span.start)
        && let Some(rule) = text.get(span.start..span.end).and_then(crate::rules::find)
    {
        return Some((rule_text(rule.meta()), span));
    }
    let span = word(text, offset, |c| c.is_ascii_alphanumeric() || c == '_')?;
    let name = text.get(span.start..span.end)?;
    step_type_text(name).or_else(|| variable_text(name)).map(|m| (m, span))
}

/// The span of the run of `is_word` characters at or just before `offset`.
fn word(text: &str, offset: usize, is_word: impl Fn(char) -> bool) -> Option<Span> {
    let offset = offset.min(text.len());
    let before = text.get(..offset)?;
    let after = text.get(offset..)?;
    let start = before.char_indices().rev().take_while(|&(_, c)| is_word(c)).last().map_or(offset, |(i, _)| i);
    let end = offset + after.char_indices().find(|&(_, c)| !is_word(c)).map_or(after.len(), |(i, _)| i);
    (end > start).then_some(Span::new(start, end))
}

/// Whether `offset` is inside a `<!-- tsq-ignore … -->` comment.
fn in_suppression(text: &str, offset: usize) -> bool {
    let Some(before) = text.get(..offset) else { return false };
    let Some(open) = before.rfind("<!--") else { return false };
    let body = before.get(open + 4..).unwrap_or("");
    !body.contains("-->") && body.trim_start().starts_with("tsq-ignore")
}

/// A rule's hover: its summary as a sentence.
fn rule_text(meta: &crate::rules::RuleMeta) -> String {
    let mut chars = meta.summary.chars();
    let summary: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
    format!(
        "**`{}`** ({}, {} by default)\n\n{summary}.\n\n`tsq explain {}` prints its documentation.",
        meta.name,
        meta.category.name(),
        meta.severity.name(),
        meta.name
    )
}

/// Where a step type may run, in words.
fn where_it_runs(type_name: &str) -> &'static str {
    match lookup(type_name) {
        StepKind::BuiltIn(t) if t.env == Some(Env::WinPe) => "in Windows PE only",
        StepKind::BuiltIn(t) if t.env == Some(Env::FullOs) => "in the full operating system only",
        _ => "in Windows PE and in the full operating system",
    }
}

/// A step type's hover.
fn step_type_text(name: &str) -> Option<String> {
    if let Some(doc) = step_docs::find(name) {
        let mut out = format!("**{}** (`{name}`)\n\n{}\n\nRuns {}.", doc.title, doc.summary, where_it_runs(name));
        if !doc.variables.is_empty() {
            let vars: Vec<String> = doc.variables.iter().map(|v| format!("`{v}`")).collect();
            out.push_str(&format!("\n\nIts settings are kept in the variables {}.", vars.join(", ")));
        }
        out.push_str(&format!("\n\nSource: [Task sequence steps]({})", step_docs::SOURCE));
        return Some(out);
    }
    let mdt = name.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("BDD_")) && name.len() > 4;
    mdt.then(|| {
        format!(
            "**`{name}`**: a Microsoft Deployment Toolkit (MDT) step. It runs an MDT script from the MDT toolkit \
             package; tsq knows no more about it than its type."
        )
    })
}

/// A variable's hover: a built-in variable, a step's setting, or a read-only name.
fn variable_text(name: &str) -> Option<String> {
    let readonly = name.starts_with('_');
    let mut parts = Vec::new();
    if let Some(v) = variables::find(name) {
        let who = match v.set_by {
            variables::SetBy::Engine => "read-only: the task sequence engine sets it",
            variables::SetBy::EngineOverridable => "set by the task sequence engine; a task sequence may set it too",
            variables::SetBy::You => {
                "you set it (a collection or device variable, or a Set Task Sequence Variable step); the engine reads it"
            }
        };
        parts.push(format!("**`{}`**: built-in task sequence variable, {who}.\n\n{}", v.name, v.summary));
    }
    let steps: Vec<String> = step_docs::setting(name).map(|s| format!("{} (`SMS_TaskSequence_{}`)", s.title, s.class)).collect();
    if !steps.is_empty() {
        let lead = if parts.is_empty() { format!("**`{name}`**: ") } else { String::new() };
        let ro = if readonly && parts.is_empty() { " It is read-only: names that start with `_` belong to the engine." } else { "" };
        parts.push(format!("{lead}holds a setting of the step {}.{ro}", steps.join(", ")));
    }
    if parts.is_empty() && readonly && (name.starts_with("_SMSTS") || name.starts_with("_OSD")) {
        parts.push(format!("**`{name}`**: read-only; names that start with `_` belong to the task sequence engine."));
    }
    if parts.is_empty() {
        return None;
    }
    parts.push(format!("Source: [Task sequence variables]({})", variables::SOURCE));
    Some(parts.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::explain;

    fn at(text: &str, needle: &str) -> Option<String> {
        explain(text, text.find(needle)? + 1).map(|(m, _)| m)
    }

    #[test]
    fn words_are_explained() {
        let t = r#"<!-- tsq-ignore empty-group: x --><step type="SMS_TaskSequence_PartitionDiskAction">%_SMSTSInWinPE% OSDComputerName CommandLine"#;
        assert!(at(t, "empty-group").is_some_and(|m| m.contains("`empty-group`") && m.contains("structure")));
        assert!(
            at(t, "SMS_TaskSequence_Partition").is_some_and(|m| m.contains("Format and Partition Disk") && m.contains("Windows PE only"))
        );
        assert!(at(t, "_SMSTSInWinPE").is_some_and(|m| m.contains("read-only")));
        assert!(at(t, "OSDComputerName").is_some_and(|m| m.contains("you set it")));
        assert!(at(t, "CommandLine").is_some_and(|m| m.contains("Run Command Line")));
        assert_eq!(at(t, "step "), None);
        assert_eq!(at("<!-- other empty-group -->", "empty-group"), None);
    }
}
