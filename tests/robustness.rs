//! Hostile and broken input: truncation at every byte, re-encoded copies, deep nesting, entity
//! expansion, external entities and odd archives. Nothing may panic, overflow the stack, expand
//! an entity or read a file the input names.

// Tests may unwrap and index: a panic is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tsq::container::{ARCHIVE_MEMBER_LIMIT, Format, Loaded, Problem, load_bytes};
use tsq::lint::{Settings, check};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn corpus_dir() -> Option<PathBuf> {
    let dir = root().join("../shared/corpus");
    dir.join("MANIFEST.tsv").is_file().then_some(dir)
}

/// Every `.xml` and `.zip` under `dir`, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    support::files_with(dir, &["xml", "zip"])
}

/// The whole pipeline: load, then lint with the default settings.
fn pipeline(path: &str, bytes: &[u8]) {
    let settings = Settings::default();
    for loaded in load_bytes(path, bytes.to_vec(), None) {
        let _ = check(loaded, &settings);
    }
}

/// Run the pipeline on the prefixes `bytes[..n]` for n = 0, step, 2·step, …, and the whole file,
/// on two threads (the machine has two cores).
fn truncations(path: &str, bytes: &[u8], step: usize) {
    const THREADS: usize = 2;
    std::thread::scope(|s| {
        for t in 0..THREADS {
            s.spawn(move || {
                let mut cut = t * step;
                while cut <= bytes.len() {
                    let prefix = &bytes[..cut];
                    let r = std::panic::catch_unwind(|| pipeline(path, prefix));
                    assert!(r.is_ok(), "{path}: panic on the first {cut} of {} bytes", bytes.len());
                    cut += THREADS * step;
                }
            });
        }
    });
    pipeline(path, bytes);
}

/// The project's own examples and fixtures, each cut at every byte offset.
#[test]
fn no_panic_on_any_truncation_of_examples_and_fixtures() {
    let mut files = files_under(&root().join("examples"));
    files.extend(files_under(&root().join("tests/fixtures")));
    assert!(files.len() >= 20, "examples and fixtures found: {}", files.len());
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        truncations(&f.to_string_lossy(), &bytes, 1);
    }
}

/// A sample of about 40 corpus files, cut at every Nth byte (about 60 cuts per file).
#[test]
fn no_panic_on_truncated_corpus_sample() {
    let Some(dir) = corpus_dir() else {
        assert_ne!(std::env::var("TSQ_REQUIRE_CORPUS").as_deref(), Ok("1"), "../shared/corpus not found, and TSQ_REQUIRE_CORPUS=1");
        eprintln!("note: ../shared/corpus not found; skipping the corpus truncation sample");
        return;
    };
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let mut rows: Vec<(usize, String)> = manifest
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            Some((cols.get(5)?.parse().ok()?, (*cols.first()?).to_owned()))
        })
        .collect();
    rows.sort();
    // Every 8th file by size, from the smallest to the largest: about 40 files of every shape.
    let sample: Vec<&(usize, String)> = rows.iter().step_by(8).chain(rows.last()).collect();
    assert!(sample.len() >= 38);
    for (len, rel) in sample {
        let bytes = std::fs::read(dir.join(rel)).unwrap();
        // Big files get fewer cuts: the total stays a few seconds in a debug build.
        let cuts = if *len > 1_000_000 { 8 } else { 60 };
        truncations(rel, &bytes, (len / cuts).max(1));
    }
}

fn dump_without(loaded: &Loaded, skip: &[&str]) -> serde_json::Value {
    let ts = loaded.result.as_ref().unwrap_or_else(|p| panic!("{}: {p:?}", loaded.path));
    let src = loaded.source.as_ref().unwrap();
    let mut json = tsq::dump::task_sequence(&loaded.path, &src.text, ts);
    for k in skip {
        json.as_object_mut().unwrap().remove(*k);
    }
    json
}

fn load_one(path: &str, bytes: Vec<u8>) -> Loaded {
    let mut all = load_bytes(path, bytes, None);
    assert_eq!(all.len(), 1, "{path}: one entry");
    all.pop().unwrap()
}

