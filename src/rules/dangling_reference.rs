//! `dangling-reference`: a step uses a package or application that is not among the known
//! references (`<referenceList>`, package `References`, shipped objects, `--inventory`).

use crate::analysis::references::{Kind, Known, Origin, key, step_uses};
use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;

/// The rule.
pub struct DanglingReference;

static META: RuleMeta = RuleMeta {
    name: "dangling-reference",
    category: Category::References,
    severity: Severity::Error,
    summary: "step uses a package or application that is not in the reference list",
    docs: include_str!("../../rules/dangling-reference.md"),
};

impl Rule for DanglingReference {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(known) = Known::new(cx.ts, cx.inventory) else { return };
        for (visit, uses) in step_uses(&cx.ts.sequence) {
            // ConfigMgr leaves disabled steps' content out of the reference list: check those
            // against the site inventory only.
            let disabled = visit.effectively_disabled();
            if disabled && cx.inventory.is_none() {
                continue;
            }
            let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
            for u in uses.iter().filter(|u| u.is_reference() && u.origin != Origin::ChildList) {
                let found = if disabled { known.in_inventory(&u.id) } else { known.contains(&u.id) };
                if found || !seen.insert(key(&u.id)) {
                    continue;
                }
                let what = if u.kind == Kind::Application { "application" } else { "package" };
                let (msg, help) = if disabled {
                    (
                        format!("{what} `{}` used by `{}` in a disabled step is not in the inventory", u.id, u.source),
                        format!("create or import `{}` on the site before enabling the step, or point the step at existing content", u.id),
                    )
                } else {
                    let list = if cx.inventory.is_some() { "the reference list or the inventory" } else { "the reference list" };
                    (
                        format!("{what} `{}` used by `{}` is not in {list}", u.id, u.source),
                        format!("select the {what} again in the step and save the task sequence in the console, or add `{}` to the reference list", u.id),
                    )
                };
                let mut r = cx.report_at(&visit, u.span, msg);
                r.help(help);
                if disabled {
                    r.severity(Severity::Warning);
                }
            }
        }
        let Some(pkg) = &cx.ts.package else { return };
        let Some(boot) = pkg.value("BootImageID").filter(|v| crate::analysis::references::is_reference(&v.text())) else { return };
        let id = boot.text().trim().to_owned();
        let refs = pkg.references.as_ref();
        if refs.is_none() && cx.inventory.is_none() {
            return;
        }
        let listed = refs.into_iter().flatten().filter_map(|r| r.package.as_ref()).any(|p| key(&p.text()) == key(&id));
        if !listed && !cx.inventory.is_some_and(|i| i.contains(&id)) {
            let span = boot.span;
            cx.report(span, format!("boot image `{id}` is not in the package references"))
                .help("select the boot image again on the task sequence's Advanced tab and save, so that ConfigMgr lists it");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::container::load_bytes;
    use crate::diagnostic::Severity;
    use crate::inventory::Inventory;
    use crate::lint::{Settings, check};

    const BODY: &str = r#"<step type="SMS_TaskSequence_RunCommandLineAction" name="a"><action>smsswd.exe /run:CM100031 x.exe</action><defaultVarList><variable name="PackageID" property="PackageID">CM100031</variable></defaultVarList></step><group name="g" disable="true"><step type="SMS_TaskSequence_ApplyDriverPackageAction" name="b"><defaultVarList><variable name="OSDApplyDriverDriverPackageID" property="DriverPackageID">CM100020</variable></defaultVarList></step></group>"#;

    /// `(severity, message)` of the `dangling-reference` findings.
    fn findings(list: &str, inventory: Option<&str>) -> Vec<(Severity, String)> {
        let text = format!("<sequence version=\"3.10\">{list}{BODY}</sequence>");
        let settings = Settings { inventory: inventory.and_then(|i| Inventory::parse(i).ok()), ..Settings::default() };
        load_bytes("t.xml", text.into_bytes(), None)
            .into_iter()
            .flat_map(|l| check(l, &settings).diagnostics)
            .filter(|d| d.rule == "dangling-reference")
            .map(|d| (d.severity, d.message))
            .collect()
    }

    #[test]
    fn disabled_steps_need_an_inventory() {
        assert!(findings("", None).is_empty(), "nothing to check against");
        assert!(findings("<referenceList><reference package=\"cm100031\"/></referenceList>", None).is_empty());
        let listed_only = findings("<referenceList/>", None);
        assert_eq!(listed_only.len(), 1, "{listed_only:?}");
        let with_inventory = findings("", Some("CM100031"));
        assert_eq!(with_inventory.iter().map(|f| f.0).collect::<Vec<_>>(), [Severity::Warning]);
        assert!(with_inventory.iter().all(|f| f.1.contains("`CM100020`")));
    }
}
