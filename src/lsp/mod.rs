//! `tsq lsp`: a language server over standard input and output. It checks open task sequences
//! as they are edited (the same engine as `tsq check`, through [`crate::workspace::Workspace`]),
//! outlines their groups and steps with instruction numbers, explains step types, built-in
//! variables and rule names on hover, and offers to suppress a finding for its step.
//!
//! Built on `lsp-server` and `lsp-types` (rust-analyzer's synchronous crates): the engine is
//! synchronous and CPU-bound, so plain threads and channels fit it better than an async runtime.

mod actions;
pub mod checker;
pub mod diagnostics;
pub mod documents;
mod hover;
pub mod position;
mod server;
mod step_docs;
mod symbols;
mod variables;

pub use server::Ending;

use lsp_server::{Connection, Message};
use lsp_types::InitializeParams;
use position::PositionEncoding;
use std::io::Write;

/// Serve one client that speaks on standard input and is answered on `out` (the command line's
/// standard output, which the caller holds) until it exits; `Err` is a one-sentence message for
/// standard error.
pub fn run(out: &mut dyn Write) -> Result<Ending, String> {
    let (conn, client) = Connection::memory();
    // Standard input is read on a thread of its own, until `exit` or its end.
    let to_server = client.sender;
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        while let Ok(Some(msg)) = Message::read(&mut stdin) {
            let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
            if to_server.send(msg).is_err() || exit {
                break;
            }
        }
    });
    let server = std::thread::spawn(move || serve(&conn));
    // Everything the server sends is written here, on the thread that holds the output.
    for msg in &client.receiver {
        msg.write(&mut &mut *out).map_err(|e| format!("tsq lsp: cannot write to standard output: {e}"))?;
    }
    server.join().map_err(|_| "tsq lsp: internal error: the server stopped".to_owned())?
}

/// Serve one client on `conn` (any connection: [`run`] gives it standard input and output, the
/// fuzz target an in-memory one): initialize, then answer until the client exits; `Err` is a
/// one-sentence message.
pub fn serve(conn: &Connection) -> Result<Ending, String> {
    let (id, params) = conn.initialize_start().map_err(|e| format!("tsq lsp: {e}"))?;
    let params: InitializeParams = serde_json::from_value(params).map_err(|e| format!("tsq lsp: invalid initialize request: {e}"))?;
    let enc = PositionEncoding::negotiate(params.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_deref()));
    let rule_docs =
        params.initialization_options.as_ref().and_then(|o| o.get("ruleDocsUrl")).and_then(serde_json::Value::as_str).map(str::to_owned);
    let server = server::Server::new(conn, &params, enc, diagnostics::RuleDocs::new(rule_docs));
    let result = serde_json::json!({
        "capabilities": server::capabilities(enc, server.pulls()),
        "serverInfo": { "name": "tsq", "version": env!("CARGO_PKG_VERSION") },
    });
    conn.initialize_finish(id, result).map_err(|e| format!("tsq lsp: {e}"))?;
    Ok(server.run())
}
