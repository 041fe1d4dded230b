//! The baseline: the findings a team has accepted for now, so that CI reports only new ones.
//!
//! `tsq check --write-baseline FILE` records every current finding; `tsq check --baseline FILE`
//! then reports only findings that match no entry. An entry is keyed like a fingerprint (see
//! [`crate::report::fingerprint`]): file as printed, rule, step identity and offending value,
//! never the line, so edits elsewhere in a file do not bring old findings back. Equal keys match
//! one for one. An entry that matches nothing in a file that was checked, for a rule that ran, is
//! reported as an `unused-suppression` info on the baseline file, so the baseline only shrinks.
//!
//! The file is JSON, one entry per line, sorted by key, so that regenerating it gives a small
//! diff: `{"version": 1, "entries": [{"path", "rule", "step", "value", "message"}, …]}`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{FileResult, Suppressed, SuppressionKind};
use crate::report::fingerprint::{Key, key, order};
use crate::rules::Rule;
use crate::source::SourceFile;
use crate::span::Span;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The version of the baseline file format.
pub const VERSION: u32 = 1;

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The key the entry matches by.
    #[serde(flatten)]
    pub key: Key,
    /// The finding's message when it was recorded (for people; not matched).
    #[serde(default)]
    pub message: String,
}

#[derive(Deserialize)]
struct RawFile<'a> {
    version: u32,
    #[serde(borrow)]
    entries: Vec<&'a RawValue>,
}

/// A loaded baseline file.
#[derive(Debug)]
pub struct Baseline {
    /// The path as printed.
    pub path: String,
    /// The file's text.
    pub text: String,
    /// The entries with their spans in `text`.
    pub entries: Vec<(Entry, Span)>,
}

/// The entries for every finding of `results`, sorted by key.
#[must_use]
pub fn entries(results: &[FileResult]) -> Vec<Entry> {
    let mut out: Vec<Entry> =
        results.iter().flat_map(|r| r.diagnostics.iter().map(move |d| Entry { key: key(r, d), message: d.message.clone() })).collect();
    out.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.message.cmp(&b.message)));
    out
}

/// The text of a baseline file holding `entries`.
#[must_use]
pub fn to_text(entries: &[Entry]) -> String {
    let lines: Vec<String> = entries.iter().map(|e| format!("    {}", serde_json::to_string(e).unwrap_or_default())).collect();
    if lines.is_empty() {
        return format!("{{\n  \"version\": {VERSION},\n  \"entries\": []\n}}\n");
    }
    format!("{{\n  \"version\": {VERSION},\n  \"entries\": [\n{}\n  ]\n}}\n", lines.join(",\n"))
}

/// Write a baseline of `results` to `path`; returns the number of entries, or a one-sentence
/// error naming the path.
pub fn write(path: &Path, results: &[FileResult]) -> Result<usize, String> {
    let entries = entries(results);
    std::fs::write(path, to_text(&entries)).map_err(|e| format!("{}: cannot write the baseline: {e}", crate::inputs::display(path)))?;
    Ok(entries.len())
}

impl Baseline {
    /// Read and parse a baseline file; `Err` is a one-sentence message naming the path (and the
    /// line and column of a syntax error).
    pub fn load(path: &Path) -> Result<Self, String> {
        let display = crate::inputs::display(path);
        let text = std::fs::read_to_string(path).map_err(|e| format!("{display}: cannot read the baseline: {e}"))?;
        Self::parse(display, text)
    }

    /// Parse the text of a baseline file named `path`.
    pub fn parse(path: String, text: String) -> Result<Self, String> {
        let bad = |e: serde_json::Error| format!("{path}:{}:{}: not a tsq baseline: {e}", e.line(), e.column());
        let raw: RawFile<'_> = serde_json::from_str(&text).map_err(bad)?;
        if raw.version != VERSION {
            return Err(format!("{path}: baseline version {} is not supported (expected {VERSION})", raw.version));
        }
        let base = text.as_ptr() as usize;
        let mut entries = Vec::with_capacity(raw.entries.len());
        for r in &raw.entries {
            let entry: Entry = serde_json::from_str(r.get()).map_err(bad)?;
            // The raw value borrows from `text`: its address gives its offset.
            let start = (r.get().as_ptr() as usize).saturating_sub(base);
            entries.push((entry, Span::new(start, start + r.get().len())));
        }
        drop(raw);
        Ok(Self { path, text, entries })
    }

    /// Move the findings of `results` that an entry accepts into their `suppressed` list (as
    /// external suppressions), and return the findings for entries that matched nothing in a
    /// checked file for a rule in `ran` (as `unused-suppression` infos on the baseline file).
    pub fn apply(&self, results: &mut [FileResult], ran: &[&'static dyn Rule]) -> Option<FileResult> {
        let mut open: HashMap<&Key, Vec<usize>> = HashMap::new();
        for (i, (e, _)) in self.entries.iter().enumerate().rev() {
            open.entry(&e.key).or_default().push(i);
        }
        let reason = format!("in the baseline {}", self.path);
        for r in results.iter_mut() {
            let mut kept = Vec::new();
            let mut diagnostics = std::mem::take(&mut r.diagnostics);
            diagnostics.sort_by(order);
            for d in diagnostics {
                let k = key(r, &d);
                if open.get_mut(&k).and_then(Vec::pop).is_some() {
                    r.suppressed.push(Suppressed { diagnostic: d, kind: SuppressionKind::External, reason: Some(reason.clone()) });
                } else {
                    kept.push(d);
                }
            }
            r.diagnostics = kept;
            r.suppressed.sort_by(|a, b| order(&a.diagnostic, &b.diagnostic));
        }
        let rule = ran.iter().find(|r| r.meta().name == "unused-suppression")?;
        let checked: HashSet<&str> = results.iter().map(|r| r.path.as_str()).collect();
        let ran: HashSet<&str> = ran.iter().map(|r| r.meta().name).collect();
        let mut unused: Vec<usize> = open.values().flatten().copied().collect();
        unused.sort_unstable();
        let diagnostics: Vec<Diagnostic> = unused
            .into_iter()
            .filter_map(|i| self.entries.get(i))
            .filter(|(e, _)| checked.contains(e.key.path.as_str()) && ran.contains(e.key.rule.as_str()))
            .map(|(e, span)| {
                Diagnostic::new(
                    rule.meta().name,
                    Severity::Info,
                    *span,
                    format!("baseline entry for `{}` in `{}` matches no finding", e.key.rule, e.key.path),
                )
                .with_help("the finding is gone: write the baseline again (`--write-baseline`) to drop the entry")
            })
            .collect();
        (!diagnostics.is_empty()).then(|| FileResult {
            path: self.path.clone(),
            source: Some(SourceFile::from_text(self.path.clone(), self.text.clone())),
            diagnostics,
            used_suppressions: Vec::new(),
            suppressed: Vec::new(),
        })
    }
}
