//! Allocation-free text helpers the per-step analyses and rules run on every variable and
//! command line: ASCII case-insensitive affix tests and a lazy whitespace tokenizer.

/// `text` without its first `prefix.len()` bytes when they equal `prefix`, ignoring ASCII case.
#[must_use]
pub fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.as_bytes().get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix.as_bytes()) { text.get(prefix.len()..) } else { None }
}

/// Whether `text` starts with `prefix`, ignoring ASCII case.
#[must_use]
pub fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes().get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Whether `text` ends with `suffix`, ignoring ASCII case.
#[must_use]
pub fn ends_with_ignore_case(text: &str, suffix: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len().checked_sub(suffix.len()).and_then(|at| bytes.get(at..)).is_some_and(|tail| tail.eq_ignore_ascii_case(suffix.as_bytes()))
}

/// Whitespace-separated tokens of `text` with their byte offsets, found as they are read.
pub fn tokens(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let start = rest.find(|c: char| !c.is_whitespace())?;
        let tail = rest.get(start..).unwrap_or("");
        let len = tail.find(char::is_whitespace).unwrap_or(tail.len());
        let token = (text.len() - rest.len() + start, tail.get(..len).unwrap_or(""));
        rest = tail.get(len..).unwrap_or("");
        Some(token)
    })
}

#[cfg(test)]
mod tests {
    use super::{ends_with_ignore_case, starts_with_ignore_case, strip_prefix_ignore_case, tokens};

    #[test]
    fn affixes_ignore_ascii_case_only() {
        assert_eq!(strip_prefix_ignore_case("OSDPackage1PackageID", "osdpackage"), Some("1PackageID"));
        assert_eq!(strip_prefix_ignore_case("OSD", "osdpackage"), None);
        assert!(starts_with_ignore_case("/USER:dom", "/user:"));
        assert!(!starts_with_ignore_case("é/user:", "/user:"));
        assert!(ends_with_ignore_case("SMSTSRunCommandLineUserPASSWORD", "password"));
        assert!(!ends_with_ignore_case("wordé", "password"));
    }

    #[test]
    fn tokens_split_on_unicode_whitespace_with_offsets() {
        let text = "  a.exe\u{a0}/x:1\t\n \"b c\" ";
        let got: Vec<(usize, &str)> = tokens(text).collect();
        assert_eq!(got, [(2, "a.exe"), (9, "/x:1"), (16, "\"b"), (19, "c\"")]);
        assert_eq!(tokens(" \t").count(), 0);
    }
}
