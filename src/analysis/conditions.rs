//! Shared knowledge about conditions: where they are, the expression classes and the operator
//! values each allows (the SDK `SMS_TaskSequence_*ConditionExpression` class pages; the
//! Set Dynamic Variables rules reuse the same grammar).

use crate::model::{CondKind, CondNode, Node};

/// The expression classes, from `<expression type="SMS_TaskSequence_…ConditionExpression">`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExprKind {
    /// Task sequence variable.
    Variable,
    /// WMI query.
    Wmi,
    /// File.
    File,
    /// Folder.
    Folder,
    /// Registry.
    Registry,
    /// Installed software (MSI).
    Software,
    /// MDT's OS condition.
    Os,
    /// Make and model (Set Dynamic Variables rules only).
    MakeModel,
    /// Computer identity (Set Dynamic Variables rules only).
    Computer,
}

const KINDS: &[(&str, ExprKind)] = &[
    ("VariableConditionExpression", ExprKind::Variable),
    ("WMIConditionExpression", ExprKind::Wmi),
    ("FileConditionExpression", ExprKind::File),
    ("FolderConditionExpression", ExprKind::Folder),
    ("RegistryConditionExpression", ExprKind::Registry),
    ("SoftwareConditionExpression", ExprKind::Software),
    ("OSConditionExpression", ExprKind::Os),
    ("MakeModelConditionExpression", ExprKind::MakeModel),
    ("ComputerConditionExpression", ExprKind::Computer),
];

/// The class of an expression `type` (case-insensitive), `None` when unknown.
pub(crate) fn expr_kind(type_name: &str) -> Option<ExprKind> {
    let prefix = "SMS_TaskSequence_";
    let head = type_name.get(..prefix.len())?;
    let rest = type_name.get(prefix.len()..)?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    KINDS.iter().find(|(n, _)| n.eq_ignore_ascii_case(rest)).map(|(_, k)| *k)
}

const COMPARE: &[&str] = &["equals", "notEquals", "less", "lessEqual", "greater", "greaterEqual"];
const VARIABLE_OPS: &[&str] = &["exists", "notExists", "equals", "notEquals", "less", "lessEqual", "greater", "greaterEqual", "like"];
const REGISTRY_OPS: &[&str] = &["exists", "notExists", "nonExists", "equals", "notEquals", "less", "lessEqual", "greater", "greaterEqual"];
const SOFTWARE_OPS: &[&str] = &["AnyVersion", "ThisVersion"];

/// The operator fields of an expression class and the values each allows.
pub(crate) fn operator_fields(kind: ExprKind) -> &'static [(&'static str, &'static [&'static str])] {
    match kind {
        ExprKind::Variable => &[("Operator", VARIABLE_OPS)],
        ExprKind::Registry => &[("Operator", REGISTRY_OPS)],
        ExprKind::Software => &[("Operator", SOFTWARE_OPS)],
        ExprKind::File => &[("VersionOperator", COMPARE), ("DateTimeOperator", COMPARE)],
        ExprKind::Folder => &[("DateTimeOperator", COMPARE)],
        ExprKind::Wmi | ExprKind::Os | ExprKind::MakeModel | ExprKind::Computer => &[],
    }
}

/// The `type` values an operator-like element allows (`None`: not an operator-like element).
pub(crate) fn operator_types(kind: &CondKind) -> Option<&'static [&'static str]> {
    match kind {
        CondKind::Operator => Some(&["and", "or", "not"]),
        CondKind::OsConditionGroup => Some(&["or"]),
        CondKind::OsExpressionGroup => Some(&["and"]),
        _ => None,
    }
}

/// The allowed spelling that `value` matches case-insensitively.
pub(crate) fn canonical(allowed: &'static [&'static str], value: &str) -> Option<&'static str> {
    allowed.iter().copied().find(|a| a.eq_ignore_ascii_case(value.trim()))
}

/// The element name of a condition node, for messages.
pub(crate) fn element_name(kind: &CondKind) -> &str {
    match kind {
        CondKind::Operator => "operator",
        CondKind::Expression => "expression",
        CondKind::OsConditionGroup => "osConditionGroup",
        CondKind::OsExpressionGroup => "osExpressionGroup",
        CondKind::PlatformKey => "platformKey",
        CondKind::Unknown(name) => name,
    }
}

/// The top-level operands of every condition of a node: its `<condition>`, the conditions of its
/// Set Dynamic Variables rules, and (last) its stray condition elements.
pub(crate) fn roots(node: &Node) -> Vec<&CondNode> {
    let mut out: Vec<&CondNode> = node.condition.iter().flat_map(|c| &c.children).collect();
    for rule in node.dynamic_rules.iter().flat_map(|d| &d.rules) {
        out.extend(rule.condition.iter().flat_map(|c| &c.children));
    }
    out.extend(&node.stray_conditions);
    out
}

/// Every condition element of a node, depth-first (see [`roots`]).
pub(crate) fn all(node: &Node) -> Vec<&CondNode> {
    let mut stack = roots(node);
    stack.reverse();
    let mut out = Vec::new();
    while let Some(n) = stack.pop() {
        out.push(n);
        stack.extend(n.children.iter().rev());
    }
    out
}
