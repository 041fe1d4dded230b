//! Checks off the main thread, so typing is never blocked: one worker takes the newest job per
//! document (older versions still queued are dropped, as a newer version makes them stale) and
//! sends back what it found; a panic inside a check is caught and reported, not fatal.

use super::diagnostics::{self, RuleDocs};
use super::documents::path_uri;
use super::position::{LineIndex, PositionEncoding};
use crate::config::ConfigError;
use crate::diagnostic::Diagnostic;
use crate::workspace::Workspace;
use crossbeam_channel::{Receiver, Sender};
use lsp_types::Uri;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One version of one document to check.
#[derive(Debug)]
pub struct Job {
    /// The document.
    pub uri: Uri,
    /// Its version.
    pub version: i32,
    /// The path its configuration is found from.
    pub path: PathBuf,
    /// The text of that version.
    pub text: Arc<String>,
    /// Its lines.
    pub index: Arc<LineIndex>,
}

/// What a check of one version found.
#[derive(Debug)]
pub struct Outcome {
    /// The document.
    pub uri: Uri,
    /// The version checked.
    pub version: i32,
    /// The findings, or why there are none.
    pub result: Result<Findings, Failure>,
}

/// The findings of a check.
#[derive(Debug)]
pub struct Findings {
    /// For the client.
    pub diagnostics: Vec<lsp_types::Diagnostic>,
    /// As the engine reported them.
    pub findings: Vec<Diagnostic>,
}

/// Why a check gave no findings.
#[derive(Debug)]
pub enum Failure {
    /// The configuration that applies is broken.
    Config(Box<BrokenConfig>),
    /// The check panicked (a bug in tsq); the message is for the log.
    Panic(String),
}

/// A broken configuration's diagnostics.
#[derive(Debug)]
pub struct BrokenConfig {
    /// The config file's URI.
    pub uri: Option<Uri>,
    /// The diagnostic for the config file.
    pub on_config: lsp_types::Diagnostic,
    /// The diagnostic for the document.
    pub on_document: lsp_types::Diagnostic,
}

/// The handle to the worker thread.
#[derive(Debug)]
pub struct Checker {
    jobs: Sender<Job>,
}

/// What the worker needs besides the jobs.
struct Context {
    workspace: Arc<Workspace>,
    enc: PositionEncoding,
    docs: RuleDocs,
}

impl Checker {
    /// Start the worker; outcomes arrive on `outcomes`.
    #[must_use]
    pub fn spawn(workspace: Arc<Workspace>, enc: PositionEncoding, docs: RuleDocs, outcomes: Sender<Outcome>) -> Self {
        let (jobs, rx) = crossbeam_channel::unbounded();
        let cx = Context { workspace, enc, docs };
        std::thread::spawn(move || work(&rx, &cx, &outcomes));
        Self { jobs }
    }

    /// Queue a check.
    pub fn submit(&self, job: Job) {
        // The worker only stops when this handle is dropped.
        let _ = self.jobs.send(job);
    }
}

/// The worker's loop: take everything queued, keep the newest job of each document, check.
fn work(rx: &Receiver<Job>, cx: &Context, outcomes: &Sender<Outcome>) {
    while let Ok(first) = rx.recv() {
        let mut batch: Vec<Job> = Vec::new();
        for job in std::iter::once(first).chain(rx.try_iter()) {
            batch.retain(|j| j.uri != job.uri);
            batch.push(job);
        }
        for job in batch {
            if outcomes.send(check(job, cx)).is_err() {
                return;
            }
        }
    }
}

/// Check one job, catching a panic.
fn check(job: Job, cx: &Context) -> Outcome {
    let what = job.path.display().to_string();
    let result = caught(&what, || findings(&cx.workspace, &job.path, &job.text, &job.index, cx.enc, &cx.docs));
    Outcome { uri: job.uri, version: job.version, result }
}

/// Run `f`; a panic becomes [`Failure::Panic`] with a message naming `what` was being checked.
fn caught<T>(what: &str, f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(Failure::Panic(format!("tsq: internal error while checking {what}: {why}")))
    })
}

/// Check one version of a document, the contents of `path`, as the worker does (the
/// configuration that applies, its exclusions, then the engine), and convert the findings for
/// the client.
pub fn findings(
    workspace: &Workspace,
    path: &Path,
    text: &str,
    index: &LineIndex,
    enc: PositionEncoding,
    docs: &RuleDocs,
) -> Result<Findings, Failure> {
    if workspace.is_excluded(path).map_err(|e| config_failure(&e, enc))? {
        return Ok(Findings { diagnostics: Vec::new(), findings: Vec::new() });
    }
    let results = workspace.check_text(path, text).map_err(|e| config_failure(&e, enc))?;
    let (diagnostics, findings) = diagnostics::convert(results, text, index, enc, docs);
    Ok(Findings { diagnostics, findings })
}

/// The failure of a broken configuration, with its diagnostics.
fn config_failure(err: &ConfigError, enc: PositionEncoding) -> Failure {
    let text = std::fs::read_to_string(&err.path).unwrap_or_default();
    Failure::Config(Box::new(BrokenConfig {
        uri: path_uri(&err.path),
        on_config: diagnostics::config_error(err, &text, enc),
        on_document: diagnostics::config_blocked(err, &text, enc),
    }))
}

#[cfg(test)]
mod tests {
    use super::{Failure, caught};

    #[test]
    fn a_panic_in_a_check_becomes_a_failure() {
        let r: Result<(), Failure> = caught("a.xml", || panic!("index out of bounds"));
        match r {
            Err(Failure::Panic(m)) => assert_eq!(m, "tsq: internal error while checking a.xml: index out of bounds"),
            other => panic!("{other:?}"),
        }
    }
}
