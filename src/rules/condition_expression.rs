//! `condition-expression`: an expression has an unknown type, a missing field or a bad operator.

use crate::analysis::conditions::{ExprKind, all, canonical, expr_kind, operator_fields};
use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::model::{CondKind, CondNode, Visit};

/// The rule.
pub struct ConditionExpression;

static META: RuleMeta = RuleMeta {
    name: "condition-expression",
    category: Category::Conditions,
    severity: Severity::Error,
    summary: "condition expression has an unknown type, a missing field or an invalid operator",
    docs: include_str!("../../rules/condition-expression.md"),
};

/// The registry value types (SDK `SMS_TaskSequence_RegistryConditionExpression`).
const REG_TYPES: &[&str] = &["REG_BINARY", "REG_DWORD", "REG_EXPAND_SZ", "REG_MULTI_SZ", "REG_NONE", "REG_QWORD", "REG_SZ"];

/// Fields that must be present and non-empty.
fn required(kind: ExprKind) -> &'static [&'static str] {
    match kind {
        ExprKind::Variable => &["Variable", "Operator"],
        ExprKind::Wmi => &["Namespace", "Query"],
        ExprKind::File | ExprKind::Folder => &["Path"],
        ExprKind::Registry => &["KeyPath", "Operator"],
        ExprKind::Software => &["Operator"],
        ExprKind::Os | ExprKind::MakeModel | ExprKind::Computer => &[],
    }
}

fn filled(n: &CondNode, field: &str) -> bool {
    n.param(field).is_some_and(|v| !v.value.text().trim().is_empty())
}

fn check_expression(cx: &mut Ctx<'_>, visit: &Visit<'_>, n: &CondNode) {
    let Some(ty) = n.attrs.get("type") else {
        cx.report_at(visit, n.name_span, "`<expression>` has no `type`").help("rebuild the condition in the step's Options tab");
        return;
    };
    let Some(kind) = expr_kind(ty.raw.trim()) else {
        cx.report_at(visit, ty.span, format!("expression type `{}` is not a known condition class", ty.raw))
            .help("fix the spelling, for example `SMS_TaskSequence_VariableConditionExpression`");
        return;
    };
    let short = ty.raw.trim().get("SMS_TaskSequence_".len()..).unwrap_or(&ty.raw).to_owned();
    for field in required(kind).iter().copied().filter(|f| !filled(n, f)) {
        cx.report_at(visit, ty.span, format!("`{short}` has no `{field}` field"))
            .help(format!("add `<variable name=\"{field}\">…</variable>`, or rebuild the condition in the editor"));
    }
    if kind == ExprKind::Software && !filled(n, "ProductCode") && !filled(n, "UpgradeCode") {
        cx.report_at(visit, ty.span, format!("`{short}` has neither a `ProductCode` nor an `UpgradeCode`"))
            .help("add the MSI product code (`ThisVersion`) or upgrade code (`AnyVersion`)");
    }
    for (field, ops) in operator_fields(kind) {
        let Some(v) = n.param(field) else { continue };
        let text = v.value.text();
        if !text.trim().is_empty() && canonical(ops, &text).is_none() {
            let list = ops.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", ");
            cx.report_at(visit, v.value.span, format!("`{}` is not a valid `{field}` of `{short}`", text.trim()))
                .help(format!("use one of {list}"));
        }
    }
    let limit = match kind {
        ExprKind::Wmi => Some(("Query", 16_384)),
        ExprKind::Registry => Some(("Value", 250)),
        _ => None,
    };
    if let Some((field, max)) = limit
        && let Some(v) = n.param(field)
        && let len = v.value.text().chars().count()
        && len > max
    {
        cx.report_at(visit, v.value.span, format!("the `{field}` of `{short}` is {len} characters long; the limit is {max}"))
            .help(format!("shorten the `{field}` to {max} characters or fewer"));
    }
    if kind == ExprKind::Registry
        && let Some(v) = n.param("Type")
        && let text = v.value.text()
        && !text.trim().is_empty()
        && !REG_TYPES.iter().any(|t| t.eq_ignore_ascii_case(text.trim()))
    {
        cx.report_at(visit, v.value.span, format!("`{}` is not a registry value type", text.trim()))
            .help("use `REG_SZ`, `REG_DWORD`, `REG_QWORD`, `REG_EXPAND_SZ`, `REG_MULTI_SZ`, `REG_BINARY` or `REG_NONE`");
    }
}

impl Rule for ConditionExpression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for visit in cx.facts.visits() {
            for n in all(visit.node).into_iter().filter(|n| n.kind == CondKind::Expression) {
                check_expression(cx, visit, n);
            }
        }
    }
}
