//! `tsq check --fix`: every fixable rule's fix undoes a real mutation of a real corpus file, byte
//! for byte where the mutation is exactly invertible; over a copy of the whole corpus, fixing
//! converges, keeps every file readable and formattable, and a second run changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use std::path::Path;
use std::process::Command;

/// Run the `tsq` binary; (exit code, stdout, stderr).
fn tsq(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tsq")).args(args).env("NO_COLOR", "1").output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The rules reported on `path` (concise format).
fn rules_on(path: &Path) -> Vec<String> {
    let (_, out, _) = tsq(&["check", "--format", "concise", path.to_str().unwrap()]);
    out.lines().filter_map(|l| l.split_once('[').and_then(|(_, r)| r.split_once(']')).map(|(r, _)| r.to_owned())).collect()
}

/// Replace the first `from` after `anchor`.
fn after(text: &str, anchor: &str, from: &str, to: &str) -> String {
    let a = text.find(anchor).unwrap_or_else(|| panic!("anchor `{anchor}` not found"));
    let i = a + text[a..].find(from).unwrap_or_else(|| panic!("`{from}` not found after `{anchor}`"));
    format!("{}{}{}", &text[..i], to, &text[i + from.len()..])
}

const RAW: &str = "forevanyeung-tasksequences/tasksequence1/SMS_TaskSequencePackage/RSC002A6/extracted.xml";
const EXPORT: &str = "forevanyeung-tasksequences/tasksequence1/SMS_TaskSequencePackage/RSC002A6/object.xml";
const MDT: &str = "keithga-DeployShared/Source/MDT.8456/Templates/Client.xml";

#[test]
fn each_fix_undoes_a_mutation_of_real_data() {
    let Some((dir, _)) = support::corpus_or_skip("the fix mutation test") else { return };
    let read = |p: &str| std::fs::read_to_string(dir.join(p)).unwrap();
    let (raw, export, mdt) = (read(RAW), read(EXPORT), read(MDT));
    // (rule, file name, original, mutated, whether the fix must give the original back exactly)
    let cases: Vec<(&str, &str, &str, String, bool)> = vec![
        ("invalid-boolean", "mdt.xml", &mdt, after(&mdt, "<group", "disable=\"false\"", "disable=\"False\""), true),
        ("invalid-boolean", "mdt-typo.xml", &mdt, after(&mdt, "<group", "disable=\"false\"", "disable=\"flase\""), true),
        ("operator-case", "mdt-op.xml", &mdt, after(&mdt, "<variable name=\"Operator\"", ">equals<", ">EQUALS<"), true),
        ("invalid-success-codes", "mdt-codes.xml", &mdt, after(&mdt, "successCodeList=", "\"0 3010\"", "\"0,3010\""), true),
        ("package-id-format", "raw-id.xml", &raw, after(&raw, "<reference ", "package=\"RSC", "package=\"rsc"), false),
        ("references-count", "object.xml", &export, after(&export, "NAME=\"ReferencesCount\"", "<VALUE>26<", "<VALUE>9<"), true),
        (
            "unused-reference",
            "raw-unused.xml",
            &raw,
            after(&raw, "<referenceList>", "<reference ", "<reference package=\"RSC00999\"/><reference "),
            true,
        ),
        (
            "unused-suppression",
            "mdt-comment.xml",
            &mdt,
            after(&mdt, "<group", "<group", "<!-- tsq-ignore readonly-variable: stale -->\n  <group"),
            true,
        ),
        ("empty-group", "mdt-group.xml", &mdt, after(&mdt, "<group", "<group", "<group name=\"New Group\"/>\n  <group"), true),
    ];
    let tmp = tempfile::tempdir().unwrap();
    for (rule, name, original, mutated, exact) in cases {
        // The original may have findings of the rule already: the fix of the mutated file must
        // equal the fix of the original.
        let reference = tmp.path().join(format!("original-{name}"));
        std::fs::write(&reference, original).unwrap();
        tsq(&["check", "--fix", "--unsafe-fixes", "--select", rule, reference.to_str().unwrap()]);
        let original = std::fs::read_to_string(&reference).unwrap();
        let path = tmp.path().join(name);
        std::fs::write(&path, &mutated).unwrap();
        assert!(rules_on(&path).iter().any(|r| r == rule), "{rule}: the mutation does not trigger it");
        let (code, _, err) = tsq(&["check", "--fix", "--unsafe-fixes", "--select", rule, path.to_str().unwrap()]);
        assert_ne!(code, 2, "{rule}: {err}");
        let fixed = std::fs::read_to_string(&path).unwrap();
        assert!(!rules_on(&path).iter().any(|r| r == rule), "{rule}: still reported after the fix");
        if exact {
            assert!(fixed == original, "{rule}: the fix does not give the (fixed) original back");
        } else {
            assert_ne!(fixed, mutated, "{rule}: nothing written");
            // Everything outside the fixed span is unchanged: the common prefix and suffix cover
            // all but a few bytes.
            let prefix = fixed.bytes().zip(mutated.bytes()).take_while(|(a, b)| a == b).count();
            let suffix = fixed.bytes().rev().zip(mutated.bytes().rev()).take_while(|(a, b)| a == b).count();
            assert!(prefix + suffix + 16 >= mutated.len(), "{rule}: the fix changed more than the value");
        }
    }
}

#[test]
fn dangling_reference_fix_lists_the_package() {
    let Some((dir, _)) = support::corpus_or_skip("the dangling-reference fix test") else { return };
    let raw = std::fs::read_to_string(dir.join(RAW)).unwrap();
    // Drop the first entry of the reference list: the steps that use it now dangle.
    let start = raw.find("<reference ").unwrap();
    let end = start + raw[start..].find("/>").unwrap() + 2;
    let id = raw[start..end].split('"').nth(1).unwrap().to_owned();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("raw.xml");
    std::fs::write(&path, format!("{}{}", &raw[..start], &raw[end..])).unwrap();
    assert!(rules_on(&path).iter().any(|r| r == "dangling-reference"));
    // Safe fixes alone leave it; the unsafe one lists the ID again.
    tsq(&["check", "--fix", path.to_str().unwrap()]);
    assert!(rules_on(&path).iter().any(|r| r == "dangling-reference"));
    let (code, _, err) = tsq(&["check", "--fix", "--unsafe-fixes", path.to_str().unwrap()]);
    assert_ne!(code, 2, "{err}");
    assert!(!rules_on(&path).iter().any(|r| r == "dangling-reference"));
    assert!(std::fs::read_to_string(&path).unwrap().contains(&format!("<reference package=\"{id}\"/>")));
}

/// Found by the fix invariant of the mutation test (`tests/support/invariants.rs`): a package ID
/// holding `"` or `>` broke the reference the dangling-reference fix adds (the fixed file did not
/// read), and empty groups nested deeper than the rounds of `--fix` never converged.
#[test]
fn fixes_found_by_fuzzing_keep_the_file_readable_and_converge() {
    let Some((dir, _)) = support::corpus_or_skip("the fuzzing regression test of fixes") else { return };
    let raw = std::fs::read_to_string(dir.join(RAW)).unwrap();
    let start = raw.find("<reference ").unwrap();
    let end = start + raw[start..].find("/>").unwrap() + 2;
    let id = raw[start..end].split('"').nth(1).unwrap().to_owned();
    let dropped = format!("{}{}", &raw[..start], &raw[end..]);
    // The steps use the ID with markup characters after it, and the list no longer has it.
    let odd = dropped.replace(&format!(">{id}<"), &format!(">{id}\">&amp;<"));
    assert_ne!(odd, dropped, "a step names {id} as a value");
    support::invariants::check_fix("raw.xml", odd.as_bytes()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("raw.xml");
    std::fs::write(&path, &odd).unwrap();
    let (code, _, err) = tsq(&["check", "--fix", "--unsafe-fixes", path.to_str().unwrap()]);
    assert_ne!(code, 2, "{err}");
    assert!(!err.contains("bug in tsq"), "{err}");
    assert!(std::fs::read_to_string(&path).unwrap().contains(&format!("<reference package=\"{id}&quot;&gt;&amp;\"/>")));
    assert!(!rules_on(&path).iter().any(|r| r == "dangling-reference" || r == "xml-syntax"));
    // 150 groups, each holding only the next, around an empty one: one round deletes them all.
    let at = raw.find("<step ").unwrap();
    let nested =
        format!("{}{}<group name=\"empty\"/>{}{}", &raw[..at], "<group name=\"n\">".repeat(150), "</group>".repeat(150), &raw[at..]);
    support::invariants::check_fix("nested.xml", nested.as_bytes()).unwrap();
    std::fs::write(&path, &nested).unwrap();
    let (code, _, err) = tsq(&["check", "--fix", "--unsafe-fixes", path.to_str().unwrap()]);
    assert_ne!(code, 2, "{err}");
    assert!(!err.contains("bug in tsq"), "{err}");
    assert!(!std::fs::read_to_string(&path).unwrap().contains("<group name=\"n\">"));
}

/// Copy `from` into `to` recursively.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
            // The corpus may be read-only; tsq rightly refuses to write such files.
            let mut perms = std::fs::metadata(&target).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            std::fs::set_permissions(&target, perms).unwrap();
        }
    }
}

