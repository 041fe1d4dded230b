//! `package-id-format`: a package ID that is not a site code followed by five hex digits.

use crate::analysis::references::{Kind, Origin, is_reference};
use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::fix::{Edit, Fix, FixKind};

/// The rule.
pub struct PackageIdFormat;

static META: RuleMeta = RuleMeta {
    name: "package-id-format",
    category: Category::References,
    severity: Severity::Warning,
    summary: "package ID is not a site code followed by five hex digits",
    docs: include_str!("../../rules/package-id-format.md"),
};

/// `^[A-Z0-9]{3}[0-9A-F]{5}$`.
fn well_formed(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 8
        && b.iter().take(3).all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && b.iter().skip(3).all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(c))
}

impl Rule for PackageIdFormat {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix_kind(&self) -> FixKind {
        FixKind::Safe
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let help = "use the package ID exactly as the console shows it: three site-code characters and five upper-case hex digits";
        for r in &cx.ts.sequence.references {
            let Some(v) = r.attrs.get("package") else { continue };
            let id = v.text().trim().to_owned();
            if is_reference(&id) && !well_formed(&id) {
                let span = v.span;
                let mut r = cx.report(span, format!("reference list package ID `{id}` is not a site code followed by five hex digits"));
                r.help(help);
                let upper = id.to_ascii_uppercase();
                if well_formed(&upper) && v.raw.contains(id.as_str()) {
                    r.fix(Fix::safe(format!("write `{upper}`"), vec![Edit::new(span, v.raw.replacen(id.as_str(), &upper, 1))]));
                }
            }
        }
        for (visit, uses) in cx.facts.step_uses() {
            for u in uses {
                let from_action = matches!(u.origin, Origin::Action { .. });
                if from_action || u.kind != Kind::Package || !u.is_reference() || well_formed(&u.id) {
                    continue;
                }
                let upper = u.id.to_ascii_uppercase();
                let fixable = well_formed(&upper) && cx.text.get(u.span.start..u.span.end) == Some(u.id.as_str());
                let mut r =
                    cx.report_at(visit, u.span, format!("package ID `{}` in `{}` is not a site code followed by five hex digits", u.id, u.source));
                r.help(help);
                if fixable {
                    r.fix(Fix::safe(format!("write `{upper}`"), vec![Edit::new(u.span, upper)]));
                }
            }
        }
    }
}
