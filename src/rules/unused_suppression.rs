//! `unused-suppression`: a suppression that suppressed nothing. The findings are produced by the
//! lint pipeline (`lint.rs` for inline comments, `cli/check.rs` for `[[suppress]]` entries).

use super::{Ctx, Group, Rule, RuleMeta};
use crate::diagnostic::Severity;

/// The rule.
pub struct UnusedSuppression;

static META: RuleMeta = RuleMeta {
    name: "unused-suppression",
    group: Group::Suppression,
    severity: Severity::Warning,
    summary: "suppression comment or config entry suppressed nothing",
    docs: include_str!("../../rules/unused-suppression.md"),
};

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, _cx: &mut Ctx<'_>) {}
}
