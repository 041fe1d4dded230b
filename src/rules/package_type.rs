//! `package-type`: the package's `PackageType` is not 4 (task sequence).

use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;

/// The rule.
pub struct PackageType;

static META: RuleMeta = RuleMeta {
    name: "package-type",
    category: Category::Package,
    severity: Severity::Error,
    summary: "package PackageType is not 4 (task sequence)",
    docs: include_str!("../../rules/package-type.md"),
};

/// The name of a `SMS_PackageBaseclass.PackageType` value.
fn type_name(n: u32) -> Option<&'static str> {
    Some(match n {
        0 => "regular package",
        3 => "driver package",
        5 => "software update package",
        6 => "device setting package",
        7 => "virtual application package",
        8 => "application",
        257 => "OS image",
        258 => "boot image",
        259 => "OS upgrade package",
        _ => return None,
    })
}

impl Rule for PackageType {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(value) = cx.ts.package.as_ref().and_then(|p| p.value("PackageType")) else { return };
        let span = value.span;
        let text = value.text().trim().to_owned();
        let parsed = text.parse::<u32>().ok();
        if parsed == Some(4) {
            return;
        }
        let what = match parsed.and_then(type_name) {
            Some(name) => format!(" (a {name})"),
            None => String::new(),
        };
        cx.report(span, format!("`PackageType` is `{text}`{what}, not `4` (task sequence)"))
            .help("set `PackageType` to `4`, or export the task sequence again from the console");
    }
}