#[test]
fn re_encoded_copies_give_the_same_dump() {
    let bytes = std::fs::read(root().join("tests/fixtures/encoding/utf8.xml")).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let original = dump_without(&load_one("x.xml", bytes), &["encoding"]);
    let utf8_bom: Vec<u8> = [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat();
    let utf16le: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let utf16be: Vec<u8> = [0xFE, 0xFF].into_iter().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect();
    for (label, copy) in [("UTF-8", utf8_bom), ("UTF-16LE", utf16le), ("UTF-16BE", utf16be)] {
        let loaded = load_one("x.xml", copy.clone());
        assert_eq!(loaded.result.as_ref().unwrap().encoding.label(), label);
        assert_eq!(dump_without(&loaded, &["encoding"]), original, "{label} copy");
        // An unchanged write gives the same bytes back.
        let src = loaded.source.as_ref().unwrap();
        assert_eq!(src.encode(&src.text), copy, "{label} copy round trip");
    }
}

#[test]
fn declared_utf16_over_utf8_bytes_loads() {
    let bytes = std::fs::read(root().join("tests/fixtures/encoding/declared-utf16-but-utf8.xml")).unwrap();
    let loaded = load_one("declared-utf16-but-utf8.xml", bytes);
    let ts = loaded.result.as_ref().expect("a wrong declaration is a finding for a rule, not a load failure");
    assert_eq!(ts.declared_encoding.as_ref().map(|v| v.raw.to_ascii_lowercase()), Some("utf-16".to_owned()));
    assert!(!ts.sequence.steps.is_empty());
    let _ = check(loaded, &Settings::default());
}

fn nested_groups(depth: usize) -> String {
    let mut s = String::with_capacity(depth * 40);
    s.push_str("<sequence version=\"3.10\">");
    for i in 0..depth {
        s.push_str(&format!("<group name=\"g{i}\">"));
    }
    s.push_str("<step type=\"SMS_TaskSequence_RunCommandLineAction\" name=\"deep\" successCodeList=\"0\"><action>cmd.exe</action></step>");
    for _ in 0..depth {
        s.push_str("</group>");
    }
    s.push_str("</sequence>");
    s
}

fn problem(loaded: &Loaded) -> &Problem {
    loaded.result.as_ref().err().unwrap_or_else(|| panic!("{}: expected a problem", loaded.path))
}

#[test]
fn deep_nesting_is_a_clean_error_on_a_small_stack() {
    let text = nested_groups(100_000);
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let loaded = load_one("deep.xml", text.into_bytes());
            let p = problem(&loaded).clone();
            let result = check(loaded, &Settings::default());
            (p, result.diagnostics.len())
        })
        .unwrap();
    let (p, diagnostics) = handle.join().expect("no stack overflow, no panic");
    assert_eq!(p.rule, "xml-syntax");
    assert!(p.message.contains("deep") && p.message.contains(&tsq::model::MAX_DEPTH.to_string()), "{}", p.message);
    assert_eq!(diagnostics, 1);
}

#[test]
fn deep_nesting_within_the_limit_loads() {
    let loaded = load_one("deep.xml", nested_groups(200).into_bytes());
    let ts = loaded.result.as_ref().unwrap();
    assert_eq!(ts.sequence.walk().count(), 201);
    let deepest = ts.sequence.walk().last().unwrap();
    assert_eq!(deepest.ancestors.len(), 200);
    let src = loaded.source.as_ref().unwrap();
    let _ = tsq::dump::task_sequence("deep.xml", &src.text, ts);
    let _ = check(loaded, &Settings::default());
}

