//! `tsq show --format markdown`: documentation of a task sequence, a heading per group with a
//! table of its steps (conditions, variables with secrets masked, references), then the
//! sequence's reference list.

use super::{Named, depth, marks, md_cell, md_code, short_type, shown_value};
use crate::diff::facts::Facts;
use std::fmt::Write as _;

/// The details cell of a step: its description, action, variables and references.
fn details(f: &Facts) -> String {
    let mut parts = Vec::new();
    if let Some(d) = f.attrs.get("description").filter(|d| !d.trim().is_empty()) {
        parts.push(md_cell(d));
    }
    for (k, v) in f.attrs.iter().filter(|(k, _)| k.as_str() != "description") {
        parts.push(format!("{} = {}", md_cell(k), md_code(v)));
    }
    if let Some(a) = &f.action {
        parts.push(format!("action: {}", md_code(a)));
    }
    for v in f.variables.values() {
        let lines: Vec<String> = shown_value(v).lines().map(md_code).collect();
        parts.push(format!("{} = {}", md_cell(&v.name), lines.join("<br>")));
    }
    for (name, script) in f.scripts.values() {
        parts.push(format!("{}: script of {} lines", md_cell(name), script.lines().count()));
    }
    if !f.references.is_empty() {
        let refs: Vec<String> = f.references.iter().map(|r| md_code(r)).collect();
        parts.push(format!("uses {}", refs.join(", ")));
    }
    parts.join("<br>")
}

fn step_row(out: &mut String, f: &Facts) {
    let name = if f.disabled { format!("~~{}~~", md_cell(&f.name)) } else { md_cell(&f.name) };
    let kind = if f.is_group() { "group".to_owned() } else { md_code(short_type(&f.type_name)) };
    let cond = f.condition.as_deref().map(md_code).unwrap_or_default();
    let _ = writeln!(out, "| {} | {name} | {kind} | {cond} | {} | {} |", f.number, marks(f).join(", "), details(f));
}

const TABLE_HEAD: &str = "| # | step | type | condition | marks | details |\n|---:|---|---|---|---|---|\n";

/// The Markdown document.
#[must_use]
pub fn markdown(seq: &Named<'_>) -> String {
    let all = seq.facts();
    let mut out = format!("# {}\n\n", md_cell(&seq.title()));
    let _ = writeln!(out, "Source: {} ({}, {} groups and steps).\n", md_code(seq.path), seq.ts.format.name(), all.len());
    if let Some(d) = seq.ts.sequence.attrs.get("description").map(|v| v.text()).filter(|d| !d.trim().is_empty()) {
        let _ = writeln!(out, "{}\n", md_cell(&d));
    }
    if !seq.ts.sequence.globals.is_empty() {
        out.push_str("## Global variables\n\n| variable | value |\n|---|---|\n");
        for v in &seq.ts.sequence.globals {
            let var = crate::diff::facts::VarFact::of(v);
            let _ = writeln!(out, "| {} | {} |", md_cell(&var.name), md_code(shown_value(&var)));
        }
        out.push('\n');
    }
    // Top-level steps first, then each group in document order with its direct steps.
    let top: Vec<&Facts> = all.iter().filter(|f| f.parent.is_none() && !f.is_group()).collect();
    if !top.is_empty() {
        out.push_str("## Top-level steps\n\n");
        out.push_str(TABLE_HEAD);
        for f in top {
            step_row(&mut out, f);
        }
        out.push('\n');
    }
    for g in all.iter().filter(|f| f.is_group()) {
        let level = (depth(&all, g) + 2).min(6);
        let m = marks(g);
        let m = if m.is_empty() { String::new() } else { format!(" ({})", m.join(", ")) };
        let name = if g.disabled { format!("~~{}~~", md_cell(&g.name)) } else { md_cell(&g.name) };
        let _ = writeln!(out, "{} {name} (#{}){m}\n", "#".repeat(level), g.number);
        let _ = writeln!(out, "Path: {}\n", md_code(&g.path));
        if let Some(c) = &g.condition {
            let _ = writeln!(out, "Runs if {}\n", md_code(c));
        }
        if let Some(d) = g.attrs.get("description").filter(|d| !d.trim().is_empty()) {
            let _ = writeln!(out, "{}\n", md_cell(d));
        }
        let children: Vec<&Facts> = g.children.iter().filter_map(|c| all.get(*c)).collect();
        if children.is_empty() {
            out.push_str("(empty group)\n\n");
            continue;
        }
        out.push_str(TABLE_HEAD);
        for f in children {
            step_row(&mut out, f);
        }
        out.push('\n');
    }
    let refs = &seq.ts.sequence.references;
    let pkg_refs: Vec<_> = seq.ts.package.iter().flat_map(|p| p.references.iter().flatten()).collect();
    if !refs.is_empty() || !pkg_refs.is_empty() {
        out.push_str("## References\n\n| ID | kind | program |\n|---|---|---|\n");
        for r in refs {
            let kind = if r.attrs.get("application").is_some() { "application" } else { "package" };
            let id = r.target().map(|v| v.text().into_owned()).unwrap_or_default();
            let program = r.attrs.get("program").map(|v| v.text().into_owned()).unwrap_or_default();
            let _ = writeln!(out, "| {} | {kind} | {} |", md_code(&id), md_cell(&program));
        }
        if refs.is_empty() {
            for r in pkg_refs {
                let id = r.package.as_ref().map(|v| v.text().into_owned()).unwrap_or_default();
                let kind = if r.kind.as_ref().is_some_and(|v| v.text().trim() == "1") { "application" } else { "package" };
                let program = r.program.as_ref().map(|v| v.text().into_owned()).unwrap_or_default();
                let _ = writeln!(out, "| {} | {kind} | {} |", md_code(&id), md_cell(&program));
            }
        }
        out.push('\n');
    }
    out
}
