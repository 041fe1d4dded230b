//! Writing files back: [`write_preserving`] splices edits into the decoded text and re-encodes it
//! exactly as it was read (encoding, BOM); [`format`] is `tsq fmt`'s canonical layout.
//!
//! The preserving writer never re-serialises anything, so with no edits it returns the original
//! bytes, CRLF, odd quoting, comments and declaration included.

pub mod file;
pub mod format;
pub mod verify;

pub use format::{FormatError, format};

/// `text` escaped for XML (and HTML) element content or an attribute value: `&`, `<`, `>`, `"`
/// and `'` as entities, everything else as it is (quick-xml's `escape` also writes a carriage
/// return as `&#13;`, which HTML parsers reject).
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

use crate::source::SourceFile;
use crate::span::Span;
use thiserror::Error;

/// A replacement of the text at `span` (an empty span inserts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// What to replace, in the decoded text.
    pub span: Span,
    /// The new text.
    pub replacement: String,
}

impl Edit {
    /// Replace `span` with `replacement`.
    #[must_use]
    pub fn new(span: Span, replacement: impl Into<String>) -> Self {
        Self { span, replacement: replacement.into() }
    }

    /// Delete `span`.
    #[must_use]
    pub fn delete(span: Span) -> Self {
        Self { span, replacement: String::new() }
    }
}

/// Why a set of edits cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WriteError {
    /// The span ends past the text, runs backwards, or splits a character.
    #[error("the edit at {}..{} is outside the text or splits a character", span.start, span.end)]
    BadSpan {
        /// The edit's span.
        span: Span,
    },
    /// Two edits overlap.
    #[error("the edits at {}..{} and {}..{} overlap", first.start, first.end, second.start, second.end)]
    Overlap {
        /// The earlier edit's span.
        first: Span,
        /// The later edit's span.
        second: Span,
    },
    /// An edit cuts into a CDATA section's `<![CDATA[` or `]]>` markers.
    #[error("the edit at {}..{} cuts across the boundary of a CDATA section", span.start, span.end)]
    CdataBoundary {
        /// The edit's span.
        span: Span,
    },
    /// The edits inside a CDATA section would put `]]>` in it, ending it early.
    #[error("the edits would put `]]>` inside the CDATA section at {}..{}", section.start, section.end)]
    CdataTerminator {
        /// The CDATA content's span.
        section: Span,
    },
}

/// Splice `edits` into `source.text` and encode the result as the file was encoded.
///
/// The edits are applied in order of position (the order given breaks ties); overlapping edits,
/// edits cutting into CDATA markers and edits that would write `]]>` inside a CDATA section are
/// rejected. With no edits the result is the original bytes.
pub fn write_preserving(source: &SourceFile, edits: &[Edit]) -> Result<Vec<u8>, WriteError> {
    Ok(source.encode(&apply(&source.text, edits)?))
}

/// Splice `edits` into `text` (the checks of [`write_preserving`], without encoding).
pub fn apply(text: &str, edits: &[Edit]) -> Result<String, WriteError> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut prev: Option<Span> = None;
    for e in &sorted {
        let s = e.span;
        if s.start > s.end || !text.is_char_boundary(s.start) || !text.is_char_boundary(s.end) {
            return Err(WriteError::BadSpan { span: s });
        }
        if let Some(p) = prev.filter(|p| s.start < p.end) {
            return Err(WriteError::Overlap { first: p, second: s });
        }
        prev = Some(s);
    }
    check_cdata(text, &sorted)?;
    let mut out = String::with_capacity(text.len() + sorted.iter().map(|e| e.replacement.len()).sum::<usize>());
    let mut at = 0;
    for e in sorted {
        out.push_str(text.get(at..e.span.start).unwrap_or(""));
        out.push_str(&e.replacement);
        at = e.span.end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    Ok(out)
}

/// Reject edits that cut into a CDATA section's markers or would put `]]>` inside one.
fn check_cdata(text: &str, sorted: &[&Edit]) -> Result<(), WriteError> {
    for (whole, content) in cdata_sections(text) {
        let mut new_content = String::new();
        let mut at = content.start;
        let mut touched = false;
        for e in sorted {
            let s = e.span;
            let inside = s.start >= content.start && s.end <= content.end;
            let outside = s.end <= whole.start || s.start >= whole.end || (s.start <= whole.start && s.end >= whole.end);
            if inside {
                touched = true;
                new_content.push_str(text.get(at..s.start).unwrap_or(""));
                new_content.push_str(&e.replacement);
                at = s.end;
            } else if !outside {
                return Err(WriteError::CdataBoundary { span: s });
            }
        }
        if touched {
            new_content.push_str(text.get(at..content.end).unwrap_or(""));
            if new_content.contains("]]>") {
                return Err(WriteError::CdataTerminator { section: content });
            }
        }
    }
    Ok(())
}

