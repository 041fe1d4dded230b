//! Conditions as one-line readable expressions, built from the decoded model values:
//! `_SMSTSInWinPE = false and (OSDisk exists or WMI "SELECT * FROM Win32_Battery")`.
//!
//! The text is normalized: operator names are matched case-insensitively, values are decoded
//! (entities, CDATA), and layout does not matter, so two conditions read the same exactly when
//! they mean the same to the engine (up to operand order).

use super::conditions::{ExprKind, canonical, expr_kind, operator_fields};
use crate::model::{CondKind, CondNode, Node};

/// The readable expression of a node's condition (its `<condition>` and any condition elements
/// directly in the node), or `None` when it has none.
#[must_use]
pub fn node_condition(node: &Node) -> Option<String> {
    let roots: Vec<&CondNode> = node.condition.iter().flat_map(|c| &c.children).chain(&node.stray_conditions).collect();
    if roots.is_empty() && node.condition.is_none() {
        return None;
    }
    Some(readable(&roots))
}

/// The operands of a `<condition>`, implicitly AND-ed, as one expression (`true` when empty).
#[must_use]
pub fn readable(roots: &[&CondNode]) -> String {
    match roots {
        [] => "true".to_owned(),
        [one] => operand(one, false),
        many => many.iter().map(|n| operand(n, true)).collect::<Vec<_>>().join(" and "),
    }
}

/// One operand; `nested` asks for parentheses around a compound operand.
fn operand(n: &CondNode, nested: bool) -> String {
    let mut out = String::new();
    // Recursive: the model refuses conditions nested deeper than `MAX_DEPTH` (256) levels.
    write_node(n, nested, &mut out);
    out
}

fn write_node(n: &CondNode, nested: bool, out: &mut String) {
    match &n.kind {
        CondKind::Operator | CondKind::OsConditionGroup | CondKind::OsExpressionGroup => {
            let allowed = super::conditions::operator_types(&n.kind).unwrap_or(&[]);
            let op = n.type_name().map(|t| canonical(allowed, t).map_or_else(|| t.trim().to_owned(), str::to_owned)).unwrap_or_default();
            let label = match &n.kind {
                CondKind::OsExpressionGroup => n.attrs.get("name").map(|v| format!("{}: ", quote(&v.text()))),
                _ => None,
            };
            let parts: Vec<String> = n.children.iter().map(|c| operand(c, n.children.len() > 1 || op == "not")).collect();
            let body = match (op.as_str(), parts.as_slice()) {
                ("not", [one]) => format!("not {one}"),
                ("not", many) => format!("not ({})", many.join(" and ")),
                (_, []) => format!("{op}()"),
                (_, [one]) => one.clone(),
                (op, many) => many.join(&format!(" {op} ")),
            };
            let compound = parts.len() > 1 || label.is_some() || (op != "not" && parts.is_empty());
            let body = format!("{}{body}", label.unwrap_or_default());
            if nested && compound {
                out.push('(');
                out.push_str(&body);
                out.push(')');
            } else {
                out.push_str(&body);
            }
        }
        CondKind::Expression => out.push_str(&expression(n)),
        CondKind::PlatformKey => {
            let a = |k: &str| n.attrs.get(k).map(|v| v.text().into_owned()).unwrap_or_default();
            out.push_str(&format!("platform {} {} {}..{}", a("type"), a("arch"), a("minVer"), a("maxVer")));
        }
        CondKind::Unknown(name) => out.push_str(&generic(name, n)),
    }
}

/// A parameter's decoded, trimmed text.
fn param(n: &CondNode, name: &str) -> Option<String> {
    n.param(name).map(|v| v.value.text().trim().to_owned())
}

/// A value as written in an expression: bare when it is a simple word, quoted otherwise.
fn quote(v: &str) -> String {
    let simple = !v.is_empty()
        && v.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '%' | '{' | '}' | '\\' | ':' | '*'))
        && !matches!(v.to_ascii_lowercase().as_str(), "and" | "or" | "not" | "exists" | "like");
    if simple { v.to_owned() } else { format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")) }
}

/// A comparison operator as a symbol.
fn symbol(op: &str) -> &str {
    match op {
        "equals" => "=",
        "notEquals" => "!=",
        "less" => "<",
        "lessEqual" => "<=",
        "greater" => ">",
        "greaterEqual" => ">=",
        other => other,
    }
}

/// The canonical spelling of an expression's operator field.
fn op_of(n: &CondNode, kind: ExprKind, field: &str) -> Option<String> {
    let raw = param(n, field)?;
    let allowed = operator_fields(kind).iter().find(|(f, _)| *f == field).map_or(&[][..], |(_, a)| *a);
    Some(canonical(allowed, &raw).map_or(raw, str::to_owned))
}

