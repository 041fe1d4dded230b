//! The main loop: reads the client's messages, keeps the open documents, schedules checks
//! (debounced after a change) and answers requests. Nothing slow runs on this thread: checks run
//! on the [`Checker`]'s worker, outlines and code actions on a thread of their own.

use super::checker::{BrokenConfig, Checker, Failure, Job, Outcome};
use super::diagnostics::RuleDocs;
use super::documents::{Checked, Document, uri_path};
use super::position::PositionEncoding;
use super::{actions, hover, symbols};
use crate::workspace::Workspace;
use crossbeam_channel::{Receiver, select};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as n, Notification as _};
use lsp_types::request::{self as r, Request as _};
use lsp_types::{
    DocumentDiagnosticReport, DocumentDiagnosticReportResult, FullDocumentDiagnosticReport, InitializeParams, MessageType,
    PublishDiagnosticsParams, RelatedFullDocumentDiagnosticReport, RelatedUnchangedDocumentDiagnosticReport,
    UnchangedDocumentDiagnosticReport, Uri,
};
use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long after the last change a document is checked.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// The name of the configuration file, whose changes reload the configuration.
const CONFIG_NAME: &str = "tsq.toml";

/// How the session ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    /// `shutdown`, then `exit`.
    Clean,
    /// `exit` without `shutdown`, or the client closed the connection.
    Abrupt,
    /// The client broke the protocol while shutting down (the connection may still be open).
    Broken,
}

/// The server's state.
pub struct Server<'a> {
    conn: &'a Connection,
    enc: PositionEncoding,
    /// Whether the client pulls diagnostics (`textDocument/diagnostic`) instead of having them
    /// pushed.
    pull: bool,
    /// Whether the client accepts `workspace/diagnostic/refresh`.
    refresh: bool,
    /// Whether the client lets the server register file watchers.
    watch: bool,
    docs: HashMap<Uri, Document>,
    workspace: Arc<Workspace>,
    checker: Checker,
    outcomes: Receiver<Outcome>,
    /// Documents waiting for their debounced check, with when it is due.
    due: HashMap<Uri, Instant>,
    /// Pull requests waiting for a document's check.
    waiting: HashMap<Uri, Vec<(RequestId, Option<String>)>>,
    /// Config files with a diagnostic pushed for them.
    broken_configs: HashSet<Uri>,
    /// The id of the next request to the client.
    next_id: i32,
}

impl<'a> Server<'a> {
    /// A server for a client that sent `params`; `enc` is the negotiated position encoding.
    #[must_use]
    pub fn new(conn: &'a Connection, params: &InitializeParams, enc: PositionEncoding, docs: RuleDocs) -> Self {
        let caps = &params.capabilities;
        let pull = caps.text_document.as_ref().is_some_and(|t| t.diagnostic.is_some());
        let refresh = caps.workspace.as_ref().and_then(|w| w.diagnostic.as_ref()).and_then(|d| d.refresh_support).unwrap_or(false);
        let watch =
            caps.workspace.as_ref().and_then(|w| w.did_change_watched_files.as_ref()).and_then(|d| d.dynamic_registration).unwrap_or(false);
        let workspace = Arc::new(Workspace::new(crate::workspace::Options::default()));
        let (tx, outcomes) = crossbeam_channel::unbounded();
        let checker = Checker::spawn(Arc::clone(&workspace), enc, docs, tx);
        Self {
            conn,
            enc,
            pull,
            refresh,
            watch,
            docs: HashMap::new(),
            workspace,
            checker,
            outcomes,
            due: HashMap::new(),
            waiting: HashMap::new(),
            broken_configs: HashSet::new(),
            next_id: 0,
        }
    }

    /// Whether the client pulls diagnostics.
    #[must_use]
    pub const fn pulls(&self) -> bool {
        self.pull
    }

