//! `program-flags`: package `ProgramFlags` with bits that must be 0 or are undefined.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::fix::{Edit, Fix, FixKind};

/// The rule.
pub struct ProgramFlags;

static META: RuleMeta = RuleMeta {
    name: "program-flags",
    category: Category::Package,
    severity: Severity::Error,
    summary: "package ProgramFlags has bits set that must be 0 or are undefined",
    docs: include_str!("../../rules/program-flags.md"),
};

/// Bits `SMS_TaskSequencePackage` says to always leave 0. Bits the table does not define are not
/// reported: real exports carry some (bit 2), presumably newer console options.
const BAD_BITS: &[(u32, &str)] = &[
    (14, "USERCONTEXT"),
    (16, "EVERYUSER"),
    (18, "OKTOQUIT"),
    (19, "OKTOREBOOT"),
    (21, "PERSISTCONNECTION"),
    (22, "RUNMINIMIZED"),
    (23, "RUNMAXIMIZED"),
    (25, "OKTOLOGOFF"),
    (29, "SUPPORT_UNINSTALL"),
];

impl Rule for ProgramFlags {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix_kind(&self) -> FixKind {
        FixKind::Unsafe
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(value) = cx.ts.package.as_ref().and_then(|p| p.value("ProgramFlags")) else { return };
        let span = value.span;
        let text = value.text().trim().to_owned();
        let Ok(flags) = text.parse::<u32>() else {
            cx.report(span, format!("`ProgramFlags` value `{text}` is not an unsigned 32-bit integer"))
                .help("set `ProgramFlags` to the default `152084496`");
            return;
        };
        let bad: Vec<String> = BAD_BITS.iter().filter(|(bit, _)| flags & (1 << bit) != 0).map(|(bit, name)| format!("{bit} ({name})")).collect();
        if bad.is_empty() {
            return;
        }
        let bits = if bad.len() == 1 { "bit" } else { "bits" };
        let cleared = flags & !0x22ED_4000;
        cx.report(span, format!("`ProgramFlags` `{flags}` sets {bits} that must be 0: {}", bad.join(", ")))
            .help(format!("clear them (`{cleared}`), or use the default `152084496`"))
            .fix(Fix::unsafe_(format!("write `{cleared}` (the same flags without those bits)"), vec![Edit::new(span, cleared.to_string())]));
    }
}
