//! Writer invariants over the real-world corpus (`../shared/corpus`, read in place, never copied):
//! the unchanged write is byte-identical for every file; every file that parses formats, the
//! format is idempotent and keeps the model and the node counts; every tenth file, re-encoded in
//! memory to UTF-16LE, UTF-16BE and UTF-8 with a BOM, reads to the same model, writes back byte
//! for byte and formats in its own encoding.
//!
//! Without the corpus it prints a notice and passes, unless `TSQ_REQUIRE_CORPUS=1`.

// Test code may unwrap and index (clippy.toml allows it only inside `#[test]` functions).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use std::process::ExitCode;
use tsq::container::{TaskSequence, parse};
use tsq::model::Same;
use tsq::source::{Encoding, SourceFile};
use tsq::writer::{FormatError, format, write_preserving};

/// The only corpus file that is not well-formed XML (corpus.md §4.5).
const MALFORMED: &str = "microsoft-configmgr-hub-selfhost/objects/TaskSequence/Test_CustomTS.xml";

#[derive(Default)]
struct Tally {
    formatted: usize,
    changed: usize,
    reencoded: usize,
}

/// Check one file; returns what failed.
fn check(rel: &str, bytes: Vec<u8>, index: usize, tally: &mut Tally) -> Vec<String> {
    let mut fails = Vec::new();
    let source = match SourceFile::decode(rel, bytes.clone()) {
        Ok(s) => s,
        Err(e) => return vec![format!("does not decode: {e}")],
    };
    if write_preserving(&source, &[]).ok().as_deref() != Some(bytes.as_slice()) {
        fails.push("the unchanged write is not byte-identical".to_owned());
    }
    let parsed = parse(&source, None);
    let formatted = match (&parsed, rel == MALFORMED) {
        (Err(_), true) => {
            if !matches!(format(&source), Err(FormatError::Syntax(_))) {
                fails.push("the malformed file is not refused by fmt".to_owned());
            }
            None
        }
        (Err(p), false) => {
            fails.push(format!("does not parse: {}", p.message));
            None
        }
        (Ok(_), true) => {
            fails.push("the malformed file parses".to_owned());
            None
        }
        (Ok(ts), false) => match format(&source) {
            Err(e) => {
                fails.push(format!("fmt fails: {e}"));
                None
            }
            Ok(text) => {
                tally.formatted += 1;
                tally.changed += usize::from(text != source.text);
                let new = SourceFile { text: text.clone(), ..source.clone() };
                match parse(&new, None) {
                    Err(p) => fails.push(format!("the formatted text does not parse: {}", p.message)),
                    Ok(new_ts) => {
                        if !ts.same(&new_ts) {
                            fails.push("fmt changes the model".to_owned());
                        }
                        if support::counts(ts) != support::counts(&new_ts) {
                            fails.push(format!("fmt changes the node counts: {:?} → {:?}", support::counts(ts), support::counts(&new_ts)));
                        }
                    }
                }
                if format(&new).ok().as_deref() != Some(text.as_str()) {
                    fails.push("fmt is not idempotent".to_owned());
                }
                Some(text)
            }
        },
    };
    if index.is_multiple_of(10) {
        tally.reencoded += 1;
        for (encoding, bom) in [(Encoding::Utf16Le, true), (Encoding::Utf16Be, true), (Encoding::Utf8, true)] {
            fails.extend(reencoded(&source, parsed.as_ref().ok(), formatted.as_deref(), encoding, bom));
        }
    }
    fails
}

/// The invariants on an in-memory copy of `source` in another encoding.
fn reencoded(source: &SourceFile, ts: Option<&TaskSequence>, formatted: Option<&str>, encoding: Encoding, bom: bool) -> Vec<String> {
    let label = format!("{}{}", encoding.label(), if bom { "+BOM" } else { "" });
    let mut fails = Vec::new();
    let bytes = SourceFile { encoding, bom, ..source.clone() }.encode(&source.text);
    let copy = match SourceFile::decode(source.path.clone(), bytes.clone()) {
        Ok(c) if c.text == source.text && c.encoding == encoding && c.bom == bom => c,
        _ => return vec![format!("{label}: does not decode to the same text")],
    };
    if write_preserving(&copy, &[]).ok().as_deref() != Some(bytes.as_slice()) {
        fails.push(format!("{label}: the unchanged write is not byte-identical"));
    }
    let (Some(ts), Some(formatted)) = (ts, formatted) else {
        return fails;
    };
    match parse(&copy, None) {
        Ok(copy_ts) if copy_ts.same(ts) => {}
        Ok(_) => fails.push(format!("{label}: the model differs from the UTF-8 original")),
        Err(p) => fails.push(format!("{label}: does not parse: {}", p.message)),
    }
    match format(&copy) {
        Ok(text) if text == formatted => {
            let back = SourceFile::decode(source.path.clone(), copy.encode(&text));
            if !back.is_ok_and(|b| b.encoding == encoding && b.bom == bom && b.text == text) {
                fails.push(format!("{label}: fmt does not keep the encoding"));
            }
        }
        Ok(_) => fails.push(format!("{label}: fmt gives another text than for the UTF-8 original")),
        Err(e) => fails.push(format!("{label}: fmt fails: {e}")),
    }
    fails
}

fn main() -> ExitCode {
    let Some(dir) = support::shared_dir("corpus") else {
        if support::corpus_required() {
            eprintln!("error: ../shared/corpus not found and TSQ_REQUIRE_CORPUS=1");
            return ExitCode::FAILURE;
        }
        println!("note: ../shared/corpus not found; skipping");
        return ExitCode::SUCCESS;
    };
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("read MANIFEST.tsv");
    let rows: Vec<&str> = manifest.lines().skip(1).filter_map(|l| l.split('\t').next()).filter(|p| !p.is_empty()).collect();
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    let mut failed_files = 0;
    for (index, rel) in rows.iter().enumerate() {
        let fails = match std::fs::read(dir.join(rel)) {
            Ok(bytes) => check(rel, bytes, index, &mut tally),
            Err(e) => vec![format!("cannot read: {e}")],
        };
        failed_files += usize::from(!fails.is_empty());
        failures.extend(fails.into_iter().map(|f| format!("{rel}: {f}")));
    }
    println!(
        "corpus roundtrip: {} files, {} formatted ({} changed by fmt, {} already canonical), {} re-encoded 3 ways",
        rows.len(),
        tally.formatted,
        tally.changed,
        tally.formatted - tally.changed,
        tally.reencoded
    );
    for f in &failures {
        println!("FAILED {f}");
    }
    println!("{} passed, {} failed", rows.len() - failed_files, failed_files);
    if failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
