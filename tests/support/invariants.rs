//! What must hold for any input, whatever its bytes (the mutation test and the fuzz targets in
//! `fuzz/` check the same, from this one file): no panic, every output format renders, JSON is valid, positions are inside the file,
//! `fmt` output parses to the same model and formats to itself, an unchanged write reproduces the
//! input.

use tsq::container::load_bytes;
use tsq::lint::{FileResult, Settings, check as lint};
use tsq::report::{locate, render_concise, render_human, render_json};
use tsq::source::SourceFile;
use tsq::writer::{FormatError, format, write_preserving};

/// Check every invariant on one input; `Err` says which one failed.
pub fn check(name: &str, bytes: &[u8]) -> Result<(), String> {
    check_dump(name, bytes)?;
    check_reports(name, bytes)?;
    check_fmt(name, bytes)
}

/// `tsq dump` of every task sequence read from `bytes` is valid JSON.
pub fn check_dump(name: &str, bytes: &[u8]) -> Result<(), String> {
    for l in load_bytes(name, bytes.to_vec(), None) {
        if let (Ok(ts), Some(src)) = (&l.result, &l.source) {
            let json = tsq::dump::task_sequence(&l.path, &src.text, ts);
            let text = serde_json::to_string(&json).map_err(|e| format!("dump: {e}"))?;
            valid_json(&text).map_err(|e| format!("dump is not valid JSON: {e}"))?;
        }
    }
    Ok(())
}

/// Load and check `bytes`: every output format renders, the JSON report is valid JSON, and every
/// position is inside the file.
pub fn check_reports(name: &str, bytes: &[u8]) -> Result<(), String> {
    let settings = Settings::default();
    let results: Vec<FileResult> = load_bytes(name, bytes.to_vec(), None).into_iter().map(|l| lint(l, &settings)).collect();
    for r in &results {
        let size = r.source.as_ref().map_or(usize::MAX, |s| s.encode(&s.text).len());
        for l in locate(r) {
            if l.offset.checked_add(l.length).is_none_or(|end| end > size) {
                return Err(format!("{} at {}+{} is outside the file ({size} bytes)", l.rule, l.offset, l.length));
            }
        }
    }
    let mut out = Vec::new();
    render_human(&results, false, 100, &mut out).map_err(|e| e.to_string())?;
    render_concise(&results, &mut out).map_err(|e| e.to_string())?;
    let mut json = Vec::new();
    render_json(&results, &mut json).map_err(|e| e.to_string())?;
    valid_json(&String::from_utf8_lossy(&json)).map_err(|e| format!("the JSON report is not valid JSON: {e}"))
}

/// An unchanged write reproduces `bytes`; `tsq fmt` output parses to the same model and formats
/// to itself (a verification failure is a bug).
pub fn check_fmt(name: &str, bytes: &[u8]) -> Result<(), String> {
    if bytes.starts_with(b"PK") {
        return Ok(());
    }
    let Ok(source) = SourceFile::decode(name, bytes.to_vec()) else { return Ok(()) };
    let same = write_preserving(&source, &[]).map_err(|e| e.to_string())?;
    if same != bytes {
        return Err("an unchanged write does not reproduce the input".into());
    }
    match format(&source) {
        Ok(text) => {
            let again = SourceFile { text: text.clone(), ..source.clone() };
            match format(&again) {
                Ok(twice) if twice == text => {}
                Ok(_) => return Err("fmt is not idempotent".into()),
                Err(e) => return Err(format!("fmt output does not format: {e}")),
            }
            let (a, b) = (tsq::container::parse(&source, None), tsq::container::parse(&again, None));
            match (a, b) {
                (Ok(a), Ok(b)) if tsq::model::Same::same(&a, &b) => {}
                _ => return Err("fmt output has another model".into()),
            }
        }
        Err(FormatError::Unverified(why)) => return Err(format!("fmt failed its own verification: {why}")),
        Err(FormatError::Syntax(_) | FormatError::Unsupported(_)) => {}
    }
    Ok(())
}

/// Whether `text` is one JSON value, however deeply nested (a dump nests as deep as the conditions
/// of the sequence, past `serde_json`'s default limit of 128 levels).
pub fn valid_json(text: &str) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    <serde::de::IgnoredAny as serde::Deserialize>::deserialize(&mut de)?;
    de.end()
}
