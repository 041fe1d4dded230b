//! Checking a formatted text the way black does: it parses, it has the same model and the same XML
//! content as the original (whitespace between elements aside), and formatting it again changes
//! nothing.

use super::format::{FormatError, layout, sequence_document, sequence_element};
use crate::container::{self, TaskSequence};
use crate::model::Same;
use crate::source::SourceFile;
use roxmltree::{Node, NodeId};
use std::collections::HashMap;

/// The XML content of an element as a flat list: elements with their attributes (sorted, decoded),
/// text that is not only whitespace, comments and processing instructions, each with the position
/// of its parent in the list.
#[must_use]
pub fn content(element: Node<'_, '_>) -> Vec<String> {
    let mut out = Vec::new();
    let mut index: HashMap<NodeId, usize> = HashMap::new();
    for n in element.descendants() {
        let parent = n.parent().and_then(|p| index.get(&p.id())).map_or(-1, |&i| i64::try_from(i).unwrap_or(-1));
        let item = if n.is_element() {
            let mut attrs: Vec<String> = n.attributes().map(|a| format!("{}={:?}", a.name(), a.value())).collect();
            attrs.sort();
            index.insert(n.id(), out.len());
            format!("<{:?} {}", n.tag_name(), attrs.join(" "))
        } else if n.is_text() {
            let t = n.text().unwrap_or("");
            if t.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n')).is_empty() {
                continue;
            }
            format!("text {t:?}")
        } else if n.is_comment() {
            format!("comment {:?}", n.text().unwrap_or(""))
        } else {
            format!("pi {:?}", n.pi())
        };
        out.push(format!("{parent} {item}"));
    }
    out
}

/// The [`content`] of the sequence of a file.
fn sequence_content(source: &SourceFile, ts: &TaskSequence) -> Result<Vec<String>, FormatError> {
    let (text, _) = sequence_document(&source.text, ts)?;
    let doc = crate::syntax::parse(text).map_err(|e| FormatError::Unverified(format!("the sequence does not re-parse: {}", e.message)))?;
    let seq = sequence_element(&doc, ts.format).ok_or_else(|| FormatError::Unverified("the `<sequence>` element is gone".to_owned()))?;
    Ok(content(seq))
}

/// Check `formatted`, the formatted text of `source` (whose task sequence is `ts`).
pub(super) fn check(source: &SourceFile, ts: &TaskSequence, formatted: &str) -> Result<(), FormatError> {
    let fail = |what: &str| Err(FormatError::Unverified(format!("{what}; the file is left as it is (this is a bug in tsq)")));
    let new = SourceFile { text: formatted.to_owned(), ..source.clone() };
    let Ok(new_ts) = container::parse(&new, None) else {
        return fail("the formatted text does not parse");
    };
    if !new_ts.same(ts) {
        return fail("formatting would change the task sequence");
    }
    if sequence_content(source, ts)? != sequence_content(&new, &new_ts)? {
        return fail("formatting would change the XML content of the sequence");
    }
    if layout(&new, &new_ts)? != formatted {
        return fail("formatting is not stable (a second pass changes the text)");
    }
    Ok(())
}
