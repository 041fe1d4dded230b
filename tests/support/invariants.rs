//! What must hold for any input, whatever its bytes (the mutation test and the fuzz targets in
//! `fuzz/` check the same, from this one file): no panic, every output format renders, JSON is valid, positions are inside the file,
//! `fmt` output parses to the same model and formats to itself, an unchanged write reproduces the
//! input, fixes converge without breaking the file, conversions round-trip, and the language
//! server answers well whatever it is sent.

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tsq::container::{Format, TaskSequence, load_bytes, load_text};
use tsq::convert::{PackageOptions, Target, convert, from_json, from_task_sequence};
use tsq::fix::{Applicability, added_errors, rounds};
use tsq::lint::{FileResult, Settings, check as lint};
use tsq::model::{Same, Tree};
use tsq::report::{locate, render_concise, render_human, render_json};
use tsq::source::SourceFile;
use tsq::writer::{FormatError, format, write_preserving};

/// Check every invariant on one input; `Err` says which one failed.
pub fn check(name: &str, bytes: &[u8]) -> Result<(), String> {
    check_dump(name, bytes)?;
    check_reports(name, bytes)?;
    check_fmt(name, bytes)
}

/// Wherever the scanner reads a document (the file, and an `object.xml`'s CDATA sequence),
/// roxmltree accepts it too and gives the same tree. Returns how many documents it read.
pub fn check_tree(name: &str, bytes: &[u8]) -> Result<usize, String> {
    let text = String::from_utf8_lossy(bytes);
    let mut docs = vec![text.as_ref().to_owned()];
    for l in load_bytes(name, bytes.to_vec(), None) {
        let sequence = l.result.as_ref().ok().and_then(|ts| ts.package.as_ref()).and_then(|p| p.value("Sequence"));
        if let Some(inner) = sequence.and_then(|v| v.raw.trim().strip_prefix("<![CDATA[")?.strip_suffix("]]>").map(str::to_owned)) {
            docs.push(inner);
        }
    }
    let mut scanned = 0;
    for doc in &docs {
        let Some(tree) = Tree::scan(doc) else { continue };
        let parsed = tsq::syntax::parse(doc).map_err(|e| format!("the scanner read a document roxmltree refuses ({})", e.message))?;
        if Tree::from_node(doc, parsed.root_element()) != tree {
            return Err("the scanner's tree differs from roxmltree's".to_owned());
        }
        scanned += 1;
    }
    Ok(scanned)
}

/// `tsq dump` of every task sequence read from `bytes` is valid JSON.
pub fn check_dump(name: &str, bytes: &[u8]) -> Result<(), String> {
    for l in load_bytes(name, bytes.to_vec(), None) {
        if let (Ok(ts), Some(src)) = (&l.result, &l.source) {
            let json = tsq::dump::task_sequence(&l.path, &src.text, ts);
            let text = serde_json::to_string(&json).map_err(|e| format!("dump: {e}"))?;
            valid_json(&text).map_err(|e| format!("dump is not valid JSON: {e}"))?;
        }
    }
    Ok(())
}

/// Load and check `bytes`: every output format renders, the JSON report is valid JSON, and every
/// position is inside the file.
pub fn check_reports(name: &str, bytes: &[u8]) -> Result<(), String> {
    check_tree(name, bytes)?;
    let settings = Settings::default();
    let results: Vec<FileResult> = load_bytes(name, bytes.to_vec(), None).into_iter().map(|l| lint(l, &settings)).collect();
    for r in &results {
        let size = r.source.as_ref().map_or(usize::MAX, |s| s.encode(&s.text).len());
        for l in locate(r) {
            if l.offset.checked_add(l.length).is_none_or(|end| end > size) {
                return Err(format!("{} at {}+{} is outside the file ({size} bytes)", l.rule, l.offset, l.length));
            }
        }
    }
    let mut out = Vec::new();
    render_human(&results, false, 100, &mut out).map_err(|e| e.to_string())?;
    render_concise(&results, &mut out).map_err(|e| e.to_string())?;
    let mut json = Vec::new();
    render_json(&results, &mut json).map_err(|e| e.to_string())?;
    valid_json(&String::from_utf8_lossy(&json)).map_err(|e| format!("the JSON report is not valid JSON: {e}"))
}