    /// Serve until `exit` or until the client goes away.
    pub fn run(mut self) -> Ending {
        if self.watch {
            self.register_watcher();
        }
        loop {
            let timeout = self.due.values().min().map_or(Duration::from_secs(3600), |t| t.saturating_duration_since(Instant::now()));
            select! {
                recv(self.conn.receiver) -> msg => match msg {
                    Ok(Message::Request(req)) => {
                        if req.method == r::Shutdown::METHOD {
                            self.cancel_waiting();
                            return match self.conn.handle_shutdown(&req) {
                                Ok(_) => Ending::Clean,
                                Err(_) => Ending::Broken,
                            };
                        }
                        self.request(req);
                    }
                    Ok(Message::Notification(note)) => {
                        if note.method == n::Exit::METHOD {
                            return Ending::Abrupt;
                        }
                        self.notification(note);
                    }
                    Ok(Message::Response(_)) => {}
                    Err(_) => return Ending::Abrupt,
                },
                recv(self.outcomes) -> outcome => {
                    if let Ok(outcome) = outcome {
                        self.finished(outcome);
                    }
                },
                default(timeout) => {}
            }
            self.submit_due();
        }
    }

    /// Send a message; a client that went away ends the loop on its next read.
    fn send(&self, msg: impl Into<Message>) {
        let _ = self.conn.sender.send(msg.into());
    }

