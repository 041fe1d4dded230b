//! `tsq fmt`: rewrite task sequences in the canonical layout (through [`crate::writer::file`], only
//! when the text changes), or with `--check`/`--diff` report what would change.

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::inputs::{Input, display, expand};
use crate::source::SourceFile;
use crate::span::LineIndex;
use crate::workspace::{Options, Workspace};
use crate::writer::{FormatError, format};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Arguments of `tsq fmt`.
#[derive(Debug, clap::Args)]
pub(crate) struct FmtArgs {
    /// Files or directories (walked for *.xml, honouring .gitignore; archives are skipped); `-` formats stdin to stdout.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Change nothing; exit 1 and print `would reformat: PATH` for each file that would change.
    #[arg(long)]
    check: bool,
    /// Change nothing; print a unified diff of each change and exit 1 if there is any.
    #[arg(long)]
    diff: bool,
    /// The name to print for standard input.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
    /// Use this configuration file (for `exclude`) instead of looking for tsq.toml.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Apply `exclude` to files named on the command line too (they are formatted otherwise).
    #[arg(long)]
    force_exclude: bool,
}

/// What happened to one input.
enum Outcome {
    Unchanged,
    Changed,
    Skipped,
    Failed(u8),
}

pub(crate) fn run(args: &FmtArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<u8> {
    let (inputs, errors) = expand(&args.paths, args.stdin_filename.as_deref());
    let mut code = EXIT_OK;
    for e in &errors {
        writeln!(err, "tsq: {}: {}", display(&e.path), e.message)?;
        code = EXIT_ERROR;
    }
    let (mut changed, mut unchanged, mut not_formatted) = (0usize, 0usize, 0usize);
    let workspace = Workspace::new(Options { config: args.config.clone(), ..Options::default() });
    for input in &inputs {
        // `exclude` applies to walked files, and to named ones with `--force-exclude`.
        let named = !matches!(input, Input::Walked(_));
        if !named || args.force_exclude {
            match workspace.is_excluded(&super::input_path(input)) {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => {
                    writeln!(err, "tsq: {e}")?;
                    return Ok(EXIT_ERROR);
                }
            }
        }
        let outcome = match input {
            // A walk formats task sequences only, as `check` checks only them.
            Input::Walked(p) if !crate::container::walked_file_has_task_sequence(p) => continue,
            Input::File(p) | Input::Walked(p) => file(args, p, out, err)?,
            Input::Stdin(name) => stdin(args, name, out, err)?,
        };
        match outcome {
            Outcome::Unchanged => unchanged += 1,
            Outcome::Changed => {
                changed += 1;
                if args.check || args.diff {
                    code = code.max(EXIT_FINDINGS);
                }
            }
            Outcome::Skipped => not_formatted += 1,
            Outcome::Failed(c) => {
                not_formatted += 1;
                code = code.max(c);
            }
        }
    }
    let verb = if args.check || args.diff { "would be reformatted" } else { "reformatted" };
    if inputs.iter().any(|i| i.path().is_some()) {
        let skipped = if not_formatted > 0 { format!(", {not_formatted} not formatted") } else { String::new() };
        writeln!(err, "tsq fmt: {changed} {} {verb}, {unchanged} left unchanged{skipped}", plural(changed))?;
    }
    Ok(code)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "file" } else { "files" }
}

/// Format one decoded input; `Err` holds the outcome after reporting why it was not formatted.
fn formatted(source: &SourceFile, err: &mut dyn Write) -> std::io::Result<Result<String, Outcome>> {
    match format(source) {
        Ok(text) => Ok(Ok(text)),
        Err(FormatError::Syntax(p)) => {
            let lc = LineIndex::new(&source.text).line_col(&source.text, p.span.start);
            writeln!(err, "{}:{}:{}: error[{}] {}", source.path, lc.line, lc.column, p.rule, p.message)?;
            Ok(Err(Outcome::Failed(EXIT_FINDINGS)))
        }
        Err(FormatError::Unsupported(why)) => {
            writeln!(err, "note: {}: {why}; skipped", source.path)?;
            Ok(Err(Outcome::Skipped))
        }
        Err(e @ FormatError::Unverified(_)) => {
            writeln!(err, "tsq: {}: {e}", source.path)?;
            Ok(Err(Outcome::Failed(EXIT_ERROR)))
        }
    }
}

/// Decode `bytes` named `name`; `Err` holds the outcome after reporting an archive or undecodable bytes.
fn decode(name: &str, bytes: Vec<u8>, err: &mut dyn Write) -> std::io::Result<Result<SourceFile, Outcome>> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        writeln!(err, "note: {name}: zip archives are not formatted; skipped")?;
        return Ok(Err(Outcome::Skipped));
    }
    match SourceFile::decode(name, bytes) {
        Ok(s) => Ok(Ok(s)),
        Err(e) => {
            writeln!(err, "{name}: error[xml-syntax] the file cannot be decoded: {e}")?;
            Ok(Err(Outcome::Failed(EXIT_FINDINGS)))
        }
    }
}

/// Report a change under `--check`/`--diff`.
fn report(args: &FmtArgs, source: &SourceFile, new: &str, out: &mut dyn Write) -> std::io::Result<()> {
    if args.check {
        writeln!(out, "would reformat: {}", source.path)?;
    }
    if args.diff {
        let diff = similar::TextDiff::from_lines(source.text.as_str(), new);
        let (a, b) = (format!("a/{}", source.path), format!("b/{}", source.path));
        write!(out, "{}", diff.unified_diff().header(&a, &b))?;
    }
    Ok(())
}

fn file(args: &FmtArgs, path: &Path, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Outcome> {
    let name = display(path);
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            writeln!(err, "tsq: {name}: cannot read the file: {e}")?;
            return Ok(Outcome::Failed(EXIT_ERROR));
        }
    };
    let source = match decode(&name, bytes, err)? {
        Ok(s) => s,
        Err(outcome) => return Ok(outcome),
    };
    let new = match formatted(&source, err)? {
        Ok(t) => t,
        Err(outcome) => return Ok(outcome),
    };
    if new == source.text {
        return Ok(Outcome::Unchanged);
    }
    if args.check || args.diff {
        report(args, &source, &new, out)?;
        return Ok(Outcome::Changed);
    }
    // The original bytes, for the check that the file did not change meanwhile (an unchanged
    // encode reproduces them exactly).
    let original = source.encode(&source.text);
    if let Err(e) = crate::writer::file::replace(path, &original, &source.encode(&new)) {
        writeln!(err, "tsq: {name}: cannot write the file: {e}")?;
        return Ok(Outcome::Failed(EXIT_ERROR));
    }
    Ok(Outcome::Changed)
}

fn stdin(args: &FmtArgs, name: &str, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Outcome> {
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
        writeln!(err, "tsq: {name}: cannot read standard input: {e}")?;
        return Ok(Outcome::Failed(EXIT_ERROR));
    }
    let source = match decode(name, bytes, err)? {
        Ok(s) => s,
        Err(outcome) => return Ok(outcome),
    };
    let new = match formatted(&source, err)? {
        Ok(t) => t,
        Err(outcome) => return Ok(outcome),
    };
    let changed = new != source.text;
    if args.check || args.diff {
        if changed {
            report(args, &source, &new, out)?;
        }
    } else {
        out.write_all(&source.encode(&new))?;
    }
    Ok(if changed { Outcome::Changed } else { Outcome::Unchanged })
}
