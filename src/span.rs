//! Byte spans into decoded source text, and their conversion to lines and columns.

use serde::Serialize;

/// A half-open byte range `start..end` into a [`crate::source::SourceFile`]'s decoded text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    #[must_use]
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// An empty span at `at`.
    #[must_use]
    pub const fn at(at: usize) -> Self {
        Self { start: at, end: at }
    }

    /// The length in bytes.
    #[must_use]
    pub const fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers no byte.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// This span moved right by `base` bytes.
    #[must_use]
    pub const fn shift(self, base: usize) -> Self {
        Self { start: self.start + base, end: self.end + base }
    }
}

/// A 1-based line and column; the column counts characters, not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
}

/// Line starts of a text, for turning byte offsets into lines and columns.
///
/// Every lookup costs a binary search plus at most [`CHUNK`] bytes of counting, whatever the
/// order of the offsets, so locating N findings in a file is linear in the file and in N (a
/// minified one-line file included).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// For a text that is not ASCII: the characters and the UTF-16 code units before every
    /// `CHUNK`-th byte (empty for ASCII text, where both equal the byte offset). Computed on the
    /// first lookup, so that indexing a file whose findings are never located costs nothing more.
    counts: std::sync::OnceLock<Vec<(usize, usize)>>,
}

/// The distance between two checkpoints of [`LineIndex`]'s character counts.
const CHUNK: usize = 256;

/// The characters and UTF-16 code units that start in `bytes` (a character cut at the end counts
/// once, as a lossy decoder would show it).
fn count(bytes: &[u8]) -> (usize, usize) {
    bytes.iter().fold((0, 0), |(c, u), &b| match b {
        0x80..=0xBF => (c, u),
        0xF0..=0xFF => (c + 1, u + 2),
        _ => (c + 1, u + 1),
    })
}

impl LineIndex {
    /// Index the line starts of `text` (a line ends at `\n`; `\r\n` counts once).
    #[must_use]
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self { starts, counts: std::sync::OnceLock::new() }
    }

    /// Characters and UTF-16 code units in `text[..offset]` (`offset` clamped to the text).
    fn before(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let counts = self.counts.get_or_init(|| {
            let mut counts = Vec::new();
            if !text.is_ascii() {
                let mut at = (0, 0);
                counts.reserve(text.len() / CHUNK + 1);
                for chunk in text.as_bytes().chunks(CHUNK) {
                    counts.push(at);
                    let (c, u) = count(chunk);
                    at = (at.0 + c, at.1 + u);
                }
                counts.push(at);
            }
            counts
        });
        if counts.is_empty() {
            return (offset, offset);
        }
        let block = offset / CHUNK;
        let (c, u) = counts.get(block).copied().unwrap_or_default();
        let (dc, du) = text.as_bytes().get(block * CHUNK..offset).map_or((0, 0), count);
        (c + dc, u + du)
    }

    /// The 1-based line of byte `offset` (clamped to the text).
    #[must_use]
    pub fn line(&self, text: &str, offset: usize) -> usize {
        let offset = offset.min(text.len());
        self.starts.partition_point(|&s| s <= offset).max(1)
    }

    /// The byte range of 1-based `line`, without its `\n` (and without a `\r` before it).
    #[must_use]
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.starts.get(line.saturating_sub(1)).copied().unwrap_or(text.len()).min(text.len());
        let end = self.starts.get(line).map_or(text.len(), |&next| next - 1).max(start);
        let end = if text.as_bytes().get(end.wrapping_sub(1)) == Some(&b'\r') && end > start { end - 1 } else { end };
        start..end
    }

    /// The number of lines.
    #[must_use]
    pub fn lines(&self) -> usize {
        self.starts.len()
    }

    /// The line and column of byte `offset` in `text` (clamped to the text).
    #[must_use]
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let line = self.line(text, offset);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = self.before(text, offset).0 - self.before(text, start).0 + 1;
        LineCol { line, column }
    }

    /// The number of characters in `text[..offset]`.
    #[must_use]
    pub fn chars_before(&self, text: &str, offset: usize) -> usize {
        self.before(text, offset).0
    }

    /// The number of UTF-16 code units in `text[..offset]`.
    #[must_use]
    pub fn utf16_before(&self, text: &str, offset: usize) -> usize {
        self.before(text, offset).1
    }

    /// The byte offset of a 1-based `row` and character `col` (as roxmltree reports them).
    #[must_use]
    pub fn offset(&self, text: &str, row: usize, col: usize) -> usize {
        let Some(&start) = self.starts.get(row.saturating_sub(1)) else {
            return text.len();
        };
        let rest = text.get(start..).unwrap_or("");
        rest.char_indices().nth(col.saturating_sub(1)).map_or(text.len(), |(i, _)| start + i)
    }
}

/// Maps offsets in a decoded copy of some text back to offsets in the original.
///
/// Used where a document sits entity-escaped inside another (the Set Dynamic Variables rules, an
/// escaped `Sequence` property): each checkpoint says "decoded offset `d` is source offset `s`",
/// and offsets between checkpoints advance one for one. A map can sit [`within`](Self::within)
/// another one (a rules document escaped inside an escaped `Sequence`): offsets then go through
/// both, so that every position is exact however deep the escaping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    base: usize,
    points: Vec<(usize, usize)>,
    outer: Option<std::sync::Arc<OffsetMap>>,
}

