//! The CI formats, checked against their consumers: SARIF against the OASIS 2.1.0 schema, GitLab
//! Code Quality items against GitLab's schema, JUnit against the Jenkins xunit XSD with xmllint,
//! GitHub and Azure DevOps commands against their documented grammar, checkstyle and JSON Lines
//! by structure. Every format is written in one run (`--output`) over the real corpus and the
//! rule-doc examples, and must hold the same findings at the same lines as `--format json`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::{fences, wrap};
use tsq::report::split_member;

/// Run the tsq binary in `cwd`.
fn tsq(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tsq")).current_dir(cwd).args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn schema(name: &str) -> Value {
    let path = support::root().join("../shared/schemas").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

/// Whether the shared schemas are there; otherwise a printed notice (a failure under CI).
fn schemas_or_skip(test: &str) -> bool {
    if support::root().join("../shared/schemas/sarif-schema-2.1.0.json").is_file() {
        return true;
    }
    assert!(!support::corpus_required(), "TSQ_REQUIRE_CORPUS=1 but ../shared/schemas is missing");
    eprintln!("note: ../shared/schemas not found; skipping {test}");
    false
}

/// A finding as every format can say it: file, line, rule.
type Row = (String, usize, String);

fn sorted(mut v: Vec<Row>) -> Vec<Row> {
    v.sort();
    v
}

/// The rule-doc examples written as files, one folder per rule and configuration.
fn write_doc_examples(dir: &Path) -> usize {
    let mut n = 0;
    for rule in tsq::rules::RULES {
        let name = rule.meta().name;
        let mut folder = dir.join(name).join("c0");
        std::fs::create_dir_all(&folder).unwrap();
        for (i, block) in fences(rule.meta().docs).iter().enumerate() {
            match block.info.first().map(String::as_str) {
                Some("toml") if block.info.iter().any(|w| w == "config") => {
                    folder = dir.join(name).join(format!("c{i}"));
                    std::fs::create_dir_all(&folder).unwrap();
                    std::fs::write(folder.join("tsq.toml"), &block.text).unwrap();
                }
                Some("xml") => {
                    std::fs::write(folder.join(format!("{}-{i}.xml", block.info.get(1).map_or("x", String::as_str))), wrap(&block.text))
                        .unwrap();
                    n += 1;
                }
                _ => {}
            }
        }
    }
    n
}

/// Unescape a GitHub workflow command value.
fn github_unescape(s: &str) -> String {
    s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
}

/// Unescape an Azure DevOps logging command value.
fn azure_unescape(s: &str) -> String {
    s.replace("%0D", "\r").replace("%0A", "\n").replace("%3B", ";").replace("%5D", "]").replace("%AZP25", "%")
}

/// `%` in escaped text must start one of `escapes`.
fn percent_ok(s: &str, escapes: &[&str]) -> bool {
    s.match_indices('%').all(|(i, _)| escapes.iter().any(|e| s[i..].starts_with(e)))
}

/// Parse one GitHub workflow command line per the documented grammar:
/// `::command key=value,key=value::data`, properties free of raw `,` `:` `%` CR LF, data free of
/// raw `%` CR LF. Returns the command, the unescaped properties and the unescaped data.
fn parse_github(line: &str) -> (String, Vec<(String, String)>, String) {
    let rest = line.strip_prefix("::").unwrap_or_else(|| panic!("not a workflow command: {line}"));
    let (head, data) = rest.split_once("::").unwrap_or_else(|| panic!("no `::` before the message: {line}"));
    let (command, props) = head.split_once(' ').unwrap_or((head, ""));
    assert!(["error", "warning", "notice"].contains(&command), "{line}");
    assert!(percent_ok(data, &["%25", "%0D", "%0A"]), "unescaped % in data: {line}");
    assert!(!data.contains(['\r', '\n']), "{line}");
    let mut out = Vec::new();
    for p in props.split(',') {
        let (k, v) = p.split_once('=').unwrap_or_else(|| panic!("bad property `{p}` in {line}"));
        assert!(!v.contains(':') && !v.contains('='), "unescaped `:` in property `{p}`: {line}");
        assert!(percent_ok(v, &["%25", "%0D", "%0A", "%3A", "%2C"]), "unescaped % in property: {line}");
        out.push((k.to_owned(), github_unescape(v)));
    }
    (command.to_owned(), out, github_unescape(data))
}

/// Parse one Azure DevOps `##vso[task.logissue …]message` line per its grammar: properties
/// `key=value;`, values free of raw `;` `]` CR LF and of `%` other than the escapes.
fn parse_azure(line: &str) -> (Vec<(String, String)>, String) {
    let rest = line.strip_prefix("##vso[task.logissue ").unwrap_or_else(|| panic!("not a logging command: {line}"));
    let (props, data) = rest.split_once(']').unwrap_or_else(|| panic!("no `]`: {line}"));
    assert!(percent_ok(data, &["%AZP25", "%0D", "%0A"]), "unescaped % in data: {line}");
    let mut out = Vec::new();
    for p in props.split(';').filter(|p| !p.is_empty()) {
        let (k, v) = p.split_once('=').unwrap_or_else(|| panic!("bad property `{p}` in {line}"));
        assert!(percent_ok(v, &["%AZP25", "%0D", "%0A", "%3B", "%5D"]), "unescaped % in property: {line}");
        out.push((k.to_owned(), azure_unescape(v)));
    }
    (out, azure_unescape(data))
}

fn prop<'a>(props: &'a [(String, String)], key: &str) -> Option<&'a str> {
    props.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// A SARIF artifact location as the printed path.
