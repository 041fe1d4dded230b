//! JSON Lines: one JSON object per finding, the keys of the JSON report's `diagnostics` plus the
//! fingerprint (and, with `--show-suppressed`, the silenced findings with how they were silenced).

use super::{Report, items};
use serde_json::json;
use std::io::Write;

/// Write one line per finding.
pub fn render(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    for file in report.results {
        for item in items(file, report.show_suppressed) {
            let mut v = serde_json::to_value(&item.at)?;
            super::set(&mut v, "fingerprint", json!(item.fingerprint));
            if let Some(s) = item.suppression {
                super::set(&mut v, "suppressed", json!({ "kind": s.kind, "reason": s.reason }));
            }
            serde_json::to_writer(&mut *out, &v)?;
            writeln!(out)?;
        }
    }
    Ok(())
}
