//! `duplicate-name`: sibling steps or groups share the same name.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::model::{Node, Visit};
use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// The rule.
pub struct DuplicateName;

static META: RuleMeta = RuleMeta {
    name: "duplicate-name",
    category: Category::Structure,
    severity: Severity::Info,
    summary: "sibling steps or groups share the same name",
    docs: include_str!("../../rules/duplicate-name.md"),
};

impl Rule for DuplicateName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        // (parent, folded name) -> the first sibling with that name.
        let mut seen: HashMap<(*const Node, Cow<'_, str>), &Visit<'_>> = HashMap::new();
        for visit in cx.facts.visits() {
            let key = folded(visit.node.name());
            if key.is_empty() {
                continue;
            }
            let parent = visit.ancestors.last().map_or(std::ptr::null(), |p| std::ptr::from_ref::<Node>(p));
            match seen.entry((parent, key)) {
                Entry::Occupied(first) => {
                    let first = first.get();
                    let span = visit.node.attr("name").map_or(visit.node.start_tag, |v| v.span);
                    let message = format!(
                        "`{}` has the same name as an earlier sibling, `{}` (instruction {})",
                        visit.node.name().trim(),
                        first.node.name().trim(),
                        first.number
                    );
                    cx.report_at(visit, span, message).help("give each sibling a name that says what it does differently");
                }
                Entry::Vacant(slot) => {
                    slot.insert(visit);
                }
            }
        }
    }
}

/// A name trimmed and lower-cased, borrowed when it already is.
fn folded(name: Cow<'_, str>) -> Cow<'_, str> {
    let lower = |n: &str| n.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase());
    match name {
        Cow::Borrowed(n) if lower(n) => Cow::Borrowed(n.trim()),
        name => Cow::Owned(name.trim().to_lowercase()),
    }
}
