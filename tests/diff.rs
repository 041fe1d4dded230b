//! `tsq diff`: real version pairs of the corpus checked against an independent walk of the XML,
//! synthetic edits of real files that must give exactly the expected change, every corpus file
//! against itself, zip members against their extracted files, exit codes, and snapshots of the
//! outputs (`snapshots/diff/`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use support::run;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use tsq::container::{TaskSequence, load_bytes};
use tsq::diff::{Detail, Diff, diff};

fn snap(name: &str, value: &str) {
    insta::with_settings!({ snapshot_path => "../snapshots/diff", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(name, value);
    });
}

/// The single task sequence in `bytes`.
fn load(name: &str, bytes: &[u8]) -> TaskSequence {
    let mut all = load_bytes(name, bytes.to_vec(), None);
    assert_eq!(all.len(), 1, "{name}: one task sequence");
    all.pop().unwrap().result.unwrap_or_else(|p| panic!("{name}: {}", p.message))
}

fn diff_bytes(a: &[u8], b: &[u8]) -> Diff {
    diff("old", &load("old", a), "new", &load("new", b))
}

// ---------------------------------------------------------------------------------------------
// An independent reading: the sequence XML found with roxmltree, and per node its identity and a
// signature of everything it means. Written separately from src/identity.rs and src/diff/.

/// The `<sequence>` text in a file of any container format.
fn sequence_xml(bytes: &[u8]) -> String {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).unwrap();
    let doc = roxmltree::Document::parse(text).unwrap();
    let root = doc.root_element();
    match root.tag_name().name() {
        "sequence" => text[root.range()].to_owned(),
        "SmsTaskSequencePackage" => {
            let seq = root.descendants().find(|n| n.has_tag_name("sequence")).unwrap();
            text[seq.range()].to_owned()
        }
        "INSTANCE" => {
            let prop = root.children().find(|n| n.has_tag_name("PROPERTY") && n.attribute("NAME") == Some("Sequence")).unwrap();
            let value = prop.children().find(|n| n.has_tag_name("VALUE")).unwrap();
            value.children().filter_map(|c| c.text()).collect::<String>().trim().to_owned()
        }
        other => panic!("unexpected root {other}"),
    }
}

#[derive(Debug, Clone)]
struct Indep {
    id: String,
    signature: String,
}

fn is_node(n: &roxmltree::Node<'_, '_>) -> bool {
    n.is_element() && matches!(n.tag_name().name(), "group" | "step" | "subtasksequence")
}

fn escape(name: &str) -> String {
    name.chars().flat_map(|c| if "\\/[|".contains(c) { vec!['\\', c] } else { vec![c] }).collect()
}

/// A canonical text of a condition element: tag, sorted attributes, parameters, children.
fn canon(n: roxmltree::Node<'_, '_>) -> String {
    let mut attrs: Vec<String> = n.attributes().map(|a| format!("{}={}", a.name(), a.value())).collect();
    attrs.sort();
    let mut params: Vec<String> = n
        .children()
        .filter(|c| c.has_tag_name("variable"))
        .map(|c| format!("{}:{}", c.attribute("name").unwrap_or(""), c.text().unwrap_or("").trim()))
        .collect();
    params.sort();
    let kids: Vec<String> = n.children().filter(|c| c.is_element() && !c.has_tag_name("variable")).map(canon).collect();
    format!("{}[{}]({})<{}>", n.tag_name().name(), attrs.join(","), params.join(","), kids.join(";"))
}

fn signature(n: roxmltree::Node<'_, '_>) -> String {
    let truthy = |name: &str| n.attribute(name).is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    let mut attrs: Vec<String> = n
        .attributes()
        .filter(|a| !matches!(a.name(), "name" | "disable" | "continueOnError"))
        .map(|a| format!("{}={}", a.name(), a.value()))
        .collect();
    attrs.sort();
    let mut parts = vec![format!("disable={} coe={}", truthy("disable"), truthy("continueOnError")), attrs.join(",")];
    for c in n.children().filter(roxmltree::Node::is_element) {
        match c.tag_name().name() {
            "condition" | "operator" | "expression" => parts.push(canon(c)),
            "action" => parts.push(format!("action:{}", c.text().unwrap_or("").trim())),
            "defaultVarList" => {
                let mut vars: Vec<String> = c
                    .children()
                    .filter(|v| v.has_tag_name("variable"))
                    .map(|v| format!("{}={}", v.attribute("name").unwrap_or("").to_ascii_lowercase(), v.text().unwrap_or("")))
                    .collect();
                vars.sort();
                parts.push(vars.join("\u{1}"));
            }
            _ => {}
        }
    }
    parts.join("\u{2}")
}

