//! `state-store-pairing`: an enabled Request State Store step with no enabled Release State
//! Store step after it.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;

/// The rule.
pub struct StateStorePairing;

static META: RuleMeta = RuleMeta {
    name: "state-store-pairing",
    category: Category::Environment,
    severity: Severity::Error,
    summary: "state store request has no later Release State Store step",
    docs: include_str!("../../rules/state-store-pairing.md"),
};

const REQUEST: &str = "RequestStateStoreAction";
const RELEASE: &str = "ReleaseStateStoreAction";

impl Rule for StateStorePairing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let enabled: Vec<_> = cx.facts.visits().iter().filter(|v| !v.effectively_disabled()).collect();
        let last_release = enabled.iter().rposition(|v| v.node.is_type(RELEASE));
        for (i, visit) in enabled.iter().enumerate() {
            if !visit.node.is_type(REQUEST) || last_release.is_some_and(|r| r > i) {
                continue;
            }
            let kind = visit.node.var_text("OSDStateRequestType").map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
            let what = kind.map_or_else(String::new, |k| format!(" ({k})"));
            let span = visit.node.start_tag;
            cx.report_at(visit, span, format!("state store request `{}`{what} has no enabled Release State Store step after it", visit.node.name()))
                .help("add a Release State Store step after the steps that use the state store, or enable the one that is there");
        }
    }
}
