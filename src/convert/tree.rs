//! A lossless tree of a `<sequence>` element: elements with their attributes as written (raw
//! values, entities not decoded), text as written, CDATA sections, comments and processing
//! instructions, plus the comments and processing instructions before the element in its
//! document. It is what `tsq dump` prints under `sequence.xml`, and what `tsq convert` rebuilds
//! a task sequence from.
//!
//! Whitespace between elements is layout and is dropped, except in `<variable>` and `<action>`
//! (whose content is a value) and in elements whose text is not only whitespace.

use crate::container::{Format, TaskSequence};
use roxmltree::Node as XNode;
use serde_json::{Value as J, json};

/// One node of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// An element: name, attributes (name, raw value) in order, children.
    Element {
        /// The tag name as written.
        name: String,
        /// The attributes as written: names and raw values.
        attributes: Vec<(String, String)>,
        /// The content.
        children: Vec<Item>,
    },
    /// Text as written (entities not decoded).
    Text(String),
    /// A CDATA section's content.
    Cdata(String),
    /// A comment's content.
    Comment(String),
    /// A processing instruction's content (between `<?` and `?>`).
    Pi(String),
}

/// A sequence element and what precedes it in its document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree {
    /// Comments and processing instructions before the `<sequence>` element.
    pub prolog: Vec<Item>,
    /// The `<sequence>` element.
    pub root: Item,
}

/// Elements whose content is a value: every byte of it is kept.
const VALUES: [&str; 2] = ["variable", "action"];

/// The text the sequence of `ts` is parsed from: the file, a CDATA section's content, or the
/// decoded text of an entity-escaped `Sequence` property.
fn sequence_document(file_text: &str, ts: &TaskSequence) -> String {
    if ts.format != Format::CmObjectXml {
        return file_text.to_owned();
    }
    let Some(v) = ts.package.as_ref().and_then(|p| p.value("Sequence")) else { return String::new() };
    match v.raw.trim().strip_prefix("<![CDATA[").and_then(|r| r.strip_suffix("]]>")) {
        Some(inner) => inner.to_owned(),
        None => crate::span::unescape(&v.raw).into_owned(),
    }
}

/// The raw text between `at` and `end` split into text and CDATA items.
fn text_items(text: &str, mut at: usize, end: usize, out: &mut Vec<Item>) {
    while at < end {
        let rest = text.get(at..end).unwrap_or("");
        match rest.find("<![CDATA[") {
            Some(i) => {
                if i > 0 {
                    out.push(Item::Text(rest.get(..i).unwrap_or("").to_owned()));
                }
                let body = rest.get(i + 9..).unwrap_or("");
                let close = body.find("]]>").unwrap_or(body.len());
                out.push(Item::Cdata(body.get(..close).unwrap_or("").to_owned()));
                at += i + 9 + close + 3;
            }
            None => {
                out.push(Item::Text(rest.to_owned()));
                at = end;
            }
        }
    }
}

/// The byte just after an element's start tag.
fn start_tag_end(text: &str, n: XNode<'_, '_>) -> usize {
    let r = n.range();
    let from = n.attributes().map(|a| a.range().end).max().unwrap_or(r.start + 1);
    text.get(from..r.end).and_then(|s| s.find('>')).map_or(r.end, |i| from + i + 1)
}

