//! Clear-text secrets in a task sequence: secret step variables (passwords, PINs, product keys)
//! holding a value, and credentials written into command lines. The `plaintext-secret` rule
//! reports them; `tsq redact` clears them.

use super::text::{ends_with_ignore_case, starts_with_ignore_case, tokens};
use crate::model::{Sequence, Value, Visit};
use crate::span::{Span, unescape};

/// Secret variables that do not end in `Password`.
const SECRETS: &[&str] = &["OSDBitLockerPIN", "OSDProductKey", "OSDUpgradeOsProductKey"];
/// Variables ending in `Password` that hold options, not passwords.
const NOT_SECRETS: &[&str] = &["OSDRandomAdminPassword", "OSDBitLockerCreateRecoveryPassword"];
/// Variables holding command lines.
const COMMAND_VARS: &[&str] = &["CommandLine", "OSDRunPowerShellScriptParameters"];

/// Where a secret was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The whole value of a secret variable (its name as written).
    Variable(String),
    /// A credential in a command line: the pattern that found it.
    CommandLine(&'static str),
}

/// One clear-text secret.
#[derive(Debug, Clone)]
pub struct Secret<'a> {
    /// The step, group or child task sequence holding it.
    pub visit: Visit<'a>,
    /// What kind of place it is in.
    pub place: Place,
    /// The secret as written in the file, as the rule reports it (a command-line token with its
    /// quotes).
    pub span: Span,
    /// The text to clear: [`Secret::span`] without the quotes around a command-line value.
    pub value_span: Span,
    /// Whether the span is a separate command-line token that needs a value once emptied
    /// (`-Password x` → `-Password ""`).
    pub needs_value: bool,
    /// Whether the same secret was already found in this node's command lines (the rule
    /// reports it once per node; a redaction clears every copy).
    pub repeated: bool,
}

/// Whether `name` is a secret variable.
#[must_use]
pub fn is_secret_var(name: &str) -> bool {
    (ends_with_ignore_case(name, "password") && !NOT_SECRETS.iter().any(|n| n.eq_ignore_ascii_case(name)))
        || SECRETS.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Whether a value is a literal (not `%var%`, `$var`, `*`, a sub-expression or empty).
fn literal(value: &str) -> bool {
    !value.is_empty() && value != "*" && !value.starts_with(['%', '$', '('])
}

/// A credential in a command line.
struct Credential {
    pattern: &'static str,
    /// The decoded secret.
    secret: String,
    /// The raw token (quotes included).
    span: Span,
    /// Whether the token stands alone (not glued to a `/p:` switch).
    token: bool,
}

/// Credentials in a command line.
fn credentials(v: &Value) -> Vec<Credential> {
    let raw = v.raw.as_ref();
    // Whether the command line runs `net use`: decoded and lower-cased only when a `/user:`
    // switch asks.
    let mut net_use = None;
    let mut toks = tokens(raw).peekable();
    let mut out = Vec::new();
    let mut push = |pattern, off: usize, value: &str, token: bool| {
        let clean = unescape(value);
        let clean = clean.trim_matches(['"', '\'']);
        if literal(clean) {
            out.push(Credential { pattern, secret: clean.to_owned(), span: v.span_of(off..off + value.len()), token });
        }
    };
    while let Some((off, tok)) = toks.next() {
        let next = toks.peek().copied();
        if (starts_with_ignore_case(tok, "/user:") || starts_with_ignore_case(tok, "/u:"))
            && *net_use.get_or_insert_with(|| unescape(raw).to_ascii_lowercase().contains("net use"))
        {
            if let Some((o, n)) = next.filter(|(_, n)| !n.starts_with('/')) {
                push("`net use /user:` password", o, n, true);
            }
        } else if tok.starts_with('-') && ends_with_ignore_case(tok.trim_end_matches(':'), "password") {
            if let Some((o, n)) = next.filter(|(_, n)| !n.starts_with('-')) {
                push("`-…Password` parameter", o, n, true);
            }
        } else if let Some(head) = ["/password:", "/p:"].iter().find(|h| starts_with_ignore_case(tok, h)) {
            push("`/p:` or `/password:` argument", off + head.len(), tok.get(head.len()..).unwrap_or(""), false);
        }
    }
    out
}

/// The span of a raw token without the quotes around it (`"x"`, `'x'`, `&quot;x&quot;`), and
/// whether it had any.
fn unquoted(text: &str, span: Span) -> (Span, bool) {
    let raw = text.get(span.start..span.end).unwrap_or("");
    for q in ["&quot;", "&apos;", "\"", "'"] {
        if raw.len() >= 2 * q.len() && raw.starts_with(q) && raw.ends_with(q) {
            return (Span::new(span.start + q.len(), span.end - q.len()), true);
        }
    }
    (span, false)
}

/// Every clear-text secret of `seq`, in document order; `text` is the decoded file.
#[must_use]
pub fn find<'a>(seq: &'a Sequence, text: &str) -> Vec<Secret<'a>> {
    let visits: Vec<Visit<'a>> = seq.walk().collect();
    find_in(&visits, text)
}

