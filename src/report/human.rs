//! The human format: miette's graphical report, one per finding.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::FileResult;
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

/// `text` with the secret under `span`, and every other occurrence of it, replaced by as many `*`
/// as it has bytes, so that offsets still match.
fn masked(text: &str, span: crate::span::Span) -> std::sync::Arc<str> {
    match text.get(span.start..span.end).filter(|s| !s.is_empty()) {
        Some(secret) => text.replace(secret, &"*".repeat(secret.len())).into(),
        None => text.into(),
    }
}

/// Write every finding with miette's graphical handler; `color` picks the theme.
pub fn render_human(results: &[FileResult], color: bool, width: usize, out: &mut dyn Write) -> std::io::Result<()> {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(width).with_links(false);
    for r in results {
        let located = super::locate(r);
        // Control characters in the file are made harmless once per file (same byte length, so
        // spans stay valid).
        let text: Option<Arc<str>> = r.source.as_ref().map(|s| super::neutralise_controls(&s.text).into());
        let path = super::escape_controls(&r.path);
        for (d, l) in r.diagnostics.iter().zip(located) {
            let shown = if d.redact { text.as_ref().map(|t| masked(t, d.span)) } else { text.clone() };
            let source = shown.as_ref().map(|t| Excerpt::around(&path, t, d.span));
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

/// The part of a file shown with a finding: the whole text, or a window of one long line, with
/// line and column numbers kept as in the file.
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
    fn around(name: &str, file: &Arc<str>, span: crate::span::Span) -> Self {
        let at = span.start.min(file.len());
        let line_start = file.get(..at).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
        let line_end = file.get(at..).and_then(|t| t.find('\n')).map_or(file.len(), |i| at + i);
        if line_end - line_start <= MAX_LINE {
            return Self { name: name.to_owned(), text: file.clone(), offset: 0, line: 0, column: 0 };
        }
        let floor = |mut i: usize| {
            while i > 0 && !file.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let start = floor(at.saturating_sub(60).max(line_start));
        let end = floor(span.end.max(at).saturating_add(60).min(line_end).max(start));
        let line = file.get(..line_start).map_or(0, |t| t.matches('\n').count());
        let column = file.get(line_start..start).map_or(0, |t| t.chars().count());
        let text: Arc<str> = file.get(start..end).unwrap_or("").trim_end_matches('\r').into();
        Self { name: name.to_owned(), text, offset: start, line, column }
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