    fn notify<N: n::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_owned(), params));
    }

    /// Log a message in the client's output (`window/logMessage`).
    fn log(&self, typ: MessageType, message: String) {
        self.notify::<n::LogMessage>(lsp_types::LogMessageParams { typ, message });
    }

    fn request_client<R: r::Request>(&mut self, params: R::Params) {
        self.next_id += 1;
        self.send(Request::new(RequestId::from(self.next_id), R::METHOD.to_owned(), params));
    }

    /// Ask the client to tell us when a `tsq.toml` changes.
    fn register_watcher(&mut self) {
        let options = lsp_types::DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![lsp_types::FileSystemWatcher {
                glob_pattern: lsp_types::GlobPattern::String(format!("**/{CONFIG_NAME}")),
                kind: None,
            }],
        };
        let registration = lsp_types::Registration {
            id: "tsq-config-watcher".to_owned(),
            method: n::DidChangeWatchedFiles::METHOD.to_owned(),
            register_options: serde_json::to_value(options).ok(),
        };
        self.request_client::<r::RegisterCapability>(lsp_types::RegistrationParams { registrations: vec![registration] });
    }

    /// Handle a notification.
    fn notification(&mut self, note: Notification) {
        match note.method.as_str() {
            n::DidOpenTextDocument::METHOD => {
                let Ok(p) = note.extract::<lsp_types::DidOpenTextDocumentParams>(n::DidOpenTextDocument::METHOD) else { return };
                let item = p.text_document;
                let path = uri_path(&item.uri);
                if !is_checked(&path, &item.language_id) {
                    return;
                }
                self.docs.insert(item.uri.clone(), Document::new(path, item.version, item.text));
                self.check_now(&item.uri);
            }
            n::DidChangeTextDocument::METHOD => {
                let Ok(p) = note.extract::<lsp_types::DidChangeTextDocumentParams>(n::DidChangeTextDocument::METHOD) else { return };
                let uri = p.text_document.uri;
                if let Some(doc) = self.docs.get_mut(&uri) {
                    doc.apply(p.text_document.version, p.content_changes, self.enc);
                    self.due.insert(uri, Instant::now() + DEBOUNCE);
                }
            }
            n::DidSaveTextDocument::METHOD => {
                let Ok(p) = note.extract::<lsp_types::DidSaveTextDocumentParams>(n::DidSaveTextDocument::METHOD) else { return };
                if is_config(&uri_path(&p.text_document.uri)) {
                    self.reload();
                } else if self.docs.contains_key(&p.text_document.uri) {
                    self.check_now(&p.text_document.uri);
                }
            }
            n::DidCloseTextDocument::METHOD => {
                let Ok(p) = note.extract::<lsp_types::DidCloseTextDocumentParams>(n::DidCloseTextDocument::METHOD) else { return };
                let uri = p.text_document.uri;
                if self.docs.remove(&uri).is_some() {
                    self.due.remove(&uri);
                    self.answer_waiting(&uri, &[], None);
                    if !self.pull {
                        self.publish(uri, Vec::new(), None);
                    }
                }
            }
            n::DidChangeWatchedFiles::METHOD => {
                let Ok(p) = note.extract::<lsp_types::DidChangeWatchedFilesParams>(n::DidChangeWatchedFiles::METHOD) else { return };
                if p.changes.iter().any(|c| is_config(&uri_path(&c.uri))) {
                    self.reload();
                }
            }
            _ => {}
        }
    }

    /// Handle a request: answer it here when it is quick, on a thread of its own otherwise.
    fn request(&mut self, req: Request) {
        // Every request is answered: one whose parameters do not read gets an error.
        let invalid = Response::new_err(req.id.clone(), ErrorCode::InvalidParams as i32, format!("invalid parameters of `{}`", req.method));
        match req.method.as_str() {
            r::DocumentDiagnosticRequest::METHOD => {
                let Ok((id, p)) = req.extract::<lsp_types::DocumentDiagnosticParams>(r::DocumentDiagnosticRequest::METHOD) else {
                    return self.send(invalid);
                };
                self.pull_diagnostics(id, p);
            }
            r::HoverRequest::METHOD => {
                let Ok((id, p)) = req.extract::<lsp_types::HoverParams>(r::HoverRequest::METHOD) else { return self.send(invalid) };
                let at = p.text_document_position_params;
                let result = self.docs.get(&at.text_document.uri).and_then(|d| {
                    let offset = d.index.offset(&d.text, at.position, self.enc);
                    hover::hover(&d.text, &d.index, offset, self.enc)
                });
                self.send(Response::new_ok(id, result));
            }
            r::DocumentSymbolRequest::METHOD => {
                let Ok((id, p)) = req.extract::<lsp_types::DocumentSymbolParams>(r::DocumentSymbolRequest::METHOD) else {
                    return self.send(invalid);
                };
                let Some(doc) = self.docs.get(&p.text_document.uri) else {
                    self.send(Response::new_ok(id, Vec::<lsp_types::DocumentSymbol>::new()));
                    return;
                };
                let (text, index, path, enc) = (Arc::clone(&doc.text), Arc::clone(&doc.index), doc.path.clone(), self.enc);
                self.answer_later(id, move || {
                    let tree = symbols::outline(&text, &index, enc, &path);
                    serde_json::to_value(lsp_types::DocumentSymbolResponse::Nested(tree))
                });
            }
            r::CodeActionRequest::METHOD => {
                let Ok((id, p)) = req.extract::<lsp_types::CodeActionParams>(r::CodeActionRequest::METHOD) else {
                    return self.send(invalid);
                };
                let Some(doc) = self.docs.get(&p.text_document.uri) else {
                    self.send(Response::new_ok(id, Vec::<lsp_types::CodeActionOrCommand>::new()));
                    return;
                };
                let checked = doc.checked.clone();
                let (text, index, path, enc) = (Arc::clone(&doc.text), Arc::clone(&doc.index), doc.path.clone(), self.enc);
                self.answer_later(id, move || {
                    let found = checked.as_ref().map_or(&[][..], |c| &c.findings[..]);
                    let shown = checked.as_ref().map_or(&[][..], |c| &c.diagnostics[..]);
                    let doc = actions::Doc { uri: &p.text_document.uri, text: &text, index: &index, enc, path: &path };
                    serde_json::to_value(actions::actions(&doc, found, shown, p.range, p.context.only.as_deref()))
                });
            }
            _ => {
                let message = format!("tsq lsp does not handle `{}`", req.method);
                self.send(Response::new_err(req.id, ErrorCode::MethodNotFound as i32, message));
            }
        }
    }

    /// Answer request `id` on a thread of its own with what `work` returns; a panic is logged
    /// and answered with an internal error.
    fn answer_later<F>(&self, id: RequestId, work: F)
    where
        F: FnOnce() -> serde_json::Result<serde_json::Value> + Send + 'static,
    {
        let sender = self.conn.sender.clone();
        std::thread::spawn(move || {
            let response = match catch_unwind(AssertUnwindSafe(work)) {
                Ok(Ok(value)) => Response { id, response_result: Ok(value) },
                Ok(Err(e)) => Response::new_err(id, ErrorCode::InternalError as i32, e.to_string()),
                Err(_) => {
                    let message = "tsq: internal error while answering a request".to_owned();
                    let log = lsp_types::LogMessageParams { typ: MessageType::ERROR, message: message.clone() };
                    let _ = sender.send(Notification::new(n::LogMessage::METHOD.to_owned(), log).into());
                    Response::new_err(id, ErrorCode::InternalError as i32, message)
                }
            };
            let _ = sender.send(response.into());
        });
    }

    /// Queue a check of the document's current version now.
    fn check_now(&mut self, uri: &Uri) {
        self.due.remove(uri);
        if let Some(doc) = self.docs.get_mut(uri) {
            doc.checked = None;
            let job = Job {
                uri: uri.clone(),
                version: doc.version,
                path: doc.path.clone(),
                text: Arc::clone(&doc.text),
                index: Arc::clone(&doc.index),
            };
            self.checker.submit(job);
        }
    }

    /// Queue the checks whose debounce time has passed.
    fn submit_due(&mut self) {
        let now = Instant::now();
        let ready: Vec<Uri> = self.due.iter().filter(|&(_, &t)| t <= now).map(|(u, _)| u.clone()).collect();
        for uri in ready {
            self.check_now(&uri);
        }
    }

    /// Forget cached configurations, clear the diagnostics of broken ones, check every document
    /// again.
    fn reload(&mut self) {
        self.workspace.reload();
        for uri in std::mem::take(&mut self.broken_configs) {
            self.publish(uri, Vec::new(), None);
        }
        let open: Vec<Uri> = self.docs.keys().cloned().collect();
        for uri in open {
            self.check_now(&uri);
        }
        if self.pull && self.refresh {
            self.request_client::<r::WorkspaceDiagnosticRefresh>(());
        }
    }

    /// A check finished: keep it if it is of the current version, and deliver it.
    fn finished(&mut self, outcome: Outcome) {
        let Some(doc) = self.docs.get_mut(&outcome.uri) else { return };
        if doc.version != outcome.version || self.due.contains_key(&outcome.uri) {
            return;
        }
        let (diagnostics, findings) = match outcome.result {
            Ok(f) => (f.diagnostics, f.findings),
            Err(Failure::Config(broken)) => {
                let BrokenConfig { uri, on_config, on_document } = *broken;
                if let Some(uri) = uri {
                    self.broken_configs.insert(uri.clone());
                    self.publish(uri, vec![on_config], None);
                }
                (vec![on_document], Vec::new())
            }
            Err(Failure::Panic(message)) => {
                self.log(MessageType::ERROR, message);
                (Vec::new(), Vec::new())
            }
        };
        let Some(doc) = self.docs.get_mut(&outcome.uri) else { return };
        doc.checked = Some(Checked { version: outcome.version, diagnostics: diagnostics.clone(), findings });
        let version = doc.version;
        self.answer_waiting(&outcome.uri, &diagnostics, Some(version));
        if !self.pull {
            self.publish(outcome.uri, diagnostics, Some(version));
        }
    }

    /// Push a document's diagnostics.
    fn publish(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        self.notify::<n::PublishDiagnostics>(PublishDiagnosticsParams { uri, diagnostics, version });
    }

    /// Answer a pull request now if the current version is checked, else when it is.
    fn pull_diagnostics(&mut self, id: RequestId, p: lsp_types::DocumentDiagnosticParams) {
        let uri = p.text_document.uri;
        match self.docs.get(&uri) {
            None => self.send(Response::new_ok(id, report(&[], None, None))),
            Some(doc) => match &doc.checked {
                Some(c) if !self.due.contains_key(&uri) => {
                    let r = report(&c.diagnostics, Some(c.version), p.previous_result_id.as_deref());
                    self.send(Response::new_ok(id, r));
                }
                _ => self.waiting.entry(uri).or_default().push((id, p.previous_result_id)),
            },
        }
    }

    /// Answer every pull request still waiting for a check: the server is shutting down.
    fn cancel_waiting(&mut self) {
        for (id, _) in std::mem::take(&mut self.waiting).into_values().flatten() {
            self.send(Response::new_err(id, ErrorCode::ServerCancelled as i32, "the server is shutting down".to_owned()));
        }
    }

    /// Answer the pull requests waiting for `uri`.
    fn answer_waiting(&mut self, uri: &Uri, diagnostics: &[lsp_types::Diagnostic], version: Option<i32>) {
        for (id, previous) in self.waiting.remove(uri).unwrap_or_default() {
            self.send(Response::new_ok(id, report(diagnostics, version, previous.as_deref())));
        }
    }
}

