//! `unsupported-format`: well-formed XML that is no task-sequence container tsq knows.
//!
//! Its findings come from reading the file (see [`crate::container::Problem`]).

use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;

/// The rule.
pub struct UnsupportedFormat;

/// The rule's metadata (the loader's findings carry it).
pub(crate) static META: RuleMeta = RuleMeta {
    name: "unsupported-format",
    category: Category::Syntax,
    severity: Severity::Error,
    summary: "well-formed XML that is no task-sequence container tsq knows",
    docs: include_str!("../../rules/unsupported-format.md"),
};

impl Rule for UnsupportedFormat {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, _cx: &mut Ctx<'_>) {}
}
