//! `tsq check`: lint files in parallel and report.

use super::{EXIT_ERROR, ReadArgs, read_input};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::inputs::{Input, expand};
use crate::inventory::Inventory;
use crate::lint::{FileResult, Settings, check};
use crate::report::Unreadable;
use crate::report::options::{ReportArgs, finish, rules_that_ran};
use crate::source::SourceFile;
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

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
    /// Site inventory (CSV or JSON list of package IDs and application IDs/names).
    #[arg(long, value_name = "FILE")]
    inventory: Option<PathBuf>,
    #[command(flatten)]
    report: ReportArgs,
}

/// The settings that apply to a file in `dir`: `--config`, or the nearest tsq.toml.
struct SettingsCache<'a> {
    args: &'a CheckArgs,
    inventory: Option<Inventory>,
    by_config: HashMap<Option<PathBuf>, std::sync::Arc<Settings>>,
}

impl SettingsCache<'_> {
    fn get(&mut self, dir: &Path) -> Result<std::sync::Arc<Settings>, String> {
        let path = match &self.args.config {
            Some(p) => Some(p.clone()),
            None => Config::discover(dir),
        };
        if let Some(s) = self.by_config.get(&path) {
            return Ok(s.clone());
        }
        let config = match &path {
            Some(p) => Config::load(p).map_err(|e| e.to_string())?,
            None => Config::default(),
        };
        let settings = std::sync::Arc::new(Settings {
            config,
            select: self.args.select.clone(),
            ignore: self.args.ignore.clone(),
            inventory: self.inventory.clone(),
        });
        self.by_config.insert(path, settings.clone());
        Ok(settings)
    }
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
    let inventory = match &args.inventory {
        Some(p) => match Inventory::load(p) {
            Ok(i) => Some(i),
            Err(msg) => {
                writeln!(err, "tsq: {msg}")?;
                return Ok(EXIT_ERROR);
            }
        },
        None => None,
    };
    let (inputs, input_errors) = expand(&args.read.paths, args.read.stdin_filename.as_deref());
    let mut unreadable = Vec::new();
    for e in &input_errors {
        let path = crate::inputs::display(&e.path);
        writeln!(err, "tsq: {path}: {}", e.message)?;
        unreadable.push(Unreadable { message: format!("{path}: {}", e.message), path });
    }
    // Resolve settings per input up front (config discovery and parsing are sequential).
    let mut cache = SettingsCache { args, inventory, by_config: HashMap::new() };
    let mut jobs = Vec::new();
    for input in inputs {
        let dir = match &input {
            Input::File(p) => p.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            Input::Stdin(name) => Path::new(name).parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        };
        let dir = if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir };
        match cache.get(&dir) {
            Ok(s) => jobs.push((input, s)),
            Err(msg) => {
                writeln!(err, "tsq: {msg}")?;
                return Ok(EXIT_ERROR);
            }
        }
    }
    let outcomes: Vec<Result<Vec<FileResult>, String>> = jobs
        .par_iter()
        .map(|(input, settings)| {
            if let Input::File(p) = input
                && settings.config.excluded(&crate::inputs::display(p))
            {
                return Ok(Vec::new());
            }
            let loaded = read_input(input, args.read.input_format)?;
            Ok(loaded.into_iter().map(|l| check(l, settings)).collect())
        })
        .collect();
    let mut results = Vec::new();
    for (o, (input, _)) in outcomes.into_iter().zip(&jobs) {
        match o {
            Ok(r) => results.extend(r),
            Err(msg) => {
                writeln!(err, "tsq: {msg}")?;
                let path = match input {
                    Input::File(p) => crate::inputs::display(p),
                    Input::Stdin(name) => name.clone(),
                };
                unreadable.push(Unreadable { path, message: msg });
            }
        }
    }
    results.extend(unused_config_suppressions(&cache, &results));
    let ran = rules_that_ran(cache.by_config.values().map(|s| &**s));
    finish(results, &unreadable, &ran, &args.report, out, err)
}

/// `unused-suppression` findings for config `[[suppress]]` entries that silenced nothing,
/// reported against the config file.
fn unused_config_suppressions(cache: &SettingsCache<'_>, results: &[FileResult]) -> Vec<FileResult> {
    let mut out = Vec::new();
    let Some(rule) = crate::rules::find("unused-suppression") else { return out };
    for settings in cache.by_config.values() {
        let Some(path) = &settings.config.path else { continue };
        let Some(sev) = settings.level(rule) else { continue };
        let display = crate::inputs::display(path);
        let used: Vec<usize> = results.iter().flat_map(|r| r.used_suppressions.iter().copied()).collect();
        let diagnostics: Vec<Diagnostic> = settings
            .config
            .suppress
            .iter()
            .enumerate()
            .filter(|(i, _)| !used.contains(i))
            .map(|(_, s)| {
                Diagnostic::new(rule.meta().name, sev, s.span, format!("`[[suppress]]` for `{}` suppresses nothing", s.rule))
                    .with_help("remove the entry, or correct its `path` or `step`")
            })
            .collect();
        if !diagnostics.is_empty() {
            let source = Some(SourceFile::from_text(display.clone(), settings.config.text.clone()));
            out.push(FileResult { path: display, source, diagnostics, used_suppressions: Vec::new(), suppressed: Vec::new() });
        }
    }
    out
}
