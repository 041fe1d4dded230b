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
                // The groups around it that hold only it would be empty once it is deleted: the fix
                // deletes the outermost of them, so that one round does what one round per level
                // would (a chain deeper than the rounds of `--fix` would never converge).
                let holders = visit.ancestors.iter().rev().take_while(|a| a.kind == NodeKind::Group && a.children.len() == 1);
                let (outer, around) = holders.fold((node, 0), |(_, n), a| (*a, n + 1));
                let remove = Edit::delete(whole_lines(cx.text, outer.span));
                let mut r = cx.report_at(visit, node.start_tag, format!("group `{name}` is empty"));
                r.help("delete the group, or move the steps it should hold into it");
                let title = match around {
                    0 => "delete the group".to_owned(),
                    1 => "delete the group and the group that holds only it".to_owned(),
                    n => format!("delete the group and the {n} groups that hold only it"),
                };
                r.fix(Fix::unsafe_(title, vec![remove]));
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

    #[test]
    fn the_fix_deletes_the_groups_that_hold_only_the_empty_one() {
        let text = r#"<sequence><group name="a"><step/><group name="b"><group name="c"><group name="d"/></group></group></group></sequence>"#;
        let d = lint("empty-group", text);
        assert_eq!(d.len(), 1);
        let fix = d[0].fix.as_ref().map(|f| (f.title.as_str(), f.edits[0].span));
        let b = text.find(r#"<group name="b""#).unwrap_or(0);
        let end = text.find("</group></sequence>").unwrap_or(0);
        assert_eq!(fix, Some(("delete the group and the 2 groups that hold only it", crate::span::Span::new(b, end))));
        let d = lint("empty-group", r#"<group name="New Group"/>"#);
        assert_eq!(d[0].severity, crate::diagnostic::Severity::Warning);
    }
}
