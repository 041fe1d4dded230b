//! `action-reference-mismatch`: the package ID in a step's `<action>` disagrees with the variable
//! the action is generated from.

use crate::analysis::references::{Origin};
use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;

/// The rule.
pub struct ActionReferenceMismatch;

static META: RuleMeta = RuleMeta {
    name: "action-reference-mismatch",
    category: Category::References,
    severity: Severity::Warning,
    summary: "package ID in the action command line disagrees with the step's package variable",
    docs: include_str!("../../rules/action-reference-mismatch.md"),
};

/// The ID for comparison: trimmed, upper case, `00000000` as empty.
fn normal(id: &str) -> String {
    let id = id.trim().to_ascii_uppercase();
    if id == "00000000" { String::new() } else { id }
}

impl Rule for ActionReferenceMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for (visit, uses) in cx.facts.step_uses() {
            for u in uses {
                let Origin::Action { switch, pair } = u.origin else { continue };
                let Some(var) = pair.iter().find_map(|p| visit.node.var(p)) else { continue };
                let var_id = var.value.text();
                if u.id.contains('%') || var_id.contains('%') || normal(&u.id) == normal(&var_id) {
                    continue;
                }
                let shown = |s: &str| if s.trim().is_empty() { "(empty)".to_owned() } else { format!("`{}`", s.trim()) };
                let msg = format!("action switch `{switch}` names {} but variable `{}` holds {}", shown(&u.id), var.name(), shown(&var_id));
                cx.report_at(visit, u.span, msg)
                    .help("select the package again in the step and save, or change the ID in both the action and the variable");
            }
        }
    }
}
