//! `run-in-mismatch`: `runIn` contradicts the environment the step type runs in.

use crate::analysis::step_types::{Env, documented_env};
use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;

/// The rule.
pub struct RunInMismatch;

static META: RuleMeta = RuleMeta {
    name: "run-in-mismatch",
    category: Category::Environment,
    severity: Severity::Warning,
    summary: "runIn contradicts the environment the step type runs in",
    docs: include_str!("../../rules/run-in-mismatch.md"),
};

impl Rule for RunInMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let ts = cx.ts;
        for visit in ts.sequence.walk() {
            let node = visit.node;
            let (Some(ty), Some(run_in)) = (node.type_name(), node.attr("runIn")) else { continue };
            let (only, wrong, right) = match documented_env(ty) {
                Some(Env::FullOs) => ("the full OS", "WinPE", "FullOS"),
                Some(Env::WinPe) => ("Windows PE", "FullOS", "WinPE"),
                None => continue,
            };
            if run_in.raw == wrong {
                let short = ty.get("SMS_TaskSequence_".len()..).unwrap_or(ty);
                cx.report_at(&visit, run_in.span, format!("`{short}` runs only in {only}, but `runIn` is `{wrong}`"))
                    .help(format!("set `runIn=\"{right}\"` or `runIn=\"WinPEandFullOS\"`"));
            }
        }
    }
}