/// Every group and step with its identity and signature, in document order.
fn independent(seq_xml: &str) -> Vec<Indep> {
    let doc = roxmltree::Document::parse(seq_xml).unwrap();
    let mut out = Vec::new();
    fn walk(parent: roxmltree::Node<'_, '_>, prefix: &str, out: &mut Vec<Indep>) {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for n in parent.children().filter(is_node) {
            let name = n.attribute("name").unwrap_or("").to_owned();
            let ord = seen.entry(name.clone()).or_insert(0);
            *ord += 1;
            let seg = if *ord > 1 { format!("{}[{ord}]", escape(&name)) } else { escape(&name) };
            let path = if prefix.is_empty() { seg } else { format!("{prefix}/{seg}") };
            let kind = match n.tag_name().name() {
                "group" => "group".to_owned(),
                "subtasksequence" => "subtasksequence".to_owned(),
                _ => n.attribute("type").unwrap_or("").to_owned(),
            };
            out.push(Indep { id: format!("{path}|{kind}"), signature: signature(n) });
            walk(n, &path, out);
        }
    }
    walk(doc.root_element(), "", &mut out);
    out
}

/// Check a diff against the independent reading of the two files.
fn check_against_independent(label: &str, old: &[u8], new: &[u8]) -> Diff {
    let d = diff_bytes(old, new);
    let (oi, ni) = (independent(&sequence_xml(old)), independent(&sequence_xml(new)));
    assert_eq!(d.old.nodes, oi.len(), "{label}: old node count");
    assert_eq!(d.new.nodes, ni.len(), "{label}: new node count");
    let old_ids: BTreeMap<&str, &str> = oi.iter().map(|x| (x.id.as_str(), x.signature.as_str())).collect();
    let new_ids: BTreeMap<&str, &str> = ni.iter().map(|x| (x.id.as_str(), x.signature.as_str())).collect();
    assert_eq!(old_ids.len(), oi.len(), "{label}: identities are unique");
    // Identities that disappear are exactly the removed nodes and those paired under another identity.
    let gone: BTreeSet<&str> = old_ids.keys().filter(|k| !new_ids.contains_key(*k)).copied().collect();
    let reported_gone: BTreeSet<&str> = d
        .nodes
        .iter()
        .filter_map(|c| c.old.as_ref().filter(|o| c.new.as_ref().is_none_or(|n| n.id != o.id)).map(|o| o.id.as_str()))
        .collect();
    assert_eq!(gone, reported_gone, "{label}: identities only in the old version");
    let appeared: BTreeSet<&str> = new_ids.keys().filter(|k| !old_ids.contains_key(*k)).copied().collect();
    let reported_new: BTreeSet<&str> = d
        .nodes
        .iter()
        .filter_map(|c| c.new.as_ref().filter(|n| c.old.as_ref().is_none_or(|o| o.id != n.id)).map(|n| n.id.as_str()))
        .collect();
    assert_eq!(appeared, reported_new, "{label}: identities only in the new version");
    // A node under the same identity has a reported change exactly when its meaning differs.
    for (id, sig) in &old_ids {
        let Some(new_sig) = new_ids.get(id) else { continue };
        let reported =
            d.nodes.iter().any(|c| c.old.as_ref().is_some_and(|o| o.id == *id) && c.changes.iter().any(|x| !matches!(x, Detail::Moved)));
        assert_eq!(sig != new_sig, reported, "{label}: {id}: differs {} but reported {reported}", sig != new_sig);
    }
    // The summary counts the details.
    let count = |k: &str| d.nodes.iter().flat_map(|c| &c.changes).filter(|x| x.kind() == k).count();
    assert_eq!(d.summary.added, count("added"), "{label}");
    assert_eq!(d.summary.removed, count("removed"), "{label}");
    assert_eq!(d.summary.moved, count("moved"), "{label}");
    assert_eq!(d.summary.renamed, count("renamed"), "{label}");
    d
}

// ---------------------------------------------------------------------------------------------

/// The version pairs of the corpus: the same file name across MDT releases, the same hydration
/// kit server across Windows Server releases, the same 2Pint module across toolkit releases.
fn corpus_pairs(corpus: &Path) -> Vec<(PathBuf, PathBuf)> {
    let mut pairs = Vec::new();
    let keithga = corpus.join("keithga-DeployShared/Source");
    let releases = ["MDT2013", "MDT2013U1.0", "MDT.8443", "MDT.8450", "MDT.8456"]; // release order
    let mut by_file: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for r in releases {
        for sub in ["Templates", "SCCM"] {
            let Ok(dir) = std::fs::read_dir(keithga.join(r).join(sub)) else { continue };
            let mut files: Vec<PathBuf> = dir.map(|e| e.unwrap().path()).collect();
            files.sort();
            for f in files {
                by_file.entry(format!("{sub}/{}", f.file_name().unwrap().to_string_lossy())).or_default().push(f);
            }
        }
    }
    for versions in by_file.values() {
        pairs.extend(versions.windows(2).map(|w| (w[0].clone(), w[1].clone())));
    }
    let kits = ["DeploymentResearch-HydrationKitWS2019", "DeploymentResearch-HydrationKitWS2022", "DeploymentResearch-HydrationKitWS2025"];
    for server in ["CM01", "DC01", "DP01", "FS01", "MDT01", "PC0001", "PC0002"] {
        let versions: Vec<PathBuf> = kits
            .iter()
            .map(|k| corpus.join(k).join("Source/Hydration/Control").join(server).join("ts.xml"))
            .filter(|p| p.is_file())
            .collect();
        pairs.extend(versions.windows(2).map(|w| (w[0].clone(), w[1].clone())));
    }
    let pint = corpus.join("2pintsoftware-2Pint-OSDToolkit");
    let newer = pint.join("TS Modules-2Pint Software OSD Toolkit 25.01.29.zip.extracted");
    for (old, new) in [
        (
            "Module- 2Pint Software OSD Toolkit Phase 1 24.08.14.zip.extracted/SMS_TaskSequencePackage/PS100157",
            "Module- 2Pint Software OSD Toolkit Phase 1 25.01.29.zip.extracted/SMS_TaskSequencePackage/PS100178",
        ),
        (
            "Module- 2Pint Software OSD Toolkit Phase 2 24.08.14.zip.extracted/SMS_TaskSequencePackage/PS100158",
            "Module- 2Pint Software OSD Toolkit Phase 2 25.01.29.zip.extracted/SMS_TaskSequencePackage/PS100179",
        ),
        (
            "Module- 2Pint Software OSD Toolkit Phase 3 24.08.14.zip.extracted/SMS_TaskSequencePackage/PS100159",
            "Module- 2Pint Software OSD Toolkit Phase 3 25.01.29.zip.extracted/SMS_TaskSequencePackage/PS10017A",
        ),
        (
            "Pre-cache OSD Content 24.09.26.zip.extracted/SMS_TaskSequencePackage/PS10016B",
            "Pre-cache OSD Content 25.01.29.zip.extracted/SMS_TaskSequencePackage/PS10016B",
        ),
    ] {
        pairs.push((pint.join(old).join("object.xml"), newer.join(new).join("object.xml")));
    }
    pairs
}

