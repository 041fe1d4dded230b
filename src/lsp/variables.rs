//! Built-in task-sequence variables, for hover: whether a task sequence may set each, who sets
//! it, and what it holds, in tsq's words. Source: the "Task sequence variables" reference and
//! "Using task sequence variables" pages of the Configuration Manager documentation on
//! Microsoft Learn. Variables that store a step's settings are described by the step catalogue
//! ([`super::step_docs`]).

/// The public reference page.
pub const SOURCE: &str = "https://learn.microsoft.com/en-us/intune/configmgr/osd/understand/task-sequence-variables";

/// Who gives a variable its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetBy {
    /// The task sequence engine; a task sequence cannot change it.
    Engine,
    /// The engine, but a task sequence may set it (to brand the progress dialog).
    EngineOverridable,
    /// The administrator (a collection or device variable, a Set Task Sequence Variable step,
    /// media or a script); the engine reads it.
    You,
}

/// One built-in variable.
pub struct VariableDoc {
    /// Its name.
    pub name: &'static str,
    /// Who sets it.
    pub set_by: SetBy,
    /// What it holds or does.
    pub summary: &'static str,
}

macro_rules! variables {
    ($($name:literal, $set_by:ident, $summary:literal;)*) => {
        /// The catalogue, by name.
        pub static VARIABLES: &[VariableDoc] = &[$(VariableDoc { name: $name, set_by: SetBy::$set_by, summary: $summary },)*];
    };
}

variables! {
    "_SMSTSAdvertID", Engine, "The ID of the deployment that is running the task sequence.";
    "_SMSTSBootImageID", Engine, "The package ID of the boot image the task sequence refers to, if any.";
    "_SMSTSBootUEFI", Engine, "`true` when the computer started in UEFI mode, `false` for legacy BIOS.";
    "_SMSTSClientGUID", Engine, "The GUID of the Configuration Manager client running the task sequence.";
    "_SMSTSCurrentActionName", Engine, "The name of the step that is running.";
    "_SMSTSDownloadOnDemand", Engine, "`true` when content is downloaded only when a step needs it.";
    "_SMSTSInWinPE", Engine, "`true` while the task sequence runs in Windows PE, `false` in the full operating system. The usual condition for steps that only work in one of them.";
    "_SMSTSLastActionName", Engine, "The name of the step that ran last.";
    "_SMSTSLastActionRetCode", Engine, "The exit code of the step that ran last.";
    "_SMSTSLastActionSucceeded", Engine, "`true` when the step that ran last succeeded.";
    "_SMSTSLaunchMode", Engine, "How the task sequence was started (for example from Software Center, PXE or media).";
    "_SMSTSLogPath", Engine, "The folder that holds `smsts.log` and the other task sequence logs.";
    "_SMSTSMachineName", Engine, "The computer's name.";
    "_SMSTSMDataPath", Engine, "The folder where the task sequence keeps its working data and cache.";
    "_SMSTSMediaType", Engine, "The kind of media the task sequence runs from (boot media, full media, PXE or prestaged media).";
    "_SMSTSMP", Engine, "The management point the client talks to.";
    "_SMSTSPackageID", Engine, "The package ID of the running task sequence.";
    "_SMSTSPackageName", EngineOverridable, "The name of the running task sequence, shown in the progress dialog; a task sequence may set it to change that title.";
    "_SMSTSOrgName", EngineOverridable, "The organisation name shown in the progress dialog; a task sequence may set it to brand the dialog.";
    "_SMSTSRunFromDP", Engine, "`true` when steps run their content directly from the distribution point.";
    "_SMSTSSiteCode", Engine, "The site code of the Configuration Manager site.";
    "_SMSTSType", Engine, "The kind of task sequence: `1` generic, `2` operating system deployment.";
    "_SMSTSUserStarted", Engine, "`true` when a user started the task sequence (from Software Center).";
    "_OSDDetectedWinDir", Engine, "The Windows folder found on the computer's disks when the task sequence starts in Windows PE.";
    "_OSDDetectedWinDrive", Engine, "The drive of the Windows installation found when the task sequence starts in Windows PE.";
    "OSDComputerName", You, "The name to give the new computer; when set, it is written to the new operating system's answer file.";
    "OSDDoNotLogCommand", You, "`TRUE` keeps the command lines of Run Command Line and Install Package out of `smsts.log` (they may hold secrets).";
    "OSDPreserveDriveLetter", You, "Whether the operating system keeps the drive letter it was captured with instead of the one of the partition it is applied to.";
    "SMSTSAssignUsersMode", You, "How user device affinity is set for the users in `SMSTSUdaUsers`: `Auto`, `Pending` (needs approval) or `Disabled`.";
    "SMSTSUdaUsers", You, "The primary users of the computer (`domain\\user`, comma-separated) for user device affinity.";
    "SMSTSDownloadRetryCount", You, "How many times a step retries downloading content from a distribution point.";
    "SMSTSDownloadRetryDelay", You, "How many seconds a step waits before it retries a download.";
    "SMSTSErrorDialogTimeout", You, "How many seconds the error dialog stays before the task sequence goes on (it restarts or ends).";
    "SMSTSPersistContent", You, "`true` keeps downloaded content in the task sequence cache after the step that used it.";
    "SMSTSPostAction", You, "A command line run after the task sequence ends, such as a shutdown or restart.";
    "SMSTSPreferredAdvertID", You, "The deployment that runs without asking, when several are available to a computer started from PXE or media.";
    "SMSTSRebootDelay", You, "How many seconds to wait before a restart the task sequence starts.";
    "SMSTSRebootMessage", You, "The message shown to the user before a restart the task sequence starts.";
    "SMSTSRebootRequested", You, "Set it (for example from a script) to restart the computer after the current step.";
    "SMSTSRetryRequested", You, "Set it with `SMSTSRebootRequested` to run the current step again after the restart.";
    "SMSTSLanguageFolder", You, "The language of the Windows PE user interface, from the boot image's language-neutral resources.";
    "SMSTSWaitForSecondReboot", You, "How many seconds the task sequence waits for a second restart that a software update needs.";
    "SMSTSSoftwareUpdateScanTimeout", You, "How many seconds the software-update scan of Install Software Updates may take.";
    "SMSTSMPListRequestTimeout", You, "How many milliseconds to wait for the list of management points.";
    "TSDisableProgressUI", You, "`true` hides the task sequence progress dialog.";
    "TSErrorOnWarning", You, "`true` makes Install Application fail when an application installs with a warning.";
}

/// The entry of a variable name (case-insensitive, as the engine treats names).
#[must_use]
pub fn find(name: &str) -> Option<&'static VariableDoc> {
    VARIABLES.iter().find(|v| v.name.eq_ignore_ascii_case(name))
}
