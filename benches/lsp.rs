//! Re-check latency of `tsq lsp` after an edit: what the server does between a keystroke's
//! `didChange` (once the debounce has passed) and its `publishDiagnostics`: apply the ranged
//! edit, index the lines, run the engine through the workspace with the configuration that
//! applies, and convert the findings to UTF-16 ranges. Inputs: a real 104 KB object.xml, a 1 MB
//! sequence made of a real MDT template's groups repeated, and a real 1.5 MB object.xml (both
//! read in place from `../shared/corpus`; the bench is skipped when it is absent). Beside each,
//! `engine-only` runs `Workspace::check_text` alone on the same text.
//!
//! Run: `cargo bench --bench lsp` (add `-- --quick` for a short run).

// A bench may unwrap: a failure is a broken bench.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use criterion::Criterion;
use lsp_types::{Position, Range, TextDocumentContentChangeEvent};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use tsq::lsp::checker::findings;
use tsq::lsp::diagnostics::RuleDocs;
use tsq::lsp::documents::Document;
use tsq::lsp::position::PositionEncoding;
use tsq::workspace::{Options, Workspace};

/// The allocator the `tsq` binary uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const OBJECT_100K: &str = "gwblok-garytown/OSD/ModelSupportTS-CM2103.zip.extracted/SMS_TaskSequencePackage/PS2009DD/object.xml";
const OBJECT_1500K: &str =
    "2pintsoftware-ConfigMgr/Task Sequences/Module- Provision BitLocker.zip.extracted/SMS_TaskSequencePackage/PS100136/object.xml";
const MDT: &str = "LipkeGu-MDT2013/Templates/custom_client_ts_001.xml";

/// A sequence of at least `size` bytes: the MDT template's groups repeated.
fn grown(corpus: &Path, size: usize) -> String {
    let text = std::fs::read_to_string(corpus.join(MDT)).unwrap();
    let (a, b) = (text.find("<group").unwrap(), text.rfind("</group>").unwrap() + "</group>".len());
    let mut out = String::from("<sequence version=\"3.10\">\n");
    while out.len() < size {
        out.push_str(&text[a..b]);
        out.push('\n');
    }
    out.push_str("</sequence>\n");
    out
}

/// The position just after the first `name="` of the first step, where the edit types.
fn edit_point(doc: &Document) -> Position {
    let at = doc.text.find("<step").unwrap();
    let at = at + doc.text[at..].find("name=\"").unwrap() + "name=\"".len();
    let line = doc.text[..at].matches('\n').count();
    let col = doc.text[..at].rsplit('\n').next().unwrap().encode_utf16().count();
    Position::new(u32::try_from(line).unwrap(), u32::try_from(col).unwrap())
}

fn main() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.join("MANIFEST.tsv").is_file() {
        eprintln!("note: ../shared/corpus not found; skipping the lsp bench");
        return;
    }
    let inputs = [
        ("object-xml-104KB", std::fs::read_to_string(corpus.join(OBJECT_100K)).unwrap()),
        ("mdt-groups-1MB", grown(&corpus, 1 << 20)),
        ("object-xml-1.5MB", std::fs::read_to_string(corpus.join(OBJECT_1500K)).unwrap()),
    ];
    let workspace = Workspace::new(Options::default());
    let docs = RuleDocs::new(None);
    let enc = PositionEncoding::Utf16;
    let mut c = Criterion::default().configure_from_args();
    for (name, text) in inputs {
        // The document's path is beside the corpus file, so configuration discovery runs as it
        // would for an open file (and is cached after the first check, as in the server).
        let path = corpus.join("bench.xml");
        let mut doc = Document::new(path.clone(), 1, text);
        let at = edit_point(&doc);
        let mut typed = false;
        c.bench_function(&format!("recheck-after-edit/{name}"), |b| {
            b.iter(|| {
                // Type a character into a step's name, or delete it again.
                let range = if typed { Range::new(at, Position::new(at.line, at.character + 1)) } else { Range::new(at, at) };
                let text = if typed { String::new() } else { "x".to_owned() };
                typed = !typed;
                let change = TextDocumentContentChangeEvent { range: Some(range), range_length: None, text };
                doc.apply(doc.version + 1, vec![change], enc);
                let found = findings(&workspace, &doc.path, &doc.text, &doc.index, enc, &docs).unwrap();
                black_box(found.diagnostics.len())
            });
        });
        // The engine alone on the same text, for the server's share of the latency.
        c.bench_function(&format!("engine-only/{name}"), |b| {
            b.iter(|| black_box(workspace.check_text(&doc.path, &doc.text).unwrap().len()));
        });
    }
    c.final_summary();
}