#[test]
fn corpus_version_pairs_agree_with_an_independent_walk() {
    let Some((corpus, _)) = support::corpus_or_skip("corpus_version_pairs_agree_with_an_independent_walk") else { return };
    let pairs = corpus_pairs(&corpus);
    assert!(pairs.len() >= 30, "version pairs found: {}", pairs.len());
    let mut differing = 0;
    let mut kinds: BTreeSet<&str> = BTreeSet::new();
    for (old, new) in &pairs {
        assert!(old.is_file() && new.is_file(), "{} / {}", old.display(), new.display());
        let label = format!("{} → {}", old.strip_prefix(&corpus).unwrap().display(), new.strip_prefix(&corpus).unwrap().display());
        let d = check_against_independent(&label, &std::fs::read(old).unwrap(), &std::fs::read(new).unwrap());
        if !d.is_empty() {
            differing += 1;
        }
        kinds.extend(d.nodes.iter().flat_map(|c| &c.changes).map(Detail::kind));
        kinds.extend(d.sequence.iter().map(Detail::kind));
        // The reverse diff mirrors the forward one.
        let r = diff_bytes(&std::fs::read(new).unwrap(), &std::fs::read(old).unwrap());
        assert_eq!(
            (r.summary.added, r.summary.removed, r.summary.moved),
            (d.summary.removed, d.summary.added, d.summary.moved),
            "{label} reversed"
        );
    }
    eprintln!("{} version pairs, {differing} with differences; change kinds seen: {kinds:?}", pairs.len());
    assert!(differing * 2 >= pairs.len(), "most version pairs differ: {differing} of {}", pairs.len());
    for k in ["added", "removed", "attribute", "condition", "variable", "property"] {
        assert!(kinds.contains(k), "the corpus pairs show a `{k}` change: {kinds:?}");
    }
}

/// Every task sequence of the corpus (files and archives), in place.
fn corpus_files() -> Option<Vec<PathBuf>> {
    let (corpus, zips) = support::corpus_or_skip("corpus diff")?;
    let mut files = Vec::new();
    for dir in [corpus, zips] {
        let (inputs, errors) = tsq::inputs::expand(&[dir], None);
        assert!(errors.is_empty());
        files.extend(inputs.into_iter().filter_map(|i| match i {
            tsq::inputs::Input::File(p) => Some(p),
            tsq::inputs::Input::Walked(p) => tsq::container::walked_file_has_task_sequence(&p).then_some(p),
            tsq::inputs::Input::Stdin(_) => None,
        }));
    }
    Some(files)
}

#[test]
fn every_corpus_file_against_itself_is_no_difference() {
    let Some(files) = corpus_files() else { return };
    assert!(files.len() >= 300, "corpus files: {}", files.len());
    let mut sequences = 0;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let a = load_bytes("a", bytes.clone(), None);
        let b = load_bytes("b", bytes, None);
        for (x, y) in a.iter().zip(&b) {
            let (Ok(x), Ok(y)) = (&x.result, &y.result) else { continue };
            let d = diff("a", x, "b", y);
            assert!(d.is_empty(), "{}: {d:#?}", f.display());
            sequences += 1;
        }
    }
    assert!(sequences >= 290, "task sequences compared: {sequences}");
}

