//! Layouts as users keep them: console exports unzipped into folders, MDT deployment shares,
//! directory walks with other XML and symbolic links, and the pre-import check against a site
//! inventory on real exports.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use support::run;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use tsq::container::load_bytes;
use tsq::inventory::Inventory;
use tsq::lint::{Settings, check};

/// `(path after `strip`, line, column, severity, rule, message)` of a `--format json` run.
fn findings(json: &str, strip: &str) -> Vec<(String, u64, u64, String, String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut out: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let path = d["path"].as_str().unwrap();
            (
                path.strip_prefix(strip).unwrap_or(path).to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["severity"].as_str().unwrap().to_owned(),
                d["rule"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

fn unzip(zip: &Path, into: &Path) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    for i in 0..archive.len() {
        let mut member = archive.by_index(i).unwrap();
        let name = member.name().unwrap().replace('\\', "/");
        let target = into.join(&name);
        if member.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            continue;
        }
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        let mut data = Vec::new();
        member.read_to_end(&mut data).unwrap();
        std::fs::write(target, data).unwrap();
    }
}

fn zips(test: &str) -> Vec<PathBuf> {
    let Some((_, zips)) = support::corpus_or_skip(test) else { return Vec::new() };
    let mut out: Vec<PathBuf> =
        std::fs::read_dir(&zips).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "zip")).collect();
    out.sort();
    assert_eq!(out.len(), 8, "the corpus has 8 export archives");
    out
}

/// Every corpus export, unzipped into a folder, gives the findings of its zip (member paths
/// aside) and no `unsupported-format` for the export's other XML, with and without an inventory.
#[test]
fn unzipped_exports_read_like_their_zip() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty-site.txt");
    std::fs::write(&empty, "").unwrap();
    for zip in zips("the unzipped-export test") {
        let dir = tmp.path().join(zip.file_stem().unwrap());
        unzip(&zip, &dir);
        let (zip_s, dir_s) = (zip.to_str().unwrap(), dir.to_str().unwrap());
        for extra in [&[][..], &["--inventory", empty.to_str().unwrap()][..]] {
            let (_, zip_out, zip_err) = run(&[&["check", "--format", "json", zip_s][..], extra].concat());
            let (_, dir_out, dir_err) = run(&[&["check", "--format", "json", dir_s][..], extra].concat());
            assert!(zip_err.is_empty() && dir_err.is_empty(), "{zip_err}{dir_err}");
            let from_zip = findings(&zip_out, &format!("{zip_s}!"));
            let from_dir = findings(&dir_out, &format!("{dir_s}/"));
            assert!(from_dir.iter().all(|f| f.4 != "unsupported-format"), "{}: {from_dir:?}", zip.display());
            assert_eq!(from_zip, from_dir, "{} {extra:?}", zip.display());
            let v: serde_json::Value = serde_json::from_str(&dir_out).unwrap();
            assert_eq!(v["summary"]["files"], 1, "{}: only the task sequence is checked", zip.display());
        }
        // The dependency objects beside the sequence are its shipped inventory: an empty site
        // inventory reports nothing they hold.
        let shipped = load_bytes("z", std::fs::read(&zip).unwrap(), None).remove(0).result.unwrap().shipped;
        let (_, out, _) = run(&["check", "--format", "json", "--inventory", empty.to_str().unwrap(), dir_s]);
        for s in shipped.iter() {
            assert!(!out.contains(&format!("`{}`", s.id)), "{}: shipped {} reported", zip.display(), s.id);
        }
        // fmt walks the same way: only the task sequence is considered.
        let (_, _, err) = run(&["fmt", "--check", dir_s]);
        assert!(!err.contains("unsupported-format") && err.contains("tsq fmt: 1 file"), "{err}");
        // Named explicitly, a non-sequence file of the export is still refused.
        let (code, out, _) = run(&["check", "--format", "concise", dir.join("Manifest.xml").to_str().unwrap()]);
        assert!(code == 1 && out.contains("unsupported-format"), "{out}");
    }
}

/// The model's view: step numbers of enabled steps whose variables or action name `id`.
fn enabled_users(ts: &tsq::container::TaskSequence, id: &str) -> BTreeSet<usize> {
    let id = id.to_ascii_uppercase();
    ts.sequence
        .walk()
        .filter(|v| !v.effectively_disabled())
        .filter(|v| {
            let vars = v
                .node
                .variables
                .iter()
                .filter(|x| !x.name().to_ascii_lowercase().contains("tsreference"))
                .any(|x| x.value.text().split(',').any(|p| p.trim().eq_ignore_ascii_case(&id)));
            let action = v.node.action.as_ref().is_some_and(|a| a.text().to_ascii_uppercase().contains(&format!(":{id}")));
            vars || action
        })
        .map(|v| v.number)
        .collect()
}

