//! `invalid-success-codes`: success codes are not a space-separated list of integers.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::analysis::text::ends_with_ignore_case;
use crate::diagnostic::Severity;
use crate::fix::{Edit, Fix, FixKind};
use crate::model::Value;

/// The rule.
pub struct InvalidSuccessCodes;

static META: RuleMeta = RuleMeta {
    name: "invalid-success-codes",
    category: Category::Schema,
    severity: Severity::Error,
    summary: "success codes are not a space-separated list of integers",
    docs: include_str!("../../rules/invalid-success-codes.md"),
};

/// The first item of `value` that is not a 32-bit exit code (signed or unsigned), or `Some("")`
/// when the list is empty.
fn first_bad(value: &Value) -> Option<String> {
    let text = value.text();
    let mut items = text.split_whitespace().peekable();
    if items.peek().is_none() {
        return Some(String::new());
    }
    items.find(|i| !is_code(i)).map(str::to_owned)
}

/// Whether `item` is a 32-bit exit code, signed or unsigned.
fn is_code(item: &str) -> bool {
    item.parse::<i64>().is_ok_and(|n| (-2_147_483_648..=4_294_967_295).contains(&n))
}

impl Rule for InvalidSuccessCodes {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix_kind(&self) -> FixKind {
        FixKind::Safe
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for visit in cx.facts.visits() {
            let node = visit.node;
            let attrs = ["successCodeList", "successCodes"].into_iter().filter_map(|a| node.attr(a).map(|v| (a, v)));
            let vars = node.variables.iter().filter(|v| ends_with_ignore_case(v.name(), "successcodes")).map(|v| (v.name(), &v.value));
            for (name, value) in attrs.chain(vars) {
                let Some(bad) = first_bad(value) else { continue };
                let whole = value.raw.trim();
                let message = if bad.is_empty() {
                    format!("`{name}` is empty")
                } else if bad == whole {
                    format!("`{name}` is `{whole}`, not a space-separated list of exit codes")
                } else {
                    format!("`{name}` is `{whole}`, not a space-separated list of exit codes (`{bad}` is not one)")
                };
                let mut r = cx.report_at(visit, value.span, message);
                r.help("write decimal exit codes separated by spaces, for example `0 3010`");
                // A list separated by commas or semicolons: the same codes, separated by spaces.
                let items: Vec<&str> = whole.split([',', ';', ' ', '\t']).filter(|i| !i.is_empty()).collect();
                if whole.contains([',', ';']) && !items.is_empty() && items.iter().all(|i| is_code(i)) {
                    let list = items.join(" ");
                    r.fix(Fix::safe(format!("write `{list}`"), vec![Edit::new(value.span, list)]));
                }
            }
        }
    }
}
