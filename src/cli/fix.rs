//! `tsq check --fix` / `--unsafe-fixes` / `--diff`: apply the fixes findings carry, round after
//! round until none applies, verify the result, and write it (or print the diff).

use crate::fix::{Applicability, added_errors, rounds};
use crate::inputs::Input;
use crate::lint::FileResult;
use crate::source::SourceFile;
use crate::workspace::Workspace;

/// What to do with fixes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FixMode {
    /// The least certain fixes applied.
    pub min: Applicability,
    /// Write the files (`false`: print the diff instead).
    pub write: bool,
}

/// What fixing one input did.
#[derive(Debug, Default)]
pub(crate) struct Fixed {
    /// The path as printed.
    pub display: String,
    /// How many findings were fixed (or would be, with `--diff`).
    pub count: usize,
    /// The unified diff, with `--diff`.
    pub diff: Option<String>,
    /// The fixed contents of standard input, to print instead of a report.
    pub stdin: Option<Vec<u8>>,
    /// Why the file was left as it is, when fixes could not be applied safely.
    pub refused: Option<String>,
}

/// Fix one input; returns the findings that remain and what was done.
pub(crate) fn fix_input(ws: &Workspace, input: &Input, mode: FixMode) -> Result<(Vec<FileResult>, Fixed), String> {
    let walked = matches!(input, Input::Walked(_));
    let (path, display, bytes) = match input {
        Input::File(p) | Input::Walked(p) => {
            let display = crate::inputs::display(p);
            match crate::container::read_path(p, &display, walked, ws.options().input_format)? {
                Some(bytes) => (p.clone(), display, bytes),
                None => return Ok((Vec::new(), Fixed::default())),
            }
        }
        Input::Stdin(_) => {
            let (display, bytes) = super::read_bytes(input)?;
            (super::input_path(input), display, bytes)
        }
    };
    let check = |bytes: Vec<u8>| ws.check(&path, &display, bytes).map_err(|e| e.to_string());
    let initial = check(bytes.clone())?;
    let mut fixed = Fixed { display: display.clone(), ..Fixed::default() };
    let fixable = |results: &[FileResult]| {
        results.iter().flat_map(|r| &r.diagnostics).any(|d| d.fix.as_ref().is_some_and(|f| f.applicability >= mode.min))
    };
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        if fixable(&initial) {
            fixed.refused = Some("fixes are not written into zip archives: unzip the export, fix the folder, and zip it again".to_owned());
        }
        return Ok((initial, fixed));
    }
    let original = bytes.clone();
    let Ok(source) = SourceFile::decode(display.clone(), bytes) else { return Ok((initial, fixed)) };
    let done = rounds(&source.text, initial, &display, mode.min, |text| check(source.encode(text)))?;
    let (text, results) = (done.text, done.results);
    (fixed.count, fixed.refused) = (done.count, done.refused);
    if fixed.refused.is_none()
        && let Some((rule, n)) = added_errors(&check(source.encode(&source.text))?, &results)
    {
        fixed.refused = Some(format!("the fixes would add `{rule}` errors ({n} after fixing); the file is left as it is"));
    }
    if fixed.refused.is_some() || fixed.count == 0 {
        fixed.count = 0;
        if mode.write && matches!(input, Input::Stdin(_)) {
            // Standard input is always echoed, fixed or not, so that a pipe never loses it.
            fixed.stdin = Some(source.encode(&source.text));
        }
        return Ok((check(source.encode(&source.text))?, fixed));
    }
    if !mode.write {
        let diff = similar::TextDiff::from_lines(source.text.as_str(), text.as_str());
        fixed.diff = Some(diff.unified_diff().header(&format!("a/{display}"), &format!("b/{display}")).to_string());
    } else if matches!(input, Input::Stdin(_)) {
        fixed.stdin = Some(source.encode(&text));
    } else {
        crate::writer::file::replace(&path, &original, &source.encode(&text))
            .map_err(|e| format!("{display}: cannot write the file: {e}"))?;
    }
    Ok((results, fixed))
}
