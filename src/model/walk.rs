//! A depth-first walk over the step tree in execution order, without recursion.

use super::Node;

/// One node reached by [`Walk`].
#[derive(Debug, Clone)]
pub struct Visit<'a> {
    /// The node.
    pub node: &'a Node,
    /// Its ancestors, outermost first.
    pub ancestors: Vec<&'a Node>,
    /// The instruction number the task-sequence engine gives it in `smsts.log` ("Instruction
    /// pointer"): groups, steps and child task sequences counted from 0 in document order.
    pub number: usize,
}

impl Visit<'_> {
    /// Whether the node or any ancestor is disabled (the engine skips it).
    #[must_use]
    pub fn effectively_disabled(&self) -> bool {
        self.node.disabled() || self.ancestors.iter().any(|a| a.disabled())
    }

    /// The path of group and step names, `Install Operating System/Apply Operating System`.
    #[must_use]
    pub fn path(&self) -> String {
        let mut path = String::new();
        for n in self.ancestors.iter().chain(std::iter::once(&self.node)) {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(&n.name());
        }
        path
    }
}

/// Depth-first, document-order iterator over nodes (see [`super::Sequence::walk`]).
#[derive(Debug)]
pub struct Walk<'a> {
    stack: Vec<(std::slice::Iter<'a, Node>, Option<&'a Node>)>,
    number: usize,
}

impl<'a> Walk<'a> {
    /// Walk `roots` and everything below them.
    #[must_use]
    pub fn new(roots: &'a [Node]) -> Self {
        Self { stack: vec![(roots.iter(), None)], number: 0 }
    }
}

impl<'a> Iterator for Walk<'a> {
    type Item = Visit<'a>;

    fn next(&mut self) -> Option<Visit<'a>> {
        loop {
            let (iter, _) = self.stack.last_mut()?;
            if let Some(node) = iter.next() {
                let ancestors = self.stack.iter().filter_map(|(_, parent)| *parent).collect();
                let visit = Visit { node, ancestors, number: self.number };
                self.number += 1;
                if !node.children.is_empty() {
                    self.stack.push((node.children.iter(), Some(node)));
                }
                return Some(visit);
            }
            self.stack.pop();
        }
    }
}