#[test]
fn archive_members_match_their_extracted_files() {
    let Some((corpus, zips)) = support::corpus_or_skip("archive_members_match_their_extracted_files") else { return };
    let manifest = std::fs::read_to_string(corpus.join("MANIFEST.tsv")).unwrap();
    let zip_manifest = std::fs::read_to_string(zips.join("MANIFEST.tsv")).unwrap();
    let mut compared = 0;
    for line in zip_manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (zip, source) = (zips.join(cols[0]), cols[2]);
        for entry in manifest.lines().skip(1) {
            let e: Vec<&str> = entry.split('\t').collect();
            let Some(member) = e[2].strip_prefix(source).and_then(|m| m.strip_prefix('!')) else { continue };
            if !member.starts_with("SMS_TaskSequencePackage/") {
                continue;
            }
            let arg = format!("{}!{member}", zip.display());
            let extracted = corpus.join(e[0]);
            let (code, out, err) = run(&["diff", "--format", "json", &arg, extracted.to_str().unwrap()]);
            assert_eq!(code, 0, "{arg}: {err}{out}");
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(v["old"]["path"], arg.as_str());
            assert!(v["nodes"].as_array().unwrap().is_empty());
            compared += 1;
        }
    }
    assert!(compared >= 8, "archive members compared: {compared}");
}

// ---------------------------------------------------------------------------------------------
// Synthetic edits of real files.

/// A real file whose `<sequence>` text can be edited in place: the bytes before and after it.
struct Editable {
    head: String,
    seq: String,
    tail: String,
}

impl Editable {
    fn new(bytes: &[u8]) -> Self {
        let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).unwrap().to_owned();
        // In an object.xml the CDATA content, as written (the parser would normalize line ends).
        let cdata = text.find("NAME=\"Sequence\"").and_then(|p| text[p..].find("<![CDATA[").map(|c| p + c + 9));
        let seq = match cdata {
            Some(start) => text[start..start + text[start..].find("]]>").unwrap()].to_owned(),
            None => sequence_xml(bytes),
        };
        let at = text.find(&seq).expect("the sequence text is verbatim in the file");
        Self { head: text[..at].to_owned(), tail: text[at + seq.len()..].to_owned(), seq }
    }

    fn with(&self, seq: &str) -> Vec<u8> {
        format!("{}{seq}{}", self.head, self.tail).into_bytes()
    }

    fn original(&self) -> Vec<u8> {
        self.with(&self.seq)
    }
}

/// The files the edits are made on: each container format, small and large.
fn edit_targets() -> Option<Vec<PathBuf>> {
    let (corpus, _) = support::corpus_or_skip("synthetic edits")?;
    Some(
        [
            "keithga-DeployShared/Source/MDT.8456/Templates/Client.xml",
            "keithga-DeployShared/Source/MDT2013/SCCM/SCCM_Client.xml",
            "DeploymentResearch-HydrationKitWS2025/Source/Hydration/Control/CM01/ts.xml",
            "gwblok-garytown/ConfigMgr/Baselines/CVE-2023-24932/KB5025885 - Remediation.zip.extracted/SMS_TaskSequencePackage/2CM00010/object.xml",
        ]
        .iter()
        .map(|p| corpus.join(p))
        .collect(),
    )
}

/// Node elements of a sequence text with their name, path of names and sibling name counts.
struct NodeInfo {
    range: std::ops::Range<usize>,
    start_tag: std::ops::Range<usize>,
    name: String,
    path: String,
    parent_path: String,
    unique_among_siblings: bool,
    is_group: bool,
    child_names: Vec<String>,
    closing: Option<usize>,
    disabled: bool,
}

fn nodes(seq: &str) -> Vec<NodeInfo> {
    let doc = roxmltree::Document::parse(seq).unwrap();
    let mut out = Vec::new();
    for n in doc.descendants().filter(is_node) {
        let ancestors: Vec<String> = n
            .ancestors()
            .skip(1)
            .filter(is_node)
            .map(|a| a.attribute("name").unwrap_or("").to_owned())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let name = n.attribute("name").unwrap_or("").to_owned();
        let parent = n.parent().unwrap();
        let same = parent.children().filter(is_node).filter(|s| s.attribute("name") == Some(name.as_str())).count();
        let r = n.range();
        let whole = &seq[r.clone()];
        let tag_end = start_tag_end(seq, n) + 1;
        let closing = whole.rfind("</").filter(|_| !seq[r.start..tag_end].ends_with("/>")).map(|i| r.start + i);
        out.push(NodeInfo {
            range: r,
            start_tag: n.range().start..tag_end,
            path: ancestors.iter().cloned().chain(std::iter::once(name.clone())).collect::<Vec<_>>().join("/"),
            parent_path: ancestors.join("/"),
            name,
            unique_among_siblings: same == 1,
            is_group: n.has_tag_name("group"),
            child_names: n.children().filter(is_node).map(|c| c.attribute("name").unwrap_or("").to_owned()).collect(),
            closing,
            disabled: n.attribute("disable").is_some_and(|v| v == "true"),
        });
    }
    out
}

/// The offset of the `>` that ends a node's start tag (values may hold `>`).
fn start_tag_end(seq: &str, n: roxmltree::Node<'_, '_>) -> usize {
    let after = n.attributes().next_back().map_or(n.range().start + 1 + n.tag_name().name().len(), |a| a.range().end);
    after + seq[after..].find('>').unwrap()
}

