//! Building the model from a roxmltree document.

use super::intern;
use super::{
    Attr, Attrs, CondKind, CondNode, Condition, DynamicRule, DynamicRules, Node, NodeKind, Reference, Sequence, Unknown, Value, Variable,
};
use crate::span::{OffsetMap, Span};
use roxmltree::Node as XNode;
use std::sync::Arc;

/// The deepest nesting of groups and condition operators tsq builds. Real files reach 10; a
/// deeper file gets a clear error instead of a stack overflow.
pub const MAX_DEPTH: usize = 256;

/// Why a well-formed sequence could not be built into the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    /// What went wrong.
    pub message: String,
    /// Where, in the file.
    pub span: Span,
}

/// Text a document was parsed from, and how its offsets map back to the file on disk.
struct Src<'t> {
    text: &'t str,
    /// From offsets in `text` to offsets in the file on disk.
    map: Arc<OffsetMap>,
}

impl Src<'_> {
    fn span(&self, r: std::ops::Range<usize>) -> Span {
        self.map.span(Span::new(r.start, r.end))
    }

    fn value(&self, r: std::ops::Range<usize>) -> Value {
        Value::mapped(intern(self.text.get(r.clone()).unwrap_or("")), &self.map, r.start)
    }

    /// The attributes of `n`, in a vector of exactly their number (collecting would give room
    /// for at least four, and most elements have one or two).
    fn attrs(&self, n: XNode<'_, '_>) -> Attrs {
        let all = n.attributes();
        let mut out = Vec::with_capacity(all.len());
        out.extend(all.map(|a| {
            let whole = a.range();
            // The name as written (`a:name`), not the local name: a prefixed attribute and
            // a plain one of the same local name are two attributes.
            let qname = self.text.get(whole.clone()).and_then(|t| t.split_once('=')).map_or(a.name(), |(n, _)| n.trim_end());
            Attr { name: intern(qname), span: self.span(whole), value: self.value(a.range_value()) }
        }));
        Attrs(out)
    }

    /// The span of `<name` at the start of element `n`, with the name as written (prefix included).
    fn name_span(&self, n: XNode<'_, '_>) -> Span {
        let start = n.range().start;
        let tag = self.text.get(start + 1..n.range().end).unwrap_or("");
        let len = tag.find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>').unwrap_or(tag.len());
        self.span(start..start + 1 + len)
    }

    /// The byte just after the start tag's `>`.
    fn start_tag_end(&self, n: XNode<'_, '_>) -> usize {
        let r = n.range();
        let from = n.attributes().map(|a| a.range().end).max().unwrap_or(r.start + 1);
        self.text.get(from..r.end).and_then(|s| s.find('>')).map_or(r.end, |i| from + i + 1)
    }

    /// The raw content between the start and end tags (empty for a self-closing element).
    fn content(&self, n: XNode<'_, '_>) -> Value {
        let r = n.range();
        let start = self.start_tag_end(n);
        let self_closing = start >= 2 && self.text.get(start - 2..start) == Some("/>");
        // The end tag `</name>` holds no `<`, so the last `<` of the element starts it (a char
        // search, cheaper than a substring search on every variable).
        let end = if self_closing { start } else { self.text.get(start..r.end).and_then(|s| s.rfind('<')).map_or(start, |i| start + i) };
        self.value(start..end.max(start))
    }
}

/// Build the model of the `<sequence>` element `seq`, parsed from `text`; `map` takes offsets in
/// `text` to offsets in the file on disk.
pub fn build_sequence(text: &str, map: OffsetMap, seq: XNode<'_, '_>) -> Result<Sequence, BuildError> {
    let src = Src { text, map: Arc::new(map) };
    let comments = scan(&src, seq)?;
    let mut prolog_comments: Vec<Value> =
        std::iter::successors(seq.prev_sibling(), XNode::prev_sibling).filter(XNode::is_comment).map(|c| comment_value(&src, c)).collect();
    prolog_comments.reverse();
    let mut out = Sequence {
        span: src.span(seq.range()),
        start_tag: src.span(seq.range().start..src.start_tag_end(seq)),
        attrs: src.attrs(seq),
        globals: Vec::new(),
        reference_list: None,
        references: Vec::new(),
        steps: Vec::new(),
        unknown: Vec::new(),
        comments,
        prolog_comments,
    };
    for child in seq.children() {
        if !child.is_element() {
            continue;
        }
        match child.tag_name().name() {
            "referenceList" => {
                out.reference_list = Some(src.span(child.range()));
                for r in child.children().filter(XNode::is_element) {
                    if r.tag_name().name() == "reference" {
                        out.references.push(Reference { span: src.span(r.range()), attrs: src.attrs(r) });
                    } else {
                        out.unknown.push(unknown(&src, r));
                    }
                }
            }
            "globalVarList" => {
                for v in child.children().filter(XNode::is_element) {
                    if v.tag_name().name() == "variable" {
                        out.globals.push(variable(&src, v));
                    } else {
                        out.unknown.push(unknown(&src, v));
                    }
                }
            }
            "group" | "step" | "subtasksequence" => out.steps.push(node(&src, child, 0)?),
            _ => out.unknown.push(unknown(&src, child)),
        }
    }
    Ok(out)
}

