//! XML well-formedness through roxmltree, with the options fixed in one place.

use crate::span::{LineIndex, Span};

/// Parsing options: no DTD (so no entity expansion and no external entity is ever read).
#[must_use]
pub fn options<'a>() -> roxmltree::ParsingOptions<'a> {
    roxmltree::ParsingOptions { allow_dtd: false, nodes_limit: 50_000_000, ..roxmltree::ParsingOptions::default() }
}

/// Parse `text` as an XML document.
pub fn parse(text: &str) -> Result<roxmltree::Document<'_>, SyntaxError> {
    roxmltree::Document::parse_with_options(text, options()).map_err(|e| SyntaxError::from_roxmltree(text, &e))
}

/// A well-formedness error with its position in the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// roxmltree's description, lower-cased at the start.
    pub message: String,
    /// Where the fault is (an empty span at the position).
    pub span: Span,
}

impl SyntaxError {
    /// Convert a roxmltree error; positions without one (no root element, DTD) point at the end or
    /// at the `<!DOCTYPE`.
    #[must_use]
    pub fn from_roxmltree(text: &str, e: &roxmltree::Error) -> Self {
        let offset = match e {
            roxmltree::Error::DtdDetected => text.find("<!DOCTYPE").unwrap_or(0),
            roxmltree::Error::NoRootNode | roxmltree::Error::UnclosedRootNode => text.len(),
            _ => {
                let pos = e.pos();
                LineIndex::new(text).offset(text, pos.row as usize, pos.col as usize)
            }
        };
        let message = match e {
            roxmltree::Error::DtdDetected => "a DTD is not allowed in a task sequence (entities are never expanded)".to_owned(),
            _ => lower_first(&strip_position(&e.to_string())),
        };
        Self { message, span: Span::at(offset) }
    }
}

/// Drop roxmltree's trailing " at 3:5".
fn strip_position(s: &str) -> String {
    match s.rfind(" at ") {
        Some(i) if s.get(i + 4..).is_some_and(|p| p.split(':').all(|n| n.parse::<u32>().is_ok())) => s.get(..i).unwrap_or(s).to_owned(),
        _ => s.to_owned(),
    }
}

/// `"Unexpected"` → `"unexpected"`.
#[must_use]
pub fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_lowercase().chain(c).collect())
}