/// The only node change of a diff, asserting there is nothing else.
fn only_change(label: &str, d: &Diff) -> tsq::diff::NodeChange {
    assert!(d.sequence.is_empty(), "{label}: no sequence-level change: {:#?}", d.sequence);
    assert_eq!(d.nodes.len(), 1, "{label}: exactly one node changes: {:#?}", d.nodes);
    d.nodes[0].clone()
}

#[test]
fn synthetic_edits_give_exactly_the_expected_change() {
    let Some(targets) = edit_targets() else { return };
    for path in targets {
        let label = path.file_name().unwrap().to_string_lossy().into_owned();
        let e = Editable::new(&std::fs::read(&path).unwrap());
        let original = e.original();
        let seq = &e.seq;
        let all = nodes(seq);

        // Rename a step, and a group (its children keep their place and content).
        for want_group in [false, true] {
            let n = all.iter().find(|n| n.unique_among_siblings && n.is_group == want_group && !n.name.is_empty()).unwrap();
            let tag = &seq[n.start_tag.clone()];
            let old_attr = tag.match_indices(" name=\"").next().map(|(i, _)| i).unwrap();
            let new_tag = format!(
                "{} name=\"Renamed by tsq test\"{}",
                &tag[..old_attr],
                &tag[old_attr + 7 + tag[old_attr + 7..].find('"').unwrap() + 1..]
            );
            let edited = format!("{}{new_tag}{}", &seq[..n.start_tag.start], &seq[n.start_tag.end..]);
            let c = only_change(&format!("{label}: rename {}", n.path), &diff_bytes(&original, &e.with(&edited)));
            assert!(
                matches!(&c.changes[..], [Detail::Renamed { after, .. }] if after == "Renamed by tsq test"),
                "{label}: {:#?}",
                c.changes
            );
            assert_eq!(c.old.unwrap().path, n.path);
        }

        // Toggle `disable` on an enabled step.
        let n = all.iter().find(|n| !n.is_group && !n.disabled).unwrap();
        let tag = &seq[n.start_tag.clone()];
        let new_tag = if tag.contains(" disable=\"false\"") {
            tag.replacen(" disable=\"false\"", " disable=\"true\"", 1)
        } else {
            tag.replacen(" name=\"", " disable=\"true\" name=\"", 1)
        };
        let edited = format!("{}{new_tag}{}", &seq[..n.start_tag.start], &seq[n.start_tag.end..]);
        let c = only_change(&format!("{label}: disable"), &diff_bytes(&original, &e.with(&edited)));
        assert_eq!(c.changes, vec![Detail::Disabled], "{label}");

        // Change a condition operator: the first `equals` of a variable expression.
        let pattern = "<variable name=\"Operator\">equals</variable>";
        let at = seq.find(pattern).unwrap();
        let edited = format!("{}<variable name=\"Operator\">notEquals</variable>{}", &seq[..at], &seq[at + pattern.len()..]);
        let d = diff_bytes(&original, &e.with(&edited));
        let c = only_change(&format!("{label}: operator"), &d);
        match &c.changes[..] {
            [Detail::Condition { before: Some(b), after: Some(a) }] => {
                assert!(b.contains(" = ") && a.contains(" != "), "{label}: {b} → {a}");
                assert_eq!(b.replacen(" = ", " != ", 1).len(), a.len(), "{label}: only the operator changes");
            }
            other => panic!("{label}: {other:#?}"),
        }
        let holder = all.iter().rfind(|n| n.range.start < at && at < n.range.end).unwrap();
        assert_eq!(c.new.unwrap().path, holder.path, "{label}");

        // Move a step into another group, where no sibling has its name.
        let (step, group) = all
            .iter()
            .filter(|s| !s.is_group && s.unique_among_siblings && !s.name.is_empty())
            .find_map(|s| {
                let g = all.iter().find(|g| {
                    g.is_group
                        && g.closing.is_some()
                        && g.path != s.parent_path
                        && !g.child_names.contains(&s.name)
                        && !(g.range.start < s.range.start && s.range.end < g.range.end)
                })?;
                Some((s, g))
            })
            .unwrap();
        let block = &seq[step.range.clone()];
        let close = group.closing.unwrap();
        let edited = if close > step.range.end {
            format!("{}{}{block}{}", &seq[..step.range.start], &seq[step.range.end..close], &seq[close..])
        } else {
            format!("{}{block}{}{}", &seq[..close], &seq[close..step.range.start], &seq[step.range.end..])
        };
        let c = only_change(&format!("{label}: move {} into {}", step.path, group.path), &diff_bytes(&original, &e.with(&edited)));
        assert_eq!(c.changes, vec![Detail::Moved], "{label}");
        let (o, n) = (c.old.unwrap(), c.new.unwrap());
        assert_eq!((o.parent.as_str(), n.parent.as_str()), (step.parent_path.as_str(), group.path.as_str()), "{label}");
        assert_eq!(n.position, group.child_names.len() + 1, "{label}: appended to the group");

        // Reorder every node's attributes and change the whitespace between them: no difference.
        let mut edited = String::new();
        let mut last = 0;
        let doc = roxmltree::Document::parse(seq).unwrap();
        for n in doc.descendants().filter(is_node) {
            let start = n.range().start;
            let tag_end = start_tag_end(seq, n);
            let self_closing = seq[..tag_end].ends_with('/');
            let mut attrs: Vec<String> = n.attributes().map(|a| seq[a.range()].to_owned()).collect();
            attrs.reverse();
            edited.push_str(&seq[last..start]);
            edited.push_str(&format!("<{}\n    {}{}>", n.tag_name().name(), attrs.join("\n\t"), if self_closing { "/" } else { "" }));
            last = tag_end + 1;
        }
        edited.push_str(&seq[last..]);
        assert_ne!(&edited, seq);
        let d = diff_bytes(&original, &e.with(&edited));
        assert!(d.is_empty(), "{label}: attribute order: {d:#?}");

        // `tsq fmt`: no difference.
        let source = tsq::source::SourceFile::decode("x", original.clone()).unwrap();
        let formatted = tsq::writer::format(&source).unwrap();
        assert_ne!(formatted.as_bytes(), &original[..], "{label}: fmt changes the layout");
        let d = diff_bytes(&original, formatted.as_bytes());
        assert!(d.is_empty(), "{label}: fmt: {d:#?}");
    }
}

