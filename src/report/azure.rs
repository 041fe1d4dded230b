//! Azure DevOps logging commands: one `##vso[task.logissue …]` line per finding, which Azure
//! Pipelines lists as a build issue on the file and line. Azure knows only errors and warnings:
//! infos are written as warnings.

use super::{Report, items, message_with_member, split_member};
use crate::diagnostic::Severity;
use std::io::Write;

/// Escape the message (command data): `%`, CR and LF.
#[must_use]
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%AZP25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escape a property value: the data escapes plus `]` and `;`.
#[must_use]
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(']', "%5D").replace(';', "%3B")
}

/// Write one logging command per finding.
pub fn render(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    for file in report.results {
        let (path, member) = split_member(&file.path);
        for item in items(file, false) {
            let at = &item.at;
            let kind = if at.severity == Severity::Error { "error" } else { "warning" };
            let mut message = message_with_member(at.message, member);
            if at.severity == Severity::Info {
                message = format!("info: {message}");
            }
            writeln!(
                out,
                "##vso[task.logissue type={kind};sourcepath={};linenumber={};columnnumber={};code={}]{}",
                escape_property(path),
                at.line,
                at.column,
                escape_property(at.rule),
                escape_data(&message)
            )?;
        }
    }
    for u in report.unreadable {
        writeln!(
            out,
            "##vso[task.logissue type=error;sourcepath={}]{}",
            escape_property(split_member(&u.path).0),
            escape_data(&u.message)
        )?;
    }
    Ok(())
}
