//! Snapshots of `tsq dump` for each example in `examples/` (the project's own files), stored in
//! `snapshots/dump/<name>.snap`, plus checks that positions in the dump point at the right text.

// Tests may unwrap and index: a panic is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use serde_json::Value as J;
use std::path::Path;

/// The examples and their snapshot names.
const EXAMPLES: &[(&str, &str)] = &[
    ("raw-sequence", "examples/raw-sequence.xml"),
    ("minified", "examples/minified.xml"),
    ("mdt-ts", "examples/mdt/Control/WIN11/ts.xml"),
    ("object-xml", "examples/export/object.xml"),
    ("sms-task-sequence-package", "examples/legacy/SmsTaskSequencePackage.xml"),
    ("export-zip", "examples/export.zip"),
];

/// Run `tsq dump <path>` in process (from the project root, so paths stay relative).
fn dump(path: &str) -> (u8, String, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::set_current_dir(root).expect("the project root exists");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = tsq::cli::run(["tsq", "dump", path], &mut out, &mut err);
    (code, String::from_utf8(out).expect("UTF-8 output"), String::from_utf8(err).expect("UTF-8 errors"))
}

fn dump_json(path: &str) -> J {
    let (code, out, err) = dump(path);
    assert_eq!(code, 0, "tsq dump {path} failed: {err}");
    assert!(err.is_empty(), "tsq dump {path} wrote to stderr: {err}");
    serde_json::from_str(&out).expect("dump output is JSON")
}

#[test]
fn dump_snapshots() {
    for &(name, path) in EXAMPLES {
        let (code, out, err) = dump(path);
        assert_eq!(code, 0, "tsq dump {path} failed: {err}");
        insta::with_settings!({
            snapshot_path => "../snapshots/dump",
            prepend_module_to_snapshot => false,
            input_file => path,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, out);
        });
    }
}

/// All nodes of a dumped sequence, depth first.
fn nodes(ts: &J) -> Vec<&J> {
    let mut out = Vec::new();
    let mut stack: Vec<&J> = ts["sequence"]["steps"].as_array().unwrap().iter().rev().collect();
    while let Some(n) = stack.pop() {
        out.push(n);
        stack.extend(n["children"].as_array().unwrap().iter().rev());
    }
    out
}

/// The text at a dumped node's line and column, in the file as decoded.
fn text_at(path: &str, n: &J) -> String {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    let line = text.split('\n').nth(n["line"].as_u64().unwrap() as usize - 1).unwrap();
    line.chars().skip(n["column"].as_u64().unwrap() as usize - 1).collect()
}

#[test]
fn node_positions_point_at_start_tags() {
    for &(_, path) in EXAMPLES.iter().filter(|(_, p)| p.ends_with(".xml")) {
        let json = dump_json(path);
        for ts in json.as_array().unwrap() {
            for n in nodes(ts) {
                let kind = n["kind"].as_str().unwrap();
                let at = text_at(path, n);
                assert!(
                    at.starts_with(&format!("<{kind}")),
                    "{path}: {kind} {} at {}:{} points at {at:.40}",
                    n["name"],
                    n["line"],
                    n["column"]
                );
                if let Some(name) = n["name"].as_str() {
                    let tag: String = at.chars().take_while(|&c| c != '>').collect();
                    let escaped = name.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;");
                    assert!(
                        tag.contains(name) || tag.contains(&escaped),
                        "{path}: {kind} {name:?} at {}:{}: {tag:.80}",
                        n["line"],
                        n["column"]
                    );
                }
            }
        }
    }
}

#[test]
fn object_xml_positions_are_in_the_outer_file() {
    let path = "examples/export/object.xml";
    let json = dump_json(path);
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    let cdata_line = text.lines().position(|l| l.contains("<![CDATA[<sequence")).expect("a CDATA sequence") + 1;
    let all = nodes(&json[0]);
    assert!(!all.is_empty());
    for n in all {
        assert_eq!(n["line"].as_u64().unwrap() as usize, cdata_line, "steps sit on the CDATA line of the outer file");
        assert!(n["column"].as_u64().unwrap() > 1, "a step inside CDATA cannot start at column 1");
    }
}

#[test]
fn raw_sequence_has_dynamic_rules_and_a_subtasksequence() {
    let json = dump_json("examples/raw-sequence.xml");
    let all = nodes(&json[0]);
    let dynamic: Vec<&&J> = all.iter().filter(|n| n["type"] == "SMS_TaskSequence_SetDynamicVariablesAction").collect();
    assert!(!dynamic.is_empty());
    for d in dynamic {
        let rules = d["dynamicRules"].as_array().expect("Set Dynamic Variables rules are parsed");
        assert!(!rules.is_empty());
        assert!(rules.iter().all(|r| !r["variables"].as_array().unwrap().is_empty()));
        // `<Variable Name="…">` (capital N) names the variable.
        for v in rules.iter().flat_map(|r| r["variables"].as_array().unwrap()) {
            assert!(!v["name"].as_str().unwrap().is_empty(), "{v}");
            assert!(v["attributes"].get("Name").is_none(), "{v}");
        }
        assert!(rules.iter().any(|r| !r["condition"].is_null()), "at least one rule has a condition");
    }
    assert!(all.iter().any(|n| n["kind"] == "subtasksequence"), "the <subtasksequence> element is in the model");
}

