//! `tsq diff OLD NEW`: the semantic difference of two task sequences. Exit 0 when they mean the
//! same, 1 when they differ, 2 on error (as `diff` does).

use super::show::{Color, open_one};
use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::container::Format;
use crate::render::{Style, diff_text};
use std::io::Write;
use std::path::PathBuf;

/// The output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DiffFormat {
    /// Text for a terminal, with instruction numbers on both sides.
    Human,
    /// A pull-request comment: summary first, details collapsible.
    Markdown,
    /// JSON (docs/diff.md).
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
    /// The old version: a file, `archive.zip!SMS_TaskSequencePackage/<ID>/object.xml`, or `-`.
    old: PathBuf,
    /// The new version (as OLD).
    new: PathBuf,
    /// The output format.
    #[arg(long, value_enum, default_value = "human")]
    format: DiffFormat,
    /// When to use colour in the human format.
    #[arg(long, value_enum, default_value = "auto")]
    color: Color,
    /// The name to print for standard input.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
    /// Read both files as this container format instead of detecting it.
    #[arg(long, value_enum, value_name = "FORMAT")]
    input_format: Option<Format>,
}

pub(crate) fn run(args: &DiffArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<u8> {
    if args.old.as_os_str() == "-" && args.new.as_os_str() == "-" {
        writeln!(err, "tsq: only one side of a diff can be standard input")?;
        return Ok(EXIT_ERROR);
    }
    let stdin = args.stdin_filename.as_deref();
    let (old, new) = match (open_one(&args.old, args.input_format, stdin), open_one(&args.new, args.input_format, stdin)) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            for e in [o.err(), n.err()].into_iter().flatten() {
                writeln!(err, "tsq: {e}")?;
            }
            return Ok(EXIT_ERROR);
        }
    };
    let d = crate::diff::diff(&old.0, &old.1, &new.0, &new.1);
    match args.format {
        DiffFormat::Human => out.write_all(diff_text::human(&d, Style::new(args.color.enabled())).as_bytes())?,
        DiffFormat::Markdown => out.write_all(diff_text::markdown(&d).as_bytes())?,
        DiffFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &d)?;
            writeln!(out)?;
        }
    }
    Ok(if d.is_empty() { EXIT_OK } else { EXIT_FINDINGS })
}
