//! `unused-reference`: a `<referenceList>` entry that no step uses.

use crate::analysis::references::{Origin, key};
use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::fix::{Edit, Fix, FixKind, whole_lines};
use std::collections::HashSet;

/// The rule.
pub struct UnusedReference;

static META: RuleMeta = RuleMeta {
    name: "unused-reference",
    category: Category::References,
    severity: Severity::Warning,
    summary: "reference list entry is not used by any step",
    docs: include_str!("../../rules/unused-reference.md"),
};

impl Rule for UnusedReference {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix_kind(&self) -> FixKind {
        FixKind::Safe
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let seq = &cx.ts.sequence;
        if seq.references.is_empty() {
            return;
        }
        let mut used: HashSet<String> = HashSet::new();
        for (_, uses) in cx.facts.step_uses() {
            used.extend(uses.iter().filter(|u| u.is_reference() || u.origin == Origin::ChildList).map(|u| key(&u.id)));
        }
        if let Some(boot) = cx.ts.package.as_ref().and_then(|p| p.value("BootImageID")) {
            used.insert(key(&boot.text()));
        }
        for r in &seq.references {
            let Some(target) = r.target() else { continue };
            let id = target.text().trim().to_owned();
            if !crate::analysis::references::is_reference(&id) || used.contains(&key(&id)) {
                continue;
            }
            let what = if r.attrs.get("application").is_some() { "application" } else { "package" };
            // The package's own `References` (an `object.xml`, a 2007 package) listing the same ID
            // must change with the list; removing it from one of them only would make the two
            // disagree (`references-count`), so no fix is offered then.
            let in_package = cx
                .ts
                .package
                .as_ref()
                .and_then(|p| p.references.as_ref())
                .is_some_and(|refs| refs.iter().filter_map(|p| p.package.as_ref()).any(|p| key(&p.text()) == key(&id)));
            let remove = Edit::delete(whole_lines(cx.text, r.span));
            let mut report = cx.report(r.span, format!("{what} `{id}` is in the reference list but no step uses it"));
            report.help("remove the entry, or open and save the task sequence in the console so that ConfigMgr rebuilds the list");
            if !in_package {
                report.fix(Fix::safe("remove the entry", vec![remove]));
            }
        }
    }
}
