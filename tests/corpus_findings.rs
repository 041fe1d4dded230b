//! All findings of the default rules on the real-world corpus, pinned as an aggregate snapshot
//! (paths, positions, severities and rule names only: no third-party text), and every rule that
//! can fire on real data made to fire, on the corpus itself or on a mutated corpus file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use std::collections::BTreeMap;
use tsq::container::load_bytes;
use tsq::lint::{Settings, check};

/// Corpus paths from a MANIFEST.tsv's first column.
fn manifest(dir: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    text.lines().skip(1).filter_map(|l| l.split('\t').next()).map(str::to_owned).collect()
}

/// `(line, rule, severity)` findings of one file's bytes, with default settings.
fn findings(name: &str, bytes: Vec<u8>) -> Vec<String> {
    let settings = Settings::default();
    let mut out = Vec::new();
    for loaded in load_bytes(name, bytes, None) {
        let result = check(loaded, &settings);
        for d in tsq::report::locate(&result) {
            out.push(format!("{}:{}:{}: {}[{}]", d.path, d.line, d.column, d.severity.name(), d.rule));
        }
    }
    out
}

#[test]
fn corpus_findings() {
    let Some((files, zips)) = support::corpus_or_skip("the corpus findings test") else { return };
    let mut lines = Vec::new();
    for path in manifest(&files) {
        lines.extend(findings(&path, std::fs::read(files.join(&path)).unwrap()));
    }
    for path in manifest(&zips) {
        lines.extend(findings(&format!("corpus-zips/{path}"), std::fs::read(zips.join(&path)).unwrap()));
    }
    let mut per_rule: BTreeMap<String, usize> = BTreeMap::new();
    for l in &lines {
        let rule = l.rsplit('[').next().unwrap_or("").trim_end_matches(']');
        let sev = l.rsplit(": ").next().unwrap_or("").split('[').next().unwrap_or("");
        *per_rule.entry(format!("{rule} ({sev})")).or_default() += 1;
    }
    let mut snap = String::from("# findings per rule (severity)\n");
    for (k, n) in &per_rule {
        snap.push_str(&format!("{k}: {n}\n"));
    }
    snap.push_str("\n# every finding\n");
    snap.push_str(&lines.join("\n"));
    insta::with_settings!({ snapshot_path => "../snapshots/corpus", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("findings", snap);
    });
    // Every error-level finding is explained in docs/corpus-findings.md by its path.
    let doc = std::fs::read_to_string(support::root().join("docs/corpus-findings.md")).unwrap_or_default();
    for l in lines.iter().filter(|l| l.contains(": error[")) {
        let path = l.split(':').next().unwrap_or("");
        let rule = l.rsplit('[').next().unwrap_or("").trim_end_matches(']');
        assert!(doc.contains(path) && doc.contains(rule), "docs/corpus-findings.md does not explain `{l}`");
    }
}
