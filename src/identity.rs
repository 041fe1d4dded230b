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
use std::collections::HashMap;
use std::fmt;

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

fn escape(name: &str, out: &mut String) {
    for c in name.chars() {
        if matches!(c, '\\' | '/' | '[' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        for (i, seg) in self.segments.iter().enumerate() {
            if i > 0 {
                s.push('/');
            }
            escape(&seg.name, &mut s);
            if seg.ordinal > 1 {
                s.push_str(&format!("[{}]", seg.ordinal));
            }
        }
        s.push('|');
        s.push_str(&self.kind);
        f.write_str(&s)
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

/// One level of the walk: the siblings still to visit, the parent's segments, and how many
/// siblings of each name have been seen.
type Level<'a> = (std::slice::Iter<'a, Node>, Vec<Segment>, HashMap<String, usize>);

/// The identities of every node of `seq`, indexed by instruction number (the order of
/// [`Sequence::walk`]).
#[must_use]
pub fn identities(seq: &Sequence) -> Vec<NodeId> {
    let mut out = Vec::new();
    // An explicit stack, as the walk uses: nesting may be deep.
    let mut stack: Vec<Level<'_>> = vec![(seq.steps.iter(), Vec::new(), HashMap::new())];
    while let Some((iter, prefix, seen)) = stack.last_mut() {
        let Some(node) = iter.next() else {
            stack.pop();
            continue;
        };
        let name = node.name().into_owned();
        let ordinal = {
            let n = seen.entry(name.clone()).or_insert(0);
            *n += 1;
            *n
        };
        let mut segments = prefix.clone();
        segments.push(Segment { name, ordinal });
        out.push(NodeId { segments: segments.clone(), kind: kind_of(node) });
        if !node.children.is_empty() {
            stack.push((node.children.iter(), segments, HashMap::new()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::identities;
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
