//! GitHub Actions workflow commands: one `::error`, `::warning` or `::notice` line per finding,
//! which GitHub shows as an annotation on the file and line.

use super::{Report, items, message_with_member, split_member};
use crate::diagnostic::Severity;
use std::io::Write;

/// Escape the message (command data): `%`, CR and LF.
#[must_use]
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escape a property value: the data escapes plus `:` and `,`.
#[must_use]
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Write one workflow command per finding.
pub fn render(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    for file in report.results {
        let (path, member) = split_member(&file.path);
        for item in items(file, false) {
            let at = &item.at;
            let command = match at.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut props = format!("file={},line={},endLine={}", escape_property(path), at.line, at.end_line);
            // GitHub takes columns only for an annotation on one line.
            if at.line == at.end_line {
                props.push_str(&format!(",col={},endColumn={}", at.column, at.end_column));
            }
            props.push_str(&format!(",title={}", escape_property(&format!("tsq {}", at.rule))));
            let mut message = message_with_member(at.message, member);
            if let Some(help) = at.help {
                message.push_str(&format!("\nhelp: {help}"));
            }
            writeln!(out, "::{command} {props}::{}", escape_data(&message))?;
        }
    }
    for u in report.unreadable {
        writeln!(out, "::error file={},title=tsq::{}", escape_property(split_member(&u.path).0), escape_data(&u.message))?;
    }
    Ok(())
}