/// Every clear-text secret of the nodes of a walk already made (see
/// [`crate::analysis::facts::Facts::visits`]), in document order; `text` is the decoded file.
#[must_use]
pub fn find_in<'a>(visits: &[Visit<'a>], text: &str) -> Vec<Secret<'a>> {
    let mut out = Vec::new();
    for visit in visits {
        secrets_of(visit, text, &mut out);
    }
    out
}

/// The clear-text secrets of one node, appended to `out`.
fn secrets_of<'a>(visit: &Visit<'a>, text: &str, out: &mut Vec<Secret<'a>>) {
    let node = visit.node;
    for v in node.variables.iter().filter(|v| is_secret_var(v.name())) {
        let value = v.value.text();
        let t = value.trim();
        let single_ref = t.len() > 2 && t.starts_with('%') && t.ends_with('%') && !t.get(1..t.len() - 1).unwrap_or("").contains('%');
        if t.is_empty() || single_ref {
            continue;
        }
        let place = Place::Variable(v.name().to_owned());
        out.push(Secret { visit: visit.clone(), place, span: v.value.span, value_span: v.value.span, needs_value: false, repeated: false });
    }
    let mut seen: Vec<String> = Vec::new();
    let sources = node.variables.iter().filter(|v| COMMAND_VARS.iter().any(|n| n.eq_ignore_ascii_case(v.name()))).map(|v| &v.value);
    for value in sources.chain(node.action.as_ref()) {
        for c in credentials(value) {
            let repeated = seen.contains(&c.secret);
            if !repeated {
                seen.push(c.secret);
            }
            let (value_span, quoted) = unquoted(text, c.span);
            let needs_value = c.token && !quoted;
            let place = Place::CommandLine(c.pattern);
            out.push(Secret { visit: visit.clone(), place, span: c.span, value_span, needs_value, repeated });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Place, find, find_in};
    use crate::container::load_bytes;

    #[test]
    fn switches_match_in_any_case_and_a_given_walk_finds_the_same() {
        let text = concat!(
            r#"<sequence version="3.10"><group name="g"><step type="SMS_TaskSequence_RunCommandLineAction" name="a">"#,
            r#"<action>cmd /c NET USE z: \\s\x /USER:d\u Pw1 &amp;&amp; x.ps1 -AdminPassWord: Pw2 /P:Pw3 /u:y Pw4</action>"#,
            r#"<defaultVarList><variable name="OSDJoinPASSWORD">Pw5</variable></defaultVarList></step></group></sequence>"#
        );
        let Some(Ok(ts)) = load_bytes("t.xml", text.as_bytes().to_vec(), None).pop().map(|l| l.result) else { panic!("no sequence") };
        let found = find(&ts.sequence, text);
        let visits: Vec<_> = ts.sequence.walk().collect();
        let given = find_in(&visits, text);
        let shown = |s: &[super::Secret<'_>]| -> Vec<(String, usize)> {
            s.iter().map(|s| (text.get(s.span.start..s.span.end).unwrap_or("?").to_owned(), s.visit.number)).collect()
        };
        assert_eq!(shown(&found), [("Pw5".to_owned(), 1), ("Pw1".into(), 1), ("Pw2".into(), 1), ("Pw3".into(), 1), ("Pw4".into(), 1)]);
        assert_eq!(shown(&found), shown(&given));
        assert!(matches!(&found.first().map(|s| &s.place), Some(Place::Variable(n)) if n == "OSDJoinPASSWORD"));
    }
}
