//! Building the model from an element tree.

use super::intern;
use super::tree::{Id, Tree};
use super::{
    Attr, Attrs, CondKind, CondNode, Condition, DynamicRule, DynamicRules, Node, NodeKind, Reference, Sequence, Unknown, Value, Variable,
};
use crate::span::{OffsetMap, Span};
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

/// The tree a sequence is built from, and how its offsets map back to the file on disk.
struct Src<'a, 't> {
    tree: &'a Tree<'t>,
    /// From offsets in `text` to offsets in the file on disk.
    map: Arc<OffsetMap>,
}

impl Src<'_, '_> {
    fn span(&self, r: std::ops::Range<usize>) -> Span {
        self.map.span(Span::new(r.start, r.end))
    }

    fn value(&self, r: std::ops::Range<usize>) -> Value {
        Value::mapped(intern(self.tree.text.get(r.clone()).unwrap_or("")), &self.map, r.start)
    }

    /// The attributes of `n`, in a vector of exactly their number (collecting would give room
    /// for at least four, and most elements have one or two).
    fn attrs(&self, n: Id) -> Attrs {
        let all = self.tree.attrs(n);
        let mut out = Vec::with_capacity(all.len());
        // The name as written (`a:name`), not the local name: a prefixed attribute and a plain
        // one of the same local name are two attributes.
        out.extend(all.iter().map(|a| Attr {
            name: intern(self.tree.attr_name(a)),
            span: self.span(a.range()),
            value: self.value(a.value.clone()),
        }));
        Attrs(out)
    }

    /// The span of `<name` at the start of element `n`, with the name as written (prefix included).
    fn name_span(&self, n: Id) -> Span {
        self.map.span(self.tree.name_span(n))
    }

    /// The whole element.
    fn elem_span(&self, n: Id) -> Span {
        self.map.span(self.tree.elem(n).span())
    }

    /// The raw content between the start and end tags (empty for a self-closing element).
    fn content(&self, n: Id) -> Value {
        self.value(self.tree.elem(n).content())
    }

    fn comment(&self, r: &std::ops::Range<usize>) -> Value {
        // The text between `<!--` and `-->`.
        self.value(r.start + 4..r.end.saturating_sub(3).max(r.start + 4))
    }

    /// The child elements of `n` with their local names.
    fn children(&self, n: Id) -> impl Iterator<Item = (Id, &str)> + '_ {
        self.tree.children(n).map(|c| (c, self.tree.local_name(c)))
    }
}

