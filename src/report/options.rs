//! The reporting options of `tsq check` and what happens after the rules ran: the baseline, the
//! exit code (`--fail-on`, `--max-warnings`, `--exit-zero`), the format on standard output, the
//! extra reports (`--output FORMAT:PATH`) and `--statistics`.

use super::{OutputFormat, Report, Summary, Unreadable, render};
use crate::baseline::{self, Baseline};
use crate::cli::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::diagnostic::Severity;
use crate::lint::{FileResult, Settings};
use crate::rules::{RULES, Rule};
use clap::ValueEnum;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// When to use colour in the human format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// One `--output FORMAT:PATH`: a report written to a file besides the one on standard output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    /// The format.
    pub format: OutputFormat,
    /// The file (`-` for standard output).
    pub path: PathBuf,
}

/// Parse `FORMAT:PATH`.
pub fn parse_output(s: &str) -> Result<OutputSpec, String> {
    let (format, path) = s.split_once(':').ok_or_else(|| format!("`{s}` is not FORMAT:PATH (e.g. sarif:tsq.sarif)"))?;
    let format = OutputFormat::from_str(format, true).map_err(|_| {
        let names: Vec<String> =
            OutputFormat::value_variants().iter().filter_map(|v| v.to_possible_value()).map(|v| v.get_name().to_owned()).collect();
        format!("unknown format `{format}` (one of {})", names.join(", "))
    })?;
    if path.is_empty() {
        return Err(format!("`{s}` names no file"));
    }
    Ok(OutputSpec { format, path: PathBuf::from(path) })
}

/// The reporting options of `tsq check`.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// Output format on standard output.
    #[arg(long, value_enum, default_value = "human")]
    pub format: OutputFormat,
    /// Also write a report in FORMAT to PATH (repeatable), e.g. `--output sarif:tsq.sarif`.
    #[arg(long, value_name = "FORMAT:PATH", value_parser = parse_output)]
    pub output: Vec<OutputSpec>,
    /// Exit 1 when a finding reaches this severity.
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: Severity,
    /// Exit 1 when there are more than N warnings.
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<usize>,
    /// Exit 0 even when findings would fail the run (2 still means tsq could not do its job).
    #[arg(long)]
    pub exit_zero: bool,
    /// Print the number of findings per rule (after the human or concise report; on standard
    /// error with the other formats).
    #[arg(long)]
    pub statistics: bool,
    /// Include findings silenced by a comment, tsq.toml or the baseline (sarif, json-lines).
    #[arg(long)]
    pub show_suppressed: bool,
    /// Report only the findings that this baseline file does not record.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file, report nothing, and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// When to use colour in the human format.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Color,
}

/// The rules enabled for at least one of `settings`, in registry order.
#[must_use]
pub fn rules_that_ran<'a>(settings: impl IntoIterator<Item = &'a Settings>) -> Vec<&'static dyn Rule> {
    let settings: Vec<&Settings> = settings.into_iter().collect();
    RULES.iter().copied().filter(|r| settings.iter().any(|s| s.level(*r).is_some())).collect()
}

/// The exit code for `results` under `args`, when tsq itself did its job.
#[must_use]
pub fn exit_code(results: &[FileResult], args: &ReportArgs) -> u8 {
    let summary = Summary::of(results);
    let failed = results.iter().flat_map(|r| &r.diagnostics).any(|d| d.severity >= args.fail_on)
        || args.max_warnings.is_some_and(|n| summary.warnings > n);
    if failed && !args.exit_zero { EXIT_FINDINGS } else { EXIT_OK }
}

/// The `--statistics` table: count, rule and severity per rule with findings, most first.
pub fn write_statistics(results: &[FileResult], out: &mut dyn Write) -> std::io::Result<()> {
    let mut counts: BTreeMap<(&str, Severity), usize> = BTreeMap::new();
    for d in results.iter().flat_map(|r| &r.diagnostics) {
        *counts.entry((d.rule, d.severity)).or_insert(0) += 1;
    }
    let mut rows: Vec<((&str, Severity), usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let width = rows.iter().map(|((r, _), _)| r.len()).max().unwrap_or(0);
    for ((rule, severity), n) in rows {
        writeln!(out, "{n:>6}  {rule:<width$}  {}", severity.name())?;
    }
    Ok(())
}

/// Everything after the rules ran: apply or write the baseline, print the report on `out`, write
/// the `--output` files, print the statistics, and return the exit code. `failed_to_read` says
/// whether a path could not be read (messages already printed); `unreadable` lists them.
pub fn finish(
    mut results: Vec<FileResult>,
    unreadable: &[Unreadable],
    ran: &[&'static dyn Rule],
    args: &ReportArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<u8> {
    let read_code = if unreadable.is_empty() { EXIT_OK } else { EXIT_ERROR };
    if let Some(path) = &args.write_baseline {
        return match baseline::write(path, &results) {
            Ok(n) => {
                writeln!(err, "tsq: wrote {n} baseline entries to {}", crate::inputs::display(path))?;
                Ok(read_code)
            }
            Err(msg) => {
                writeln!(err, "tsq: {msg}")?;
                Ok(EXIT_ERROR)
            }
        };
    }
    if let Some(path) = &args.baseline {
        match Baseline::load(path) {
            Ok(b) => {
                let stale = b.apply(&mut results, ran);
                results.extend(stale);
            }
            Err(msg) => {
                writeln!(err, "tsq: {msg}")?;
                return Ok(EXIT_ERROR);
            }
        }
    }
    let mut code = if read_code == EXIT_OK { exit_code(&results, args) } else { read_code };
    let report =
        Report { results: &results, unreadable, rules: ran, show_suppressed: args.show_suppressed, fail_on: args.fail_on, exit_code: code };
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    };
    render(args.format, &report, color, out)?;
    for spec in &args.output {
        let mut buf = Vec::new();
        render(spec.format, &report, false, &mut buf)?;
        let written = if spec.path.as_os_str() == "-" { out.write_all(&buf) } else { std::fs::write(&spec.path, &buf) };
        if let Err(e) = written {
            writeln!(err, "tsq: {}: cannot write the {} report: {e}", crate::inputs::display(&spec.path), spec.format.name())?;
            code = EXIT_ERROR;
        }
    }
    if args.statistics {
        match args.format {
            OutputFormat::Human | OutputFormat::Concise => write_statistics(&results, out)?,
            _ => write_statistics(&results, err)?,
        }
    }
    Ok(code)
}
