//! Stable identities of groups and steps: what the semantic diff matches nodes by, what CI
//! fingerprints and the baseline key findings by, and what renderings anchor on.
//!
//! A node's identity is the path of its own and its ancestors' names, where each name that
//! siblings share carries its ordinal among them (`Install Apps[2]` is the second sibling named
//! `Install Apps`; the first has no suffix), followed by the node's step type (`group` for groups,
//! `subtasksequence` for `<subtasksequence>`). It survives any edit that does not rename, move or
//! retype the node or a same-named sibling before it: steps inserted, removed or changed
//! elsewhere, attribute order, layout and line numbers do not change it.
//!
//! The text form escapes `\`, `/`, `[` and `|` in names with a backslash, so it is unambiguous:
//! `State Restore/Install Apps[2]|SMS_TaskSequence_InstallApplicationAction`.

use crate::model::{Node, NodeKind, Sequence};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::{self, Write as _};

/// One level of a [`NodeId`]: a name and its 1-based ordinal among same-named siblings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Segment {
    /// The `name` attribute's decoded text.
    pub name: String,
    /// 1 for the first sibling with this name, 2 for the second, …
    pub ordinal: usize,
}

/// The stable identity of a group or step (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    /// The names from the outermost group down to the node itself.
    pub segments: Vec<Segment>,
    /// The step type, `group` or `subtasksequence`.
    pub kind: String,
}

impl NodeId {
    /// The identity of the node's parent path, without the node's own type.
    #[must_use]
    pub fn parent_segments(&self) -> &[Segment] {
        self.segments.split_last().map_or(&[], |(_, rest)| rest)
    }
}

/// Write `name` with `\`, `/`, `[` and `|` escaped by a backslash.
fn escape(name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    for c in name.chars() {
        if matches!(c, '\\' | '/' | '[' | '|') {
            f.write_char('\\')?;
        }
        f.write_char(c)?;
    }
    Ok(())
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.segments.iter().enumerate() {
            if i > 0 {
                f.write_char('/')?;
            }
            escape(&seg.name, f)?;
            if seg.ordinal > 1 {
                write!(f, "[{}]", seg.ordinal)?;
            }
        }
        write!(f, "|{}", self.kind)
    }
}

/// The kind part of a node's identity.
#[must_use]
pub fn kind_of(node: &Node) -> String {
    match node.kind {
        NodeKind::Group => "group".to_owned(),
        NodeKind::SubTaskSequence => "subtasksequence".to_owned(),
        NodeKind::Step => node.type_name().unwrap_or("").to_owned(),
    }
}

/// One level of the walk: the siblings still to visit, and how many siblings of each name have
/// been seen.
type Level<'a> = (std::slice::Iter<'a, Node>, HashMap<Cow<'a, str>, usize>);

/// A node's names and ordinals from the outermost group down to the node itself, borrowed from
/// the sequence where they need no decoding.
type Path<'a> = [(Cow<'a, str>, usize)];

/// Walk `seq` in instruction order (the order of [`Sequence::walk`]), calling `each` with every
/// node's instruction number, path and node.
fn walk_paths<'a>(seq: &'a Sequence, mut each: impl FnMut(usize, &Path<'a>, &'a Node)) {
    let mut path: Vec<(Cow<'a, str>, usize)> = Vec::new();
    // An explicit stack, as the walk uses: nesting may be deep.
    let mut stack: Vec<Level<'a>> = vec![(seq.steps.iter(), HashMap::new())];
    let mut number = 0;
    while let Some((iter, seen)) = stack.last_mut() {
        let Some(node) = iter.next() else {
            stack.pop();
            continue;
        };
        let name = node.name();
        let ordinal = {
            let n = seen.entry(name.clone()).or_insert(0);
            *n += 1;
            *n
        };
        path.truncate(stack.len().saturating_sub(1));
        path.push((name, ordinal));
        each(number, &path, node);
        number += 1;
        if !node.children.is_empty() {
            stack.push((node.children.iter(), HashMap::new()));
        }
    }
}

/// The identity of `node` at `path`.
fn node_id(path: &Path<'_>, node: &Node) -> NodeId {
    let segments = path.iter().map(|(name, ordinal)| Segment { name: String::from(name.as_ref()), ordinal: *ordinal }).collect();
    NodeId { segments, kind: kind_of(node) }
}

/// The identities of every node of `seq`, indexed by instruction number (the order of
/// [`Sequence::walk`]).
#[must_use]
pub fn identities(seq: &Sequence) -> Vec<NodeId> {
    identities_where(seq, |_| true).into_iter().flatten().collect()
}

/// The identities of the nodes of `seq` whose instruction number is `wanted`, indexed by
/// instruction number (`None` for the others): what [`identities`] gives for them, without
/// building the rest.
#[must_use]
pub fn identities_where(seq: &Sequence, mut wanted: impl FnMut(usize) -> bool) -> Vec<Option<NodeId>> {
    let mut out = Vec::new();
    walk_paths(seq, |number, path, node| out.push(wanted(number).then(|| node_id(path, node))));
    out
}

#[cfg(test)]
mod tests {
    use super::{identities, identities_where};
    use crate::container::load_bytes;

    fn ids(xml: &str) -> Vec<String> {
        load_bytes("t.xml", xml.as_bytes().to_vec(), None)
            .into_iter()
            .filter_map(|l| l.result.ok())
            .flat_map(|ts| identities(&ts.sequence).into_iter().map(|i| i.to_string()))
            .collect()
    }

    #[test]
    fn same_named_siblings_carry_ordinals_and_names_are_escaped() {
        let got = ids(concat!(
            r#"<sequence version="3.10"><group name="G/1"><step type="A" name="s"/><step type="B" name="s"/></group>"#,
            r#"<step type="C" name="s"/><subtasksequence name="x|y"/></sequence>"#
        ));
        assert_eq!(got, ["G\\/1|group", "G\\/1/s|A", "G\\/1/s[2]|B", "s|C", "x\\|y|subtasksequence"]);
    }

    #[test]
    fn identities_where_builds_only_the_wanted_ones_and_the_same() {
        let xml = r#"<sequence version="3.10"><group name="G"><step type="A" name="s"/><group name="G"><step type="B" name="s"/></group><step type="C" name="s"/></group><step type="D" name="s&amp;t"/></sequence>"#;
        let Some(Ok(ts)) = load_bytes("t.xml", xml.as_bytes().to_vec(), None).pop().map(|l| l.result) else { panic!("no sequence") };
        let all = identities(&ts.sequence);
        let some = identities_where(&ts.sequence, |n| n % 2 == 1);
        assert_eq!(all.len(), 6);
        assert_eq!(some.len(), all.len());
        for (n, (id, got)) in all.iter().zip(&some).enumerate() {
            assert_eq!(got.as_ref(), (n % 2 == 1).then_some(id), "instruction {n}");
        }
        let shown: Vec<String> = all.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["G|group", "G/s|A", "G/G|group", "G/G/s|B", "G/s[2]|C", "s&t|D"]);
    }

    #[test]
    fn an_insertion_elsewhere_keeps_identities() {
        let before =
            ids(r#"<sequence version="3.10"><group name="G"><step type="A" name="a"/></group><step type="B" name="b"/></sequence>"#);
        let after = ids(
            r#"<sequence version="3.10"><step type="X" name="new"/><group name="G"><step type="Z" name="z"/><step type="A" name="a"/></group><step type="B" name="b"/></sequence>"#,
        );
        for id in &before {
            assert!(after.contains(id), "{id} lost in {after:?}");
        }
    }
}
