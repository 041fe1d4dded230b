//! Every command is linear in its input. Each case times an input of a few hundred KB to a few MB
//! and the same input four times smaller, in the same run: a linear cost grows about four times, a
//! quadratic one about sixteen. The ratio is checked, not a wall-clock constant, so the tests hold
//! in a debug build and on a loaded machine.
//!
//! The quadratic costs that tsq had (measured against the code before the fix): a `Vec` of seen
//! IDs in `dangling-reference`, roxmltree's duplicate-attribute check, counting characters from
//! the line start for every finding (`locating_findings_on_one_long_line`), a copy of the file per
//! masked secret (`masking_many_secrets_on_one_long_line`). The whole-pipeline cases check that
//! nothing else in check, render, dump and fmt is quadratic.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tsq::container::load_bytes;
use tsq::diagnostic::{Diagnostic, Severity};
use tsq::lint::{FileResult, Settings, check};
use tsq::report::{locate, render_concise, render_human, render_json};
use tsq::source::SourceFile;
use tsq::span::Span;

/// The faster of two runs of `f`.
fn fastest(f: &dyn Fn()) -> Duration {
    (0..2)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

/// One measurement at a time: the tests of this file would otherwise share the two cores.
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Time `run` on `make(n)` and `make(4 * n)`: the larger may take at most ten times as long
/// (four for linear work, with room for noise and caches; quadratic work takes sixteen).
fn assert_linear(what: &str, n: usize, make: &dyn Fn(usize) -> String, run: &dyn Fn(&str)) {
    let _guard = one_at_a_time();
    let (small, large) = (make(n), make(4 * n));
    let t1 = fastest(&|| run(&small));
    let t4 = fastest(&|| run(&large));
    eprintln!("{what}: {} bytes in {t1:?}, {} bytes in {t4:?}", small.len(), large.len());
    assert!(t4 < t1 * 10 + Duration::from_millis(20), "{what}: {t1:?} for {} bytes but {t4:?} for {} bytes", small.len(), large.len());
}

fn results(text: &str) -> Vec<FileResult> {
    let settings = Settings::default();
    load_bytes("t.xml", text.as_bytes().to_vec(), None).into_iter().map(|l| check(l, &settings)).collect()
}

fn render_all(results: &[FileResult]) {
    let mut out = Vec::new();
    render_concise(results, &mut out).unwrap();
    render_json(results, &mut out).unwrap();
    render_human(results, false, 100, &mut out).unwrap();
}

/// A one-line sequence of `n` copies of `step(i)`, after a non-ASCII group name (so that columns
/// must count characters, not bytes).
fn one_line(n: usize, step: &dyn Fn(usize) -> String) -> String {
    let mut s = String::from("<sequence version=\"3.10\"><group name=\"é–ü\">");
    for i in 0..n {
        s.push_str(&step(i));
    }
    s.push_str("</group></sequence>");
    s
}

#[test]
fn a_long_list_of_package_ids() {
    let make = |n: usize| {
        let mut ids = String::new();
        for i in 0..n {
            write!(ids, "{}PKG{i:05}", if i > 0 { "," } else { "" }).unwrap();
        }
        format!(
            "<sequence version=\"3.10\"><referenceList/><step type=\"SMS_TaskSequence_DownloadPackageContentAction\" name=\"d\"><defaultVarList><variable name=\"OSDDownloadDownloadPackages\" property=\"Packages\">{ids}</variable></defaultVarList></step></sequence>"
        )
    };
    let run = |text: &str| {
        let r = results(text);
        assert!(r[0].diagnostics.iter().filter(|d| d.rule == "dangling-reference").count() > 1000);
    };
    assert_linear("dangling-reference over a long list", 5_000, &make, &run);
}

#[test]
fn many_findings_on_one_line() {
    let make = |n: usize| {
        one_line(n, &|i| {
            format!("<step type=\"SMS_TaskSequence_RunCommandLineAction\" name=\"s{i}\" disable=\"flase\"><action>cmd</action></step>")
        })
    };
    let run = |text: &str| {
        let r = results(text);
        assert!(r[0].diagnostics.len() >= 800);
        render_all(&r);
    };
    assert_linear("locating and rendering findings on one line", 800, &make, &run);
}

#[test]
fn dump_and_fmt_of_one_long_line() {
    let make = |n: usize| {
        one_line(n, &|i| format!("<step type=\"SMS_TaskSequence_RunCommandLineAction\" name=\"ü{i}\"><action>cmd</action></step>"))
    };
    let run = |text: &str| {
        let source = SourceFile::from_text("t.xml", text);
        let loaded = load_bytes("t.xml", text.as_bytes().to_vec(), None).pop().unwrap();
        let ts = loaded.result.as_ref().unwrap();
        let _ = tsq::dump::task_sequence("t.xml", text, ts);
        let formatted = tsq::writer::format(&source).unwrap();
        assert!(formatted.len() > text.len());
    };
    assert_linear("dump and fmt of one line", 800, &make, &run);
}

#[test]
fn many_masked_secrets() {
    let make = |n: usize| {
        one_line(n, &|i| {
            format!(
                "<step type=\"SMS_TaskSequence_JoinDomainWorkgroupAction\" name=\"j{i}\"><defaultVarList><variable name=\"OSDJoinPassword\" property=\"DomainPassword\">Secret{i}Value</variable></defaultVarList></step>"
            )
        })
    };
    let run = |text: &str| {
        let r = results(text);
        let mut out = Vec::new();
        render_human(&r, false, 100, &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(!out.contains("Secret1Value"), "a secret is shown");
    };
    assert_linear("masking secrets in the human report", 400, &make, &run);
}

#[test]
fn many_attributes_on_one_element_are_refused_quickly() {
    let attrs = |n: usize| (0..n).map(|i| format!(" a{i}=\"{i}\"")).collect::<String>();
    let raw = |n: usize| format!("<sequence version=\"3.10\"><step name=\"s\"{}/></sequence>", attrs(n));
    let cim = |n: usize| {
        format!(
            "<INSTANCE CLASSNAME=\"SMS_TaskSequencePackage\"><PROPERTY NAME=\"Sequence\"{}><VALUE>x</VALUE></PROPERTY></INSTANCE>",
            attrs(n)
        )
    };
    let cdata = |n: usize| {
        format!(
            "<INSTANCE CLASSNAME=\"SMS_TaskSequencePackage\"><PROPERTY NAME=\"Sequence\"><VALUE><![CDATA[{}]]></VALUE></PROPERTY></INSTANCE>",
            raw(n)
        )
    };
    for (what, make) in [("raw", &raw as &dyn Fn(usize) -> String), ("object.xml", &cim), ("CDATA", &cdata)] {
        let run = |text: &str| {
            let r = results(text);
            let d = &r[0].diagnostics[0];
            assert_eq!(d.rule, "xml-syntax", "{what}");
            assert!(d.message.contains("more than 100 attributes"), "{what}: {}", d.message);
        };
        assert_linear(&format!("100,000 attributes ({what})"), 25_000, make, &run);
    }
    // At the limit, the element loads.
    assert!(results(&raw(99)).iter().all(|r| r.diagnostics.iter().all(|d| d.rule != "xml-syntax")));
}

#[test]
fn many_namespace_declarations_are_refused_quickly() {
    let make = |n: usize| {
        let mut s = String::from("<sequence version=\"3.10\">");
        for i in 0..n {
            write!(s, "<group xmlns:p{i}=\"urn:{i}\" name=\"g\">").unwrap();
        }
        s.push_str(&"</group>".repeat(n));
        s.push_str("</sequence>");
        s
    };
    let run = |text: &str| {
        let r = results(text);
        assert!(r[0].diagnostics[0].message.contains("namespaces"), "{}", r[0].diagnostics[0].message);
    };
    assert_linear("nested namespace declarations", 20_000, &make, &run);
}

/// A file of one long line holding `n` values (with non-ASCII text between them), and a finding
/// on each value; `redact` marks them as secrets. Built directly, so that the cost measured is
/// only locating and rendering.
fn synthetic(n: usize, redact: bool) -> Vec<FileResult> {
    let mut text = String::from("<sequence version=\"3.10\">");
    let mut diagnostics = Vec::new();
    for i in 0..n {
        text.push_str("<variable name=\"OSDJoinPassword\" note=\"é–ü é–ü é–ü é–ü é–ü é–ü é–ü é–ü é–ü é–ü é–ü é–ü é–ü é–ü é–ü\">");
        let start = text.len();
        write!(text, "Secret{i:06}Value").unwrap();
        let mut d = Diagnostic::new("plaintext-secret", Severity::Warning, Span::new(start, text.len()), "secret");
        d.redact = redact;
        diagnostics.push(d);
        text.push_str("</variable>");
    }
    text.push_str("</sequence>");
    let source = SourceFile::from_text("t.xml", text);
    vec![FileResult { path: "t.xml".into(), source: Some(source), diagnostics, used_suppressions: Vec::new(), suppressed: Vec::new() }]
}

#[test]
fn locating_findings_on_one_long_line() {
    // Each finding used to count the characters from the start of the line: with 20,000 findings
    // on a 2 MB line, that is 40 GB of counting.
    let sizes = [5_000, 20_000];
    let times: Vec<Duration> = sizes
        .iter()
        .map(|&n| {
            let r = synthetic(n, false);
            let _guard = one_at_a_time();
            fastest(&|| {
                let located = locate(&r[0]);
                assert_eq!(located.len(), n);
                assert!(located.last().unwrap().column > 100 * n);
            })
        })
        .collect();
    eprintln!("locate: {sizes:?} findings in {times:?}");
    assert!(times[1] < times[0] * 10 + Duration::from_millis(20), "{times:?}");
}

#[test]
fn masking_many_secrets_on_one_long_line() {
    // Each secret used to cost a copy of the whole file and a search through it.
    let sizes = [1_000, 4_000];
    let times: Vec<Duration> = sizes
        .iter()
        .map(|&n| {
            let r = synthetic(n, true);
            let _guard = one_at_a_time();
            fastest(&|| {
                let mut out = Vec::new();
                render_human(&r, false, 100, &mut out).unwrap();
                let out = String::from_utf8(out).unwrap();
                assert!(!out.contains("Secret000001Value"), "a secret is shown");
            })
        })
        .collect();
    eprintln!("masking: {sizes:?} secrets in {times:?}");
    assert!(times[1] < times[0] * 10 + Duration::from_millis(20), "{times:?}");
}
