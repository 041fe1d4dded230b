//! `tsq show --format html`: one self-contained page (inline CSS, no script, no network) with
//! groups as `<details>`, every step shown (disabled ones greyed, not hidden), conditions and
//! variables per step, and a reference table. Printable: groups print expanded.

use super::{Named, depth, marks, short_type, shown_value};
use crate::diff::facts::Facts;
use crate::writer::escape as esc;
use std::fmt::Write as _;

const CSS: &str = "
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em;color:#1f2328;max-width:75em}
h1{font-size:1.6em;margin-bottom:.2em}
.meta{color:#59636e;margin-top:0}
details{border-left:3px solid #0969da;margin:.4em 0 .4em .2em;padding-left:.8em}
summary{cursor:pointer;font-weight:600;padding:.2em 0}
.step{border:1px solid #d1d9e0;border-radius:6px;margin:.4em 0;padding:.4em .7em;background:#fff}
.num{color:#59636e;font-variant-numeric:tabular-nums;margin-right:.4em}
.type{color:#0550ae;font-family:ui-monospace,monospace;font-size:.9em;margin-left:.5em}
.mark{display:inline-block;font-size:.8em;border-radius:1em;padding:0 .6em;margin-left:.4em;background:#fff8c5;color:#7d4e00}
.disabled,.disabled .type{color:#8c959f}
.step.disabled{background:#f6f8fa;border-style:dashed}
details.disabled{border-left-color:#d1d9e0}
.disabled .name{text-decoration:line-through}
.cond{font-family:ui-monospace,monospace;font-size:.9em;color:#6639ba}
dl{display:grid;grid-template-columns:max-content auto;gap:.1em 1em;margin:.3em 0 0}
dt{color:#59636e}
dd{margin:0;font-family:ui-monospace,monospace;font-size:.9em;white-space:pre-wrap;word-break:break-all}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #d1d9e0;padding:.2em .6em;text-align:left}
.desc{margin:.2em 0;color:#59636e}
pre{background:#f6f8fa;padding:.5em;overflow:auto;max-height:30em;font-size:.85em}
@media print{details>summary{list-style:none}.step{break-inside:avoid}pre{max-height:none}}
";

fn step_body(out: &mut String, f: &Facts) {
    if let Some(d) = f.attrs.get("description").filter(|d| !d.trim().is_empty()) {
        let _ = write!(out, "<p class=\"desc\">{}</p>", esc(d));
    }
    let mut rows: Vec<(String, String)> = Vec::new();
    for (k, v) in f.attrs.iter().filter(|(k, _)| k.as_str() != "description") {
        rows.push((k.clone(), v.clone()));
    }
    if let Some(a) = &f.action {
        rows.push(("action".to_owned(), a.clone()));
    }
    for v in f.variables.values() {
        rows.push((v.name.clone(), shown_value(v).to_owned()));
    }
    if !f.references.is_empty() {
        rows.push(("uses".to_owned(), f.references.iter().cloned().collect::<Vec<_>>().join(", ")));
    }
    if !rows.is_empty() {
        out.push_str("<dl>");
        for (k, v) in rows {
            let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", esc(&k), esc(&v));
        }
        out.push_str("</dl>");
    }
    for (name, script) in f.scripts.values() {
        let _ = write!(out, "<p>{}:</p><pre>{}</pre>", esc(name), esc(&script.replace("\r\n", "\n")));
    }
}

fn title_line(out: &mut String, f: &Facts) {
    let _ = write!(out, "<span class=\"num\">#{}</span><span class=\"name\">{}</span>", f.number, esc(&f.name));
    if !f.is_group() {
        let _ = write!(out, "<span class=\"type\" title=\"{}\">{}</span>", esc(&f.type_name), esc(short_type(&f.type_name)));
    }
    for m in marks(f) {
        let _ = write!(out, "<span class=\"mark\">{m}</span>");
    }
    if let Some(c) = &f.condition {
        let _ = write!(out, " <span class=\"cond\">if {}</span>", esc(c));
    }
}

/// The HTML page for one or more task sequences.
#[must_use]
pub fn html(seqs: &[Named<'_>]) -> String {
    let title = seqs.first().map_or_else(String::new, Named::title);
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"tsq\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(&title)
    );
    for seq in seqs {
        section(&mut out, seq);
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn section(out: &mut String, seq: &Named<'_>) {
    let all = seq.facts();
    let _ = writeln!(out, "<section>\n<h1>{}</h1>", esc(&seq.title()));
    let _ = writeln!(out, "<p class=\"meta\">{} · {} · {} groups and steps</p>", esc(seq.path), seq.ts.format.name(), all.len());
    if !seq.ts.sequence.globals.is_empty() {
        out.push_str("<h2>Global variables</h2>\n<dl>");
        for v in &seq.ts.sequence.globals {
            let var = crate::diff::facts::VarFact::of(v);
            let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", esc(&var.name), esc(shown_value(&var)));
        }
        out.push_str("</dl>\n");
    }
    out.push_str("<h2>Steps</h2>\n");
    // Open groups are closed when the walk leaves them.
    let mut open: Vec<usize> = Vec::new();
    for f in &all {
        let d = depth(&all, f);
        while open.len() > d {
            open.pop();
            out.push_str("</details>\n");
        }
        let dis = if f.disabled { " disabled" } else { "" };
        if f.is_group() {
            let _ = write!(out, "<details open class=\"group{dis}\" id=\"n{}\"><summary>", f.number);
            title_line(out, f);
            out.push_str("</summary>\n");
            if let Some(d) = f.attrs.get("description").filter(|d| !d.trim().is_empty()) {
                let _ = writeln!(out, "<p>{}</p>", esc(d));
            }
            open.push(f.number);
        } else {
            let _ = write!(out, "<div class=\"step{dis}\" id=\"n{}\"><div>", f.number);
            title_line(out, f);
            out.push_str("</div>");
            step_body(out, f);
            out.push_str("</div>\n");
        }
    }
    for _ in open {
        out.push_str("</details>\n");
    }
    let refs = &seq.ts.sequence.references;
    if !refs.is_empty() {
        out.push_str(
            "<h2>References</h2>\n<table><thead><tr><th>ID</th><th>kind</th><th>program</th><th>used by</th></tr></thead><tbody>\n",
        );
        for r in refs {
            let kind = if r.attrs.get("application").is_some() { "application" } else { "package" };
            let id = r.target().map(|v| v.text().into_owned()).unwrap_or_default();
            let program = r.attrs.get("program").map(|v| v.text().into_owned()).unwrap_or_default();
            let key = crate::analysis::references::key(&id);
            let users: Vec<String> = all
                .iter()
                .filter(|f| f.references.contains(&key))
                .map(|f| format!("<a href=\"#n{}\">#{}</a>", f.number, f.number))
                .collect();
            let _ = writeln!(out, "<tr><td>{}</td><td>{kind}</td><td>{}</td><td>{}</td></tr>", esc(&id), esc(&program), users.join(" "));
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</section>\n");
}
