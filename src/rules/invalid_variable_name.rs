//! `invalid-variable-name`: an assigned variable name that breaks the naming rules.

use super::readonly_variable::assignments;
use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;

/// The rule.
pub struct InvalidVariableName;

static META: RuleMeta = RuleMeta {
    name: "invalid-variable-name",
    category: Category::Variables,
    severity: Severity::Error,
    summary: "assigned variable name breaks the task-sequence naming rules",
    docs: include_str!("../../rules/invalid-variable-name.md"),
};

const LEADING_DIGIT: &str = "starts with a digit";

/// Why `name` is not a valid custom variable name, if it is not.
fn problem(name: &str) -> Option<&'static str> {
    let first = name.chars().next()?;
    if name.chars().count() > 256 {
        Some("is longer than 256 characters")
    } else if name.chars().any(char::is_whitespace) {
        Some("contains a space")
    } else if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        Some("contains characters other than letters, digits, `_` and `-`")
    } else if first.is_ascii_digit() {
        Some(LEADING_DIGIT)
    } else if !first.is_ascii_alphabetic() {
        Some("does not start with a letter")
    } else {
        None
    }
}

impl Rule for InvalidVariableName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for a in assignments(&cx.ts.sequence, cx.facts.visits()) {
            if a.name.starts_with('_') {
                continue;
            }
            let why = if a.name.is_empty() { Some("is empty") } else { problem(&a.name) };
            let Some(why) = why else { continue };
            let msg = format!("variable name `{}` {why}", a.name);
            let mut r = match a.visit {
                Some(visit) => cx.report_at(visit, a.span, msg),
                None => cx.report(a.span, msg),
            };
            r.help("start the name with a letter and use only letters, digits, `_` and `-` (1 to 256 characters)");
            // The console saves, and the engine sets, a name that starts with a digit (2Pint's
            // OSD Toolkit ships `2PintTurboLicense`); only the documentation forbids it.
            if why == LEADING_DIGIT {
                r.severity(Severity::Info);
            }
        }
    }
}