#[test]
fn export_zip_reports_shipped_packages() {
    let json = dump_json("examples/export.zip");
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), 1);
    let ts = &list[0];
    assert_eq!(ts["format"], "cm-object-xml");
    assert!(ts["path"].as_str().unwrap().ends_with("!SMS_TaskSequencePackage/CM100060/object.xml"));
    let shipped: Vec<&str> = ts["shipped"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(shipped, ["CM100031"]);
}

/// Every span in the model slices the decoded file at the text it stands for: values equal their
/// raw text (unescaped, for the Set Dynamic Variables document that sits escaped in a variable),
/// elements start with their tag.
#[test]
fn spans_slice_the_file() {
    use tsq::model::{CondNode, Value, Variable};
    use tsq::span::unescape;
    fn value_ok(text: &str, v: &Value, escaped: bool) {
        let slice = &text[v.span.start..v.span.end];
        let slice = if escaped { unescape(slice).into_owned() } else { slice.to_owned() };
        assert_eq!(slice, v.raw, "value span {:?}", v.span);
    }
    fn element_ok(text: &str, span: tsq::span::Span, tag: &str, escaped: bool) {
        let at = &text[span.start..span.end];
        let open = if escaped { format!("&lt;{tag}") } else { format!("<{tag}") };
        assert!(at.starts_with(&open), "{tag} span {span:?} is {:.60}", at);
        assert!(at.ends_with(if escaped { "&gt;" } else { ">" }), "{tag} span {span:?} ends {:.60}", &at[at.len().saturating_sub(30)..]);
    }
    fn variable_ok(text: &str, v: &Variable, tag: &str, escaped: bool) {
        element_ok(text, v.span, tag, escaped);
        for a in &v.attrs.0 {
            value_ok(text, &a.value, escaped);
        }
        value_ok(text, &v.value, escaped);
    }
    fn cond_ok(text: &str, c: &CondNode, escaped: bool) {
        let tag = match &c.kind {
            tsq::model::CondKind::Operator => "operator",
            tsq::model::CondKind::Expression => "expression",
            tsq::model::CondKind::OsConditionGroup => "osConditionGroup",
            tsq::model::CondKind::OsExpressionGroup => "osExpressionGroup",
            tsq::model::CondKind::PlatformKey => "platformKey",
            tsq::model::CondKind::Unknown(n) => n.as_str(),
        };
        element_ok(text, c.span, tag, escaped);
        c.variables.iter().for_each(|v| variable_ok(text, v, "variable", escaped));
        c.children.iter().for_each(|k| cond_ok(text, k, escaped));
    }
    let mut dynamic = 0;
    for &(_, path) in EXAMPLES {
        let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
        for loaded in tsq::container::load_bytes(path, bytes, None) {
            let ts = loaded.result.as_ref().unwrap();
            let text = loaded.source.as_ref().unwrap().text.as_str();
            element_ok(text, ts.sequence.span, "sequence", false);
            ts.sequence.globals.iter().for_each(|v| variable_ok(text, v, "variable", false));
            for visit in ts.sequence.walk() {
                let n = visit.node;
                let tag = format!("{:?}", n.kind).to_lowercase();
                element_ok(text, n.span, &tag, false);
                assert!(text[n.start_tag.start..n.start_tag.end].ends_with('>'));
                n.attrs.0.iter().for_each(|a| value_ok(text, &a.value, false));
                n.variables.iter().for_each(|v| variable_ok(text, v, "variable", false));
                if let Some(a) = &n.action {
                    value_ok(text, a, false);
                }
                if let Some(c) = &n.condition {
                    element_ok(text, c.span, "condition", false);
                    c.children.iter().for_each(|k| cond_ok(text, k, false));
                }
                for r in n.dynamic_rules.iter().flat_map(|d| &d.rules) {
                    dynamic += 1;
                    element_ok(text, r.span, "Rule", true);
                    r.variables.iter().for_each(|v| variable_ok(text, v, "Variable", true));
                    if let Some(c) = &r.condition {
                        element_ok(text, c.span, "condition", true);
                        c.children.iter().for_each(|k| cond_ok(text, k, true));
                    }
                }
            }
        }
    }
    assert!(dynamic > 0, "the examples hold Set Dynamic Variables rules");
}
