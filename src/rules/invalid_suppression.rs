//! `invalid-suppression`: a `<!-- tsq-ignore … -->` comment that names a rule tsq does not have,
//! or no rule at all. The engine (`lint.rs`) reads suppression comments; the findings are made
//! here.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::span::Span;

/// The rule.
pub struct InvalidSuppression;

static META: RuleMeta = RuleMeta {
    name: "invalid-suppression",
    category: Category::Suppression,
    severity: Severity::Warning,
    summary: "suppression comment names an unknown rule or none",
    docs: include_str!("../../rules/invalid-suppression.md"),
};

impl Rule for InvalidSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, _cx: &mut Ctx<'_>) {}
}

/// The closest rule name to `name`, when one is close enough to be a likely misspelling.
fn closest(name: &str) -> Option<&'static str> {
    super::RULES
        .iter()
        .map(|r| r.meta().name)
        .map(|n| (strsim::levenshtein(n, name), n))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, n)| n)
}

/// A suppression comment names `name`, which is not a rule.
pub(crate) fn unknown_rule(comment: Span, name: &str) -> Diagnostic {
    let help = match closest(name) {
        Some(n) => format!("did you mean `{n}`? `tsq rules` lists the rule names"),
        None => "use a rule name that `tsq rules` lists".to_owned(),
    };
    Diagnostic::new(META.name, META.severity, comment, format!("`tsq-ignore` names `{name}`, which is not a tsq rule")).with_help(help)
}

/// A suppression comment names no rule.
pub(crate) fn no_rules(comment: Span) -> Diagnostic {
    Diagnostic::new(META.name, META.severity, comment, "`tsq-ignore` names no rule")
        .with_help("name the rules to suppress: `<!-- tsq-ignore rule-name: reason -->`")
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::lint;

    #[test]
    fn misspelt_and_missing_rule_names() {
        let step = r#"<step type="SMS_TaskSequence_RunCommandLineAction" name="a"/>"#;
        let d = lint("invalid-suppression", &format!("<!-- tsq-ignore emtpy-group: x -->{step}"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("`emtpy-group`") && d[0].help.as_deref().is_some_and(|h| h.contains("`empty-group`")));
        assert_eq!(lint("invalid-suppression", &format!("<!-- tsq-ignore: x -->{step}")).len(), 1);
        assert!(lint("invalid-suppression", &format!("<!-- tsq-ignore empty-group: x -->{step}")).is_empty());
        assert!(lint("invalid-suppression", &format!("<!-- tsq-ignored is not a suppression -->{step}")).is_empty());
    }
}
