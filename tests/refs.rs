//! `tsq refs`: snapshots of the table and the JSON on the examples, and `refs --write` on the real
//! corpus: a sequence whose `<referenceList>` was emptied gets back the list it had, for every
//! corpus file whose list is consistent with its steps.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use std::collections::BTreeSet;
use std::process::Command;
use tsq::container::{TaskSequence, load_bytes};
use tsq::model::Same;

/// Run the `tsq` binary from the project root; (exit code, stdout, stderr).
fn tsq(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tsq")).current_dir(support::root()).args(args).env("NO_COLOR", "1").output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

const EXAMPLES: &[(&str, &str)] = &[
    ("raw-sequence", "examples/raw-sequence.xml"),
    ("minified", "examples/minified.xml"),
    ("mdt-ts", "examples/mdt/Control/WIN11/ts.xml"),
    ("object-xml", "examples/export/object.xml"),
    ("sms-task-sequence-package", "examples/legacy/SmsTaskSequencePackage.xml"),
    ("export-zip", "examples/export.zip"),
];

#[test]
fn refs_snapshots() {
    for &(name, path) in EXAMPLES {
        for format in ["human", "json"] {
            let (code, out, err) = tsq(&["refs", "--format", format, path]);
            assert_eq!(code, 0, "tsq refs {path}: {err}");
            insta::with_settings!({
                snapshot_path => "../snapshots/refs",
                prepend_module_to_snapshot => false,
                input_file => path,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(format!("{name}-{format}"), out);
            });
        }
    }
}

#[test]
fn inventory_and_shipped_columns() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inv.txt");
    std::fs::write(&inv, "CM100031\n").unwrap();
    let (code, out, err) = tsq(&["refs", "--format", "json", "--inventory", inv.to_str().unwrap(), "examples/export.zip"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let refs = json[0]["references"].as_array().unwrap();
    let tools = refs.iter().find(|r| r["id"] == "CM100031").unwrap();
    assert_eq!((tools["shipped"].as_bool(), tools["inventory"].as_bool()), (Some(true), Some(true)));
    assert!(refs.iter().filter(|r| r["id"] != "CM100031").all(|r| r["inventory"] == false), "{out}");
    assert!(tools["uses"][0]["number"].is_u64() && tools["uses"][0]["step"].is_string());
}

/// The `<referenceList>` entries as comparable strings.
fn entries(ts: &TaskSequence) -> Vec<String> {
    ts.sequence
        .references
        .iter()
        .map(|r| r.attrs.0.iter().map(|a| format!("{}={}", a.name, a.value.text().to_uppercase())).collect::<Vec<_>>().join(" "))
        .collect()
}

fn computed(ts: &TaskSequence) -> BTreeSet<String> {
    tsq::refs::reference_list(&ts.sequence)
        .iter()
        .map(|e| {
            let attr = if e.application { "application" } else { "package" };
            let program = e.program.as_ref().map(|p| format!(" program={}", p.to_uppercase())).unwrap_or_default();
            format!("{attr}={}{program}", e.id.to_uppercase())
        })
        .collect()
}

/// Whether the package's `References` (if any) are what the steps and the boot image give.
fn package_current(ts: &TaskSequence) -> bool {
    let Some(pkg) = &ts.package else { return true };
    let Some(have) = &pkg.references else { return true };
    let boot = pkg.value("BootImageID").map(|v| v.text().into_owned());
    let want = tsq::refs::package_references(&ts.sequence, boot.as_deref());
    let t = |v: &Option<tsq::model::Value>| v.as_ref().map(|v| v.text().into_owned()).unwrap_or_default();
    let count_current = pkg.value("ReferencesCount").is_none_or(|c| c.text().trim() == want.len().to_string());
    count_current
        && have.len() == want.len()
        && have.iter().zip(&want).all(|(h, w)| t(&h.package) == w.package && t(&h.program) == w.program && t(&h.kind) == w.kind.to_string())
}

fn load(path: &std::path::Path) -> TaskSequence {
    let bytes = std::fs::read(path).unwrap();
    load_bytes(&path.display().to_string(), bytes, None).pop().unwrap().result.unwrap()
}

#[test]
fn write_restores_emptied_corpus_lists() {
    let Some((dir, _)) = support::corpus_or_skip("the refs --write corpus test") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let (mut restored, mut inconsistent, mut identical) = (0, 0, 0);
    for rel in support::manifest_paths(&dir) {
        let path = dir.join(&rel);
        let original_bytes = std::fs::read(&path).unwrap();
        let Some(Ok(ts)) = load_bytes(&rel, original_bytes.clone(), None).pop().map(|l| l.result) else { continue };
        let Some(list) = ts.sequence.reference_list else { continue };
        // Consistent: the list holds exactly what the enabled steps use (in any order).
        if entries(&ts).into_iter().collect::<BTreeSet<_>>() != computed(&ts) || ts.sequence.references.is_empty() {
            inconsistent += 1;
            continue;
        }
        let text = String::from_utf8(original_bytes.clone()).unwrap();
        for (variant, emptied) in [("empty", "<referenceList></referenceList>"), ("self-closing", "<referenceList/>")] {
            let mutated = format!("{}{emptied}{}", &text[..list.start], &text[list.end..]);
            let file = tmp.path().join(format!("{restored}-{variant}.xml"));
            std::fs::write(&file, &mutated).unwrap();
            assert!(load(&file).sequence.references.is_empty());
            let (code, _, err) = tsq(&["refs", "--write", file.to_str().unwrap()]);
            assert_eq!(code, 0, "{rel}: {err}");
            let back = load(&file);
            assert_eq!(entries(&back), entries(&ts), "{rel} ({variant}): the list is not restored in order");
            assert!(back.sequence.same(&ts.sequence), "{rel} ({variant}): the sequence differs from the original");
            // Where the package's References were already what the steps give, the whole file's
            // model is the original's.
            if package_current(&ts) {
                assert!(back.same(&ts), "{rel} ({variant}): the task sequence differs from the original");
            }
            if std::fs::read(&file).unwrap() == original_bytes {
                identical += 1;
            }
        }
        restored += 1;
    }
    eprintln!(
        "refs --write: {restored} corpus lists restored ({identical} of {} rewrites byte-identical); {inconsistent} lists inconsistent with their steps",
        restored * 2
    );
    assert!(restored >= 25, "most corpus lists are consistent ({restored} restored)");
}

#[test]
fn write_refuses_archive_members_and_prints_stdin() {
    let (code, _, err) = tsq(&["refs", "--write", "examples/export.zip"]);
    assert_eq!(code, 2);
    assert!(err.contains("archive members are not rewritten"), "{err}");
    let text = "<sequence version=\"3.10\"><step type=\"SMS_TaskSequence_RunCommandLineAction\" name=\"a\"><defaultVarList><variable name=\"PackageID\" property=\"PackageID\">CM100031</variable></defaultVarList></step></sequence>";
    let mut child = Command::new(env!("CARGO_BIN_EXE_tsq"))
        .args(["refs", "--write", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let written = String::from_utf8(out.stdout).unwrap();
    assert!(
        written.starts_with("<sequence version=\"3.10\"><referenceList><reference package=\"CM100031\" /></referenceList><step"),
        "{written}"
    );
}

#[test]
fn walks_honour_exclude() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("old")).unwrap();
    let example = std::fs::read(support::root().join("examples/raw-sequence.xml")).unwrap();
    std::fs::write(dir.path().join("a.xml"), &example).unwrap();
    std::fs::write(dir.path().join("old/b.xml"), &example).unwrap();
    std::fs::write(dir.path().join("tsq.toml"), "exclude = [\"old/**\"]\n").unwrap();
    let (code, out, err) = tsq(&["refs", "--write", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert_ne!(std::fs::read(dir.path().join("a.xml")).unwrap(), example, "the walked file is rewritten");
    assert_eq!(std::fs::read(dir.path().join("old/b.xml")).unwrap(), example, "the excluded file is left alone");
}