/// For real exports: an inventory of the export's own shipped objects minus one reports the
/// missing one at every enabled step that uses it (the sequence read without its export), and
/// nothing when the export ships it.
#[test]
fn inventory_minus_one_shipped_object() {
    let mut checked = 0;
    for zip in zips("the pre-import inventory test") {
        let bytes = std::fs::read(&zip).unwrap();
        let loaded = load_bytes("export.zip", bytes.clone(), None);
        let ts = loaded[0].result.as_ref().unwrap();
        let shipped: Vec<String> = ts.shipped.iter().map(|s| s.id.clone()).collect();
        let member = loaded[0].path.strip_prefix("export.zip!").unwrap().to_owned();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        let mut alone = Vec::new();
        archive.by_name(&member).unwrap().read_to_end(&mut alone).unwrap();
        for missing in &shipped {
            let list: Vec<&str> = shipped.iter().filter(|s| *s != missing).map(String::as_str).collect();
            let settings = Settings { inventory: Some(Inventory::parse(&list.join("\n")).unwrap()), ..Settings::default() };
            let mut one = load_bytes("object.xml", alone.clone(), None);
            let model = one[0].result.as_ref().unwrap().clone();
            let result = check(one.remove(0), &settings);
            let reported: BTreeSet<usize> = result
                .diagnostics
                .iter()
                .filter(|d| d.rule == "dangling-reference" && d.message.contains(&format!("`{missing}`")))
                .filter(|d| d.severity == tsq::diagnostic::Severity::Error)
                .filter_map(|d| d.step_number)
                .collect();
            let expected = enabled_users(&model, missing);
            assert!(!expected.is_empty(), "{}: {missing} is shipped but used by no enabled step", zip.display());
            assert_eq!(reported, expected, "{}: {missing}", zip.display());
            // Shipped in the same export, the object needs no inventory entry.
            let in_zip: Vec<_> = load_bytes("export.zip", bytes.clone(), None).into_iter().map(|l| check(l, &settings)).collect();
            assert!(in_zip.iter().flat_map(|r| &r.diagnostics).all(|d| !d.message.contains(&format!("`{missing}`"))));
            checked += 1;
        }
    }
    if support::shared_dir("corpus-zips").is_some() {
        assert!(checked >= 3, "the corpus exports ship at least three dependency objects");
    }
}

