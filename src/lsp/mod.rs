//! `tsq lsp`: a language server over standard input and output. It checks open task sequences
//! as they are edited (the same engine as `tsq check`, through [`crate::workspace::Workspace`]),
//! outlines their groups and steps with instruction numbers, explains step types, built-in
//! variables and rule names on hover, and offers to suppress a finding for its step.
//!
//! Built on `lsp-server` and `lsp-types` (rust-analyzer's synchronous crates): the engine is
//! synchronous and CPU-bound, so plain threads and channels fit it better than an async runtime.

mod actions;
mod checker;
mod diagnostics;
mod documents;
mod hover;
pub mod position;
mod server;
mod step_docs;
mod symbols;
mod variables;

pub use server::Ending;

use lsp_server::Connection;
use lsp_types::InitializeParams;
use position::PositionEncoding;

/// Serve one client on standard input and output until it exits; `Err` is a one-sentence message
/// for standard error.
pub fn run() -> Result<Ending, String> {
    let (conn, io) = Connection::stdio();
    let (id, params) = conn.initialize_start().map_err(|e| format!("tsq lsp: {e}"))?;
    let params: InitializeParams = serde_json::from_value(params).map_err(|e| format!("tsq lsp: invalid initialize request: {e}"))?;
    let enc = PositionEncoding::negotiate(params.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_deref()));
    let rule_docs = params
        .initialization_options
        .as_ref()
        .and_then(|o| o.get("ruleDocsUrl"))
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned);
    let server = server::Server::new(&conn, &params, enc, diagnostics::RuleDocs::new(rule_docs));
    let result = serde_json::json!({
        "capabilities": server::capabilities(enc, server.pulls()),
        "serverInfo": { "name": "tsq", "version": env!("CARGO_PKG_VERSION") },
    });
    conn.initialize_finish(id, result).map_err(|e| format!("tsq lsp: {e}"))?;
    let ending = server.run();
    drop(conn);
    if ending != Ending::Broken {
        io.join().map_err(|e| format!("tsq lsp: {e}"))?;
    }
    Ok(ending)
}