/// The tree of element `n`, without recursion (deep files are bounded by the model's depth limit
/// already, but the stack costs nothing here).
/// Names are taken as written (with their namespace prefix), and the namespace declarations of
/// the element are kept as attributes.
fn element(text: &str, n: XNode<'_, '_>) -> Item {
    let r = n.range();
    let tag = text.get(r.start + 1..r.end).unwrap_or("");
    let name = tag.get(..tag.find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>').unwrap_or(tag.len())).unwrap_or("").to_owned();
    let inherited = |ns: &roxmltree::Namespace<'_>| n.parent_element().is_some_and(|p| p.namespaces().any(|q| q == ns));
    let declarations = n.namespaces().filter(|ns| ns.name() != Some("xml") && !inherited(ns)).map(|ns| {
        let name = ns.name().map_or_else(|| "xmlns".to_owned(), |p| format!("xmlns:{p}"));
        (name, crate::writer::escape(ns.uri()))
    });
    let attributes = declarations
        .chain(
            n.attributes()
                .map(|a| (text.get(a.range_qname()).unwrap_or("").to_owned(), text.get(a.range_value()).unwrap_or("").to_owned())),
        )
        .collect();
    let start = start_tag_end(text, n);
    let self_closing = start >= 2 && text.get(start - 2..start) == Some("/>");
    let mut children = Vec::new();
    if !self_closing {
        let end = text.get(start..r.end).and_then(|s| s.rfind('<')).map_or(start, |i| start + i);
        let mut items = Vec::new();
        let mut at = start;
        for c in n.children().filter(|c| !c.is_text()) {
            text_items(text, at, c.range().start, &mut items);
            if c.is_element() {
                items.push(element(text, c));
            } else if c.is_comment() {
                items.push(Item::Comment(c.text().unwrap_or("").to_owned()));
            } else if let Some(pi) = c.pi() {
                items.push(Item::Pi(pi.value.map_or_else(|| pi.target.to_owned(), |v| format!("{} {v}", pi.target))));
            }
            at = c.range().end;
        }
        text_items(text, at, end, &mut items);
        let layout = |i: &Item| matches!(i, Item::Text(t) if t.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')));
        let has_markup = items.iter().any(|i| !matches!(i, Item::Text(_) | Item::Cdata(_)));
        let keep_all = VALUES.contains(&name.as_str())
            || !has_markup
            || items.iter().any(|i| matches!(i, Item::Text(_) | Item::Cdata(_)) && !layout(i));
        children = if VALUES.contains(&name.as_str()) && has_markup {
            // A value holding markup (`<action>a<x/></action>`) is kept as written: the model
            // compares values by their raw text, which rebuilt markup would not reproduce.
            vec![Item::Text(text.get(start..end).unwrap_or("").to_owned())]
        } else if keep_all {
            items
        } else {
            items.into_iter().filter(|i| !layout(i)).collect()
        };
    }
    Item::Element { name, attributes, children }
}

/// The tree of the sequence of `ts`, read from `file_text` (the decoded file).
pub fn of(file_text: &str, ts: &TaskSequence) -> Result<Tree, String> {
    let doc_text = sequence_document(file_text, ts);
    let doc = crate::syntax::parse(&doc_text).map_err(|e| e.message)?;
    let root = doc.root_element();
    let seq = if ts.format == Format::SmsTaskSequencePackage {
        root.children().find(|c| c.has_tag_name("SequenceData")).and_then(|d| d.children().find(|c| c.has_tag_name("sequence")))
    } else {
        Some(root)
    }
    .ok_or("the document has no `<sequence>` element")?;
    let mut prolog = Vec::new();
    let mut prev = seq.prev_sibling();
    while let Some(p) = prev {
        if p.is_comment() {
            prolog.push(Item::Comment(p.text().unwrap_or("").to_owned()));
        } else if let Some(pi) = p.pi() {
            prolog.push(Item::Pi(pi.value.map_or_else(|| pi.target.to_owned(), |v| format!("{} {v}", pi.target))));
        }
        prev = p.prev_sibling();
    }
    prolog.reverse();
    Ok(Tree { prolog, root: element(&doc_text, seq) })
}

impl Item {
    /// The JSON form (`docs/json-model.md`).
    #[must_use]
    pub fn to_json(&self) -> J {
        match self {
            Self::Element { name, attributes, children } => json!({
                "element": name,
                "attributes": attributes.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>(),
                "children": children.iter().map(Self::to_json).collect::<Vec<_>>(),
            }),
            Self::Text(t) => json!({ "text": t }),
            Self::Cdata(t) => json!({ "cdata": t }),
            Self::Comment(t) => json!({ "comment": t }),
            Self::Pi(t) => json!({ "pi": t }),
        }
    }

    /// Read the JSON form; `Err` names what is wrong.
    pub fn from_json(j: &J) -> Result<Self, String> {
        let obj = j.as_object().ok_or("an `xml` node is not an object")?;
        let s = |k: &str| obj.get(k).and_then(J::as_str).map(str::to_owned);
        if let Some(name) = s("element") {
            let mut attributes = Vec::new();
            for a in obj.get("attributes").and_then(J::as_array).map_or(&[][..], Vec::as_slice) {
                match a.as_array().map(Vec::as_slice) {
                    Some([J::String(n), J::String(v)]) => attributes.push((n.clone(), v.clone())),
                    _ => return Err(format!("an attribute of `<{name}>` is not a `[name, value]` pair of strings")),
                }
            }
            let children = obj.get("children").and_then(J::as_array).map_or(&[][..], Vec::as_slice);
            let children = children.iter().map(Self::from_json).collect::<Result<Vec<_>, _>>()?;
            return Ok(Self::Element { name, attributes, children });
        }
        if let Some(t) = s("text") {
            return Ok(Self::Text(t));
        }
        if let Some(t) = s("cdata") {
            return Ok(Self::Cdata(t));
        }
        if let Some(t) = s("comment") {
            return Ok(Self::Comment(t));
        }
        s("pi").map(Self::Pi).ok_or_else(|| "an `xml` node has none of `element`, `text`, `cdata`, `comment`, `pi`".to_owned())
    }

    /// Append the XML text of the node, with no layout.
    pub fn write(&self, out: &mut String) {
        match self {
            Self::Element { name, attributes, children } => {
                out.push('<');
                out.push_str(name);
                for (n, v) in attributes {
                    let q = if v.contains('"') { '\'' } else { '"' };
                    out.push(' ');
                    out.push_str(n);
                    out.push('=');
                    out.push(q);
                    out.push_str(v);
                    out.push(q);
                }
                if children.is_empty() {
                    out.push_str(" />");
                    return;
                }
                out.push('>');
                for c in children {
                    c.write(out);
                }
                out.push_str("</");
                out.push_str(name);
                out.push('>');
            }
            Self::Text(t) => out.push_str(t),
            Self::Cdata(t) => {
                out.push_str("<![CDATA[");
                out.push_str(t);
                out.push_str("]]>");
            }
            Self::Comment(t) => {
                out.push_str("<!--");
                out.push_str(t);
                out.push_str("-->");
            }
            Self::Pi(t) => {
                out.push_str("<?");
                out.push_str(t);
                out.push_str("?>");
            }
        }
    }
}

impl Tree {
    /// The JSON form: `{"prolog": [...], "root": {...}}`.
    #[must_use]
    pub fn to_json(&self) -> J {
        json!({ "prolog": self.prolog.iter().map(Item::to_json).collect::<Vec<_>>(), "root": self.root.to_json() })
    }

    /// Read the JSON form.
    pub fn from_json(j: &J) -> Result<Self, String> {
        let prolog = j.get("prolog").and_then(J::as_array).map_or(&[][..], Vec::as_slice);
        let prolog = prolog.iter().map(Item::from_json).collect::<Result<Vec<_>, _>>()?;
        let root = Item::from_json(j.get("root").ok_or("the `xml` tree has no `root`")?)?;
        if !matches!(&root, Item::Element { name, .. } if name == "sequence") {
            return Err("the `xml` tree's root is not a `<sequence>` element".to_owned());
        }
        Ok(Self { prolog, root })
    }

    /// The prolog and the element as XML text with no layout (one line unless the content
    /// holds line breaks).
    #[must_use]
    pub fn minified(&self) -> String {
        let mut out = String::new();
        for p in &self.prolog {
            p.write(&mut out);
        }
        self.root.write(&mut out);
        out
    }
}
