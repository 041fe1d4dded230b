//! `tsq convert` on the real corpus: dump → convert --to raw gives back the original's model;
//! raw → object-xml → raw (and the 2007 form) gives back the same sequence, and tsq reads the
//! package properties it was given; snapshots of the packages made from an example.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use tsq::container::{Format, TaskSequence, load_bytes};
use tsq::model::Same;

/// Run tsq in process; (exit code, stdout, stderr).
fn tsq(args: &[&str]) -> (u8, Vec<u8>, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut all = vec!["tsq"];
    all.extend_from_slice(args);
    let code = tsq::cli::run(all, &mut out, &mut err);
    (code, out, String::from_utf8_lossy(&err).into_owned())
}

fn load(name: &str, bytes: &[u8]) -> TaskSequence {
    let mut l = load_bytes(name, bytes.to_vec(), None);
    assert_eq!(l.len(), 1, "{name}");
    l.pop().unwrap().result.unwrap_or_else(|p| panic!("{name}: {}", p.message))
}

fn convert(input: &std::path::Path, to: &str, extra: &[&str]) -> Vec<u8> {
    let mut args = vec!["convert", input.to_str().unwrap(), "--to", to];
    args.extend_from_slice(extra);
    let (code, out, err) = tsq(&args);
    assert_eq!(code, 0, "convert {} --to {to}: {err}", input.display());
    out
}

const PROPS: &[&str] = &[
    "--name",
    "Lab & \"Build\" <1>",
    "--description",
    "Made offline",
    "--category",
    "Lab",
    "--boot-image",
    "XYZ00001",
    "--package-id",
    "XYZ00042",
];

#[test]
fn corpus_round_trips_through_json_raw_and_packages() {
    let Some((dir, _)) = support::corpus_or_skip("the convert corpus test") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut n = 0;
    for rel in support::manifest_paths(&dir) {
        let path = dir.join(&rel);
        let bytes = std::fs::read(&path).unwrap();
        let Some(Ok(original)) = load_bytes(&rel, bytes.clone(), None).pop().map(|l| l.result) else { continue };
        n += 1;
        // dump → convert --to raw: the original's model.
        let (code, dump, err) = tsq(&["dump", path.to_str().unwrap()]);
        assert_eq!(code, 0, "{rel}: {err}");
        let json = tmp.path().join("model.json");
        std::fs::write(&json, &dump).unwrap();
        let raw = convert(&json, "raw", &[]);
        let from_json = load("raw.xml", &raw);
        assert_eq!(from_json.format, if original.format == Format::MdtTs { Format::MdtTs } else { Format::RawSequence }, "{rel}");
        assert!(from_json.sequence.same(&original.sequence), "{rel}: dump → raw changed the sequence");
        // The container straight to raw gives the same text as through JSON.
        assert_eq!(convert(&path, "raw", &[]), raw, "{rel}: raw from the file and from its dump differ");
        // raw → object-xml → raw, with the package properties given.
        let raw_file = tmp.path().join("raw.xml");
        std::fs::write(&raw_file, &raw).unwrap();
        let object = convert(&raw_file, "object-xml", PROPS);
        let ts = load("object.xml", &object);
        assert_eq!(ts.format, Format::CmObjectXml);
        assert!(ts.sequence.same(&original.sequence), "{rel}: raw → object-xml changed the sequence");
        let pkg = ts.package.as_ref().unwrap();
        let value = |n: &str| pkg.value(n).map(|v| v.text().into_owned());
        assert_eq!(value("Name").as_deref(), Some("Lab & \"Build\" <1>"));
        assert_eq!(value("Description").as_deref(), Some("Made offline"));
        assert_eq!(value("Category").as_deref(), Some("Lab"));
        assert_eq!(value("BootImageID").as_deref(), Some("XYZ00001"));
        assert_eq!(value("PackageID").as_deref(), Some("XYZ00042"));
        assert_eq!(value("PackageType").as_deref(), Some("4"));
        let refs = pkg.references.as_ref().unwrap();
        assert_eq!(value("ReferencesCount"), Some(refs.len().to_string()));
        assert!(
            refs.iter().any(|r| r.package.as_ref().is_some_and(|p| p.text() == "XYZ00001")),
            "{rel}: the boot image is a package reference"
        );
        // When the sequence's own list is current, the package made from it is consistent:
        // `tsq check` finds nothing wrong with its references.
        if tsq::refs::list_is_current(&original.sequence) {
            let settings = tsq::lint::Settings::default();
            let findings: Vec<String> = load_bytes("object.xml", object.clone(), None)
                .into_iter()
                .flat_map(|l| tsq::lint::check(l, &settings).diagnostics)
                .filter(|d| matches!(d.rule, "references-count" | "unused-reference" | "package-type" | "program-flags"))
                .map(|d| format!("{}: {}", d.rule, d.message))
                .collect();
            assert!(findings.is_empty(), "{rel}: the package made offline has findings: {findings:?}");
        }
        let object_file = tmp.path().join("object.xml");
        std::fs::write(&object_file, &object).unwrap();
        let back = load("back.xml", &convert(&object_file, "raw", &[]));
        assert!(back.sequence.same(&original.sequence), "{rel}: object-xml → raw changed the sequence");
        // The 2007 form.
        let legacy = load("legacy.xml", &convert(&raw_file, "sms-package", PROPS));
        assert_eq!(legacy.format, Format::SmsTaskSequencePackage);
        assert!(legacy.sequence.same(&original.sequence), "{rel}: raw → sms-package changed the sequence");
        assert_eq!(
            legacy.package.as_ref().and_then(|p| p.value("Name")).map(|v| v.text().into_owned()).as_deref(),
            Some("Lab & \"Build\" <1>")
        );
    }
    eprintln!("convert: {n} corpus task sequences round-tripped");
    assert!(n >= 300, "{n}");
}