#[test]
fn billion_laughs_is_refused_without_expansion() {
    let mut dtd = String::from("<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    let mut prev = "lol".to_owned();
    for i in 2..=9 {
        let name = format!("lol{i}");
        dtd.push_str(&format!("<!ENTITY {name} \"{}\">", format!("&{prev};").repeat(10)));
        prev = name;
    }
    dtd.push_str("]>");
    let doc = format!("{dtd}<sequence version=\"3.10\"><group name=\"&lol9;\"/></sequence>");
    let started = Instant::now();
    let loaded = load_one("lolz.xml", doc.into_bytes());
    assert!(started.elapsed() < Duration::from_secs(1), "took {:?}", started.elapsed());
    let p = problem(&loaded);
    assert_eq!(p.rule, "xml-syntax");
    assert!(p.message.to_lowercase().contains("dtd"), "{}", p.message);
    assert_eq!(p.span.start, 0, "the problem points at the DOCTYPE");
}

/// Everything tsq prints for `path` with `check` (every format) and `dump`.
fn all_output(path: &Path) -> String {
    let mut all = String::new();
    let p = path.to_str().unwrap();
    for args in [
        vec!["tsq", "check", p],
        vec!["tsq", "check", "--format", "json", p],
        vec!["tsq", "check", "--format", "concise", p],
        vec!["tsq", "dump", p],
    ] {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let _ = tsq::cli::run(args, &mut out, &mut err);
        all.push_str(&String::from_utf8_lossy(&out));
        all.push_str(&String::from_utf8_lossy(&err));
    }
    all
}

#[test]
fn external_entities_are_never_read() {
    const SECRET: &str = "TSQ-XXE-CANARY-5f1c9e";
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, SECRET).unwrap();
    let url = format!("file://{}", secret.display());
    let cases = [
        (
            "passwd.xml",
            "<!DOCTYPE s [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><sequence version=\"3.10\"><group name=\"&x;\"/></sequence>"
                .to_owned(),
        ),
        ("raw.xml", format!("<!DOCTYPE s [<!ENTITY x SYSTEM \"{url}\">]><sequence version=\"3.10\"><group name=\"&x;\"/></sequence>")),
        (
            "object.xml",
            format!(
                "<!DOCTYPE INSTANCE [<!ENTITY x SYSTEM \"{url}\">]>\r\n<INSTANCE CLASSNAME=\"SMS_TaskSequencePackage\">\r\n<PROPERTY NAME=\"Name\" TYPE=\"string\"><VALUE>&x;</VALUE></PROPERTY>\r\n<PROPERTY NAME=\"Sequence\" TYPE=\"string\"><VALUE><![CDATA[<sequence version=\"3.10\"><group name=\"g\"/></sequence>]]></VALUE></PROPERTY>\r\n</INSTANCE>"
            ),
        ),
        (
            "object-cdata.xml",
            format!(
                "<INSTANCE CLASSNAME=\"SMS_TaskSequencePackage\">\r\n<PROPERTY NAME=\"Sequence\" TYPE=\"string\"><VALUE><![CDATA[<!DOCTYPE s [<!ENTITY x SYSTEM \"{url}\">]><sequence version=\"3.10\"><group name=\"&x;\"/></sequence>]]></VALUE></PROPERTY>\r\n</INSTANCE>"
            ),
        ),
    ];
    for (name, doc) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, &doc).unwrap();
        let loaded = load_one(name, doc.clone().into_bytes());
        let p = problem(&loaded);
        assert_eq!(p.rule, "xml-syntax", "{name}: {p:?}");
        if name.starts_with("object") {
            assert_eq!(loaded.result.as_ref().err().map(|_| ()), Some(()));
        }
        let out = all_output(&path);
        assert!(out.contains("xml-syntax"), "{name}: {out}");
        assert!(!out.contains(SECRET), "{name}: the entity's content leaked");
        assert!(!out.contains("root:x:0:0"), "{name}: /etc/passwd leaked");
    }
}

// ---- archives ----------------------------------------------------------------------------------

