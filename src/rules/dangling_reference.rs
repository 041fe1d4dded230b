//! `dangling-reference`: a step uses a package or application that is not among the known
//! references (`<referenceList>`, package `References`, shipped objects, `--inventory`).

use super::references::{Kind, Known, Origin, key, step_uses};
use super::{Ctx, Group, Rule, RuleMeta};
use crate::diagnostic::Severity;

/// The rule.
pub struct DanglingReference;

static META: RuleMeta = RuleMeta {
    name: "dangling-reference",
    group: Group::References,
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
            let mut seen: Vec<String> = Vec::new();
            for u in uses.iter().filter(|u| u.is_reference() && u.origin != Origin::ChildList) {
                let found = if disabled { known.in_inventory(&u.id) } else { known.contains(&u.id) };
                if found || seen.contains(&key(&u.id)) {
                    continue;
                }
                seen.push(key(&u.id));
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
        let Some(boot) = pkg.value("BootImageID").filter(|v| super::references::is_reference(&v.text())) else { return };
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