/// A pull report: `unchanged` when the client already has this version's findings.
fn report(diagnostics: &[lsp_types::Diagnostic], version: Option<i32>, previous: Option<&str>) -> DocumentDiagnosticReportResult {
    let result_id = version.map(|v| v.to_string());
    let report = match (&result_id, previous) {
        (Some(id), Some(p)) if id == p => DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
            related_documents: None,
            unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport { result_id: id.clone() },
        }),
        _ => DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id, items: diagnostics.to_vec() },
        }),
    };
    DocumentDiagnosticReportResult::Report(report)
}

/// Whether a document is one tsq checks: an `.xml` file, or a buffer the client calls XML.
fn is_checked(path: &std::path::Path, language_id: &str) -> bool {
    language_id.eq_ignore_ascii_case("xml") || path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml"))
}

/// Whether a path is a configuration file.
fn is_config(path: &std::path::Path) -> bool {
    path.file_name().is_some_and(|n| n == CONFIG_NAME)
}

/// The server's capabilities for a client, given the negotiated encoding and whether it pulls
/// diagnostics.
#[must_use]
pub fn capabilities(enc: PositionEncoding, pull: bool) -> lsp_types::ServerCapabilities {
    use lsp_types::{
        CodeActionKind, CodeActionOptions, CodeActionProviderCapability, DiagnosticOptions, DiagnosticServerCapabilities,
        HoverProviderCapability, OneOf, SaveOptions, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
        TextDocumentSyncSaveOptions,
    };
    lsp_types::ServerCapabilities {
        position_encoding: Some(enc.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions { include_text: Some(false) })),
            ..TextDocumentSyncOptions::default()
        })),
        diagnostic_provider: pull.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("tsq".to_owned()),
                inter_file_dependencies: false,
                workspace_diagnostics: false,
                ..DiagnosticOptions::default()
            })
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, actions::fix_all_kind()]),
            ..CodeActionOptions::default()
        })),
        ..lsp_types::ServerCapabilities::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_answering_is_logged_and_answered_with_an_error() {
        let (conn, client) = Connection::memory();
        let params = InitializeParams::default();
        let server = Server::new(&conn, &params, PositionEncoding::Utf16, RuleDocs::new(None));
        server.answer_later(RequestId::from(7), || -> serde_json::Result<serde_json::Value> { panic!("boom") });
        let mut logged = false;
        let mut answered = false;
        while !(logged && answered) {
            match client.receiver.recv_timeout(Duration::from_secs(10)) {
                Ok(Message::Notification(n)) if n.method == "window/logMessage" => logged = true,
                Ok(Message::Response(r)) => {
                    assert_eq!(r.id, RequestId::from(7));
                    assert!(r.response_result.is_err_and(|e| e.code == ErrorCode::InternalError as i32));
                    answered = true;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn a_panicked_check_is_logged_and_the_server_goes_on() {
        let (conn, client) = Connection::memory();
        let params = InitializeParams::default();
        let mut server = Server::new(&conn, &params, PositionEncoding::Utf16, RuleDocs::new(None));
        let uri: Uri = "file:///tmp/a.xml".parse().unwrap_or_else(|_| unreachable!());
        server.docs.insert(uri.clone(), Document::new("/tmp/a.xml".into(), 3, "<sequence/>".to_owned()));
        server.finished(Outcome { uri: uri.clone(), version: 3, result: Err(Failure::Panic("tsq: internal error".to_owned())) });
        let log = client.receiver.recv_timeout(Duration::from_secs(10));
        assert!(matches!(log, Ok(Message::Notification(ref n)) if n.method == "window/logMessage"), "{log:?}");
        let published = client.receiver.recv_timeout(Duration::from_secs(10));
        assert!(matches!(published, Ok(Message::Notification(ref n)) if n.method == "textDocument/publishDiagnostics"), "{published:?}");
        assert!(server.docs.get(&uri).is_some_and(|d| d.checked.is_some()), "the version counts as checked");
    }
}
