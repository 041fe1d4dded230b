//! Fingerprints and the baseline on real corpus files: inserting an unrelated step above existing
//! findings changes no SARIF or GitLab fingerprint and brings no baselined finding back; a new
//! defect is the only finding reported; entries that no longer match are reported as infos. And
//! the exit controls: `--exit-zero`, `--max-warnings`, `--statistics`, `--output`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn tsq(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tsq")).current_dir(cwd).args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// A step no rule reports, inserted as the first child of the `<sequence>`.
const UNRELATED: &str = "<step type=\"SMS_TaskSequence_RunCommandLineAction\" name=\"Inserted by the test\" description=\"\"><action>cmd.exe /c exit 0</action></step>\n";

/// `text` with `extra` inserted right after the `<sequence …>` start tag (`None` when there is no
/// such tag with content).
fn insert_in_sequence(text: &str, extra: &str) -> Option<String> {
    let mut from = 0;
    loop {
        let at = from + text[from..].find("<sequence")?;
        let next = text[at + 9..].chars().next()?;
        if next.is_whitespace() || next == '>' {
            let end = at + text[at..].find('>')?;
            if text[..end].ends_with('/') {
                return None;
            }
            return Some(format!("{}\n{extra}{}", &text[..=end], &text[end + 1..]));
        }
        from = at + 9;
    }
}

/// The SARIF and GitLab fingerprints of a run over `dir`, with each result's line.
fn fingerprints(dir: &Path) -> (Vec<(String, u64)>, BTreeSet<String>) {
    let sarif_path = dir.join("../out.sarif");
    let out = format!("sarif:{}", sarif_path.display());
    let (code, gitlab, err) = tsq(dir, &["check", "--format", "gitlab", "--output", &out, "."]);
    assert!(code <= 1, "{err}");
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&sarif_path).unwrap()).unwrap();
    let sarif = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let line = r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap();
            (r["partialFingerprints"]["tsqFindingHash/v1"].as_str().unwrap().to_owned(), line)
        })
        .collect();
    let gitlab: Value = serde_json::from_str(&gitlab).unwrap();
    let gitlab = gitlab.as_array().unwrap().iter().map(|i| i["fingerprint"].as_str().unwrap().to_owned()).collect();
    (sarif, gitlab)
}