/// A value of a `<variable name="NAME" …>` in an MDT ts.xml, by plain text search.
fn values_of(text: &str, name: &str) -> BTreeSet<String> {
    let needle = format!("<variable name=\"{name}\" property=\"{name}\">");
    text.match_indices(&needle)
        .filter_map(|(i, _)| text[i + needle.len()..].split('<').next())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

fn control_file(root: &str, item: &str, entries: &BTreeSet<String>, by_name: bool) -> String {
    let mut s = format!("<{root}>");
    for (i, e) in entries.iter().enumerate() {
        if by_name {
            s.push_str(&format!("<{item} guid=\"{{00000000-0000-0000-0000-{i:012}}}\" enable=\"True\"><Name>{e}</Name></{item}>"));
        } else {
            s.push_str(&format!("<{item} guid=\"{e}\" enable=\"True\"><Name>item {i}</Name></{item}>"));
        }
    }
    s.push_str(&format!("</{root}>"));
    s
}

/// An MDT share laid out as the Deployment Workbench writes it, from the HydrationKit sequences in
/// the corpus: checked as a unit without `unsupported-format`; an operating system and an
/// application missing from its control files are reported where enabled steps name them.
#[test]
fn mdt_share_is_read_as_a_unit() {
    let Some((corpus, _)) = support::corpus_or_skip("the MDT share test") else { return };
    let src = corpus.join("DeploymentResearch-HydrationKitWS2025/Source/Hydration/Control");
    let tmp = tempfile::tempdir().unwrap();
    let share = tmp.path().join("DeploymentShare");
    let control = share.join("Control");
    let mut ids = BTreeSet::new();
    let (mut oss, mut apps, mut profiles) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for e in std::fs::read_dir(&src).unwrap() {
        let dir = e.unwrap().path();
        let id = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let text = std::fs::read_to_string(dir.join("ts.xml")).unwrap();
        oss.extend(values_of(&text, "OSGUID"));
        apps.extend(values_of(&text, "ApplicationGUID"));
        profiles.extend(values_of(&text, "DriverSelectionProfile"));
        profiles.extend(values_of(&text, "PackageSelectionProfile"));
        std::fs::create_dir_all(control.join(&id)).unwrap();
        std::fs::write(control.join(&id).join("ts.xml"), text).unwrap();
        std::fs::write(
            control.join(&id).join("Unattend.xml"),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<unattend xmlns=\"urn:schemas-microsoft-com:unattend\"/>\n",
        )
        .unwrap();
        ids.insert(id);
    }
    assert!(ids.len() >= 8 && !oss.is_empty() && apps.len() > 5, "{ids:?} {oss:?} {apps:?}");
    std::fs::write(
        control.join("TaskSequences.xml"),
        control_file("tss", "ts", &ids, true).replace("<Name>", "<ID>").replace("</Name>", "</ID>"),
    )
    .unwrap();
    std::fs::write(control.join("SelectionProfiles.xml"), control_file("selectionProfiles", "selectionProfile", &profiles, true)).unwrap();
    std::fs::write(control.join("Settings.xml"), "<Settings><UNCPath>\\\\MDT01\\DeploymentShare$</UNCPath></Settings>").unwrap();
    std::fs::create_dir_all(share.join("Scripts")).unwrap();
    std::fs::write(
        share.join("Scripts/ZTIGather.xml"),
        "<?xml version=\"1.0\"?><gather><property id=\"IsServerOS\" type=\"string\"/></gather>",
    )
    .unwrap();
    let write_catalogue = |skip_os: Option<&String>, skip_app: Option<&String>| {
        let os: BTreeSet<String> = oss.iter().filter(|g| Some(*g) != skip_os).cloned().collect();
        let app: BTreeSet<String> = apps.iter().filter(|g| Some(*g) != skip_app).cloned().collect();
        std::fs::write(control.join("OperatingSystems.xml"), control_file("oss", "os", &os, false)).unwrap();
        std::fs::write(control.join("Applications.xml"), control_file("applications", "application", &app, false)).unwrap();
    };
    write_catalogue(None, None);
    let share_s = share.to_str().unwrap();
    let (code, out, err) = run(&["check", "--format", "json", share_s]);
    let all = findings(&out, &format!("{share_s}/"));
    assert!(err.is_empty(), "{err}");
    assert!(all.iter().all(|f| f.4 != "unsupported-format" && f.4 != "dangling-share-reference" && f.4 != "xml-syntax"), "{all:?}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["files"].as_u64(), Some(ids.len() as u64), "only the ts.xml files are checked (exit {code})");

    // Remove an OS and an application that enabled steps use.
    let mut users: BTreeMap<String, BTreeSet<(String, usize)>> = BTreeMap::new();
    for id in &ids {
        let path = control.join(id).join("ts.xml");
        let ts = load_bytes("ts.xml", std::fs::read(&path).unwrap(), None).remove(0).result.unwrap();
        for visit in ts.sequence.walk().filter(|v| !v.effectively_disabled()) {
            for var in visit.node.variables.iter().filter(|x| x.name() == "OSGUID" || x.name() == "ApplicationGUID") {
                let g = var.value.text().trim().to_owned();
                if !g.is_empty() {
                    users.entry(g).or_default().insert((format!("Control/{id}/ts.xml"), visit.number));
                }
            }
        }
    }
    let os = oss.iter().find(|g| users.contains_key(*g)).unwrap();
    let app = apps.iter().find(|g| users.contains_key(*g)).unwrap();
    write_catalogue(Some(os), Some(app));
    let (code, out, _) = run(&["check", "--format", "json", "--select", "dangling-share-reference", share_s]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut got: BTreeMap<String, BTreeSet<(String, usize)>> = BTreeMap::new();
    for d in v["diagnostics"].as_array().unwrap() {
        let msg = d["message"].as_str().unwrap();
        let guid = msg.split('`').nth(1).unwrap().to_owned();
        let path = d["path"].as_str().unwrap().strip_prefix(&format!("{share_s}/")).unwrap().to_owned();
        got.entry(guid).or_default().insert((path, d["step_number"].as_u64().unwrap() as usize));
    }
    let expected: BTreeMap<String, BTreeSet<(String, usize)>> = [os, app].into_iter().map(|g| (g.clone(), users[g].clone())).collect();
    assert_eq!(got, expected);

    // A control file that does not parse is reported once, as xml-syntax, at its own path.
    std::fs::write(control.join("Applications.xml"), "<applications><application guid=\"{x}\">").unwrap();
    let (_, out, _) = run(&["check", "--format", "concise", "--select", "xml-syntax", share_s]);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with(&format!("{share_s}/Control/Applications.xml:1:")), "{out}");
}

/// Issue 6's inventory reproductions through the command line: Windows PowerShell 5.1's
/// `ConvertTo-Json > site.json` (UTF-16LE with a BOM), a single object, and merged files.
#[test]
fn inventory_files_as_powershell_writes_them() {
    let tmp = tempfile::tempdir().unwrap();
    let seq = tmp.path().join("ts.xml");
    std::fs::write(
        &seq,
        r#"<sequence version="3.10"><referenceList><reference package="CM100031"/><reference package="CM100044"/></referenceList><step type="SMS_TaskSequence_RunCommandLineAction" name="Tools"><defaultVarList><variable name="PackageID" property="PackageID">CM100031</variable></defaultVarList></step><step type="SMS_TaskSequence_RunCommandLineAction" name="Drivers"><defaultVarList><variable name="PackageID" property="PackageID">CM100044</variable></defaultVarList></step></sequence>"#,
    )
    .unwrap();
    let utf16 = |s: &str| -> Vec<u8> { [0xFF, 0xFE].into_iter().chain(s.encode_utf16().flat_map(u16::to_le_bytes)).collect() };
    let both = tmp.path().join("both.json");
    std::fs::write(&both, utf16("[\r\n    {\r\n        \"PackageID\":  \"CM100031\",\r\n        \"Name\":  \"Tools\"\r\n    },\r\n    {\r\n        \"PackageID\":  \"CM100044\",\r\n        \"Name\":  \"Drivers\"\r\n    }\r\n]\r\n")).unwrap();
    let one = tmp.path().join("one.json");
    std::fs::write(&one, utf16("{\r\n    \"PackageID\":  \"CM100031\",\r\n    \"Name\":  \"Tools\"\r\n}\r\n")).unwrap();
    let other = tmp.path().join("other.csv");
    std::fs::write(&other, "#TYPE Selected.Microsoft.ConfigurationManagement.ManagementProvider.WqlQueryEngine.WqlResultObject\r\n\"PackageID\",\"Name\"\r\n\"CM100044\",\"Drivers\"\r\n").unwrap();
    let s = |p: &Path| p.to_str().unwrap().to_owned();
    let (code, out, err) = run(&["check", "--format", "concise", "--inventory", &s(&both), &s(&seq)]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""), "PS 5.1 UTF-16 JSON");
    let (code, out, _) = run(&["check", "--format", "concise", "--inventory", &s(&one), &s(&seq)]);
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("`CM100044`") && out.contains("step `Drivers`"), "{out}");
    let (code, out, _) = run(&["check", "--format", "concise", "--inventory", &s(&one), "--inventory", &s(&other), &s(&seq)]);
    assert_eq!((code, out.as_str()), (0, ""), "two inventories merge");
}

