//! `condition-structure`: a condition operator, group or element is malformed or misplaced.

use crate::analysis::conditions::{canonical, element_name, operator_types};
use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::model::{CondKind, CondNode, Visit};
use crate::span::Span;

/// The rule.
pub struct ConditionStructure;

static META: RuleMeta = RuleMeta {
    name: "condition-structure",
    category: Category::Conditions,
    severity: Severity::Error,
    summary: "condition operator, group or element is malformed or misplaced",
    docs: include_str!("../../rules/condition-structure.md"),
};

/// The span of an element's `<name`.
const fn head(n: &CondNode) -> Span {
    n.name_span
}

/// Whether `child` may sit directly inside `parent` (`None`: inside `<condition>`).
fn allowed(parent: Option<&CondKind>, child: &CondKind) -> bool {
    use CondKind::{Expression, OsConditionGroup, OsExpressionGroup, Operator, PlatformKey};
    match parent {
        None | Some(Operator) => matches!(child, Expression | Operator | OsConditionGroup),
        Some(OsConditionGroup) => matches!(child, OsExpressionGroup),
        Some(OsExpressionGroup) => matches!(child, PlatformKey | Expression),
        Some(_) => false,
    }
}

fn check_node(cx: &mut Ctx<'_>, visit: &Visit<'_>, n: &CondNode, parent: Option<&CondKind>) {
    let name = element_name(&n.kind);
    if !allowed(parent, &n.kind) {
        let inside = parent.map_or("condition", element_name);
        cx.report_at(visit, head(n), format!("`<{name}>` is not allowed inside `<{inside}>`"))
            .help("rebuild the condition in the editor's Options tab");
        return;
    }
    if let Some(types) = operator_types(&n.kind) {
        let list = types.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ");
        match n.attrs.get("type") {
            None => {
                cx.report_at(visit, head(n), format!("`<{name}>` has no `type`")).help(format!("add `type=` with one of {list}"));
            }
            Some(t) if canonical(types, &t.raw).is_none() => {
                cx.report_at(visit, t.span, format!("`<{name}>` type `{}` is not one of {list}", t.raw)).help(format!("use one of {list}"));
            }
            Some(_) => {}
        }
        if !n.children.iter().any(|c| allowed(Some(&n.kind), &c.kind) && c.kind != CondKind::PlatformKey) {
            cx.report_at(visit, head(n), format!("`<{name}>` has no operands")).help("put the conditions it should combine inside it, or delete it");
        }
    }
    for c in &n.children {
        check_node(cx, visit, c, Some(&n.kind));
    }
}

impl Rule for ConditionStructure {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for visit in cx.facts.visits() {
            let node = visit.node;
            let conditions = node.condition.iter().chain(node.dynamic_rules.iter().flat_map(|d| &d.rules).filter_map(|r| r.condition.as_ref()));
            for n in conditions.flat_map(|c| &c.children) {
                check_node(cx, visit, n, None);
            }
            for n in &node.stray_conditions {
                let name = element_name(&n.kind);
                cx.report_at(visit, head(n), format!("`<{name}>` sits directly in `{}`, outside a `<condition>`", node.name()))
                    .help("wrap it in a `<condition>` element, the first child of the step or group; until then it is not applied");
                check_node(cx, visit, n, None);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::lint;

    #[test]
    fn stray_and_empty_operators() {
        let stray = r#"<step name="a"><expression type="SMS_TaskSequence_VariableConditionExpression"/></step>"#;
        assert_eq!(lint("condition-structure", stray).len(), 1);
        let empty_or = r#"<step name="a"><condition><operator type="or"/></condition></step>"#;
        assert_eq!(lint("condition-structure", empty_or).len(), 1);
        let case_only = r#"<step name="a"><condition><operator type="OR"><operator type="not"><expression/></operator></operator></condition></step>"#;
        assert!(lint("condition-structure", case_only).is_empty());
    }
}
