//! `size-limit`: the sequence XML is close to or over ConfigMgr's 2 MB limit.

use super::{Category, Ctx, OptionKind, Rule, RuleMeta, RuleOption};
use crate::diagnostic::Severity;

/// The rule.
pub struct SizeLimit;

static META: RuleMeta = RuleMeta {
    name: "size-limit",
    category: Category::Size,
    severity: Severity::Error,
    summary: "sequence XML is close to or over ConfigMgr's 2 MB size limit",
    docs: include_str!("../../rules/size-limit.md"),
};

impl Rule for SizeLimit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn options(&self) -> &'static [RuleOption] {
        &[
            RuleOption { name: "error-bytes", kind: OptionKind::Integer { min: 1 } },
            RuleOption { name: "warning-bytes", kind: OptionKind::Integer { min: 1 } },
        ]
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let error = cx.option_int("error-bytes", 2_097_152);
        let warning = cx.option_int("warning-bytes", 1_572_864);
        let size = i64::try_from(cx.ts.sequence_span.len()).unwrap_or(i64::MAX);
        let span = cx.ts.sequence.start_tag;
        if size > error {
            cx.report(span, format!("the sequence is {size} bytes, over the limit of {error} bytes"))
                .help("move inline scripts into packages and split the task sequence into child task sequences");
        } else if size > warning {
            cx.report(span, format!("the sequence is {size} bytes, close to the limit of {error} bytes (warning above {warning})"))
                .help("move inline scripts into packages and split the task sequence into child task sequences")
                .severity(Severity::Warning);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::lint;

    #[test]
    fn small_sequences_pass() {
        assert!(lint("size-limit", r#"<group name="a"/>"#).is_empty());
    }
}
