//! Rendering findings: `human` (miette's graphical report), `concise` and `json`.

mod human;

pub use human::render_human;

use crate::diagnostic::Severity;
use crate::lint::FileResult;
use crate::span::LineIndex;
use serde::Serialize;
use std::borrow::Cow;
use std::io::Write;

/// Whether `c` could drive a terminal: a C0 or C1 control character or DEL.
fn is_control(c: char) -> bool {
    c.is_control()
}

/// `text` as one line for a terminal: every control character (line breaks and tabs included)
/// written as an escape such as `\u{1b}`, so that nothing read from a file can move the cursor,
/// change colours or set the window title.
#[must_use]
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_control(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` for a source snippet: control characters other than line breaks and tabs replaced by a
/// printable character of the same length in UTF-8 (`?` for C0 and DEL, `¿` for C1), so that
/// byte offsets into it stay valid.
#[must_use]
pub fn neutralise_controls(text: &str) -> Cow<'_, str> {
    let harmful = |c: char| is_control(c) && !matches!(c, '\n' | '\r' | '\t');
    if !text.chars().any(harmful) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if !harmful(c) {
                    c
                } else if c.len_utf8() == 1 {
                    '?'
                } else {
                    '\u{bf}'
                }
            })
            .collect(),
    )
}

/// An output format of `tsq check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// miette's graphical report with the source snippet.
    Human,
    /// `path:line:col: severity[rule] message`, one per line.
    Concise,
    /// The versioned JSON report (`docs/output-formats.md`).
    Json,
}

/// Counts for the summary.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Files (and archive members) checked.
    pub files: usize,
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Info findings.
    pub infos: usize,
}

impl Summary {
    /// Count the findings of `results`.
    #[must_use]
    pub fn of(results: &[FileResult]) -> Self {
        let mut s = Self { files: results.len(), ..Self::default() };
        for d in results.iter().flat_map(|r| &r.diagnostics) {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}

/// One finding with its resolved positions, as the JSON report writes it.
#[derive(Debug, Clone, Serialize)]
pub struct Located<'a> {
    /// The path as printed.
    pub path: &'a str,
    /// Rule name.
    pub rule: &'a str,
    /// Severity.
    pub severity: Severity,
    /// Message.
    pub message: &'a str,
    /// Help, if any.
    pub help: Option<&'a str>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// 1-based end line.
    pub end_line: usize,
    /// 1-based end column, in characters (exclusive).
    pub end_column: usize,
    /// Byte offset in the file on disk.
    pub offset: usize,
    /// Length in bytes in the file on disk.
    pub length: usize,
    /// Group and step names leading to the step.
    pub step_path: Option<&'a str>,
    /// The step's instruction number in `smsts.log`.
    pub step_number: Option<usize>,
}

/// Resolve the positions of every finding of one file.
#[must_use]
pub fn locate(result: &FileResult) -> Vec<Located<'_>> {
    let index = result.source.as_ref().map(|s| LineIndex::new(&s.text));
    result
        .diagnostics
        .iter()
        .map(|d| {
            let (start, end, offset, length) = match (&result.source, &index) {
                (Some(src), Some(idx)) => {
                    let a = idx.line_col(&src.text, d.span.start);
                    let b = idx.line_col(&src.text, d.span.end);
                    let off = src.disk_offset(d.span.start);
                    ((a.line, a.column), (b.line, b.column), off, src.disk_offset(d.span.end) - off)
                }
                _ => ((1, 1), (1, 1), d.span.start, d.span.len()),
            };
            Located {
                path: &result.path,
                rule: d.rule,
                severity: d.severity,
                message: &d.message,
                help: d.help.as_deref(),
                line: start.0,
                column: start.1,
                end_line: end.0,
                end_column: end.1,
                offset,
                length,
                step_path: d.step_path.as_deref(),
                step_number: d.step_number,
            }
        })
        .collect()
}

/// Write the concise format.
pub fn render_concise(results: &[FileResult], out: &mut dyn Write) -> std::io::Result<()> {
    for r in results {
        for d in locate(r) {
            writeln!(
                out,
                "{}:{}:{}: {}[{}] {}",
                escape_controls(d.path),
                d.line,
                d.column,
                d.severity.name(),
                d.rule,
                escape_controls(d.message)
            )?;
        }
    }
    Ok(())
}

/// Write the JSON report.
pub fn render_json(results: &[FileResult], out: &mut dyn Write) -> std::io::Result<()> {
    let diagnostics: Vec<Located<'_>> = results.iter().flat_map(locate).collect();
    let report = serde_json::json!({ "version": 1, "summary": Summary::of(results), "diagnostics": diagnostics });
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
