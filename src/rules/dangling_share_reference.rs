//! `dangling-share-reference`: a step of an MDT deployment share's task sequence names an
//! operating system, application, package, driver group, selection profile or task sequence that
//! the share's control files do not list.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::container::mdt_share::ShareKind;
use crate::diagnostic::Severity;
use crate::model::{Node, Value};

/// The rule.
pub struct DanglingShareReference;

static META: RuleMeta = RuleMeta {
    name: "dangling-share-reference",
    category: Category::References,
    severity: Severity::Error,
    summary: "step names an item the MDT deployment share does not have",
    docs: include_str!("../../rules/dangling-share-reference.md"),
};

/// The kind of share item a variable names: step variables (`defaultVarList`) and the variables
/// a Set Task Sequence Variable step sets.
fn kind_of(name: &str) -> Option<ShareKind> {
    let numbered = |prefix: &str| {
        name.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix))
            && name.get(prefix.len()..).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    if is("OSGUID") {
        Some(ShareKind::OperatingSystem)
    } else if is("ApplicationGUID") || numbered("Applications") || numbered("MandatoryApplications") {
        Some(ShareKind::Application)
    } else if numbered("LanguagePacks") {
        Some(ShareKind::Package)
    } else if numbered("DriverGroup") {
        Some(ShareKind::DriverGroup)
    } else if is("DriverSelectionProfile") || is("PackageSelectionProfile") {
        Some(ShareKind::SelectionProfile)
    } else if is("TaskSequenceID") || is("SubTaskSequenceID") || is("SubTaskSequenceGUID") {
        Some(ShareKind::TaskSequence)
    } else {
        None
    }
}

/// `(kind, variable name, value)` of the share items a step names.
fn named_items(node: &Node) -> Vec<(ShareKind, String, &Value)> {
    let set_variable = node.type_name().is_some_and(|t| t.eq_ignore_ascii_case("SMS_TaskSequence_SetVariableAction"));
    if set_variable {
        let name = node.var("OSDVariableName").map(|v| v.value.text().trim().to_owned()).unwrap_or_default();
        return match (kind_of(&name), node.var("OSDVariableValue")) {
            (Some(kind), Some(v)) => vec![(kind, name, &v.value)],
            _ => Vec::new(),
        };
    }
    node.variables.iter().filter_map(|v| kind_of(v.name()).map(|k| (k, v.name().to_owned(), &v.value))).collect()
}

impl Rule for DanglingShareReference {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(share) = cx.ts.share.clone() else { return };
        for visit in cx.facts.visits() {
            if visit.effectively_disabled() {
                continue;
            }
            for (kind, variable, value) in named_items(visit.node) {
                let text = value.text();
                let id = text.trim();
                if id.is_empty() || id.contains('%') || share.contains(kind, id) != Some(false) {
                    continue;
                }
                let message = format!("{} `{id}` named by `{variable}` is not in the share's {}", kind.what(), kind.file());
                let help = format!(
                    "select the {} again in the step in the Deployment Workbench, or add it to the share (`{}/{}`)",
                    kind.what(),
                    share.control,
                    kind.file()
                );
                cx.report_at(visit, value.span, message).help(help);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::kind_of;
    use crate::container::mdt_share::ShareKind;

    #[test]
    fn variables() {
        assert_eq!(kind_of("osguid"), Some(ShareKind::OperatingSystem));
        assert_eq!(kind_of("Applications001"), Some(ShareKind::Application));
        assert_eq!(kind_of("Applications"), None);
        assert_eq!(kind_of("DriverGroup002"), Some(ShareKind::DriverGroup));
        assert_eq!(kind_of("PackageSelectionProfile"), Some(ShareKind::SelectionProfile));
        assert_eq!(kind_of("ApplicationSuccessCodes"), None);
    }
}
