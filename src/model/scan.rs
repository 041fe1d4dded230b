//! One pass over a document in the plain form real task sequences are written in, giving its
//! [`Tree`] without building a DOM first.
//!
//! The plain form is a strict subset of XML 1.0 (§2.1 to §2.8, §3.1, §4.1):
//! - an optional declaration `<?xml version="1.0" encoding="…" standalone="…"?>`;
//! - comments and whitespace around one root element;
//! - elements and attributes named in ASCII, without namespace prefixes (a prefix may be
//!   declared, as the 2007 wrapper declares `xsi` and `xsd`, but not used);
//! - text and attribute values with the five predefined entities and character references.
//!
//! The scanner checks everything XML requires of that subset (matching end tags, quoted values,
//! no `<` in a value, no `]]>` in text, no repeated attribute, no `--` in a comment, only
//! characters XML allows) and gives up, returning `None`, on anything else: then roxmltree
//! parses the document and decides ([`Tree::parse`]). So the scanner never accepts what roxmltree
//! refuses, and the tests check that it gives the same tree as roxmltree wherever it accepts.

use super::tree::{AttrAt, Elem, NONE, Tree, to_u32};
use crate::syntax::{MAX_ATTRIBUTES, MAX_NODES};
use memchr::{memchr, memchr3, memmem};

/// An element whose end tag has not been read yet.
struct Open {
    id: usize,
    /// Its last child element so far.
    last_child: u32,
    /// Where the current run of its text started to hold something other than whitespace: the
    /// comments before that are not a following element's leading comments.
    blocker: usize,
    /// Whether the current run of text (since the last element or comment) has a character that
    /// is not whitespace.
    dirty: bool,
}

/// The scanner's state: the text, the position, and the tree so far.
pub(super) struct Scanner<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    tree: Tree<'t>,
    /// The namespace declarations read so far.
    namespaces: usize,
}

