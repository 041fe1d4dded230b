//! The command line: argument parsing, dispatch and exit codes (0 clean, 1 findings or "would
//! change", 2 usage error, unreadable path, broken config or internal error).

mod check;
mod convert;
mod diff;
mod dump;
mod fix;
mod fmt;
mod output;
mod progress;
mod redact;
mod refs;
mod rules;
mod show;

use crate::container::{Format, LayoutCache, Loaded, load_bytes, load_path};
use crate::inputs::Input;
use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::PathBuf;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: findings at or above the threshold, or a file `fmt --check` would change.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: usage error, unreadable path, broken config or internal error.
pub const EXIT_ERROR: u8 = 2;

/// tsq: an offline toolkit and linter for ConfigMgr (MECM) and MDT task sequences.
#[derive(Debug, Parser)]
#[command(name = "tsq", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options shared by the commands that read task sequences.
#[derive(Debug, clap::Args)]
pub(crate) struct ReadArgs {
    /// Files or directories (walked for *.xml and *.zip, honouring .gitignore); `-` reads stdin.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The name to print for standard input.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
    /// Read every file as this container format instead of detecting it.
    #[arg(long, value_enum, value_name = "FORMAT")]
    input_format: Option<Format>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check task sequences against the rules.
    Check(check::CheckArgs),
    /// Print the model of task sequences as JSON.
    Dump(ReadArgs),
    /// Rewrite task sequences in the canonical layout (or check it with --check / --diff).
    Fmt(fmt::FmtArgs),
    /// List the rules.
    Rules(rules::RulesArgs),
    /// Print a rule's documentation.
    Explain(rules::ExplainArgs),
    /// Show the semantic difference of two task sequences (exit 0 same, 1 different, 2 error).
    Diff(diff::DiffArgs),
    /// Render a task sequence as a tree, text, Markdown, HTML or a Mermaid flowchart.
    Show(show::ShowArgs),
    /// Run the language server on standard input and output (for editors).
    Lsp,
    /// Convert a task sequence to a bare sequence, an object.xml, the 2007 package form or JSON.
    Convert(convert::ConvertArgs),
    /// List the references of task sequences (or recompute their reference lists with --write).
    Refs(refs::RefsArgs),
    /// Clear the clear-text secrets of a task sequence (-o OUT or --in-place).
    Redact(redact::RedactArgs),
}

/// Run tsq with `args` (the first is the program name); returns the exit code.
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let mut err = EscapeControls { inner: err, pending_c2: false };
    let err: &mut dyn Write = &mut err;
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            let text = e.render().to_string();
            let _ = if e.use_stderr() { write!(err, "{text}") } else { write!(out, "{text}") };
            return code;
        }
    };
    let result = match cli.command {
        Command::Check(a) => check::run(&a, out, err),
        Command::Dump(a) => dump::run(&a, out, err),
        Command::Fmt(a) => fmt::run(&a, out, err),
        Command::Rules(a) => rules::list(&a, out),
        Command::Explain(a) => rules::explain(&a, out, err),
        Command::Diff(a) => diff::run(&a, out, err),
        Command::Show(a) => show::run(&a, out, err),
        Command::Lsp => lsp(out, err),
        Command::Redact(a) => redact::run(&a, out, err),
        Command::Convert(a) => convert::run(&a, out, err),
        Command::Refs(a) => refs::run(&a, out, err),
    };
    result.unwrap_or_else(|e| {
        let _ = writeln!(err, "tsq: cannot write output: {e}");
        EXIT_ERROR
    })
}

/// Standard error with control characters (other than line breaks and tabs) written as `\x1b`
/// escapes: messages there name files and quote their contents, and nothing read from a file may
/// drive the terminal.
struct EscapeControls<'a> {
    inner: &'a mut dyn Write,
    /// The last byte written was 0xC2, the lead byte of a C1 control's UTF-8 encoding.
    pending_c2: bool,
}

impl Write for EscapeControls<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut out = Vec::with_capacity(buf.len());
        for &b in buf {
            if self.pending_c2 {
                self.pending_c2 = false;
                if (0x80..=0x9f).contains(&b) {
                    out.extend_from_slice(format!("\\u{{{b:x}}}").as_bytes());
                    continue;
                }
                out.push(0xc2);
            }
            match b {
                0xc2 => self.pending_c2 = true,
                b'\n' | b'\t' => out.push(b),
                0..=0x1f | 0x7f => out.extend_from_slice(format!("\\u{{{b:x}}}").as_bytes()),
                _ => out.push(b),
            }
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if std::mem::take(&mut self.pending_c2) {
            self.inner.write_all(&[0xc2])?;
        }
        self.inner.flush()
    }
}

impl Drop for EscapeControls<'_> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Read one input into loaded task sequences (with its export folder or MDT share, read once
/// per run through `layouts`); `Err` is a one-sentence message for stderr.
pub(crate) fn read_input(input: &Input, force: Option<Format>, layouts: &LayoutCache) -> Result<Vec<Loaded>, String> {
    match input {
        Input::File(p) | Input::Walked(p) => load_path(p, &crate::inputs::display(p), matches!(input, Input::File(_)), force, layouts),
        Input::Stdin(_) => {
            let (name, bytes) = read_bytes(input)?;
            Ok(load_bytes(&name, bytes, force))
        }
    }
}

/// `tsq lsp`: 0 after `shutdown` and `exit`, 1 after `exit` alone (as the protocol asks), 2 when
/// the session could not start or broke.
fn lsp(out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<u8> {
    match crate::lsp::run(out) {
        Ok(crate::lsp::Ending::Clean) => Ok(EXIT_OK),
        Ok(crate::lsp::Ending::Abrupt) => Ok(EXIT_FINDINGS),
        Ok(crate::lsp::Ending::Broken) => Ok(EXIT_ERROR),
        Err(e) => {
            writeln!(err, "{e}")?;
            Ok(EXIT_ERROR)
        }
    }
}

/// Print why `loaded` holds no task sequence, as `path:line:col: error[rule] message`.
pub(crate) fn print_problem(loaded: &Loaded, problem: &crate::container::Problem, err: &mut dyn Write) -> std::io::Result<()> {
    let (line, column) = loaded.source.as_ref().map_or((1, 1), |s| {
        let lc = crate::span::LineIndex::new(&s.text).line_col(&s.text, problem.span.start);
        (lc.line, lc.column)
    });
    writeln!(err, "{}:{line}:{column}: error[{}] {}", loaded.path, problem.rule, problem.message)
}

/// Read one input's bytes, with the path to print; `Err` is a one-sentence message for stderr.
pub(crate) fn read_bytes(input: &Input) -> Result<(String, Vec<u8>), String> {
    match input {
        Input::File(p) | Input::Walked(p) => {
            let display = crate::inputs::display(p);
            let bytes = std::fs::read(p).map_err(|e| format!("{display}: cannot read the file: {e}"))?;
            Ok((display, bytes))
        }
        Input::Stdin(name) => {
            let mut bytes = Vec::new();
            std::io::stdin().read_to_end(&mut bytes).map_err(|e| format!("{name}: cannot read standard input: {e}"))?;
            Ok((name.clone(), bytes))
        }
    }
}

/// The path whose configuration applies to an input: the file, or `--stdin-filename`'s name.
pub(crate) fn input_path(input: &Input) -> PathBuf {
    match input {
        Input::File(p) | Input::Walked(p) => p.clone(),
        Input::Stdin(name) => PathBuf::from(name),
    }
}
