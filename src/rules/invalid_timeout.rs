//! `invalid-timeout`: a step time-out is not whole seconds, or outside 1 to 999 minutes.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;

/// The rule.
pub struct InvalidTimeout;

static META: RuleMeta = RuleMeta {
    name: "invalid-timeout",
    category: Category::Schema,
    severity: Severity::Error,
    summary: "step timeout is not a whole number of seconds or is outside 1 to 999 minutes",
    docs: include_str!("../../rules/invalid-timeout.md"),
};

/// The editor's range, 1 to 999 minutes, in seconds.
const RANGE: std::ops::RangeInclusive<u32> = 60..=59_940;

impl Rule for InvalidTimeout {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for visit in cx.facts.visits() {
            let Some(value) = visit.node.attr("timeout") else { continue };
            let digits = !value.raw.is_empty() && value.raw.bytes().all(|b| b.is_ascii_digit());
            match value.raw.parse::<u32>().ok().filter(|_| digits) {
                None => {
                    cx.report_at(visit, value.span, format!("`timeout` is `{}`, not a whole number of seconds", value.raw))
                        .help("write the time-out in whole seconds, for example `900` for 15 minutes, or remove it");
                }
                Some(n) if !RANGE.contains(&n) => {
                    cx.report_at(visit, value.span, format!("`timeout` is {n} seconds, outside the editor's 60 to 59940 (1 to 999 minutes)"))
                        .help("use a time-out between `60` and `59940` seconds, or remove it")
                        .severity(Severity::Warning);
                }
                Some(_) => {}
            }
        }
    }
}
