//! Conventions the registry, the docs and the snapshots must keep.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use std::collections::BTreeSet;
use tsq::rules::RULES;

#[test]
fn registry_is_sorted_unique_and_named_well() {
    let names: Vec<&str> = RULES.iter().map(|r| r.meta().name).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(names, sorted, "RULES must be sorted by name and unique");
    for r in RULES {
        let m = r.meta();
        assert!(m.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{} is not kebab-case", m.name);
        for banned in ["no-", "use-", "avoid-", "prefer-", "do-not-"] {
            assert!(!m.name.starts_with(banned), "{}: names say what is wrong, not the cure", m.name);
        }
        let first = m.summary.chars().next().unwrap_or(' ');
        assert!(!first.is_uppercase() && !m.summary.ends_with('.'), "{}: summary must start lower-case, no period", m.name);
        let title = m.docs.lines().next().unwrap_or("");
        assert_eq!(title, format!("# {}", m.name), "rules/{}.md must start with `# {}`", m.name, m.name);
        let summary_line = m.docs.lines().find(|l| !l.trim().is_empty() && !l.starts_with('#')).unwrap_or("");
        assert_eq!(summary_line.trim(), m.summary, "rules/{}.md: the first paragraph must be the summary", m.name);
    }
}

#[test]
fn every_doc_and_snapshot_has_a_rule() {
    let names: BTreeSet<String> = RULES.iter().map(|r| r.meta().name.to_owned()).collect();
    let dir = support::root().join("rules");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.extension().is_some_and(|e| e == "md") && stem != "README" {
            assert!(names.contains(&stem), "rules/{stem}.md has no registered rule");
        }
    }
    let snaps = support::root().join("snapshots/rules");
    if let Ok(entries) = std::fs::read_dir(&snaps) {
        for entry in entries {
            let path = entry.unwrap().path();
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            assert!(names.contains(&stem), "snapshots/rules/{stem}.snap belongs to no rule");
        }
    }
    for name in &names {
        let src = support::root().join("src/rules").join(format!("{}.rs", name.replace('-', "_")));
        assert!(src.is_file(), "rule {name} must live in src/rules/{}.rs", name.replace('-', "_"));
    }
}

/// Docs shipped to users cite public sources, never the project's internal notes.
const INTERNAL_NOTES: &[&str] = &["domain.md", "features.md", "corpus.md", "architecture.md", "../shared"];

/// The only places a shipped doc may name `../shared`: where it explains how the tests and
/// benchmarks read the corpus in place. Each entry is (file, exact text allowed on one line).
const ALLOWED_NOTES: &[(&str, &str)] = &[
    ("README.md", "The tests use the real-world corpus in `../shared/corpus` and `../shared/corpus-zips`"),
    ("docs/performance.md", "Both read the corpus in place from `../shared/corpus`"),
    ("docs/fuzzing.md", "# build corpus/<target>/ from ../shared/corpus"),
    ("docs/fuzzing.md", "copies the real-world corpus (`../shared/corpus`, `../shared/corpus-zips`, or the"),
];

/// Every file under `dir`, recursively.
fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn shipped_docs_cite_no_internal_notes() {
    let root = support::root();
    let mut files = vec![root.join("README.md")];
    files_under(&root.join("rules"), &mut files);
    files_under(&root.join("docs"), &mut files);
    let mut used = BTreeSet::new();
    let mut offences = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        for (n, line) in text.lines().enumerate() {
            let mut rest = line.to_owned();
            for (i, (file, allowed)) in ALLOWED_NOTES.iter().enumerate() {
                if *file == rel && rest.contains(allowed) {
                    rest = rest.replacen(allowed, "", 1);
                    used.insert(i);
                }
            }
            for note in INTERNAL_NOTES {
                if rest.contains(note) {
                    offences.push(format!("{rel}:{}: mentions `{note}`: {line}", n + 1));
                }
            }
        }
    }
    assert!(files.len() > 30, "expected the rule docs, docs/ and README.md, found {} files", files.len());
    assert!(offences.is_empty(), "shipped docs must cite public sources, not internal notes:\n{}", offences.join("\n"));
    for (i, (file, allowed)) in ALLOWED_NOTES.iter().enumerate() {
        assert!(used.contains(&i), "{file} no longer contains the allowed text `{allowed}`; drop it from ALLOWED_NOTES");
    }
}

#[test]
fn every_doc_names_its_rules_fix() {
    for r in RULES {
        let m = r.meta();
        let line = m.docs.lines().find(|l| l.starts_with("Fix: ")).unwrap_or_else(|| panic!("rules/{}.md has no `Fix:` line", m.name));
        let kind = line.trim_start_matches("Fix: ").split("**").nth(1).unwrap_or("");
        assert_eq!(kind, r.fix_kind().name(), "rules/{}.md says `{line}`", m.name);
    }
}
