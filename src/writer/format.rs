//! `tsq fmt`: the canonical layout of the `<sequence>` element, and nothing else.
//!
//! The layout: one element per line, two spaces per level; group, step and subtasksequence
//! attributes in ConfigMgr's order ([`NODE_ATTR_ORDER`], then the rest as written); other elements
//! keep their attribute order. Attribute values, text, comments and processing instructions are
//! copied from the **raw source**, never from decoded values, so entities and CDATA survive.
//! `<variable>` and `<action>` (whose content is a value), and any element without element children
//! outside the schema's structural elements ([`STRUCTURAL`]), stay on one line with their content
//! as written. An element holding non-whitespace text beside elements (mixed content) is copied
//! verbatim. Whitespace between elements, and whitespace-only content of a structural element, is
//! layout. Empty elements keep their form (`<x />` or `<x></x>`), written as `<x />` when
//! self-closing. Attribute values are quoted with `"` unless the value holds a `"`.
//!
//! Everything outside the sequence stays byte for byte: the prolog, a wrapper's other elements,
//! the CIM-XML instance around an `object.xml` CDATA section (and the CDATA's trailing CRLF), the
//! final newline or its absence. In a wrapper the sequence is indented from the column of its
//! `<sequence>`; inside a CDATA section it starts at column 0.
//!
//! quick-xml parses each raw start tag into its attributes (raw values, namespace declarations
//! included). Its indenting `Writer` is not used for output: it writes only `\n` line breaks and
//! has no base indentation, while the layout needs the file's CRLF and a wrapper's indentation, so
//! the few constructs are written here.
//!
//! [`format`] verifies its result like black: the formatted text must parse to the same model and
//! the same XML content (ignoring whitespace between elements), and formatting it again must change
//! nothing.

use super::verify;
use crate::container::{self, Format, Problem, TaskSequence};
use crate::source::SourceFile;
use crate::span::Span;
use quick_xml::events::BytesStart;
use roxmltree::Node;
use thiserror::Error;

/// ConfigMgr's attribute order on `<group>`, `<step>` and `<subtasksequence>`.
pub const NODE_ATTR_ORDER: [&str; 10] =
    ["type", "name", "description", "disable", "continueOnError", "timeout", "runIn", "successCodeList", "retryCount", "runFromNet"];

/// Elements whose content is a value (`<variable>`, `<action>`): always one line, as written.
pub const VALUES: [&str; 2] = ["variable", "action"];

/// Elements of the task-sequence schema that only hold other elements: whitespace in them is
/// layout, and comments in them go on their own lines.
pub const STRUCTURAL: [&str; 12] = [
    "sequence",
    "group",
    "step",
    "subtasksequence",
    "referenceList",
    "globalVarList",
    "defaultVarList",
    "condition",
    "operator",
    "expression",
    "osConditionGroup",
    "osExpressionGroup",
];

/// Why a file was not formatted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormatError {
    /// The file does not parse to a task sequence; it is never rewritten.
    #[error("{}", .0.message)]
    Syntax(Problem),
    /// The file is read by tsq but its sequence is not formatted (an entity-escaped `Sequence`).
    #[error("{0}")]
    Unsupported(String),
    /// The formatted text failed verification (a bug in tsq); the file is left alone.
    #[error("{0}")]
    Unverified(String),
}

/// The canonical text of `source`: its sequence laid out, everything else as it was.
pub fn format(source: &SourceFile) -> Result<String, FormatError> {
    let ts = container::parse(source, None).map_err(FormatError::Syntax)?;
    let out = layout(source, &ts)?;
    verify::check(source, &ts, &out)?;
    Ok(out)
}

/// Lay out the sequence of `source`, whose task sequence is `ts`, without verifying the result.
pub(super) fn layout(source: &SourceFile, ts: &TaskSequence) -> Result<String, FormatError> {
    let text = source.text.as_str();
    let (doc_text, base) = sequence_document(text, ts)?;
    let doc =
        crate::syntax::parse(doc_text).map_err(|e| FormatError::Unverified(format!("the sequence does not re-parse: {}", e.message)))?;
    let seq = sequence_element(&doc, ts.format)
        .ok_or_else(|| FormatError::Unverified("the `<sequence>` element cannot be found again".to_owned()))?;
    let span = Span::new(base + seq.range().start, base + seq.range().end);
    if span != ts.sequence_span {
        return Err(FormatError::Unverified("the `<sequence>` element was found at a different place".to_owned()));
    }
    let before = text.get(..span.start).unwrap_or("");
    let line = before.rfind('\n').map_or(before, |i| before.get(i + 1..).unwrap_or(""));
    let indent = if line.chars().all(|c| c == ' ' || c == '\t') { line } else { "" };
    let crlf = text.get(..span.end).is_some_and(|t| t.contains("\r\n"));
    let mut w =
        Layout { text: doc_text, eol: if crlf { "\r\n" } else { "\n" }, indent, out: String::with_capacity(text.len() + text.len() / 4) };
    w.out.push_str(before);
    w.sequence(seq)?;
    w.out.push_str(text.get(span.end..).unwrap_or(""));
    Ok(w.out)
}

