//! `unused-suppression`: a suppression that suppressed nothing. The engine decides which
//! suppressions were used (`lint.rs` for comments, `workspace.rs` for `[[suppress]]` entries); the
//! findings are made here.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Edit, Fix, FixKind, whole_lines};
use crate::span::Span;

/// A comment `<!-- tsq-ignore rules -->` before a node that suppressed nothing (`comment` is the
/// text between `<!--` and `-->` in `text`).
pub(crate) fn unused_comment(text: &str, comment: Span, rules: &[String]) -> Diagnostic {
    with_removal(
        text,
        comment,
        Diagnostic::new(META.name, META.severity, comment, format!("`tsq-ignore {}` suppresses nothing", rules.join(", ")))
            .with_help("remove the comment, or move it to just before the step or group it is meant for"),
    )
}

/// A suppression comment that is not right before a step, a group or the root element.
pub(crate) fn stray_comment(text: &str, comment: Span, rules: &[String]) -> Diagnostic {
    with_removal(
        text,
        comment,
        Diagnostic::new(META.name, META.severity, comment, format!("`tsq-ignore {}` suppresses nothing", rules.join(", ")))
            .with_help("move the comment to just before the step or group it is meant for, with only whitespace between"),
    )
}

/// Offer to delete the whole comment (its line too, when it is alone on it).
fn with_removal(text: &str, comment: Span, mut d: Diagnostic) -> Diagnostic {
    let whole = Span::new(comment.start.saturating_sub(4), comment.end + 3);
    if text.get(whole.start..comment.start) == Some("<!--") && text.get(comment.end..whole.end) == Some("-->") {
        d.fix = Some(Fix::safe("remove the comment", vec![Edit::delete(whole_lines(text, whole))]));
    }
    d
}

/// The rule.
pub struct UnusedSuppression;

static META: RuleMeta = RuleMeta {
    name: "unused-suppression",
    category: Category::Suppression,
    severity: Severity::Warning,
    summary: "suppression comment or config entry suppressed nothing",
    docs: include_str!("../../rules/unused-suppression.md"),
};

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix_kind(&self) -> FixKind {
        FixKind::Safe
    }

    fn check(&self, _cx: &mut Ctx<'_>) {}
}

#[cfg(test)]
mod tests {
    use crate::container::load_bytes;
    use crate::lint::{Settings, check};

    const SET_LOG_PATH: &str = r#"<step type="SMS_TaskSequence_SetVariableAction" name="Set log path"><defaultVarList><variable name="VariableName" property="VariableName" hidden="true">_SMSTSLogPath</variable></defaultVarList></step>"#;

    /// The `unused-suppression` findings for a sequence body.
    fn unused(body: &str, settings: &Settings) -> usize {
        let text = format!("<sequence version=\"3.10\">{body}</sequence>");
        load_bytes("t.xml", text.into_bytes(), None)
            .into_iter()
            .map(|l| check(l, settings).diagnostics.iter().filter(|d| d.rule == "unused-suppression").count())
            .sum()
    }

    #[test]
    fn used_stray_and_unselected_suppressions() {
        let all = Settings::default();
        assert_eq!(unused(&format!("<!-- tsq-ignore readonly-variable: ok -->{SET_LOG_PATH}"), &all), 0);
        assert_eq!(unused(&format!("{SET_LOG_PATH}<!-- tsq-ignore readonly-variable: stray -->"), &all), 1);
        // An unknown name is `invalid-suppression`'s, not "suppresses nothing".
        assert_eq!(unused(&format!("<!-- tsq-ignore no-such-rule -->{SET_LOG_PATH}"), &all), 0);
        let ignored = Settings { ignore: vec!["readonly-variable".into()], ..Settings::default() };
        assert_eq!(unused(&format!("<!-- tsq-ignore readonly-variable: ok -->{SET_LOG_PATH}"), &ignored), 0);
    }
}