fn sarif_path(loc: &Value) -> String {
    let uri = loc["uri"].as_str().unwrap();
    let path = if loc["uriBaseId"] == "%SRCROOT%" { uri.to_owned() } else { uri.strip_prefix("file://").unwrap().to_owned() };
    percent_encoding::percent_decode_str(&path).decode_utf8().unwrap().into_owned()
}

/// Run every format over `args` in `cwd` and check each against its consumer; returns the number
/// of findings.
fn check_all_formats(cwd: &Path, out_dir: &Path, args: &[&str]) -> usize {
    let file = |name: &str| out_dir.join(name).to_str().unwrap().to_owned();
    let formats = ["sarif", "github", "gitlab", "junit", "checkstyle", "azure", "json-lines"];
    let outputs: Vec<String> = formats.iter().map(|f| format!("{f}:{}", file(f))).collect();
    let mut argv = vec!["check", "--format", "json"];
    for o in &outputs {
        argv.push("--output");
        argv.push(o);
    }
    argv.extend_from_slice(args);
    let (code, json, err) = tsq(cwd, &argv);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    let json: Value = serde_json::from_str(&json).unwrap();
    let diags = json["diagnostics"].as_array().unwrap();
    let full: Vec<Row> = diags
        .iter()
        .map(|d| (d["path"].as_str().unwrap().to_owned(), d["line"].as_u64().unwrap() as usize, d["rule"].as_str().unwrap().to_owned()))
        .collect();
    let outer: Vec<Row> = full.iter().map(|(p, l, r)| (split_member(p).0.to_owned(), *l, r.clone())).collect();
    let (full, outer) = (sorted(full), sorted(outer));
    let read = |f: &str| std::fs::read_to_string(file(f)).unwrap();

    // SARIF: the OASIS schema, and what GitHub needs beyond it.
    let sarif: Value = serde_json::from_str(&read("sarif")).unwrap();
    let validator = jsonschema::validator_for(&schema("sarif-schema-2.1.0.json")).unwrap();
    let errors: Vec<String> = validator.iter_errors(&sarif).take(5).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let driver = &run["tool"]["driver"];
    assert_eq!((driver["name"].as_str(), driver["version"].as_str()), (Some("tsq"), Some(env!("CARGO_PKG_VERSION"))));
    if !env!("CARGO_PKG_REPOSITORY").is_empty() {
        assert_eq!(driver["informationUri"], env!("CARGO_PKG_REPOSITORY"));
    }
    assert!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap().ends_with('/'));
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in rules {
        for k in ["shortDescription", "fullDescription", "help"] {
            assert!(!r[k]["text"].as_str().unwrap().is_empty(), "rule {} lacks {k}", r["id"]);
        }
        let meta = tsq::rules::find(r["id"].as_str().unwrap()).unwrap().meta();
        assert_eq!(r["help"]["markdown"], meta.docs);
        assert_eq!(r["properties"]["tags"][0], meta.category.name());
    }
    let artifacts = run["artifacts"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    let mut rows = Vec::new();
    let mut prints = std::collections::HashSet::new();
    for r in results {
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"], r["ruleId"]);
        let phys = &r["locations"][0]["physicalLocation"];
        let path = sarif_path(&phys["artifactLocation"]);
        let index = phys["artifactLocation"]["index"].as_u64().unwrap() as usize;
        assert_eq!(sarif_path(&artifacts[index]["location"]), path);
        if let Some(target) = r.get("analysisTarget") {
            let member = &artifacts[target["index"].as_u64().unwrap() as usize];
            assert_eq!(member["parentIndex"].as_u64().unwrap() as usize, index, "a member's parent is its archive");
            assert!(path.to_ascii_lowercase().ends_with(".zip"));
        }
        let fp = r["partialFingerprints"]["tsqFindingHash/v1"].as_str().unwrap();
        assert!(prints.insert(fp.to_owned()), "duplicate SARIF fingerprint {fp}");
        let region = &phys["region"];
        assert!(region["startColumn"].as_u64().unwrap() >= 1 && region["endLine"].as_u64() >= region["startLine"].as_u64());
        rows.push((path, region["startLine"].as_u64().unwrap() as usize, r["ruleId"].as_str().unwrap().to_owned()));
    }
    assert_eq!(sorted(rows), outer, "SARIF results differ from the JSON report");

    // GitLab: every item against GitLab's schema; fingerprints unique.
    let gitlab: Value = serde_json::from_str(&read("gitlab")).unwrap();
    let validator = jsonschema::validator_for(&schema("gitlab-codequality.json")).unwrap();
    let mut rows = Vec::new();
    let mut prints = std::collections::HashSet::new();
    for item in gitlab.as_array().unwrap() {
        assert!(validator.is_valid(item), "not a GitLab Code Quality issue: {item}");
        assert!(["info", "minor", "major", "critical", "blocker"].contains(&item["severity"].as_str().unwrap()));
        assert!(prints.insert(item["fingerprint"].as_str().unwrap().to_owned()), "GitLab collapses duplicate fingerprints: {item}");
        let loc = &item["location"];
        rows.push((
            loc["path"].as_str().unwrap().to_owned(),
            loc["lines"]["begin"].as_u64().unwrap() as usize,
            item["check_name"].as_str().unwrap().to_owned(),
        ));
    }
    assert_eq!(sorted(rows), outer, "GitLab issues differ from the JSON report");

    // JUnit: the Jenkins xunit XSD, with xmllint.
    let xsd = support::root().join("../shared/schemas/junit-10.xsd");
    match Command::new("xmllint").arg("--noout").arg("--schema").arg(&xsd).arg(file("junit")).output() {
        Ok(o) => assert!(o.status.success(), "xmllint rejects the JUnit report: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => {
            assert!(
                !support::corpus_required() && std::env::var_os("CI").is_none(),
                "xmllint is required in CI (.ci/run installs libxml2-utils): {e}"
            );
            eprintln!("note: xmllint not found ({e}); the JUnit report is not validated against the XSD");
        }
    }
    let junit = read("junit");
    let doc = roxmltree::Document::parse(&junit).unwrap();
    let mut rows = Vec::new();
    for suite in doc.descendants().filter(|n| n.has_tag_name("testsuite")) {
        for case in suite.children().filter(|n| n.has_tag_name("testcase")) {
            let name = case.attribute("name").unwrap();
            if name == "tsq check" || name == "read" {
                continue;
            }
            let (rule, at) = name.split_once(" at ").unwrap();
            let line = at.split(':').next().unwrap().parse().unwrap();
            rows.push((suite.attribute("name").unwrap().to_owned(), line, rule.to_owned()));
        }
    }
    assert_eq!(sorted(rows), full, "JUnit test cases differ from the JSON report");

    // Checkstyle: its structure, as reviewdog reads it.
    let cs = read("checkstyle");
    let doc = roxmltree::Document::parse(&cs).unwrap();
    assert_eq!(doc.root_element().attribute("version"), Some("4.3"));
    let mut rows = Vec::new();
    for f in doc.root_element().children().filter(roxmltree::Node::is_element) {
        assert!(f.has_tag_name("file"));
        for e in f.children().filter(roxmltree::Node::is_element) {
            assert!(["error", "warning", "info"].contains(&e.attribute("severity").unwrap()));
            assert!(e.attribute("message").is_some() && e.attribute("column").is_some());
            let rule = e.attribute("source").unwrap().strip_prefix("tsq.").unwrap();
            rows.push((f.attribute("name").unwrap().to_owned(), e.attribute("line").unwrap().parse().unwrap(), rule.to_owned()));
        }
    }
    assert_eq!(sorted(rows), outer, "checkstyle errors differ from the JSON report");

    // GitHub workflow commands.
    let mut rows = Vec::new();
    for line in read("github").lines() {
        let (_, props, _) = parse_github(line);
        let rule = prop(&props, "title").unwrap().strip_prefix("tsq ").unwrap().to_owned();
        rows.push((prop(&props, "file").unwrap().to_owned(), prop(&props, "line").unwrap().parse().unwrap(), rule));
    }
    assert_eq!(sorted(rows), outer, "GitHub annotations differ from the JSON report");

    // Azure DevOps logging commands.
    let mut rows = Vec::new();
    for line in read("azure").lines() {
        let (props, _) = parse_azure(line);
        assert!(["error", "warning"].contains(&prop(&props, "type").unwrap()), "{line}");
        rows.push((
            prop(&props, "sourcepath").unwrap().to_owned(),
            prop(&props, "linenumber").unwrap().parse().unwrap(),
            prop(&props, "code").unwrap().to_owned(),
        ));
    }
    assert_eq!(sorted(rows), outer, "Azure issues differ from the JSON report");

    // JSON Lines: the JSON report's diagnostics, one per line.
    let lines: Vec<Value> = read("json-lines").lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), diags.len());
    for (l, d) in lines.iter().zip(diags) {
        for k in ["path", "rule", "line", "column", "end_line", "end_column", "message"] {
            assert_eq!(l[k], d[k]);
        }
    }
    diags.len()
}

