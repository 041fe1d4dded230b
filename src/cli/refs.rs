//! `tsq refs`: the references of task sequences as a table or JSON, or `--write` to recompute
//! the reference lists (see [`crate::refs`]).

use super::output::write_to;
use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, ReadArgs, read_input};
use crate::container::{LayoutCache, TaskSequence};
use crate::inputs::{Input, display, expand};
use crate::inventory::Inventory;
use crate::refs::{Reference, list_is_current, report};
use crate::workspace::{Options, Workspace};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

/// Output format of `tsq refs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum RefsFormat {
    /// A table per task sequence.
    Human,
    /// A JSON array (schema in docs/convert.md).
    Json,
}

/// Arguments of `tsq refs`.
#[derive(Debug, clap::Args)]
pub(crate) struct RefsArgs {
    #[command(flatten)]
    read: ReadArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: RefsFormat,
    /// What the target site has (package IDs, application model names); repeatable.
    #[arg(long, value_name = "FILE")]
    inventory: Vec<PathBuf>,
    /// Recompute `<referenceList>` (and an export's References and ReferencesCount) from the
    /// steps and rewrite the file in place, changing nothing else.
    #[arg(long)]
    write: bool,
}

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    }
}

/// The table of one task sequence.
fn table(path: &str, ts: &TaskSequence, refs: &[Reference], out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{path} ({})", ts.format.name())?;
    if refs.is_empty() {
        writeln!(out, "  no references")?;
    } else {
        let has_pkg = ts.package.as_ref().is_some_and(|p| p.references.is_some());
        let header = ["KIND", "ID", "LISTED", "SHIPPED", "INVENTORY", "USED BY"];
        let rows: Vec<[String; 6]> = refs
            .iter()
            .map(|r| {
                let listed = match (r.in_reference_list, r.in_package_references) {
                    (true, Some(true)) => "yes".to_owned(),
                    (true, _) => if has_pkg { "list only" } else { "yes" }.to_owned(),
                    (false, Some(true)) => "package only".to_owned(),
                    (false, _) => "no".to_owned(),
                };
                let used: Vec<String> = r
                    .uses
                    .iter()
                    .map(|u| format!("#{} {} ({}){}", u.number, u.step, u.source, if u.disabled { " [disabled]" } else { "" }))
                    .collect();
                let used = if used.is_empty() { "-".to_owned() } else { used.join("; ") };
                [r.kind.name().to_owned(), r.id.clone(), listed, yes_no(Some(r.shipped)).to_owned(), yes_no(r.inventory).to_owned(), used]
            })
            .collect();
        let mut widths = header.map(str::len);
        for row in &rows {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |cells: [&str; 6], out: &mut dyn Write| -> std::io::Result<()> {
            let mut s = String::from(" ");
            for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
                s.push(' ');
                s.push_str(c);
                if i + 1 < cells.len() {
                    s.push_str(&" ".repeat(w - c.chars().count() + 1));
                }
            }
            writeln!(out, "{}", s.trim_end())
        };
        line(header, out)?;
        for row in &rows {
            line([&row[0], &row[1], &row[2], &row[3], &row[4], &row[5]], out)?;
        }
    }
    if list_is_current(&ts.sequence) {
        writeln!(out, "  <referenceList> matches the enabled steps")?;
    } else {
        writeln!(out, "  <referenceList> differs from the enabled steps (`tsq refs --write` recomputes it)")?;
    }
    Ok(())
}

pub(crate) fn run(args: &RefsArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<u8> {
    let inventory = match Inventory::load_all(&args.inventory) {
        Ok(i) => i,
        Err(e) => {
            writeln!(err, "tsq: {e}")?;
            return Ok(EXIT_ERROR);
        }
    };
    let (inputs, errors) = expand(&args.read.paths, args.read.stdin_filename.as_deref());
    let mut code = EXIT_OK;
    for e in &errors {
        writeln!(err, "tsq: {}: {}", display(&e.path), e.message)?;
        code = EXIT_ERROR;
    }
    let layouts = LayoutCache::default();
    let mut items = Vec::new();
    let mut first = true;
    let workspace = Workspace::new(Options::default());
    for input in &inputs {
        // A walk skips what `exclude` in tsq.toml excludes, as `check` and `fmt` do.
        if let Input::Walked(p) = input {
            match workspace.is_excluded(p) {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => {
                    writeln!(err, "tsq: {e}")?;
                    return Ok(EXIT_ERROR);
                }
            }
        }
        let loaded = match read_input(input, args.read.input_format, &layouts) {
            Ok(l) => l,
            Err(msg) => {
                writeln!(err, "tsq: {msg}")?;
                code = EXIT_ERROR;
                continue;
            }
        };
        for l in loaded {
            let (ts, source) = match (&l.result, &l.source) {
                (Ok(ts), Some(src)) => (ts, src),
                (Err(p), _) => {
                    super::print_problem(&l, p, err)?;
                    code = code.max(EXIT_FINDINGS);
                    continue;
                }
                (Ok(_), None) => continue,
            };
            if args.write {
                code = code.max(write_one(input, &l.path, source, ts, out, err)?);
                continue;
            }
            let refs = report(ts, inventory.as_ref());
            match args.format {
                RefsFormat::Human => {
                    if !first {
                        writeln!(out)?;
                    }
                    first = false;
                    table(&l.path, ts, &refs, out)?;
                }
                RefsFormat::Json => items.push(json!({
                    "path": l.path,
                    "format": ts.format.name(),
                    "referenceListCurrent": list_is_current(&ts.sequence),
                    "references": refs,
                })),
            }
        }
    }
    if args.format == RefsFormat::Json && !args.write {
        serde_json::to_writer_pretty(&mut *out, &items)?;
        writeln!(out)?;
    }
    Ok(code)
}

/// `--write` for one task sequence: rewrite its file, or print it for standard input.
fn write_one(
    input: &Input,
    name: &str,
    source: &crate::source::SourceFile,
    ts: &TaskSequence,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<u8> {
    if name.contains(".zip!") || name.ends_with(".zip") {
        writeln!(err, "tsq: {name}: archive members are not rewritten; unzip the export and run `tsq refs --write` on its object.xml")?;
        return Ok(EXIT_ERROR);
    }
    let text = match crate::refs::write(source, ts) {
        Ok(Some(t)) => t,
        Ok(None) => {
            if input.path().is_none() {
                out.write_all(&source.encode(&source.text))?;
            }
            writeln!(err, "tsq refs: {name}: the reference lists are current")?;
            return Ok(EXIT_OK);
        }
        Err(msg) => {
            writeln!(err, "tsq: {name}: {msg}")?;
            return Ok(EXIT_ERROR);
        }
    };
    let target = input.path().map_or_else(|| PathBuf::from("-"), std::path::Path::to_path_buf);
    if let Err(e) = write_to(&target, Some(&source.encode(&source.text)), &source.encode(&text), out) {
        writeln!(err, "tsq: {name}: cannot write the file: {e}")?;
        return Ok(EXIT_ERROR);
    }
    writeln!(err, "tsq refs: {name}: reference lists rewritten")?;
    Ok(EXIT_OK)
}
