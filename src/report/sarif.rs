//! SARIF 2.1.0: one run, the rules that ran, one result per finding (with its suppressions when
//! `--show-suppressed`), relative URIs under `%SRCROOT%`, UTF-16 columns.

use super::{Item, Report, items, split_member};
use crate::diagnostic::Severity;
use crate::lint::{FileResult, SuppressionKind};
use crate::rules::{RULES, Rule};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// The base every relative artifact URI is resolved against: the directory tsq ran in.
pub const SRCROOT: &str = "%SRCROOT%";

/// The key of tsq's fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "tsqFindingHash/v1";

/// Characters escaped in a URI path: everything but unreserved characters, `/` and a few
/// sub-delimiters (`:` too, so that a first segment is never read as a scheme).
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(b':');

/// A relative path as a URI reference.
fn uri_of_relative(path: &str) -> String {
    utf8_percent_encode(&path.replace('\\', "/"), PATH).to_string()
}

/// An absolute path as a `file:` URI (a directory gets a trailing `/`).
fn file_uri(path: &Path, dir: bool) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let s = if s.starts_with('/') { s } else { format!("/{s}") };
    let mut out = format!("file://{}", utf8_percent_encode(&s, PATH)).replace("%3A", ":");
    if dir && !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// The `artifactLocation` of a printed path: relative to `%SRCROOT%` when it can be.
fn artifact_location(path: &str, cwd: Option<&Path>) -> Value {
    let p = Path::new(path);
    if p.is_absolute() {
        match cwd.and_then(|c| p.strip_prefix(c).ok()) {
            Some(rel) => json!({ "uri": uri_of_relative(&rel.to_string_lossy()), "uriBaseId": SRCROOT }),
            None => json!({ "uri": file_uri(p, false) }),
        }
    } else {
        json!({ "uri": uri_of_relative(path), "uriBaseId": SRCROOT })
    }
}

/// `error`, `warning` or `note`.
const fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The first paragraph of the section `## What it checks` of a rule's doc (or of the doc after
/// its title).
fn first_paragraph(docs: &str) -> String {
    let body = docs.split_once("## What it checks").map_or(docs, |(_, rest)| rest);
    let mut para = Vec::new();
    for line in body.lines().map(str::trim) {
        if line.starts_with('#') || (line.is_empty() && !para.is_empty()) {
            if para.is_empty() {
                continue;
            }
            break;
        }
        if !line.is_empty() {
            para.push(line);
        }
    }
    para.join(" ")
}

/// Markdown emphasis and code marks removed, for plain-text fields.
fn plain(markdown: &str) -> String {
    markdown.replace("**", "").replace('`', "")
}

fn descriptor(rule: &dyn Rule) -> Value {
    let meta = rule.meta();
    let full = first_paragraph(meta.docs);
    let full = if full.is_empty() { meta.summary.to_owned() } else { full };
    json!({
        "id": meta.name,
        "shortDescription": { "text": meta.summary },
        "fullDescription": { "text": plain(&full), "markdown": full },
        "help": { "text": meta.docs, "markdown": meta.docs },
        "defaultConfiguration": { "level": level(meta.severity) },
        "properties": { "tags": [meta.category.name()] },
    })
}

/// The 1-based column of byte `offset` of `text` in UTF-16 code units.
fn utf16_column(text: &str, offset: usize) -> Option<usize> {
    let before = text.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Some(before.get(line_start..)?.encode_utf16().count() + 1)
}

/// The artifacts of the run: every checked file, an archive before its members.
struct Artifacts {
    list: Vec<Value>,
    index: HashMap<String, usize>,
}

impl Artifacts {
    fn add(&mut self, path: &str, cwd: Option<&Path>) -> (usize, Option<usize>) {
        let (file, member) = split_member(path);
        let parent = match self.index.get(file) {
            Some(&i) => i,
            None => {
                self.list.push(json!({ "location": artifact_location(file, cwd) }));
                self.index.insert(file.to_owned(), self.list.len() - 1);
                self.list.len() - 1
            }
        };
        let Some(member) = member else { return (parent, None) };
        let nested = match self.index.get(path) {
            Some(&i) => i,
            None => {
                self.list.push(json!({ "location": { "uri": uri_of_relative(member) }, "parentIndex": parent }));
                self.index.insert(path.to_owned(), self.list.len() - 1);
                self.list.len() - 1
            }
        };
        (parent, Some(nested))
    }
}