fn zip_of(members: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(method).large_file(true);
    for (name, data) in members {
        w.start_file(*name, options).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn object_xml() -> Vec<u8> {
    std::fs::read(root().join("examples/export/object.xml")).unwrap()
}

#[test]
fn zip_with_backslash_member_names() {
    let obj = object_xml();
    let zip = zip_of(
        &[
            ("SMS_TaskSequencePackage\\CM100050\\object.xml", &obj),
            (
                "SMS_Package\\CM100031\\object.xml",
                &std::fs::read(root().join("examples/src/export/SMS_Package/CM100031/object.xml.in")).unwrap(),
            ),
        ],
        zip::CompressionMethod::Stored,
    );
    let loaded = load_bytes("bs.zip", zip, None);
    assert_eq!(loaded.len(), 1);
    let ts = loaded[0].result.as_ref().unwrap();
    assert_eq!(ts.format, Format::CmObjectXml);
    assert!(loaded[0].path.starts_with("bs.zip!"), "{}", loaded[0].path);
    assert_eq!(ts.shipped.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["CM100031"]);
}

#[test]
fn zip_with_a_deflated_member_equals_the_plain_file() {
    let obj = object_xml();
    let zip = zip_of(&[("SMS_TaskSequencePackage/CM100050/object.xml", &obj)], zip::CompressionMethod::Deflated);
    let from_zip = load_bytes("d.zip", zip, None);
    assert_eq!(from_zip.len(), 1);
    let plain = load_one("object.xml", obj);
    assert_eq!(dump_without(&from_zip[0], &["path"]), dump_without(&plain, &["path"]));
}

#[test]
fn zip_without_a_task_sequence_is_unsupported() {
    let zip = zip_of(
        &[("readme.txt", b"hello"), ("SMS_Package/CM100031/object.xml", b"<INSTANCE CLASSNAME=\"SMS_Package\"/>")],
        zip::CompressionMethod::Deflated,
    );
    let loaded = load_bytes("none.zip", zip, None);
    assert_eq!(loaded.len(), 1);
    assert_eq!(problem(&loaded[0]).rule, "unsupported-format");
    let r = check(loaded.into_iter().next().unwrap(), &Settings::default());
    assert_eq!(r.diagnostics.iter().map(|d| d.rule).collect::<Vec<_>>(), ["unsupported-format"]);
}

#[test]
fn truncated_and_garbage_zips_do_not_panic() {
    let zip = zip_of(&[("SMS_TaskSequencePackage/CM100050/object.xml", &object_xml())], zip::CompressionMethod::Deflated);
    // Corrupt the deflated data in the middle: a clean error, no panic.
    let mut bad = zip.clone();
    let mid = bad.len() / 2;
    for b in &mut bad[mid..mid + 64] {
        *b ^= 0x5A;
    }
    for l in load_bytes("bad.zip", bad, None) {
        let _ = check(l, &Settings::default());
    }
    truncations("t.zip", &zip, 97);
}

/// A member whose size is over [`ARCHIVE_MEMBER_LIMIT`] is refused without being inflated: the
/// archive itself is small (zeros deflate about 1000:1).
#[test]
fn oversized_zip_member_is_bounded() {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    w.start_file("SMS_TaskSequencePackage/CM100099/object.xml", options).unwrap();
    let chunk = vec![b' '; 1 << 20];
    let total = ARCHIVE_MEMBER_LIMIT + (1 << 20);
    let mut written = 0;
    while written < total {
        w.write_all(&chunk).unwrap();
        written += chunk.len() as u64;
    }
    let zip = w.finish().unwrap().into_inner();
    assert!(zip.len() < 4 << 20, "the bomb is small: {} bytes", zip.len());
    let started = Instant::now();
    let loaded = load_bytes("bomb.zip", zip, None);
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert_eq!(loaded.len(), 1);
    let p = problem(&loaded[0]);
    assert!(p.message.contains("larger than"), "{}", p.message);
}

// ---- well-formedness of the CIM-XML wrapper (read by quick-xml, not roxmltree) -----------------

/// Each case is an `object.xml` that is not well-formed; it must be an `xml-syntax` problem that
/// points at the fault, never a loaded task sequence.
#[test]
fn malformed_object_xml_is_an_xml_syntax_problem() {
    let seq = "<![CDATA[<sequence version=\"3.10\"><group name=\"g\"/></sequence>]]>";
    let wrap = |before: &str, after: &str| {
        format!(
            "<INSTANCE CLASSNAME=\"SMS_TaskSequencePackage\"{before}><PROPERTY NAME=\"Sequence\"><VALUE>{seq}</VALUE></PROPERTY></INSTANCE>{after}"
        )
    };
    let cases = [
        ("undefined entity", wrap("><PROPERTY NAME=\"Name\"><VALUE>&bogus;</VALUE></PROPERTY", ""), "&bogus;"),
        ("duplicate attribute", wrap(" CLASSNAME=\"x\"", ""), "CLASSNAME=\"x\""),
        ("unquoted attribute", wrap("><PROPERTY NAME=Name><VALUE>x</VALUE></PROPERTY", ""), "Name>"),
        ("text after the root", wrap("", "garbage"), "garbage"),
        ("second root", wrap("", "<INSTANCE/>"), "<INSTANCE/>"),
        ("CDATA after the root", wrap("", "<![CDATA[x]]>"), "<![CDATA[x]]>"),
    ];
    for (what, doc, at) in cases {
        let loaded = load_one("object.xml", doc.clone().into_bytes());
        let p = problem(&loaded);
        assert_eq!(p.rule, "xml-syntax", "{what}: {p:?}");
        let want = doc.rfind(at).unwrap();
        assert!(p.span.start >= want.saturating_sub(60) && p.span.start <= want + at.len(), "{what}: {p:?} should point near byte {want}");
    }
    // Predefined entities and character references stay fine.
    let ok = wrap("><PROPERTY NAME=\"Name\"><VALUE>a &amp; b &#233; &#x41;</VALUE></PROPERTY", "\r\n");
    assert!(load_one("object.xml", ok.into_bytes()).result.is_ok());
}

/// A broken Set Dynamic Variables document is recorded on the step (the sequence still loads),
/// with a message that carries no position of the unescaped text and a span in the file.
#[test]
fn broken_dynamic_rules_point_into_the_file() {
    let doc = "<sequence version=\"3.10\"><step type=\"SMS_TaskSequence_SetDynamicVariablesAction\" name=\"d\"><defaultVarList><variable name=\"OSDSetDynamicVariablesRules\" property=\"Rules\">&lt;Rules&gt;&lt;Rule&gt;&lt;/Rules&gt;</variable></defaultVarList></step></sequence>";
    let loaded = load_one("dyn.xml", doc.as_bytes().to_vec());
    let ts = loaded.result.as_ref().unwrap();
    let (message, span) = ts.sequence.steps[0].dynamic_rules.as_ref().unwrap().error.clone().expect("the error is recorded");
    assert!(!message.contains(" at 1:"), "{message}");
    assert!(doc[span.start..].starts_with("&lt;/Rules&gt;"), "{message} at {span:?}: {}", &doc[span.start..]);
}
