//! `empty-group`: a group with no steps, groups or child task sequences.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::fix::{Edit, Fix, FixKind, whole_lines};
use crate::model::NodeKind;

/// The rule.
pub struct EmptyGroup;

static META: RuleMeta = RuleMeta {
    name: "empty-group",
    category: Category::Structure,
    severity: Severity::Info,
    summary: "group contains no steps, groups or child task sequences",
    docs: include_str!("../../rules/empty-group.md"),
};

/// The name the console gives a group it creates.
const CONSOLE_DEFAULT_NAME: &str = "New Group";

impl Rule for EmptyGroup {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix_kind(&self) -> FixKind {
        FixKind::Unsafe
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for visit in cx.facts.visits() {
            let node = visit.node;
            if node.kind == NodeKind::Group && node.children.is_empty() {
                let name = node.name();
                // The console names a group it creates "New Group": an empty one is a group added
                // by accident and never used, not a template's named placeholder.
                let accidental = name == CONSOLE_DEFAULT_NAME;
                let remove = Edit::delete(whole_lines(cx.text, node.span));
                let mut r = cx.report_at(visit, node.start_tag, format!("group `{name}` is empty"));
                r.help("delete the group, or move the steps it should hold into it");
                r.fix(Fix::unsafe_("delete the group", vec![remove]));
                if accidental {
                    r.severity(Severity::Warning);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::lint;

    #[test]
    fn innermost_empty_group_only() {
        let d = lint("empty-group", r#"<group name="a"><group name="b"><action/></group></group>"#);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("`b`"));
        assert_eq!(d[0].severity, crate::diagnostic::Severity::Info);
        let d = lint("empty-group", r#"<group name="New Group"/>"#);
        assert_eq!(d[0].severity, crate::diagnostic::Severity::Warning);
    }
}
