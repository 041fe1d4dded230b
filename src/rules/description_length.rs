//! `description-length`: a step or group description is longer than 255 characters.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::container::Format;
use crate::diagnostic::Severity;

/// The rule.
pub struct DescriptionLength;

static META: RuleMeta = RuleMeta {
    name: "description-length",
    category: Category::Schema,
    severity: Severity::Error,
    summary: "step or group description is longer than 255 characters",
    docs: include_str!("../../rules/description-length.md"),
};

/// `AllowedLen("0-255")` on `SMS_TaskSequence_Step.Description`.
const MAX: usize = 255;

impl Rule for DescriptionLength {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let ts = cx.ts;
        // MDT Lite Touch never passes the sequence through the SMS Provider that enforces the limit.
        let severity = if ts.format == Format::MdtTs { Severity::Warning } else { Severity::Error };
        for visit in cx.facts.visits() {
            let Some(value) = visit.node.attr("description") else { continue };
            let text = value.text();
            let len = text.chars().count();
            if len > MAX {
                let start: String = text.chars().take(40).collect();
                cx.report_at(visit, value.span, format!("description `{start}…` is {len} characters long; the limit is {MAX}"))
                    .help("shorten the description to 255 characters or fewer")
                    .severity(severity);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::lint;

    #[test]
    fn counts_decoded_characters() {
        let ok = format!(r#"<group name="a" description="{}"/>"#, "&amp;".repeat(255));
        assert!(lint("description-length", &ok).is_empty());
        let long = format!(r#"<group name="a" description="{}"/>"#, "é".repeat(256));
        assert_eq!(lint("description-length", &long).len(), 1);
    }
}
