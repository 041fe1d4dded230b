//! Rendering findings: `human` (miette's graphical report), `concise`, `json`, and the formats CI
//! systems read (`sarif`, `github`, `gitlab`, `junit`, `checkstyle`, `azure`, `json-lines`);
//! [`options`] holds the reporting options of `tsq check` (several outputs, exit controls,
//! statistics, the baseline).

mod azure;
mod checkstyle;
pub mod fingerprint;
mod github;
mod gitlab;
mod human;
mod json_lines;
mod junit;
pub mod options;
mod sarif;

pub use human::render_human;

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{FileResult, Suppressed};
use crate::rules::Rule;
use crate::source::Encoding;
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
    // Control characters are C0 (below 0x20), DEL and C1 (U+0080 to U+009F, UTF-8 `C2 80..9F`):
    // a byte scan rules them out without decoding the text.
    let maybe = |b: &u8| (*b < 0x20 && !matches!(*b, b'\n' | b'\r' | b'\t')) || *b == 0x7f || *b == 0xc2;
    // Blocks of 64 bytes without an early exit inside, which the compiler vectorises.
    let suspect = text.as_bytes().chunks(64).any(|block| block.iter().fold(false, |found, b| found | maybe(b)));
    if !suspect || !text.chars().any(harmful) {
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
    /// One JSON object per finding, one per line.
    JsonLines,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF viewers).
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality report.
    Gitlab,
    /// JUnit XML (Jenkins, GitLab and Azure DevOps test reports).
    Junit,
    /// Checkstyle 4.3 XML (reviewdog and others).
    Checkstyle,
    /// Azure DevOps logging commands.
    Azure,
}

impl OutputFormat {
    /// The name as `--format` takes it (`json-lines`).
    #[must_use]
    pub fn name(self) -> String {
        clap::ValueEnum::to_possible_value(&self).map(|v| v.get_name().to_owned()).unwrap_or_default()
    }
}

/// A file or path that could not be read at all (no finding could be made for it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The path as printed.
    pub path: String,
    /// One sentence saying why, naming the path.
    pub message: String,
}

/// Everything a format may show about one run of `tsq check`.
#[derive(Clone, Copy)]
pub struct Report<'a> {
    /// The checked files and their findings.
    pub results: &'a [FileResult],
    /// Paths that could not be read.
    pub unreadable: &'a [Unreadable],
    /// The rules that ran (enabled for at least one file).
    pub rules: &'a [&'static dyn Rule],
    /// Whether formats that can show silenced findings show them (`--show-suppressed`).
    pub show_suppressed: bool,
    /// The severity from which a finding fails the run (`--fail-on`).
    pub fail_on: Severity,
    /// The exit code of the run.
    pub exit_code: u8,
}

/// Write `report` in `format`; `color` applies to the human format only.
pub fn render(format: OutputFormat, report: &Report<'_>, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        OutputFormat::Human => {
            render_human(report.results, color, 100, out)?;
            let s = Summary::of(report.results);
            writeln!(out, "{} files checked: {} errors, {} warnings, {} infos", s.files, s.errors, s.warnings, s.infos)
        }
        OutputFormat::Concise => render_concise(report.results, out),
        OutputFormat::Json => render_json(report.results, out),
        OutputFormat::JsonLines => json_lines::render(report, out),
        OutputFormat::Sarif => sarif::render(report, out),
        OutputFormat::Github => github::render(report, out),
        OutputFormat::Gitlab => gitlab::render(report, out),
        OutputFormat::Junit => junit::render(report, out),
        OutputFormat::Checkstyle => checkstyle::render(report, out),
        OutputFormat::Azure => azure::render(report, out),
    }
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
    result.diagnostics.iter().map(|d| locate_one(result, index.as_ref(), d)).collect()
}

/// Resolve the position of one finding of `result` (`index` is the line index of its source).
fn locate_one<'a>(result: &'a FileResult, index: Option<&LineIndex>, d: &'a Diagnostic) -> Located<'a> {
    let (start, end, offset, length) = match (&result.source, index) {
        // Total: a span past the text, running backwards or ending inside a character still
        // gives an end at or after its start.
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
}

/// A finding as the CI formats write it: its position, its fingerprint and, for a finding that
/// was silenced, how.
pub struct Item<'a> {
    /// The finding with its resolved position.
    pub at: Located<'a>,
    /// The finding itself.
    pub diagnostic: &'a Diagnostic,
    /// Its stable fingerprint ([`fingerprint`]).
    pub fingerprint: String,
    /// How it was silenced, for a suppressed finding.
    pub suppression: Option<&'a Suppressed>,
}

/// The findings of one file in order of position, with the suppressed ones when `suppressed`.
#[must_use]
pub fn items(result: &FileResult, suppressed: bool) -> Vec<Item<'_>> {
    let index = result.source.as_ref().map(|s| LineIndex::new(&s.text));
    let prints = fingerprint::fingerprints(result);
    let mut out: Vec<Item<'_>> = result
        .diagnostics
        .iter()
        .zip(prints.diagnostics)
        .map(|(d, fingerprint)| Item { at: locate_one(result, index.as_ref(), d), diagnostic: d, fingerprint, suppression: None })
        .collect();
    if suppressed {
        out.extend(result.suppressed.iter().zip(prints.suppressed).map(|(s, fingerprint)| Item {
            at: locate_one(result, index.as_ref(), &s.diagnostic),
            diagnostic: &s.diagnostic,
            fingerprint,
            suppression: Some(s),
        }));
        out.sort_by(|a, b| fingerprint::order(a.diagnostic, b.diagnostic));
    }
    out
}

/// A printed path split into the file CI systems know and, for an archive member
/// (`archive.zip!SMS_TaskSequencePackage/ID/object.xml`), the member inside it.
#[must_use]
pub fn split_member(path: &str) -> (&str, Option<&str>) {
    let mut from = 0;
    while let Some(i) = path.get(from..).and_then(|p| p.find('!')).map(|i| from + i) {
        let (file, member) = (path.get(..i).unwrap_or(path), path.get(i + 1..).unwrap_or(""));
        if file.to_ascii_lowercase().ends_with(".zip") && !member.is_empty() {
            return (file, Some(member));
        }
        from = i + 1;
    }
    (path, None)
}

/// The message of a finding as the CI formats show it: an archive member is named after it.
#[must_use]
pub fn message_with_member(message: &str, member: Option<&str>) -> String {
    match member {
        Some(m) => format!("{message} (in {m})"),
        None => message.to_owned(),
    }
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

/// `s` escaped for an XML attribute value or text: markup characters as entities, line breaks
/// and tabs as character references (kept through attribute normalisation), and the characters
/// XML 1.0 cannot hold as U+FFFD.
#[must_use]
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Set `key` of a JSON object (nothing when `target` is not an object).
fn set(target: &mut serde_json::Value, key: &str, value: serde_json::Value) {
    if let Some(o) = target.as_object_mut() {
        o.insert(key.to_owned(), value);
    }
}
