//! `tsq check --fix` / `--unsafe-fixes` / `--diff`: apply the fixes findings carry, round after
//! round until none applies, verify the result, and write it (or print the diff).

use crate::fix::{Applicability, apply};
use crate::inputs::Input;
use crate::lint::FileResult;
use crate::source::SourceFile;
use crate::workspace::Workspace;
use std::collections::BTreeMap;

/// The most rounds of fixes on one file; a file still changing after them is a bug in a fix.
const MAX_ROUNDS: usize = 100;

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
    let mut text = source.text.clone();
    let mut results = initial;
    let mut converged = false;
    for _ in 0..MAX_ROUNDS {
        let Some(main) = results.iter().find(|r| r.path == display) else { break };
        let (new, done) = apply(&text, &main.diagnostics, mode.min);
        if done.is_empty() {
            converged = true;
            break;
        }
        fixed.count += done.len();
        text = new;
        results = check(source.encode(&text))?;
        if let Some(bad) = results
            .iter()
            .find(|r| r.path == display)
            .and_then(|r| r.diagnostics.iter().find(|d| crate::rules::LOADER_RULES.contains(&d.rule)))
        {
            fixed.refused =
                Some(format!("the fixed text would not read ({}); the file is left as it is (this is a bug in tsq)", bad.message));
            break;
        }
    }
    if fixed.refused.is_none() && !converged {
        fixed.refused =
            Some(format!("fixes still change the file after {MAX_ROUNDS} rounds; the file is left as it is (this is a bug in tsq)"));
    }
    if fixed.refused.is_none() {
        let before = error_counts(&check(source.encode(&source.text))?);
        let after = error_counts(&results);
        if let Some((rule, n)) = after.iter().find(|(rule, n)| before.get(*rule).is_none_or(|b| *n > b)) {
            fixed.refused = Some(format!("the fixes would add `{rule}` errors ({n} after fixing); the file is left as it is"));
        }
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

/// Error-level findings per rule.
fn error_counts(results: &[FileResult]) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for d in results.iter().flat_map(|r| &r.diagnostics).filter(|d| d.severity == crate::diagnostic::Severity::Error) {
        *out.entry(d.rule).or_insert(0) += 1;
    }
    out
}