impl OffsetMap {
    /// A map that only adds `base` (verbatim text such as CDATA).
    #[must_use]
    pub fn verbatim(base: usize) -> Self {
        Self { base, points: Vec::new(), outer: None }
    }

    /// Whether offsets only move by a constant (no entity was decoded on the way to the file).
    #[must_use]
    pub fn is_verbatim(&self) -> bool {
        self.points.is_empty() && self.outer.as_ref().is_none_or(|o| o.is_verbatim())
    }

    /// This map followed by `outer`: the source of this map is the decoded text of `outer`.
    #[must_use]
    pub fn within(self, outer: std::sync::Arc<Self>) -> Self {
        Self { outer: Some(outer), ..self }
    }

    /// The source offset of decoded offset `d`.
    #[must_use]
    pub fn map(&self, d: usize) -> usize {
        let i = self.points.partition_point(|&(pd, _)| pd <= d);
        let local = match i.checked_sub(1).and_then(|i| self.points.get(i)) {
            Some(&(pd, ps)) => ps + (d - pd),
            None => self.base + d,
        };
        self.outer.as_ref().map_or(local, |o| o.map(local))
    }

    /// Map a whole span.
    #[must_use]
    pub fn span(&self, s: Span) -> Span {
        if self.points.is_empty() && self.outer.is_none() {
            return s.shift(self.base);
        }
        Span::new(self.map(s.start), self.map(s.end))
    }
}

/// Decode the five predefined XML entities and character references of `raw`, recording where
/// each decoded byte came from. `base` is the offset of `raw` in the source. Unknown entities are
/// kept as written.
#[must_use]
pub fn unescape_mapped(raw: &str, base: usize) -> (String, OffsetMap) {
    let mut out = String::with_capacity(raw.len());
    let mut points = Vec::new();
    let mut rest = raw;
    let mut pos = 0;
    while let Some(amp) = rest.find('&') {
        let (before, after) = rest.split_at(amp);
        out.push_str(before);
        pos += amp;
        let decoded = after.find(';').filter(|&semi| semi <= 12).and_then(|semi| {
            let ent = after.get(1..semi)?;
            decode_entity(ent).map(|c| (c, semi + 1))
        });
        match decoded {
            Some((c, len)) => {
                points.push((out.len(), base + pos));
                out.push(c);
                pos += len;
                points.push((out.len(), base + pos));
                rest = after.get(len..).unwrap_or("");
            }
            None => {
                out.push('&');
                pos += 1;
                rest = after.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    (out, OffsetMap { base, points, outer: None })
}

/// Decode the body of an entity reference (`amp`, `#10`, `#x41`).
#[must_use]
pub fn decode_entity(ent: &str) -> Option<char> {
    match ent {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let num = ent.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// Decode entities in `raw` without a map (for typed views of attribute values and text).
#[must_use]
pub fn unescape(raw: &str) -> std::borrow::Cow<'_, str> {
    if raw.contains('&') { std::borrow::Cow::Owned(unescape_mapped(raw, 0).0) } else { std::borrow::Cow::Borrowed(raw) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\r\ncé<x";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        let lt = text.find('<').unwrap();
        assert_eq!(idx.line_col(text, lt), LineCol { line: 2, column: 3 });
        assert_eq!(idx.offset(text, 2, 3), lt);
    }

    #[test]
    fn line_col_and_utf16_counts_match_a_plain_count_everywhere() {
        // Long enough for several checkpoints, with 2-, 3- and 4-byte characters and CRLF.
        let text = "ab\r\ncé–😀<x y=\"ü\"/>\n".repeat(40);
        let idx = LineIndex::new(&text);
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            let before = &text[..offset];
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            let want = LineCol { line: before.matches('\n').count() + 1, column: text[start..offset].chars().count() + 1 };
            assert_eq!(idx.line_col(&text, offset), want, "offset {offset}");
            assert_eq!(idx.utf16_before(&text, offset), before.encode_utf16().count(), "offset {offset}");
        }
        assert_eq!(idx.line_range(&text, 1), 0..2, "without the CR");
        assert_eq!(idx.lines(), 81);
    }

    #[test]
    fn nested_maps_go_through_both_escapings() {
        // The file holds `&amp;lt;b&amp;gt;x`; once decoded: `&lt;b&gt;x`; twice: `<b>x`.
        let file = "v=&amp;lt;b&amp;gt;x";
        let (once, outer) = unescape_mapped(&file[2..], 2);
        assert_eq!(once, "&lt;b&gt;x");
        let (twice, inner) = unescape_mapped(&once, 0);
        assert_eq!(twice, "<b>x");
        let map = inner.within(std::sync::Arc::new(outer));
        assert!(!map.is_verbatim());
        let x = map.span(Span::new(3, 4));
        assert_eq!(&file[x.start..x.end], "x");
        let lt = map.span(Span::new(0, 1));
        assert_eq!(&file[lt.start..lt.end], "&amp;lt;");
    }

    #[test]
    fn unescape_maps_back() {
        let raw = "a&lt;b&amp;&#x41;z";
        let (s, map) = unescape_mapped(raw, 100);
        assert_eq!(s, "a<b&Az");
        assert_eq!(map.map(0), 100);
        assert_eq!(map.map(1), 101); // '<' comes from "&lt;"
        assert_eq!(map.map(2), 105); // 'b'
        assert_eq!(map.map(5), 117); // 'z'
    }
}
