//! `dangling-reference`: a step uses a package or application that is not among the known
//! references (`<referenceList>`, package `References`, shipped objects, `--inventory`).

use crate::analysis::references::{Kind, Known, Origin, key};
use super::{Category, Ctx, Rule, RuleMeta};
use crate::container::Format;
use crate::diagnostic::Severity;
use crate::fix::{Edit, Fix, FixKind};
use crate::span::Span;

/// The rule.
pub struct DanglingReference;

static META: RuleMeta = RuleMeta {
    name: "dangling-reference",
    category: Category::References,
    severity: Severity::Error,
    summary: "step uses a package or application that is not in the reference list",
    docs: include_str!("../../rules/dangling-reference.md"),
};

/// The unsafe fix that lists `id` in the sequence's `<referenceList>` (in an `object.xml` the
/// package's `References` are the authority too, so none is offered there).
fn add_to_list(cx: &Ctx<'_>, what: &str, id: &str) -> Option<Fix> {
    if cx.ts.format == Format::CmObjectXml {
        return None;
    }
    let list = cx.ts.sequence.reference_list?;
    let text = cx.text.get(list.start..list.end)?;
    // A sequence stored entity-escaped inside its container takes escaped markup.
    let escaped = cx.text.get(cx.ts.sequence.span.start..).is_some_and(|t| t.starts_with("&lt;"));
    let (lt, gt, quote) = if escaped { ("&lt;", "&gt;", "&quot;") } else { ("<", ">", "\"") };
    // The id as an attribute value (`"`, `<`, `&` escaped), escaped once more inside escaped markup.
    let value = crate::writer::escape(id);
    let value = if escaped { crate::writer::escape(&value) } else { value };
    let element = format!("{lt}reference {what}={quote}{value}{quote}/{gt}");
    let edit = if text.ends_with(&format!("/{gt}")) {
        Edit::new(list, format!("{lt}referenceList{gt}{element}{lt}/referenceList{gt}"))
    } else {
        let end = list.start + text.rfind(&format!("{lt}/referenceList"))?;
        let line_start = cx.text.get(..end).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
        let end_indent = cx.text.get(line_start..end).unwrap_or("x");
        if end_indent.trim().is_empty() && line_start > list.start {
            // The end tag is on its own line: the new entry goes on a line of its own before it,
            // indented like the first entry (or one step more than the end tag).
            let newline = if cx.text.get(..line_start).is_some_and(|t| t.ends_with("\r\n")) { "\r\n" } else { "\n" };
            let first = text.find(&format!("{lt}reference ")).map(|i| list.start + i);
            let indent = first
                .and_then(|f| {
                    let ls = cx.text.get(..f).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
                    cx.text.get(ls..f).filter(|i| i.trim().is_empty())
                })
                .map_or_else(|| format!("{end_indent}  "), str::to_owned);
            Edit::new(Span::at(line_start), format!("{indent}{element}{newline}"))
        } else {
            Edit::new(Span::at(end), element)
        }
    };
    Some(Fix::unsafe_(format!("add `{id}` to the reference list"), vec![edit]))
}

