//! Positions as the client counts them: a zero-based line and a column in the negotiated
//! encoding's code units (UTF-16 by default, UTF-8 bytes or UTF-32 characters when offered),
//! converted from and to byte offsets of the document's text.

use crate::span::Span;
use lsp_types::{Position, PositionEncodingKind, Range};

/// The unit a [`Position`]'s `character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PositionEncoding {
    /// UTF-8 bytes.
    Utf8,
    /// UTF-16 code units (the protocol's default).
    Utf16,
    /// Unicode scalar values.
    Utf32,
}

impl PositionEncoding {
    /// Pick from the encodings the client offers: UTF-8 (no conversion at all), then UTF-32,
    /// else the mandatory UTF-16.
    #[must_use]
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Self {
        let offered = offered.unwrap_or_default();
        if offered.contains(&PositionEncodingKind::UTF8) {
            Self::Utf8
        } else if offered.contains(&PositionEncodingKind::UTF32) {
            Self::Utf32
        } else {
            Self::Utf16
        }
    }

    /// The protocol's name for it.
    #[must_use]
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Self::Utf8 => PositionEncodingKind::UTF8,
            Self::Utf16 => PositionEncodingKind::UTF16,
            Self::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    /// The code units of one character.
    const fn units(self, c: char) -> usize {
        match self {
            Self::Utf8 => c.len_utf8(),
            Self::Utf16 => c.len_utf16(),
            Self::Utf32 => 1,
        }
    }
}

/// Every this many bytes of a non-ASCII line, the code units counted so far are recorded, so
/// that a position on a long line (a minified file is one line) is found without counting from
/// the line's start.
const STRIDE: usize = 1024;

/// Code units counted from a line's start up to a byte of it.
#[derive(Debug, Clone, Copy)]
struct Mark {
    /// The byte offset in the text (a character boundary).
    byte: usize,
    /// UTF-16 code units from the line's start.
    utf16: usize,
    /// Characters from the line's start.
    utf32: usize,
}

/// The lines of a text: where each starts, whether it is plain ASCII (then every encoding counts
/// bytes, and a column is a subtraction), and marks along the other lines.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of each line's start.
    starts: Vec<usize>,
    /// Whether each line is ASCII only.
    ascii: Vec<bool>,
    /// Marks of the non-ASCII lines, in text order: one at each such line's start, then one
    /// every [`STRIDE`] bytes.
    marks: Vec<Mark>,
    /// The text's length.
    len: usize,
}

/// Saturating conversion of a count to the protocol's `u32`.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl LineIndex {
    /// Index `text` (a line ends after `\n`; `\r\n` is one line end).
    #[must_use]
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        starts.extend(line_ends(bytes));
        let mut ascii = Vec::with_capacity(starts.len());
        let mut marks = Vec::new();
        for (i, &s) in starts.iter().enumerate() {
            let e = starts.get(i + 1).copied().unwrap_or(bytes.len());
            let is_ascii = bytes.get(s..e).is_some_and(<[u8]>::is_ascii);
            ascii.push(is_ascii);
            if !is_ascii {
                let mut mark = Mark { byte: s, utf16: 0, utf32: 0 };
                marks.push(mark);
                for (j, c) in text.get(s..e).unwrap_or("").char_indices() {
                    if s + j - mark.byte >= STRIDE {
                        mark.byte = s + j;
                        marks.push(mark);
                    }
                    mark.utf16 += c.len_utf16();
                    mark.utf32 += 1;
                }
            }
        }
        Self { starts, ascii, marks, len: text.len() }
    }

    /// The line holding byte `offset`, 0-based.
    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).saturating_sub(1)
    }

    /// The code units of a mark, from its line's start at `start`.
    const fn units(mark: &Mark, start: usize, enc: PositionEncoding) -> usize {
        match enc {
            PositionEncoding::Utf8 => mark.byte - start,
            PositionEncoding::Utf16 => mark.utf16,
            PositionEncoding::Utf32 => mark.utf32,
        }
    }

    /// The position of byte `offset` of `text` (clamped to the text; an offset inside a character
    /// counts from that character's start).
    #[must_use]
    pub fn position(&self, text: &str, offset: usize, enc: PositionEncoding) -> Position {
        let mut offset = offset.min(self.len);
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let character = if self.ascii.get(line).copied().unwrap_or(false) || enc == PositionEncoding::Utf8 {
            offset - start
        } else {
            let i = self.marks.partition_point(|m| m.byte <= offset).saturating_sub(1);
            let mark = self.marks.get(i).filter(|m| m.byte >= start).copied().unwrap_or(Mark { byte: start, utf16: 0, utf32: 0 });
            let rest = text.get(mark.byte..offset).unwrap_or("");
            Self::units(&mark, start, enc) + rest.chars().map(|c| enc.units(c)).sum::<usize>()
        };
        Position::new(to_u32(line), to_u32(character))
    }

    /// The range of a span of `text`.
    #[must_use]
    pub fn range(&self, text: &str, span: Span, enc: PositionEncoding) -> Range {
        Range::new(self.position(text, span.start, enc), self.position(text, span.end.max(span.start), enc))
    }

    /// The byte offset of `pos` in `text`: a line past the end is the end of the text, a column
    /// past the line's end is the line's end, and a column inside a character is its start.
    #[must_use]
    pub fn offset(&self, text: &str, pos: Position, enc: PositionEncoding) -> usize {
        let line = pos.line as usize;
        let Some(&start) = self.starts.get(line) else { return self.len };
        let next = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let mut end = next;
        let bytes = text.as_bytes();
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
            if end > start && bytes.get(end - 1) == Some(&b'\r') {
                end -= 1;
            }
        }
        let want = pos.character as usize;
        if self.ascii.get(line).copied().unwrap_or(false) || enc == PositionEncoding::Utf8 {
            let mut o = start + want.min(end - start);
            while o > start && !text.is_char_boundary(o) {
                o -= 1;
            }
            return o;
        }
        let lo = self.marks.partition_point(|m| m.byte < start);
        let hi = self.marks.partition_point(|m| m.byte < next);
        let line_marks = self.marks.get(lo..hi).unwrap_or(&[]);
        let i = line_marks.partition_point(|m| Self::units(m, start, enc) <= want).saturating_sub(1);
        let mark = line_marks.get(i).copied().unwrap_or(Mark { byte: start, utf16: 0, utf32: 0 });
        let mut units = Self::units(&mark, start, enc);
        for (i, c) in text.get(mark.byte..end).unwrap_or("").char_indices() {
            let next = units + enc.units(c);
            if next > want {
                return mark.byte + i;
            }
            units = next;
        }
        end
    }
}

