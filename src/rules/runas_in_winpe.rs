//! `runas-in-winpe`: a command that runs as another user in a step that can run in Windows PE.

use super::{Ctx, Group, Rule, RuleMeta};
use crate::diagnostic::Severity;

/// The rule.
pub struct RunasInWinpe;

static META: RuleMeta = RuleMeta {
    name: "runas-in-winpe",
    group: Group::Environment,
    severity: Severity::Error,
    summary: "command runs as another user in a step that can run in Windows PE",
    docs: include_str!("../../rules/runas-in-winpe.md"),
};

/// Step types with a run-as switch, and the variable that holds it.
const RUN_AS: &[(&str, &str)] = &[
    ("SMS_TaskSequence_RunCommandLineAction", "_SMSTSRunCommandLineAsUser"),
    ("SMS_TaskSequence_RunPowerShellScriptAction", "_SMSTSRunPowerShellAsUser"),
];

impl Rule for RunasInWinpe {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for visit in cx.ts.sequence.walk() {
            let node = visit.node;
            let Some((_, var)) = RUN_AS.iter().find(|(t, _)| node.type_name() == Some(t)) else { continue };
            let Some(v) = node.var(var).filter(|v| v.value.as_bool_loose() == Some(true)) else { continue };
            let run_in = node.attr("runIn").map_or_else(|| "WinPEandFullOS".to_owned(), |r| r.text().trim().to_owned());
            if !run_in.eq_ignore_ascii_case("WinPE") && !run_in.eq_ignore_ascii_case("WinPEandFullOS") {
                continue;
            }
            let span = v.value.span;
            cx.report_at(&visit, span, format!("`{}` runs as another user but can run in Windows PE (`runIn` is `{run_in}`)", node.name()))
                .help("set `runIn=\"FullOS\"`, or stop running the step as another account; in Windows PE the step fails");
        }
    }
}
