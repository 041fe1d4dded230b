//! `plaintext-secret`: a password, PIN or product key stored in clear text, in a secret step
//! variable or in a command line. The secret itself is never printed.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::model::Value;
use crate::span::{Span, unescape};

/// The rule.
pub struct PlaintextSecret;

static META: RuleMeta = RuleMeta {
    name: "plaintext-secret",
    category: Category::Security,
    severity: Severity::Warning,
    summary: "password, PIN or product key is stored in clear text",
    docs: include_str!("../../rules/plaintext-secret.md"),
};

/// Secret variables that do not end in `Password`.
const SECRETS: &[&str] = &["OSDBitLockerPIN", "OSDProductKey", "OSDUpgradeOsProductKey"];
/// Variables ending in `Password` that hold options, not passwords.
const NOT_SECRETS: &[&str] = &["OSDRandomAdminPassword", "OSDBitLockerCreateRecoveryPassword"];
/// Variables holding command lines.
const COMMAND_VARS: &[&str] = &["CommandLine", "OSDRunPowerShellScriptParameters"];

fn is_secret_var(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.ends_with("password") && !NOT_SECRETS.iter().any(|n| n.eq_ignore_ascii_case(name))) || SECRETS.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Whether a value is a literal (not `%var%`, `$var`, `*`, a sub-expression or empty).
fn literal(value: &str) -> bool {
    !value.is_empty() && value != "*" && !value.starts_with(['%', '$', '('])
}

/// Whitespace-separated tokens of `raw` with their offsets.
fn tokens(raw: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut rest = raw;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        let tail = rest.get(start..).unwrap_or("");
        let len = tail.find(char::is_whitespace).unwrap_or(tail.len());
        out.push((raw.len() - rest.len() + start, tail.get(..len).unwrap_or("")));
        rest = tail.get(len..).unwrap_or("");
    }
    out
}

/// Credentials in a command line: (pattern, decoded secret, span).
fn credentials(v: &Value) -> Vec<(&'static str, String, Span)> {
    let raw = v.raw.as_ref();
    let lower = unescape(raw).to_ascii_lowercase();
    let toks = tokens(raw);
    let mut out = Vec::new();
    let mut push = |pattern, off: usize, value: &str| {
        let clean = unescape(value);
        let clean = clean.trim_matches(['"', '\'']);
        if literal(clean) {
            out.push((pattern, clean.to_owned(), v.span_of(off..off + value.len())));
        }
    };
    for (i, (off, tok)) in toks.iter().enumerate() {
        let t = tok.to_ascii_lowercase();
        let next = toks.get(i + 1);
        if (t.starts_with("/user:") || t.starts_with("/u:")) && lower.contains("net use") {
            if let Some((o, n)) = next.filter(|(_, n)| !n.starts_with('/')) {
                push("`net use /user:` password", *o, n);
            }
        } else if t.starts_with('-') && t.trim_end_matches(':').ends_with("password") {
            if let Some((o, n)) = next.filter(|(_, n)| !n.starts_with('-')) {
                push("`-…Password` parameter", *o, n);
            }
        } else if let Some(head) = ["/password:", "/p:"].iter().find(|h| t.starts_with(**h)) {
            push("`/p:` or `/password:` argument", off + head.len(), tok.get(head.len()..).unwrap_or(""));
        }
    }
    out
}

impl Rule for PlaintextSecret {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let help = "remove the value and enter it in the console, where it is stored encrypted; use a masked variable as `%Name%` in command lines, and change the exposed password";
        for visit in cx.ts.sequence.walk() {
            let node = visit.node;
            for v in node.variables.iter().filter(|v| is_secret_var(v.name())) {
                let text = v.value.text();
                let t = text.trim();
                let single_ref = t.len() > 2 && t.starts_with('%') && t.ends_with('%') && !t.get(1..t.len() - 1).unwrap_or("").contains('%');
                if t.is_empty() || single_ref {
                    continue;
                }
                cx.report_at(&visit, v.value.span, format!("secret variable `{}` holds a value in clear text", v.name())).help(help).redact();
            }
            let mut seen: Vec<String> = Vec::new();
            let sources = node.variables.iter().filter(|v| COMMAND_VARS.iter().any(|n| n.eq_ignore_ascii_case(v.name()))).map(|v| &v.value);
            for value in sources.chain(node.action.as_ref()) {
                for (pattern, secret, span) in credentials(value) {
                    if seen.contains(&secret) {
                        continue;
                    }
                    seen.push(secret);
                    cx.report_at(&visit, span, format!("command line holds a clear-text credential ({pattern})")).help(help).redact();
                }
            }
        }
    }
}
