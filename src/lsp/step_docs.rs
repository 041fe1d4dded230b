//! What each built-in step type does, for hover: the editor's name for it, a one-line summary
//! in tsq's words and the task-sequence variables its properties are stored in. Where a step may
//! run comes from [`crate::analysis::step_types`]. Source: the "Task sequence steps" page of
//! the Configuration Manager documentation on Microsoft Learn.

/// The public page the summaries are drawn from.
pub const SOURCE: &str = "https://learn.microsoft.com/en-us/intune/configmgr/osd/understand/task-sequence-steps";

/// A step type's entry: the class name without `SMS_TaskSequence_`, the editor's name, what it
/// does, and the variables its settings are kept in.
pub struct StepDoc {
    /// The class name without the `SMS_TaskSequence_` prefix.
    pub class: &'static str,
    /// The name the task sequence editor shows.
    pub title: &'static str,
    /// What the step does.
    pub summary: &'static str,
    /// The step variables that hold its settings.
    pub variables: &'static [&'static str],
}

macro_rules! steps {
    ($($class:literal, $title:literal, $summary:literal, [$($var:literal),*];)*) => {
        /// Every documented step type.
        pub static STEPS: &[StepDoc] = &[$(StepDoc { class: $class, title: $title, summary: $summary, variables: &[$($var),*] },)*];
    };
}