/// The offsets just after each `\n` of `bytes`.
fn line_ends(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes.iter().enumerate().filter(|&(_, &b)| b == b'\n').map(|(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "a\r\n\u{e9}\u{1F600}x\n";

    #[test]
    fn columns_in_each_encoding() {
        let idx = LineIndex::new(TEXT);
        let x = TEXT.find('x').unwrap_or(0);
        assert_eq!(idx.position(TEXT, x, PositionEncoding::Utf8), Position::new(1, 6));
        assert_eq!(idx.position(TEXT, x, PositionEncoding::Utf16), Position::new(1, 3));
        assert_eq!(idx.position(TEXT, x, PositionEncoding::Utf32), Position::new(1, 2));
        for enc in [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32] {
            assert_eq!(idx.offset(TEXT, idx.position(TEXT, x, enc), enc), x);
        }
    }

    #[test]
    fn offsets_clamp() {
        let idx = LineIndex::new(TEXT);
        // Past the end of line 0: before its CRLF.
        assert_eq!(idx.offset(TEXT, Position::new(0, 40), PositionEncoding::Utf16), 1);
        // Inside the surrogate pair: the emoji's start.
        let emoji = TEXT.find('\u{1F600}').unwrap_or(0);
        assert_eq!(idx.offset(TEXT, Position::new(1, 2), PositionEncoding::Utf16), emoji);
        assert_eq!(idx.offset(TEXT, Position::new(9, 0), PositionEncoding::Utf16), TEXT.len());
        assert_eq!(idx.position(TEXT, TEXT.len() + 5, PositionEncoding::Utf16), Position::new(2, 0));
    }

    #[test]
    fn long_lines_agree_with_counting_from_the_start() {
        // A minified line of several strides with characters of every width, and a CRLF.
        let unit = "ab\u{e9}<x a=\"\u{1F600}\u{20AC}\"/>";
        let text = format!("{}\r\n{}", unit.repeat(400), unit.repeat(3));
        let idx = LineIndex::new(&text);
        for enc in [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32] {
            for (offset, _) in text.char_indices().step_by(7) {
                let line_start = text.get(..offset).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
                let naive: usize = text.get(line_start..offset).unwrap_or("").chars().map(|c| enc.units(c)).sum();
                let pos = idx.position(&text, offset, enc);
                assert_eq!(pos.character as usize, naive, "{enc:?} at {offset}");
                assert_eq!(idx.offset(&text, pos, enc), offset, "{enc:?} at {offset}");
            }
        }
    }

    #[test]
    fn negotiation_prefers_utf8_then_utf32() {
        let k = |v: &[PositionEncodingKind]| PositionEncoding::negotiate(Some(v));
        assert_eq!(PositionEncoding::negotiate(None), PositionEncoding::Utf16);
        assert_eq!(k(&[PositionEncodingKind::UTF16, PositionEncodingKind::UTF8]), PositionEncoding::Utf8);
        assert_eq!(k(&[PositionEncodingKind::UTF32, PositionEncodingKind::UTF16]), PositionEncoding::Utf32);
        assert_eq!(k(&[PositionEncodingKind::UTF16]), PositionEncoding::Utf16);
    }
}