#[test]
fn fixing_the_whole_corpus_converges() {
    let Some((dir, _)) = support::corpus_or_skip("the corpus-wide fix test") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("corpus");
    copy_tree(&dir, &copy);
    let c = copy.to_str().unwrap();
    let (_, _, before_err) = tsq(&["check", "--format", "concise", c]);
    let (code, _, err) = tsq(&["check", "--fix", "--unsafe-fixes", "--fix-only", c]);
    assert_eq!(code, 0, "{err}");
    let fixed: usize = err.split_whitespace().nth(2).and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(fixed > 100, "only {fixed} findings fixed: {err}");
    // A second run has nothing left to fix.
    let (code, out, err) = tsq(&["check", "--diff", "--unsafe-fixes", c]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    // Every fixed file still reads as before (no new unreadable file) and formats with a verified
    // result.
    let (_, _, after_err) = tsq(&["check", "--format", "concise", c]);
    assert_eq!(before_err.lines().count(), after_err.lines().count(), "{after_err}");
    let (code, _, err) = tsq(&["fmt", "--check", c]);
    assert_ne!(code, 2, "{err}");
}

/// Found by the `fix` fuzz target: in an `object.xml` whose package `References` list an ID that
/// no step uses any more, removing the entry from the sequence's `<referenceList>` alone made the
/// two lists disagree (a new `references-count` error, so `--fix` refused the whole file). The
/// entry is still reported, without a fix.
#[test]
fn unused_references_the_package_also_lists_are_not_removed() {
    let example = std::fs::read_to_string(support::root().join("examples/export/object.xml")).unwrap();
    let unused = example.replace(">CM100003</variable>", ">CM100031</variable>");
    assert_ne!(unused, example, "the example uses CM100003 in a variable");
    support::invariants::check_fix("object.xml", unused.as_bytes()).unwrap();
    let loaded = tsq::container::load_bytes("object.xml", unused.into_bytes(), None);
    let result = tsq::lint::check(loaded.into_iter().next().unwrap(), &tsq::lint::Settings::default());
    let found: Vec<_> = result.diagnostics.iter().filter(|d| d.rule == "unused-reference").collect();
    assert_eq!(found.len(), 1, "{:?}", result.diagnostics);
    assert!(found[0].message.contains("CM100003") && found[0].fix.is_none(), "{:?}", found[0]);
}
