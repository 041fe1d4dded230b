//! Reading bytes into text: BOM sniffing, UTF-8 and UTF-16 decoding, and re-encoding on the way
//! back so that an unchanged write is byte-identical.

use serde::Serialize;
use thiserror::Error;

/// How the bytes of a file were encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// UTF-8 (the encoding of every real export).
    Utf8,
    /// UTF-16 little-endian (Windows PowerShell 5.1 `Out-File`).
    Utf16Le,
    /// UTF-16 big-endian.
    Utf16Be,
}

impl Encoding {
    /// The label used in messages.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Utf8 => "UTF-8",
            Self::Utf16Le => "UTF-16LE",
            Self::Utf16Be => "UTF-16BE",
        }
    }
}

/// A file decoded into text, with what is needed to write it back byte for byte.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as tsq prints it (`archive.zip!member` for zip members).
    pub path: String,
    /// The decoded text, without the BOM.
    pub text: String,
    /// The encoding of the bytes.
    pub encoding: Encoding,
    /// Whether the bytes started with a byte-order mark.
    pub bom: bool,
}

/// Bytes that could not be decoded.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum DecodeError {
    /// UTF-8 text with an invalid byte sequence, e.g. `<a>\xC3\x28</a>`.
    #[error("invalid UTF-8 at byte {offset}")]
    InvalidUtf8 {
        /// Byte offset in the file.
        offset: usize,
    },
    /// UTF-16 text with an odd number of bytes.
    #[error("UTF-16 text has an odd number of bytes ({len})")]
    OddLength {
        /// File length.
        len: usize,
    },
    /// UTF-16 text with an unpaired surrogate.
    #[error("invalid UTF-16 (unpaired surrogate) at byte {offset}")]
    LoneSurrogate {
        /// Byte offset in the file.
        offset: usize,
    },
}

impl DecodeError {
    /// The byte offset in the file where decoding failed.
    #[must_use]
    pub const fn offset(&self) -> usize {
        match *self {
            Self::InvalidUtf8 { offset } | Self::LoneSurrogate { offset } => offset,
            Self::OddLength { len } => len,
        }
    }
}

impl SourceFile {
    /// Decode `bytes`: a UTF-8 BOM, a UTF-16LE or UTF-16BE BOM, otherwise UTF-8.
    pub fn decode(path: impl Into<String>, bytes: Vec<u8>) -> Result<Self, DecodeError> {
        let path = path.into();
        let (encoding, bom) = match bytes.as_slice() {
            [0xEF, 0xBB, 0xBF, ..] => (Encoding::Utf8, true),
            [0xFF, 0xFE, ..] => (Encoding::Utf16Le, true),
            [0xFE, 0xFF, ..] => (Encoding::Utf16Be, true),
            _ => (Encoding::Utf8, false),
        };
        let text = match encoding {
            Encoding::Utf8 => {
                let mut bytes = bytes;
                if bom {
                    bytes.drain(..3);
                }
                let skip = if bom { 3 } else { 0 };
                String::from_utf8(bytes).map_err(|e| DecodeError::InvalidUtf8 { offset: e.utf8_error().valid_up_to() + skip })?
            }
            Encoding::Utf16Le | Encoding::Utf16Be => decode_utf16(bytes.get(2..).unwrap_or(&[]), encoding)?,
        };
        Ok(Self { path, text, encoding, bom })
    }

    /// Like [`Self::decode`], but invalid UTF-8 also gives a source, decoded lossily (U+FFFD for
    /// the bad bytes), beside the error: the text before the fault is intact, so positions up to
    /// it are exact. The bytes are not copied on either path.
    pub fn decode_lossy(path: impl Into<String>, bytes: Vec<u8>) -> Result<Self, (DecodeError, Option<Self>)> {
        let path = path.into();
        match bytes.as_slice() {
            [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => return Self::decode(path, bytes).map_err(|e| (e, None)),
            _ => {}
        }
        let bom = bytes.starts_with(&[0xEF, 0xBB, 0xBF]);
        let mut body = bytes;
        if bom {
            body.drain(..3);
        }
        match String::from_utf8(body) {
            Ok(text) => Ok(Self { path, text, encoding: Encoding::Utf8, bom }),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to() + if bom { 3 } else { 0 };
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                Err((DecodeError::InvalidUtf8 { offset }, Some(Self { path, text, encoding: Encoding::Utf8, bom })))
            }
        }
    }

    /// A UTF-8 source made from text (for stdin and tests).
    #[must_use]
    pub fn from_text(path: impl Into<String>, text: impl Into<String>) -> Self {
        Self { path: path.into(), text: text.into(), encoding: Encoding::Utf8, bom: false }
    }

