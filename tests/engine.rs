//! Engine properties over the whole corpus: every rule treats step types the same whatever their
//! case; control characters from a file never reach a terminal raw.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use tsq::container::load_bytes;
use tsq::lint::{Settings, check};

/// (rule, span) of every finding in `text`.
fn findings(name: &str, text: &str) -> Vec<(String, usize, usize)> {
    let settings = Settings::default();
    let mut v: Vec<(String, usize, usize)> = load_bytes(name, text.as_bytes().to_vec(), None)
        .into_iter()
        .flat_map(|l| check(l, &settings).diagnostics)
        .map(|d| (d.rule.to_owned(), d.span.start, d.span.end))
        .collect();
    v.sort();
    v
}

#[test]
fn step_type_case_changes_no_finding() {
    let Some((dir, _)) = support::corpus_or_skip("the step-type case test") else { return };
    let mut compared = 0;
    for rel in support::manifest_paths(&dir) {
        // UTF-8 files only: the change is made on the text (ASCII, so every offset is kept).
        let Ok(text) = std::fs::read_to_string(dir.join(&rel)) else { continue };
        if !text.contains("type=\"SMS_TaskSequence_") {
            continue;
        }
        let lower = text.replace("type=\"SMS_TaskSequence_", "type=\"sms_tasksequence_");
        let mut changed = String::with_capacity(lower.len());
        let mut rest = lower.as_str();
        // Lower-case the whole class name, not only the prefix.
        while let Some(i) = rest.find("type=\"sms_tasksequence_") {
            let (head, tail) = rest.split_at(i);
            changed.push_str(head);
            let end = tail[6..].find('"').map_or(tail.len(), |e| e + 6);
            changed.push_str(&tail[..end].to_ascii_lowercase());
            rest = &tail[end..];
        }
        changed.push_str(rest);
        assert_eq!(findings(&rel, &text), findings(&rel, &changed), "{rel}");
        compared += 1;
    }
    assert!(compared > 100, "only {compared} corpus files compared");
}

#[test]
fn control_characters_never_reach_the_terminal_raw() {
    use tsq::report::{render_concise, render_human};
    // ESC is not allowed in XML (an `xml-syntax` finding whose snippet shows the line); C1
    // controls such as CSI (U+009B) are, and reach messages through a group's name.
    let cases = [
        "<sequence version=\"3.10\">\n<group name=\"a\u{1b}]0;pwned\u{7}\u{1b}[2J\"/>\n</sequence>\n",
        "<sequence version=\"3.10\">\n<group name=\"b\u{9b}31m\u{85}x\"/>\n</sequence>\n",
    ];
    for text in cases {
        let settings = Settings::default();
        let results: Vec<_> =
            load_bytes("ctl\u{1b}[31m.xml", text.as_bytes().to_vec(), None).into_iter().map(|l| check(l, &settings)).collect();
        assert!(!results[0].diagnostics.is_empty());
        for render in [0, 1] {
            let mut out = Vec::new();
            if render == 0 {
                render_human(&results, false, 100, &mut out).unwrap();
            } else {
                render_concise(&results, &mut out).unwrap();
            }
            let out = String::from_utf8(out).unwrap();
            let bad: Vec<char> = out.chars().filter(|c| c.is_control() && *c != '\n').collect();
            assert!(bad.is_empty(), "{bad:?} in\n{out}");
            assert!(out.contains("\\u{1b}") || out.contains("\\u{9b}"), "escaped form shown:\n{out}");
        }
    }
}
