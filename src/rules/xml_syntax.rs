//! `xml-syntax`: the file is not well-formed XML or cannot be decoded.
//!
//! Most of its findings come from reading the file (see [`crate::container::Problem`]); in a file
//! that reads, the rules document of a Set Dynamic Variables step (XML escaped inside a variable)
//! can still be malformed, and that is reported here.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;

/// The rule.
pub struct XmlSyntax;

/// The rule's metadata (the loader's findings carry it).
pub(crate) static META: RuleMeta = RuleMeta {
    name: "xml-syntax",
    category: Category::Syntax,
    severity: Severity::Error,
    summary: "the file is not well-formed XML or cannot be decoded",
    docs: include_str!("../../rules/xml-syntax.md"),
};

impl Rule for XmlSyntax {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for visit in cx.facts.visits() {
            if let Some((message, span)) = visit.node.dynamic_rules.as_ref().and_then(|d| d.error.as_ref()) {
                cx.report_at(visit, *span, format!("the Set Dynamic Variables rules are not well-formed XML: {message}")).help(
                    "the step's rules (`OSDSetDynamicVariablesRules`) are XML escaped inside the variable; the engine cannot read them, so none of them applies: open the step in the console and save it again",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::lint;

    #[test]
    fn malformed_dynamic_variables_rules() {
        let step = |rules: &str| {
            format!(
                r#"<step type="SMS_TaskSequence_SetDynamicVariablesAction" name="Rules"><defaultVarList><variable name="OSDSetDynamicVariablesRules" property="DynamicVariablesRules">{rules}</variable></defaultVarList></step>"#
            )
        };
        let ok = "&lt;Rules&gt;&lt;Rule&gt;&lt;Variables&gt;&lt;Variable name=\"_SMSTSX\"&gt;1&lt;/Variable&gt;&lt;/Variables&gt;&lt;/Rule&gt;&lt;/Rules&gt;";
        assert!(lint("xml-syntax", &step(ok)).is_empty());
        let broken = ok.replace("&lt;/Rules&gt;", "");
        let xml = step(&broken);
        let d = lint("xml-syntax", &xml);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].step_path.as_deref(), Some("Rules"));
        // The span lies inside the variable's escaped value in the file.
        let value_start = xml.find("&lt;Rules").unwrap_or(0) + "<sequence version=\"3.10\">".len();
        assert!(d[0].span.start >= value_start, "{:?} before {value_start}", d[0].span);
    }
}
