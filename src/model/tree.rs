//! The element tree the model is built from: the offsets of every element, attribute and comment
//! of one element's subtree, and nothing else (no text nodes, no copies of the text).
//!
//! There are two ways to get one, and they must give the same tree:
//! - [`Tree::scan`] reads the plain XML that real task sequences are written in, in one pass
//!   with `memchr`. It stops and returns `None` on anything outside that form: namespaces,
//!   processing instructions, a DTD, a name that is not ASCII, and every error.
//! - [`Tree::from_node`] converts roxmltree's document. [`Tree::parse`] uses it for everything
//!   `scan` leaves, so roxmltree still decides what is well formed and words every error.
//!
//! Without roxmltree's node and attribute tables, the peak memory of loading a large sequence is
//! the text, this tree and the model.

use super::scan::Scanner;
use super::{Value, intern};
use crate::span::Span;
use crate::syntax::SyntaxError;
use roxmltree::Node as XNode;
use std::ops::Range;

/// The index of an element in its [`Tree`] (the root is 0).
pub type Id = usize;

/// No element (for `first_child` and `next_sibling`).
pub(super) const NONE: u32 = u32::MAX;

/// One element: where its parts are in the text, and its links in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elem {
    /// The `<` of the start tag.
    pub start: usize,
    /// The length of the name as written (with its prefix).
    pub(super) name_len: usize,
    /// Just after the start tag's `>`.
    pub tag_end: usize,
    /// The `<` of the end tag (`tag_end` for a self-closing element).
    pub content_end: usize,
    /// Just after the end tag.
    pub end: usize,
    /// Its attributes, as a range of [`Tree`]'s attribute table.
    pub(super) attrs: (u32, u32),
    /// Its first child element.
    pub(super) first_child: u32,
    /// Its next sibling element.
    pub(super) next_sibling: u32,
    /// The comments right before it among its siblings (only whitespace text between), as a
    /// range of [`Tree`]'s comment table.
    pub(super) lead: (u32, u32),
}

/// One attribute: `name="value"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrAt {
    /// The first byte of the name.
    pub start: usize,
    /// The length of the name as written (with its prefix).
    pub(super) name_len: usize,
    /// The value, between the quotes.
    pub value: Range<usize>,
}

impl Elem {
    /// The whole element, as a span of its text.
    #[must_use]
    pub const fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }

    /// The content between the start and end tags (empty for a self-closing element).
    #[must_use]
    pub const fn content(&self) -> Range<usize> {
        self.tag_end..self.content_end
    }
}

impl AttrAt {
    /// The whole `name="value"`, closing quote included.
    #[must_use]
    pub const fn range(&self) -> Range<usize> {
        self.start..self.value.end + 1
    }
}

const EMPTY: Elem =
    Elem { start: 0, name_len: 0, tag_end: 0, content_end: 0, end: 0, attrs: (0, 0), first_child: NONE, next_sibling: NONE, lead: (0, 0) };

/// The subtree of one element and the comments before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree<'t> {
    /// The text the offsets point into.
    pub text: &'t str,
    /// Elements in document order; the root first.
    pub(super) elems: Vec<Elem>,
    /// Attributes, each element's together.
    pub(super) attrs: Vec<AttrAt>,
    /// Every comment inside the root (`<!--` to `-->`), in document order.
    pub(super) comments: Vec<Range<usize>>,
    /// The comments among the root's earlier siblings (the prolog, for a document's root).
    pub(super) prolog: Vec<Range<usize>>,
}

impl<'t> Tree<'t> {
    /// The root element.
    pub const ROOT: Id = 0;

    /// The tree of the document `text`: scanned when it is in plain form, else parsed by roxmltree
    /// (whose error is returned for a document that is not well formed).
    pub fn parse(text: &'t str) -> Result<Self, SyntaxError> {
        if let Some(tree) = Self::scan(text) {
            return Ok(tree);
        }
        let doc = crate::syntax::parse(text)?;
        Ok(Self::from_node(text, doc.root_element()))
    }