#[test]
fn packages_made_from_an_example() {
    let root = support::root();
    for (name, to) in [("object-xml", "object-xml"), ("sms-package", "sms-package"), ("raw-from-object-xml", "raw")] {
        let input = if to == "raw" { root.join("examples/export/object.xml") } else { root.join("examples/minified.xml") };
        let out = String::from_utf8(convert(&input, to, &["--name", "Maintenance", "--package-id", "CM100099"])).unwrap();
        insta::with_settings!({ snapshot_path => "../snapshots/convert", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, out);
        });
    }
    // The package made offline passes `tsq check`.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("object.xml");
    let (code, _, err) = tsq(&[
        "convert",
        root.join("examples/minified.xml").to_str().unwrap(),
        "--to",
        "object-xml",
        "--name",
        "M",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = tsq(&["check", "--format", "concise", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&out));
}

#[test]
fn json_edits_must_be_made_in_the_tree() {
    let root = support::root();
    let (_, dump, _) = tsq(&["dump", root.join("examples/minified.xml").to_str().unwrap()]);
    let mut json: serde_json::Value = serde_json::from_slice(&dump).unwrap();
    json[0]["sequence"]["steps"][0]["name"] = "Renamed".into();
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("m.json");
    std::fs::write(&file, serde_json::to_vec(&json).unwrap()).unwrap();
    let (code, _, err) = tsq(&["convert", file.to_str().unwrap(), "--to", "raw"]);
    assert_eq!(code, 2);
    assert!(err.contains("disagree with its `xml` tree"), "{err}");
    // The same edit in the tree converts.
    let attrs = json[0]["sequence"]["xml"]["root"]["children"][0]["attributes"].as_array_mut().unwrap();
    let name = attrs.iter_mut().find(|a| a[0] == "name").unwrap();
    name[1] = "Renamed".into();
    std::fs::write(&file, serde_json::to_vec(&json).unwrap()).unwrap();
    let (code, out, err) = tsq(&["convert", file.to_str().unwrap(), "--to", "raw"]);
    assert_eq!(code, 0, "{err}");
    assert!(String::from_utf8(out).unwrap().contains("name=\"Renamed\""));
    // An old dump without the tree is refused with a clear message.
    json[0]["sequence"].as_object_mut().unwrap().remove("xml");
    std::fs::write(&file, serde_json::to_vec(&json).unwrap()).unwrap();
    let (code, _, err) = tsq(&["convert", file.to_str().unwrap(), "--to", "raw"]);
    assert_eq!(code, 2);
    assert!(err.contains("no `sequence.xml` tree"), "{err}");
}

/// Found by the convert invariant of the mutation test (`tests/support/invariants.rs`): the dump
/// of a deeply nested sequence (a condition 200 levels deep) did not read back, because JSON was
/// read with `serde_json`'s default limit of 128 levels; a JSON model nested far deeper than any
/// sequence can be is refused with a message, not a stack overflow.
#[test]
fn deeply_nested_dumps_convert_back() {
    let example = std::fs::read_to_string(support::root().join("examples/raw-sequence.xml")).unwrap();
    let at = example.find("<step ").unwrap();
    let condition = format!(
        "<condition>{}<expression type=\"SMS_TaskSequence_VariableConditionExpression\"><variable name=\"Operator\">equals</variable><variable name=\"Value\">1</variable><variable name=\"Variable\">X</variable></expression>{}</condition>",
        "<operator type=\"and\">".repeat(200),
        "</operator>".repeat(200)
    );
    let step_end = at + example[at..].find('>').unwrap() + 1;
    let deep = format!("{}{condition}{}", &example[..step_end], &example[step_end..]);
    let original = load("deep.xml", deep.as_bytes());
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("deep.xml");
    std::fs::write(&path, &deep).unwrap();
    let (code, dump, err) = tsq(&["dump", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let json = tmp.path().join("model.json");
    std::fs::write(&json, &dump).unwrap();
    let raw = convert(&json, "raw", &[]);
    assert!(load("raw.xml", &raw).sequence.same(&original.sequence), "dump → raw changed the sequence");
    support::invariants::check_convert("deep.xml", deep.as_bytes()).unwrap();
    std::fs::write(&json, format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))).unwrap();
    let (code, _, err) = tsq(&["convert", json.to_str().unwrap(), "--to", "raw"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("nests more than"), "{err}");
}

/// Found by the convert invariant of the mutation test: names lost their namespace prefix and
/// the namespace declarations were dropped, so a step with `a:name="x" xmlns:a="urn:a"` beside its
/// `name` converted to a file with `name` twice.
#[test]
fn namespaced_names_keep_their_prefix() {
    let example = std::fs::read_to_string(support::root().join("examples/raw-sequence.xml")).unwrap();
    let at = example.find("<step ").unwrap() + "<step".len();
    let odd = format!("{} a:name=\"x\" xmlns:a=\"urn:a\"{}", &example[..at], &example[at..]);
    let original = load("odd.xml", odd.as_bytes());
    support::invariants::check_convert("odd.xml", odd.as_bytes()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("odd.xml");
    std::fs::write(&path, &odd).unwrap();
    let object = convert(&path, "object-xml", &[]);
    let text = String::from_utf8(object.clone()).unwrap();
    assert!(text.contains("a:name=\"x\"") && text.contains("xmlns:a=\"urn:a\""), "{text}");
    assert!(load("object.xml", &object).sequence.same(&original.sequence));
}

/// Found by the `convert` fuzz target: a value holding markup (`<action>a<x/></action>`) was
/// rebuilt as `a<x />`, another raw value, so the conversion failed its own verification.
#[test]
fn values_holding_markup_convert_as_written() {
    let example = std::fs::read_to_string(support::root().join("examples/raw-sequence.xml")).unwrap();
    let at = example.find("<step ").unwrap();
    let step = r#"<step type="SMS_TaskSequence_RunCommandLineAction" name="odd"><action>a<x y="1"/>
b<!-- c --></action><defaultVarList><variable name="CommandLine" property="CommandLine">d<e/></variable></defaultVarList></step>"#;
    let odd = format!("{}{step}{}", &example[..at], &example[at..]);
    let original = load("odd.xml", odd.as_bytes());
    support::invariants::check_convert("odd.xml", odd.as_bytes()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("odd.xml");
    std::fs::write(&path, &odd).unwrap();
    let raw = convert(&path, "raw", &[]);
    assert!(String::from_utf8_lossy(&raw).contains("<action>a<x y=\"1\"/>\nb<!-- c --></action>"));
    assert!(load("raw.xml", &raw).sequence.same(&original.sequence));
}

/// Found by the `convert` fuzz target: roxmltree reads `<?xml</version="1.0"?>` (or `<?xml?>`)
/// as a processing instruction named `xml`, so the file loaded without a finding while its
/// conversion could not be read back. XML reserves the name: the loader now reports it where it
/// is, as xmllint does, and no command goes on to write such a file.
#[test]
fn a_processing_instruction_named_xml_is_a_syntax_error() {
    let example = std::fs::read_to_string(support::root().join("examples/raw-sequence.xml")).unwrap();
    let body = example.find("<sequence").map(|at| &example[at..]).unwrap();
    for head in ["<?xml</version=\"1.0\"?>\n", "<?XML?>\n"] {
        let odd = format!("{head}{body}");
        support::invariants::check_convert("odd.xml", odd.as_bytes()).unwrap();
        let loaded = tsq::container::load_bytes("odd.xml", odd.into_bytes(), None);
        let problem = loaded[0].result.as_ref().unwrap_err();
        assert_eq!(problem.rule.name, "xml-syntax");
        assert_eq!((problem.span.start, problem.span.end), (0, 5), "{}", problem.message);
    }
}
