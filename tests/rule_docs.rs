//! Executes the examples in `rules/<name>.md`: every `xml bad` block gives exactly one diagnostic
//! of that rule, every `xml good` block none; the rendered output of the bad examples is pinned in
//! `snapshots/rules/<name>.snap`. Context blocks apply to the examples after them: `toml config`
//! (a `tsq.toml`), `text inventory` (an `--inventory` file) and `xml share <File>.xml` (a control
//! file of the MDT deployment share the examples belong to).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use std::path::Path;
use std::sync::Arc;
use support::{fences, wrap};
use tsq::config::Config;
use tsq::container::load_bytes;
use tsq::container::mdt_share::Share;
use tsq::inventory::Inventory;
use tsq::lint::{FileResult, Settings, check};
use tsq::report::{render_human, render_json};

fn lint(text: &str, settings: &Settings, share: Option<&Arc<Share>>) -> FileResult {
    let mut loaded = load_bytes("example.xml", text.as_bytes().to_vec(), None);
    assert_eq!(loaded.len(), 1);
    let mut one = loaded.remove(0);
    if let (Ok(ts), Some(share)) = (&mut one.result, share) {
        ts.share = Some(Arc::clone(share));
    }
    check(one, settings)
}

#[test]
fn rule_doc_examples() {
    let mut failures = Vec::new();
    for rule in tsq::rules::RULES {
        let name = rule.meta().name;
        let mut settings = Settings::default();
        let mut share: Option<Arc<Share>> = None;
        let mut snapshot = String::new();
        let (mut bad, mut good) = (0, 0);
        for block in fences(rule.meta().docs) {
            let words: Vec<&str> = block.info.iter().map(String::as_str).collect();
            match words.as_slice() {
                ["toml", "config", ..] => {
                    settings.config = Config::parse(Path::new("tsq.toml"), block.text.clone())
                        .unwrap_or_else(|e| panic!("rules/{name}.md:{}: bad config block: {e}", block.line));
                }
                ["text", "inventory", ..] => {
                    settings.inventory = Some(
                        Inventory::parse(&block.text)
                            .unwrap_or_else(|e| panic!("rules/{name}.md:{}: bad inventory block: {e}", block.line)),
                    );
                }
                ["xml", "share", file, ..] => {
                    let mut next = share.as_deref().cloned().unwrap_or_else(|| Share::new("Control"));
                    next.add_control_file(file, &block.text)
                        .unwrap_or_else(|e| panic!("rules/{name}.md:{}: bad share block: {}", block.line, e.0));
                    assert!(next.files().any(|f| f == *file), "rules/{name}.md:{}: `{file}` is no MDT control file", block.line);
                    share = Some(Arc::new(next));
                }
                ["xml", kind @ ("bad" | "good"), ..] => {
                    let text = wrap(&block.text);
                    let mut result = lint(&text, &settings, share.as_ref());
                    result.diagnostics.retain(|d| d.rule == name);
                    let n = result.diagnostics.len();
                    if *kind == "bad" {
                        bad += 1;
                        if n != 1 {
                            failures
                                .push(format!("rules/{name}.md:{}: bad example gives {n} `{name}` diagnostics, expected 1", block.line));
                        }
                        for d in &result.diagnostics {
                            let first = d.message.chars().next().unwrap_or(' ');
                            if first.is_uppercase() || d.message.ends_with('.') {
                                failures.push(format!(
                                    "rules/{name}.md:{}: message `{}` must start lower-case, no period",
                                    block.line, d.message
                                ));
                            }
                        }
                        let results = [result];
                        let mut human = Vec::new();
                        render_human(&results, false, 80, &mut human).unwrap();
                        let mut json = Vec::new();
                        render_json(&results, &mut json).unwrap();
                        snapshot.push_str(&format!(
                            "## bad example {bad} (rules/{name}.md line {})\n{text}\n### human\n{}\n### json\n{}\n",
                            block.line,
                            String::from_utf8_lossy(&human),
                            String::from_utf8_lossy(&json)
                        ));
                    } else {
                        good += 1;
                        if n != 0 {
                            let msgs: Vec<&str> = result.diagnostics.iter().map(|d| d.message.as_str()).collect();
                            failures.push(format!("rules/{name}.md:{}: good example gives `{name}` diagnostics: {msgs:?}", block.line));
                        }
                    }
                }
                _ => {}
            }
        }
        if bad == 0 || good == 0 {
            failures.push(format!("rules/{name}.md: needs at least one `xml bad` and one `xml good` example (has {bad} and {good})"));
            continue;
        }
        insta::with_settings!({ snapshot_path => "../snapshots/rules", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, snapshot);
        });
    }
    assert!(failures.is_empty(), "rule doc examples failed:\n{}", failures.join("\n"));
}
