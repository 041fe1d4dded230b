//! `tsq redact`: clear the clear-text secrets of a task sequence (see [`crate::redact`]).

use super::output::write_to;
use super::{EXIT_ERROR, EXIT_OK};
use crate::inputs::{Input, display, expand};
use crate::source::SourceFile;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `tsq redact`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["output", "in_place"])))]
pub(crate) struct RedactArgs {
    /// The task sequence file (`-` reads standard input).
    path: PathBuf,
    /// Write the redacted file here (`-` for standard output).
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Replace the file itself (atomically).
    #[arg(long)]
    in_place: bool,
    /// Write this text instead of an empty value (it must not itself read as a secret, e.g. `%REDACTED%`).
    #[arg(long, value_name = "TEXT", default_value = "")]
    placeholder: String,
}

pub(crate) fn run(args: &RedactArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<u8> {
    let (inputs, errors) = expand(std::slice::from_ref(&args.path), None);
    if let Some(e) = errors.first() {
        writeln!(err, "tsq: {}: {}", display(&e.path), e.message)?;
        return Ok(EXIT_ERROR);
    }
    let Some(input) = inputs.first() else {
        writeln!(err, "tsq: {}: no task sequence file to redact", display(&args.path))?;
        return Ok(EXIT_ERROR);
    };
    if matches!(input, Input::Walked(_)) {
        writeln!(err, "tsq: {}: redact takes one file, not a directory", display(&args.path))?;
        return Ok(EXIT_ERROR);
    }
    if args.in_place && matches!(input, Input::Stdin(_)) {
        writeln!(err, "tsq: --in-place cannot rewrite standard input; use -o")?;
        return Ok(EXIT_ERROR);
    }
    let (name, bytes) = match super::read_bytes(input) {
        Ok(b) => b,
        Err(msg) => {
            writeln!(err, "tsq: {msg}")?;
            return Ok(EXIT_ERROR);
        }
    };
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        writeln!(
            err,
            "tsq: {name}: zip archives are not redacted; unzip the export and redact its SMS_TaskSequencePackage/<ID>/object.xml"
        )?;
        return Ok(EXIT_ERROR);
    }
    let source = match SourceFile::decode(name.clone(), bytes) {
        Ok(s) => s,
        Err(e) => {
            writeln!(err, "tsq: {name}: the file cannot be decoded: {e}")?;
            return Ok(EXIT_ERROR);
        }
    };
    let redacted = match crate::redact::redact(&source, &args.placeholder) {
        Ok(r) => r,
        Err(msg) => {
            writeln!(err, "tsq: {name}: {msg}")?;
            return Ok(EXIT_ERROR);
        }
    };
    let target = if args.in_place { args.path.clone() } else { args.output.clone().unwrap_or_else(|| PathBuf::from("-")) };
    let original = args.in_place.then(|| source.encode(&source.text));
    if let Err(e) = write_to(&target, original.as_deref(), &source.encode(&redacted.text), out) {
        writeln!(err, "tsq: {}: cannot write the file: {e}", display(&target))?;
        return Ok(EXIT_ERROR);
    }
    let values = if redacted.cleared == 1 { "value" } else { "values" };
    writeln!(err, "tsq redact: {} secret {values} cleared in {name}", redacted.cleared)?;
    Ok(EXIT_OK)
}
