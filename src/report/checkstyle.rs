//! Checkstyle 4.3 XML: a `<file>` per checked file with an `<error>` per finding, as reviewdog
//! and other checkstyle readers take it.

use super::{Report, items, message_with_member, split_member, xml_escape};
use std::io::Write;

/// Write the report.
pub fn render(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    let mut open: Option<&str> = None;
    for file in report.results {
        let (path, member) = split_member(&file.path);
        // The members of an archive share one `<file>`: the archive's.
        if open != Some(path) {
            if open.is_some() {
                writeln!(out, "  </file>")?;
            }
            writeln!(out, r#"  <file name="{}">"#, xml_escape(path))?;
            open = Some(path);
        }
        for item in items(file, false) {
            let at = &item.at;
            writeln!(
                out,
                r#"    <error line="{}" column="{}" severity="{}" message="{}" source="tsq.{}"/>"#,
                at.line,
                at.column,
                at.severity.name(),
                xml_escape(&message_with_member(at.message, member)),
                xml_escape(at.rule)
            )?;
        }
    }
    if open.is_some() {
        writeln!(out, "  </file>")?;
    }
    for u in report.unreadable {
        writeln!(out, r#"  <file name="{}">"#, xml_escape(split_member(&u.path).0))?;
        writeln!(out, r#"    <error line="1" column="1" severity="error" message="{}" source="tsq"/>"#, xml_escape(&u.message))?;
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}
