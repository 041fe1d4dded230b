//! `tsq fmt` and the preserving writer over the examples and fixtures: snapshots of the canonical
//! layout (`snapshots/format/`), the round-trip invariants, and the command line.

// Test code may unwrap and index (clippy.toml allows it only inside `#[test]` functions).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use std::path::{Path, PathBuf};
use tsq::container::parse;
use tsq::model::Same;
use tsq::source::{Encoding, SourceFile};
use tsq::writer::{FormatError, format, write_preserving};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The examples, with their snapshot names.
const EXAMPLES: [(&str, &str); 5] = [
    ("examples/raw-sequence.xml", "example-raw-sequence"),
    ("examples/minified.xml", "example-minified"),
    ("examples/mdt/Control/WIN11/ts.xml", "example-mdt-ts"),
    ("examples/export/object.xml", "example-object-xml"),
    ("examples/legacy/SmsTaskSequencePackage.xml", "example-sms-task-sequence-package"),
];

/// The `*.xml` files of a fixture directory, sorted.
fn fixtures(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures").join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    files
}

/// Every example and fixture file.
fn all_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = EXAMPLES.iter().map(|(p, _)| root().join(p)).collect();
    files.extend(fixtures("quirks"));
    files.extend(fixtures("encoding"));
    files
}

fn read(path: &Path) -> (Vec<u8>, Option<SourceFile>) {
    let bytes = std::fs::read(path).unwrap();
    let source = SourceFile::decode(path.display().to_string(), bytes.clone()).ok();
    (bytes, source)
}

fn snapshot(name: &str, source: &SourceFile, text: &str) {
    let endings = if text.contains("\r\n") { "CRLF" } else { "LF" };
    let last = if text.ends_with('\n') { "final newline" } else { "no final newline" };
    let value = format!(
        "{}{}, {endings}, {last}\n---\n{}",
        source.encoding.label(),
        if source.bom { "+BOM" } else { "" },
        text.replace("\r\n", "\n")
    );
    insta::with_settings!({ snapshot_path => "../snapshots/format", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, value);
    });
}

#[test]
fn examples_and_quirks_format_to_snapshots() {
    let quirks = fixtures("quirks");
    let named = EXAMPLES.iter().map(|(p, n)| (root().join(p), (*n).to_owned()));
    let quirks = quirks.iter().map(|p| (p.clone(), format!("quirk-{}", p.file_stem().unwrap().to_string_lossy())));
    for (path, name) in named.chain(quirks) {
        let (_, source) = read(&path);
        let source = source.unwrap();
        match format(&source) {
            Ok(text) => snapshot(&name, &source, &text),
            Err(FormatError::Syntax(_)) => assert!(name == "quirk-escaped-text", "{name} does not parse"),
            Err(e) => panic!("{name}: {e}"),
        }
    }
}

#[test]
fn fmt_is_idempotent_and_keeps_the_model() {
    let mut formatted = 0;
    for path in all_files() {
        let Some(source) = read(&path).1 else { continue };
        let Ok(ts) = parse(&source, None) else { continue };
        let text = format(&source).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let new = SourceFile { text: text.clone(), ..source.clone() };
        let new_ts = parse(&new, None).unwrap();
        assert!(ts.same(&new_ts), "{}: fmt changes the model", path.display());
        assert_eq!(support::counts(&ts), support::counts(&new_ts), "{}", path.display());
        assert_eq!(format(&new).unwrap(), text, "{} is not idempotent", path.display());
        formatted += 1;
    }
    assert_eq!(formatted, 5 + 8 + 7);
}

#[test]
fn unchanged_write_is_byte_identical() {
    let mut checked = 0;
    for path in all_files() {
        let (bytes, Some(source)) = read(&path) else { continue };
        assert_eq!(write_preserving(&source, &[]).unwrap(), bytes, "{}", path.display());
        checked += 1;
    }
    // All but the two undecodable encoding fixtures.
    assert_eq!(checked, 5 + 9 + 7);
}

#[test]
fn fmt_keeps_utf16_and_the_bom() {
    let minified = std::fs::read_to_string(root().join("examples/minified.xml")).unwrap();
    let want = format(&SourceFile::from_text("m.xml", minified.as_str())).unwrap();
    for (encoding, bom) in [(Encoding::Utf16Le, true), (Encoding::Utf16Be, true), (Encoding::Utf8, true)] {
        let bytes = SourceFile { path: String::new(), text: minified.clone(), encoding, bom }.encode(&minified);
        let source = SourceFile::decode("m.xml", bytes).unwrap();
        let text = format(&source).unwrap();
        assert_eq!(text, want);
        let back = SourceFile::decode("m.xml", source.encode(&text)).unwrap();
        assert_eq!((back.encoding, back.bom, back.text.as_str()), (encoding, bom, want.as_str()));
    }
    for name in ["utf16le-bom.xml", "utf16be-bom.xml"] {
        let (bytes, source) = read(&root().join("tests/fixtures/encoding").join(name));
        let source = source.unwrap();
        assert_eq!(source.encode(&format(&source).unwrap()), bytes, "{name} is canonical already");
    }
}