#[test]
fn a_changed_package_id_is_one_reference_change() {
    let Some((corpus, _)) = support::corpus_or_skip("a_changed_package_id_is_one_reference_change") else { return };
    let mut edited_files = 0;
    for rel in [
        "keithga-DeployShared/Source/MDT2013/SCCM/SCCM_Client.xml",
        "gwblok-garytown/ConfigMgr/Baselines/CVE-2023-24932/KB5025885 - Remediation.zip.extracted/SMS_TaskSequencePackage/2CM00010/object.xml",
        "2pintsoftware-2Pint-OSDToolkit/Module- 2Pint Software OSD Toolkit Phase 3 24.08.14.zip.extracted/SMS_TaskSequencePackage/PS100159/object.xml",
    ] {
        let e = Editable::new(&std::fs::read(corpus.join(rel)).unwrap());
        let seq = &e.seq;
        // The first step with a package-ID variable: its ID, replaced inside that step only (in
        // the variable and the `<action>` switch ConfigMgr generates from it).
        let all = nodes(seq);
        let found = all.iter().filter(|n| !n.is_group).find_map(|n| {
            let s = &seq[n.range.clone()];
            let at = s.find("PackageID\" property=")?;
            let v = &s[at..];
            let v = &v[v.find('>')? + 1..];
            let id = &v[..v.find('<')?];
            (id.len() == 8 && !id.contains('%')).then(|| (n, id.to_owned()))
        });
        let Some((step, id)) = found else { continue };
        let block = seq[step.range.clone()].replace(&id, "ZZZ00001");
        let edited = format!("{}{block}{}", &seq[..step.range.start], &seq[step.range.end..]);
        let d = diff_bytes(&e.original(), &e.with(&edited));
        let c = only_change(&format!("{rel}: package ID of {}", step.path), &d);
        assert_eq!(
            c.changes,
            vec![Detail::References { removed: vec![id.to_ascii_uppercase()], added: vec!["ZZZ00001".to_owned()] }],
            "{rel}"
        );
        edited_files += 1;
    }
    assert!(edited_files >= 2, "files with a package-ID step: {edited_files}");
}

#[test]
fn an_edited_embedded_script_is_one_line_diff() {
    use base64::Engine as _;
    let Some((corpus, _)) = support::corpus_or_skip("an_edited_embedded_script_is_one_line_diff") else { return };
    let rel = "gwblok-garytown/ConfigMgr/Baselines/CVE-2023-24932/KB5025885 - Remediation.zip.extracted/SMS_TaskSequencePackage/2CM00010/object.xml";
    let e = Editable::new(&std::fs::read(corpus.join(rel)).unwrap());
    let seq = &e.seq;
    let head = "property=\"SourceScript\">";
    let start = seq.find(head).unwrap() + head.len();
    let end = start + seq[start..].find('<').unwrap();
    let bytes = base64::engine::general_purpose::STANDARD.decode(&seq[start..end]).unwrap();
    assert!(bytes.starts_with(b"\xFF\xFE"), "the console stores UTF-16LE with a BOM");
    let units: Vec<u16> = bytes[2..].chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    let script = String::from_utf16(&units).unwrap();
    // Change the second line, keeping the line ends as they are.
    let second = script.split_inclusive('\n').nth(1).unwrap().to_owned();
    let changed = script.replacen(&second, &format!("# edited by tsq test{}", if second.ends_with("\r\n") { "\r\n" } else { "\n" }), 1);
    let mut encoded = vec![0xFF, 0xFE];
    encoded.extend(changed.encode_utf16().flat_map(u16::to_le_bytes));
    let edited = format!("{}{}{}", &seq[..start], base64::engine::general_purpose::STANDARD.encode(encoded), &seq[end..]);
    let c = only_change("script", &diff_bytes(&e.original(), &e.with(&edited)));
    let [Detail::Script { name, diff }] = &c.changes[..] else { panic!("{:#?}", c.changes) };
    assert_eq!(name, "OSDRunPowerShellScriptSourceScript");
    let added: Vec<&str> = diff.lines().filter(|l| l.starts_with('+') && !l.starts_with("+++")).collect();
    let removed: Vec<&str> = diff.lines().filter(|l| l.starts_with('-') && !l.starts_with("---")).collect();
    assert_eq!(added, ["+# edited by tsq test"], "{diff}");
    assert_eq!(removed, [format!("-{}", second.trim_end_matches(['\r', '\n']))], "{diff}");
}

