//! `plaintext-secret`: a password, PIN or product key stored in clear text, in a secret step
//! variable or in a command line. The secret itself is never printed. The detection is
//! [`crate::analysis::secrets`], shared with `tsq redact`.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::analysis::secrets::{Place, find_in};
use crate::diagnostic::Severity;

/// The rule.
pub struct PlaintextSecret;

static META: RuleMeta = RuleMeta {
    name: "plaintext-secret",
    category: Category::Security,
    severity: Severity::Warning,
    summary: "password, PIN or product key is stored in clear text",
    docs: include_str!("../../rules/plaintext-secret.md"),
};

impl Rule for PlaintextSecret {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let help = "remove the value and enter it in the console, where it is stored encrypted; use a masked variable as `%Name%` in command lines, and change the exposed password";
        for s in find_in(cx.facts.visits(), cx.text).into_iter().filter(|s| !s.repeated) {
            let message = match &s.place {
                Place::Variable(name) => format!("secret variable `{name}` holds a value in clear text"),
                Place::CommandLine(pattern) => format!("command line holds a clear-text credential ({pattern})"),
            };
            cx.report_at(&s.visit, s.span, message).help(help).redact();
        }
    }
}
