//! Test helpers: lint a snippet with one rule.

use crate::container::load_text;
use crate::diagnostic::Diagnostic;
use crate::lint::{Settings, check};

/// The findings of rule `name` on `xml`; a fragment is wrapped in `<sequence version="3.10">`.
pub(crate) fn lint(name: &str, xml: &str) -> Vec<Diagnostic> {
    let text = if xml.trim_start().starts_with("<?xml") || xml.trim_start().starts_with("<sequence") {
        xml.to_owned()
    } else {
        format!("<sequence version=\"3.10\">{xml}</sequence>")
    };
    let loaded = load_text("test.xml", text.into_bytes(), None);
    assert!(loaded.result.is_ok(), "the snippet loads");
    let settings = Settings { select: vec![name.to_owned()], ..Settings::default() };
    check(loaded, &settings).diagnostics
}