// ---------------------------------------------------------------------------------------------
// The command line.

fn in_root() {
    std::env::set_current_dir(support::root()).unwrap();
}

#[test]
fn exit_codes_and_formats() {
    in_root();
    let (code, out, err) = run(&["diff", "tests/fixtures/diff/v1.xml", "tests/fixtures/diff/v2.xml", "--color", "never"]);
    assert_eq!(code, 1, "{err}");
    snap("fixture-v1-v2-human", &out);
    let (code, out, _) = run(&["diff", "--format", "markdown", "tests/fixtures/diff/v1.xml", "tests/fixtures/diff/v2.xml"]);
    assert_eq!(code, 1);
    snap("fixture-v1-v2-markdown", &out);
    let (code, out, _) = run(&["diff", "--format", "json", "tests/fixtures/diff/v1.xml", "tests/fixtures/diff/v2.xml"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], 1);
    snap("fixture-v1-v2-json", &out);
    assert!(!out.contains("DeployPassword"), "secret values are masked");

    // The examples: a raw sequence against the minified one, an object.xml against an archive.
    let (code, out, _) = run(&["diff", "--color", "never", "examples/raw-sequence.xml", "examples/minified.xml"]);
    assert_eq!(code, 1);
    snap("examples-raw-minified-human", &out);
    let (code, out, _) = run(&["diff", "--format", "markdown", "examples/export/object.xml", "examples/export.zip"]);
    assert_eq!(code, 1);
    snap("examples-object-zip-markdown", &out);

    // The same file, and an archive against its own single member: exit 0.
    let (code, out, _) = run(&["diff", "examples/raw-sequence.xml", "examples/raw-sequence.xml"]);
    assert_eq!((code, out.contains("no semantic difference")), (0, true));
    let (code, _, err) = run(&["diff", "examples/export.zip", "examples/export.zip!SMS_TaskSequencePackage/CM100060/object.xml"]);
    assert_eq!(code, 0, "{err}");

    // Errors: exit 2 with one sentence naming the path.
    let (code, _, err) = run(&["diff", "examples/none.xml", "examples/raw-sequence.xml"]);
    assert_eq!(code, 2);
    assert!(err.contains("examples/none.xml"), "{err}");
    let (code, _, err) = run(&["diff", "examples/export.zip!SMS_TaskSequencePackage/XX/object.xml", "examples/raw-sequence.xml"]);
    assert_eq!(code, 2);
    assert!(err.contains("has no task sequence `SMS_TaskSequencePackage/XX/object.xml`") && err.contains("CM100060"), "{err}");
    let (code, _, err) = run(&["diff", "tests/fixtures/quirks/escaped-text.xml", "examples/raw-sequence.xml"]);
    assert_eq!(code, 2);
    assert!(err.contains("tests/fixtures/quirks/escaped-text.xml:1:1"), "{err}");
}

