//! XML well-formedness through roxmltree, with the options fixed in one place.

use crate::span::{LineIndex, Span};

/// The most nodes (elements, text runs, comments) a document may have.
pub const MAX_NODES: u32 = 50_000_000;

/// Parsing options: no DTD (so no entity expansion and no external entity is ever read).
#[must_use]
pub fn options<'a>() -> roxmltree::ParsingOptions<'a> {
    roxmltree::ParsingOptions { allow_dtd: false, nodes_limit: MAX_NODES, ..roxmltree::ParsingOptions::default() }
}

/// The most attributes one element may have (real task sequences have at most 10). roxmltree
/// compares each attribute with every earlier one of its element, so an unbounded count would make
/// parsing quadratic.
pub const MAX_ATTRIBUTES: usize = 100;

/// The most namespace declarations (`xmlns`, `xmlns:p`) a document may have (real task sequences
/// have none or one). Every element that declares one copies the namespaces in scope, so an
/// unbounded count would make parsing quadratic.
pub const MAX_NAMESPACE_DECLARATIONS: usize = 256;

/// Parse `text` as an XML document.
pub fn parse(text: &str) -> Result<roxmltree::Document<'_>, SyntaxError> {
    check_bounds(text)?;
    roxmltree::Document::parse_with_options(text, options()).map_err(|e| SyntaxError::from_roxmltree(text, &e))
}

/// One linear pass that refuses what would make parsing quadratic: an element with more than
/// [`MAX_ATTRIBUTES`] attributes, a document with more than [`MAX_NAMESPACE_DECLARATIONS`]
/// namespace declarations; and a processing instruction named `xml`, which the parser accepts
/// although XML reserves the name. Comments, CDATA sections, processing instructions and
/// declarations are skipped; anything else malformed is left to the parser.
pub fn check_bounds(text: &str) -> Result<(), SyntaxError> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut namespaces = 0usize;
    let find = |from: usize, what: &str| bytes.get(from..).and_then(|t| memchr::memmem::find(t, what.as_bytes())).map(|i| from + i);
    while let Some(lt) = bytes.get(at..).and_then(|t| memchr::memchr(b'<', t)).map(|i| at + i) {
        let rest = text.get(lt..).unwrap_or("");
        let skip_to = |close: &str| find(lt, close).map(|i| i + close.len());
        let next = if rest.starts_with("<!--") {
            skip_to("-->")
        } else if rest.starts_with("<![CDATA[") {
            skip_to("]]>")
        } else if let Some(pi) = rest.strip_prefix("<?") {
            // XML reserves the target `xml` for the declaration (`<?xml` and a space, which the
            // parser checks); roxmltree reads `<?xml?>` or `<?xml</…?>` as an ordinary
            // processing instruction, which the writer could not then write back.
            let target_len = pi.find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))).unwrap_or(pi.len());
            let declaration = pi.get(target_len..).is_some_and(|r| r.starts_with(|c: char| c.is_ascii_whitespace()));
            if pi.get(..target_len).is_some_and(|t| t.eq_ignore_ascii_case("xml")) && !declaration {
                return Err(SyntaxError {
                    message: "a processing instruction may not be named `xml`: the XML declaration reads `<?xml version=\"1.0\"?>`"
                        .to_owned(),
                    span: Span::new(lt, lt + 2 + target_len),
                });
            }
            skip_to("?>")
        } else if rest.starts_with("<!") || rest.starts_with("</") {
            bytes.get(lt..).and_then(|t| memchr::memchr(b'>', t)).map(|i| lt + i + 1)
        } else {
            // A start tag: count the `=` of its attributes up to the closing `>`, jumping from one
            // `=`, `>` or `<` to the next and over each quoted value.
            let mut attributes = 0usize;
            let mut end = None;
            let mut i = lt + 1;
            while let Some(found) = bytes.get(i..).and_then(|r| memchr::memchr3(b'=', b'>', b'<', r)) {
                let at = i + found;
                match bytes.get(at) {
                    Some(b'=') => {
                        attributes += 1;
                        let name = attribute_name(bytes, at);
                        if name == b"xmlns" || name.starts_with(b"xmlns:") {
                            namespaces += 1;
                            if namespaces > MAX_NAMESPACE_DECLARATIONS {
                                return Err(SyntaxError {
                                    message: format!("the document declares more than {MAX_NAMESPACE_DECLARATIONS} namespaces"),
                                    span: Span::at(lt),
                                });
                            }
                        }
                        if attributes > MAX_ATTRIBUTES {
                            return Err(SyntaxError {
                                message: format!("an element has more than {MAX_ATTRIBUTES} attributes"),
                                span: Span::at(lt),
                            });
                        }
                        // The value: spaces may come before its opening quote.
                        let value = at + 1 + bytes.get(at + 1..).map_or(0, |r| r.iter().take_while(|b| b.is_ascii_whitespace()).count());
                        match bytes.get(value) {
                            Some(&q @ (b'"' | b'\'')) => match bytes.get(value + 1..).and_then(|r| memchr::memchr(q, r)) {
                                Some(len) => i = value + len + 2,
                                // An unterminated value is left to the parser.
                                None => break,
                            },
                            _ => i = value,
                        }
                    }
                    Some(b'>') => {
                        end = Some(at + 1);
                        break;
                    }
                    _ => {
                        end = Some(at);
                        break;
                    }
                }
            }
            end
        };
        match next {
            Some(n) => at = n.max(lt + 1),
            None => break,
        }
    }
    Ok(())
}

