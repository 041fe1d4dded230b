//! Renderings people read: a task sequence as a tree, plain text, Markdown, self-contained HTML
//! or a Mermaid flowchart (`tsq show`), and a semantic diff as text, Markdown or JSON
//! (`tsq diff`).

pub mod diff_text;
pub mod html;
pub mod markdown;
pub mod mermaid;
pub mod tree;

use crate::container::TaskSequence;
use crate::diff::MASK;
use crate::diff::facts::{Facts, facts};

/// A task sequence to render, with the path it was read from.
#[derive(Debug, Clone, Copy)]
pub struct Named<'a> {
    /// The path as printed.
    pub path: &'a str,
    /// The task sequence.
    pub ts: &'a TaskSequence,
}

impl Named<'_> {
    /// The sequence's title: the package `Name`, the MDT `name`, or the path.
    #[must_use]
    pub fn title(&self) -> String {
        let pkg = self.ts.package.as_ref().and_then(|p| p.value("Name")).map(|v| v.text().trim().to_owned());
        let mdt = self.ts.sequence.attrs.get("name").map(|v| v.text().trim().to_owned());
        pkg.or(mdt).filter(|s| !s.is_empty()).unwrap_or_else(|| self.path.to_owned())
    }

    /// The facts of every node, in walk order.
    #[must_use]
    pub fn facts(&self) -> Vec<Facts> {
        facts(&self.ts.sequence)
    }
}

/// The step type without the `SMS_TaskSequence_` prefix and `Action` suffix.
#[must_use]
pub fn short_type(type_name: &str) -> &str {
    if type_name.is_empty() {
        return "(no type)";
    }
    let t = type_name.strip_prefix("SMS_TaskSequence_").unwrap_or(type_name);
    t.strip_suffix("Action").filter(|s| !s.is_empty()).unwrap_or(t)
}

/// A variable's value as shown: masked when secret (an empty value stays empty).
#[must_use]
pub fn shown_value(v: &crate::diff::facts::VarFact) -> &str {
    if v.secret && !v.value.is_empty() { MASK } else { &v.value }
}

/// How many groups hold the node.
#[must_use]
pub fn depth(all: &[Facts], f: &Facts) -> usize {
    let mut d = 0;
    let mut at = f.parent;
    while let Some(p) = at {
        d += 1;
        at = all.get(p).and_then(|x| x.parent);
    }
    d
}

/// The marks of a node: `disabled`, `continue on error`.
#[must_use]
pub fn marks(f: &Facts) -> Vec<&'static str> {
    let mut out = Vec::new();
    if f.disabled {
        out.push("disabled");
    }
    if f.continue_on_error {
        out.push("continue on error");
    }
    out
}

/// Text for a Markdown table cell or inline text: HTML-escaped, `|` and backticks escaped,
/// newlines as `<br>`.
#[must_use]
pub fn md_cell(s: &str) -> String {
    crate::writer::escape(s)
        .replace('|', "\\|")
        .replace('`', "\\`")
        .replace('*', "\\*")
        .replace('_', "\\_")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

/// Text as Markdown inline code, with a fence long enough for the backticks it holds ("" for
/// an empty text, which a code span cannot hold).
#[must_use]
pub fn md_code(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    let mut run = 0;
    let mut longest = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    // Table cells must not hold a raw `|` or a newline, even in code.
    let s = s.replace('|', "\\|").replace("\r\n", " ").replace('\n', " ");
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// ANSI styles for the terminal formats; all empty without colour.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Bold.
    pub bold: &'static str,
    /// Dim (disabled steps, details).
    pub dim: &'static str,
    /// Green (added).
    pub green: &'static str,
    /// Red (removed).
    pub red: &'static str,
    /// Yellow (changed).
    pub yellow: &'static str,
    /// Cyan (types, conditions).
    pub cyan: &'static str,
    /// Reset.
    pub reset: &'static str,
}

impl Style {
    /// Styles with colour (`true`) or without.
    #[must_use]
    pub const fn new(color: bool) -> Self {
        if color {
            Self {
                bold: "\x1b[1m",
                dim: "\x1b[2m",
                green: "\x1b[32m",
                red: "\x1b[31m",
                yellow: "\x1b[33m",
                cyan: "\x1b[36m",
                reset: "\x1b[0m",
            }
        } else {
            Self { bold: "", dim: "", green: "", red: "", yellow: "", cyan: "", reset: "" }
        }
    }
}
