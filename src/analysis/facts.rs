//! What several rules need from one task sequence, computed once per file and shared by every
//! rule instead of each walking the tree again.

use super::references::{Use, uses_of};
use crate::model::{Sequence, Visit};
use std::sync::OnceLock;

/// The walk of a task sequence, and the references its steps use (computed on first request,
/// by whichever rule asks first when rules run in parallel).
pub struct Facts<'a> {
    visits: Vec<Visit<'a>>,
    uses: OnceLock<Vec<Vec<Use>>>,
}

impl<'a> Facts<'a> {
    /// Walk `seq` once.
    #[must_use]
    pub fn new(seq: &'a Sequence) -> Self {
        Self { visits: seq.walk().collect(), uses: OnceLock::new() }
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
