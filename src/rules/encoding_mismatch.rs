//! `encoding-mismatch`: the XML declaration's `encoding=` disagrees with the decoded bytes.

use super::{Category, Ctx, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::source::Encoding;

/// The rule.
pub struct EncodingMismatch;

static META: RuleMeta = RuleMeta {
    name: "encoding-mismatch",
    category: Category::Syntax,
    severity: Severity::Error,
    summary: "declared XML encoding does not match the file's bytes",
    docs: include_str!("../../rules/encoding-mismatch.md"),
};

/// Whether `label` names an ASCII-compatible single-byte code page (`windows-1252`,
/// `iso-8859-1`, `us-ascii`, …), which reads pure ASCII text exactly as UTF-8 does.
fn ascii_compatible(label: &str) -> bool {
    let number = |s: &str, range: std::ops::RangeInclusive<u32>| s.parse::<u32>().is_ok_and(|n| range.contains(&n));
    ["ascii", "us-ascii", "latin1", "latin-1", "iso-latin-1"].contains(&label)
        || label.strip_prefix("windows-").or_else(|| label.strip_prefix("cp")).is_some_and(|r| number(r, 1250..=1258))
        || label.strip_prefix("iso-8859-").or_else(|| label.strip_prefix("iso8859-")).is_some_and(|r| number(r, 1..=16))
}

impl Rule for EncodingMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let ts = cx.ts;
        let Some(declared) = &ts.declared_encoding else { return };
        let label = declared.raw.trim().to_ascii_lowercase();
        let fine = match ts.encoding {
            Encoding::Utf8 => {
                matches!(label.as_str(), "utf-8" | "utf8") || (ascii_compatible(&label) && ts.ascii_only)
            }
            Encoding::Utf16Le => matches!(label.as_str(), "utf-16" | "utf-16le"),
            Encoding::Utf16Be => matches!(label.as_str(), "utf-16" | "utf-16be"),
        };
        if fine {
            return;
        }
        let actual = ts.encoding.label();
        let help = match ts.encoding {
            Encoding::Utf8 => "change the declaration to `encoding=\"utf-8\"`, or remove `encoding=`",
            Encoding::Utf16Le | Encoding::Utf16Be => "change the declaration to `encoding=\"utf-16\"`, or re-save the file as UTF-8",
        };
        let detail = if ts.encoding == Encoding::Utf8 && ascii_compatible(&label) { " and holds non-ASCII characters" } else { "" };
        cx.report(declared.span, format!("the declaration says `{}` but the file is {actual}{detail}", declared.raw)).help(help);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::lint;

    #[test]
    fn legacy_code_pages_matter_only_with_non_ascii_text() {
        let decl = r#"<?xml version="1.0" encoding="ISO-8859-1"?>"#;
        assert!(lint("encoding-mismatch", &format!(r#"{decl}<sequence version="3.10"/>"#)).is_empty());
        assert_eq!(lint("encoding-mismatch", &format!(r#"{decl}<sequence version="3.10"><group name="é"/></sequence>"#)).len(), 1);
        assert_eq!(lint("encoding-mismatch", r#"<?xml version="1.0" encoding="shift_jis"?><sequence version="3.10"/>"#).len(), 1);
    }
}
