//! `invalid-variable-name`: an assigned variable name that breaks the naming rules.

use super::readonly_variable::assignments;
use super::{Ctx, Group, Rule, RuleMeta};
use crate::diagnostic::Severity;

/// The rule.
pub struct InvalidVariableName;

static META: RuleMeta = RuleMeta {
    name: "invalid-variable-name",
    group: Group::Variables,
    severity: Severity::Error,
    summary: "assigned variable name breaks the task-sequence naming rules",
    docs: include_str!("../../rules/invalid-variable-name.md"),
};

/// Why `name` is not a valid custom variable name, if it is not.
fn problem(name: &str) -> Option<&'static str> {
    let mut chars = name.chars();
    match chars.next() {
        None => Some("is empty"),
        Some(_) if name.chars().count() > 256 => Some("is longer than 256 characters"),
        Some(c) if !c.is_ascii_alphabetic() => Some("does not start with a letter"),
        Some(_) if chars.any(char::is_whitespace) => Some("contains a space"),
        Some(_) if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') => {
            Some("contains characters other than letters, digits, `_` and `-`")
        }
        Some(_) => None,
    }
}

impl Rule for InvalidVariableName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for a in assignments(&cx.ts.sequence) {
            if a.name.starts_with('_') {
                continue;
            }
            let Some(why) = problem(&a.name) else { continue };
            let msg = format!("variable name `{}` {why}", a.name);
            let mut r = match &a.visit {
                Some(visit) => cx.report_at(visit, a.span, msg),
                None => cx.report(a.span, msg),
            };
            r.help("start the name with a letter and use only letters, digits, `_` and `-` (1 to 256 characters)");
        }
    }
}