impl Rule for DanglingReference {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix_kind(&self) -> FixKind {
        FixKind::Unsafe
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(known) = Known::new(cx.ts, cx.inventory) else { return };
        let nowhere = if known.has_shipped() { "neither in the inventory nor shipped in the export" } else { "not in the inventory" };
        for (visit, uses) in cx.facts.step_uses() {
            // ConfigMgr leaves disabled steps' content out of the reference list: check those
            // against the site inventory (and the export) only.
            let disabled = visit.effectively_disabled();
            if disabled && !known.pre_import() {
                continue;
            }
            let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
            for u in uses.iter().filter(|u| u.is_reference() && u.origin != Origin::ChildList) {
                if known.contains(&u.id) || !seen.insert(key(&u.id)) {
                    continue;
                }
                let what = if u.kind == Kind::Application { "application" } else { "package" };
                let step = visit.node.name();
                let (msg, help) = if disabled {
                    (
                        format!("{what} `{}` used by `{}` in disabled step `{step}` is {nowhere}", u.id, u.source),
                        format!("create or import `{}` on the site before enabling the step, or point the step at existing content", u.id),
                    )
                } else if known.pre_import() {
                    (
                        format!(
                            "{what} `{}` used by `{}` in step `{step}` is {nowhere}: the import would fail to validate the dependency",
                            u.id, u.source
                        ),
                        format!(
                            "ConfigMgr refuses the import (\"Cannot validate a dependency to Package {}\"): create or import it on the site first, ship it in the export, or point the step at content the site has",
                            u.id
                        ),
                    )
                } else {
                    (
                        format!("{what} `{}` used by `{}` is not in the reference list", u.id, u.source),
                        format!("select the {what} again in the step and save the task sequence in the console, or add `{}` to the reference list", u.id),
                    )
                };
                let fix = (!disabled && !known.pre_import()).then(|| add_to_list(cx, what, &u.id)).flatten();
                let mut r = cx.report_at(visit, u.span, msg);
                r.help(help);
                if disabled {
                    r.severity(Severity::Warning);
                }
                if let Some(fix) = fix {
                    r.fix(fix);
                }
            }
        }
        let Some(pkg) = &cx.ts.package else { return };
        let Some(boot) = pkg.value("BootImageID").filter(|v| crate::analysis::references::is_reference(&v.text())) else { return };
        let id = boot.text().trim().to_owned();
        let span = boot.span;
        if known.pre_import() {
            if !known.contains(&id) {
                cx.report(span, format!("boot image `{id}` is {nowhere}: the import would fail to validate the dependency")).help(format!(
                    "ConfigMgr refuses the import (\"Cannot validate a dependency to Package {id}\"): import the boot image on the site first, or select one the site has on the task sequence's Advanced tab"
                ));
            }
            return;
        }
        let Some(refs) = pkg.references.as_ref() else { return };
        if !refs.iter().filter_map(|r| r.package.as_ref()).any(|p| key(&p.text()) == key(&id)) {
            cx.report(span, format!("boot image `{id}` is not in the package references"))
                .help("select the boot image again on the task sequence's Advanced tab and save, so that ConfigMgr lists it");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::container::load_bytes;
    use crate::diagnostic::{Diagnostic, Severity};
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

    /// Issue 6's reproduction: the sequence lists all three packages its enabled steps use, the
    /// site has none of them; ConfigMgr's import would refuse it.
    #[test]
    fn pre_import_ignores_the_reference_list() {
        let step = |n: u32| {
            format!(
                r#"<step type="SMS_TaskSequence_RunCommandLineAction" name="s{n}"><defaultVarList><variable name="PackageID" property="PackageID">CM10000{n}</variable></defaultVarList></step>"#
            )
        };
        let list = r#"<referenceList><reference package="CM100001"/><reference package="CM100002"/><reference package="CM100003"/></referenceList>"#;
        let text = format!("<sequence version=\"3.10\">{list}{}{}{}</sequence>", step(1), step(2), step(3));
        let run = |inventory: &str| -> Vec<Diagnostic> {
            let settings = Settings { inventory: Inventory::parse(inventory).ok(), ..Settings::default() };
            load_bytes("t.xml", text.clone().into_bytes(), None)
                .into_iter()
                .flat_map(|l| check(l, &settings).diagnostics)
                .filter(|d| d.rule == "dangling-reference")
                .collect()
        };
        let found = run("XYZ00001");
        assert_eq!(found.len(), 3, "{found:?}");
        for (d, n) in found.iter().zip(1..) {
            assert_eq!(d.severity, Severity::Error);
            assert!(d.message.contains(&format!("`CM10000{n}`")) && d.message.contains(&format!("step `s{n}`")), "{}", d.message);
            assert!(d.message.contains("the import would fail to validate the dependency"), "{}", d.message);
        }
        assert!(run("CM100001\nCM100002\ncm100003").is_empty());
    }

    /// The 2007 wrapper's own `<referenceList>` is the authority without an inventory.
    #[test]
    fn wrapper_reference_list_counts() {
        let text = r#"<SmsTaskSequencePackage><Name>x</Name><SequenceData><sequence version="3.00"><referenceList><reference package="CM100001"/></referenceList><step type="SMS_TaskSequence_RunCommandLineAction" name="a"><defaultVarList><variable name="PackageID" property="PackageID">CM100002</variable></defaultVarList></step></sequence></SequenceData></SmsTaskSequencePackage>"#;
        let found: Vec<Diagnostic> = load_bytes("t.xml", text.as_bytes().to_vec(), None)
            .into_iter()
            .flat_map(|l| check(l, &Settings::default()).diagnostics)
            .filter(|d| d.rule == "dangling-reference")
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found.iter().all(|d| d.message.contains("`CM100002`")));
    }
}
