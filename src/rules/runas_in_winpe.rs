//! `runas-in-winpe`: a command that runs as another user in a step that can run in Windows PE.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::model::Node;

/// The rule.
pub struct RunasInWinpe;

static META: RuleMeta = RuleMeta {
    name: "runas-in-winpe",
    category: Category::Environment,
    severity: Severity::Error,
    summary: "command runs as another user in a step that can run in Windows PE",
    docs: include_str!("../../rules/runas-in-winpe.md"),
};

/// Step types with a run-as switch, and the variable that holds it.
const RUN_AS: &[(&str, &str)] = &[("RunCommandLineAction", "_SMSTSRunCommandLineAsUser"), ("RunPowerShellScriptAction", "_SMSTSRunPowerShellAsUser")];

/// `Some(true)` for a step fixed to Windows PE, `Some(false)` for one fixed to the full OS.
fn env(node: &Node) -> Option<bool> {
    let run_in = node.attr("runIn")?.text();
    let run_in = run_in.trim();
    if run_in.eq_ignore_ascii_case("WinPE") {
        Some(true)
    } else if run_in.eq_ignore_ascii_case("FullOS") {
        Some(false)
    } else {
        None
    }
}

/// The environment a step leaves the computer in: Setup Windows and ConfigMgr ends in the full OS,
/// Restart Computer in its target.
fn after(node: &Node) -> Option<bool> {
    if node.is_type("SetupWindowsAndSMSAction") {
        Some(false)
    } else if node.is_type("RebootAction") {
        let target = ["SMSRebootTarget", "Target"].iter().find_map(|n| node.var_text(n))?;
        Some(target.trim().eq_ignore_ascii_case("WinPE"))
    } else {
        None
    }
}

impl Rule for RunasInWinpe {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let visits = cx.facts.visits();
        // The task sequence starts in Windows PE when its first step with a fixed environment is a
        // Windows PE one (boot media, PXE); otherwise it starts in the full OS.
        let mut in_winpe = visits.iter().filter(|v| !v.effectively_disabled()).find_map(|v| env(v.node)) == Some(true);
        for visit in visits {
            let node = visit.node;
            let enabled = !visit.effectively_disabled();
            if let Some(e) = env(node).filter(|_| enabled) {
                in_winpe = e;
            }
            let run_as = RUN_AS.iter().find(|(t, _)| node.is_type(t)).and_then(|(_, var)| node.var(var));
            if let Some(v) = run_as.filter(|v| v.value.as_bool_loose() == Some(true)) {
                let run_in = node.attr("runIn").map_or_else(|| "WinPEandFullOS".to_owned(), |r| r.text().trim().to_owned());
                let shown =
                    if node.attr("runIn").is_some() { format!("`runIn` is `{run_in}`") } else { "`runIn` defaults to `WinPEandFullOS`".to_owned() };
                let explicit = run_in.eq_ignore_ascii_case("WinPE");
                if explicit || (run_in.eq_ignore_ascii_case("WinPEandFullOS") && in_winpe) {
                    let why = if explicit { "it runs only in Windows PE" } else { "it can run in Windows PE at this point of the sequence" };
                    let span = v.value.span;
                    cx.report_at(visit, span, format!("`{}` runs as another user, but {why} ({shown})", node.name()))
                        .help("set `runIn=\"FullOS\"` or move the step after Setup Windows and ConfigMgr, or stop running it as another account");
                }
            }
            if enabled {
                in_winpe = after(node).unwrap_or(in_winpe);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::container::load_bytes;
    use crate::lint::{Settings, check};

    const RUN_AS: &str = r#"<step type="SMS_TaskSequence_RunCommandLineAction" name="run as" runIn="WinPEandFullOS"><defaultVarList><variable name="_SMSTSRunCommandLineAsUser" property="RunAsUser">true</variable></defaultVarList></step>"#;
    const PE: &str = r#"<step type="SMS_TaskSequence_PartitionDiskAction" name="pe" runIn="WinPE"/>"#;
    const SETUP: &str = r#"<step type="SMS_TaskSequence_SetupWindowsAndSMSAction" name="setup" runIn="WinPEandFullOS"/>"#;
    const TO_PE: &str = r#"<step type="SMS_TaskSequence_RebootAction" name="to pe"><defaultVarList><variable name="SMSRebootTarget" property="Target">WinPE</variable></defaultVarList></step>"#;

    fn count(body: &str) -> usize {
        let text = format!("<sequence version=\"3.10\">{body}</sequence>");
        load_bytes("t.xml", text.into_bytes(), None)
            .into_iter()
            .map(|l| check(l, &Settings::default()).diagnostics.iter().filter(|d| d.rule == "runas-in-winpe").count())
            .sum()
    }

    #[test]
    fn follows_the_phase() {
        assert_eq!(count(RUN_AS), 0, "a software deployment runs in the full OS");
        assert_eq!(count(&format!("{PE}{RUN_AS}")), 1);
        assert_eq!(count(&format!("{PE}{SETUP}{RUN_AS}")), 0);
        assert_eq!(count(&format!("{PE}{SETUP}{TO_PE}{RUN_AS}")), 1);
        assert_eq!(count(&format!("{RUN_AS}{PE}")), 1, "a sequence whose first fixed step is WinPE starts in WinPE");
    }
}
