//! `tsq dump`: the model as JSON (schema in `docs/json-model.md`).

use crate::container::TaskSequence;
use crate::model::{Attrs, CondKind, CondNode, Condition, Node, Package, Sequence, Value, Variable};
use crate::span::LineIndex;
use serde_json::{Map, Value as J, json};

/// Attributes that have their own key in a node's JSON; the rest go to `"attributes"`.
const NODE_KEYS: [&str; 12] = [
    "type",
    "name",
    "description",
    "disable",
    "continueOnError",
    "timeout",
    "runIn",
    "successCodeList",
    "retryCount",
    "runFromNet",
    "startIn",
    "expand",
];

fn text(v: Option<&Value>) -> J {
    v.map_or(J::Null, |v| J::String(v.text().into_owned()))
}

fn attrs_except(attrs: &Attrs, skip: &[&str]) -> Map<String, J> {
    attrs
        .0
        .iter()
        .filter(|a| !skip.contains(&a.name.as_ref()))
        .map(|a| (a.name.to_string(), J::String(a.value.text().into_owned())))
        .collect()
}

fn variable(v: &Variable) -> J {
    let mut m = Map::new();
    m.insert("name".into(), J::String(v.name().to_owned()));
    if let Some(p) = v.property() {
        m.insert("property".into(), J::String(p.to_owned()));
    }
    if v.attrs.get("hidden").is_some() {
        m.insert("hidden".into(), text(v.attrs.get("hidden")));
    }
    let name_key = v.name_attr().map_or("name", |a| a.name.as_ref());
    let extra = attrs_except(&v.attrs, &[name_key, "property", "hidden"]);
    if !extra.is_empty() {
        m.insert("attributes".into(), J::Object(extra));
    }
    m.insert("value".into(), J::String(v.value.text().into_owned()));
    J::Object(m)
}

fn cond_node(n: &CondNode) -> J {
    let kind = match &n.kind {
        CondKind::Operator => "operator",
        CondKind::Expression => "expression",
        CondKind::OsConditionGroup => "osConditionGroup",
        CondKind::OsExpressionGroup => "osExpressionGroup",
        CondKind::PlatformKey => "platformKey",
        CondKind::Unknown(name) => name.as_str(),
    };
    let mut m = Map::new();
    m.insert("kind".into(), J::String(kind.to_owned()));
    m.insert("type".into(), text(n.attrs.get("type")));
    let extra = attrs_except(&n.attrs, &["type"]);
    if !extra.is_empty() {
        m.insert("attributes".into(), J::Object(extra));
    }
    if n.kind == CondKind::Expression {
        m.insert("variables".into(), J::Array(n.variables.iter().map(variable).collect()));
    }
    if !n.children.is_empty() || n.kind != CondKind::Expression {
        m.insert("operands".into(), J::Array(n.children.iter().map(cond_node).collect()));
    }
    J::Object(m)
}

fn condition(c: Option<&Condition>) -> J {
    c.map_or(J::Null, |c| json!({ "operands": c.children.iter().map(cond_node).collect::<Vec<_>>() }))
}

/// Line and column lookups for the file a model came from.
struct Pos<'a> {
    text: &'a str,
    index: LineIndex,
}

