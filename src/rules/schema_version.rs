//! `schema-version`: `<sequence>` has no `version`, or one outside the accepted set.

use super::{Category, Ctx, OptionKind, Rule, RuleMeta, RuleOption};
use crate::diagnostic::Severity;

/// The rule.
pub struct SchemaVersion;

static META: RuleMeta = RuleMeta {
    name: "schema-version",
    category: Category::Schema,
    severity: Severity::Error,
    summary: "the sequence has no schema version, or one outside the accepted set",
    docs: include_str!("../../rules/schema-version.md"),
};

impl Rule for SchemaVersion {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn options(&self) -> &'static [RuleOption] {
        &[RuleOption { name: "accept", kind: OptionKind::Versions }]
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let accept = cx.option_strings("accept", &["3.00", "3.10"]);
        let seq = &cx.ts.sequence;
        match seq.version() {
            None => {
                let span = seq.start_tag;
                cx.report(span, "`<sequence>` has no `version` attribute")
                    .help(format!("add `version=\"{}\"`", accept.last().map_or("3.10", String::as_str)));
            }
            Some(v) if !accept.iter().any(|a| a == &v.raw) => {
                let list = accept.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
                let span = v.span;
                cx.report(span, format!("schema version `{}` is not one of the accepted versions ({list})", v.raw))
                    .help("the client runs only the schema version it detects; export the task sequence again from a current site");
            }
            Some(_) => {}
        }
    }
}
