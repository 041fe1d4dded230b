//! `duplicate-name`: sibling steps or groups share the same name.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::model::Node;
use std::collections::HashMap;

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
        // (parent, folded name) -> (first sibling's name, its instruction number).
        let mut seen: HashMap<(*const Node, String), (String, usize)> = HashMap::new();
        for visit in cx.facts.visits() {
            let name = visit.node.name();
            let key = name.trim().to_lowercase();
            if key.is_empty() {
                continue;
            }
            let parent = visit.ancestors.last().map_or(std::ptr::null(), |p| std::ptr::from_ref::<Node>(p));
            match seen.get(&(parent, key.clone())) {
                Some((first, number)) => {
                    let span = visit.node.attr("name").map_or(visit.node.start_tag, |v| v.span);
                    let message = format!("`{}` has the same name as an earlier sibling, `{first}` (instruction {number})", name.trim());
                    cx.report_at(visit, span, message).help("give each sibling a name that says what it does differently");
                }
                None => {
                    seen.insert((parent, key), (name.trim().to_owned(), visit.number));
                }
            }
        }
    }
}
