//! `tsq show --format tree` (the nested outline with instruction numbers, for a terminal) and
//! `--format text` (every compared value, one per line, no colour, no instruction numbers and no
//! path: stable input for `git diff` through a textconv driver).

use super::{Named, Style, depth, marks, short_type, shown_value};
use std::fmt::Write as _;

/// The header line: title, path and container format.
fn header(seq: &Named<'_>, nodes: usize) -> String {
    format!("{} ({}, {}, {nodes} nodes)", seq.title(), seq.path, seq.ts.format.name())
}

/// The tree: one line per group and step with its instruction number, type, marks and condition.
#[must_use]
pub fn tree(seq: &Named<'_>, style: Style) -> String {
    let all = seq.facts();
    let s = style;
    let mut out = format!("{}{}{}\n", s.bold, header(seq, all.len()), s.reset);
    let width = all.len().saturating_sub(1).to_string().len() + 1;
    for f in &all {
        let indent = "  ".repeat(depth(&all, f));
        let dim = if f.disabled { s.dim } else { "" };
        let number = format!("#{}", f.number);
        let _ = write!(out, "{dim}{number:>width$} {indent}");
        if f.is_group() {
            let _ = write!(out, "▾ {}{}{}{dim}", s.bold, f.name, s.reset);
        } else {
            let _ = write!(out, "• {}  {}{}{}{dim}", f.name, s.cyan, short_type(&f.type_name), s.reset);
        }
        let m = marks(f);
        if !m.is_empty() {
            let _ = write!(out, "  {}[{}]{}{dim}", s.yellow, m.join(", "), s.reset);
        }
        if let Some(c) = &f.condition {
            let _ = write!(out, "  {}if {c}{}", s.cyan, s.reset);
        }
        let _ = writeln!(out, "{}", s.reset);
    }
    out
}

/// One `name = value` line per item, indented.
fn line(out: &mut String, indent: &str, text: &str) {
    let _ = writeln!(out, "{indent}{}", text.replace("\r\n", "\n").replace('\n', &format!("\n{indent}  ")));
}

/// The text form: every value the semantic diff compares, one per line.
#[must_use]
pub fn text(seq: &Named<'_>) -> String {
    let all = seq.facts();
    // No path or title here: git hands textconv a temporary file, and the name is a property.
    let mut out = format!("# {} task sequence, {} groups and steps\n", seq.ts.format.name(), all.len());
    let ts = seq.ts;
    for a in &ts.sequence.attrs.0 {
        line(&mut out, "", &format!("sequence {} = {}", a.name, a.value.text()));
    }
    if let Some(pkg) = &ts.package {
        for p in pkg.properties.iter().filter(|p| !matches!(p.name.as_str(), "Sequence" | "References" | "Icon")) {
            if let Some(v) = &p.value {
                line(&mut out, "", &format!("property {} = {}", p.name, v.text()));
            }
        }
    }
    for v in &ts.sequence.globals {
        let var = crate::diff::facts::VarFact::of(v);
        line(&mut out, "", &format!("global {} = {}", var.name, shown_value(&var)));
    }
    let listed: Vec<String> = ts.sequence.references.iter().filter_map(|r| r.target()).map(|v| v.text().into_owned()).collect();
    if !listed.is_empty() {
        line(&mut out, "", &format!("references {}", listed.join(", ")));
    }
    for f in &all {
        let indent = "  ".repeat(depth(&all, f));
        let what = match f.type_name.as_str() {
            _ if f.is_group() => "group".to_owned(),
            "" => "step".to_owned(),
            t => format!("step ({t})"),
        };
        let m = marks(f);
        let m = if m.is_empty() { String::new() } else { format!(" [{}]", m.join(", ")) };
        let _ = writeln!(out, "{indent}{what} {}{m}", f.name);
        let inner = format!("{indent}    ");
        if let Some(c) = &f.condition {
            line(&mut out, &inner, &format!("if {c}"));
        }
        for (k, v) in &f.attrs {
            line(&mut out, &inner, &format!("{k} = {v}"));
        }
        if let Some(a) = &f.action {
            line(&mut out, &inner, &format!("action = {a}"));
        }
        for v in f.variables.values() {
            line(&mut out, &inner, &format!("variable {} = {}", v.name, shown_value(v)));
        }
        if !f.references.is_empty() {
            line(&mut out, &inner, &format!("uses {}", f.references.iter().cloned().collect::<Vec<_>>().join(", ")));
        }
        for (name, script) in f.scripts.values() {
            let _ = writeln!(out, "{inner}script {name}:");
            for l in script.replace("\r\n", "\n").lines() {
                let _ = writeln!(out, "{inner}  | {l}");
            }
        }
    }
    out
}