impl<'t> Scanner<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            at: 0,
            namespaces: 0,
            // Room for every `<` and `=`, more than there are elements and attributes: capacity
            // that is never written costs no memory, and the tables are never copied to grow.
            tree: Tree {
                text,
                elems: Vec::with_capacity(memchr::memchr_iter(b'<', text.as_bytes()).count()),
                attrs: Vec::with_capacity(memchr::memchr_iter(b'=', text.as_bytes()).count()),
                comments: Vec::new(),
                prolog: Vec::new(),
            },
        }
    }

    /// Scan the whole document.
    pub(super) fn run(mut self) -> Option<Tree<'t>> {
        if !chars_allowed(self.bytes) {
            return None;
        }
        if self.rest().starts_with(b"<?xml") {
            self.declaration()?;
        }
        // The prolog: whitespace and comments.
        loop {
            self.skip_space();
            if !self.rest().starts_with(b"<!--") {
                break;
            }
            let c = self.comment()?;
            self.tree.prolog.push(c);
        }
        self.element_tree()?;
        // Each element can be followed by a text run: a document that could reach roxmltree's
        // node limit is left to it.
        if 3 * self.tree.elems.len() + 2 * self.tree.comments.len() + 1 >= MAX_NODES as usize {
            return None;
        }
        // After the root: whitespace and comments only.
        loop {
            self.skip_space();
            if self.at >= self.bytes.len() {
                return Some(self.tree);
            }
            if !self.rest().starts_with(b"<!--") {
                return None;
            }
            self.comment()?;
        }
    }

    fn rest(&self) -> &'t [u8] {
        self.bytes.get(self.at..).unwrap_or_default()
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    /// Skip whitespace (XML's `S`: space, tab, CR, LF); whether there was any.
    fn skip_space(&mut self) -> bool {
        let n = self.rest().iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')).count();
        self.at += n;
        n > 0
    }

    /// Expect the bytes `s` and step over them.
    fn eat(&mut self, s: &[u8]) -> Option<()> {
        self.rest().starts_with(s).then(|| self.at += s.len())
    }

    /// `<?xml version="1.0" [encoding="…"] [standalone="yes|no"] ?>` at the start.
    fn declaration(&mut self) -> Option<()> {
        const ORDER: [&str; 3] = ["version", "encoding", "standalone"];
        self.eat(b"<?xml")?;
        // The index in ORDER after the last pseudo-attribute read.
        let mut next = 0;
        loop {
            let space = self.skip_space();
            if self.eat(b"?>").is_some() {
                return (next > 0).then_some(());
            }
            if !space {
                return None;
            }
            let (name, value) = self.pseudo_attribute()?;
            let pos = ORDER.iter().position(|o| *o == name)?;
            // The version comes first; the others may be left out, but keep their order.
            if pos < next || (next == 0 && pos != 0) {
                return None;
            }
            let ok = match pos {
                0 => value == "1.0",
                1 => {
                    value.starts_with(|c: char| c.is_ascii_alphabetic())
                        && value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
                }
                _ => value == "yes" || value == "no",
            };
            if !ok {
                return None;
            }
            next = pos + 1;
        }
    }

    /// `name = "value"` in the declaration.
    fn pseudo_attribute(&mut self) -> Option<(&'t str, &'t str)> {
        let start = self.at;
        self.at += self.rest().iter().take_while(|b| b.is_ascii_alphabetic()).count();
        let name = self.text.get(start..self.at)?;
        self.skip_space();
        self.eat(b"=")?;
        self.skip_space();
        let quote = self.byte(self.at).filter(|q| matches!(q, b'"' | b'\''))?;
        let len = memchr(quote, self.bytes.get(self.at + 1..)?)?;
        let value = self.text.get(self.at + 1..self.at + 1 + len)?;
        self.at += len + 2;
        Some((name, value))
    }

    /// `<!--…-->` at the position: its range. `--` may not occur inside, nor `-` end it.
    fn comment(&mut self) -> Option<std::ops::Range<usize>> {
        let start = self.at;
        let body = start + 4;
        let dashes = memmem::find(self.bytes.get(body..)?, b"--")? + body;
        if self.byte(dashes + 2) != Some(b'>') || (dashes > body && self.byte(dashes - 1) == Some(b'-')) {
            return None;
        }
        self.at = dashes + 3;
        Some(start..self.at)
    }

    /// A name in ASCII without a prefix: a letter or `_`, then letters, digits, `_`, `-`, `.`.
    /// Names starting with `xml` (reserved) are left to roxmltree.
    fn name(&mut self) -> Option<usize> {
        let rest = self.rest();
        let first = *rest.first()?;
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        let len = rest.iter().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')).count();
        if rest.get(..3).is_some_and(|p| p.eq_ignore_ascii_case(b"xml")) {
            return None;
        }
        self.at += len;
        Some(len)
    }

    /// The root element and everything in it.
    fn element_tree(&mut self) -> Option<()> {
        let mut open: Vec<Open> = Vec::new();
        let (id, empty) = self.start_tag(None)?;
        if empty {
            return Some(());
        }
        open.push(Open { id, last_child: NONE, blocker: self.tree.elem(id).tag_end, dirty: false });
        while let Some(top) = open.last_mut() {
            let found = memchr3(b'<', b'&', b']', self.rest())?;
            let lt = self.at + found;
            if !top.dirty {
                top.dirty = !is_space(self.text.get(self.at..lt)?);
            }
            self.at = lt;
            match self.byte(lt)? {
                b'&' => {
                    let c = self.reference()?;
                    top.dirty |= !c.is_whitespace();
                }
                b']' => {
                    if self.rest().starts_with(b"]]>") {
                        return None;
                    }
                    top.dirty = true;
                    self.at += 1;
                }
                _ => {
                    let rest = self.rest();
                    if rest.starts_with(b"</") {
                        self.at += 2;
                        let id = top.id;
                        let name = self.tree.name(id);
                        self.eat(name.as_bytes())?;
                        self.skip_space();
                        self.eat(b">")?;
                        let e = self.tree.elems.get_mut(id)?;
                        e.content_end = lt;
                        e.end = self.at;
                        open.pop();
                        if let Some(parent) = open.last_mut() {
                            parent.blocker = self.at;
                            parent.dirty = false;
                        }
                    } else if rest.starts_with(b"<!--") {
                        if top.dirty {
                            top.blocker = lt;
                        }
                        let c = self.comment()?;
                        self.tree.comments.push(c);
                        top.dirty = false;
                    } else if rest.starts_with(b"<![CDATA[") {
                        let body = lt + 9;
                        let len = memmem::find(self.bytes.get(body..)?, b"]]>")?;
                        top.dirty |= !is_space(self.text.get(body..body + len)?);
                        self.at = body + len + 3;
                    } else if rest.starts_with(b"<?") || rest.starts_with(b"<!") {
                        return None;
                    } else {
                        if top.dirty {
                            top.blocker = lt;
                        }
                        let blocker = top.blocker;
                        let parent = top.id;
                        let (id, empty) = self.start_tag(Some(blocker))?;
                        let top = open.last_mut()?;
                        let link = if top.last_child == NONE {
                            &mut self.tree.elems.get_mut(parent)?.first_child
                        } else {
                            &mut self.tree.elems.get_mut(top.last_child as usize)?.next_sibling
                        };
                        *link = to_u32(id);
                        top.last_child = to_u32(id);
                        if empty {
                            top.blocker = self.at;
                            top.dirty = false;
                        } else {
                            let tag_end = self.at;
                            open.push(Open { id, last_child: NONE, blocker: tag_end, dirty: false });
                        }
                    }
                }
            }
        }
        Some(())
    }

    /// A start tag at the position, with its attributes; its id and whether it closes itself.
    /// `blocker`: where the leading comments of the element may start (`None` for the root).
    fn start_tag(&mut self, blocker: Option<usize>) -> Option<(usize, bool)> {
        let start = self.at;
        self.eat(b"<")?;
        let name_len = self.name()?;
        let from = self.tree.attrs.len();
        let empty = loop {
            let space = self.skip_space();
            if self.eat(b">").is_some() {
                break false;
            }
            if self.eat(b"/>").is_some() {
                break true;
            }
            if !space || self.tree.attrs.len() - from >= MAX_ATTRIBUTES {
                return None;
            }
            if self.rest().starts_with(b"xmlns:") {
                self.namespace(start)?;
                continue;
            }
            let attr = self.attribute()?;
            let name = self.tree.attr_name(&attr);
            if self.tree.attrs.get(from..)?.iter().any(|a| self.tree.attr_name(a) == name) {
                return None;
            }
            self.tree.attrs.push(attr);
        };
        let lead_from = blocker.map_or(self.tree.comments.len(), |b| self.tree.comments.partition_point(|c| c.start < b));
        let id = self.tree.elems.len();
        let tag_end = self.at;
        self.tree.elems.push(Elem {
            start,
            name_len,
            tag_end,
            content_end: tag_end,
            end: tag_end,
            attrs: (to_u32(from), to_u32(self.tree.attrs.len())),
            first_child: NONE,
            next_sibling: NONE,
            lead: (to_u32(lead_from), to_u32(self.tree.comments.len())),
        });
        Some((id, empty))
    }

    /// A namespace declaration `xmlns:p="uri"` in the start tag at `tag`: stepped over, as
    /// roxmltree does not list it among the attributes. The scanner reads no prefixed name, so a
    /// declared prefix is never used; the declaration is only checked (XML Namespaces §3). One
    /// with a reference, a `<` or `>` in its value, or binding a reserved namespace, is left to
    /// roxmltree, and so is a repeated prefix and a document with many declarations.
    fn namespace(&mut self, tag: usize) -> Option<()> {
        const RESERVED: [&str; 2] = ["http://www.w3.org/XML/1998/namespace", "http://www.w3.org/2000/xmlns/"];
        self.at += b"xmlns:".len();
        let prefix_at = self.at;
        self.name()?;
        let prefix = self.text.get(prefix_at..self.at)?;
        self.skip_space();
        self.eat(b"=")?;
        self.skip_space();
        let quote = self.byte(self.at).filter(|q| matches!(q, b'"' | b'\''))?;
        let from = self.at + 1;
        let uri = self.text.get(from..from + memchr(quote, self.bytes.get(from..)?)?)?;
        if uri.is_empty() || uri.contains(['<', '>', '&']) || RESERVED.contains(&uri) {
            return None;
        }
        self.namespaces += 1;
        let declared = format!("xmlns:{prefix}");
        let tag_text = self.text.get(tag..prefix_at)?;
        if self.namespaces > 16 || tag_text.contains(declared.as_str()) {
            return None;
        }
        self.at = from + uri.len() + 1;
        Some(())
    }

    /// `name="value"` (spaces allowed around `=`), the value checked for `<` and references.
    fn attribute(&mut self) -> Option<AttrAt> {
        let start = self.at;
        let name_len = self.name()?;
        self.skip_space();
        self.eat(b"=")?;
        self.skip_space();
        let quote = self.byte(self.at).filter(|q| matches!(q, b'"' | b'\''))?;
        let from = self.at + 1;
        let to = from + memchr(quote, self.bytes.get(from..)?)?;
        self.at = from;
        while let Some(i) = self.bytes.get(self.at..to).and_then(|v| memchr::memchr2(b'<', b'&', v)) {
            self.at += i;
            if self.byte(self.at) == Some(b'<') {
                return None;
            }
            self.reference()?;
        }
        self.at = to + 1;
        Some(AttrAt { start, name_len, value: from..to })
    }

    /// A reference at the position (`&amp;`, `&#38;`, `&#x26;`): the character it stands for.
    fn reference(&mut self) -> Option<char> {
        let body = self.bytes.get(self.at + 1..)?;
        let semi = memchr(b';', body.get(..body.len().min(12))?)?;
        let name = self.text.get(self.at + 1..self.at + 1 + semi)?;
        // XML writes a character reference `&#` digits `;` or `&#x` hex digits `;` (a lower-case
        // `x`, no sign); the decoder is more lenient, so the form is checked first.
        let digits = |s: &str, hex: bool| !s.is_empty() && s.bytes().all(|b| if hex { b.is_ascii_hexdigit() } else { b.is_ascii_digit() });
        let well_formed =
            name.strip_prefix('#').is_none_or(|num| num.strip_prefix('x').map_or(digits(num, false), |hex| digits(hex, true)));
        let c = crate::span::decode_entity(name).filter(|&c| well_formed && is_xml_char(c))?;
        self.at += semi + 2;
        Some(c)
    }
}

/// Whether `s` is all whitespace, as `str::trim` sees it (roxmltree's text nodes of only
/// whitespace are not content).
fn is_space(s: &str) -> bool {
    if s.is_ascii() { s.bytes().all(|b| b.is_ascii_whitespace()) } else { s.chars().all(char::is_whitespace) }
}

/// Whether `c` is a character XML 1.0 allows (§2.2).
const fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Whether the text holds only characters XML allows: no C0 control but tab, LF and CR, and
/// neither U+FFFE nor U+FFFF (a string holds no surrogates).
fn chars_allowed(bytes: &[u8]) -> bool {
    // A branch-free fold over each chunk, so that the compiler can vectorise it.
    let controls =
        bytes.chunks(4096).any(|c| c.iter().fold(false, |bad, &b| bad | ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r'))));
    !controls && memmem::find(bytes, "\u{FFFE}".as_bytes()).is_none() && memmem::find(bytes, "\u{FFFF}".as_bytes()).is_none()
}
