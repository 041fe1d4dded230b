//! The human format: miette's graphical report, one per finding.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::FileResult;
use crate::span::LineIndex;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::fmt;
use std::io::Write;
use std::sync::Arc;

/// A finding with its file attached, as miette wants it.
struct Report<'a> {
    diag: &'a Diagnostic,
    source: Option<Excerpt>,
    location: String,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&super::escape_controls(&self.diag.message))
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let step = self.diag.step_path.as_deref().map(super::escape_controls).map(|p| match self.diag.step_number {
            Some(n) => format!("step: {p} (instruction {n})"),
            None => format!("step: {p}"),
        });
        let help = self.diag.help.as_deref().map(super::escape_controls);
        match (help, step) {
            (Some(h), Some(s)) => Some(Box::new(format!("{h}\n{s}"))),
            (Some(h), None) => Some(Box::new(h.into_owned())),
            (None, Some(s)) => Some(Box::new(s)),
            (None, None) => None,
        }
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let excerpt = self.source.as_ref()?;
        let start = self.diag.span.start.saturating_sub(excerpt.offset).min(excerpt.text.len());
        let len = self.diag.span.len().min(excerpt.text.len() - start);
        let span = SourceSpan::new(start.into(), len);
        Some(Box::new(std::iter::once(LabeledSpan::new_primary_with_span(Some(self.location.clone()), span))))
    }
}

/// The file with every secret masked: the text under each redacted finding, and every other
/// occurrence of it, replaced by as many `*` as it has bytes, so that offsets still match. One copy
/// of the file, however many secrets it holds.
fn masked(text: &str, diagnostics: &[Diagnostic]) -> Arc<str> {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let ceil = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i += 1;
        }
        i
    };
    let mut ranges: Vec<(usize, usize)> = diagnostics
        .iter()
        .filter(|d| d.redact)
        .map(|d| {
            let start = floor(d.span.start);
            (start, ceil(d.span.end).max(start))
        })
        .filter(|(a, b)| a < b)
        .collect();
    if ranges.is_empty() {
        return text.into();
    }
    let mut secrets: Vec<&str> = ranges.iter().filter_map(|&(a, b)| text.get(a..b)).collect();
    secrets.sort_unstable();
    secrets.dedup();
    if let Ok(ac) = aho_corasick::AhoCorasick::builder().match_kind(aho_corasick::MatchKind::LeftmostLongest).build(&secrets) {
        ranges.extend(ac.find_iter(text).map(|m| (m.start(), m.end())));
    }
    let mut bytes = text.as_bytes().to_vec();
    for (a, b) in ranges {
        if let Some(part) = bytes.get_mut(a..b) {
            part.fill(b'*');
        }
    }
    // Whole characters were replaced by ASCII, so the bytes are still UTF-8.
    String::from_utf8_lossy(&bytes).into()
}

/// Write every finding with miette's graphical handler; `color` picks the theme.
///
/// Linear in the file and the number of findings: one line index and one (masked) copy of each
/// file, and each finding shows only the lines around it.
pub fn render_human(results: &[FileResult], color: bool, width: usize, out: &mut dyn Write) -> std::io::Result<()> {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(width).with_links(false);
    for r in results {
        let located = super::locate(r);
        // Control characters in the file are made harmless (same byte length, so spans stay
        // valid) and secrets masked, in one copy per file.
        let file = r.source.as_ref().map(|s| (masked(&super::neutralise_controls(&s.text), &r.diagnostics), LineIndex::new(&s.text)));
        let path = super::escape_controls(&r.path);
        for (d, l) in r.diagnostics.iter().zip(located) {
            let source = file.as_ref().map(|(text, index)| Excerpt::around(&path, text, index, d.span));
            let location = format!("{path}:{}:{}", l.line, l.column);
            let header = if source.is_none() { format!("{location}: ") } else { String::new() };
            let report = Report { diag: d, source, location: "here".into() };
            let mut buf = String::new();
            if handler.render_report(&mut buf, &report).is_err() {
                buf = format!("{}[{}] {}\n", d.severity.name(), d.rule, super::escape_controls(&d.message));
            }
            if header.is_empty() {
                writeln!(out, "{buf}")?;
            } else {
                writeln!(out, "{header}{buf}")?;
            }
        }
    }
    Ok(())
}

/// The longest source line shown whole; longer lines (minified sequences, `object.xml` CDATA) are
/// cut to a window around the finding.
const MAX_LINE: usize = 160;

/// The longest line shown as a context line (before or after a finding's lines); a longer one is
/// left out, so that each finding costs a bounded amount of text.
const MAX_CONTEXT_LINE: usize = 4096;

/// The part of a file shown with a finding: the lines of the finding with one line of context on
/// each side, or a window of one long line, with line and column numbers kept as in the file.
struct Excerpt {
    name: String,
    text: Arc<str>,
    /// Byte offset of `text` in the file.
    offset: usize,
    /// 0-based line of `text`'s start in the file.
    line: usize,
    /// 0-based column (characters) of `text`'s start on that line.
    column: usize,
}

impl Excerpt {
    fn around(name: &str, file: &Arc<str>, index: &LineIndex, span: crate::span::Span) -> Self {
        let at = span.start.min(file.len());
        let line = index.line(file, at);
        let range = index.line_range(file, line);
        if range.end - range.start > MAX_LINE {
            let floor = |mut i: usize| {
                while i > 0 && !file.is_char_boundary(i) {
                    i -= 1;
                }
                i
            };
            let start = floor(at.saturating_sub(60).max(range.start));
            let end = floor(span.end.max(at).saturating_add(60).min(range.end).max(start));
            let column = index.chars_before(file, start) - index.chars_before(file, range.start);
            let text: Arc<str> = file.get(start..end).unwrap_or("").into();
            return Self { name: name.to_owned(), text, offset: start, line: line - 1, column };
        }
        let short = |l: usize| {
            let r = index.line_range(file, l);
            r.end - r.start <= MAX_CONTEXT_LINE
        };
        let last = index.line(file, span.end.max(at));
        let first = if line > 1 && short(line - 1) { line - 1 } else { line };
        let last = if last < index.lines() && short(last + 1) { last + 1 } else { last };
        let start = index.line_range(file, first).start;
        let end = index.line_range(file, last).end.max(start);
        let text: Arc<str> = file.get(start..end).unwrap_or("").into();
        Self { name: name.to_owned(), text, offset: start, line: first - 1, column: 0 }
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, context_lines_before, context_lines_after)?;
        let column = if inner.line() == 0 { inner.column() + self.column } else { inner.column() };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.line,
            column,
            inner.line_count(),
        )))
    }
}
