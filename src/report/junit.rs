//! JUnit XML (the Jenkins xunit schema): a `<testsuite>` per checked file, a `<testcase>` per
//! finding. A finding at or above `--fail-on` is a `<failure>`; one below it is a passing test
//! case with the finding in `<system-out>`, so the report passes exactly when the run does. A
//! file without findings is one passing test case; a path that could not be read is one failure.

use super::{Item, Report, items, xml_escape};
use std::fmt::Write as _;
use std::io::Write;

/// The text of a finding, as in the concise format plus help and step.
fn details(item: &Item<'_>) -> String {
    let at = &item.at;
    let mut s = format!("{}:{}:{}: {}[{}] {}", at.path, at.line, at.column, at.severity.name(), at.rule, at.message);
    if let Some(h) = at.help {
        let _ = write!(s, "\nhelp: {h}");
    }
    if let Some(p) = at.step_path {
        let _ = write!(s, "\nstep: {p}");
        if let Some(n) = at.step_number {
            let _ = write!(s, " (instruction {n})");
        }
    }
    s
}

/// Write the report.
pub fn render(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let mut suites = String::new();
    let (mut tests, mut failures) = (0, 0);
    for file in report.results {
        let mut cases = String::new();
        let (mut n, mut failed) = (0, 0);
        let name = xml_escape(&file.path);
        for item in items(file, false) {
            let at = &item.at;
            n += 1;
            let _ =
                write!(cases, r#"    <testcase name="{} at {}:{}" classname="{name}" time="0">"#, xml_escape(at.rule), at.line, at.column);
            if at.severity >= report.fail_on {
                failed += 1;
                let _ = write!(
                    cases,
                    r#"<failure type="{}" message="{}">{}</failure>"#,
                    xml_escape(at.rule),
                    xml_escape(at.message),
                    xml_escape(&details(&item))
                );
            } else {
                let _ = write!(cases, "<system-out>{}</system-out>", xml_escape(&details(&item)));
            }
            cases.push_str("</testcase>\n");
        }
        if n == 0 {
            n = 1;
            let _ = writeln!(cases, r#"    <testcase name="tsq check" classname="{name}" time="0"/>"#);
        }
        let _ = write!(
            suites,
            "  <testsuite name=\"{name}\" tests=\"{n}\" failures=\"{failed}\" errors=\"0\" time=\"0\">\n{cases}  </testsuite>\n"
        );
        tests += n;
        failures += failed;
    }
    for u in report.unreadable {
        tests += 1;
        failures += 1;
        let name = xml_escape(&u.path);
        let message = xml_escape(&u.message);
        let _ = write!(
            suites,
            "  <testsuite name=\"{name}\" tests=\"1\" failures=\"1\" errors=\"0\" time=\"0\">\n    <testcase name=\"read\" classname=\"{name}\" time=\"0\"><failure type=\"unreadable\" message=\"{message}\">{message}</failure></testcase>\n  </testsuite>\n"
        );
    }
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<testsuites name="tsq" tests="{tests}" failures="{failures}" errors="0" time="0">"#)?;
    write!(out, "{suites}")?;
    writeln!(out, "</testsuites>")
}
