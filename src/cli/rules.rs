//! `tsq rules` and `tsq explain`.

use super::{EXIT_ERROR, EXIT_OK};
use crate::rules::{RULES, find};
use std::io::Write;

/// Arguments of `tsq rules`.
#[derive(Debug, clap::Args)]
pub(crate) struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: ListFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ListFormat {
    Human,
    Json,
}

/// Arguments of `tsq explain`.
#[derive(Debug, clap::Args)]
pub(crate) struct ExplainArgs {
    /// The rule's name, as `tsq rules` lists it.
    rule: String,
}

pub(crate) fn list(args: &RulesArgs, out: &mut dyn Write) -> std::io::Result<u8> {
    match args.format {
        ListFormat::Json => {
            let rules: Vec<_> = RULES
                .iter()
                .map(|r| {
                    let m = r.meta();
                    serde_json::json!({ "name": m.name, "category": m.category, "severity": m.severity, "fix": r.fix_kind(), "summary": m.summary })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &rules)?;
            writeln!(out)?;
        }
        ListFormat::Human => {
            let width = RULES.iter().map(|r| r.meta().name.len()).max().unwrap_or(0);
            for r in RULES {
                let m = r.meta();
                let fix = match r.fix_kind() {
                    crate::fix::FixKind::None => "",
                    crate::fix::FixKind::Safe => "fix",
                    crate::fix::FixKind::Unsafe | crate::fix::FixKind::Both => "fix*",
                };
                writeln!(out, "{:width$}  {:12} {:8} {:4} {}", m.name, m.category.name(), m.severity.name(), fix, m.summary)?;
            }
        }
    }
    Ok(EXIT_OK)
}

pub(crate) fn explain(args: &ExplainArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<u8> {
    let Some(rule) = find(&args.rule) else {
        writeln!(err, "tsq: unknown rule `{}` (see `tsq rules`)", args.rule)?;
        return Ok(EXIT_ERROR);
    };
    let m = rule.meta();
    writeln!(out, "{} ({}, {} by default, fix: {})\n", m.name, m.category.name(), m.severity.name(), rule.fix_kind().name())?;
    write!(out, "{}", m.docs)?;
    Ok(EXIT_OK)
}
