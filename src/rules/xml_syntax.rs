//! `xml-syntax`: the file is not well-formed XML or cannot be decoded.
//!
//! Its findings come from reading the file (see [`crate::container::Problem`]); the model of a
//! file that reads has nothing left for it to check.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;

/// The rule.
pub struct XmlSyntax;

/// The rule's metadata (the loader's findings carry it).
pub(crate) static META: RuleMeta = RuleMeta {
    name: "xml-syntax",
    category: Category::Syntax,
    severity: Severity::Error,
    summary: "the file is not well-formed XML or cannot be decoded",
    docs: include_str!("../../rules/xml-syntax.md"),
};

impl Rule for XmlSyntax {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, _cx: &mut Ctx<'_>) {}
}