fn node(n: &Node, number: &mut usize, pos: &Pos<'_>) -> J {
    let mut m = Map::new();
    let kind = match n.kind {
        crate::model::NodeKind::Group => "group",
        crate::model::NodeKind::Step => "step",
        crate::model::NodeKind::SubTaskSequence => "subtasksequence",
    };
    m.insert("kind".into(), J::String(kind.into()));
    m.insert("number".into(), json!(*number));
    *number += 1;
    let lc = pos.index.line_col(pos.text, n.start_tag.start);
    m.insert("line".into(), json!(lc.line));
    m.insert("column".into(), json!(lc.column));
    for key in NODE_KEYS {
        if let Some(v) = n.attrs.get(key) {
            m.insert(key.into(), J::String(v.text().into_owned()));
        } else if matches!(key, "name" | "type") {
            m.insert(key.into(), J::Null);
        }
    }
    let extra = attrs_except(&n.attrs, &NODE_KEYS);
    if !extra.is_empty() {
        m.insert("attributes".into(), J::Object(extra));
    }
    m.insert("condition".into(), condition(n.condition.as_ref()));
    if !n.stray_conditions.is_empty() {
        m.insert("strayConditions".into(), J::Array(n.stray_conditions.iter().map(cond_node).collect()));
    }
    if n.kind != crate::model::NodeKind::Group || n.action.as_ref().is_some_and(|a| !a.raw.is_empty()) {
        m.insert("action".into(), text(n.action.as_ref()));
    }
    m.insert("variables".into(), J::Array(n.variables.iter().map(variable).collect()));
    if let Some(rules) = &n.dynamic_rules {
        let rules: Vec<J> = rules
            .rules
            .iter()
            .map(|r| json!({ "condition": condition(r.condition.as_ref()), "variables": r.variables.iter().map(variable).collect::<Vec<_>>() }))
            .collect();
        m.insert("dynamicRules".into(), J::Array(rules));
    }
    if !n.unknown.is_empty() {
        m.insert("unknownElements".into(), J::Array(n.unknown.iter().map(|u| J::String(u.name.clone())).collect()));
    }
    let children: Vec<J> = n.children.iter().map(|c| node(c, number, pos)).collect();
    m.insert("children".into(), J::Array(children));
    J::Object(m)
}

fn sequence(s: &Sequence, pos: &Pos<'_>) -> J {
    let references: Vec<J> = s.references.iter().map(|r| J::Object(attrs_except(&r.attrs, &[]))).collect();
    let mut number = 0;
    let steps: Vec<J> = s.steps.iter().map(|n| node(n, &mut number, pos)).collect();
    let mut m = Map::new();
    m.insert("version".into(), text(s.version()));
    for key in ["name", "description"] {
        if let Some(v) = s.attrs.get(key) {
            m.insert(key.into(), J::String(v.text().into_owned()));
        }
    }
    m.insert("globals".into(), J::Array(s.globals.iter().map(variable).collect()));
    m.insert("references".into(), J::Array(references));
    m.insert("steps".into(), J::Array(steps));
    J::Object(m)
}

fn package(p: &Package) -> J {
    let properties: Map<String, J> = p
        .properties
        .iter()
        .filter(|p| p.name != "Sequence")
        .map(|p| {
            let v = match (&p.value, p.array_len) {
                (_, Some(n)) => json!({ "arrayLength": n }),
                (Some(v), None) => J::String(v.text().into_owned()),
                (None, None) => J::Null,
            };
            (p.name.clone(), v)
        })
        .collect();
    let references = p.references.as_ref().map_or(J::Null, |refs| {
        J::Array(
            refs.iter()
                .map(|r| json!({ "package": text(r.package.as_ref()), "program": text(r.program.as_ref()), "type": text(r.kind.as_ref()) }))
                .collect(),
        )
    });
    json!({ "properties": properties, "references": references })
}

/// The JSON object of one task sequence found in `path`; `file_text` is the decoded file.
#[must_use]
pub fn task_sequence(path: &str, file_text: &str, ts: &TaskSequence) -> J {
    let pos = Pos { text: file_text, index: LineIndex::new(file_text) };
    let shipped: Vec<J> = ts.shipped.iter().map(|s| json!({ "class": s.class, "id": s.id, "name": s.name, "path": s.path })).collect();
    let mut seq = sequence(&ts.sequence, &pos);
    if let J::Object(m) = &mut seq {
        let tree = crate::convert::tree::of(file_text, ts).map_or(J::Null, |t| t.to_json());
        m.insert("xml".into(), tree);
    }
    json!({
        "path": path,
        "format": ts.format.name(),
        "encoding": ts.encoding.label(),
        "package": ts.package.as_ref().map_or(J::Null, package),
        "shipped": shipped,
        "sequence": seq,
        "schemaVersion": SCHEMA_VERSION,
    })
}

/// The version of the JSON model (`docs/json-model.md`): 2 added `sequence.xml` and this key.
pub const SCHEMA_VERSION: u32 = 2;
