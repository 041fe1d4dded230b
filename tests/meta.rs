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
