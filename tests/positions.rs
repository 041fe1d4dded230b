//! Exact positions where name lengths, text searches or escaped text used to move them: a
//! non-ASCII namespace prefix, `CLASSNAME=` inside another attribute, an `object.xml` whose
//! `Sequence` is entity-escaped instead of CDATA. Each case is checked in UTF-8 and UTF-16 (where
//! a span ending inside a character made the reported length wrap below zero), through every
//! output format.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use tsq::container::load_bytes;
use tsq::lint::{FileResult, Settings, check};
use tsq::report::{locate, render_concise, render_human, render_json};
use tsq::span::{Span, unescape};

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let bom: [u8; 2] = if big_endian { [0xFE, 0xFF] } else { [0xFF, 0xFE] };
    bom.into_iter().chain(text.encode_utf16().flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() })).collect()
}

/// The file's text in UTF-8, UTF-8 with a BOM, UTF-16LE and UTF-16BE.
fn encodings(text: &str) -> Vec<Vec<u8>> {
    vec![text.as_bytes().to_vec(), [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(), utf16(text, false), utf16(text, true)]
}

/// Check `bytes` and render every format; the rendered output is returned, and every located
/// finding is checked against the bytes on disk.
fn check_all(name: &str, bytes: &[u8]) -> (Vec<FileResult>, String) {
    let settings = Settings::default();
    let results: Vec<FileResult> = load_bytes(name, bytes.to_vec(), None).into_iter().map(|l| check(l, &settings)).collect();
    for r in &results {
        let src = r.source.as_ref().unwrap();
        for (d, l) in r.diagnostics.iter().zip(locate(r)) {
            assert!(
                l.offset + l.length <= bytes.len(),
                "{name}: {} at {}+{} is past the file ({} bytes)",
                d.rule,
                l.offset,
                l.length,
                bytes.len()
            );
            let under = &src.text[d.span.start..d.span.end];
            let units = if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
                2 * under.encode_utf16().count()
            } else {
                under.len()
            };
            assert_eq!(l.length, units, "{name}: {} length of {under:?}", d.rule);
            assert!((l.end_line, l.end_column) >= (l.line, l.column), "{name}: {} ends before it starts", d.rule);
        }
    }
    let mut out = Vec::new();
    render_human(&results, false, 100, &mut out).unwrap();
    render_concise(&results, &mut out).unwrap();
    render_json(&results, &mut out).unwrap();
    (results, String::from_utf8(out).unwrap())
}

/// The text under each finding of `rule`, in every encoding of `text` (the same in all).
fn under(name: &str, text: &str, rule: &str) -> Vec<String> {
    let mut first: Option<Vec<String>> = None;
    for bytes in encodings(text) {
        let (results, _) = check_all(name, &bytes);
        let found: Vec<String> = results
            .iter()
            .flat_map(|r| {
                r.diagnostics
                    .iter()
                    .filter(|d| d.rule == rule)
                    .map(|d| r.source.as_ref().unwrap().text[d.span.start..d.span.end].to_owned())
            })
            .collect();
        match &first {
            Some(f) => assert_eq!(&found, f, "{name}: the same findings in every encoding"),
            None => first = Some(found),
        }
    }
    first.unwrap()
}

#[test]
fn a_non_ascii_prefix_on_the_root_element() {
    assert_eq!(under("root.xml", "<é:foo xmlns:é=\"urn:x\"/>", "unsupported-format"), ["<é:foo"]);
    let wrapper = "<abcdefghié:SmsTaskSequencePackage xmlns:abcdefghié=\"urn:x\"><x/></abcdefghié:SmsTaskSequencePackage>";
    assert_eq!(under("wrapper.xml", wrapper, "unsupported-format"), ["<abcdefghié:SmsTaskSequencePackage"]);
}

#[test]
fn a_non_ascii_prefix_inside_a_condition() {
    let seq = |cond: &str| {
        format!(
            "<sequence version=\"3.10\"><step type=\"SMS_TaskSequence_RunCommandLineAction\" name=\"s\"><condition>{cond}</condition><action>cmd</action></step></sequence>"
        )
    };
    assert_eq!(under("unknown.xml", &seq("<ü:x xmlns:ü=\"urn:x\"/>"), "condition-structure"), ["<ü:x"]);
    // An `<expression>` without `type`: the old span was 11 bytes from the `<`, inside the `é`.
    let untyped = seq("<abcdefghié:expression xmlns:abcdefghié=\"urn:x\"/>");
    assert_eq!(under("untyped.xml", &untyped, "condition-expression"), ["<abcdefghié:expression"]);
}

#[test]
fn classname_is_read_from_its_attribute_not_found_by_text_search() {
    let text = "<INSTANCE NOTE=\"CLASSNAME=ééé\" CLASSNAME = \"SMS_Package\"><PROPERTY NAME=\"x\"><VALUE>1</VALUE></PROPERTY></INSTANCE>";
    assert_eq!(under("object.xml", text, "unsupported-format"), ["SMS_Package"]);
}

/// An `object.xml` whose `Sequence` property holds `seq` entity-escaped (as some Community Hub
/// uploads do) instead of in CDATA.
fn escaped_object_xml(seq: &str) -> String {
    let escaped = seq.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    format!(
        "<INSTANCE CLASSNAME=\"SMS_TaskSequencePackage\">\r\n<PROPERTY NAME=\"Name\" TYPE=\"string\"><VALUE>é</VALUE></PROPERTY>\r\n<PROPERTY NAME=\"Sequence\" TYPE=\"string\"><VALUE>{escaped}</VALUE></PROPERTY>\r\n</INSTANCE>\r\n"
    )
}

