//! `references-count`: the package `References` disagree with `ReferencesCount` or with the
//! sequence's `<referenceList>`.

use crate::analysis::references::{is_reference, key};
use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::fix::{Edit, Fix, FixKind};
use std::collections::BTreeSet;

/// The rule.
pub struct ReferencesCount;

static META: RuleMeta = RuleMeta {
    name: "references-count",
    category: Category::Package,
    severity: Severity::Error,
    summary: "package References disagree with ReferencesCount or with the sequence's reference list",
    docs: include_str!("../../rules/references-count.md"),
};

/// Up to three items in backticks, then "and N more".
fn listing(items: &BTreeSet<String>) -> String {
    let mut shown: Vec<String> = items.iter().take(3).map(|i| format!("`{i}`")).collect();
    if items.len() > 3 {
        shown.push(format!("and {} more", items.len() - 3));
    }
    shown.join(", ")
}

impl Rule for ReferencesCount {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix_kind(&self) -> FixKind {
        FixKind::Safe
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let Some(pkg) = &cx.ts.package else { return };
        let Some(refs) = &pkg.references else { return };
        let refs_span = pkg.references_span.unwrap_or(pkg.span);
        if let Some(count) = pkg.value("ReferencesCount") {
            match count.as_u32() {
                Some(0) => {}
                Some(n) if n as usize == refs.len() => {}
                _ => {
                    let span = count.span;
                    let entries = if refs.len() == 1 { "entry" } else { "entries" };
                    let n = refs.len();
                    cx.report(span, format!("`ReferencesCount` is `{}` but `References` has {n} {entries}", count.text().trim()))
                        .help("re-import the task sequence or save it in the console so that ConfigMgr recomputes `ReferencesCount`")
                        .fix(Fix::safe(format!("write `{n}`"), vec![Edit::new(span, n.to_string())]));
                }
            }
        }
        let boot = pkg.value("BootImageID").map(|v| key(&v.text()));
        let package_side: BTreeSet<String> = refs
            .iter()
            .filter_map(|r| r.package.as_ref())
            .map(|p| key(&p.text()))
            .filter(|k| is_reference(k) && Some(k) != boot.as_ref())
            .collect();
        let sequence_side: BTreeSet<String> =
            cx.ts.sequence.references.iter().filter_map(|r| r.target()).map(|v| key(&v.text())).filter(|k| is_reference(k)).collect();
        let only_pkg: BTreeSet<String> = package_side.difference(&sequence_side).cloned().collect();
        let only_seq: BTreeSet<String> = sequence_side.difference(&package_side).cloned().collect();
        if only_pkg.is_empty() && only_seq.is_empty() {
            return;
        }
        let mut parts = Vec::new();
        if !only_pkg.is_empty() {
            parts.push(format!("{} in `References` but not in `<referenceList>`", listing(&only_pkg)));
        }
        if !only_seq.is_empty() {
            parts.push(format!("{} in `<referenceList>` but not in `References`", listing(&only_seq)));
        }
        cx.report(refs_span, format!("package references disagree with the sequence: {}", parts.join("; ")))
            .help("re-import the task sequence or save it in the console so that ConfigMgr rebuilds `References` from the sequence");
    }
}
