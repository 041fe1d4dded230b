//! The command line, run in process: arguments, exit codes, stdout and stderr.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use support::run;

fn snap(name: &str, value: String) {
    insta::with_settings!({ snapshot_path => "../snapshots/cli", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(name, value);
    });
}

fn in_root() {
    std::env::set_current_dir(support::root()).unwrap();
}

#[test]
fn check_examples_concise_and_json() {
    in_root();
    let (code, out, err) = run(&["check", "examples", "--format", "concise"]);
    snap("check-examples-concise", format!("exit {code}\n--- stdout\n{out}--- stderr\n{err}"));
    assert_eq!(code, 0, "the shipped examples have no error-level finding");
    let (code, out, _) = run(&["check", "examples", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["files"], 6, "five XML examples and one archive member");
    snap("check-examples-json", out);
}

#[test]
fn check_examples_human_has_no_colour_off_a_terminal() {
    in_root();
    let (code, out, _) = run(&["check", "examples"]);
    assert_eq!(code, 0);
    assert!(!out.contains('\u{1b}'), "no escape codes when stdout is not a terminal");
    assert!(out.contains("files checked"));
}

#[test]
fn malformed_file_is_a_finding_and_the_others_are_still_checked() {
    in_root();
    let (code, out, _) = run(&["check", "--format", "concise", "tests/fixtures/quirks/escaped-text.xml", "examples/minified.xml"]);
    assert_eq!(code, 1);
    assert!(out.contains("tests/fixtures/quirks/escaped-text.xml:1:1: error[xml-syntax]"), "{out}");
    let (code, out, _) = run(&["check", "--format", "json", "tests/fixtures/quirks/escaped-text.xml", "examples/minified.xml"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["files"], 2);
}

#[test]
fn exit_codes() {
    in_root();
    assert_eq!(run(&["check", "does/not/exist.xml"]).0, 2, "an unreadable path");
    assert_eq!(run(&["check"]).0, 2, "a usage error");
    assert_eq!(run(&["check", "--select", "no-such-rule", "examples"]).0, 2);
    assert_eq!(run(&["explain", "no-such-rule"]).0, 2);
    assert_eq!(run(&["check", "--fail-on", "info", "--format", "concise", "tests/fixtures/quirks/operator-case.xml"]).0, 1);
    let (code, out, _) = run(&["check", "--select", "schema-version", "--format", "concise", "tests/fixtures/quirks/operator-case.xml"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn rules_and_explain() {
    let (code, out, _) = run(&["rules", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), tsq::rules::RULES.len());
    let (code, out, _) = run(&["rules"]);
    assert_eq!(code, 0);
    snap("rules", out);
    let (code, out, _) = run(&["explain", "schema-version"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("schema-version (schema, error by default, fix: none)"));
    assert!(out.contains("## Bad"));
}

#[test]
fn config_file_severity_options_excludes_and_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    let ts = "<sequence version=\"3.00\">\n  <group name=\"A\" description=\"\">\n    <step type=\"SMS_TaskSequence_RunCommandLineAction\" name=\"Run\" description=\"\">\n      <action>cmd.exe /c exit 0</action>\n    </step>\n  </group>\n</sequence>\n";
    std::fs::write(dir.path().join("ts.xml"), ts).unwrap();
    let path = dir.path().join("ts.xml");
    let p = path.to_str().unwrap();
    // Defaults: 3.00 is accepted.
    assert_eq!(run(&["check", "--select", "schema-version", "--format", "concise", p]).0, 0);
    // Options: accept only 3.10.
    std::fs::write(dir.path().join("tsq.toml"), "[rules.schema-version]\naccept = [\"3.10\"]\n").unwrap();
    let (code, out, _) = run(&["check", "--select", "schema-version", "--format", "concise", p]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[schema-version]"));
    // Severity override: a warning does not fail by default, but does with --fail-on warning.
    std::fs::write(dir.path().join("tsq.toml"), "[rules.schema-version]\nseverity = \"warning\"\naccept = [\"3.10\"]\n").unwrap();
    let (code, out, _) = run(&["check", "--select", "schema-version", "--format", "concise", p]);
    assert_eq!(code, 0);
    assert!(out.contains("warning[schema-version]"));
    assert_eq!(run(&["check", "--select", "schema-version", "--fail-on", "warning", p]).0, 1);
    // Off.
    std::fs::write(dir.path().join("tsq.toml"), "[rules]\nschema-version = \"off\"\n").unwrap();
    assert_eq!(run(&["check", "--select", "schema-version", "--format", "concise", p]).1, "");
    // A suppression keyed by file glob and rule, and an unused one reported against tsq.toml.
    std::fs::write(
        dir.path().join("tsq.toml"),
        "[rules.schema-version]\naccept = [\"3.10\"]\n\n[[suppress]]\npath = \"ts.xml\"\nrule = \"schema-version\"\nreason = \"legacy\"\n\n[[suppress]]\npath = \"other.xml\"\nrule = \"schema-version\"\n",
    )
    .unwrap();
    let (code, out, _) = run(&["check", "--select", "schema-version,unused-suppression", "--format", "concise", p]);
    assert!(!out.contains("error[schema-version]"), "{out}");
    // One file checked: the run did not cover every file the second entry could match.
    assert!(!out.contains("unused-suppression"), "{out}");
    assert_eq!(code, 0);
    let d = dir.path().to_str().unwrap();
    let (code, out, _) = run(&["check", "--select", "schema-version,unused-suppression", "--format", "concise", d]);
    assert!(out.contains("tsq.toml:9:1: warning[unused-suppression]"), "{out}");
    assert_eq!(code, 0);
    // Excludes.
    std::fs::write(dir.path().join("tsq.toml"), "exclude = [\"ts.xml\"]\n[rules.schema-version]\naccept = [\"3.10\"]\n").unwrap();
    assert_eq!(run(&["check", "--format", "concise", dir.path().to_str().unwrap()]).1, "");
    // A broken config is exit 2 with its own line and column.
    std::fs::write(dir.path().join("tsq.toml"), "[rules]\nschema-version = \"loud\"\n").unwrap();
    let (code, _, err) = run(&["check", p]);
    assert_eq!(code, 2);
    assert!(err.contains("tsq.toml:2:1: unknown level `loud`"), "{err}");
    std::fs::write(dir.path().join("tsq.toml"), "[rules\n").unwrap();
    let (code, _, err) = run(&["check", p]);
    assert_eq!(code, 2);
    assert!(err.contains("tsq.toml:1:"), "{err}");
}

#[test]
fn inline_suppression_comment() {
    let dir = tempfile::tempdir().unwrap();
    let ts = "<sequence version=\"3.40\">\n  <!-- tsq-ignore schema-version: never reached -->\n  <group name=\"A\" description=\"\"><step name=\"B\" description=\"\"/></group>\n</sequence>\n";
    let path = dir.path().join("ts.xml");
    std::fs::write(&path, ts).unwrap();
    let (_, out, _) = run(&["check", "--select", "schema-version,unused-suppression", "--format", "concise", path.to_str().unwrap()]);
    // The version is on <sequence>, outside the group the comment stands before: still reported,
    // and the comment suppresses nothing.
    assert!(out.contains("error[schema-version]"), "{out}");
    assert!(out.contains(":2:7: warning[unused-suppression] `tsq-ignore schema-version` suppresses nothing"), "{out}");
}

#[test]
fn dump_prints_one_object_per_task_sequence() {
    in_root();
    let (code, out, _) = run(&["dump", "examples/export.zip", "examples/minified.xml"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["path"], "examples/export.zip!SMS_TaskSequencePackage/CM100060/object.xml");
    assert_eq!(items[0]["format"], "cm-object-xml");
    assert_eq!(items[1]["package"], serde_json::Value::Null);
    let (code, _, err) = run(&["dump", "tests/fixtures/quirks/escaped-text.xml"]);
    assert_eq!(code, 1);
    assert!(err.contains("escaped-text.xml:1:1: error[xml-syntax]"), "{err}");
}