#[test]
fn fingerprints_survive_an_inserted_step_on_real_files() {
    let Some((files, _)) = support::corpus_or_skip("the fingerprint stability test") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ts");
    std::fs::create_dir(&dir).unwrap();
    // Real files with findings on steps (and some without), copied to a scratch folder.
    let (_, json, _) = tsq(&support::root(), &["check", "--format", "json", files.to_str().unwrap()]);
    let json: Value = serde_json::from_str(&json).unwrap();
    let mut picked: Vec<String> = Vec::new();
    for d in json["diagnostics"].as_array().unwrap() {
        let path = d["path"].as_str().unwrap().to_owned();
        if d["step_path"].is_string() && !picked.contains(&path) && picked.len() < 30 {
            picked.push(path);
        }
    }
    assert!(picked.len() >= 20, "{picked:?}");
    let mut originals = Vec::new();
    for (i, p) in picked.iter().enumerate() {
        let text = std::fs::read_to_string(p).unwrap();
        let name = dir.join(format!("f{i}.xml"));
        std::fs::write(&name, &text).unwrap();
        originals.push((name, text));
    }
    let (before, gitlab_before) = fingerprints(&dir);
    assert!(before.len() >= 30, "{}", before.len());
    let mut edited = 0;
    for (name, text) in &originals {
        if let Some(t) = insert_in_sequence(text, UNRELATED) {
            std::fs::write(name, t).unwrap();
            edited += 1;
        }
    }
    assert!(edited >= 20);
    let (after, gitlab_after) = fingerprints(&dir);
    let after_prints: BTreeSet<&String> = after.iter().map(|(f, _)| f).collect();
    let lost: Vec<_> = before.iter().filter(|(f, _)| !after_prints.contains(f)).collect();
    assert!(lost.is_empty(), "SARIF fingerprints changed by an unrelated insertion: {lost:?}");
    assert!(gitlab_before.is_subset(&gitlab_after), "GitLab fingerprints changed: {:?}", gitlab_before.difference(&gitlab_after));
    // The insertion moved findings to other lines: the fingerprints do not follow lines.
    let moved = before.iter().filter(|(f, l)| after.iter().any(|(g, m)| g == f && m != l)).count();
    assert!(moved > before.len() / 2, "only {moved} of {} findings moved", before.len());
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn findings(cwd: &Path, args: &[&str]) -> (i32, Vec<Value>) {
    let mut argv = vec!["check", "--format", "json"];
    argv.extend_from_slice(args);
    let (code, out, err) = tsq(cwd, &argv);
    assert!(code <= 1, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    (code, v["diagnostics"].as_array().unwrap().clone())
}

#[test]
fn baseline_on_a_corpus_folder() {
    let Some((files, _)) = support::corpus_or_skip("the baseline test") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    copy_dir(&files.join("microsoft-configmgr-hub-selfhost"), &dir);
    let (code, all) = findings(&dir, &["--fail-on", "info", "."]);
    assert_eq!(code, 1);
    assert!(all.len() >= 20, "{}", all.len());
    // Record them.
    let (code, _, err) = tsq(&dir, &["check", "--write-baseline", "tsq-baseline.json", "."]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&format!("wrote {} baseline entries", all.len())), "{err}");
    // With the baseline: nothing, and nothing stale.
    let (code, none) = findings(&dir, &["--fail-on", "info", "--baseline", "tsq-baseline.json", "."]);
    assert_eq!((code, none.len()), (0, 0), "{none:#?}");
    // Insert an unrelated step above the findings of a file and a defect below it: exactly the
    // defect is reported.
    let target = all.iter().find(|d| d["step_path"].is_string()).unwrap()["path"].as_str().unwrap().to_owned();
    let text = std::fs::read_to_string(dir.join(&target)).unwrap();
    let defect = "<step type=\"SMS_TaskSequence_RunCommandLineAction\" name=\"New defect\" description=\"\" disable=\"flase\"><action>cmd.exe /c exit 0</action></step>\n";
    let edited = insert_in_sequence(&text, &format!("{UNRELATED}{defect}")).unwrap();
    std::fs::write(dir.join(&target), edited).unwrap();
    let (code, new) = findings(&dir, &["--fail-on", "info", "--baseline", "tsq-baseline.json", "."]);
    assert_eq!(new.len(), 1, "{new:#?}");
    assert_eq!(
        (new[0]["rule"].as_str(), new[0]["path"].as_str(), new[0]["step_path"].as_str()),
        (Some("invalid-boolean"), Some(target.as_str()), Some("New defect"))
    );
    assert_eq!(code, 1);
    // --show-suppressed lists the baselined findings as suppressed in SARIF.
    let (_, sarif, _) = tsq(&dir, &["check", "--format", "sarif", "--show-suppressed", "--baseline", "tsq-baseline.json", "."]);
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), all.len() + 1);
    assert_eq!(results.iter().filter(|r| r["suppressions"][0]["kind"] == "external").count(), all.len());
}

#[test]
fn stale_baseline_entries_are_reported_only_for_checked_files_and_rules_that_ran() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = "<sequence version=\"3.10\">\n  <group name=\"Empty\"/>\n  <step type=\"SMS_TaskSequence_RunCommandLineAction\" name=\"A\" disable=\"flase\"><action>cmd</action></step>\n</sequence>\n";
    std::fs::write(tmp.path().join("a.xml"), bad).unwrap();
    std::fs::write(tmp.path().join("b.xml"), bad).unwrap();
    let (code, _, err) = tsq(tmp.path(), &["check", "--write-baseline", "base.json", "a.xml", "b.xml"]);
    assert_eq!(code, 0, "{err}");
    let base = std::fs::read_to_string(tmp.path().join("base.json")).unwrap();
    assert_eq!(base.lines().filter(|l| l.contains("\"rule\"")).count(), 4, "{base}");
    // Fix the empty group in a.xml: its entry is stale, reported on its own line of the baseline.
    std::fs::write(tmp.path().join("a.xml"), bad.replace("  <group name=\"Empty\"/>\n", "")).unwrap();
    let (code, out, _) = tsq(tmp.path(), &["check", "--format", "concise", "--baseline", "base.json", "a.xml", "b.xml"]);
    let line = base.lines().position(|l| l.contains("a.xml") && l.contains("empty-group")).unwrap() + 1;
    assert_eq!(
        out,
        format!("base.json:{line}:5: info[unused-suppression] baseline entry for `empty-group` in `a.xml` matches no finding\n")
    );
    assert_eq!(code, 0);
    // Not for a file that was not checked, nor for a rule that did not run.
    let (_, out, _) = tsq(tmp.path(), &["check", "--format", "concise", "--baseline", "base.json", "b.xml"]);
    assert_eq!(out, "");
    let (_, out, _) = tsq(
        tmp.path(),
        &["check", "--format", "concise", "--select", "invalid-boolean,unused-suppression", "--baseline", "base.json", "a.xml"],
    );
    assert_eq!(out, "");
    // A broken baseline is exit 2 with its position.
    std::fs::write(tmp.path().join("broken.json"), "{\"version\": 1,\n \"entries\": [}").unwrap();
    let (code, _, err) = tsq(tmp.path(), &["check", "--baseline", "broken.json", "a.xml"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("tsq: broken.json:2:"), "{err}");
}

