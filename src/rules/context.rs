//! What a rule sees while it checks one task sequence, and how it reports.

use super::Rule;
use crate::analysis::facts::Facts;
use crate::container::TaskSequence;
use crate::diagnostic::{Diagnostic, Severity};
use crate::inventory::Inventory;
use crate::model::Visit;
use crate::span::Span;

/// The per-file, per-rule context.
pub struct Ctx<'a> {
    /// The task sequence and its container facts.
    pub ts: &'a TaskSequence,
    /// The file's decoded text, which spans index (for fixes that need the text around a span).
    pub text: &'a str,
    /// This rule's options from `tsq.toml` (`[rules.<name>]`), an empty table when none.
    pub options: &'a toml::Table,
    /// The site inventory given with `--inventory`, if any.
    pub inventory: Option<&'a Inventory>,
    /// The walk and the references of `ts`, shared by every rule that runs on it.
    pub facts: &'a Facts<'a>,
    pub(crate) rule: &'static dyn Rule,
    pub(crate) out: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    /// A context for `rule` over `ts`.
    #[must_use]
    pub fn new(
        rule: &'static dyn Rule,
        ts: &'a TaskSequence,
        text: &'a str,
        options: &'a toml::Table,
        inventory: Option<&'a Inventory>,
        facts: &'a Facts<'a>,
    ) -> Self {
        Self { ts, text, options, inventory, facts, rule, out: Vec::new() }
    }

    /// Report a finding at `span` with the rule's default severity; returns it for `help`,
    /// `severity` or a step location.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> Report<'_> {
        let meta = self.rule.meta();
        self.out.push(Diagnostic::new(meta.name, meta.severity, span, message));
        let last = self.out.len() - 1;
        Report { diag: self.out.get_mut(last) }
    }

    /// Report a finding on a step or group reached by a walk: adds its path and number.
    pub fn report_at(&mut self, visit: &Visit<'_>, span: Span, message: impl Into<String>) -> Report<'_> {
        let path = visit.path();
        let number = visit.number;
        let mut r = self.report(span, message);
        if let Some(d) = r.diag.as_deref_mut() {
            d.step_path = Some(path);
            d.step_number = Some(number);
        }
        r
    }

    /// The findings reported so far.
    #[must_use]
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.out
    }

    /// A string-list option, or `default`.
    #[must_use]
    pub fn option_strings(&self, key: &str, default: &[&str]) -> Vec<String> {
        match self.options.get(key).and_then(toml::Value::as_array) {
            Some(items) => items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
            None => default.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// An integer option, or `default`.
    #[must_use]
    pub fn option_int(&self, key: &str, default: i64) -> i64 {
        self.options.get(key).and_then(toml::Value::as_integer).unwrap_or(default)
    }
}

/// A finding being reported; set its help or severity.
pub struct Report<'c> {
    diag: Option<&'c mut Diagnostic>,
}

impl Report<'_> {
    /// Say what to do.
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        if let Some(d) = self.diag.as_deref_mut() {
            d.help = Some(help.into());
        }
        self
    }

    /// Mark the text under the span as a secret: reports mask it in source snippets.
    pub fn redact(&mut self) -> &mut Self {
        if let Some(d) = self.diag.as_deref_mut() {
            d.redact = true;
        }
        self
    }

    /// Offer a fix.
    pub fn fix(&mut self, fix: crate::fix::Fix) -> &mut Self {
        if let Some(d) = self.diag.as_deref_mut() {
            d.fix = Some(fix);
        }
        self
    }

    /// Use another severity than the rule's default for this finding.
    pub fn severity(&mut self, severity: Severity) -> &mut Self {
        if let Some(d) = self.diag.as_deref_mut() {
            d.severity = severity;
        }
        self
    }
}