/// Build the model of the `<sequence>` element `seq` of `tree`; `map` takes offsets in the tree's
/// text to offsets in the file on disk.
pub fn build_sequence(tree: &Tree<'_>, seq: Id, map: OffsetMap) -> Result<Sequence, BuildError> {
    let src = Src { tree, map: Arc::new(map) };
    depth_guard(&src, seq)?;
    let e = tree.elem(seq);
    let mut out = Sequence {
        span: src.elem_span(seq),
        start_tag: src.span(e.start..e.tag_end),
        attrs: src.attrs(seq),
        globals: Vec::new(),
        reference_list: None,
        references: Vec::new(),
        steps: Vec::new(),
        unknown: Vec::new(),
        comments: tree.comments(seq).iter().map(|c| src.comment(c)).collect(),
        prolog_comments: tree.earlier_comments(seq).iter().map(|c| src.comment(c)).collect(),
    };
    for (child, name) in src.children(seq) {
        match name {
            "referenceList" => {
                out.reference_list = Some(src.elem_span(child));
                for (r, name) in src.children(child) {
                    if name == "reference" {
                        out.references.push(Reference { span: src.elem_span(r), attrs: src.attrs(r) });
                    } else {
                        out.unknown.push(unknown(&src, r));
                    }
                }
            }
            "globalVarList" => {
                for (v, name) in src.children(child) {
                    if name == "variable" {
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

/// One iterative pass over the sequence's elements before the recursive build: refuse absurdly deep
/// documents, so that a file with 100,000 nested groups costs no stack. The recursive builders
/// check [`MAX_DEPTH`] precisely; this guard only bounds their recursion (conditions add a few
/// element levels).
fn depth_guard(src: &Src<'_, '_>, seq: Id) -> Result<(), BuildError> {
    const SLACK: usize = 8;
    // The open elements, as the ends of their ranges: an element closes before the next one that
    // starts at or after its end.
    let mut open: Vec<usize> = Vec::new();
    let end = src.tree.elem(seq).end;
    let inside = src.tree.elems().iter().enumerate().skip(seq).take_while(|(_, e)| e.start < end);
    for (id, e) in inside {
        while open.last().is_some_and(|&end| end <= e.start) {
            open.pop();
        }
        open.push(e.end);
        if open.len() > MAX_DEPTH + SLACK {
            return Err(too_deep(src, id));
        }
    }
    Ok(())
}

fn unknown(src: &Src<'_, '_>, n: Id) -> Unknown {
    Unknown { name: src.tree.local_name(n).to_owned(), span: src.elem_span(n) }
}

fn variable(src: &Src<'_, '_>, n: Id) -> Variable {
    Variable { span: src.elem_span(n), attrs: src.attrs(n), value: src.content(n) }
}

fn too_deep(src: &Src<'_, '_>, n: Id) -> BuildError {
    let start = src.tree.elem(n).start;
    BuildError { message: format!("elements are nested more than {MAX_DEPTH} levels deep"), span: src.span(start..start + 1) }
}

fn node(src: &Src<'_, '_>, n: Id, depth: usize) -> Result<Node, BuildError> {
    if depth > MAX_DEPTH {
        return Err(too_deep(src, n));
    }
    let kind = match src.tree.local_name(n) {
        "group" => NodeKind::Group,
        "subtasksequence" => NodeKind::SubTaskSequence,
        _ => NodeKind::Step,
    };
    let attrs = src.attrs(n);
    let step_kind = match (kind, attrs.get("type")) {
        (NodeKind::Step | NodeKind::SubTaskSequence, Some(t)) => crate::analysis::step_types::lookup(&t.raw),
        _ => crate::analysis::step_types::StepKind::Other,
    };
    let e = src.tree.elem(n);
    let mut out = Node {
        kind,
        step_kind,
        span: src.elem_span(n),
        start_tag: src.span(e.start..e.tag_end),
        attrs,
        condition: None,
        stray_conditions: Vec::new(),
        action: None,
        variables: Vec::new(),
        dynamic_rules: None,
        children: Vec::new(),
        unknown: Vec::new(),
        leading_comments: src.tree.leading(n).iter().map(|c| src.comment(c)).collect(),
    };
    for (child, name) in src.children(n) {
        match name {
            "condition" => out.condition = Some(condition(src, child, depth + 1)?),
            "action" => out.action = Some(src.content(child)),
            "defaultVarList" => {
                for (v, name) in src.children(child) {
                    if name == "variable" {
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

fn condition(src: &Src<'_, '_>, n: Id, depth: usize) -> Result<Condition, BuildError> {
    let mut children = Vec::new();
    for (c, _) in src.children(n) {
        children.push(cond_node(src, c, depth + 1)?);
    }
    children.shrink_to_fit();
    Ok(Condition { span: src.elem_span(n), children })
}

fn cond_node(src: &Src<'_, '_>, n: Id, depth: usize) -> Result<CondNode, BuildError> {
    if depth > MAX_DEPTH {
        return Err(too_deep(src, n));
    }
    let kind = match src.tree.local_name(n) {
        "operator" => CondKind::Operator,
        "expression" => CondKind::Expression,
        "osConditionGroup" => CondKind::OsConditionGroup,
        "osExpressionGroup" => CondKind::OsExpressionGroup,
        "platformKey" => CondKind::PlatformKey,
        other => CondKind::Unknown(other.to_owned()),
    };
    let mut out = CondNode {
        kind,
        span: src.elem_span(n),
        attrs: src.attrs(n),
        variables: Vec::new(),
        children: Vec::new(),
        name_span: src.name_span(n),
    };
    for (c, name) in src.children(n) {
        if out.kind == CondKind::Expression && name == "variable" {
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
    let tree = match Tree::parse(&inner) {
        Ok(tree) => tree,
        Err(err) => {
            // The message carries no position of the unescaped text; the span is mapped to the file.
            out.error = Some((err.message, map.span(err.span)));
            return Ok(out);
        }
    };
    let nested = Src { tree: &tree, map: Arc::new(map) };
    for (rule, name) in nested.children(Tree::ROOT) {
        if name != "Rule" {
            continue;
        }
        let mut r = DynamicRule { span: nested.elem_span(rule), condition: None, variables: Vec::new() };
        for (c, name) in nested.children(rule) {
            match name {
                "condition" => r.condition = Some(condition(&nested, c, depth + 1)?),
                "Variables" => {
                    r.variables.extend(nested.children(c).map(|(v, _)| variable(&nested, v)));
                }
                _ => {}
            }
        }
        out.rules.push(r);
    }
    Ok(out)
}
