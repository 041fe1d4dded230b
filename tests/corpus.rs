//! The real-world corpus (`../shared/corpus`, `../shared/corpus-zips`): every file parses, its
//! format and version agree with the manifest, and the number of groups, steps and child task
//! sequences in the model equals an independent count made with quick-xml's streaming reader.
//!
//! A plain `main` (`harness = false`) so that the skip notice is always printed. The corpus is
//! third-party data: it is read in place and only aggregates are printed (`corpus.md` §2.2).
//! `TSQ_REQUIRE_CORPUS=1` turns a missing corpus into a failure.

// Tests may unwrap and index: a panic is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use quick_xml::events::Event;
use quick_xml::reader::Reader;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tsq::container::{Format, Loaded, load_bytes};
use tsq::model::NodeKind;
use tsq::span::LineIndex;

/// The one corpus file that is not well-formed (an entity-escaped sequence with no root element).
const MALFORMED: &str = "microsoft-configmgr-hub-selfhost/objects/TaskSequence/Test_CustomTS.xml";

/// Totals over the corpus (`corpus.md` §1), the escaped-text file included.
const TOTAL_STEPS: usize = 11_720;
const TOTAL_GROUPS: usize = 3_385;
const TOTAL_SUBTASKSEQUENCES: usize = 10;

/// Dependency objects each export archive ships beside its task sequence.
const SHIPPED: &[(&str, &[&str])] = &[
    ("AdamGrossTX-CustomDialog.zip", &["PS100019"]),
    ("AdamGrossTX-DynamicVars1.zip", &["PS100019"]),
    ("emrgcl-RenameComputer.zip", &["TER0000A"]),
];

fn shared(name: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared").join(name);
    dir.join("MANIFEST.tsv").is_file().then_some(dir)
}

/// A manifest as a list of rows keyed by column name.
fn manifest(dir: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv is readable");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header line").split('\t').collect();
    lines
        .filter(|l| !l.is_empty())
        .map(|l| header.iter().zip(l.split('\t')).map(|(h, v)| ((*h).to_owned(), v.to_owned())).collect())
        .collect()
}

/// Counts of groups, steps and child task sequences.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Counts {
    groups: usize,
    steps: usize,
    subs: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Self) {
        self.groups += o.groups;
        self.steps += o.steps;
        self.subs += o.subs;
    }
}