/// Run tsq in-process: (exit code, stdout, stderr).
fn tsq(args: &[&str]) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = tsq::cli::run(std::iter::once("tsq").chain(args.iter().copied()), &mut out, &mut err);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

fn example(rel: &str) -> String {
    root().join(rel).display().to_string()
}

#[test]
fn check_exit_codes() {
    let canonical = example("examples/raw-sequence.xml");
    let minified = example("examples/minified.xml");
    assert_eq!(tsq(&["fmt", "--check", &canonical]).0, 0);
    assert_eq!(tsq(&["fmt", "--check", &canonical]).1, "");
    let (code, out, err) = tsq(&["fmt", "--check", &canonical, &minified]);
    assert_eq!(code, 1);
    assert_eq!(out, format!("would reformat: {minified}\n"));
    assert!(err.contains("1 file would be reformatted, 1 left unchanged"), "{err}");
    let (code, _, err) = tsq(&["fmt", "--check", &example("examples/export.zip")]);
    assert_eq!(code, 0);
    assert!(err.contains("zip archives are not formatted"), "{err}");
    let (code, _, err) = tsq(&["fmt", "--check", &example("examples/no-such-file.xml")]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-file.xml"), "{err}");
    let (code, _, err) = tsq(&["fmt", "--check", &example("tests/fixtures/quirks/escaped-text.xml")]);
    assert_eq!(code, 1);
    assert!(err.contains("escaped-text.xml:1:1: error[xml-syntax] "), "{err}");
}

#[test]
fn diff_prints_a_unified_diff() {
    let minified = example("examples/minified.xml");
    let (code, out, _) = tsq(&["fmt", "--diff", &minified]);
    assert_eq!(code, 1);
    assert!(out.starts_with(&format!("--- a/{minified}\n+++ b/{minified}\n@@ -1 +1,")), "{out}");
    assert!(out.contains("\n+  <group name=\"Refresh Policies\""), "{out}");
    let (code, out, _) = tsq(&["fmt", "--diff", &example("examples/raw-sequence.xml")]);
    assert_eq!((code, out.as_str()), (0, ""));
}

/// Run the built binary with `stdin`: (exit code, stdout, stderr).
fn tsq_process(args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tsq"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap(), out.stdout, String::from_utf8(out.stderr).unwrap())
}

#[test]
fn stdin_is_formatted_to_stdout() {
    let minified = std::fs::read(root().join("examples/minified.xml")).unwrap();
    let want = format(&SourceFile::decode("-", minified.clone()).unwrap()).unwrap();
    let (code, out, _) = tsq_process(&["fmt", "-"], &minified);
    assert_eq!((code, String::from_utf8(out).unwrap()), (0, want.clone()));
    let (code, out, _) = tsq_process(&["fmt", "--check", "--stdin-filename", "hub/minified.xml", "-"], &minified);
    assert_eq!((code, String::from_utf8(out).unwrap().as_str()), (1, "would reformat: hub/minified.xml\n"));
    // UTF-16 in, UTF-16 out.
    let utf16 = SourceFile { path: String::new(), text: String::new(), encoding: Encoding::Utf16Le, bom: true };
    let (code, out, _) = tsq_process(&["fmt", "-"], &utf16.encode(&String::from_utf8(minified).unwrap()));
    assert_eq!((code, out), (0, utf16.encode(&want)));
    let (code, out, err) = tsq_process(&["fmt", "--stdin-filename", "bad.xml", "-"], b"<sequence><step></sequence>");
    assert_eq!((code, out.len()), (1, 0));
    assert!(err.starts_with("bad.xml:1:"), "{err}");
}

#[test]
fn rewrites_in_place_atomically_and_keeps_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ts.xml");
    let minified = std::fs::read(root().join("examples/minified.xml")).unwrap();
    std::fs::write(&path, &minified).unwrap();
    #[cfg(unix)]
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o640)).unwrap();
    let (code, out, err) = tsq(&["fmt", &dir.path().display().to_string()]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(err.contains("1 file reformatted"), "{err}");
    let want = format(&SourceFile::decode("x", minified).unwrap()).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), want);
    #[cfg(unix)]
    assert_eq!(std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&path).unwrap().permissions()) & 0o777, 0o640);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["ts.xml"], "no temporary file is left behind");
    let (code, _, err) = tsq(&["fmt", "--check", &path.display().to_string()]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn rewrites_utf16_in_place_in_utf16() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ts.xml");
    let minified = std::fs::read_to_string(root().join("examples/minified.xml")).unwrap();
    let be = SourceFile { path: String::new(), text: String::new(), encoding: Encoding::Utf16Be, bom: true };
    std::fs::write(&path, be.encode(&minified)).unwrap();
    assert_eq!(tsq(&["fmt", &path.display().to_string()]).0, 0);
    let want = format(&SourceFile::from_text("x", minified)).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), be.encode(&want));
}

#[test]
fn never_rewrites_a_malformed_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.xml");
    let bytes = b"<sequence version=\"3.10\">\n  <group name=\"a\">\n    <step name=\"b\">\n  </group>\n</sequence>\n";
    std::fs::write(&path, bytes).unwrap();
    let shown = path.display().to_string();
    let (code, out, err) = tsq(&["fmt", &shown]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.starts_with(&format!("{shown}:4:3: error[xml-syntax] ")), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}