#[test]
fn exit_controls_statistics_and_several_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let ts = "<sequence version=\"3.10\">\n  <group name=\"E1\"/>\n  <group name=\"E2\"/>\n  <step type=\"SMS_TaskSequence_RunCommandLineAction\" name=\"A\" disable=\"flase\"><action>cmd</action></step>\n</sequence>\n";
    std::fs::write(tmp.path().join("ts.xml"), ts).unwrap();
    // Empty groups are infos by default; make them the warnings this test counts.
    std::fs::write(tmp.path().join("tsq.toml"), "[rules]\nempty-group = \"warning\"\n").unwrap();
    let d = tmp.path();
    assert_eq!(tsq(d, &["check", "ts.xml"]).0, 1);
    assert_eq!(tsq(d, &["check", "--exit-zero", "ts.xml"]).0, 0);
    assert_eq!(tsq(d, &["check", "--exit-zero", "missing.xml"]).0, 2, "--exit-zero does not hide a failure to read");
    let warnings_only = ["check", "--select", "empty-group", "ts.xml"];
    assert_eq!(tsq(d, &warnings_only).0, 0);
    assert_eq!(tsq(d, &[&warnings_only[..], &["--max-warnings", "2"]].concat()).0, 0);
    assert_eq!(tsq(d, &[&warnings_only[..], &["--max-warnings", "1"]].concat()).0, 1);
    // --statistics: after the concise report on stdout; on stderr with a machine format.
    let (_, out, _) = tsq(d, &["check", "--format", "concise", "--statistics", "ts.xml"]);
    assert!(out.ends_with("     2  empty-group      warning\n     1  invalid-boolean  error\n"), "{out}");
    let (_, out, err) = tsq(d, &["check", "--format", "sarif", "--statistics", "ts.xml"]);
    assert!(serde_json::from_str::<Value>(&out).is_ok());
    assert!(err.contains("2  empty-group"), "{err}");
    // Several reports in one run; a bad --output is a usage error.
    let (code, out, _) =
        tsq(d, &["check", "--format", "concise", "--output", "junit:r.xml", "--output", "GitLab:cq.json", "--output", "sarif:-", "ts.xml"]);
    assert_eq!(code, 1);
    assert!(out.starts_with("ts.xml:2:3: warning[empty-group]"), "{out}");
    assert!(out.contains("\"version\": \"2.1.0\""));
    assert!(std::fs::read_to_string(d.join("r.xml")).unwrap().contains("<testsuites"));
    assert_eq!(serde_json::from_str::<Value>(&std::fs::read_to_string(d.join("cq.json")).unwrap()).unwrap().as_array().unwrap().len(), 3);
    let (code, _, err) = tsq(d, &["check", "--output", "yaml:x", "ts.xml"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown format `yaml`"), "{err}");
    let (code, _, err) = tsq(d, &["check", "--output", "sarif:no/such/dir/x.sarif", "ts.xml"]);
    assert_eq!(code, 2);
    assert!(err.contains("no/such/dir/x.sarif: cannot write the sarif report"), "{err}");
}
