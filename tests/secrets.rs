//! No report ever shows a secret: every corpus file, with secrets injected into its sequence (a
//! secret variable, `net use /user:` in a command line and in the action, with entities in the
//! secrets), as written, with the `object.xml` sequence entity-escaped instead of CDATA, and in
//! UTF-16; plus the corpus's own secret variables. Every output format is rendered and searched.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use std::path::{Path, PathBuf};
use tsq::container::load_bytes;
use tsq::lint::{FileResult, Settings, check};
use tsq::report::{render_concise, render_human, render_json};

/// A step holding two secrets; the `&amp;` and `&lt;` make their raw text longer than the decoded.
const STEP: &str = "<step type=\"SMS_TaskSequence_RunCommandLineAction\" name=\"tsq secret é\">\
<action>cmd /c echo &quot;é&quot; &amp;&amp; net use z: \\\\srv\\s /user:dom\\u Sup3rQz&amp;S3cretQzValue</action>\
<defaultVarList><variable name=\"CommandLine\" property=\"CommandLine\">cmd /c echo &quot;é&quot; &amp;&amp; net use z: \\\\srv\\s /user:dom\\u Sup3rQz&amp;S3cretQzValue</variable>\
<variable name=\"OSDJoinPassword\" property=\"JoinPassword\">&lt;Pa55Qz&amp;W0rdQzValue</variable></defaultVarList></step>";

/// Pieces of the injected secrets: none may appear in any output.
const PIECES: [&str; 4] = ["Sup3rQz", "S3cretQzValue", "Pa55Qz", "W0rdQzValue"];

fn xml_files(dir: &Path) -> Vec<PathBuf> {
    support::files_with(dir, &["xml"])
}

/// Every format's output for `bytes`.
fn outputs(name: &str, bytes: Vec<u8>) -> (Vec<FileResult>, String) {
    let settings = Settings::default();
    let results: Vec<FileResult> = load_bytes(name, bytes, None).into_iter().map(|l| check(l, &settings)).collect();
    let mut out = Vec::new();
    render_human(&results, false, 100, &mut out).unwrap();
    render_concise(&results, &mut out).unwrap();
    render_json(&results, &mut out).unwrap();
    (results, String::from_utf8(out).unwrap())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The variants of a file with the secret step injected before its last `</sequence>`.
fn variants(text: &str) -> Vec<(&'static str, String)> {
    let Some(end) = text.rfind("</sequence>") else { return Vec::new() };
    let injected = format!("{}{STEP}{}", &text[..end], &text[end..]);
    let mut out = vec![("as written", injected.clone())];
    if let (Some(open), Some(close)) = (injected.find("<![CDATA["), injected.rfind("]]>"))
        && open < end
        && close > end
    {
        let inner = &injected[open + 9..close];
        out.push(("escaped", format!("{}{}{}", &injected[..open], escape(inner), &injected[close + 3..])));
    }
    out
}

fn utf16le(text: &str) -> Vec<u8> {
    [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect()
}

#[test]
fn no_output_format_shows_a_secret() {
    let Some((corpus, _)) = support::corpus_or_skip("the secret-masking test") else { return };
    let files = xml_files(&corpus);
    assert!(files.len() > 250, "corpus files: {}", files.len());
    let mut checked = 0;
    let mut corpus_secrets = 0;
    for (i, path) in files.iter().enumerate() {
        let bytes = std::fs::read(path).unwrap();
        let name = path.strip_prefix(&corpus).unwrap().to_string_lossy().into_owned();
        // The corpus's own secrets, as the model holds them. They may be words (`password`) that
        // messages and help texts also hold, so only the source snippets are searched.
        let (_, out) = outputs(&name, bytes.clone());
        let snippets: String = out.lines().filter(|l| l.contains(" │ ")).collect::<Vec<_>>().join("\n");
        for secret in secret_values(&bytes, &name) {
            corpus_secrets += 1;
            assert!(!snippets.contains(&secret), "{name}: the secret `{}…` is shown", &secret[..2]);
        }
        let Ok(text) = String::from_utf8(bytes) else { continue };
        for (how, variant) in variants(&text) {
            let mut copies = vec![("UTF-8", variant.clone().into_bytes())];
            if i % 10 == 0 {
                copies.push(("UTF-16LE", utf16le(&variant)));
            }
            for (encoding, copy) in copies {
                let (results, out) = outputs(&name, copy);
                let fired = results.iter().flat_map(|r| &r.diagnostics).filter(|d| d.rule == "plaintext-secret").count();
                let unreadable = results.iter().flat_map(|r| &r.diagnostics).any(|d| matches!(d.rule, "xml-syntax" | "unsupported-format"));
                assert!(fired >= 2 || unreadable, "{name} ({how}, {encoding}): {fired} secrets found");
                for piece in PIECES {
                    assert!(!out.contains(piece), "{name} ({how}, {encoding}): `{piece}` of a secret is shown");
                }
                checked += 1;
            }
        }
    }
    eprintln!("{checked} injected variants checked; {corpus_secrets} secrets of the corpus itself");
    assert!(checked > 300, "variants checked: {checked}");
}

/// The literal values of the corpus's secret variables (`…Password`, `OSDBitLockerPIN`,
/// `OSDProductKey`) of six characters or more, as written and decoded.
fn secret_values(bytes: &[u8], name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for loaded in load_bytes(name, bytes.to_vec(), None) {
        let Ok(ts) = &loaded.result else { continue };
        for visit in ts.sequence.walk() {
            for v in &visit.node.variables {
                let n = v.name().to_ascii_lowercase();
                let secret = (n.ends_with("password") && n != "osdrandomadminpassword" && n != "osdbitlockercreaterecoverypassword")
                    || n == "osdbitlockerpin"
                    || n == "osdproductkey";
                let text = v.value.text().trim().to_owned();
                if secret && text.len() >= 6 && !text.contains('%') && !text.starts_with('$') {
                    out.push(v.value.raw.trim().to_owned());
                    out.push(text);
                }
            }
        }
    }
    out
}