    /// Encode `text` the way this file was encoded (same encoding, same BOM).
    #[must_use]
    pub fn encode(&self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() + 3);
        match self.encoding {
            Encoding::Utf8 => {
                if self.bom {
                    out.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
                }
                out.extend_from_slice(text.as_bytes());
            }
            Encoding::Utf16Le => {
                out.extend_from_slice(&[0xFF, 0xFE]);
                out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            }
            Encoding::Utf16Be => {
                out.extend_from_slice(&[0xFE, 0xFF]);
                out.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
            }
        }
        out
    }

    /// The byte offset in the file on disk of text offset `offset` (BOM and UTF-16 accounted for).
    #[must_use]
    pub fn disk_offset(&self, offset: usize) -> usize {
        let before = self.text.get(..offset.min(self.text.len())).unwrap_or("");
        match self.encoding {
            Encoding::Utf8 => offset + if self.bom { 3 } else { 0 },
            Encoding::Utf16Le | Encoding::Utf16Be => 2 + 2 * before.encode_utf16().count(),
        }
    }
}

fn decode_utf16(body: &[u8], encoding: Encoding) -> Result<String, DecodeError> {
    if !body.len().is_multiple_of(2) {
        return Err(DecodeError::OddLength { len: body.len() + 2 });
    }
    let units = body.chunks_exact(2).map(|p| match (encoding, p) {
        (Encoding::Utf16Be, &[a, b]) => u16::from_be_bytes([a, b]),
        (_, &[a, b]) => u16::from_le_bytes([a, b]),
        _ => 0,
    });
    let mut text = String::with_capacity(body.len() / 2);
    let mut units_seen = 0usize;
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => {
                units_seen += c.len_utf16();
                text.push(c);
            }
            Err(_) => return Err(DecodeError::LoneSurrogate { offset: 2 + 2 * units_seen }),
        }
    }
    Ok(text)
}

/// The `encoding="…"` of an XML declaration at the start of `text`, with its value's span.
#[must_use]
pub fn declared_encoding(text: &str) -> Option<(&str, crate::span::Span)> {
    let decl = text.strip_prefix("<?xml")?;
    let end = decl.find("?>")?;
    let decl = decl.get(..end)?;
    let at = decl.find("encoding")?;
    let rest = decl.get(at + 8..)?;
    let eq = rest.find('=')?;
    let after = rest.get(eq + 1..)?;
    let trimmed = after.trim_start();
    let quote = trimmed.chars().next().filter(|&c| c == '"' || c == '\'')?;
    let body = trimmed.get(1..)?;
    let close = body.find(quote)?;
    let start = 5 + at + 8 + eq + 1 + (after.len() - trimmed.len()) + 1;
    Some((body.get(..close)?, crate::span::Span::new(start, start + close)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_each_encoding() {
        let text = "<sequence version=\"3.10\"><group name=\"é–\"/></sequence>";
        for (enc, bom) in [(Encoding::Utf8, false), (Encoding::Utf8, true), (Encoding::Utf16Le, true), (Encoding::Utf16Be, true)] {
            let src = SourceFile { path: String::new(), text: text.into(), encoding: enc, bom };
            let bytes = src.encode(text);
            let back = SourceFile::decode("x", bytes.clone()).unwrap();
            assert_eq!(back.text, text);
            assert_eq!(back.encoding, enc);
            assert_eq!(back.encode(&back.text), bytes);
        }
    }

    #[test]
    fn errors_have_offsets() {
        assert_eq!(SourceFile::decode("x", b"<a>\xC3\x28</a>".to_vec()).unwrap_err(), DecodeError::InvalidUtf8 { offset: 3 });
        assert!(matches!(SourceFile::decode("x", vec![0xFF, 0xFE, 0x3C]), Err(DecodeError::OddLength { .. })));
        assert!(matches!(SourceFile::decode("x", vec![0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00]), Err(DecodeError::LoneSurrogate { offset: 2 })));
    }

    #[test]
    fn lossy_decoding_keeps_the_text_before_the_fault() {
        let (e, src) = SourceFile::decode_lossy("x", b"\xEF\xBB\xBF<a>\xC3\x28</a>".to_vec()).unwrap_err();
        assert_eq!(e, DecodeError::InvalidUtf8 { offset: 6 });
        let src = src.unwrap();
        assert!(src.bom);
        assert_eq!(src.text, "<a>\u{FFFD}(</a>");
        assert!(SourceFile::decode_lossy("x", vec![0xFF, 0xFE, 0x3C]).unwrap_err().1.is_none());
        assert_eq!(SourceFile::decode_lossy("x", b"<a/>".to_vec()).unwrap().text, "<a/>");
    }

    #[test]
    fn finds_declared_encoding() {
        let text = "<?xml version=\"1.0\" encoding='utf-8'?><a/>";
        let (enc, span) = declared_encoding(text).unwrap();
        assert_eq!(enc, "utf-8");
        assert_eq!(&text[span.start..span.end], "utf-8");
    }
}
