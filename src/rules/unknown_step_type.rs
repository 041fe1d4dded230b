//! `unknown-step-type`: a step's `type` is not a built-in ConfigMgr step or an MDT action.

use crate::analysis::step_types::StepKind;
use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::model::NodeKind;

/// The rule.
pub struct UnknownStepType;

static META: RuleMeta = RuleMeta {
    name: "unknown-step-type",
    category: Category::Schema,
    severity: Severity::Warning,
    summary: "step type is not a built-in ConfigMgr step or an MDT action",
    docs: include_str!("../../rules/unknown-step-type.md"),
};

impl Rule for UnknownStepType {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for visit in cx.facts.visits() {
            if visit.node.kind == NodeKind::Group {
                continue;
            }
            let Some(ty) = visit.node.attr("type") else { continue };
            if visit.node.step_kind != StepKind::Other {
                continue;
            }
            let message = if ty.raw.trim().is_empty() {
                "the step type is empty".to_owned()
            } else {
                format!("step type `{}` is not a built-in ConfigMgr step or an MDT action", ty.raw)
            };
            cx.report_at(visit, ty.span, message).help(
                "correct the spelling to the exact class name (for example `SMS_TaskSequence_RunCommandLineAction`); \
                 for a vendor's custom action, suppress this warning",
            );
        }
    }
}