/// The independent count: `<group`, `<step`, `<subtasksequence` start and empty tags, read with
/// quick-xml's streaming reader. In a CIM-XML `object.xml` the sequence is the CDATA (or escaped
/// text) of `<PROPERTY NAME="Sequence"><VALUE>`; a document with no element at all but escaped
/// `&lt;sequence` text (the escaped-text file) is unescaped and counted.
fn independent_count(text: &str) -> Result<Counts, String> {
    let mut reader = Reader::from_str(text);
    let mut counts = Counts::default();
    let mut stack: Vec<String> = Vec::new();
    let mut in_sequence_property = false;
    let mut sequence_text = String::new();
    let mut top_text = String::new();
    let mut saw_element = false;
    loop {
        let event = reader.read_event().map_err(|e| format!("quick-xml: {e} at {}", reader.error_position()))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                saw_element = true;
                let name = e.name().as_ref().to_owned();
                match name.as_str() {
                    "group" => counts.groups += 1,
                    "step" => counts.steps += 1,
                    "subtasksequence" => counts.subs += 1,
                    "PROPERTY" if stack.len() == 1 && stack.first().is_some_and(|r| r == "INSTANCE") => {
                        let n = e.try_get_attribute("NAME").map_err(|e| e.to_string())?;
                        in_sequence_property = n.is_some_and(|a| &*a.value == "Sequence");
                    }
                    _ => {}
                }
                if matches!(event, Event::Start(_)) {
                    stack.push(name);
                }
            }
            Event::End(_) => {
                let closed = stack.pop();
                if closed.as_deref() == Some("PROPERTY") && stack.len() == 1 {
                    in_sequence_property = false;
                }
            }
            Event::CData(ref c) if in_sequence_property && stack.last().is_some_and(|n| n == "VALUE") => {
                sequence_text.push_str(c.as_ref());
            }
            Event::Text(ref t) => {
                let raw: &str = t.as_ref();
                if in_sequence_property && stack.last().is_some_and(|n| n == "VALUE") {
                    sequence_text.push_str(&quick_xml::escape::unescape(raw).map_err(|e| e.to_string())?);
                } else if stack.is_empty() {
                    top_text.push_str(raw);
                }
            }
            Event::GeneralRef(ref r) => {
                let raw = format!("&{};", AsRef::<str>::as_ref(&**r));
                if in_sequence_property && stack.last().is_some_and(|n| n == "VALUE") {
                    sequence_text.push_str(&quick_xml::escape::unescape(&raw).map_err(|e| e.to_string())?);
                } else if stack.is_empty() {
                    top_text.push_str(&raw);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !sequence_text.trim().is_empty() {
        return independent_count(&sequence_text);
    }
    if !saw_element && top_text.contains("&lt;sequence") {
        let unescaped = quick_xml::escape::unescape(&top_text).map_err(|e| e.to_string())?;
        return independent_count(&unescaped);
    }
    Ok(counts)
}

/// Counts from the model, through `Sequence::walk`.
fn model_count(loaded: &Loaded) -> Option<Counts> {
    let ts = loaded.result.as_ref().ok()?;
    let mut c = Counts::default();
    for v in ts.sequence.walk() {
        match v.node.kind {
            NodeKind::Group => c.groups += 1,
            NodeKind::Step => c.steps += 1,
            NodeKind::SubTaskSequence => c.subs += 1,
        }
    }
    Some(c)
}

fn expected_format(column: &str) -> Option<Format> {
    match column {
        "raw-sequence" => Some(Format::RawSequence),
        "mdt-ts" => Some(Format::MdtTs),
        "cm-object-xml" => Some(Format::CmObjectXml),
        "other-wrapper:SmsTaskSequencePackage" => Some(Format::SmsTaskSequencePackage),
        _ => None,
    }
}

/// The dump JSON of a loaded task sequence, without the keys that legitimately differ between an
/// archive member and the same file extracted (`path`, `shipped`).
fn comparable_dump(l: &Loaded) -> Option<serde_json::Value> {
    let ts = l.result.as_ref().ok()?;
    let src = l.source.as_ref()?;
    let mut json = tsq::dump::task_sequence(&l.path, &src.text, ts);
    let obj = json.as_object_mut()?;
    obj.remove("path");
    obj.remove("shipped");
    Some(json)
}

struct Run {
    passed: usize,
    failures: Vec<String>,
}

impl Run {
    fn check(&mut self, what: &str, ok: bool, detail: impl FnOnce() -> String) {
        if ok {
            self.passed += 1;
        } else {
            self.failures.push(format!("{what}: {}", detail()));
        }
    }
}

fn check_file(
    run: &mut Run,
    dir: &Path,
    row: &BTreeMap<String, String>,
    totals: &mut (Counts, Counts, Counts),
    formats: &mut BTreeMap<String, usize>,
) {
    let rel = row["path"].as_str();
    let bytes = match std::fs::read(dir.join(rel)) {
        Ok(b) => b,
        Err(e) => return run.check(rel, false, || format!("cannot read: {e}")),
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let independent = independent_count(&text);
    let loaded = load_bytes(rel, bytes, None);
    let [loaded] = loaded.as_slice() else {
        return run.check(rel, false, || format!("expected one task sequence, got {}", loaded.len()));
    };
    if rel == MALFORMED {
        let Err(problem) = &loaded.result else {
            return run.check(rel, false, || "the malformed file parsed".into());
        };
        let src = loaded.source.as_ref().expect("the malformed file decodes");
        let lc = LineIndex::new(&src.text).line_col(&src.text, problem.span.start);
        let lines: Vec<&str> = src.text.split('\n').collect();
        let line_len = lines.get(lc.line - 1).map_or(0, |l| l.chars().count());
        let sane = lc.line >= 1 && lc.line <= lines.len() && lc.column >= 1 && lc.column <= line_len + 1;
        run.check(rel, problem.rule == "xml-syntax" && sane, || {
            format!(
                "expected an xml-syntax problem at a real position, got {} at {}:{} ({})",
                problem.rule, lc.line, lc.column, problem.message
            )
        });
        println!("  malformed file: {}:{}: {} ({})", lc.line, lc.column, problem.rule, problem.message);
        match independent {
            Ok(c) => {
                totals.1 += c;
                totals.2 = c;
            }
            Err(e) => run.check(rel, false, || format!("the independent counter failed on the unescaped text: {e}")),
        }
        *formats.entry(row["format"].clone()).or_default() += 1;
        return;
    }
    let ts = match &loaded.result {
        Ok(ts) => ts,
        Err(p) => return run.check(rel, false, || format!("does not load: {} {} at byte {}", p.rule, p.message, p.span.start)),
    };
    *formats.entry(row["format"].clone()).or_default() += 1;
    let want = expected_format(&row["format"]);
    run.check(rel, want == Some(ts.format), || format!("format {:?}, manifest says {}", ts.format, row["format"]));
    let version = ts.sequence.version().map(|v| v.raw.as_ref());
    run.check(rel, version == Some(row["sequence_version"].as_str()), || {
        format!("version {version:?}, manifest says {}", row["sequence_version"])
    });
    let model = model_count(loaded).unwrap_or_default();
    match independent {
        Ok(c) => {
            totals.0 += model;
            totals.1 += c;
            run.check(rel, model == c, || format!("model counts {model:?}, independent count {c:?}"));
        }
        Err(e) => run.check(rel, false, || format!("the independent counter failed: {e}")),
    }
}

fn check_zip(run: &mut Run, zips: &Path, corpus: &Path, row: &BTreeMap<String, String>, corpus_rows: &[BTreeMap<String, String>]) {
    let file = row["file"].as_str();
    let bytes = std::fs::read(zips.join(file)).expect("the archive is readable");
    let loaded = load_bytes(file, bytes, None);
    let ok: Vec<&Loaded> = loaded.iter().filter(|l| l.result.is_ok()).collect();
    let [member] = ok.as_slice() else {
        return run.check(file, false, || format!("expected one task sequence, got {} of {} entries", ok.len(), loaded.len()));
    };
    run.check(file, loaded.len() == 1, || format!("{} entries besides the task sequence", loaded.len() - 1));
    let Some(suffix) = member.path.split_once('!').map(|(_, m)| m.replace('\\', "/")) else {
        return run.check(file, false, || format!("member path {} has no `!`", member.path));
    };
    let same_repo = |r: &&BTreeMap<String, String>| r["source_repo"] == row["source_repo"] && r["path"].ends_with(&format!("/{suffix}"));
    let exact = corpus_rows.iter().filter(same_repo).find(|r| r["source_path"].starts_with(&format!("{}!", row["source_path"])));
    let Some(extracted) = exact.or_else(|| corpus_rows.iter().find(same_repo)) else {
        return run.check(file, false, || format!("no extracted copy of {suffix} in the corpus"));
    };
    let bytes = std::fs::read(corpus.join(&extracted["path"])).expect("the extracted file is readable");
    let from_corpus = load_bytes(&extracted["path"], bytes, None);
    let a = comparable_dump(member);
    let b = from_corpus.first().and_then(comparable_dump);
    run.check(file, a.is_some() && a == b, || format!("the archive's sequence differs from {}", extracted["path"]));
    let want: Vec<&str> = SHIPPED.iter().find(|(z, _)| *z == file).map_or(&[][..], |(_, ids)| ids).to_vec();
    let got: Vec<&str> = member.result.as_ref().map(|ts| ts.shipped.iter().map(|s| s.id.as_str()).collect()).unwrap_or_default();
    run.check(file, got == want, || format!("shipped {got:?}, expected {want:?}"));
    println!("  {file}: {} ↔ {} (shipped {got:?})", suffix, extracted["path"]);
}

fn main() -> ExitCode {
    let require = std::env::var("TSQ_REQUIRE_CORPUS").is_ok_and(|v| v == "1");
    let (Some(corpus), Some(zips)) = (shared("corpus"), shared("corpus-zips")) else {
        if require {
            eprintln!("error: ../shared/corpus or ../shared/corpus-zips not found, and TSQ_REQUIRE_CORPUS=1");
            println!("0 passed, 1 failed");
            return ExitCode::FAILURE;
        }
        eprintln!("note: ../shared/corpus or ../shared/corpus-zips not found; skipping the real-world corpus test");
        println!("0 passed, 0 failed (skipped)");
        return ExitCode::SUCCESS;
    };
    let started = std::time::Instant::now();
    let rows = manifest(&corpus);
    let zip_rows = manifest(&zips);
    let mut run = Run { passed: 0, failures: Vec::new() };
    run.check("MANIFEST.tsv", rows.len() == 306, || format!("{} rows, expected 306", rows.len()));
    run.check("corpus-zips/MANIFEST.tsv", zip_rows.len() == 8, || format!("{} rows, expected 8", zip_rows.len()));

    let mut totals = (Counts::default(), Counts::default(), Counts::default());
    let mut formats = BTreeMap::new();
    for row in &rows {
        check_file(&mut run, &corpus, row, &mut totals, &mut formats);
    }
    let (model, independent, malformed) = totals;
    println!("corpus: {} files in {:.2?}", rows.len(), started.elapsed());
    for (f, n) in &formats {
        println!("  {f}: {n}");
    }
    println!("  model:       {} groups, {} steps, {} subtasksequences (malformed file excluded)", model.groups, model.steps, model.subs);
    println!("  independent: {} groups, {} steps, {} subtasksequences", independent.groups, independent.steps, independent.subs);
    println!("  malformed file, unescaped: {} groups, {} steps, {} subtasksequences", malformed.groups, malformed.steps, malformed.subs);
    let mut model_and_malformed = model;
    model_and_malformed += malformed;
    run.check("corpus totals (model + malformed file vs independent)", model_and_malformed == independent, || {
        format!("{model_and_malformed:?} vs {independent:?}")
    });
    let expected = Counts { groups: TOTAL_GROUPS, steps: TOTAL_STEPS, subs: TOTAL_SUBTASKSEQUENCES };
    run.check("corpus totals (independent count vs corpus.md §1)", independent == expected, || {
        format!("{independent:?}, corpus.md says {expected:?}")
    });

    println!("corpus-zips: {} archives", zip_rows.len());
    for row in &zip_rows {
        check_zip(&mut run, &zips, &corpus, row, &rows);
    }

    println!("{} passed, {} failed", run.passed, run.failures.len());
    if run.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("failures:");
        for f in &run.failures {
            eprintln!("  {f}");
        }
        ExitCode::FAILURE
    }
}
