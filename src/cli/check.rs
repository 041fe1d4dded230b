//! `tsq check`: lint files in parallel and report.

use super::fix::{FixMode, fix_input};
use super::progress::Progress;
use super::{EXIT_ERROR, EXIT_FINDINGS, ReadArgs, input_path, read_bytes};
use crate::fix::Applicability;
use crate::inputs::{Input, expand};
use crate::inventory::Inventory;
use crate::lint::FileResult;
use crate::report::options::{ReportArgs, finish, rules_that_ran};
use crate::report::{OutputFormat, Unreadable};
use crate::workspace::{Options, Workspace};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Arguments of `tsq check`.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    read: ReadArgs,
    /// Use this configuration file instead of looking for tsq.toml.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Run only these rules or categories (repeatable, or comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    select: Vec<String>,
    /// Do not run these rules or categories (repeatable, or comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    ignore: Vec<String>,
    /// What the target site has (repeatable; merged): CSV, JSON or a plain list of package IDs
    /// and application model names. References must then be on the site or in the export.
    #[arg(long, value_name = "FILE")]
    inventory: Vec<PathBuf>,
    /// Apply `exclude` to files named on the command line too (they are checked otherwise).
    #[arg(long)]
    force_exclude: bool,
    /// Apply safe fixes, then report what remains.
    #[arg(long)]
    fix: bool,
    /// With `--fix`, `--fix-only` or `--diff`, apply unsafe fixes too.
    #[arg(long)]
    unsafe_fixes: bool,
    /// Apply fixes and report only what was fixed.
    #[arg(long)]
    fix_only: bool,
    /// Print the fixes as a unified diff instead of writing them (exit 1 when there is one).
    #[arg(long)]
    diff: bool,
    #[command(flatten)]
    report: ReportArgs,
}

/// Counts a file as done when dropped, however its check ended.
struct Done<'a>(&'a Progress);

impl Drop for Done<'_> {
    fn drop(&mut self) {
        self.0.inc();
    }
}

/// `n` and the noun, plural when `n` is not 1.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 { noun.to_owned() } else { format!("{noun}s") }
}

fn validate_names(names: &[String]) -> Result<(), String> {
    for n in names {
        let known = crate::rules::find(n).is_some() || crate::rules::RULES.iter().any(|r| r.meta().category.name() == *n);
        if !known {
            return Err(format!("unknown rule or category `{n}` (see `tsq rules`)"));
        }
    }
    Ok(())
}

pub(crate) fn run(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<u8> {
    if let Err(msg) = validate_names(&args.select).and_then(|()| validate_names(&args.ignore)) {
        writeln!(err, "tsq: {msg}")?;
        return Ok(EXIT_ERROR);
    }
    let inventory = match Inventory::load_all(&args.inventory) {
        Ok(i) => i,
        Err(msg) => {
            writeln!(err, "tsq: {msg}")?;
            return Ok(EXIT_ERROR);
        }
    };
    let options = Options {
        config: args.config.clone(),
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        inventory,
        input_format: args.read.input_format,
    };
    let workspace = Workspace::new(options);
    let (inputs, input_errors) = expand(&args.read.paths, args.read.stdin_filename.as_deref());
    let mut unreadable = Vec::new();
    for e in &input_errors {
        let path = crate::inputs::display(&e.path);
        writeln!(err, "tsq: {path}: {}", e.message)?;
        unreadable.push(Unreadable { message: format!("{path}: {}", e.message), path });
    }
    // Configurations are read up front, in order, so that a broken one stops the run before any
    // file is checked.
    for input in &inputs {
        if let Err(e) = workspace.settings_for(&input_path(input)) {
            writeln!(err, "tsq: {e}")?;
            return Ok(EXIT_ERROR);
        }
    }
    let fixing = (args.fix || args.fix_only || args.diff)
        .then_some(FixMode { min: if args.unsafe_fixes { Applicability::Unsafe } else { Applicability::Safe }, write: !args.diff });
    let fixes = std::sync::Mutex::new(Vec::new());
    let for_people = matches!(args.report.format, OutputFormat::Human | OutputFormat::Concise);
    let progress = Progress::new(inputs.len(), for_people && std::io::stderr().is_terminal());
    let check_one = |input: &Input| {
        let path = input_path(input);
        // A file named on the command line is checked even when excluded, unless
        // `--force-exclude` (as ruff does); files found by a walk are skipped.
        let walked = matches!(input, Input::Walked(_));
        if (walked || args.force_exclude) && workspace.is_excluded(&path).map_err(|e| e.to_string())? {
            return Ok(Vec::new());
        }
        let _done = Done(&progress);
        if let Some(mode) = fixing {
            let (results, fixed) = fix_input(&workspace, input, mode)?;
            fixes.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(fixed);
            return Ok(results);
        }
        match input {
            Input::File(p) | Input::Walked(p) => workspace.check_path(p, &crate::inputs::display(p), walked),
            Input::Stdin(_) => {
                let (display, bytes) = read_bytes(input)?;
                workspace.check(&path, &display, bytes).map_err(|e| e.to_string())
            }
        }
    };
    // One input is checked on this thread: starting the thread pool would cost more than it saves.
    let outcomes: Vec<Result<Vec<FileResult>, String>> =
        if inputs.len() > 1 { inputs.par_iter().map(check_one).collect() } else { inputs.iter().map(check_one).collect() };
    progress.finish();
    let mut results = Vec::new();
    for (o, input) in outcomes.into_iter().zip(&inputs) {
        match o {
            Ok(r) => results.extend(r),
            Err(msg) => {
                writeln!(err, "tsq: {msg}")?;
                let path = match input {
                    Input::File(p) | Input::Walked(p) => crate::inputs::display(p),
                    Input::Stdin(name) => name.clone(),
                };
                unreadable.push(Unreadable { path, message: msg });
            }
        }
    }
    let walked: Vec<PathBuf> = args.read.paths.iter().filter(|p| p.is_dir()).cloned().collect();
    results.extend(workspace.unused_suppressions(&results, &walked));
    if fixing.is_some() {
        let mut fixes = fixes.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        fixes.sort_by(|a, b| a.display.cmp(&b.display));
        let (changed, count) = (fixes.iter().filter(|f| f.count > 0).count(), fixes.iter().map(|f| f.count).sum::<usize>());
        for f in &fixes {
            if let Some(why) = &f.refused {
                writeln!(err, "tsq: {}: {why}", f.display)?;
                unreadable.push(Unreadable { path: f.display.clone(), message: format!("{}: {why}", f.display) });
            }
            if let Some(diff) = &f.diff {
                write!(out, "{diff}")?;
            }
            if let Some(bytes) = &f.stdin {
                out.write_all(bytes)?;
            }
        }
        let verb = if args.diff { "would fix" } else { "fixed" };
        writeln!(err, "tsq: {verb} {count} {} in {changed} {}", plural(count, "finding"), plural(changed, "file"))?;
        if args.diff || args.fix_only || fixes.iter().any(|f| f.stdin.is_some()) {
            let failed = if args.diff && count > 0 { EXIT_FINDINGS } else { 0 };
            return Ok(if unreadable.is_empty() { failed } else { EXIT_ERROR });
        }
    }
    let ran = rules_that_ran(workspace.loaded_settings().iter().map(|s| &**s));
    finish(results, &unreadable, &ran, &args.report, out, err)
}