/// Every inventory form and encoding reads the same identifiers.
#[test]
fn every_inventory_form_reads_the_same() {
    const APP: &str = "ScopeId_11111111-2222-3333-4444-555555555555/Application_aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    let forms = [
        format!(
            "#TYPE IResultObject#SMS_Package\r\n\"PackageID\",\"Name\",\"ModelName\"\r\n\"CM100031\",\"Tools, x64\",\"\"\r\n\"CM100005\",\"Boot image\",\"\"\r\n\"\",\"App\",\"{APP}\"\r\n"
        ),
        format!("PackageID,Name,CI_UniqueID\nCM100031,Tools,\nCM100005,Boot image,\n,App,{APP}/4\n"),
        format!(
            "[{{\"PackageID\":\"CM100031\",\"Name\":\"Tools\"}},{{\"PackageID\":\"CM100005\"}},{{\"ModelName\":\"{APP}\",\"LocalizedDisplayName\":\"App\"}}]"
        ),
        format!("[\"CM100031\", \"CM100005\", \"{APP}\"]"),
        format!("CM100031\nCM100005\n{APP}\n"),
    ];
    let tmp = tempfile::tempdir().unwrap();
    let mut seen = Vec::new();
    for (i, text) in forms.iter().enumerate() {
        let encodings: [Vec<u8>; 4] = [
            text.as_bytes().to_vec(),
            [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
            [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect(),
            [0xFE, 0xFF].into_iter().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect(),
        ];
        for (j, bytes) in encodings.iter().enumerate() {
            let path = tmp.path().join(format!("inv-{i}-{j}"));
            std::fs::write(&path, bytes).unwrap();
            let inv = Inventory::load(&path).unwrap_or_else(|e| panic!("form {i} encoding {j}: {e}"));
            let mut ids: Vec<String> = inv.ids().map(str::to_owned).collect();
            ids.retain(|id| !id.ends_with("/4"));
            seen.push((i, j, ids));
        }
    }
    let first = seen[0].2.clone();
    assert_eq!(first.len(), 3, "{first:?}");
    for (i, j, ids) in &seen {
        assert_eq!(ids, &first, "form {i} encoding {j}");
    }
    let single = Inventory::parse("{\"PackageID\": \"CM100031\", \"Name\": \"CM100005\"}").unwrap();
    assert_eq!(single.ids().collect::<Vec<_>>(), ["CM100031"]);
}

/// A walk skips XML that is no task sequence, follows symbolic links, and reports a loop once.
#[cfg(unix)]
#[test]
fn walks_skip_other_xml_and_follow_links() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    std::fs::create_dir_all(root.join("ts")).unwrap();
    std::fs::create_dir_all(root.join("elsewhere")).unwrap();
    std::fs::write(root.join("ts/a.xml"), "<sequence version=\"3.10\"><group name=\"g\"/></sequence>").unwrap();
    std::fs::write(root.join("pom.xml"), "<project/>").unwrap();
    std::fs::write(root.join("empty.xml"), "").unwrap();
    std::fs::write(root.join("elsewhere/b.xml"), "<sequence version=\"3.10\"><group name=\"h\"/></sequence>").unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file("readme.txt", zip::write::SimpleFileOptions::default()).unwrap();
    std::io::Write::write_all(&mut w, b"tools").unwrap();
    std::fs::write(root.join("ts/tools.zip"), w.finish().unwrap().into_inner()).unwrap();
    std::os::unix::fs::symlink(root.join("elsewhere"), root.join("ts/linked")).unwrap();
    std::os::unix::fs::symlink(root.join("ts"), root.join("ts/loop")).unwrap();
    let r = root.to_str().unwrap();
    let (code, out, err) = run(&["check", "--format", "concise", "--select", "empty-group", &format!("{r}/ts")]);
    assert_eq!(out.lines().filter(|l| l.contains("empty-group")).count(), 2, "{out}");
    assert!(out.contains("ts/linked/b.xml"), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("symbolic link loop") && err.contains("ts/loop"), "{err}");
    assert_eq!(code, 2);
    assert!(!out.contains("tools.zip"), "a zip without a task sequence is skipped in a walk: {out}");
    let (_, out, _) = run(&["check", "--format", "concise", &format!("{r}/ts/tools.zip")]);
    assert!(out.contains("tools.zip:1:1: error[unsupported-format]"), "{out}");
    let (code, out, _) = run(&["check", "--format", "concise", &format!("{r}/elsewhere"), &format!("{r}/pom.xml")]);
    assert!(code == 1 && out.contains("pom.xml:1:1: error[unsupported-format]"), "{out}");
    let (_, out, _) = run(&["check", "--format", "concise", "--input-format", "raw-sequence", &format!("{r}/elsewhere")]);
    assert!(!out.contains("unsupported-format"), "{out}");
}