/// The text the sequence is parsed from, and its offset in the file: the file itself, or the
/// CDATA content of an `object.xml` `Sequence` property.
pub(super) fn sequence_document<'t>(text: &'t str, ts: &TaskSequence) -> Result<(&'t str, usize), FormatError> {
    if ts.format != Format::CmObjectXml {
        return Ok((text, 0));
    }
    let value = ts.package.as_ref().and_then(|p| p.value("Sequence")).map_or(Span::default(), |v| v.span);
    let raw = text.get(value.start..value.end).unwrap_or("");
    let lead = raw.len() - raw.trim_start().len();
    let inner = raw.trim().strip_prefix("<![CDATA[").and_then(|r| r.strip_suffix("]]>"));
    match inner {
        Some(inner) => Ok((inner, value.start + lead + "<![CDATA[".len())),
        None => Err(FormatError::Unsupported("the `Sequence` property is entity-escaped text, not CDATA, and is not formatted".to_owned())),
    }
}

/// The `<sequence>` element of a parsed container document.
pub(super) fn sequence_element<'a, 'i>(doc: &'a roxmltree::Document<'i>, format: Format) -> Option<Node<'a, 'i>> {
    let root = doc.root_element();
    match format {
        Format::SmsTaskSequencePackage => {
            root.children().find(|c| c.has_tag_name("SequenceData")).and_then(|d| d.children().find(|c| c.has_tag_name("sequence")))
        }
        Format::RawSequence | Format::MdtTs | Format::CmObjectXml => Some(root),
    }
}

/// A start tag as written: its name, its attributes (raw values) and where it ends.
struct StartTag<'t> {
    name: &'t str,
    attrs: Vec<(String, String)>,
    /// The offset just past the `>`.
    end: usize,
    self_closing: bool,
}

fn unverified(what: &str) -> FormatError {
    FormatError::Unverified(format!("cannot re-read {what} of the sequence"))
}

impl<'t> StartTag<'t> {
    /// Read the start tag at `start` (a `<`) of well-formed `text`.
    fn read(text: &'t str, start: usize) -> Result<Self, FormatError> {
        let bytes = text.as_bytes();
        let mut quote = None;
        let mut close = None;
        for (i, &b) in bytes.iter().enumerate().skip(start + 1) {
            match (quote, b) {
                (Some(q), _) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(b),
                (None, b'>') => {
                    close = Some(i);
                    break;
                }
                (None, _) => {}
            }
        }
        let close = close.ok_or_else(|| unverified("a start tag"))?;
        let self_closing = close > start + 1 && bytes.get(close - 1) == Some(&b'/');
        let content = text.get(start + 1..if self_closing { close - 1 } else { close }).ok_or_else(|| unverified("a start tag"))?;
        let name_len = content.find(|c: char| c.is_ascii_whitespace()).unwrap_or(content.len());
        let name = content.get(..name_len).ok_or_else(|| unverified("a tag name"))?;
        let tag = BytesStart::from_content(content, name_len);
        let mut attrs = Vec::new();
        for a in tag.attributes() {
            let a = a.map_err(|_| unverified("an attribute"))?;
            attrs.push((a.key.0.to_owned(), a.value.into_owned()));
        }
        Ok(Self { name, attrs, end: close + 1, self_closing })
    }

    /// The attributes in canonical order: ConfigMgr's for steps and groups, as written otherwise.
    fn ordered(&self) -> Vec<&(String, String)> {
        if !matches!(self.name, "group" | "step" | "subtasksequence") {
            return self.attrs.iter().collect();
        }
        let known = NODE_ATTR_ORDER.iter().filter_map(|k| self.attrs.iter().find(|(n, _)| n == k));
        known.chain(self.attrs.iter().filter(|(n, _)| !NODE_ATTR_ORDER.contains(&n.as_str()))).collect()
    }
}

