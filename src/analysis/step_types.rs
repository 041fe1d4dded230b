//! The catalogue of built-in step types and the environment each is documented to run in
//! (`domain.md` §2 and §8.3, `corpus.md` §5).

/// Where a step type is documented to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Env {
    /// "This step runs only in Windows PE."
    WinPe,
    /// "This step runs only in the full OS."
    FullOs,
}

/// The prefix of every built-in ConfigMgr step class.
const PREFIX: &str = "SMS_TaskSequence_";

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

/// The catalogue entry of a `type` value (case-insensitive, as WMI class names are).
fn entry(type_name: &str) -> Option<&'static (&'static str, Option<Env>)> {
    let head = type_name.get(..PREFIX.len())?;
    let rest = type_name.get(PREFIX.len()..)?;
    if !head.eq_ignore_ascii_case(PREFIX) {
        return None;
    }
    BUILT_IN.iter().find(|(name, _)| name.eq_ignore_ascii_case(rest))
}

/// Whether `type_name` is a built-in ConfigMgr step class or an MDT `BDD_*` action.
pub(crate) fn is_known(type_name: &str) -> bool {
    let mdt = type_name.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("BDD_")) && type_name.len() > 4;
    mdt || entry(type_name).is_some()
}

/// The environment a built-in step type is restricted to, if it is restricted.
pub(crate) fn documented_env(type_name: &str) -> Option<Env> {
    entry(type_name).and_then(|(_, env)| *env)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue() {
        assert!(is_known("SMS_TaskSequence_RunCommandLineAction"));
        assert!(is_known("sms_tasksequence_rebootaction"));
        assert!(is_known("BDD_Gather"));
        assert!(!is_known("BDD_"));
        assert!(!is_known("SMS_TaskSequence_RunCommandLineActoin"));
        assert_eq!(documented_env("SMS_TaskSequence_PartitionDiskAction"), Some(Env::WinPe));
        assert_eq!(documented_env("SMS_TaskSequence_EnableBitLockerAction"), Some(Env::FullOs));
        assert_eq!(documented_env("SMS_TaskSequence_RunCommandLineAction"), None);
    }
}
