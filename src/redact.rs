//! `tsq redact`: clear every secret that `plaintext-secret` finds, as ConfigMgr's `ExportXml`
//! does for a file "suitable to use on another site", and change nothing else.
//!
//! The secrets' values are replaced in the decoded text (empty, or a placeholder); everything
//! else stays byte-identical. The result is verified before it is returned: it parses to the
//! same container with the same steps, and no secret is found in it any more.

use crate::analysis::secrets::find;
use crate::container::{self, TaskSequence};
use crate::source::SourceFile;
use crate::writer::escape;
use crate::writer::{Edit, apply};

/// A redacted file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted {
    /// The new decoded text (encode it with the source's [`SourceFile::encode`]).
    pub text: String,
    /// How many values were cleared.
    pub cleared: usize,
}

/// The edits that clear the secrets of `ts` (read from `text`), each value replaced by
/// `placeholder` (escaped); an emptied command-line token becomes `""` so that the switch
/// before it keeps a value.
#[must_use]
pub fn edits(ts: &TaskSequence, text: &str, placeholder: &str) -> Vec<Edit> {
    let mut out: Vec<Edit> = Vec::new();
    for s in find(&ts.sequence, text) {
        if out.iter().any(|e| e.span == s.value_span) {
            continue;
        }
        let replacement = if placeholder.is_empty() && s.needs_value { "\"\"".to_owned() } else { escape(placeholder) };
        out.push(Edit::new(s.value_span, replacement));
    }
    out
}

/// Redact `source`; `Err` is a one-sentence reason (the file does not parse, or the result
/// failed verification, for example because the placeholder itself looks like a secret).
pub fn redact(source: &SourceFile, placeholder: &str) -> Result<Redacted, String> {
    let ts = container::parse(source, None).map_err(|p| format!("the file is not a readable task sequence: {}", p.message))?;
    let edits = edits(&ts, &source.text, placeholder);
    let text = apply(&source.text, &edits).map_err(|e| format!("the secrets cannot be cleared: {e}"))?;
    let new = SourceFile { text, ..source.clone() };
    let back =
        container::parse(&new, None).map_err(|p| format!("the redacted file would not parse ({}); nothing was written", p.message))?;
    if back.format != ts.format || back.sequence.walk().count() != ts.sequence.walk().count() {
        return Err("the redacted file would hold a different task sequence; nothing was written (this is a bug in tsq)".to_owned());
    }
    if !find(&back.sequence, &new.text).is_empty() {
        return Err(format!(
            "the placeholder `{placeholder}` still reads as a clear-text secret; use an empty value or a variable reference such as `%REDACTED%`"
        ));
    }
    Ok(Redacted { text: new.text, cleared: edits.len() })
}

#[cfg(test)]
mod tests {
    use super::redact;
    use crate::source::SourceFile;

    const SEQ: &str = r#"<sequence version="3.10"><step type="SMS_TaskSequence_RunCommandLineAction" name="a"><action>net use \\srv\x /user:dom\u P@ss &amp;&amp; run.exe -Password "s3cret" /p:abc</action><defaultVarList><variable name="SMSTSRunCommandLineUserPassword" property="UserPassword">hunter2</variable><variable name="OSDJoinPassword">%JoinPw%</variable></defaultVarList></step></sequence>"#;

    #[test]
    fn clears_values_and_nothing_else() {
        let out = redact(&SourceFile::from_text("t.xml", SEQ), "").unwrap();
        assert_eq!(out.cleared, 4);
        let want = SEQ.replace("P@ss", "\"\"").replace("\"s3cret\"", "\"\"").replace("/p:abc", "/p:").replace(">hunter2<", "><");
        assert_eq!(out.text, want);
    }

    #[test]
    fn placeholders_are_escaped_and_must_not_look_like_secrets() {
        let out = redact(&SourceFile::from_text("t.xml", SEQ), "%REDACTED%").unwrap();
        assert!(out.text.contains(">%REDACTED%<") && out.text.contains("/p:%REDACTED%"));
        let err = redact(&SourceFile::from_text("t.xml", SEQ), "<gone>").unwrap_err();
        assert!(err.contains("still reads as a clear-text secret"), "{err}");
    }
}
