//! Stable identities of findings: SARIF `partialFingerprints`, GitLab `fingerprint` and the
//! baseline's keys.
//!
//! A finding is keyed by its rule, the file as printed, the stable identity of its step
//! ([`crate::identity`]; none for findings not on a step) and the offending value (the text under
//! its span, whitespace collapsed, at most [`MAX_VALUE`] characters; a secret is kept only as its
//! hash). The line is never part of it, so edits elsewhere in the file leave it alone. Findings
//! whose keys are equal are told apart by their ordinal among them, in order of position.

use crate::diagnostic::Diagnostic;
use crate::lint::FileResult;
use sha2::{Digest, Sha256};
use std::cmp::Ordering;
use std::collections::HashMap;

/// The longest offending value kept in a key, in characters.
pub const MAX_VALUE: usize = 200;

/// What identifies a finding, apart from its ordinal among equal keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Key {
    /// The file as printed (`archive.zip!member` for archive members).
    pub path: String,
    /// The rule's name.
    pub rule: String,
    /// The stable identity of the step, if the finding is on one.
    pub step: Option<String>,
    /// The offending value, normalised (`sha256:…` for a secret).
    pub value: String,
}

/// The fingerprints of one file's findings, in the order of its two lists.
#[derive(Debug, Clone, Default)]
pub struct FileFingerprints {
    /// One per [`FileResult::diagnostics`].
    pub diagnostics: Vec<String>,
    /// One per [`FileResult::suppressed`].
    pub suppressed: Vec<String>,
}

/// The order of findings in a file: by position, then rule.
#[must_use]
pub fn order(a: &Diagnostic, b: &Diagnostic) -> Ordering {
    a.span.start.cmp(&b.span.start).then(a.span.end.cmp(&b.span.end)).then(a.rule.cmp(b.rule))
}

/// Hex SHA-256 of `text`.
fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The key of finding `d` of `result`.
#[must_use]
pub fn key(result: &FileResult, d: &Diagnostic) -> Key {
    let raw = result.source.as_ref().and_then(|s| s.text.get(d.span.start..d.span.end)).unwrap_or("");
    let value = if d.redact {
        format!("sha256:{}", sha256_hex(raw))
    } else {
        let mut value = String::new();
        for word in raw.split_whitespace() {
            if value.len() >= MAX_VALUE * 4 {
                break;
            }
            if !value.is_empty() {
                value.push(' ');
            }
            value.push_str(word);
        }
        value.chars().take(MAX_VALUE).collect()
    };
    Key { path: result.path.clone(), rule: d.rule.to_owned(), step: d.step_id.clone(), value }
}

/// The fingerprint of `key` with its 1-based `ordinal` among equal keys: 32 hex digits.
#[must_use]
pub fn fingerprint(key: &Key, ordinal: usize) -> String {
    let text =
        format!("tsq/v1\u{0}{}\u{0}{}\u{0}{}\u{0}{}\u{0}{ordinal}", key.rule, key.path, key.step.as_deref().unwrap_or(""), key.value);
    sha256_hex(&text).chars().take(32).collect()
}

/// The fingerprints of every finding of `result`, reported or suppressed. Ordinals are counted
/// over both lists together, so showing or hiding the suppressed findings changes no fingerprint.
#[must_use]
pub fn fingerprints(result: &FileResult) -> FileFingerprints {
    let mut all: Vec<(bool, usize, &Diagnostic)> = result.diagnostics.iter().enumerate().map(|(i, d)| (false, i, d)).collect();
    all.extend(result.suppressed.iter().enumerate().map(|(i, s)| (true, i, &s.diagnostic)));
    all.sort_by(|a, b| order(a.2, b.2));
    let mut seen: HashMap<Key, usize> = HashMap::new();
    let mut out = FileFingerprints {
        diagnostics: vec![String::new(); result.diagnostics.len()],
        suppressed: vec![String::new(); result.suppressed.len()],
    };
    for (suppressed, i, d) in all {
        let k = key(result, d);
        let n = seen.entry(k.clone()).or_insert(0);
        *n += 1;
        let list = if suppressed { &mut out.suppressed } else { &mut out.diagnostics };
        if let Some(slot) = list.get_mut(i) {
            *slot = fingerprint(&k, *n);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::source::SourceFile;
    use crate::span::Span;

    fn result(text: &str, diagnostics: Vec<Diagnostic>) -> FileResult {
        FileResult {
            path: "t.xml".into(),
            source: Some(SourceFile::from_text("t.xml", text)),
            diagnostics,
            used_suppressions: Vec::new(),
            suppressed: Vec::new(),
        }
    }

    #[test]
    fn values_are_normalised_capped_and_secrets_hashed() {
        let text = format!("a  \r\n\t b {}", "x".repeat(500));
        let mut d = Diagnostic::new("r", Severity::Error, Span::new(0, text.len()), "m");
        let r = result(&text, vec![d.clone()]);
        let k = key(&r, &d);
        assert!(k.value.starts_with("a b xxx"));
        assert_eq!(k.value.chars().count(), MAX_VALUE);
        d.redact = true;
        assert!(key(&r, &d).value.starts_with("sha256:"));
        assert!(!key(&r, &d).value.contains("xxx"));
    }

    #[test]
    fn equal_keys_get_ordinals_and_distinct_fingerprints() {
        let text = "<a v=\"x\"/><a v=\"x\"/>";
        let d1 = Diagnostic::new("r", Severity::Error, Span::new(6, 7), "m");
        let d2 = Diagnostic::new("r", Severity::Error, Span::new(16, 17), "m");
        let r = result(text, vec![d1.clone(), d2.clone()]);
        assert_eq!(key(&r, &d1), key(&r, &d2));
        let f = fingerprints(&r);
        assert_ne!(f.diagnostics[0], f.diagnostics[1]);
        assert_eq!(f.diagnostics[0].len(), 32);
        // The same key first in another file layout keeps its fingerprint.
        let moved = result(&format!("\n\n   {text}"), vec![Diagnostic::new("r", Severity::Error, Span::new(11, 12), "m")]);
        assert_eq!(fingerprints(&moved).diagnostics[0], f.diagnostics[0]);
    }
}