    /// The tree of the document `text` when it is in the plain form real task sequences have,
    /// `None` otherwise (see the module documentation).
    #[must_use]
    pub fn scan(text: &'t str) -> Option<Self> {
        Scanner::new(text).run()
    }

    /// The tree of `root`, an element of a document parsed from `text`.
    #[must_use]
    pub fn from_node(text: &'t str, root: XNode<'_, '_>) -> Self {
        let mut tree = Self { text, elems: Vec::new(), attrs: Vec::new(), comments: Vec::new(), prolog: Vec::new() };
        tree.prolog =
            std::iter::successors(root.prev_sibling(), XNode::prev_sibling).filter(XNode::is_comment).map(|c| c.range()).collect();
        tree.prolog.reverse();
        // The open elements: their end offsets, ids and last children.
        let mut open: Vec<(usize, usize, u32)> = Vec::new();
        for n in root.descendants() {
            let r = n.range();
            while open.last().is_some_and(|&(end, ..)| end <= r.start) {
                open.pop();
            }
            if n.is_comment() {
                tree.comments.push(r);
                continue;
            }
            if !n.is_element() {
                continue;
            }
            let id = tree.elems.len();
            let from = tree.attrs.len();
            tree.attrs.extend(n.attributes().map(|a| {
                let whole = a.range();
                let name_len = text.get(whole.clone()).and_then(|t| t.split_once('=')).map_or(0, |(name, _)| name.trim_end().len());
                AttrAt { start: whole.start, name_len, value: a.range_value() }
            }));
            let name = text.get(r.start + 1..r.end).unwrap_or("");
            let name_len = name.find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>').unwrap_or(name.len());
            let tag_end = start_tag_end(text, r.clone());
            let self_closing = tag_end >= 2 && text.get(tag_end - 2..tag_end) == Some("/>");
            // The end tag `</name>` holds no `<`, so the last `<` of the element starts it.
            let content_end =
                if self_closing { tag_end } else { text.get(tag_end..r.end).and_then(|s| s.rfind('<')).map_or(tag_end, |i| tag_end + i) };
            let leading = leading_comments(n);
            let lead = (to_u32(tree.comments.len() - leading.min(tree.comments.len())), to_u32(tree.comments.len()));
            tree.elems.push(Elem {
                start: r.start,
                name_len,
                tag_end,
                content_end,
                end: r.end,
                attrs: (to_u32(from), to_u32(tree.attrs.len())),
                first_child: NONE,
                next_sibling: NONE,
                lead,
            });
            if let Some((_, parent, last)) = open.last_mut() {
                let link = if *last == NONE {
                    tree.elems.get_mut(*parent).map(|p| &mut p.first_child)
                } else {
                    tree.elems.get_mut(*last as usize).map(|p| &mut p.next_sibling)
                };
                if let Some(link) = link {
                    *link = to_u32(id);
                }
                *last = to_u32(id);
            }
            open.push((r.end, id, NONE));
        }
        tree
    }

    /// Element `id`.
    #[must_use]
    pub fn elem(&self, id: Id) -> &Elem {
        self.elems.get(id).unwrap_or(&EMPTY)
    }

    /// All elements, the root first, in document order.
    pub fn elems(&self) -> &[Elem] {
        &self.elems
    }