#[test]
fn every_format_on_the_corpus_and_the_rule_doc_examples() {
    let Some((files, zips)) = support::corpus_or_skip("the CI formats test") else { return };
    if !schemas_or_skip("the CI formats test") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let examples = tmp.path().join("examples");
    assert!(write_doc_examples(&examples) > tsq::rules::RULES.len());
    let out_dir = tmp.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let rel = |p: &Path| -> String {
        let root = support::root().canonicalize().unwrap();
        let p = p.canonicalize().unwrap();
        pathdiff(&p, &root)
    };
    let (files, zips) = (rel(&files), rel(&zips));
    let n = check_all_formats(&support::root(), &out_dir, &[&files, &zips, examples.to_str().unwrap()]);
    assert!(n > 600, "the corpus and the examples give hundreds of findings, got {n}");
}

/// `path` relative to `base` (`../shared/corpus` from the project root).
fn pathdiff(path: &Path, base: &Path) -> String {
    let p: Vec<_> = path.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c);
    }
    out.to_string_lossy().into_owned()
}

#[test]
fn nasty_names_and_messages_survive_every_format() {
    if !schemas_or_skip("the nasty names test") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    // A file name with `,` `:` `%` `;` `]` and a space; a value with `%`, `;`, `]` and a line break
    // (CRLF) that the message quotes; astral characters before a finding (two UTF-16 units each).
    let name = "a,b:c%d;e] f.xml";
    let text = "<sequence version=\"3.10\">\r\n  <step type=\"SMS_TaskSequence_RunCommandLineAction\" name=\"\u{1F600}\u{1F600}\" disable=\"100%;]\r\nno\"><action>cmd</action></step>\r\n</sequence>\r\n";
    std::fs::write(dir.join(name), text).unwrap();
    let out_dir = tmp.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    assert_eq!(check_all_formats(&dir, &out_dir, &["."]), 1);
    // The messages come back intact after unescaping.
    let (_, json, _) = tsq(&dir, &["check", "--format", "json", "."]);
    let json: Value = serde_json::from_str(&json).unwrap();
    let message = json["diagnostics"][0]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("100%;]\r\nno"), "{message}");
    let github = std::fs::read_to_string(out_dir.join("github")).unwrap();
    let (command, props, data) = parse_github(github.lines().next().unwrap());
    assert_eq!((command.as_str(), prop(&props, "file")), ("error", Some(name)));
    assert!(data.starts_with(&message), "{data:?}");
    let azure = std::fs::read_to_string(out_dir.join("azure")).unwrap();
    let (props, data) = parse_azure(azure.lines().next().unwrap());
    assert_eq!((prop(&props, "sourcepath"), data.as_str()), (Some(name), message.as_str()));
    // SARIF columns count UTF-16 code units: two more than the character column here.
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(out_dir.join("sarif")).unwrap()).unwrap();
    let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startColumn"].as_u64().unwrap(), json["diagnostics"][0]["column"].as_u64().unwrap() + 2);
    assert_eq!(sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "a,b%3Ac%25d;e%5D%20f.xml");
}

