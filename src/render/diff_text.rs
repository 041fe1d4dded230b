//! `tsq diff` as text for a terminal (coloured when asked) and as Markdown for a pull-request
//! comment (summary first, details collapsible).

use super::{Style, md_cell, md_code};
use crate::diff::{Detail, Diff, NodeChange, Place, Summary};
use std::fmt::Write as _;

/// The one-line summary: `2 added, 1 removed, 1 moved, 0 renamed, 3 modified, 1 sequence change`.
#[must_use]
pub fn summary_line(s: &Summary) -> String {
    format!(
        "{} added, {} removed, {} moved, {} renamed, {} modified, {} sequence-level",
        s.added, s.removed, s.moved, s.renamed, s.modified, s.sequence
    )
}

/// A value in quotes (`(none)` when absent); the lines of a multi-line value are indented.
fn opt(v: Option<&String>) -> String {
    v.map_or_else(|| "(none)".to_owned(), |s| format!("\"{}\"", s.replace("\r\n", "\n").replace('\n', "\n        ")))
}

/// A detail as one line of text (scripts add their diff lines separately).
fn describe(d: &Detail, c: Option<&NodeChange>) -> String {
    match d {
        Detail::Added => "added".to_owned(),
        Detail::Removed => "removed".to_owned(),
        Detail::Moved => match c.and_then(|c| c.old.as_ref().zip(c.new.as_ref())) {
            Some((o, n)) => format!("moved from {} to {}", where_(o), where_(n)),
            None => "moved".to_owned(),
        },
        Detail::Renamed { before, after } => format!("renamed \"{before}\" → \"{after}\""),
        Detail::Enabled => "enabled".to_owned(),
        Detail::Disabled => "disabled".to_owned(),
        Detail::Attribute { name, before, after } | Detail::Property { name, before, after } => {
            let what = if matches!(d, Detail::Property { .. }) { "property " } else { "" };
            format!("{what}{name}: {} → {}", opt(before.as_ref()), opt(after.as_ref()))
        }
        Detail::Condition { before, after } => format!("condition: {} → {}", cond(before.as_ref()), cond(after.as_ref())),
        Detail::Variable { name, before, after, secret } => {
            let s = if *secret { " (secret)" } else { "" };
            format!("variable {name}{s}: {} → {}", opt(before.as_ref()), opt(after.as_ref()))
        }
        Detail::References { removed, added } => {
            let mut parts = Vec::new();
            if !removed.is_empty() {
                parts.push(format!("- {}", removed.join(", ")));
            }
            if !added.is_empty() {
                parts.push(format!("+ {}", added.join(", ")));
            }
            format!("references: {}", parts.join("  "))
        }
        Detail::Script { name, .. } => format!("script {name}:"),
    }
}

fn cond(v: Option<&String>) -> String {
    v.map_or_else(|| "(none)".to_owned(), Clone::clone)
}

fn where_(p: &Place) -> String {
    let parent = if p.parent.is_empty() { "(top level)".to_owned() } else { format!("\"{}\"", p.parent) };
    format!("{parent} position {}", p.position)
}

fn numbers(c: &NodeChange) -> String {
    let n = |p: Option<&Place>| p.map_or_else(|| "-".to_owned(), |p| format!("#{}", p.number));
    format!("{} → {}", n(c.old.as_ref()), n(c.new.as_ref()))
}

/// The terminal form.
#[must_use]
pub fn human(diff: &Diff, style: Style) -> String {
    let s = style;
    let mut out = String::new();
    let _ = writeln!(out, "{}--- {} ({}, {} nodes){}", s.red, diff.old.path, diff.old.format, diff.old.nodes, s.reset);
    let _ = writeln!(out, "{}+++ {} ({}, {} nodes){}", s.green, diff.new.path, diff.new.format, diff.new.nodes, s.reset);
    if diff.is_empty() {
        out.push_str("no semantic difference\n");
        return out;
    }
    for d in &diff.sequence {
        let _ = writeln!(out, "{}~ sequence{}  {}", s.yellow, s.reset, describe(d, None));
    }
    for c in &diff.nodes {
        let Some(p) = c.place() else { continue };
        let (sign, color) = match c.changes.first() {
            Some(Detail::Added) => ('+', s.green),
            Some(Detail::Removed) => ('-', s.red),
            _ => ('~', s.yellow),
        };
        let _ = writeln!(
            out,
            "{color}{sign} {:<13}{} {}{}{}  {}{}{}",
            numbers(c),
            s.reset,
            s.bold,
            p.path,
            s.reset,
            s.cyan,
            p.type_name,
            s.reset
        );
        for d in &c.changes {
            if matches!(d, Detail::Added | Detail::Removed) {
                continue;
            }
            let _ = writeln!(out, "      {}", describe(d, Some(c)));
            if let Detail::Script { diff, .. } = d {
                for l in diff.lines() {
                    let col = if l.starts_with('+') {
                        s.green
                    } else if l.starts_with('-') {
                        s.red
                    } else {
                        s.dim
                    };
                    let _ = writeln!(out, "        {col}{l}{}", s.reset);
                }
            }
        }
    }
    let _ = writeln!(out, "{}{}{}", s.bold, summary_line(&diff.summary), s.reset);
    out
}

