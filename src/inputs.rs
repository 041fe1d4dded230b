//! Turning command-line paths into the files to read: files as given, directories walked
//! recursively for `*.xml` and `*.zip` (honouring `.gitignore`, following symbolic links) in a
//! stable order.

use std::path::{Path, PathBuf};

/// One input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file named on the command line.
    File(PathBuf),
    /// A file found by walking a directory: skipped quietly when it is not a task sequence.
    Walked(PathBuf),
    /// Standard input, named as given by `--stdin-filename` (or `-`).
    Stdin(String),
}

impl Input {
    /// The file on disk, `None` for standard input.
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        match self {
            Self::File(p) | Self::Walked(p) => Some(p),
            Self::Stdin(_) => None,
        }
    }
}

/// An input path that does not exist or cannot be walked.
#[derive(Debug, Clone)]
pub struct InputError {
    /// The path.
    pub path: PathBuf,
    /// Why.
    pub message: String,
}

fn is_candidate(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("xml") || e.eq_ignore_ascii_case("zip"))
}

/// Expand `paths` into inputs; errors are returned beside the inputs that could be found.
#[must_use]
pub fn expand(paths: &[PathBuf], stdin_name: Option<&str>) -> (Vec<Input>, Vec<InputError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            inputs.push(Input::Stdin(stdin_name.unwrap_or("-").to_owned()));
            continue;
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                let mut found = Vec::new();
                let walker =
                    ignore::WalkBuilder::new(p).hidden(false).require_git(false).follow_links(true).sort_by_file_path(Ord::cmp).build();
                for entry in walker {
                    match entry {
                        Ok(e) if e.file_type().is_some_and(|t| t.is_file()) && is_candidate(e.path()) => found.push(e.into_path()),
                        Ok(_) => {}
                        Err(e) => errors.push(walk_error(p, &e)),
                    }
                }
                inputs.extend(found.into_iter().map(Input::Walked));
            }
            Ok(_) => inputs.push(Input::File(p.clone())),
            Err(e) => errors.push(InputError { path: p.clone(), message: e.to_string() }),
        }
    }
    (inputs, errors)
}

/// A walk error as one sentence; a symbolic-link loop names the link and where it points.
fn walk_error(root: &Path, e: &ignore::Error) -> InputError {
    let mut inner = e;
    loop {
        match inner {
            ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                inner = err
            }
            ignore::Error::Loop { ancestor, child } => {
                return InputError {
                    path: child.clone(),
                    message: format!(
                        "symbolic link loop: it leads back to `{}`, which is already being walked; not followed",
                        display(ancestor)
                    ),
                };
            }
            _ => return InputError { path: root.to_path_buf(), message: e.to_string() },
        }
    }
}

/// The path as tsq prints it: as given, with `/` separators.
#[must_use]
pub fn display(path: &Path) -> String {
    let s = path.to_string_lossy();
    let s = s.strip_prefix("./").unwrap_or(&s);
    if std::path::MAIN_SEPARATOR == '\\' { s.replace('\\', "/") } else { s.to_owned() }
}

/// An absolute path as tsq prints it: relative to the current directory when it is inside it.
#[must_use]
pub fn display_relative(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    display(path.strip_prefix(&cwd).unwrap_or(path))
}