#[test]
fn unreadable_paths_are_notifications_and_suppressed_findings_are_shown_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let ts = "<sequence version=\"3.10\">\n  <!-- tsq-ignore invalid-boolean: kept for the test -->\n  <step type=\"SMS_TaskSequence_RunCommandLineAction\" name=\"A\" disable=\"flase\"><action>cmd</action></step>\n</sequence>\n";
    std::fs::write(tmp.path().join("ts.xml"), ts).unwrap();
    let (code, out, _) = tsq(tmp.path(), &["check", "--format", "sarif", "--show-suppressed", "ts.xml", "missing.xml"]);
    assert_eq!(code, 2);
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let inv = &sarif["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert!(notes[0]["message"]["text"].as_str().unwrap().starts_with("missing.xml: "));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["suppressions"][0]["kind"], "inSource");
    assert_eq!(results[0]["suppressions"][0]["justification"], "kept for the test");
    // Without --show-suppressed the run is clean, and the fingerprint does not depend on it.
    let (code, out, _) = tsq(tmp.path(), &["check", "--format", "json-lines", "--show-suppressed", "ts.xml"]);
    assert_eq!(code, 0);
    let line: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(line["suppressed"]["kind"], "in-source");
    assert_eq!(line["fingerprint"], results[0]["partialFingerprints"]["tsqFindingHash/v1"]);
    let (_, out, _) = tsq(tmp.path(), &["check", "--format", "sarif", "ts.xml"]);
    let sarif: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 0);
    assert_eq!(sarif["runs"][0]["invocations"][0]["executionSuccessful"], true);
}

