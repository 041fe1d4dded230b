//! Findings: one struct for rule results and for files that could not be read.

use crate::span::Span;
use serde::{Deserialize, Serialize};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; not a defect by itself.
    Info,
    /// Likely wrong, or discouraged by the documentation.
    Warning,
    /// The import, save or run is documented to fail.
    Error,
}

impl Severity {
    /// `error`, `warning` or `info`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

/// One finding in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The rule's kebab-case name.
    pub rule: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// What is wrong: lower-case start, no trailing period.
    pub message: String,
    /// Where, as a span of the file's decoded text.
    pub span: Span,
    /// What to do about it.
    pub help: Option<String>,
    /// The group and step names leading to the step (`Install Operating System/Apply OS`).
    pub step_path: Option<String>,
    /// The step's instruction number as `smsts.log` counts it.
    pub step_number: Option<usize>,
    /// The step's stable identity ([`crate::identity::NodeId`] as text), filled in by the engine.
    pub step_id: Option<String>,
    /// The fix it offers, if any.
    #[serde(skip)]
    pub fix: Option<crate::fix::Fix>,
    /// Whether the text under `span` is a secret that reports must not show (source snippets
    /// mask it).
    #[serde(skip)]
    pub redact: bool,
}

impl Diagnostic {
    /// A finding with no help and no step location.
    #[must_use]
    pub fn new(rule: &'static str, severity: Severity, span: Span, message: impl Into<String>) -> Self {
        Self {
            rule,
            severity,
            message: message.into(),
            span,
            help: None,
            step_path: None,
            step_number: None,
            step_id: None,
            fix: None,
            redact: false,
        }
    }

    /// Set the help text.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}
