//! Pairing the nodes of two versions: by identity first, then by content to find renames and
//! moves.
//!
//! The passes, each over the nodes still unpaired:
//! 1. the same identity ([`crate::identity`]);
//! 2. the same name, type and content (a node moved, or inside a renamed group);
//! 3. steps with the same type and content under another name (a renamed step);
//! 4. the same name and type (a node moved and changed), then the same name under paired
//!    parents (a step whose type changed);
//! 5. groups holding mostly the same children (a renamed group), repeated outward;
//! 6. steps of the same type with mostly the same content under paired parents (renamed and
//!    changed; a step renamed, changed and moved reads as removed and added).
//!
//! Within a pass, candidates sharing a key are paired in document order.

use super::facts::Facts;
use std::collections::{BTreeSet, HashMap};

/// The pairing: for each old node its new partner, and the reverse.
#[derive(Debug, Clone, Default)]
pub struct Matching {
    /// `old[i]`'s partner in the new version.
    pub old_to_new: Vec<Option<usize>>,
    /// `new[j]`'s partner in the old version.
    pub new_to_old: Vec<Option<usize>>,
}

impl Matching {
    fn pair(&mut self, o: usize, n: usize) {
        if let (Some(a), Some(b)) = (self.old_to_new.get_mut(o), self.new_to_old.get_mut(n)) {
            *a = Some(n);
            *b = Some(o);
        }
    }

    fn old_free(&self, o: usize) -> bool {
        self.old_to_new.get(o).is_some_and(Option::is_none)
    }

    fn new_free(&self, n: usize) -> bool {
        self.new_to_old.get(n).is_some_and(Option::is_none)
    }

    /// Pair the unpaired nodes that share a key, in document order.
    fn by_key<K: std::hash::Hash + Eq>(&mut self, old: &[Facts], new: &[Facts], key: impl Fn(&Facts) -> Option<K>) {
        self.by_key_indexed(old, new, |_, _, f| key(f));
    }
}

impl Matching {
    /// Pair the unpaired nodes that share a key computed from the side (0 old, 1 new), the index
    /// and the facts, in document order.
    fn by_key_indexed<K: std::hash::Hash + Eq>(&mut self, old: &[Facts], new: &[Facts], key: impl Fn(u8, usize, &Facts) -> Option<K>) {
        let mut waiting: HashMap<K, std::collections::VecDeque<usize>> = HashMap::new();
        for (i, f) in old.iter().enumerate().filter(|(i, _)| self.old_free(*i)) {
            if let Some(k) = key(0, i, f) {
                waiting.entry(k).or_default().push_back(i);
            }
        }
        for (j, f) in new.iter().enumerate() {
            if !self.new_free(j) {
                continue;
            }
            if let Some(o) = key(1, j, f).and_then(|k| waiting.get_mut(&k)).and_then(std::collections::VecDeque::pop_front) {
                self.pair(o, j);
            }
        }
    }
}

/// The share of common items in two sets (Dice coefficient), 1 for two empty sets.
fn similarity(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let common = a.intersection(b).count();
    (2 * common) as f64 / (a.len() + b.len()) as f64
}

/// The least similarity for a content match (passes 5 and 6).
const THRESHOLD: f64 = 0.5;

/// Pair the nodes of `old` and `new` (see the module documentation).
#[must_use]
pub fn match_nodes(old: &[Facts], new: &[Facts]) -> Matching {
    let mut m = Matching { old_to_new: vec![None; old.len()], new_to_old: vec![None; new.len()] };
    m.by_key(old, new, |f| Some(f.id.clone()));
    m.by_key(old, new, |f| Some((f.name.clone(), f.content_key())));
    m.by_key(old, new, |f| (!f.is_group() && !f.features().is_empty()).then(|| f.content_key()));
    m.by_key(old, new, |f| Some((f.name.clone(), f.type_name.clone())));
    // A node retyped in place: the same name under paired parents (or both at the top level).
    let old_parents: Vec<Option<Option<usize>>> = old
        .iter()
        .map(|f| match f.parent {
            None => Some(None),
            Some(p) => m.old_to_new.get(p).copied().flatten().map(Some),
        })
        .collect();
    m.by_key_indexed(old, new, |side, i, f| {
        let parent = if side == 0 { old_parents.get(i).copied().flatten() } else { Some(f.parent) };
        parent.map(|p| (f.name.clone(), f.is_group(), p))
    });
    // Groups by their children, repeated so that renamed groups inside renamed groups pair up.
    loop {
        let mut best: Vec<(f64, usize, usize)> = Vec::new();
        for (i, o) in old.iter().enumerate().filter(|(i, f)| f.is_group() && m.old_free(*i)) {
            for (j, n) in new.iter().enumerate().filter(|(j, f)| f.is_group() && m.new_free(*j)) {
                let common =
                    o.children.iter().filter(|c| m.old_to_new.get(**c).copied().flatten().is_some_and(|p| n.children.contains(&p))).count();
                let total = o.children.len() + n.children.len();
                if total > 0 && common > 0 {
                    let score = (2 * common) as f64 / total as f64;
                    if score >= THRESHOLD {
                        best.push((score, i, j));
                    }
                }
            }
        }
        if !greedy(&mut m, best) {
            break;
        }
    }
    // Steps of one type by the similarity of their content.
    let features: Vec<BTreeSet<String>> = old.iter().map(|f| f.features().into_iter().collect()).collect();
    let new_features: Vec<BTreeSet<String>> = new.iter().map(|f| f.features().into_iter().collect()).collect();
    let mut best = Vec::new();
    for (i, o) in old.iter().enumerate().filter(|(i, f)| !f.is_group() && m.old_free(*i)) {
        for (j, n) in new.iter().enumerate().filter(|(j, f)| !f.is_group() && m.new_free(*j)) {
            // Renamed and changed, but not also moved: that would be a different step.
            let same_parent = match (o.parent, n.parent) {
                (None, None) => true,
                (Some(a), Some(b)) => m.old_to_new.get(a).copied().flatten() == Some(b),
                _ => false,
            };
            if o.type_name != n.type_name || !same_parent {
                continue;
            }
            let (Some(a), Some(b)) = (features.get(i), new_features.get(j)) else { continue };
            let score = similarity(a, b);
            if score >= THRESHOLD && !(a.is_empty() && b.is_empty()) {
                best.push((score, i, j));
            }
        }
    }
    greedy(&mut m, best);
    m
}

/// Pair candidates best first (ties in document order); whether any pair was made.
fn greedy(m: &mut Matching, mut candidates: Vec<(f64, usize, usize)>) -> bool {
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut any = false;
    for (_, i, j) in candidates {
        if m.old_free(i) && m.new_free(j) {
            m.pair(i, j);
            any = true;
        }
    }
    any
}