/// An unchanged write reproduces `bytes`; `tsq fmt` output parses to the same model and formats
/// to itself (a verification failure is a bug).
pub fn check_fmt(name: &str, bytes: &[u8]) -> Result<(), String> {
    if bytes.starts_with(b"PK") {
        return Ok(());
    }
    let Ok(source) = SourceFile::decode(name, bytes.to_vec()) else { return Ok(()) };
    let same = write_preserving(&source, &[]).map_err(|e| e.to_string())?;
    if same != bytes {
        return Err("an unchanged write does not reproduce the input".into());
    }
    match format(&source) {
        Ok(text) => {
            let again = SourceFile { text: text.clone(), ..source.clone() };
            match format(&again) {
                Ok(twice) if twice == text => {}
                Ok(_) => return Err("fmt is not idempotent".into()),
                Err(e) => return Err(format!("fmt output does not format: {e}")),
            }
            let (a, b) = (tsq::container::parse(&source, None), tsq::container::parse(&again, None));
            match (a, b) {
                (Ok(a), Ok(b)) if tsq::model::Same::same(&a, &b) => {}
                _ => return Err("fmt output has another model".into()),
            }
        }
        Err(FormatError::Unverified(why)) => return Err(format!("fmt failed its own verification: {why}")),
        Err(FormatError::Syntax(_) | FormatError::Unsupported(_)) => {}
    }
    Ok(())
}

/// `tsq check --fix --unsafe-fixes` on `bytes`: when they load, the fixes (safe and unsafe,
/// round after round) converge, the fixed text still loads, no rule reports more errors than
/// before, and fixing the fixed text again changes nothing.
pub fn check_fix(name: &str, bytes: &[u8]) -> Result<(), String> {
    if bytes.starts_with(b"PK") {
        return Ok(());
    }
    let settings = Settings::default();
    let Ok(source) = SourceFile::decode(name, bytes.to_vec()) else { return Ok(()) };
    let check = |text: &str| -> Result<Vec<FileResult>, String> { Ok(vec![lint(load_text(name, source.encode(text), None), &settings)]) };
    let before = check(&source.text)?;
    if before.iter().any(|r| r.diagnostics.iter().any(|d| tsq::rules::LOADER_RULES.contains(&d.rule))) {
        return Ok(());
    }
    let done = rounds(&source.text, before, name, Applicability::Unsafe, check)?;
    if let Some(why) = done.refused {
        return Err(format!("fix: {why}"));
    }
    if done.count == 0 {
        return Ok(());
    }
    if let Some((rule, n)) = added_errors(&check(&source.text)?, &done.results) {
        return Err(format!("fix: the fixes add `{rule}` errors ({n} after fixing)"));
    }
    let again = rounds(&done.text, check(&done.text)?, name, Applicability::Unsafe, check)?;
    if again.count > 0 || again.text != done.text {
        return Err(format!("fix: fixing the fixed text again fixes {} more findings", again.count));
    }
    Ok(())
}

/// `tsq convert` of a loaded task sequence: the dump reads back as the same sequence; converting
/// to each container gives a file that loads with the same sequence, and converting that back
/// to the input's own container gives the same sequence again. A conversion may refuse (a `]]>`
/// that an `object.xml` cannot hold), but never fail its own verification.
pub fn check_convert(name: &str, bytes: &[u8]) -> Result<(), String> {
    if bytes.starts_with(b"PK") {
        return Ok(());
    }
    let loaded = load_text(name, bytes.to_vec(), None);
    let (Ok(ts), Some(src)) = (&loaded.result, &loaded.source) else { return Ok(()) };
    let source = from_task_sequence(&src.text, ts).map_err(|e| format!("convert: the loaded sequence has no tree: {e}"))?;
    let dump = serde_json::to_string(&tsq::dump::task_sequence(name, &src.text, ts)).map_err(|e| format!("dump: {e}"))?;
    let from_dump = from_json(name, &dump).map_err(|e| format!("convert: the dump does not read back: {e}"))?;
    if !from_dump.sequence.same(&ts.sequence) {
        return Err("convert: the dump reads back as another sequence".into());
    }
    let home = match ts.format {
        Format::CmObjectXml => Target::ObjectXml,
        Format::SmsTaskSequencePackage => Target::SmsPackage,
        Format::RawSequence | Format::MdtTs => Target::Raw,
    };
    let to = |source: &tsq::convert::Source, target: Target| -> Result<Option<(String, TaskSequence)>, String> {
        let text = match convert(name, source, target, PackageOptions::default()) {
            Ok(text) => text,
            Err(e) if e.contains("bug in tsq") || e.contains("verif") => return Err(format!("convert --to {target:?}: {e}")),
            Err(_) => return Ok(None),
        };
        let back = load_text(name, text.clone().into_bytes(), None)
            .result
            .map_err(|p| format!("convert --to {target:?}: the output does not load: {}", p.message))?;
        if !back.sequence.same(&ts.sequence) {
            return Err(format!("convert --to {target:?}: the output holds another sequence"));
        }
        Ok(Some((text, back)))
    };
    to(&from_dump, Target::Raw)?;
    for target in [Target::Raw, Target::ObjectXml, Target::SmsPackage] {
        let Some((text, back)) = to(&source, target)? else { continue };
        let again = from_task_sequence(&text, &back).map_err(|e| format!("convert --to {target:?}: the output has no tree: {e}"))?;
        to(&again, home).map_err(|e| format!("after --to {target:?}, {e}"))?;
    }
    Ok(())
}

