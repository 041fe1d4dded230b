//! `invalid-boolean`: a boolean attribute or step variable is not `true` or `false`.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::analysis::text::{starts_with_ignore_case, strip_prefix_ignore_case};
use crate::diagnostic::Severity;
use crate::fix::{Edit, Fix, FixKind};
use crate::span::Span;
use crate::model::NodeKind;

/// The rule.
pub struct InvalidBoolean;

static META: RuleMeta = RuleMeta {
    name: "invalid-boolean",
    category: Category::Schema,
    severity: Severity::Error,
    summary: "boolean attribute or step variable is not true or false",
    docs: include_str!("../../rules/invalid-boolean.md"),
};

/// Boolean attributes of steps, groups and child task sequences.
const NODE_ATTRS: &[&str] = &["disable", "continueOnError", "runFromNet"];

/// Step variables that hold a boolean property: the `Boolean` properties on the SDK action class
/// pages, under the variable names that real exports write.
const BOOL_VARS: &[&str] = &[
    "SMSTSDisableWow64Redirection", "_SMSTSRunCommandLineAsUser", "_SMSTSRunPowerShellAsUser", "RunAsUser", "LoadProfile",
    "ContinueOnInstallError", "OSDAppClearCache", "DoNotShowVariableValue", "RunFromNet", "OSDRecurse", "OSDAllowUnsignedDriver",
    "OSDAutoApplyDriverBestMatch", "OSDWipeDestinationPartition", "OSDRandomAdminPassword", "OSDJoinSkipReboot", "OSDKeepActivation",
    "OSDBuildStorageDriverList", "OSDShutdownPreparedOs", "OSDStateFallbackToNAA", "OSDDownloadContinueDownloadOnError",
    "OSDGPTBootDisk", "OSDDiskpartBiosCompatibilityMode", "OSDEnableTCPIPFiltering", "SMSTSSoftwareUpdateScanUseCache",
    "OSDUpgradeScanOnly", "OSDUpgradeIgnoreMessages", "OSDMigrateContinueOnLockedFiles", "OSDMigrateContinueOnRestore",
    "OSDMigrateSkipEncryptedFiles", "OSDMigrateEnableVerboseLogging", "OSDMigrateLocalAccounts", "OSDMigrateAdapterSettings",
    "OSDMigrateNetworkMembership", "OSDMigrateComputerName", "OSDMigrateRegistrationInfo", "OSDMigrateTimeZone",
    "_OSDMigrateUseHardlinks", "_OSDMigrateOfflineUserState", "OSDBitLockerWaitForEncryption", "OSDBitLockerSkipWhenNoValidTPM",
    "OSDBitLockerSkipWhenTPMInvalid", "OSDBitLockerEncryptFullDisk",
];

/// Whether a step variable named `name` holds a boolean.
fn is_bool_var(name: &str) -> bool {
    if BOOL_VARS.iter().any(|v| v.eq_ignore_ascii_case(name)) || starts_with_ignore_case(name, "osdcheck") {
        return true;
    }
    // OSDPartitions<N>Bootable, …QuickFormat, …AssignVolumeLetter.
    strip_prefix_ignore_case(name, "osdpartitions").is_some_and(|rest| {
        let tail = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        tail.len() < rest.len() && ["bootable", "quickformat", "assignvolumeletter"].iter().any(|t| t.eq_ignore_ascii_case(tail))
    })
}

/// The fix for a boolean written `raw`: safe when only case or surrounding spaces are wrong
/// (`True`), unsafe for a one-letter slip (`ture`), none when it could be either.
fn bool_fix(span: Span, raw: &str) -> Option<Fix> {
    let lower = raw.trim().to_ascii_lowercase();
    if lower == "true" || lower == "false" {
        return Some(Fix::safe(format!("write `{lower}`"), vec![Edit::new(span, lower)]));
    }
    let near = |word: &str| strsim::damerau_levenshtein(&lower, word) <= 1;
    let word = match (near("true"), near("false")) {
        (true, false) => "true",
        (false, true) => "false",
        _ => return None,
    };
    Some(Fix::unsafe_(format!("write `{word}`"), vec![Edit::new(span, word)]))
}

impl Rule for InvalidBoolean {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix_kind(&self) -> FixKind {
        FixKind::Both
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let ts = cx.ts;
        for visit in cx.facts.visits() {
            let node = visit.node;
            let expand = (node.kind == NodeKind::Group).then_some("expand");
            for name in NODE_ATTRS.iter().copied().chain(expand) {
                if let Some(v) = node.attr(name).filter(|v| v.as_bool().is_none()) {
                    let mut r = cx.report_at(visit, v.span, format!("`{name}` is `{}`, not `true` or `false`", v.raw));
                    r.help(format!("write `{name}=\"true\"` or `{name}=\"false\"`, in lower case"));
                    if let Some(fix) = bool_fix(v.span, &v.raw) {
                        r.fix(fix);
                    }
                }
            }
            for var in &node.variables {
                if let Some(v) = var.attrs.get("hidden").filter(|v| v.as_bool().is_none()) {
                    let mut r =
                        cx.report_at(visit, v.span, format!("`hidden` of variable `{}` is `{}`, not `true` or `false`", var.name(), v.raw));
                    r.help("write `hidden=\"true\"` or remove the attribute");
                    if let Some(fix) = bool_fix(v.span, &v.raw) {
                        r.fix(fix);
                    }
                }
                if !is_bool_var(var.name()) {
                    continue;
                }
                let text = var.value.text();
                let text = text.trim();
                if !text.is_empty() && !text.contains('%') && var.value.as_bool_loose().is_none() {
                    let mut r = cx.report_at(visit, var.value.span, format!("variable `{}` is `{text}`, not `true` or `false`", var.name()));
                    r.help("write `true` or `false`, or set the option again in the task sequence editor");
                    if let Some(fix) = bool_fix(var.value.span, &var.value.raw) {
                        r.fix(fix);
                    }
                }
            }
        }
        for var in &ts.sequence.globals {
            if let Some(v) = var.attrs.get("hidden").filter(|v| v.as_bool().is_none()) {
                let mut r = cx.report(v.span, format!("`hidden` of global variable `{}` is `{}`, not `true` or `false`", var.name(), v.raw));
                r.help("write `hidden=\"true\"` or remove the attribute");
                if let Some(fix) = bool_fix(v.span, &v.raw) {
                    r.fix(fix);
                }
            }
        }
    }
}
