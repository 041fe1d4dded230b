//! GitLab Code Quality: a JSON array of Code Climate issues, which GitLab shows in the merge
//! request widget and the pipeline's Code Quality tab.

use super::{Report, items, message_with_member, split_member};
use crate::diagnostic::Severity;
use serde_json::json;
use std::io::Write;

/// The GitLab severity of a tsq severity.
#[must_use]
pub const fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// Write the report.
pub fn render(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let mut issues = Vec::new();
    for file in report.results {
        let (path, member) = split_member(&file.path);
        for item in items(file, false) {
            let at = &item.at;
            let mut issue = json!({
                "type": "issue",
                "check_name": at.rule,
                "description": message_with_member(at.message, member),
                "fingerprint": item.fingerprint,
                "severity": severity(at.severity),
                "location": { "path": path, "lines": { "begin": at.line, "end": at.end_line } },
            });
            if let Some(help) = at.help {
                super::set(&mut issue, "content", json!({ "body": help }));
            }
            issues.push(issue);
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
