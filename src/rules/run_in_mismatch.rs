//! `run-in-mismatch`: `runIn` contradicts the environment the step type runs in.

use crate::analysis::step_types::{Env, StepKind};
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
        for visit in cx.facts.visits() {
            let node = visit.node;
            let (StepKind::BuiltIn(ty), Some(run_in)) = (node.step_kind, node.attr("runIn")) else { continue };
            let (only, wrong, right) = match ty.env {
                Some(Env::FullOs) => ("the full OS", "WinPE", "FullOS"),
                Some(Env::WinPe) => ("Windows PE", "FullOS", "WinPE"),
                None => continue,
            };
            if run_in.raw == wrong {
                let short = ty.short;
                cx.report_at(visit, run_in.span, format!("`{short}` runs only in {only}, but `runIn` is `{wrong}`"))
                    .help(format!("set `runIn=\"{right}\"` or `runIn=\"WinPEandFullOS\"`"));
            }
        }
    }
}