/// Walking the corpus folder gives the findings of reading each corpus file on its own: the walk
/// skips nothing that holds (or fails to hold) a task sequence.
#[test]
fn corpus_walk_skips_no_sequence() {
    let Some((corpus, _)) = support::corpus_or_skip("the corpus walk test") else { return };
    let dir = corpus.canonicalize().unwrap();
    let dir_s = dir.to_str().unwrap();
    let (_, out, err) = run(&["check", "--format", "json", dir_s]);
    assert!(err.is_empty(), "{err}");
    let walked: BTreeSet<_> = findings(&out, &format!("{dir_s}/")).into_iter().map(|f| (f.0, f.1, f.2, f.4)).collect();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let mut alone = BTreeSet::new();
    let mut files = 0;
    for rel in manifest.lines().skip(1).filter_map(|l| l.split('\t').next()) {
        files += 1;
        for loaded in load_bytes(rel, std::fs::read(dir.join(rel)).unwrap(), None) {
            let result = check(loaded, &Settings::default());
            for d in tsq::report::locate(&result) {
                alone.insert((d.path.to_string(), d.line as u64, d.column as u64, d.rule.to_owned()));
            }
        }
    }
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["files"].as_u64(), Some(files), "every corpus file is checked in a walk");
    assert_eq!(walked, alone);
}