/// The attribute name before the `=` at `eq`: spaces before `=` are allowed, and the name starts
/// after the last space, quote, `<`, `>` or `=` before it. Each byte is looked at by one `=` at
/// most, so the bounds pass stays linear.
fn attribute_name(bytes: &[u8], eq: usize) -> &[u8] {
    let before = bytes.get(..eq).unwrap_or_default();
    let end = before.len() - before.iter().rev().take_while(|b| b.is_ascii_whitespace()).count();
    let name = before.get(..end).unwrap_or_default();
    let start = name.iter().rposition(|b| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'<' | b'>' | b'=')).map_or(0, |p| p + 1);
    name.get(start..).unwrap_or_default()
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
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_lowercase().chain(c).collect())
}

#[cfg(test)]
mod tests {
    use super::{MAX_ATTRIBUTES, MAX_NAMESPACE_DECLARATIONS, check_bounds};

    #[test]
    fn bounds_count_attributes_and_namespaces_however_written() {
        let attrs = |n: usize| (0..n).map(|i| format!(" a{i}='x>y=\"z' b{i} = \"=\"")).collect::<String>();
        // Two attributes each, with `=`, `>` and the other quote inside the values.
        assert!(check_bounds(&format!("<s{}/>", attrs(MAX_ATTRIBUTES / 2))).is_ok());
        assert!(check_bounds(&format!("<s{}/>", attrs(MAX_ATTRIBUTES / 2 + 1))).is_err());
        // Namespace declarations across elements, with and without spaces around `=`.
        let ns = |n: usize, sep: &str| (0..n).map(|i| format!("<e xmlns:p{i}{sep}\"urn:{i}\"/>")).collect::<String>();
        for sep in ["=", " = ", "\n=\t"] {
            assert!(check_bounds(&format!("<r xmlns{sep}'urn:d'>{}</r>", ns(MAX_NAMESPACE_DECLARATIONS, sep))).is_err(), "{sep:?}");
            assert!(check_bounds(&format!("<r>{}</r>", ns(MAX_NAMESPACE_DECLARATIONS, sep))).is_ok(), "{sep:?}");
            assert!(check_bounds(&format!("<r>{}</r>", ns(MAX_NAMESPACE_DECLARATIONS + 1, sep))).is_err(), "{sep:?}");
        }
        // `xml` is reserved as a processing-instruction target, in any case; longer targets and
        // the declaration itself are left alone.
        for bad in ["<?xml</version=\"1.0\"?><a/>", "<a><?XmL?></a>", "<a><?xml?></a>"] {
            let e = check_bounds(bad).unwrap_err();
            assert!(e.message.contains("may not be named `xml`"), "{bad}: {}", e.message);
        }
        for good in ["<?xml version=\"1.0\"?><a/>", "<?xml-stylesheet href='s'?><a><?xmlfoo x?></a>"] {
            assert!(check_bounds(good).is_ok(), "{good}");
        }
        // Markup inside comments and CDATA does not count.
        assert!(check_bounds(&format!("<r><!--<s{}/>--><![CDATA[<s{}/>]]></r>", attrs(200), attrs(200))).is_ok());
    }
}