/// One iterative pass over the sequence before the recursive build: collect every comment (for
/// suppressions), and refuse absurdly deep documents, so that a file with 100,000 nested groups
/// costs no stack. The recursive builders check [`MAX_DEPTH`] precisely; this guard only bounds
/// their recursion (conditions add a few element levels).
fn scan(src: &Src<'_>, seq: XNode<'_, '_>) -> Result<Vec<Value>, BuildError> {
    const SLACK: usize = 8;
    let mut comments = Vec::new();
    // The open elements, as the ends of their ranges: an element closes before the next one that
    // starts at or after its end.
    let mut open: Vec<usize> = Vec::new();
    for n in seq.descendants() {
        if n.is_comment() {
            comments.push(comment_value(src, n));
            continue;
        }
        if !n.is_element() {
            continue;
        }
        let r = n.range();
        while open.last().is_some_and(|&end| end <= r.start) {
            open.pop();
        }
        open.push(r.end);
        if open.len() > MAX_DEPTH + SLACK {
            return Err(too_deep(src, n));
        }
    }
    Ok(comments)
}

fn comment_value(src: &Src<'_>, c: XNode<'_, '_>) -> Value {
    let r = c.range();
    // The text between `<!--` and `-->`.
    src.value(r.start + 4..r.end.saturating_sub(3).max(r.start + 4))
}

fn unknown(src: &Src<'_>, n: XNode<'_, '_>) -> Unknown {
    Unknown { name: n.tag_name().name().to_owned(), span: src.span(n.range()) }
}

fn variable(src: &Src<'_>, n: XNode<'_, '_>) -> Variable {
    Variable { span: src.span(n.range()), attrs: src.attrs(n), value: src.content(n) }
}

fn too_deep(src: &Src<'_>, n: XNode<'_, '_>) -> BuildError {
    BuildError {
        message: format!("elements are nested more than {MAX_DEPTH} levels deep"),
        span: src.span(n.range().start..n.range().start + 1),
    }
}

fn leading_comments(src: &Src<'_>, n: XNode<'_, '_>) -> Vec<Value> {
    let mut out = Vec::new();
    let mut prev = n.prev_sibling();
    while let Some(p) = prev {
        if p.is_comment() {
            out.push(comment_value(src, p));
        } else if !(p.is_text() && p.text().is_some_and(|t| t.trim().is_empty())) {
            break;
        }
        prev = p.prev_sibling();
    }
    out.reverse();
    out
}

