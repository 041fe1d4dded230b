//! What several rules need from one task sequence, computed once per file and shared by every
//! rule instead of each walking the tree again.

use super::references::{Use, uses_of};
use crate::model::{Sequence, Visit};
use std::cell::OnceCell;

/// The walk of a task sequence, and the references its steps use (computed on first request).
pub struct Facts<'a> {
    visits: Vec<Visit<'a>>,
    uses: OnceCell<Vec<Vec<Use>>>,
}

impl<'a> Facts<'a> {
    /// Walk `seq` once.
    #[must_use]
    pub fn new(seq: &'a Sequence) -> Self {
        Self { visits: seq.walk().collect(), uses: OnceCell::new() }
    }

    /// Every group, step and child task sequence in execution order (see [`Sequence::walk`]).
    #[must_use]
    pub fn visits(&self) -> &[Visit<'a>] {
        &self.visits
    }

    /// Every node with the references it uses (variables first, then the action), in walk order.
    pub(crate) fn step_uses(&self) -> impl Iterator<Item = (&Visit<'a>, &[Use])> {
        let uses = self.uses.get_or_init(|| self.visits.iter().map(uses_of).collect());
        self.visits.iter().zip(uses.iter().map(Vec::as_slice))
    }
}
