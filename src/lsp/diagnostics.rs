//! Findings as the client sees them: ranges in the negotiated encoding, the rule as `code` with
//! a link to its documentation, the step in the message, and `Unnecessary` where it fits.

use super::documents::path_uri;
use super::position::{LineIndex, PositionEncoding};
use crate::config::ConfigError;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::FileResult;
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location, NumberOrString, Position, Range, Uri,
};
use std::path::Path;

/// Where rule documentation is linked from (`codeDescription.href`): a base URI that
/// `<rule>.md` is appended to.
#[derive(Debug, Clone)]
pub struct RuleDocs {
    base: String,
}

impl RuleDocs {
    /// Links under `base` (a URI ending in `/`), or, without one, to the `rules/` folder of the
    /// source tree tsq was built from.
    #[must_use]
    pub fn new(base: Option<String>) -> Self {
        let base = base.unwrap_or_else(|| {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
            path_uri(&dir).map_or_else(String::new, |u| u.as_str().to_owned())
        });
        let base = if base.ends_with('/') { base } else { format!("{base}/") };
        Self { base }
    }

    /// The documentation of `rule`.
    #[must_use]
    pub fn href(&self, rule: &str) -> Option<Uri> {
        format!("{}{rule}.md", self.base).parse().ok()
    }
}

/// The protocol's severity of a finding.
const fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// Rules whose findings mark text that does nothing (shown faded).
const UNNECESSARY: [&str; 2] = ["unused-reference", "unused-suppression"];

/// The findings of a document's check results: the client's diagnostics, and the engine's
/// findings with spans moved into `text` (the engine's text lacks a leading byte-order mark).
#[must_use]
pub fn convert(
    results: Vec<FileResult>,
    text: &str,
    index: &LineIndex,
    enc: PositionEncoding,
    docs: &RuleDocs,
) -> (Vec<lsp_types::Diagnostic>, Vec<Diagnostic>) {
    let mut lsp = Vec::new();
    let mut findings = Vec::new();
    for result in results {
        let decoded = result.source.as_ref().map_or(text.len(), |s| s.text.len());
        let shift = if text.starts_with('\u{feff}') { text.len().saturating_sub(decoded) } else { 0 };
        for mut d in result.diagnostics {
            d.span = d.span.shift(shift);
            for e in d.fix.iter_mut().flat_map(|f| f.edits.iter_mut()) {
                e.span = e.span.shift(shift);
            }
            lsp.push(to_lsp(&d, index.range(text, d.span, enc), docs));
            findings.push(d);
        }
    }
    (lsp, findings)
}

/// One finding for the client.
fn to_lsp(d: &Diagnostic, range: Range, docs: &RuleDocs) -> lsp_types::Diagnostic {
    let mut message = d.message.clone();
    if let Some(path) = &d.step_path {
        message.push_str(&format!("\nstep: {path}"));
        if let Some(n) = d.step_number {
            message.push_str(&format!(" (#{n})"));
        }
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    lsp_types::Diagnostic {
        range,
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.rule.to_owned())),
        code_description: docs.href(d.rule).map(|href| CodeDescription { href }),
        source: Some("tsq".to_owned()),
        message,
        related_information: None,
        tags: UNNECESSARY.contains(&d.rule).then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

/// The diagnostic a broken configuration gives on the config file itself (`text`: its contents).
#[must_use]
pub fn config_error(err: &ConfigError, text: &str, enc: PositionEncoding) -> lsp_types::Diagnostic {
    let range = config_range(err, text, enc);
    lsp_types::Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some("tsq".to_owned()),
        message: err.message.clone(),
        ..lsp_types::Diagnostic::default()
    }
}

/// The diagnostic a document gets when the configuration that applies to it is broken: on its
/// first character, pointing at the configuration's error.
#[must_use]
pub fn config_blocked(err: &ConfigError, config_text: &str, enc: PositionEncoding) -> lsp_types::Diagnostic {
    let shown = crate::inputs::display_relative(&err.path);
    let related = path_uri(&err.path).map(|uri| {
        vec![DiagnosticRelatedInformation {
            location: Location::new(uri, config_range(err, config_text, enc)),
            message: err.message.clone(),
        }]
    });
    lsp_types::Diagnostic {
        range: Range::new(Position::new(0, 0), Position::new(0, 0)),
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some("tsq".to_owned()),
        message: format!("not checked: the configuration {shown} cannot be used: {}", err.message),
        related_information: related,
        ..lsp_types::Diagnostic::default()
    }
}

/// The range of a configuration error: its line and column (1-based, in characters) as an empty
/// range, or the file's start.
fn config_range(err: &ConfigError, text: &str, enc: PositionEncoding) -> Range {
    let Some((line, col)) = err.line_col else { return Range::default() };
    let chars = crate::span::LineIndex::new(text);
    let offset = chars.offset(text, line, col);
    let index = LineIndex::new(text);
    let at = index.position(text, offset, enc);
    Range::new(at, at)
}
