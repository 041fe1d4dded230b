//! `invalid-run-in`: `runIn` is not `WinPE`, `FullOS` or `WinPEandFullOS`.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;

/// The rule.
pub struct InvalidRunIn;

static META: RuleMeta = RuleMeta {
    name: "invalid-run-in",
    category: Category::Environment,
    severity: Severity::Error,
    summary: "runIn is not WinPE, FullOS or WinPEandFullOS",
    docs: include_str!("../../rules/invalid-run-in.md"),
};

/// The values of `SupportedEnvironment` (SDK `SMS_TaskSequence_Action`).
const VALUES: [&str; 3] = ["WinPE", "FullOS", "WinPEandFullOS"];

impl Rule for InvalidRunIn {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for visit in cx.facts.visits() {
            let Some(value) = visit.node.attr("runIn") else { continue };
            if VALUES.contains(&value.raw.as_ref()) {
                continue;
            }
            let help = match VALUES.iter().find(|v| v.eq_ignore_ascii_case(value.raw.trim())) {
                Some(v) => format!("write `{v}`, with this exact spelling"),
                None => "use `WinPE`, `FullOS` or `WinPEandFullOS`".to_owned(),
            };
            cx.report_at(visit, value.span, format!("`runIn` is `{}`, not `WinPE`, `FullOS` or `WinPEandFullOS`", value.raw)).help(help);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::lint;

    #[test]
    fn exact_spelling() {
        assert!(lint("invalid-run-in", r#"<step name="a" runIn="WinPEandFullOS"/>"#).is_empty());
        assert_eq!(lint("invalid-run-in", r#"<step name="a" runIn="winpe"/>"#).len(), 1);
    }
}
