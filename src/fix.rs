//! Fixes: the edits a finding proposes, and applying them to a file until nothing changes.
//!
//! A fix is a set of edits to the decoded text of the file on disk (spans as the finding's) with
//! a title and an applicability. Edits splice into the original text, so everything a fix does
//! not touch (encoding, BOM, line endings, CDATA, layout) stays byte-identical. Fixes of one
//! round that overlap are deferred to the next round; rounds repeat until no fix applies
//! (bounded: a fix that does not converge is a bug, and nothing is written).

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::FileResult;
use crate::span::Span;
pub use crate::writer::Edit;
use serde::Serialize;
use std::collections::BTreeMap;

/// The most rounds of fixes on one file; a file still changing after them is a bug in a fix.
pub const MAX_ROUNDS: usize = 100;

/// How sure a fix is to do what the author meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Applicability {
    /// Likely but not certain (`ture` → `true`); applied with `--unsafe-fixes`.
    Unsafe,
    /// Certainly what the author meant (`True` → `true`); applied with `--fix`.
    Safe,
}

/// The fix a finding offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What it does, imperative: "write `true`".
    pub title: String,
    /// Safe or unsafe.
    pub applicability: Applicability,
    /// The edits, applied together or not at all.
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A safe fix.
    #[must_use]
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self { title: title.into(), applicability: Applicability::Safe, edits }
    }

    /// An unsafe fix.
    #[must_use]
    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self { title: title.into(), applicability: Applicability::Unsafe, edits }
    }
}

/// Which fixes a rule can offer, for `tsq rules` and the rule pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixKind {
    /// No fix.
    None,
    /// Safe fixes only.
    Safe,
    /// Unsafe fixes only.
    Unsafe,
    /// Safe fixes for some findings, unsafe ones for others.
    Both,
}

impl FixKind {
    /// The word the rule pages and `tsq rules` use.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Safe => "safe",
            Self::Unsafe => "unsafe",
            Self::Both => "safe / unsafe",
        }
    }
}

/// Apply to `text` the fixes of `diagnostics` at or above `min` that do not overlap an edit
/// already taken (in order of position); returns the new text and the findings fixed.
#[must_use]
pub fn apply<'d>(text: &str, diagnostics: &'d [Diagnostic], min: Applicability) -> (String, Vec<&'d Diagnostic>) {
    let mut chosen: Vec<&Edit> = Vec::new();
    let mut fixed = Vec::new();
    let mut taken: Vec<Span> = Vec::new();
    // An insertion overlaps only a replacement it falls strictly inside.
    let overlaps = |a: Span, b: Span| a.start < b.end && b.start < a.end;
    for d in diagnostics {
        let Some(fix) = d.fix.as_ref().filter(|f| f.applicability >= min && !f.edits.is_empty()) else { continue };
        let valid = fix.edits.iter().all(|e| {
            e.span.start <= e.span.end
                && e.span.end <= text.len()
                && text.is_char_boundary(e.span.start)
                && text.is_char_boundary(e.span.end)
        });
        // The same edit proposed twice (two steps missing one reference) is made once.
        let new: Vec<&Edit> = fix.edits.iter().filter(|e| !chosen.contains(e)).collect();
        if !valid || new.iter().any(|e| taken.iter().any(|t| overlaps(*t, e.span))) {
            continue;
        }
        taken.extend(new.iter().map(|e| e.span));
        chosen.extend(new);
        fixed.push(d);
    }
    let edits: Vec<Edit> = chosen.into_iter().cloned().collect();
    match crate::writer::apply(text, &edits) {
        Ok(out) => (out, fixed),
        // An edit that would break the file's CDATA sections: nothing is applied.
        Err(_) => (text.to_owned(), Vec::new()),
    }
}

/// What fixing a text round after round gave ([`rounds`]).
#[derive(Debug)]
pub struct Rounds {
    /// The text after the last round.
    pub text: String,
    /// The findings of `text`.
    pub results: Vec<FileResult>,
    /// How many findings were fixed.
    pub count: usize,
    /// Why `text` must not be written (a fix broke the file or does not converge), or `None`.
    pub refused: Option<String>,
}

