//! The documents the client has open: their text, version, path and latest check.

use super::position::{LineIndex, PositionEncoding};
use crate::diagnostic::Diagnostic;
use lsp_types::{TextDocumentContentChangeEvent, Uri};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// An open document.
#[derive(Debug)]
pub struct Document {
    /// The path its configuration and `[[suppress]]` globs are matched against.
    pub path: PathBuf,
    /// The client's version (increases with each change).
    pub version: i32,
    /// The current text, shared with checks in flight.
    pub text: Arc<String>,
    /// The current text's lines.
    pub index: Arc<LineIndex>,
    /// The findings of the latest check of the current version, if it is done.
    pub checked: Option<Checked>,
}

/// The result of checking one version of a document.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The version checked.
    pub version: i32,
    /// The findings as the client sees them.
    pub diagnostics: Vec<lsp_types::Diagnostic>,
    /// The same findings as the engine reported them (spans into the document's text), for code
    /// actions.
    pub findings: Vec<Diagnostic>,
}

impl Document {
    /// A document opened with `text`.
    #[must_use]
    pub fn new(path: PathBuf, version: i32, text: String) -> Self {
        let index = Arc::new(LineIndex::new(&text));
        Self { path, version, text: Arc::new(text), index, checked: None }
    }

    /// Apply the client's changes (whole-text or ranged) in order, then move to `version`.
    pub fn apply(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>, enc: PositionEncoding) {
        for change in changes {
            let text = Arc::make_mut(&mut self.text);
            match change.range {
                None => *text = change.text,
                Some(range) => {
                    let start = self.index.offset(text, range.start, enc);
                    let end = self.index.offset(text, range.end, enc).max(start);
                    text.replace_range(start..end, &change.text);
                }
            }
            self.index = Arc::new(LineIndex::new(text));
        }
        self.version = version;
        self.checked = None;
    }
}

/// The file path of a `file:` URI (percent-decoded; `/C:/x` is `C:/x` on Windows). Other schemes
/// (an unsaved buffer) give a path named after the URI's last segment in the current directory,
/// so the configuration found from there applies.
#[must_use]
pub fn uri_path(uri: &Uri) -> PathBuf {
    let decoded = uri.path().as_estr().decode().into_string_lossy().into_owned();
    if uri.scheme().is_some_and(|s| s.as_str().eq_ignore_ascii_case("file")) {
        let bytes = decoded.as_bytes();
        let drive = matches!(bytes, [b'/', d, b':', ..] if d.is_ascii_alphabetic());
        if cfg!(windows) && drive {
            return PathBuf::from(decoded.get(1..).unwrap_or(&decoded));
        }
        return PathBuf::from(decoded);
    }
    let name = decoded.rsplit('/').find(|s| !s.is_empty()).unwrap_or("untitled.xml");
    std::env::current_dir().unwrap_or_default().join(name)
}

/// The `file:` URI of an absolute path.
#[must_use]
pub fn path_uri(path: &Path) -> Option<Uri> {
    let abs = std::path::absolute(path).ok()?;
    let text = abs.to_string_lossy().replace('\\', "/");
    let mut uri = String::from(if text.starts_with('/') { "file://" } else { "file:///" });
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    #[test]
    fn ranged_and_whole_edits() {
        let mut d = Document::new(PathBuf::from("a.xml"), 1, "ab\n\u{1F600}c\n".to_owned());
        let at = |l, c| Position::new(l, c);
        let ranged = |r: Range, t: &str| TextDocumentContentChangeEvent { range: Some(r), range_length: None, text: t.to_owned() };
        d.apply(2, vec![ranged(Range::new(at(1, 2), at(1, 3)), "Z")], PositionEncoding::Utf16);
        assert_eq!(d.text.as_str(), "ab\n\u{1F600}Z\n");
        d.apply(3, vec![ranged(Range::new(at(0, 1), at(1, 0)), "")], PositionEncoding::Utf16);
        assert_eq!(d.text.as_str(), "a\u{1F600}Z\n");
        d.apply(4, vec![TextDocumentContentChangeEvent { range: None, range_length: None, text: "x".to_owned() }], PositionEncoding::Utf8);
        assert_eq!((d.text.as_str(), d.version), ("x", 4));
    }

    #[cfg(unix)]
    #[test]
    fn uris_and_paths() {
        let uri: Uri = "file:///tmp/a%20b/ts.xml".parse().unwrap_or_else(|_| unreachable!());
        assert_eq!(uri_path(&uri), PathBuf::from("/tmp/a b/ts.xml"));
        let back = path_uri(Path::new("/tmp/a b/ts.xml")).map(|u| u.as_str().to_owned());
        assert_eq!(back.as_deref(), Some("file:///tmp/a%20b/ts.xml"));
    }
}
