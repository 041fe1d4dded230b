//! Helpers shared by the integration tests.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

pub mod invariants;

use std::path::PathBuf;

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fenced block of a rule doc: its info-string words and its text.
#[derive(Debug, Clone)]
pub struct Block {
    /// The words after the backticks (`xml bad`).
    pub info: Vec<String>,
    /// The text between the fences.
    pub text: String,
    /// 1-based line of the opening fence.
    pub line: usize,
}

/// The fenced code blocks of a Markdown document.
pub fn fences(md: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in md.lines().enumerate() {
        let t = line.trim_start();
        match &mut open {
            None if t.starts_with("```") => {
                let info = t.trim_start_matches('`').split_whitespace().map(str::to_owned).collect();
                open = Some(Block { info, text: String::new(), line: i + 1 });
            }
            Some(b) if t.starts_with("```") && t.trim_start_matches('`').trim().is_empty() => {
                out.push(b.clone());
                open = None;
            }
            Some(b) => {
                b.text.push_str(line);
                b.text.push('\n');
            }
            None => {}
        }
    }
    out
}

/// Wrap a fragment in `<sequence version="3.10">…</sequence>`; whole documents are kept.
pub fn wrap(example: &str) -> String {
    let t = example.trim_start();
    let whole = ["<?xml", "<sequence", "<INSTANCE", "<SmsTaskSequencePackage"].iter().any(|p| t.starts_with(p));
    if whole { example.to_owned() } else { format!("<sequence version=\"3.10\">\n{example}</sequence>\n") }
}

/// Groups, steps and child task sequences in a task sequence.
pub fn counts(ts: &tsq::container::TaskSequence) -> [usize; 3] {
    let mut c = [0; 3];
    for v in ts.sequence.walk() {
        c[match v.node.kind {
            tsq::model::NodeKind::Group => 0,
            tsq::model::NodeKind::Step => 1,
            tsq::model::NodeKind::SubTaskSequence => 2,
        }] += 1;
    }
    c
}

/// A corpus folder beside the project (`../shared/corpus`, `../shared/corpus-zips`), if it holds
/// its MANIFEST.tsv.
pub fn shared_dir(name: &str) -> Option<PathBuf> {
    let dir = root().join("../shared").join(name);
    dir.join("MANIFEST.tsv").is_file().then_some(dir)
}

/// Whether CI asked that a missing corpus fail the tests (`TSQ_REQUIRE_CORPUS=1`).
pub fn corpus_required() -> bool {
    std::env::var("TSQ_REQUIRE_CORPUS").is_ok_and(|v| v == "1")
}

/// The corpus folders, or `None` after a printed skip notice; panics when the corpus is required.
pub fn corpus_or_skip(test: &str) -> Option<(PathBuf, PathBuf)> {
    if let (Some(files), Some(zips)) = (shared_dir("corpus"), shared_dir("corpus-zips")) {
        return Some((files, zips));
    }
    assert!(!corpus_required(), "TSQ_REQUIRE_CORPUS=1 but ../shared/corpus or ../shared/corpus-zips is missing");
    eprintln!("note: ../shared/corpus not found; skipping {test}");
    None
}

/// The corpus files listed in a MANIFEST.tsv (paths relative to `dir`).
pub fn manifest_paths(dir: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap_or_default();
    text.lines().skip(1).filter_map(|l| l.split('\t').next()).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

/// Run tsq in process with `args` (without the program name): (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (u8, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let mut argv = vec!["tsq"];
    argv.extend_from_slice(args);
    let code = tsq::cli::run(argv, &mut out, &mut err);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

/// Every file under `dir` whose extension is one of `exts` (case-sensitive), sorted.
pub fn files_with(dir: &std::path::Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| exts.iter().any(|e| x == *e)) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