steps! {
    "RunCommandLineAction", "Run Command Line", "Runs a command line, optionally from a package's content, as the local system or as a given user; its exit code is compared with the success codes.",
        ["PackageID", "CommandLine", "SuccessCodes", "WorkingDirectory", "SMSTSDisableWow64Redirection", "SMSTSRunCommandLineOutputVariableName", "_SMSTSRunCommandLineAsUser", "SMSTSRunCommandLineUserName", "SMSTSRunCommandLineUserPassword"];
    "RunPowerShellScriptAction", "Run PowerShell Script", "Runs a PowerShell script, either from a package or entered inline in the step, with a chosen execution policy. In Windows PE the boot image needs the PowerShell optional component.",
        ["OSDRunPowerShellScriptPackageID", "OSDRunPowerShellScriptScriptName", "OSDRunPowerShellScriptSourceScript", "OSDRunPowerShellScriptParameters", "OSDRunPowerShellScriptExecutionPolicy", "SMSTSRunPowerShellWorkingDirectory", "_SMSTSRunPowerShellAsUser", "SMSTSRunPowerShellUserName", "SMSTSRunPowerShellUserPassword"];
    "InstallSoftwareAction", "Install Package", "Installs a program of a classic software package, or a list of them named by base variables.",
        ["PackageID", "_SMSSWDProgramName", "BaseVariableName", "ContinueOnInstallError"];
    "InstallApplicationAction", "Install Application", "Installs applications (by model name, or a list named by base variables), with their dependencies.",
        ["ApplicationName", "BaseVariableName", "OSDAppClearCache", "OSDAppCount"];
    "InstallUpdateAction", "Install Software Updates", "Installs the software updates deployed to the computer's collections (required ones, or all available).",
        ["SMSInstallUpdateTarget", "SMSTSSoftwareUpdateScanUseCache"];
    "ApplyOperatingSystemAction", "Apply Operating System Image", "Applies a Windows image (or runs Setup from an upgrade package) to the target disk, with an optional answer file.",
        ["ImagePackageID", "OSDImageIndex", "OSDConfigFileName"];
    "ApplyDataImageAction", "Apply Data Image", "Copies a data image from a WIM file to a partition.",
        ["ImagePackageID", "OSDDataImageIndex", "OSDWipeDestinationPartition"];
    "ApplyDriverPackageAction", "Apply Driver Package", "Stages all the drivers of a driver package for Windows Setup to install.",
        ["OSDApplyDriverDriverPackageID", "OSDAllowUnsignedDriver"];
    "AutoApplyAction", "Auto Apply Drivers", "Matches the computer's devices against the driver catalogue and installs the best (or every) compatible driver. Not available on stand-alone media.",
        ["OSDAutoApplyDriverBestMatch", "OSDAutoApplyDriverCategoryList", "OSDAllowUnsignedDriver"];
    "UpgradeOperatingSystemAction", "Upgrade Operating System", "Upgrades an existing Windows 10 or 11 installation in place from an upgrade package or a source path.",
        ["OSDUpgradeInstallPackageID"];
    "SetupWindowsAndSMSAction", "Setup Windows and ConfigMgr", "Runs the Windows setup that follows applying an image, then installs the Configuration Manager client; it moves the sequence from Windows PE into the new operating system.",
        ["_SMSClientPackageID", "SMSClientInstallProperties"];
    "CaptureUserStateAction", "Capture User State", "Captures user files and settings with the User State Migration Tool (USMT) into the state store.",
        ["_OSDMigrateUsmtPackageID", "OSDMigrateMode", "OSDMigrateConfigFiles", "OSDMigrateContinueOnLockedFiles", "OSDMigrateSkipEncryptedFiles"];
    "RestoreUserStateAction", "Restore User State", "Restores the user files and settings captured by USMT onto the new operating system.",
        ["_OSDMigrateUsmtRestorePackageID", "OSDMigrateContinueOnRestore", "OSDMigrateLocalAccounts", "OSDMigrateLocalAccountPassword"];
    "InstallDeployToolsAction", "Install Deployment Tools", "Installs the package that holds Sysprep and the other deployment tools.",
        ["SysprepPackageID"];
    "DownloadPackageContentAction", "Download Package Content", "Downloads the content of packages (driver, OS image, upgrade and generic packages) to the task sequence cache, the client cache or a custom path. Not available on stand-alone media.",
        ["OSDDownloadDownloadPackages", "OSDDownloadDestinationLocationType", "OSDDownloadDestinationPath", "OSDDownloadDestinationVariable", "OSDDownloadContinueDownloadOnError"];
    "SubTasksequence", "Run Task Sequence", "Runs another task sequence (a child) as part of this one.",
        ["OSDSubTasksequencePackageID"];
    "SetVariableAction", "Set Task Sequence Variable", "Sets a task sequence variable to a value for the steps that follow.",
        ["VariableName", "VariableValue", "DoNotShowVariableValue"];
    "SetDynamicVariablesAction", "Set Dynamic Variables", "Sets variables from rules evaluated on the computer (its model, make, serial number, MAC address, gateway or a variable's value).",
        ["OSDSetDynamicVariablesRules"];
    "RebootAction", "Restart Computer", "Restarts the computer into the installed operating system or into the boot image, with an optional message and delay.",
        ["SMSRebootTarget", "SMSRebootMessage", "SMSRebootTimeout"];
    "PartitionDiskAction", "Format and Partition Disk", "Formats and partitions a disk (GPT or MBR) with the partitions the step lists.",
        ["OSDDiskIndex", "OSDPartitionStyle", "OSDPartitions", "OSDGPTBootDisk"];
    "ConvertDiskAction", "Convert Disk to Dynamic", "Converts a basic disk to a dynamic disk.",
        ["OSDConvertDiskIndex"];
    "EnableBitLockerAction", "Enable BitLocker", "Turns on BitLocker encryption of a drive, with the chosen key protectors.",
        ["OSDBitLockerTargetDrive", "OSDBitLockerMode", "OSDBitLockerPIN", "OSDBitLockerCreateRecoveryPassword", "OSDBitLockerWaitForEncryption"];
    "DisableBitLockerAction", "Disable BitLocker", "Suspends BitLocker protection of a drive for a number of restarts, so that the sequence can restart unattended.",
        ["OSDBitLockerTargetDrive", "OSDBitLockerRebootCount"];
    "OfflineEnableBitLockerAction", "Pre-provision BitLocker", "Turns on BitLocker for a drive while still in Windows PE, so that only the used space is encrypted.",
        ["OSDBitLockerTargetDrive"];
    "JoinDomainWorkgroupAction", "Join Domain or Workgroup", "Joins the computer to a domain or a workgroup.",
        ["OSDJoinType", "OSDJoinDomainName", "OSDJoinDomainOUName", "OSDJoinAccount", "OSDJoinPassword", "OSDJoinWorkgroupName", "OSDJoinSkipReboot"];
    "ConnectNetworkFolderAction", "Connect To Network Folder", "Maps a shared network folder to a drive letter for the steps that follow.",
        ["SMSConnectNetworkFolderPath", "SMSConnectNetworkFolderDriveLetter", "SMSConnectNetworkFolderAccount", "SMSConnectNetworkFolderPassword"];
    "PrestartCheckAction", "Check Readiness", "Checks that the computer meets the deployment's conditions (memory, processor speed, free disk space, operating system, architecture, client version) and fails the step when one is not met.",
        [];
    "RequestStateStoreAction", "Request State Store", "Asks a state migration point for a location to store (or read back) user state.",
        ["OSDStateStorePath", "OSDStateSMPRetryCount", "OSDStateSMPRetryTime", "OSDStateFallbackToNAA"];
    "ReleaseStateStoreAction", "Release State Store", "Tells the state migration point that the user state stored there was restored.",
        [];
    "ApplyNetworkSettingsAction", "Apply Network Settings", "Writes the network settings (adapters, DNS, domain or workgroup) to the answer file of the new operating system.",
        ["OSDAdapterCount", "OSDDNSDomain", "OSDDomainName", "OSDWorkgroupName"];
    "ApplyWindowsSettingsAction", "Apply Windows Settings", "Writes the Windows settings (owner and organisation, product key, time zone, local administrator password, computer name) to the answer file of the new operating system.",
        ["OSDRegisteredOrgName", "OSDRegisteredUserName", "OSDTimeZone", "OSDLocalAdminPassword", "OSDProductKey", "OSDComputerName"];
    "CaptureNetworkSettingsAction", "Capture Network Settings", "Captures the domain or workgroup membership and the adapter settings of the computer being replaced.",
        ["OSDMigrateNetworkMembership", "OSDMigrateAdapterSettings"];
    "CaptureWindowsSettingsAction", "Capture Windows Settings", "Captures the computer name, registered owner and organisation, and time zone of the computer being replaced.",
        ["OSDMigrateComputerName", "OSDMigrateRegistrationInfo", "OSDMigrateTimeZone"];
    "CaptureSystemImageAction", "Capture Operating System Image", "Captures the reference computer's Windows installation into a WIM file.",
        ["OSDCaptureDestination", "OSDCaptureAccount", "OSDCapturePassword", "OSDImageVersion"];
    "PrepareOSAction", "Prepare Windows for Capture", "Runs Sysprep on the reference computer before its image is captured.",
        ["OSDBuildStorageDriverList", "OSDKeepActivation"];
    "PrepareSMSClientAction", "Prepare ConfigMgr Client for Capture", "Removes the computer-specific configuration of the Configuration Manager client before the image is captured.",
        [];
    "VirtualHardDiskAction", "Virtual hard disk (MDT)", "An MDT step of the virtual hard disk templates.",
        [];
}

/// The entry of a `type` value (case-insensitive, as WMI class names are).
#[must_use]
pub fn find(type_name: &str) -> Option<&'static StepDoc> {
    let prefix = "SMS_TaskSequence_";
    let head = type_name.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = type_name.get(prefix.len()..)?;
    STEPS.iter().find(|s| s.class.eq_ignore_ascii_case(rest))
}

/// The step types whose settings include `variable` (case-insensitive).
pub fn setting(variable: &str) -> impl Iterator<Item = &'static StepDoc> + '_ {
    STEPS.iter().filter(move |s| s.variables.iter().any(|v| v.eq_ignore_ascii_case(variable)))
}
