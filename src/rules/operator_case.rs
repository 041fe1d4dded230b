//! `operator-case`: a condition operator matches an allowed value only when case is ignored.

use crate::analysis::conditions::{all, canonical, element_name, expr_kind, operator_fields, operator_types};
use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::fix::{Edit, Fix, FixKind};
use crate::model::Value;

/// The rule.
pub struct OperatorCase;

static META: RuleMeta = RuleMeta {
    name: "operator-case",
    category: Category::Conditions,
    severity: Severity::Info,
    summary: "condition operator matches an allowed value only when case is ignored",
    docs: include_str!("../../rules/operator-case.md"),
};

impl Rule for OperatorCase {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix_kind(&self) -> FixKind {
        FixKind::Safe
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for visit in cx.facts.visits() {
            for n in all(visit.node) {
                // (what, allowed values, the value as written)
                let mut checks: Vec<(String, &'static [&'static str], &Value)> = Vec::new();
                if let (Some(types), Some(t)) = (operator_types(&n.kind), n.attrs.get("type")) {
                    checks.push((format!("`<{}>` type", element_name(&n.kind)), types, t));
                }
                if let Some(kind) = n.type_name().and_then(|t| expr_kind(t.trim())) {
                    for (field, ops) in operator_fields(kind) {
                        if let Some(v) = n.param(field) {
                            checks.push((format!("`{field}`"), ops, &v.value));
                        }
                    }
                }
                for (what, allowed, value) in checks {
                    let text = value.text();
                    let written = text.trim();
                    if let Some(right) = canonical(allowed, written).filter(|r| *r != written) {
                        let fixed = value.raw.replacen(written, right, 1);
                        cx.report_at(visit, value.span, format!("{what} `{written}` differs from the documented `{right}` only in case"))
                            .help(format!("write `{right}`"))
                            .fix(Fix::safe(format!("write `{right}`"), vec![Edit::new(value.span, fixed)]));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::lint;

    #[test]
    fn case_only_differences() {
        let var = |op: &str| {
            format!(
                r#"<step name="a"><condition><expression type="SMS_TaskSequence_VariableConditionExpression"><variable name="Variable">V</variable><variable name="Operator">{op}</variable></expression></condition></step>"#
            )
        };
        assert_eq!(lint("operator-case", &var("Equals")).len(), 1);
        assert!(lint("operator-case", &var("equals")).is_empty());
        assert!(lint("operator-case", &var("contains")).is_empty());
    }
}
