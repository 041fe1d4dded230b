//! `missing-boot-image`: a restart into Windows PE in a package that has no boot image.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::model::Node;

/// The rule.
pub struct MissingBootImage;

static META: RuleMeta = RuleMeta {
    name: "missing-boot-image",
    category: Category::Environment,
    severity: Severity::Error,
    summary: "restart into Windows PE in a package with no boot image",
    docs: include_str!("../../rules/missing-boot-image.md"),
};

/// Whether a Restart Computer step targets Windows PE.
fn targets_winpe(node: &Node) -> bool {
    if !node.is_type("RebootAction") {
        return false;
    }
    let by_var = ["SMSRebootTarget", "Target"].iter().any(|n| node.var_text(n).is_some_and(|t| t.trim().eq_ignore_ascii_case("WinPE")));
    let by_action = node.action.as_ref().is_some_and(|a| a.text().to_ascii_lowercase().contains("/target:winpe"));
    by_var || by_action
}

impl Rule for MissingBootImage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(pkg) = &cx.ts.package else { return };
        if pkg.value("BootImageID").is_some_and(|v| !v.text().trim().is_empty()) {
            return;
        }
        for visit in cx.facts.visits() {
            if visit.effectively_disabled() || !targets_winpe(visit.node) {
                continue;
            }
            let span = visit.node.start_tag;
            cx.report_at(visit, span, format!("`{}` restarts into Windows PE, but the task sequence has no boot image", visit.node.name()))
                .help("select a boot image on the task sequence's Advanced tab (\"Use a boot image\"), or restart into the installed operating system");
        }
    }
}
