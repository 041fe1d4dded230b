//! The catalogue of built-in step types and the environment each is documented to run in
//! (Microsoft Learn, "Task sequence steps"). The model looks every step's `type` up here once,
//! case-insensitively (WMI class names are), and keeps the entry: rules compare entries, never
//! raw strings.

/// Where a step type is documented to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Env {
    /// "This step runs only in Windows PE."
    WinPe,
    /// "This step runs only in the full OS."
    FullOs,
}

/// The prefix of every built-in ConfigMgr step class.
const PREFIX: &str = "SMS_TaskSequence_";

/// A built-in ConfigMgr step class.
#[derive(Debug, PartialEq, Eq)]
pub struct StepType {
    /// The class name without the `SMS_TaskSequence_` prefix (`RebootAction`).
    pub short: &'static str,
    /// Where it is documented to run (`None`: both, or not restricted).
    pub env: Option<Env>,
}

/// What a step's `type` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// A built-in ConfigMgr step class.
    BuiltIn(&'static StepType),
    /// An MDT action (`BDD_Gather`, …).
    Mdt,
    /// Anything else (a custom or misspelt class), or no `type`.
    Other,
}

impl StepKind {
    /// Whether this is the built-in class `short` (`RebootAction`).
    #[must_use]
    pub fn is(self, short: &str) -> bool {
        matches!(self, Self::BuiltIn(t) if t.short == short)
    }
}

/// Built-in step classes without the `SMS_TaskSequence_` prefix, with their documented
/// environment (`None`: both, or not restricted).
const BUILT_IN: &[(&str, Option<Env>)] = &[
    ("RunCommandLineAction", None),
    ("RunPowerShellScriptAction", None),
    ("InstallSoftwareAction", Some(Env::FullOs)),
    ("InstallApplicationAction", Some(Env::FullOs)),
    ("InstallUpdateAction", Some(Env::FullOs)),
    ("ApplyOperatingSystemAction", Some(Env::WinPe)),
    ("ApplyDataImageAction", Some(Env::WinPe)),
    ("ApplyDriverPackageAction", Some(Env::WinPe)),
    ("AutoApplyAction", Some(Env::WinPe)),
    ("UpgradeOperatingSystemAction", Some(Env::FullOs)),
    ("SetupWindowsAndSMSAction", None),
    ("CaptureUserStateAction", None),
    ("RestoreUserStateAction", Some(Env::FullOs)),
    ("InstallDeployToolsAction", None),
    ("DownloadPackageContentAction", None),
    ("SubTasksequence", None),
    ("SetVariableAction", None),
    ("SetDynamicVariablesAction", None),
    ("RebootAction", None),
    ("PartitionDiskAction", Some(Env::WinPe)),
    ("ConvertDiskAction", None),
    ("EnableBitLockerAction", Some(Env::FullOs)),
    ("DisableBitLockerAction", Some(Env::FullOs)),
    ("OfflineEnableBitLockerAction", Some(Env::WinPe)),
    ("JoinDomainWorkgroupAction", Some(Env::FullOs)),
    ("ConnectNetworkFolderAction", None),
    ("PrestartCheckAction", None),
    ("RequestStateStoreAction", None),
    ("ReleaseStateStoreAction", None),
    ("ApplyNetworkSettingsAction", Some(Env::WinPe)),
    ("ApplyWindowsSettingsAction", Some(Env::WinPe)),
    ("CaptureNetworkSettingsAction", Some(Env::FullOs)),
    ("CaptureWindowsSettingsAction", None),
    ("CaptureSystemImageAction", Some(Env::WinPe)),
    ("PrepareOSAction", Some(Env::FullOs)),
    ("PrepareSMSClientAction", Some(Env::FullOs)),
    ("VirtualHardDiskAction", None),
];

/// The catalogue, built once.
fn catalogue() -> &'static [StepType] {
    static TYPES: std::sync::OnceLock<Vec<StepType>> = std::sync::OnceLock::new();
    TYPES.get_or_init(|| BUILT_IN.iter().map(|&(short, env)| StepType { short, env }).collect())
}

/// What a `type` value names (surrounding whitespace ignored, case-insensitive).
#[must_use]
pub fn lookup(type_name: &str) -> StepKind {
    let t = type_name.trim();
    if t.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("BDD_")) && t.len() > 4 {
        return StepKind::Mdt;
    }
    let head = t.get(..PREFIX.len());
    let rest = t.get(PREFIX.len()..);
    match (head, rest) {
        (Some(h), Some(r)) if h.eq_ignore_ascii_case(PREFIX) => {
            catalogue().iter().find(|s| s.short.eq_ignore_ascii_case(r)).map_or(StepKind::Other, StepKind::BuiltIn)
        }
        _ => StepKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(t: &str) -> Option<Env> {
        match lookup(t) {
            StepKind::BuiltIn(s) => s.env,
            _ => None,
        }
    }

    #[test]
    fn lookup_is_case_insensitive() {
        assert!(lookup("SMS_TaskSequence_RunCommandLineAction").is("RunCommandLineAction"));
        assert!(lookup(" sms_tasksequence_rebootaction ").is("RebootAction"));
        assert_eq!(lookup("BDD_Gather"), StepKind::Mdt);
        assert_eq!(lookup("BDD_"), StepKind::Other);
        assert_eq!(lookup("SMS_TaskSequence_RunCommandLineActoin"), StepKind::Other);
        assert_eq!(env("SMS_TaskSequence_PartitionDiskAction"), Some(Env::WinPe));
        assert_eq!(env("SMS_TaskSequence_EnableBitLockerAction"), Some(Env::FullOs));
        assert_eq!(env("SMS_TaskSequence_RunCommandLineAction"), None);
    }
}