fn expression(n: &CondNode) -> String {
    let type_name = n.type_name().unwrap_or("");
    let Some(kind) = expr_kind(type_name) else { return generic(type_name, n) };
    let p = |k: &str| param(n, k).unwrap_or_default();
    match kind {
        ExprKind::Variable => {
            let var = p("Variable");
            match op_of(n, kind, "Operator").unwrap_or_default().as_str() {
                "exists" => format!("{var} exists"),
                "notExists" => format!("{var} not exists"),
                "like" => format!("{var} like {}", quote(&p("Value"))),
                op => format!("{var} {} {}", symbol(op), quote(&p("Value"))),
            }
        }
        ExprKind::Wmi => {
            let ns = p("Namespace");
            let ns = if ns.is_empty() || ns.eq_ignore_ascii_case("root\\cimv2") { String::new() } else { format!("{} ", quote(&ns)) };
            format!("WMI {ns}{}", quote(&p("Query")))
        }
        ExprKind::File | ExprKind::Folder => {
            let what = if kind == ExprKind::File { "file" } else { "folder" };
            let mut s = format!("{what} {} exists", quote(&p("Path")));
            if let Some(op) = op_of(n, kind, "VersionOperator").filter(|_| !p("Version").is_empty()) {
                s.push_str(&format!(" with version {} {}", symbol(&op), quote(&p("Version"))));
            }
            if let Some(op) = op_of(n, kind, "DateTimeOperator").filter(|_| !p("DateTime").is_empty()) {
                s.push_str(&format!(" with date {} {}", symbol(&op), quote(&p("DateTime"))));
            }
            s
        }
        ExprKind::Registry => {
            let key = format!("{}\\{}", p("KeyPath"), p("Value"));
            match op_of(n, kind, "Operator").unwrap_or_default().as_str() {
                "exists" => format!("registry {} exists", quote(&key)),
                "notExists" | "nonExists" => format!("registry {} not exists", quote(&key)),
                op => format!("registry {} {} {} {}", quote(&key), symbol(op), p("Type"), quote(&p("Data"))),
            }
        }
        ExprKind::Software => {
            let op = op_of(n, kind, "Operator").unwrap_or_default();
            let code = if p("ProductCode").is_empty() { p("UpgradeCode") } else { p("ProductCode") };
            if op == "ThisVersion" {
                format!("software {} version {} installed", quote(&code), quote(&p("Version")))
            } else {
                format!("software {} installed", quote(&code))
            }
        }
        ExprKind::Os => {
            let op = op_of(n, kind, "Operator").unwrap_or_default();
            let version = p("Version");
            let version = if version.is_empty() { String::new() } else { format!(" {}", quote(&version)) };
            format!("OS {} {}{version}", symbol(&op), quote(&p("Architecture")))
        }
        ExprKind::MakeModel | ExprKind::Computer => generic(type_name, n),
    }
}

/// `Name(param=value, …)`: for expression classes without a dedicated form.
fn generic(name: &str, n: &CondNode) -> String {
    let short = name.strip_prefix("SMS_TaskSequence_").unwrap_or(name);
    let short = short.strip_suffix("ConditionExpression").unwrap_or(short);
    let mut params: Vec<String> = n.variables.iter().map(|v| format!("{}={}", v.name(), quote(v.value.text().trim()))).collect();
    params.sort();
    let inner: Vec<String> = n.children.iter().map(|c| operand(c, true)).collect();
    params.extend(inner);
    format!("{short}({})", params.join(", "))
}

#[cfg(test)]
mod tests {
    use super::node_condition;
    use crate::container::load_bytes;

    fn cond(inner: &str) -> Option<String> {
        let xml = format!(r#"<sequence version="3.10"><step type="A" name="s">{inner}<action>x</action></step></sequence>"#);
        let loaded = load_bytes("t.xml", xml.into_bytes(), None);
        let ts = loaded.into_iter().next().and_then(|l| l.result.ok())?;
        ts.sequence.steps.first().and_then(node_condition)
    }

    fn var(name: &str, op: &str, value: &str) -> String {
        format!(
            r#"<expression type="SMS_TaskSequence_VariableConditionExpression"><variable name="Variable">{name}</variable><variable name="Operator">{op}</variable><variable name="Value">{value}</variable></expression>"#
        )
    }

    #[test]
    fn variables_operators_and_nesting_read_as_expressions() {
        let c = format!(
            "<condition>{}<operator type=\"or\">{}{}</operator></condition>",
            var("_SMSTSInWinPE", "EQUALS", "false"),
            var("OSArchitecture", "equals", "X64"),
            var("Make", "like", "HP Inc%")
        );
        assert_eq!(cond(&c).as_deref(), Some(r#"_SMSTSInWinPE = false and (OSArchitecture = X64 or Make like "HP Inc%")"#));
        let c = format!("<condition><operator type=\"not\">{}</operator></condition>", var("A", "exists", ""));
        assert_eq!(cond(&c).as_deref(), Some("not A exists"));
        assert_eq!(cond(""), None);
    }

    #[test]
    fn entities_are_decoded() {
        let c = r#"<condition><expression type="SMS_TaskSequence_WMIConditionExpression"><variable name="Namespace">root\cimv2</variable><variable name="Query">SELECT * FROM X WHERE A&lt;&gt;'B'</variable></expression></condition>"#;
        assert_eq!(cond(c).as_deref(), Some(r#"WMI "SELECT * FROM X WHERE A<>'B'""#));
    }
}