/// How long the language server may take to answer.
const LSP_WAIT: Duration = Duration::from_secs(5);

/// The language server fed `bytes` over an in-memory connection, after a fixed `initialize`:
/// the bytes are split at NUL bytes; the first part is opened as a document, each later part is
/// sent as it is when it is a JSON-RPC message (except `shutdown` and `exit`) and as the
/// document's new text otherwise; then the outline, hover, code actions and pulled diagnostics of
/// the document are asked for. Nothing panics or hangs, every request gets one well-formed
/// answer (no internal error), and `shutdown` then `exit` end the server cleanly.
pub fn check_lsp(bytes: &[u8]) -> Result<(), String> {
    let (server, client) = Connection::memory();
    let handle = std::thread::spawn(move || tsq::lsp::serve(&server));
    let uri = "file:///fuzz/input.xml";
    let mut asked: Vec<(RequestId, String)> = Vec::new();
    let send = |msg: Message| client.sender.send(msg).map_err(|_| "lsp: the server stopped reading".to_owned());
    let request = |asked: &mut Vec<(RequestId, String)>, method: &str, params: Value| {
        let id = RequestId::from(format!("fuzz-{}", asked.len()));
        asked.push((id.clone(), method.to_owned()));
        send(Request::new(id, method.to_owned(), params).into())
    };
    // An odd first byte: a client that pulls diagnostics; an even one: diagnostics are pushed.
    let capabilities = if bytes.first().is_some_and(|b| b % 2 == 1) {
        json!({ "textDocument": { "diagnostic": {} }, "general": { "positionEncodings": ["utf-8", "utf-16"] } })
    } else {
        json!({})
    };
    request(&mut asked, "initialize", json!({ "processId": null, "rootUri": null, "capabilities": capabilities }))?;
    send(Notification::new("initialized".into(), json!({})).into())?;
    let mut parts = bytes.split(|b| *b == 0);
    let first = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let open = json!({ "textDocument": { "uri": uri, "languageId": "xml", "version": 1, "text": first } });
    send(Notification::new("textDocument/didOpen".into(), open).into())?;
    for (version, part) in (2..).zip(parts) {
        match serde_json::from_slice::<Message>(part) {
            Ok(Message::Request(r)) if r.method == "shutdown" => {}
            Ok(Message::Notification(n)) if n.method == "exit" => {}
            // An id of this function's own, or one already used, would make the answers ambiguous.
            Ok(Message::Request(r)) if r.id.to_string().contains("fuzz-") || asked.iter().any(|(id, _)| *id == r.id) => {}
            Ok(Message::Request(r)) => {
                asked.push((r.id.clone(), r.method.clone()));
                send(r.into())?;
            }
            Ok(msg) => send(msg)?,
            Err(_) => {
                let text = String::from_utf8_lossy(part);
                let change = json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] });
                send(Notification::new("textDocument/didChange".into(), change).into())?;
            }
        }
    }
    let doc = json!({ "uri": uri });
    let everything = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 100_000, "character": 0 } });
    request(&mut asked, "textDocument/documentSymbol", json!({ "textDocument": doc }))?;
    for line in [0, 1, 3, 10] {
        let at = json!({ "textDocument": doc, "position": { "line": line, "character": 5 } });
        request(&mut asked, "textDocument/hover", at)?;
    }
    request(&mut asked, "textDocument/codeAction", json!({ "textDocument": doc, "range": everything, "context": { "diagnostics": [] } }))?;
    request(&mut asked, "textDocument/diagnostic", json!({ "textDocument": doc }))?;
    request(&mut asked, "shutdown", Value::Null)?;
    // Read until every request has its answer (those answered on a thread of their own may come
    // after the answer to `shutdown`).
    let deadline = Instant::now() + LSP_WAIT * 4;
    let mut answered: Vec<RequestId> = Vec::new();
    while let Some((id, method)) = asked.iter().find(|(id, _)| !answered.contains(id)) {
        let left = deadline.saturating_duration_since(Instant::now()).min(LSP_WAIT);
        let msg = client.receiver.recv_timeout(left).map_err(|_| format!("lsp: request {id} (`{method}`) has no answer (a hang?)"))?;
        let text = serde_json::to_string(&msg).map_err(|e| format!("lsp: a message does not serialize: {e}"))?;
        valid_json(&text).map_err(|e| format!("lsp: a message is not valid JSON: {e}"))?;
        match msg {
            Message::Response(r) => {
                if answered.contains(&r.id) {
                    return Err(format!("lsp: request {} is answered twice", r.id));
                }
                let Some((_, method)) = asked.iter().find(|(id, _)| *id == r.id) else {
                    return Err(format!("lsp: an answer to request {}, which was never sent", r.id));
                };
                well_formed(method, &r)?;
                answered.push(r.id);
            }
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                serde_json::from_value::<lsp_types::PublishDiagnosticsParams>(n.params)
                    .map_err(|e| format!("lsp: malformed publishDiagnostics: {e}"))?;
            }
            Message::Notification(n) if n.method == "window/logMessage" && text.contains("internal error") => {
                return Err(format!("lsp: an internal error (a panic): {}", n.params));
            }
            Message::Notification(_) | Message::Request(_) => {}
        }
    }
    send(Notification::new("exit".into(), Value::Null).into())?;
    let started = Instant::now();
    while !handle.is_finished() {
        if started.elapsed() > LSP_WAIT {
            return Err("lsp: the server does not stop after `exit`".into());
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    match handle.join() {
        Ok(Ok(tsq::lsp::Ending::Clean)) => Ok(()),
        Ok(other) => Err(format!("lsp: shutdown and exit end the server with {other:?}")),
        Err(_) => Err("lsp: the server panicked".into()),
    }
}

/// Whether the answer `r` to a `method` request has the shape the protocol gives it (an error
/// is fine, except an internal one: that is a panic caught by the server).
fn well_formed(method: &str, r: &Response) -> Result<(), String> {
    fn shape<T: serde::de::DeserializeOwned>(method: &str, value: &Value) -> Result<(), String> {
        serde_json::from_value::<T>(value.clone()).map(drop).map_err(|e| format!("lsp: a malformed `{method}` answer: {e}: {value}"))
    }
    let result = match &r.response_result {
        Ok(result) => result,
        Err(e) if e.code == lsp_server::ErrorCode::InternalError as i32 => {
            return Err(format!("lsp: an internal error answering `{method}` (a panic): {}", e.message));
        }
        Err(_) => return Ok(()),
    };
    match method {
        "initialize" => shape::<lsp_types::InitializeResult>(method, result),
        "textDocument/documentSymbol" => shape::<Option<lsp_types::DocumentSymbolResponse>>(method, result),
        "textDocument/hover" => shape::<Option<lsp_types::Hover>>(method, result),
        "textDocument/codeAction" => shape::<Option<lsp_types::CodeActionResponse>>(method, result),
        "textDocument/diagnostic" => shape::<lsp_types::DocumentDiagnosticReportResult>(method, result),
        _ => Ok(()),
    }
}

/// Whether `text` is one JSON value, however deeply nested (a dump nests as deep as the conditions
/// of the sequence, past `serde_json`'s default limit of 128 levels).
pub fn valid_json(text: &str) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    <serde::de::IgnoredAny as serde::Deserialize>::deserialize(&mut de)?;
    de.end()
}