fn md_describe(d: &Detail, c: Option<&NodeChange>) -> String {
    let code = |v: Option<&String>| match v {
        None => "(none)".to_owned(),
        Some(s) if s.is_empty() => "(empty)".to_owned(),
        Some(s) => s.lines().map(md_code).collect::<Vec<_>>().join("<br>"),
    };
    let place = |p: &Place| {
        let parent = if p.parent.is_empty() { "the top level".to_owned() } else { md_code(&p.parent) };
        format!("{parent} position {}", p.position)
    };
    match d {
        Detail::Renamed { before, after } => format!("renamed {} → {}", md_code(before), md_code(after)),
        Detail::Moved => match c.and_then(|c| c.old.as_ref().zip(c.new.as_ref())) {
            Some((o, n)) => format!("moved from {} to {}", place(o), place(n)),
            None => "moved".to_owned(),
        },
        Detail::Attribute { name, before, after } | Detail::Property { name, before, after } => {
            let what = if matches!(d, Detail::Property { .. }) { "property " } else { "" };
            format!("{what}`{name}`: {} → {}", code(before.as_ref()), code(after.as_ref()))
        }
        Detail::Condition { before, after } => format!("condition: {} → {}", code(before.as_ref()), code(after.as_ref())),
        Detail::Variable { name, before, after, secret } => {
            let s = if *secret { " (secret)" } else { "" };
            format!("variable {}{s}: {} → {}", md_code(name), code(before.as_ref()), code(after.as_ref()))
        }
        Detail::References { removed, added } => {
            let list = |v: &[String]| v.iter().map(|s| md_code(s)).collect::<Vec<_>>().join(", ");
            let mut parts = Vec::new();
            if !removed.is_empty() {
                parts.push(format!("removed {}", list(removed)));
            }
            if !added.is_empty() {
                parts.push(format!("added {}", list(added)));
            }
            format!("references: {}", parts.join("; "))
        }
        Detail::Script { name, .. } => format!("script {}:", md_code(name)),
        other => md_cell(&describe(other, c)),
    }
}

/// The Markdown form: a summary table first, then every change in a collapsed section.
#[must_use]
pub fn markdown(diff: &Diff) -> String {
    let mut out = format!("### Task sequence changes: {} → {}\n\n", md_code(&diff.old.path), md_code(&diff.new.path));
    if diff.is_empty() {
        out.push_str("No semantic difference.\n");
        return out;
    }
    let _ = writeln!(out, "**{}**\n", summary_line(&diff.summary));
    if !diff.nodes.is_empty() {
        out.push_str("| | old # | new # | step | type | change |\n|---|---:|---:|---|---|---|\n");
        for c in &diff.nodes {
            let Some(p) = c.place() else { continue };
            let icon = match c.changes.first() {
                Some(Detail::Added) => "➕",
                Some(Detail::Removed) => "➖",
                _ => "✏️",
            };
            let kinds: Vec<&str> = c.changes.iter().map(Detail::kind).collect();
            let mut kinds_dedup = kinds.clone();
            kinds_dedup.dedup();
            let n = |p: Option<&Place>| p.map_or_else(String::new, |p| p.number.to_string());
            let _ = writeln!(
                out,
                "| {icon} | {} | {} | {} | {} | {} |",
                n(c.old.as_ref()),
                n(c.new.as_ref()),
                md_code(&p.path),
                md_code(super::short_type(&p.type_name)),
                kinds_dedup.join(", ")
            );
        }
        out.push('\n');
    }
    out.push_str("<details>\n<summary>Details</summary>\n\n");
    if !diff.sequence.is_empty() {
        out.push_str("#### Sequence\n\n");
        for d in &diff.sequence {
            let _ = writeln!(out, "- {}", md_describe(d, None));
        }
        out.push('\n');
    }
    for c in &diff.nodes {
        let Some(p) = c.place() else { continue };
        let _ = writeln!(out, "#### {} ({})\n", md_code(&p.path), md_cell(&numbers(c)));
        for d in &c.changes {
            let _ = writeln!(out, "- {}", md_describe(d, Some(c)));
            if let Detail::Script { diff, .. } = d {
                let fence = if diff.contains("```") { "~~~~" } else { "```" };
                let _ = writeln!(out, "\n  {fence}diff");
                for l in diff.lines() {
                    let _ = writeln!(out, "  {l}");
                }
                let _ = writeln!(out, "  {fence}");
            }
        }
        out.push('\n');
    }
    out.push_str("</details>\n");
    out
}