/// Apply to `text` the fixes at or above `min`, round after round until none applies (at most
/// [`MAX_ROUNDS`]). `results` are the findings of `text`, `path` names its own result among them,
/// and `check` gives the findings of a new text. A round whose text no longer reads, or a text
/// still changing after the last round, is refused.
pub fn rounds<E>(
    text: &str,
    results: Vec<FileResult>,
    path: &str,
    min: Applicability,
    mut check: impl FnMut(&str) -> Result<Vec<FileResult>, E>,
) -> Result<Rounds, E> {
    let mut out = Rounds { text: text.to_owned(), results, count: 0, refused: None };
    for _ in 0..MAX_ROUNDS {
        let Some(main) = out.results.iter().find(|r| r.path == path) else { return Ok(out) };
        let (new, done) = apply(&out.text, &main.diagnostics, min);
        if done.is_empty() {
            return Ok(out);
        }
        out.count += done.len();
        out.text = new;
        out.results = check(&out.text)?;
        if let Some(bad) = out
            .results
            .iter()
            .find(|r| r.path == path)
            .and_then(|r| r.diagnostics.iter().find(|d| crate::rules::LOADER_RULES.contains(&d.rule)))
        {
            out.refused =
                Some(format!("the fixed text would not read ({}); the file is left as it is (this is a bug in tsq)", bad.message));
            return Ok(out);
        }
    }
    out.refused = Some(format!("fixes still change the file after {MAX_ROUNDS} rounds; the file is left as it is (this is a bug in tsq)"));
    Ok(out)
}

/// A rule with more error-level findings in `after` than in `before`, with its count after.
#[must_use]
pub fn added_errors(before: &[FileResult], after: &[FileResult]) -> Option<(&'static str, usize)> {
    let (before, after) = (error_counts(before), error_counts(after));
    after.into_iter().find(|(rule, n)| before.get(rule).is_none_or(|b| n > b))
}

/// Error-level findings per rule.
fn error_counts(results: &[FileResult]) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for d in results.iter().flat_map(|r| &r.diagnostics).filter(|d| d.severity == Severity::Error) {
        *out.entry(d.rule).or_insert(0) += 1;
    }
    out
}

/// The span of `inner` widened to its whole line when only whitespace surrounds it there (the
/// line break included), so that deleting an element or comment leaves no blank line.
#[must_use]
pub fn whole_lines(text: &str, inner: Span) -> Span {
    let line_start = text.get(..inner.start).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
    let before = text.get(line_start..inner.start).unwrap_or("x");
    let line_end = text.get(inner.end..).and_then(|t| t.find('\n')).map_or(text.len(), |i| inner.end + i + 1);
    let after = text.get(inner.end..line_end).unwrap_or("x");
    if before.trim().is_empty() && after.trim().is_empty() { Span::new(line_start, line_end) } else { inner }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(span: Span, fix: Fix) -> Diagnostic {
        let mut d = Diagnostic::new("x", Severity::Error, span, "m");
        d.fix = Some(fix);
        d
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_round() {
        let text = "abc def ghi";
        let ds = [
            diag(Span::new(0, 3), Fix::safe("t", vec![Edit::new(Span::new(0, 3), "ABC")])),
            diag(Span::new(1, 2), Fix::safe("t", vec![Edit::new(Span::new(1, 2), "?")])),
            diag(Span::new(8, 11), Fix::unsafe_("t", vec![Edit::delete(Span::new(7, 11))])),
        ];
        let (out, fixed) = apply(text, &ds, Applicability::Safe);
        assert_eq!((out.as_str(), fixed.len()), ("ABC def ghi", 1));
        let (out, fixed) = apply(text, &ds, Applicability::Unsafe);
        assert_eq!((out.as_str(), fixed.len()), ("ABC def", 2));
    }

    #[test]
    fn whole_lines_only_when_alone_on_the_line() {
        let text = "<a>\r\n  <b/>\r\n  <c/><d/>\n</a>";
        let b = text.find("<b/>").unwrap_or(0);
        assert_eq!(whole_lines(text, Span::new(b, b + 4)), Span::new(5, 13));
        let c = text.find("<c/>").unwrap_or(0);
        assert_eq!(whole_lines(text, Span::new(c, c + 4)), Span::new(c, c + 4));
    }
}