/// The CDATA sections of `text`: (whole section, its content), skipping comments and processing
/// instructions, which may mention `<![CDATA[` without opening one.
fn cdata_sections(text: &str) -> Vec<(Span, Span)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(lt) = text.get(at..).and_then(|r| r.find('<')).map(|i| at + i) {
        let rest = text.get(lt..).unwrap_or("");
        let (open, close) = if rest.starts_with("<![CDATA[") {
            ("<![CDATA[", "]]>")
        } else if rest.starts_with("<!--") {
            ("<!--", "-->")
        } else if rest.starts_with("<?") {
            ("<?", "?>")
        } else {
            at = lt + 1;
            continue;
        };
        let body = lt + open.len();
        let Some(end) = text.get(body..).and_then(|r| r.find(close)).map(|i| body + i) else {
            break;
        };
        if open == "<![CDATA[" {
            out.push((Span::new(lt, end + close.len()), Span::new(body, end)));
        }
        at = end + close.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Encoding;

    fn src(text: &str) -> SourceFile {
        SourceFile::from_text("t.xml", text)
    }

    #[test]
    fn no_edits_is_byte_identical() {
        let text = "<?xml version='1.0'?>\r\n<sequence  version = '3.10' >\r\n<!-- é -->\r\n</sequence>";
        for (encoding, bom) in [(Encoding::Utf8, false), (Encoding::Utf8, true), (Encoding::Utf16Le, true), (Encoding::Utf16Be, true)] {
            let s = SourceFile { path: String::new(), text: text.into(), encoding, bom };
            let bytes = s.encode(text);
            let back = SourceFile::decode("x", bytes.clone()).unwrap();
            assert_eq!(write_preserving(&back, &[]).unwrap(), bytes);
        }
    }

    #[test]
    fn splices_sorted_edits_and_keeps_encoding() {
        let text = "<a x=\"1\" y=\"2\"/>";
        let s = SourceFile { path: String::new(), text: text.into(), encoding: Encoding::Utf16Le, bom: true };
        let edits = [Edit::new(Span::new(12, 13), "3"), Edit::new(Span::new(6, 7), "é"), Edit::new(Span::at(3), "z=\"0\" ")];
        let out = write_preserving(&s, &edits).unwrap();
        assert_eq!(out, s.encode("<a z=\"0\" x=\"é\" y=\"3\"/>"));
    }

    #[test]
    fn insertions_at_one_point_keep_their_order() {
        let edits = [Edit::new(Span::at(1), "b"), Edit::new(Span::at(1), "c")];
        assert_eq!(apply("ad", &edits).unwrap(), "abcd");
    }

    #[test]
    fn rejects_overlaps_and_bad_spans() {
        let s = src("<a>héllo</a>");
        let overlap = [Edit::new(Span::new(3, 7), "x"), Edit::new(Span::new(6, 8), "y")];
        assert!(matches!(write_preserving(&s, &overlap), Err(WriteError::Overlap { .. })));
        assert!(matches!(write_preserving(&s, &[Edit::new(Span::new(5, 99), "")]), Err(WriteError::BadSpan { .. })));
        assert!(matches!(write_preserving(&s, &[Edit::new(Span::new(5, 5), "")]), Err(WriteError::BadSpan { .. })));
        assert!(matches!(write_preserving(&s, &[Edit::new(Span::new(6, 4), "")]), Err(WriteError::BadSpan { .. })));
    }

    #[test]
    fn cdata_edits_may_not_end_the_section() {
        let text = "<V><![CDATA[<a>x]</a>]]></V>";
        let x = text.find('x').unwrap();
        assert_eq!(apply(text, &[Edit::new(Span::new(x, x + 1), "y")]).unwrap(), "<V><![CDATA[<a>y]</a>]]></V>");
        let err = apply(text, &[Edit::new(Span::new(x, x + 1), "]]>")]);
        assert!(matches!(err, Err(WriteError::CdataTerminator { .. })));
        // `]>` right after the existing `]` completes a terminator.
        let err = apply(text, &[Edit::new(Span::at(x + 2), "]>")]);
        assert!(matches!(err, Err(WriteError::CdataTerminator { .. })));
        // Two edits that only together write `]]>`.
        let pair = [Edit::new(Span::new(x, x + 1), "]"), Edit::new(Span::at(x + 1), "]>")];
        assert!(matches!(apply(text, &pair), Err(WriteError::CdataTerminator { .. })));
    }

    #[test]
    fn cdata_markers_are_protected_but_whole_sections_can_be_replaced() {
        let text = "<V><![CDATA[abc]]></V>";
        let open = text.find("<![").unwrap();
        assert!(matches!(apply(text, &[Edit::new(Span::new(open + 2, open + 12), "")]), Err(WriteError::CdataBoundary { .. })));
        let whole = Span::new(open, text.find("</V>").unwrap());
        assert_eq!(apply(text, &[Edit::new(whole, "a&amp;b")]).unwrap(), "<V>a&amp;b</V>");
        // `]]>` outside any CDATA section is left to the caller.
        assert_eq!(apply(text, &[Edit::new(Span::at(3), "]]&gt;")]).unwrap(), "<V>]]&gt;<![CDATA[abc]]></V>");
    }

    #[test]
    fn comments_do_not_open_cdata() {
        let text = "<V><!-- <![CDATA[ --><a>]</a></V>";
        let a = text.find("]<").unwrap();
        assert_eq!(apply(text, &[Edit::new(Span::at(a + 1), "]>")]).unwrap(), "<V><!-- <![CDATA[ --><a>]]></a></V>");
    }
}