/// What is left to write.
enum Work<'a, 'i> {
    /// A child of an expanded element (or the sequence), at a depth.
    Open(Node<'a, 'i>, usize),
    /// The end tag of an expanded element.
    Close(&'a str, usize),
}

/// The output being built.
struct Layout<'t> {
    /// The text the sequence document was parsed from.
    text: &'t str,
    eol: &'static str,
    /// The indentation of the `<sequence>` line.
    indent: &'t str,
    out: String,
}

/// Whether `s` is only XML whitespace.
fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

impl<'t> Layout<'t> {
    fn line(&mut self, depth: usize) {
        self.out.push_str(self.eol);
        self.out.push_str(self.indent);
        for _ in 0..depth {
            self.out.push_str("  ");
        }
    }

    fn raw(&self, r: std::ops::Range<usize>) -> Result<&'t str, FormatError> {
        self.text.get(r).ok_or_else(|| unverified("a node"))
    }

    fn start_tag(&mut self, tag: &StartTag<'_>) {
        self.out.push('<');
        self.out.push_str(tag.name);
        for (name, value) in tag.ordered() {
            let quote = if value.contains('"') { '\'' } else { '"' };
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push('=');
            self.out.push(quote);
            self.out.push_str(value);
            self.out.push(quote);
        }
        self.out.push_str(if tag.self_closing { " />" } else { ">" });
    }

    /// Write the sequence element; the walk keeps its own stack, so input depth costs no recursion.
    fn sequence(&mut self, seq: Node<'_, 't>) -> Result<(), FormatError> {
        let mut stack = vec![Work::Open(seq, 0)];
        let mut first = true;
        while let Some(work) = stack.pop() {
            let (node, depth) = match work {
                Work::Open(node, depth) => (node, depth),
                Work::Close(name, depth) => {
                    self.line(depth);
                    self.end_tag(name);
                    continue;
                }
            };
            if !first {
                self.line(depth);
            }
            first = false;
            let range = node.range();
            if !node.is_element() {
                // A comment or a processing instruction, as written.
                self.out.push_str(self.raw(range)?);
                continue;
            }
            let tag = StartTag::read(self.text, range.start)?;
            if tag.self_closing {
                self.start_tag(&tag);
                continue;
            }
            let inner = self.raw(tag.end..range.end)?;
            let end_tag = tag.end + inner.rfind("</").ok_or_else(|| unverified("an end tag"))?;
            let kids: Vec<Node<'_, 't>> = node.children().filter(|c| !c.is_text()).collect();
            let structural = STRUCTURAL.contains(&tag.name);
            let expand = !VALUES.contains(&tag.name) && (structural && !kids.is_empty() || kids.iter().any(Node::is_element));
            if !expand {
                let content = self.raw(tag.end..end_tag)?;
                self.start_tag(&tag);
                self.out.push_str(if structural && is_blank(content) { "" } else { content });
                self.end_tag(tag.name);
                continue;
            }
            let mut at = tag.end;
            let mut mixed = false;
            for k in &kids {
                mixed |= !is_blank(self.raw(at..k.range().start)?);
                at = k.range().end;
            }
            mixed |= !is_blank(self.raw(at..end_tag)?);
            if mixed {
                self.out.push_str(self.raw(range)?);
                continue;
            }
            self.start_tag(&tag);
            stack.push(Work::Close(tag.name, depth));
            stack.extend(kids.into_iter().rev().map(|k| Work::Open(k, depth + 1)));
        }
        Ok(())
    }

    fn end_tag(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(text: &str) -> String {
        format(&SourceFile::from_text("t.xml", text)).unwrap()
    }

    #[test]
    fn expands_a_minified_sequence() {
        let text = "<sequence version=\"3.10\"><group name=\"G\"><step name=\"S\" type=\"T\" disable='true'><action>a &amp; b</action></step></group></sequence>";
        let want = "<sequence version=\"3.10\">\n  <group name=\"G\">\n    <step type=\"T\" name=\"S\" disable=\"true\">\n      <action>a &amp; b</action>\n    </step>\n  </group>\n</sequence>";
        assert_eq!(fmt(text), want);
        assert_eq!(fmt(want), want);
    }

    #[test]
    fn keeps_prolog_crlf_comments_and_mixed_text() {
        let text = "<?xml version=\"1.0\"?>\r\n<!-- top -->\r\n<sequence version=\"3.10\"><!-- c --><?pi x?><x>t<y/>u</x><z a='say \"hi\"'></z></sequence>\r\n";
        let want = "<?xml version=\"1.0\"?>\r\n<!-- top -->\r\n<sequence version=\"3.10\">\r\n  <!-- c -->\r\n  <?pi x?>\r\n  <x>t<y/>u</x>\r\n  <z a='say \"hi\"'></z>\r\n</sequence>\r\n";
        assert_eq!(fmt(text), want);
    }

    #[test]
    fn indents_from_a_wrapper() {
        let text = "<SmsTaskSequencePackage>\n    <SequenceData>\n      <sequence version=\"3.00\"><step name=\"a\"/></sequence>\n    </SequenceData>\n</SmsTaskSequencePackage>";
        let want = "<SmsTaskSequencePackage>\n    <SequenceData>\n      <sequence version=\"3.00\">\n        <step name=\"a\" />\n      </sequence>\n    </SequenceData>\n</SmsTaskSequencePackage>";
        assert_eq!(fmt(text), want);
    }

    #[test]
    fn structural_whitespace_is_layout_values_are_kept() {
        let text = "<sequence version=\"3.10\">\n<group name=\"a\">\n   </group><group name=\"b\"><!-- later --></group>\
                    <step><defaultVarList><variable name=\"v\"> <b>x</b> </variable></defaultVarList><foo><!-- f --></foo></step></sequence>";
        let want = "<sequence version=\"3.10\">\n  <group name=\"a\"></group>\n  <group name=\"b\">\n    <!-- later -->\n  </group>\n  <step>\n    \
                    <defaultVarList>\n      <variable name=\"v\"> <b>x</b> </variable>\n    </defaultVarList>\n    <foo><!-- f --></foo>\n  </step>\n</sequence>";
        assert_eq!(fmt(text), want);
    }

    #[test]
    fn lays_out_cdata_and_skips_an_escaped_sequence() {
        let cim = |value: &str| {
            format!(
                "<INSTANCE CLASSNAME=\"SMS_TaskSequencePackage\">\r\n  <PROPERTY NAME=\"Sequence\" TYPE=\"string\"><VALUE>{value}</VALUE></PROPERTY>\r\n</INSTANCE>"
            )
        };
        let text = cim("<![CDATA[<sequence version=\"3.10\"><step name=\"a\"/></sequence>\r\n]]>");
        let want = cim("<![CDATA[<sequence version=\"3.10\">\r\n  <step name=\"a\" />\r\n</sequence>\r\n]]>");
        assert_eq!(fmt(&text), want);
        let escaped = SourceFile::from_text("o.xml", cim("&lt;sequence version=\"3.10\"/&gt;"));
        assert!(matches!(format(&escaped), Err(FormatError::Unsupported(_))));
    }

    #[test]
    fn a_prefixed_attribute_beside_a_plain_one_of_the_same_local_name() {
        // The model keys attributes by their qualified name, so `a:name` and `name` stay apart and
        // formatting keeps (and verifies) both.
        let text = "<sequence version=\"3.10\"><step xmlns:a=\"urn:x\" a:name=\"A\" name=\"B\"/></sequence>";
        let want = "<sequence version=\"3.10\">\n  <step name=\"B\" xmlns:a=\"urn:x\" a:name=\"A\" />\n</sequence>";
        assert_eq!(fmt(text), want);
        assert_eq!(fmt(want), want);
        let src = SourceFile::from_text("t.xml", text);
        let ts = container::parse(&src, None).unwrap();
        let step = &ts.sequence.steps[0];
        assert_eq!(step.name(), "B");
        assert_eq!(step.attr("a:name").map(|v| v.raw.as_ref()), Some("A"));
        // `tsq dump`: the plain attribute keeps its key, the prefixed one is listed by its name.
        let json = crate::dump::task_sequence("t.xml", text, &ts);
        assert_eq!(json["sequence"]["steps"][0]["name"], "B");
        assert_eq!(json["sequence"]["steps"][0]["attributes"]["a:name"], "A");
    }

    #[test]
    fn refuses_what_does_not_parse() {
        assert!(matches!(format(&SourceFile::from_text("t.xml", "<sequence><step></sequence>")), Err(FormatError::Syntax(_))));
    }

    #[test]
    fn deep_nesting_needs_no_recursion() {
        // The deepest nesting the model accepts (deeper files are refused before formatting).
        let depth = crate::model::MAX_DEPTH;
        let text = format!("<sequence version=\"3.10\">{}{}</sequence>", "<x>".repeat(depth), "</x>".repeat(depth));
        let src = SourceFile::from_text("t.xml", text);
        let ts = container::parse(&src, None).unwrap();
        let out = layout(&src, &ts).unwrap();
        assert_eq!(out.lines().count(), 2 * depth + 1);
    }
}
