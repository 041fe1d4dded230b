//! `tsq show`: render a task sequence as a tree, text, Markdown, HTML or a Mermaid flowchart;
//! and opening one task sequence by path, also `archive.zip!member` (shared with `tsq diff`).

use super::{EXIT_ERROR, EXIT_OK, read_input};
use crate::container::{Format, TaskSequence};
use crate::inputs::Input;
use crate::render::{Named, Style, html, markdown, mermaid, tree};
use crate::span::LineIndex;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// What `show` renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ShowFormat {
    /// The nested outline with instruction numbers (coloured on a terminal).
    Tree,
    /// Every compared value, one per line, without colour or instruction numbers (for git textconv).
    Text,
    /// Markdown documentation.
    Markdown,
    /// One self-contained HTML page.
    Html,
    /// A Mermaid flowchart.
    Mermaid,
}

/// When to colour terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Color {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl Color {
    /// Whether to colour standard output.
    pub(crate) fn enabled(self) -> bool {
        match self {
            Self::Always => true,
            Self::Never => false,
            Self::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
        }
    }
}

#[derive(Debug, clap::Args)]
pub(crate) struct ShowArgs {
    /// A task-sequence file, `archive.zip!SMS_TaskSequencePackage/<ID>/object.xml`, or `-` for stdin.
    path: PathBuf,
    /// The rendering.
    #[arg(long, value_enum, default_value = "tree")]
    format: ShowFormat,
    /// When to use colour in the tree format.
    #[arg(long, value_enum, default_value = "auto")]
    color: Color,
    /// The name to print for standard input.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
    /// Read the file as this container format instead of detecting it.
    #[arg(long, value_enum, value_name = "FORMAT")]
    input_format: Option<Format>,
}

/// One task sequence read from a path, with the path as printed.
pub(crate) type Opened = (String, TaskSequence);

/// Read every task sequence at `path`: a file (an archive gives each of its task sequences), an
/// `archive.zip!member` path (that member only), or `-` (stdin). `Err` is one sentence.
pub(crate) fn open(path: &Path, force: Option<Format>, stdin_name: Option<&str>) -> Result<Vec<Opened>, String> {
    let text = path.to_string_lossy();
    let (input, member) = if text == "-" {
        (Input::Stdin(stdin_name.unwrap_or("-").to_owned()), None)
    } else if path.is_file() {
        (Input::File(path.to_path_buf()), None)
    } else if path.is_dir() {
        return Err(format!("{} is a directory; name one task-sequence file", crate::inputs::display(path)));
    } else {
        // `archive.zip!member`: the first `!` after which the part before is a file.
        let split = text.match_indices('!').map(|(i, _)| i).find(|i| text.get(..*i).is_some_and(|p| Path::new(p).is_file()));
        match split {
            Some(i) => (Input::File(PathBuf::from(text.get(..i).unwrap_or(""))), Some(text.get(i + 1..).unwrap_or("").replace('\\', "/"))),
            None => return Err(format!("{}: no such file", crate::inputs::display(path))),
        }
    };
    let loaded = read_input(&input, force, &crate::container::LayoutCache::default())?;
    let mut out = Vec::new();
    let mut members = Vec::new();
    for l in loaded {
        if let Some(m) = &member {
            let name = l.path.rsplit_once('!').map_or("", |(_, n)| n);
            members.push(name.to_owned());
            if !name.eq_ignore_ascii_case(m) {
                continue;
            }
        }
        match l.result {
            Ok(ts) => out.push((l.path, ts)),
            Err(p) => {
                let (line, col) = l.source.as_ref().map_or((1, 1), |s| {
                    let lc = LineIndex::new(&s.text).line_col(&s.text, p.span.start);
                    (lc.line, lc.column)
                });
                return Err(format!("{}:{line}:{col}: {} ({})", l.path, p.message, p.rule));
            }
        }
    }
    if let (Some(m), true) = (&member, out.is_empty()) {
        let archive = text.get(..text.len().saturating_sub(m.len() + 1)).unwrap_or(&text);
        return Err(format!("{archive} has no task sequence `{m}` (it has: {})", members.join(", ")));
    }
    Ok(out)
}

/// Read exactly one task sequence at `path` (see [`open`]).
pub(crate) fn open_one(path: &Path, force: Option<Format>, stdin_name: Option<&str>) -> Result<Opened, String> {
    let mut all = open(path, force, stdin_name)?;
    if all.len() > 1 {
        let names: Vec<&str> = all.iter().map(|(p, _)| p.as_str()).collect();
        return Err(format!("{} holds {} task sequences; name one as {}", crate::inputs::display(path), all.len(), names.join(" or ")));
    }
    all.pop().ok_or_else(|| format!("{}: no task sequence found", crate::inputs::display(path)))
}

pub(crate) fn run(args: &ShowArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<u8> {
    let opened = match open(&args.path, args.input_format, args.stdin_filename.as_deref()) {
        Ok(o) => o,
        Err(msg) => {
            writeln!(err, "tsq: {msg}")?;
            return Ok(EXIT_ERROR);
        }
    };
    let named: Vec<Named<'_>> = opened.iter().map(|(path, ts)| Named { path, ts }).collect();
    match args.format {
        ShowFormat::Html => out.write_all(html::html(&named).as_bytes())?,
        ShowFormat::Mermaid => {
            if named.len() > 1 {
                let names: Vec<&str> = named.iter().map(|n| n.path).collect();
                writeln!(err, "tsq: a flowchart shows one task sequence; name one of {}", names.join(", "))?;
                return Ok(EXIT_ERROR);
            }
            for n in &named {
                out.write_all(mermaid::mermaid(n).as_bytes())?;
            }
        }
        format => {
            let style = Style::new(format == ShowFormat::Tree && args.color.enabled());
            for (i, n) in named.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                let text = match format {
                    ShowFormat::Tree => tree::tree(n, style),
                    ShowFormat::Text => tree::text(n),
                    _ => markdown::markdown(n),
                };
                out.write_all(text.as_bytes())?;
            }
        }
    }
    Ok(EXIT_OK)
}
