//! `tsq redact` on the real corpus: every file with a clear-text secret is redacted, the result
//! has no `plaintext-secret` finding, and no byte outside the secret values changed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use std::process::Command;
use tsq::container::load_bytes;
use tsq::lint::{Settings, check};

/// Run the `tsq` binary; (exit code, stdout bytes, stderr).
fn tsq(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tsq")).args(args).env("NO_COLOR", "1").output().unwrap();
    (out.status.code().unwrap_or(-1), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The spans (decoded text) of the `plaintext-secret` findings in `bytes`.
fn secret_findings(name: &str, bytes: &[u8]) -> Vec<tsq::span::Span> {
    load_bytes(name, bytes.to_vec(), None)
        .into_iter()
        .flat_map(|l| check(l, &Settings::default()).diagnostics)
        .filter(|d| d.rule == "plaintext-secret")
        .map(|d| d.span)
        .collect()
}

#[test]
fn redact_clears_every_corpus_secret_and_nothing_else() {
    let Some((dir, _)) = support::corpus_or_skip("the redact corpus test") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let (mut files, mut values) = (0, 0);
    for rel in support::manifest_paths(&dir) {
        let path = dir.join(&rel);
        let original = std::fs::read(&path).unwrap();
        let findings = secret_findings(&rel, &original);
        if findings.is_empty() {
            continue;
        }
        files += 1;
        let out = tmp.path().join(format!("{files}.xml"));
        let (code, _, err) = tsq(&["redact", path.to_str().unwrap(), "-o", out.to_str().unwrap()]);
        assert_eq!(code, 0, "{rel}: {err}");
        let redacted = std::fs::read(&out).unwrap();
        assert!(secret_findings(&rel, &redacted).is_empty(), "{rel}: a plaintext-secret finding remains");

        // Byte by byte: walk both files; every difference must be the replacement of a secret
        // value lying inside a finding's span or repeating a reported secret (the rule reports a
        // secret once per step), replaced by nothing or by `""`.
        let text = std::str::from_utf8(&original).unwrap();
        let reported: Vec<&str> = findings.iter().map(|s| text[s.start..s.end].trim_matches(['"', '\''])).collect();
        let (mut i, mut j) = (0, 0);
        while i < original.len() || j < redacted.len() {
            if original.get(i) == redacted.get(j) {
                i += 1;
                j += 1;
                continue;
            }
            // A changed region: the original's next bytes up to where the files agree again.
            let rest_o = &original[i..];
            let rest_r = &redacted[j..];
            // The files agree again for the next 40 bytes (or to their ends).
            let agree = |c: usize, r: usize| {
                let w = 40.min(rest_o.len() - c);
                rest_r.len() >= r + w && rest_o[c..c + w] == rest_r[r..r + w] && (w == 40 || rest_r.len() == r + w)
            };
            let (cut, repl) = (1..=rest_o.len())
                .flat_map(|c| [(c, 0usize), (c, 2usize)])
                .find(|&(c, r)| agree(c, r) && (r == 0 || &rest_r[..r] == b"\"\""))
                .unwrap_or_else(|| panic!("{rel}: the files differ at byte {i} beyond a secret replacement"));
            let secret = &text[i..i + cut];
            let inside = findings.iter().any(|s| s.start <= i && i + cut <= s.end);
            assert!(inside || reported.contains(&secret), "{rel}: bytes {i}..{} changed outside a secret value", i + cut);
            values += 1;
            i += cut;
            j += repl;
        }
    }
    eprintln!("redact: {files} corpus files with secrets, {values} values cleared");
    assert!(files >= 15, "the corpus has clear-text secrets in many files ({files} found)");
}

#[test]
fn in_place_placeholder_and_refusals() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("ts.xml");
    let text = "<sequence version=\"3.10\">\r\n  <step type=\"SMS_TaskSequence_JoinDomainWorkgroupAction\" name=\"Join\">\r\n    <defaultVarList>\r\n      <variable name=\"OSDJoinPassword\" property=\"DomainPassword\">Pa55&amp;word</variable>\r\n    </defaultVarList>\r\n  </step>\r\n</sequence>\r\n";
    std::fs::write(&file, text).unwrap();
    let (code, _, err) = tsq(&["redact", file.to_str().unwrap(), "--in-place", "--placeholder", "%OSDJoinPassword%"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 secret value cleared"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text.replace("Pa55&amp;word", "%OSDJoinPassword%"));
    // A placeholder that is itself a literal would leave a finding: refused, nothing written.
    std::fs::write(&file, text).unwrap();
    let (code, _, err) = tsq(&["redact", file.to_str().unwrap(), "--in-place", "--placeholder", "REDACTED"]);
    assert_eq!(code, 2);
    assert!(err.contains("still reads as a clear-text secret"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    // -o or --in-place is required; an archive is refused.
    assert_eq!(tsq(&["redact", file.to_str().unwrap()]).0, 2);
    let zip = support::root().join("examples/export.zip");
    let (code, _, err) = tsq(&["redact", zip.to_str().unwrap(), "-o", "-"]);
    assert_eq!(code, 2);
    assert!(err.contains("zip archives are not redacted"), "{err}");
}