    /// The name of element `id` as written (`a:step`).
    #[must_use]
    pub fn name(&self, id: Id) -> &'t str {
        let e = self.elem(id);
        self.text.get(e.start + 1..e.start + 1 + e.name_len).unwrap_or("")
    }

    /// The `<` and the name of element `id` as written, as a span of its text.
    #[must_use]
    pub fn name_span(&self, id: Id) -> Span {
        let e = self.elem(id);
        Span::new(e.start, e.start + 1 + e.name_len)
    }

    /// The local name of element `id` (`step` for `a:step`).
    #[must_use]
    pub fn local_name(&self, id: Id) -> &'t str {
        let name = self.name(id);
        name.rsplit_once(':').map_or(name, |(_, local)| local)
    }

    /// The child elements of `id`, in order.
    pub fn children(&self, id: Id) -> impl Iterator<Item = Id> + '_ {
        std::iter::successors(Some(self.elem(id).first_child), |&c| Some(self.elem(c as usize).next_sibling))
            .take_while(|&c| c != NONE)
            .map(|c| c as usize)
    }

    /// The attributes of `id`, in order.
    #[must_use]
    pub fn attrs(&self, id: Id) -> &[AttrAt] {
        let (from, to) = self.elem(id).attrs;
        self.attrs.get(from as usize..to as usize).unwrap_or_default()
    }

    /// The name of attribute `a` as written (`a:name`).
    #[must_use]
    pub fn attr_name(&self, a: &AttrAt) -> &'t str {
        self.text.get(a.start..a.start + a.name_len).unwrap_or("")
    }

    /// The attribute of element `id` whose local name is `name` (as roxmltree's `attribute`).
    #[must_use]
    pub fn attr(&self, id: Id, name: &str) -> Option<&AttrAt> {
        self.attrs(id).iter().find(|a| {
            let q = self.attr_name(a);
            q.rsplit_once(':').map_or(q, |(_, l)| l) == name
        })
    }

    /// The text at `r` as a value, verbatim (entities not decoded), spanned in this text.
    #[must_use]
    pub fn value(&self, r: Range<usize>) -> Value {
        Value::new(intern(self.text.get(r.clone()).unwrap_or("")), Span::new(r.start, r.end))
    }

    /// Every comment inside element `id`, in document order.
    #[must_use]
    pub fn comments(&self, id: Id) -> &[Range<usize>] {
        let e = self.elem(id);
        let from = self.comments.partition_point(|c| c.start < e.tag_end);
        let to = self.comments.partition_point(|c| c.start < e.content_end);
        self.comments.get(from..to).unwrap_or_default()
    }

    /// The element that holds `id` (found by a search back through the table: for one lookup per
    /// document, not in a loop).
    #[must_use]
    pub fn parent(&self, id: Id) -> Option<Id> {
        let e = self.elem(id);
        (0..id.min(self.elems.len())).rev().find(|&p| self.elem(p).end >= e.end)
    }

    /// The comments among the earlier siblings of element `id` (the prolog, for the root), in
    /// order.
    #[must_use]
    pub fn earlier_comments(&self, id: Id) -> Vec<Range<usize>> {
        let Some(parent) = self.parent(id) else { return self.prolog.clone() };
        let start = self.elem(id).start;
        let before: Vec<Range<usize>> =
            self.children(parent).map(|c| self.elem(c)).take_while(|c| c.start < start).map(|c| c.start..c.end).collect();
        self.comments(parent)
            .iter()
            .filter(|c| c.end <= start && !before.iter().any(|b| b.start <= c.start && c.end <= b.end))
            .cloned()
            .collect()
    }

    /// The comments right before element `id` among its siblings, in order.
    #[must_use]
    pub fn leading(&self, id: Id) -> &[Range<usize>] {
        let (from, to) = self.elem(id).lead;
        self.comments.get(from as usize..to as usize).unwrap_or_default()
    }
}

/// The offset just after the `>` of the start tag of the element at `r`: the first `>` outside
/// a quoted value (roxmltree lists no namespace declaration among the attributes, so their
/// values must be stepped over here too).
fn start_tag_end(text: &str, r: Range<usize>) -> usize {
    let mut quote = None;
    for (i, &b) in text.as_bytes().get(r.clone()).unwrap_or_default().iter().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b'>') => return r.start + i + 1,
            _ => {}
        }
    }
    r.end
}

/// How many comments come right before `n` among its siblings, with only whitespace text between.
fn leading_comments(n: XNode<'_, '_>) -> usize {
    std::iter::successors(n.prev_sibling(), XNode::prev_sibling)
        .take_while(|p| p.is_comment() || (p.is_text() && p.text().is_some_and(|t| t.trim().is_empty())))
        .filter(XNode::is_comment)
        .count()
}

/// An index as stored in the tree: tables never reach 2³² entries, as every entry takes bytes of
/// a text that is smaller than that.
pub(super) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(NONE)
}
