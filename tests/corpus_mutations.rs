//! Every rule that does not fire on the unmodified corpus is made to fire on a real corpus file
//! with one small mutation, made in memory (nothing is copied into the project).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use tsq::container::load_bytes;
use tsq::lint::{Settings, check};

const EXPORT: &str = "forevanyeung-tasksequences/tasksequence1/SMS_TaskSequencePackage/RSC002A6/object.xml";
const RAW: &str = "forevanyeung-tasksequences/tasksequence1/SMS_TaskSequencePackage/RSC002A6/extracted.xml";
const MDT: &str = "keithga-DeployShared/Source/MDT.8456/Templates/Client.xml";
const SCCM: &str = "keithga-DeployShared/Source/MDT.8450/SCCM/SCCM_Client.xml";

/// Replace the first `from` that follows `anchor`.
fn after(text: &str, anchor: &str, from: &str, to: &str) -> String {
    let a = text.find(anchor).unwrap_or_else(|| panic!("anchor `{anchor}` not found"));
    let i = a + text[a..].find(from).unwrap_or_else(|| panic!("`{from}` not found after `{anchor}`"));
    format!("{}{}{}", &text[..i], to, &text[i + from.len()..])
}

/// Replace the first `from`.
fn first(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "`{from}` not found");
    text.replacen(from, to, 1)
}

fn fires(name: &str, text: String, rule: &str) -> bool {
    let settings = Settings::default();
    load_bytes(name, text.into_bytes(), None).into_iter().map(|l| check(l, &settings)).any(|r| r.diagnostics.iter().any(|d| d.rule == rule))
}

#[test]
fn every_rule_fires_on_real_data() {
    let Some((dir, _)) = support::corpus_or_skip("the corpus mutation test") else { return };
    let read = |p: &str| std::fs::read_to_string(dir.join(p)).unwrap();
    let (export, raw, mdt, sccm) = (read(EXPORT), read(RAW), read(MDT), read(SCCM));
    let big = "x".repeat(2_200_000);
    let mutations: Vec<(&str, &str, String)> = vec![
        ("encoding-mismatch", MDT, first(&mdt, "<?xml version=\"1.0\"?>", "<?xml version=\"1.0\" encoding=\"utf-16\"?>")),
        ("invalid-boolean", EXPORT, first(&export, "disable=\"true\"", "disable=\"flase\"")),
        ("unknown-step-type", RAW, first(&raw, "SMS_TaskSequence_RunCommandLineAction\"", "SMS_TaskSequence_RunCommandLineActoin\"")),
        ("invalid-run-in", RAW, first(&raw, "runIn=\"FullOS\"", "runIn=\"FullOs\"")),
        ("run-in-mismatch", RAW, after(&raw, "SMS_TaskSequence_JoinDomainWorkgroupAction", "runIn=\"FullOS\"", "runIn=\"WinPE\"")),
        ("invalid-success-codes", RAW, first(&raw, "successCodeList=\"0 3010\"", "successCodeList=\"0,3010\"")),
        ("invalid-timeout", RAW, first(&raw, "timeout=\"900\"", "timeout=\"15m\"")),
        (
            "condition-expression",
            MDT,
            first(&mdt, "<variable name=\"Operator\">equals</variable>", "<variable name=\"Operator\">equal</variable>"),
        ),
        ("size-limit", RAW, first(&raw, "</sequence>", &format!("<!-- {big} --></sequence>"))),
        ("dangling-reference", RAW, first(&raw, "<reference package=\"RSC0017C\"/>", "")),
        ("unused-reference", RAW, first(&raw, "<referenceList>", "<referenceList><reference package=\"RSC0FFFF\"/>")),
        ("references-count", EXPORT, after(&export, "NAME=\"ReferencesCount\"", "<VALUE>26</VALUE>", "<VALUE>25</VALUE>")),
        ("program-flags", EXPORT, first(&export, "152084496", "152100880")),
        ("package-type", EXPORT, after(&export, "NAME=\"PackageType\"", "<VALUE>4</VALUE>", "<VALUE>5</VALUE>")),
        ("package-id-format", RAW, first(&raw, "<reference package=\"RSC0017C\"/>", "<reference package=\"rsc0017c\"/>")),
        ("action-reference-mismatch", RAW, first(&raw, "smsswd.exe /run:RSC001A4 s", "smsswd.exe /run:RSC001A5 s")),
        (
            "readonly-variable",
            RAW,
            first(
                &raw,
                "<variable name=\"VariableName\" property=\"VariableName\" hidden=\"true\">s<",
                "<variable name=\"VariableName\" property=\"VariableName\" hidden=\"true\">_SMSTSLogPath<",
            ),
        ),
        ("state-store-pairing", SCCM, sccm.replace("SMS_TaskSequence_ReleaseStateStoreAction", "SMS_TaskSequence_RunCommandLineAction")),
        ("runas-in-winpe", RAW, after(&raw, "name=\"Run Command Line - Disabled\"", "runIn=\"WinPEandFullOS\"", "runIn=\"WinPE\"")),
        ("unused-suppression", MDT, first(&mdt, "<group ", "<!-- tsq-ignore empty-group: kept --><group ")),
    ];
    let mut failures = Vec::new();
    for (rule, path, text) in mutations {
        assert!(tsq::rules::find(rule).is_some(), "unknown rule {rule}");
        if !fires(path, text, rule) {
            failures.push(format!("{rule} did not fire on the mutated {path}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
