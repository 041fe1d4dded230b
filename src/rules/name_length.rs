//! `name-length`: a step or group name is empty, or longer than the console allows.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::container::Format;
use crate::diagnostic::Severity;
use crate::model::NodeKind;

/// The rule.
pub struct NameLength;

static META: RuleMeta = RuleMeta {
    name: "name-length",
    category: Category::Schema,
    severity: Severity::Error,
    summary: "step or group name is empty or longer than the console allows",
    docs: include_str!("../../rules/name-length.md"),
};

/// `AllowedLen("1-100")` on `SMS_TaskSequence_Step.Name`.
const MAX: usize = 100;
/// The editor's limit: "Name length can't exceed 50 characters".
const EDITOR_MAX: usize = 50;

impl Rule for NameLength {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let ts = cx.ts;
        // MDT Lite Touch sequences are edited in the Deployment Workbench, which has no 50-character
        // limit, and never pass through the SMS Provider that enforces 100.
        let mdt = ts.format == Format::MdtTs;
        let over_max = if mdt { Severity::Warning } else { Severity::Error };
        for visit in cx.facts.visits() {
            let node = visit.node;
            let Some(value) = node.attr("name") else {
                let what = if node.kind == NodeKind::Group { "group" } else { "step" };
                cx.report_at(visit, node.start_tag, format!("the {what} has no `name` attribute")).help("give it a name of 1 to 50 characters");
                continue;
            };
            let len = value.text().chars().count();
            if len == 0 {
                let span = node.attrs.attr("name").map_or(value.span, |a| a.span);
                cx.report_at(visit, span, "the name is empty").help("give it a name of 1 to 50 characters");
            } else if len > MAX {
                cx.report_at(visit, value.span, format!("name `{}` is {len} characters long; the limit is {MAX}", value.raw))
                    .help("shorten the name to 50 characters or fewer and move the detail into the description")
                    .severity(over_max);
            } else if len > EDITOR_MAX && !mdt {
                cx.report_at(visit, value.span, format!("name `{}` is {len} characters long; the editor allows {EDITOR_MAX}", value.raw))
                    .help("shorten the name to 50 characters or fewer and move the detail into the description")
                    .severity(Severity::Warning);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::lint;
    use crate::diagnostic::Severity;

    #[test]
    fn mdt_files_skip_the_editor_limit() {
        let name = "n".repeat(60);
        let cm = format!(r#"<group name="{name}"><step name="a"/></group>"#);
        assert_eq!(lint("name-length", &cm).len(), 1);
        let mdt = format!(r#"<sequence version="3.00" name="x"><group name="{name}"><step name="a"/></group></sequence>"#);
        assert!(lint("name-length", &mdt).is_empty());
        let long = format!(r#"<sequence version="3.00" name="x"><group name="{}"><step name="a"/></group></sequence>"#, "n".repeat(101));
        let d = lint("name-length", &long);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Warning);
    }
}
