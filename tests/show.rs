//! `tsq show`: snapshots of the tree and Markdown of the examples (`snapshots/show/`), the HTML
//! parsed by an HTML parser on the examples and the corpus, and the Mermaid rendered by
//! mermaid-cli where it is installed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use support::run;

use scraper::{Html, Selector};
use std::path::{Path, PathBuf};
use tsq::container::load_bytes;
use tsq::render::{Named, html, mermaid};

fn snap(name: &str, value: &str) {
    insta::with_settings!({ snapshot_path => "../snapshots/show", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(name, value);
    });
}

const EXAMPLES: [(&str, &str); 6] = [
    ("examples/raw-sequence.xml", "raw-sequence"),
    ("examples/minified.xml", "minified"),
    ("examples/mdt/Control/WIN11/ts.xml", "mdt-ts"),
    ("examples/export/object.xml", "object-xml"),
    ("examples/legacy/SmsTaskSequencePackage.xml", "sms-task-sequence-package"),
    ("examples/export.zip", "export-zip"),
];

fn in_root() {
    std::env::set_current_dir(support::root()).unwrap();
}

#[test]
fn examples_render_to_snapshots() {
    in_root();
    for (path, name) in EXAMPLES {
        for format in ["tree", "text", "markdown"] {
            let (code, out, err) = run(&["show", "--format", format, "--color", "never", path]);
            assert_eq!(code, 0, "{path}: {err}");
            assert!(!out.contains('\x1b'), "no colour when asked");
            snap(&format!("{name}-{format}"), &out);
        }
    }
    let (code, out, _) = run(&["show", "--color", "always", "examples/raw-sequence.xml"]);
    assert_eq!(code, 0);
    assert!(out.contains("\x1b["), "colour when asked");
    let (code, out, _) = run(&["show", "--format", "mermaid", "examples/raw-sequence.xml"]);
    assert_eq!(code, 0);
    snap("raw-sequence-mermaid", &out);
}

#[test]
fn show_reads_members_and_reports_errors() {
    in_root();
    let (code, member, _) = run(&["show", "--format", "text", "examples/export.zip!SMS_TaskSequencePackage/CM100060/object.xml"]);
    assert_eq!(code, 0);
    let (_, whole, _) = run(&["show", "--format", "text", "examples/export.zip"]);
    assert_eq!(member, whole, "the archive's only task sequence");
    let (code, _, err) = run(&["show", "examples"]);
    assert_eq!(code, 2);
    assert!(err.contains("examples is a directory"), "{err}");
    let (code, _, err) = run(&["show", "examples/missing.xml"]);
    assert_eq!(code, 2);
    assert!(err.contains("examples/missing.xml"), "{err}");
    let (code, _, err) = run(&["show", "tests/fixtures/quirks/escaped-text.xml"]);
    assert_eq!(code, 2);
    assert!(err.contains("escaped-text.xml:1:1"), "{err}");
}

#[test]
fn secrets_are_masked_in_every_format() {
    in_root();
    for format in ["tree", "text", "markdown", "html", "mermaid"] {
        let (code, out, _) = run(&["show", "--format", format, "tests/fixtures/diff/v1.xml"]);
        assert_eq!(code, 0);
        assert!(!out.contains("DeployPasswordOld"), "{format}");
    }
    let (_, text, _) = run(&["show", "--format", "text", "tests/fixtures/diff/v1.xml"]);
    assert!(text.contains("variable SMSTSRunPowerShellUserPassword = ********"), "{text}");
    assert!(text.contains("| Write-Output \"Ring: $ring\""), "the script is decoded: {text}");
}

/// Check a page: it parses without errors, needs no network, names every step in order, and marks
/// exactly the disabled ones.
fn check_html(label: &str, ts: &tsq::container::TaskSequence, page: &str) {
    let doc = Html::parse_document(page);
    assert!(doc.errors.is_empty(), "{label}: HTML parse errors {:?}", doc.errors);
    // Self-contained: no script, no external resource, links only within the page.
    let external = Selector::parse("script, link, img, iframe, object, embed, [src]").unwrap();
    assert_eq!(doc.select(&external).count(), 0, "{label}: no scripts or external resources");
    let links = Selector::parse("[href]").unwrap();
    assert!(doc.select(&links).all(|a| a.value().attr("href").is_some_and(|h| h.starts_with('#'))), "{label}: only in-page links");
    let style = Selector::parse("style").unwrap();
    let css: String = doc.select(&style).flat_map(|s| s.text()).collect();
    assert!(!css.contains("url(") && !css.contains("@import"), "{label}: the CSS loads nothing");
    let node_sel = Selector::parse(".step, details.group").unwrap();
    let name_sel = Selector::parse(".name").unwrap();
    let found: Vec<(String, bool)> = doc
        .select(&node_sel)
        .map(|e| {
            let name = e.select(&name_sel).next().map(|n| n.text().collect::<String>()).unwrap_or_default();
            (name, e.value().classes().any(|c| c == "disabled"))
        })
        .collect();
    let expected: Vec<(String, bool)> = ts.sequence.walk().map(|v| (v.node.name().into_owned(), v.node.disabled())).collect();
    assert_eq!(found, expected, "{label}: every group and step, in order, disabled ones marked");
    let details = Selector::parse("details.group").unwrap();
    assert!(doc.select(&details).all(|d| d.value().attr("open").is_some()), "{label}: groups open (printable)");
}