/// Every format on the shipped examples (clean) and the quirk fixtures (with findings), pinned.
#[test]
fn every_format_on_the_examples_is_pinned() {
    let root = support::root();
    let root_uri = format!("file://{}/", root.canonicalize().unwrap().display().to_string().replace(' ', "%20"));
    for format in ["sarif", "github", "gitlab", "junit", "checkstyle", "azure", "json-lines"] {
        let (code, out, err) = tsq(&root, &["check", "--format", format, "--show-suppressed", "examples", "tests/fixtures/quirks"]);
        assert_eq!(code, 1, "{err}");
        let out = if format == "sarif" {
            let mut v: Value = serde_json::from_str(&out).unwrap();
            let run = &mut v["runs"][0];
            assert_eq!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], root_uri.as_str());
            run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "file:///[project root]/".into();
            // The rule docs are pinned by their own snapshots; here only that they are there.
            for r in run["tool"]["driver"]["rules"].as_array_mut().unwrap() {
                let name = r["id"].as_str().unwrap().to_owned();
                assert_eq!(r["help"]["text"], tsq::rules::find(&name).unwrap().meta().docs);
                r["help"] = format!("[rules/{name}.md]").into();
            }
            serde_json::to_string_pretty(&v).unwrap()
        } else {
            out
        };
        insta::with_settings!({ snapshot_path => "../snapshots/ci", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(format, out);
        });
    }
}