#[test]
fn an_archive_with_several_sequences_needs_a_member() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("two.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let object = std::fs::read_to_string(support::root().join("examples/export/object.xml")).unwrap();
    for id in ["CM100001", "CM100002"] {
        zip.start_file(format!("SMS_TaskSequencePackage/{id}/object.xml"), zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut zip, object.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    let z = zip_path.to_str().unwrap();
    let (code, _, err) = run(&["diff", z, "examples/export/object.xml"]);
    assert_eq!(code, 2);
    assert!(err.contains("holds 2 task sequences"), "{err}");
    let member = format!("{z}!SMS_TaskSequencePackage/CM100002/object.xml");
    let (code, _, err) = run(&["diff", &member, support::root().join("examples/export/object.xml").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn git_textconv_shows_semantic_changes() {
    let git = |dir: &Path, args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    git(d, &["config", "user.email", "test@example.com"]);
    git(d, &["config", "user.name", "tsq test"]);
    git(d, &["config", "diff.tsq.textconv", &format!("{} show --format text", env!("CARGO_BIN_EXE_tsq"))]);
    std::fs::write(d.join(".gitattributes"), "*.xml diff=tsq\n*.zip diff=tsq\n").unwrap();
    let v1 = std::fs::read(support::root().join("tests/fixtures/diff/v1.xml")).unwrap();
    std::fs::write(d.join("ts.xml"), &v1).unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "v1"]);

    // Re-indented with tabs and LF line ends: the bytes change, the meaning does not, so git
    // shows no changed line.
    let relaid = String::from_utf8(v1.clone()).unwrap().replace("\r\n", "\n").replace("  ", "\t");
    std::fs::write(d.join("ts.xml"), relaid).unwrap();
    assert!(!git(d, &["diff", "--no-color", "--no-textconv", "--stat"]).is_empty(), "the bytes changed");
    let out = git(d, &["diff", "--no-color"]);
    let changed: Vec<&str> =
        out.lines().filter(|l| (l.starts_with('+') || l.starts_with('-')) && !l.starts_with("+++") && !l.starts_with("---")).collect();
    assert!(changed.is_empty(), "{out}");
    git(d, &["commit", "-q", "-am", "fmt"]);

    // The edited version: renamed step, changed script and variable, moved step.
    std::fs::copy(support::root().join("tests/fixtures/diff/v2.xml"), d.join("ts.xml")).unwrap();
    git(d, &["commit", "-q", "-am", "v2"]);
    let log = git(d, &["log", "-p", "--no-color", "-1"]);
    assert!(log.contains("-  step (SMS_TaskSequence_SetVariableAction) Set Deployment Ring"), "{log}");
    assert!(log.contains("+  step (SMS_TaskSequence_SetVariableAction) Set Pilot Ring"), "{log}");
    assert!(log.contains("+        | $channel = $ts.Value('ContosoUpdateChannel')"), "{log}");
    assert!(log.contains("-      timeout = 900") && log.contains("+      timeout = 1800"), "{log}");
    assert!(!log.contains("DeployPassword"), "secrets stay masked in git output: {log}");
    // Without the driver, git shows the raw XML.
    let raw = git(d, &["log", "-p", "--no-color", "--no-textconv", "-1"]);
    assert!(raw.contains("<step type="), "{raw}");

    // An export archive: git shows its task sequence, not "Binary files differ".
    std::fs::copy(support::root().join("examples/export.zip"), d.join("export.zip")).unwrap();
    git(d, &["add", "export.zip"]);
    git(d, &["commit", "-q", "-m", "zip"]);
    let object = std::fs::read(support::root().join("examples/export/object.xml")).unwrap();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(d.join("export.zip")).unwrap());
    zip.start_file("SMS_TaskSequencePackage/CM100050/object.xml", zip::write::SimpleFileOptions::default()).unwrap();
    std::io::Write::write_all(&mut zip, &object).unwrap();
    zip.finish().unwrap();
    let out = git(d, &["diff", "--no-color"]);
    assert!(
        out.contains("+group Install Operating System")
            && out.contains("-  step (SMS_TaskSequence_SetVariableAction) Set Tools Log Folder"),
        "{out}"
    );
    assert!(!out.contains("Binary files"), "{out}");
}

#[test]
fn standard_input_is_one_side() {
    use std::io::Write as _;
    let bin = env!("CARGO_BIN_EXE_tsq");
    let file = support::root().join("examples/minified.xml");
    let mut child = std::process::Command::new(bin)
        .args(["diff", "-", file.to_str().unwrap(), "--stdin-filename", "piped.xml", "--format", "json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&std::fs::read(&file).unwrap()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["old"]["path"], "piped.xml");
    let (code, _, err) = run(&["diff", "-", "-"]);
    assert_eq!(code, 2);
    assert!(err.contains("only one side"), "{err}");
}

/// A sequence nested as deep as the model allows: groups inside groups, a condition of nested
/// operators, a step at the bottom.
fn deep(step_name: &str) -> String {
    let depth = 120;
    let mut cond = String::from(
        r#"<expression type="SMS_TaskSequence_VariableConditionExpression"><variable name="Variable">A</variable><variable name="Operator">equals</variable><variable name="Value">1</variable></expression>"#,
    );
    for i in 0..depth {
        let op = if i % 2 == 0 { "and" } else { "or" };
        cond = format!(
            r#"<operator type="{op}">{cond}<expression type="SMS_TaskSequence_VariableConditionExpression"><variable name="Variable">V{i}</variable><variable name="Operator">exists</variable></expression></operator>"#
        );
    }
    let mut body = format!(
        r#"<step type="SMS_TaskSequence_RebootAction" name="{step_name}"><condition>{cond}</condition><action>smsboot.exe</action></step>"#
    );
    for i in 0..depth {
        body = format!(r#"<group name="G{i}">{body}</group>"#);
    }
    format!(r#"<sequence version="3.10">{body}</sequence>"#)
}

#[test]
fn deep_nesting_diffs_and_renders() {
    let (a, b) = (deep("Restart"), deep("Restart now"));
    let d = diff_bytes(a.as_bytes(), b.as_bytes());
    assert_eq!(d.nodes.len(), 1, "{:#?}", d.summary);
    assert!(matches!(&d.nodes[0].changes[..], [Detail::Renamed { .. }]));
    assert!(diff_bytes(a.as_bytes(), a.as_bytes()).is_empty());
    let ts = load("deep.xml", a.as_bytes());
    let named = tsq::render::Named { path: "deep.xml", ts: &ts };
    for out in [
        tsq::render::tree::tree(&named, tsq::render::Style::new(true)),
        tsq::render::tree::text(&named),
        tsq::render::markdown::markdown(&named),
        tsq::render::html::html(&[named]),
    ] {
        assert!(out.contains("Restart") && out.contains("V119"), "{out:.200}");
    }
    // Mermaid cuts long conditions.
    let chart = tsq::render::mermaid::mermaid(&named);
    assert!(chart.contains("Restart") && chart.contains("…"), "{chart:.200}");
}