fn result(item: &Item<'_>, file: &FileResult, rule_index: Option<usize>, artifacts: &mut Artifacts, cwd: Option<&Path>) -> Value {
    let d = item.diagnostic;
    let at = &item.at;
    let text = file.source.as_ref().map(|s| s.text.as_str());
    let col = |offset: usize, chars: usize| text.and_then(|t| utf16_column(t, offset)).unwrap_or(chars);
    let (zip, member) = split_member(&file.path);
    let (index, nested) = artifacts.add(&file.path, cwd);
    let mut location = artifact_location(zip, cwd);
    super::set(&mut location, "index", json!(index));
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": location,
            "region": {
                "startLine": at.line,
                "startColumn": col(d.span.start, at.column),
                "endLine": at.end_line,
                "endColumn": col(d.span.end, at.end_column),
            },
        },
    });
    if let Some(path) = &d.step_path {
        let name = path.rsplit('/').next().unwrap_or(path);
        let mut logical = json!({ "name": name, "fullyQualifiedName": path, "kind": "element" });
        if let Some(n) = d.step_number {
            super::set(&mut logical, "properties", json!({ "instruction": n }));
        }
        super::set(&mut loc, "logicalLocations", json!([logical]));
    }
    let mut r = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": { "text": super::message_with_member(&d.message, member) },
        "locations": [loc],
        "partialFingerprints": { FINGERPRINT_KEY: item.fingerprint },
    });
    if let Some(i) = rule_index {
        super::set(&mut r, "ruleIndex", json!(i));
    }
    if let (Some(member), Some(nested)) = (member, nested) {
        super::set(&mut r, "analysisTarget", json!({ "uri": uri_of_relative(member), "index": nested }));
    }
    let mut properties = serde_json::Map::new();
    if let Some(h) = &d.help {
        properties.insert("help".into(), json!(h));
    }
    if let Some(n) = d.step_number {
        properties.insert("instruction".into(), json!(n));
    }
    if !properties.is_empty() {
        super::set(&mut r, "properties", Value::Object(properties));
    }
    if let Some(s) = item.suppression {
        let kind = match s.kind {
            SuppressionKind::InSource => "inSource",
            SuppressionKind::External => "external",
        };
        let mut sup = json!({ "kind": kind, "status": "accepted" });
        if let Some(reason) = &s.reason {
            super::set(&mut sup, "justification", json!(reason));
        }
        super::set(&mut r, "suppressions", json!([sup]));
    }
    r
}

/// Write the SARIF log.
pub fn render(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let cwd = std::env::current_dir().ok();
    let cwd = cwd.as_deref();
    // The rules that ran, plus any rule with a finding (loader and config findings), in registry
    // order.
    let used: Vec<&str> = report
        .results
        .iter()
        .flat_map(|r| r.diagnostics.iter().chain(r.suppressed.iter().map(|s| &s.diagnostic)).map(|d| d.rule))
        .collect();
    let rules: Vec<&dyn Rule> = RULES
        .iter()
        .copied()
        .filter(|r| report.rules.iter().any(|x| x.meta().name == r.meta().name) || used.contains(&r.meta().name))
        .collect();
    let rule_index = |name: &str| rules.iter().position(|r| r.meta().name == name);
    let mut artifacts = Artifacts { list: Vec::new(), index: HashMap::new() };
    let mut results = Vec::new();
    for file in report.results {
        artifacts.add(&file.path, cwd);
        for item in items(file, report.show_suppressed) {
            results.push(result(&item, file, rule_index(item.diagnostic.rule), &mut artifacts, cwd));
        }
    }
    let notifications: Vec<Value> = report
        .unreadable
        .iter()
        .map(|u| {
            json!({
                "level": "error",
                "message": { "text": u.message },
                "locations": [{ "physicalLocation": { "artifactLocation": artifact_location(&u.path, cwd) } }],
            })
        })
        .collect();
    let mut driver = json!({
        "name": "tsq",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": rules.iter().map(|r| descriptor(*r)).collect::<Vec<_>>(),
    });
    if let Some(uri) = option_env!("CARGO_PKG_REPOSITORY").filter(|u| !u.is_empty()) {
        super::set(&mut driver, "informationUri", json!(uri));
    }
    let mut run = json!({
        "tool": { "driver": driver },
        "invocations": [{
            "executionSuccessful": report.exit_code != crate::cli::EXIT_ERROR,
            "exitCode": report.exit_code,
            "toolExecutionNotifications": notifications,
        }],
        "columnKind": "utf16CodeUnits",
        "artifacts": artifacts.list,
        "results": results,
    });
    if let Some(dir) = cwd {
        super::set(&mut run, "originalUriBaseIds", json!({ SRCROOT: { "uri": file_uri(dir, true) } }));
    }
    let log = json!({
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs_twice() {
        let text = "ab\n\u{1F600}é<x";
        let lt = text.find('<').unwrap_or(0);
        assert_eq!(utf16_column(text, lt), Some(4));
        assert_eq!(utf16_column(text, 0), Some(1));
    }

    #[test]
    fn uris_are_escaped_and_never_start_with_a_scheme() {
        assert_eq!(uri_of_relative("a b/c:d#%.xml"), "a%20b/c%3Ad%23%25.xml");
        assert_eq!(file_uri(Path::new("/tmp/x y"), true), "file:///tmp/x%20y/");
    }
}