#[test]
fn html_is_well_formed_and_complete() {
    in_root();
    for (path, _) in EXAMPLES {
        for loaded in load_bytes(path, std::fs::read(path).unwrap(), None) {
            let ts = loaded.result.unwrap();
            let page = html::html(&[Named { path, ts: &ts }]);
            check_html(path, &ts, &page);
        }
    }
    let Some((corpus, zips)) = support::corpus_or_skip("html_is_well_formed_and_complete (corpus)") else { return };
    let (inputs, _) = tsq::inputs::expand(&[corpus, zips], None);
    let mut pages = 0;
    let mut disabled = 0;
    for input in inputs {
        let (tsq::inputs::Input::File(p) | tsq::inputs::Input::Walked(p)) = input else { continue };
        let label = p.display().to_string();
        for loaded in load_bytes(&label, std::fs::read(&p).unwrap(), None) {
            let Ok(ts) = loaded.result else { continue };
            let page = html::html(&[Named { path: &label, ts: &ts }]);
            check_html(&label, &ts, &page);
            pages += 1;
            disabled += ts.sequence.walk().filter(|v| v.node.disabled()).count();
        }
    }
    assert!(pages >= 290 && disabled > 0, "pages {pages}, disabled nodes {disabled}");
}

/// mermaid-cli (`mmdc`) with a Chromium, when installed: `TSQ_MMDC` or `mmdc` on the PATH, and
/// `TSQ_CHROMIUM` or `/usr/bin/chromium`.
fn mermaid_cli() -> Option<(PathBuf, PathBuf)> {
    let mmdc = std::env::var_os("TSQ_MMDC")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join("mmdc")).find(|f| f.is_file())))?;
    let chromium = std::env::var_os("TSQ_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    (mmdc.is_file() && chromium.is_file()).then_some((mmdc, chromium))
}

/// Render every chart with one mmdc run (a Markdown file with one `mermaid` block per chart).
fn render_all(mmdc: &Path, chromium: &Path, charts: &[(String, String)]) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("puppeteer.json");
    std::fs::write(
        &config,
        format!(r#"{{"executablePath": {:?}, "args": ["--no-sandbox", "--disable-gpu"]}}"#, chromium.display().to_string()),
    )
    .unwrap();
    // One chart per run: mmdc reports the first failing chart only, and names it by its input.
    for (label, chart) in charts {
        let input = dir.path().join("chart.mmd");
        let output = dir.path().join("chart.svg");
        std::fs::write(&input, chart).unwrap();
        let _ = std::fs::remove_file(&output);
        let out = std::process::Command::new(mmdc)
            .args(["--quiet", "-p"])
            .arg(&config)
            .arg("-i")
            .arg(&input)
            .arg("-o")
            .arg(&output)
            .output()
            .unwrap();
        assert!(out.status.success(), "{label}: mermaid-cli rejects the chart: {}\n{chart}", String::from_utf8_lossy(&out.stderr));
        let svg = std::fs::read_to_string(&output).unwrap();
        assert!(svg.contains("<svg") && !svg.contains("Syntax error"), "{label}: {svg:.300}");
    }
}

#[test]
fn mermaid_renders_with_mermaid_cli() {
    in_root();
    let Some((mmdc, chromium)) = mermaid_cli() else {
        assert!(std::env::var_os("TSQ_REQUIRE_MERMAID").is_none(), "TSQ_REQUIRE_MERMAID is set but mmdc or chromium is missing");
        eprintln!("note: mermaid-cli (mmdc) or /usr/bin/chromium not found; skipping mermaid_renders_with_mermaid_cli");
        return;
    };
    let mut charts = Vec::new();
    for (path, _) in EXAMPLES.iter().take(5) {
        let loaded = load_bytes(path, std::fs::read(path).unwrap(), None).pop().unwrap();
        let ts = loaded.result.unwrap();
        charts.push(((*path).to_owned(), mermaid::mermaid(&Named { path, ts: &ts })));
    }
    charts.push(("tests/fixtures/diff/v2.xml".to_owned(), run(&["show", "--format", "mermaid", "tests/fixtures/diff/v2.xml"]).1));
    // Real files with the most awkward labels: quotes, ampersands, brackets, deep nesting.
    if let Some((corpus, _)) = support::corpus_or_skip("mermaid_renders_with_mermaid_cli (corpus)") {
        for rel in [
            "keithga-DeployShared/Source/MDT2013/SCCM/SCCM_Client.xml",
            "DeploymentResearch-HydrationKitWS2025/Source/Hydration/Control/CM01/ts.xml",
            "2pintsoftware-2Pint-OSDToolkit/Module- 2Pint Software OSD Toolkit Phase 3 24.08.14.zip.extracted/SMS_TaskSequencePackage/PS100159/object.xml",
        ] {
            let p = corpus.join(rel);
            let loaded = load_bytes(rel, std::fs::read(&p).unwrap(), None).pop().unwrap();
            let ts = loaded.result.unwrap();
            charts.push((rel.to_owned(), mermaid::mermaid(&Named { path: rel, ts: &ts })));
        }
    }
    render_all(&mmdc, &chromium, &charts);
}