fn node(src: &Src<'_>, n: XNode<'_, '_>, depth: usize) -> Result<Node, BuildError> {
    if depth > MAX_DEPTH {
        return Err(too_deep(src, n));
    }
    let kind = match n.tag_name().name() {
        "group" => NodeKind::Group,
        "subtasksequence" => NodeKind::SubTaskSequence,
        _ => NodeKind::Step,
    };
    let attrs = src.attrs(n);
    let step_kind = match (kind, attrs.get("type")) {
        (NodeKind::Step | NodeKind::SubTaskSequence, Some(t)) => crate::analysis::step_types::lookup(&t.raw),
        _ => crate::analysis::step_types::StepKind::Other,
    };
    let mut out = Node {
        kind,
        step_kind,
        span: src.span(n.range()),
        start_tag: src.span(n.range().start..src.start_tag_end(n)),
        attrs,
        condition: None,
        stray_conditions: Vec::new(),
        action: None,
        variables: Vec::new(),
        dynamic_rules: None,
        children: Vec::new(),
        unknown: Vec::new(),
        leading_comments: leading_comments(src, n),
    };
    for child in n.children().filter(XNode::is_element) {
        match child.tag_name().name() {
            "condition" => out.condition = Some(condition(src, child, depth + 1)?),
            "action" => out.action = Some(src.content(child)),
            "defaultVarList" => {
                for v in child.children().filter(XNode::is_element) {
                    if v.tag_name().name() == "variable" {
                        out.variables.push(variable(src, v));
                    } else {
                        out.unknown.push(unknown(src, v));
                    }
                }
            }
            "group" | "step" | "subtasksequence" if kind == NodeKind::Group => {
                out.children.push(node(src, child, depth + 1)?);
            }
            "expression" | "operator" | "osConditionGroup" => {
                out.stray_conditions.push(cond_node(src, child, depth + 1)?);
            }
            _ => out.unknown.push(unknown(src, child)),
        }
    }
    if let Some(rules) = out.var("OSDSetDynamicVariablesRules").map(|v| v.value.clone()) {
        out.dynamic_rules = Some(dynamic_rules(&rules, depth)?);
    }
    // A vector that grew by pushing has room for at least four: give back what is unused (the
    // model of a large file is a third smaller).
    out.variables.shrink_to_fit();
    out.children.shrink_to_fit();
    out.stray_conditions.shrink_to_fit();
    out.unknown.shrink_to_fit();
    Ok(out)
}

fn condition(src: &Src<'_>, n: XNode<'_, '_>, depth: usize) -> Result<Condition, BuildError> {
    let mut children = Vec::new();
    for c in n.children().filter(XNode::is_element) {
        children.push(cond_node(src, c, depth + 1)?);
    }
    children.shrink_to_fit();
    Ok(Condition { span: src.span(n.range()), children })
}

fn cond_node(src: &Src<'_>, n: XNode<'_, '_>, depth: usize) -> Result<CondNode, BuildError> {
    if depth > MAX_DEPTH {
        return Err(too_deep(src, n));
    }
    let name = n.tag_name().name();
    let kind = match name {
        "operator" => CondKind::Operator,
        "expression" => CondKind::Expression,
        "osConditionGroup" => CondKind::OsConditionGroup,
        "osExpressionGroup" => CondKind::OsExpressionGroup,
        "platformKey" => CondKind::PlatformKey,
        other => CondKind::Unknown(other.to_owned()),
    };
    let mut out = CondNode {
        kind,
        span: src.span(n.range()),
        attrs: src.attrs(n),
        variables: Vec::new(),
        children: Vec::new(),
        name_span: src.name_span(n),
    };
    for c in n.children().filter(XNode::is_element) {
        if out.kind == CondKind::Expression && c.tag_name().name() == "variable" {
            out.variables.push(variable(src, c));
        } else {
            out.children.push(cond_node(src, c, depth + 1)?);
        }
    }
    out.variables.shrink_to_fit();
    out.children.shrink_to_fit();
    Ok(out)
}

/// Parse the escaped `<Rules>` document of a Set Dynamic Variables step.
fn dynamic_rules(value: &Value, depth: usize) -> Result<DynamicRules, BuildError> {
    let mut out = DynamicRules { rules: Vec::new(), error: None };
    // The map goes from the unescaped rules text to the file, through the escaping of the
    // sequence itself when that is escaped too.
    if value.raw.trim().is_empty() {
        return Ok(out);
    }
    let (inner, map) = value.unescape_mapped();
    let doc = match crate::syntax::parse(&inner) {
        Ok(doc) => doc,
        Err(err) => {
            // The message carries no position of the unescaped text; the span is mapped to the file.
            out.error = Some((err.message, map.span(err.span)));
            return Ok(out);
        }
    };
    let nested = Src { text: &inner, map: Arc::new(map) };
    for rule in doc.root_element().children().filter(|c| c.is_element() && c.tag_name().name() == "Rule") {
        let mut r = DynamicRule { span: nested.span(rule.range()), condition: None, variables: Vec::new() };
        for c in rule.children().filter(XNode::is_element) {
            match c.tag_name().name() {
                "condition" => r.condition = Some(condition(&nested, c, depth + 1)?),
                "Variables" => {
                    r.variables.extend(c.children().filter(XNode::is_element).map(|v| variable(&nested, v)));
                }
                _ => {}
            }
        }
        out.rules.push(r);
    }
    Ok(out)
}
