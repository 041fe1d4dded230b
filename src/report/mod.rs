//! Rendering findings: `human` (miette's graphical report), `concise` and `json`.

mod human;

pub use human::render_human;

use crate::diagnostic::Severity;
use crate::lint::FileResult;
use crate::source::Encoding;
use crate::span::LineIndex;
use serde::Serialize;
use std::io::Write;

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
///
/// Linear in the file and the number of findings (one [`LineIndex`]), and total: a span past the
/// text, running backwards or ending inside a character still gives an end at or after its start.
#[must_use]
pub fn locate(result: &FileResult) -> Vec<Located<'_>> {
    let index = result.source.as_ref().map(|s| LineIndex::new(&s.text));
    result
        .diagnostics
        .iter()
        .map(|d| {
            let (start, end, offset, length) = match (&result.source, &index) {
                (Some(src), Some(idx)) => {
                    let from = d.span.start.min(src.text.len());
                    let to = d.span.end.clamp(from, src.text.len());
                    let a = idx.line_col(&src.text, from);
                    let b = idx.line_col(&src.text, to);
                    let disk = |at: usize| match src.encoding {
                        Encoding::Utf8 => at + if src.bom { 3 } else { 0 },
                        Encoding::Utf16Le | Encoding::Utf16Be => 2 + 2 * idx.utf16_before(&src.text, at),
                    };
                    let off = disk(from);
                    ((a.line, a.column), (b.line, b.column), off, disk(to).saturating_sub(off))
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
            writeln!(out, "{}:{}:{}: {}[{}] {}", d.path, d.line, d.column, d.severity.name(), d.rule, d.message)?;
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