const SECRET_STEP: &str = "<step type=\"SMS_TaskSequence_RunCommandLineAction\" name=\"é step\"><action>cmd /c echo &quot;é&quot; &amp;&amp; net use z: \\\\srv\\s /user:dom\\u Sup3r&amp;S3cretValue</action>\
<defaultVarList><variable name=\"CommandLine\" property=\"CommandLine\">cmd /c echo &quot;é&quot; &amp;&amp; net use z: \\\\srv\\s /user:dom\\u Sup3r&amp;S3cretValue</variable>\
<variable name=\"OSDJoinPassword\" property=\"JoinPassword\">&lt;Pa55&amp;W0rdValue</variable></defaultVarList></step>";

#[test]
fn secrets_in_an_escaped_sequence_are_spanned_exactly() {
    let seq = format!("<sequence version=\"3.10\">{SECRET_STEP}</sequence>");
    let cdata = escaped_object_xml("")
        .replace("<VALUE></VALUE></PROPERTY>\r\n</INSTANCE>", &format!("<VALUE><![CDATA[{seq}]]></VALUE></PROPERTY>\r\n</INSTANCE>"));
    for (name, text) in [("raw.xml", seq.clone()), ("cdata.xml", cdata), ("escaped.xml", escaped_object_xml(&seq))] {
        let found = under(name, &text, "plaintext-secret");
        // Decoding the text under each span (twice in the escaped file) gives exactly the secret.
        let decoded: Vec<String> = found
            .iter()
            .map(|s| if name == "escaped.xml" { unescape(&unescape(s)).into_owned() } else { unescape(s).into_owned() })
            .collect();
        assert_eq!(decoded, ["Sup3r&S3cretValue", "<Pa55&W0rdValue"], "{name}: {found:?}");
        for bytes in encodings(&text) {
            let (_, out) = check_all(name, &bytes);
            for part in ["Pa55", "W0rdValue", "Sup3r", "S3cretValue"] {
                assert!(!out.contains(part), "{name}: `{part}` of a secret is shown:\n{out}");
            }
        }
    }
}

#[test]
fn set_dynamic_variables_rules_inside_an_escaped_sequence_point_into_the_file() {
    let rules = "&lt;Rules&gt;&lt;Rule&gt;&lt;/Rules&gt;";
    let seq = format!(
        "<sequence version=\"3.10\"><step type=\"SMS_TaskSequence_SetDynamicVariablesAction\" name=\"é\"><defaultVarList><variable name=\"OSDSetDynamicVariablesRules\" property=\"Rules\">{rules}</variable></defaultVarList></step></sequence>"
    );
    let text = escaped_object_xml(&seq);
    let loaded = load_bytes("object.xml", text.clone().into_bytes(), None).pop().unwrap();
    let ts = loaded.result.as_ref().unwrap();
    let (_, span) = ts.sequence.steps[0].dynamic_rules.as_ref().unwrap().error.clone().expect("the broken rules are recorded");
    assert!(text[span.start..].starts_with("&amp;lt;/Rules&amp;gt;"), "{span:?}: {}", &text[span.start..]);
}

#[test]
fn sub_spans_of_escaped_values_are_exact() {
    let seq = "<sequence version=\"3.10\"><step type=\"SMS_TaskSequence_DownloadPackageContentAction\" name=\"d\"><defaultVarList>\
<variable name=\"OSDDownloadDownloadPackages\" property=\"Packages\">&#233;AB00001,R&amp;D00002,CD000003</variable></defaultVarList></step></sequence>";
    let text = escaped_object_xml(seq);
    let loaded = load_bytes("object.xml", text.clone().into_bytes(), None).pop().unwrap();
    let ts = loaded.result.as_ref().unwrap();
    let value = &ts.sequence.steps[0].variables[0].value;
    let mut at = 0;
    let mut items = Vec::new();
    for part in value.raw.split(',') {
        items.push(&text[value.span_of(at..at + part.len()).clone_range()]);
        at += part.len() + 1;
    }
    assert_eq!(items, ["&amp;#233;AB00001", "R&amp;amp;D00002", "CD000003"]);
    let whole = value.span_of(0..value.raw.len());
    assert_eq!(whole, value.span);
}

trait Range {
    fn clone_range(self) -> std::ops::Range<usize>;
}

impl Range for Span {
    fn clone_range(self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// `dangling-reference` on the items of a list in an escaped `Sequence`: the items are found by
/// `analysis/references.rs`, which maps each item through `Value::span_of`.
#[test]
fn list_items_in_an_escaped_sequence_are_spanned_exactly() {
    let seq = "<sequence version=\"3.10\"><referenceList/><step type=\"SMS_TaskSequence_DownloadPackageContentAction\" name=\"d\"><defaultVarList>\
<variable name=\"OSDDownloadDownloadPackages\" property=\"Packages\">R&amp;D00001,&#233;B00002,CD000003</variable></defaultVarList></step></sequence>";
    let found = under("object.xml", &escaped_object_xml(seq), "dangling-reference");
    assert_eq!(found, ["R&amp;amp;D00001", "&amp;#233;B00002", "CD000003"]);
}
