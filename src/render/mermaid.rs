//! `tsq show --format mermaid`: a Mermaid flowchart. Groups are subgraphs, steps are linked in
//! execution order, conditions label the edge into a step (its own, and those of the groups the
//! edge enters, named), and disabled steps and groups are styled dashed and grey.

use super::{Named, depth, short_type};
use std::fmt::Write as _;

/// Text for a quoted Mermaid label: characters that Mermaid or its HTML labels would interpret
/// are written as entity codes (`#quot;`, `#35;`, …).
fn label(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            '\r' | '\n' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The longest label text kept before it is cut with `…`.
const MAX_LABEL: usize = 120;

fn cut(s: &str) -> String {
    if s.chars().count() > MAX_LABEL { format!("{}…", s.chars().take(MAX_LABEL).collect::<String>()) } else { s.to_owned() }
}

/// The flowchart of one task sequence.
#[must_use]
pub fn mermaid(seq: &Named<'_>) -> String {
    let all = seq.facts();
    let mut out = String::from("flowchart TD\n");
    let _ = writeln!(out, "  start([\"{}\"])", label(&cut(&seq.title())));
    let mut open = 0usize;
    let mut disabled = Vec::new();
    let mut edges = Vec::new();
    let mut prev = "start".to_owned();
    // Conditions of the groups entered since the last step: they label the edge into the next.
    let mut pending: Vec<String> = Vec::new();
    for f in &all {
        let d = depth(&all, f);
        while open > d {
            open -= 1;
            let _ = writeln!(out, "{}end", "  ".repeat(open + 1));
        }
        let pad = "  ".repeat(d + 1);
        let id = format!("n{}", f.number);
        if f.disabled {
            disabled.push(id.clone());
        }
        if f.is_group() {
            if let Some(c) = &f.condition {
                pending.push(format!("{}: if {}", label(&cut(&f.name)), label(&cut(c))));
            }
            let _ = writeln!(out, "{pad}subgraph {id}[\"#{} {}\"]", f.number, label(&cut(&f.name)));
            let _ = writeln!(out, "{pad}  direction TB");
            if f.children.is_empty() {
                let _ = writeln!(out, "{pad}  {id}_empty[\"(empty)\"]");
            }
            open += 1;
        } else {
            let _ = writeln!(
                out,
                "{pad}{id}[\"#{} {}<br/><small>{}</small>\"]",
                f.number,
                label(&cut(&f.name)),
                label(short_type(&f.type_name))
            );
            pending.extend(f.condition.as_ref().map(|c| format!("if {}", label(&cut(c)))));
            let edge =
                if pending.is_empty() { format!("  {prev} --> {id}") } else { format!("  {prev} -->|\"{}\"| {id}", pending.join("<br/>")) };
            pending.clear();
            edges.push(edge);
            prev = id;
        }
    }
    while open > 0 {
        open -= 1;
        let _ = writeln!(out, "{}end", "  ".repeat(open + 1));
    }
    for e in edges {
        let _ = writeln!(out, "{e}");
    }
    out.push_str("  classDef disabled fill:#f3f3f3,stroke:#999,color:#888,stroke-dasharray:5 4\n");
    if !disabled.is_empty() {
        let _ = writeln!(out, "  class {} disabled", disabled.join(","));
    }
    out
}
