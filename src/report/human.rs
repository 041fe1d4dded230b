//! The human format: miette's graphical report, one per finding.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::FileResult;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use std::fmt;
use std::io::Write;

/// A finding with its file attached, as miette wants it.
struct Report<'a> {
    diag: &'a Diagnostic,
    source: Option<NamedSource<std::sync::Arc<str>>>,
    location: String,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
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
        let step = self.diag.step_path.as_ref().map(|p| match self.diag.step_number {
            Some(n) => format!("step: {p} (instruction {n})"),
            None => format!("step: {p}"),
        });
        match (&self.diag.help, step) {
            (Some(h), Some(s)) => Some(Box::new(format!("{h}\n{s}"))),
            (Some(h), None) => Some(Box::new(h.clone())),
            (None, Some(s)) => Some(Box::new(s)),
            (None, None) => None,
        }
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let span = SourceSpan::new(self.diag.span.start.into(), self.diag.span.len());
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
        let text: Option<std::sync::Arc<str>> = r.source.as_ref().map(|s| s.text.as_str().into());
        for (d, l) in r.diagnostics.iter().zip(located) {
            let shown = if d.redact { text.as_ref().map(|t| masked(t, d.span)) } else { text.clone() };
            let source = shown.map(|t| NamedSource::new(&r.path, t));
            let location = format!("{}:{}:{}", r.path, l.line, l.column);
            let header = if source.is_none() { format!("{location}: ") } else { String::new() };
            let report = Report { diag: d, source, location: "here".into() };
            let mut buf = String::new();
            if handler.render_report(&mut buf, &report).is_err() {
                buf = format!("{}[{}] {}\n", d.severity.name(), d.rule, d.message);
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
