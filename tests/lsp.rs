//! `tsq lsp` as editors run it: a separate process spoken to over stdio with JSON-RPC framing.
//! Ranges are compared with `tsq check --format json` converted to the negotiated encoding.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

/// A language client driving one `tsq lsp` process.
struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Messages read while waiting for something else.
    backlog: Vec<Value>,
    next_id: i64,
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start(dir: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tsq"))
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            while let Some(msg) = read_message(&mut stdout) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        Self { child, stdin, incoming, backlog: Vec::new(), next_id: 0 }
    }

    /// Start a server and initialize it with these client capabilities; returns the result.
    fn init(dir: &Path, capabilities: Value) -> (Self, Value) {
        let mut c = Self::start(dir);
        let result = c.request("initialize", json!({ "processId": null, "rootUri": null, "capabilities": capabilities }));
        c.notify("initialized", json!({}));
        (c, result["result"].clone())
    }

    fn send(&mut self, msg: &Value) {
        let body = serde_json::to_string(msg).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Send a request and wait for its response (the whole message).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait(|m| m["id"] == id && m.get("method").is_none())
    }

    /// The first message (read before or now) that `pred` accepts.
    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(m) if pred(&m) => return m,
                Ok(m) => self.backlog.push(m),
                Err(RecvTimeoutError::Timeout) => panic!("no awaited message; read: {:#?}", self.backlog),
                Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output; read: {:#?}", self.backlog),
            }
        }
    }

    /// The next diagnostics published for `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let m = self
            .wait(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri && m["params"]["version"] == version);
        m["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": "xml", "version": 1, "text": text } }));
    }

    fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }));
    }

    /// `shutdown` then `exit`: the process ends with 0.
    fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        let status = wait_exit(&mut self.child);
        assert_eq!(status.code(), Some(0));
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // A failed test must not leave its server running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn utf16() -> Value {
    json!({})
}

fn utf8() -> Value {
    json!({ "general": { "positionEncodings": ["utf-8", "utf-16"] } })
}

/// Code units of `c` in an encoding.
fn units(c: char, enc: &str) -> usize {
    match enc {
        "utf-8" => c.len_utf8(),
        "utf-16" => c.len_utf16(),
        _ => 1,
    }
}

/// Convert the CLI's 1-based line and character column to a protocol position.
fn position(text: &str, line: u64, column: u64, enc: &str) -> Value {
    let l = text.split('\n').nth(line as usize - 1).unwrap_or("");
    let character: usize = l.chars().take(column as usize - 1).map(|c| units(c, enc)).sum();
    json!({ "line": line - 1, "character": character })
}

/// `tsq check --format json` of a file on disk, as (rule, range) in `enc`, sorted.
fn cli_findings(path: &Path, enc: &str) -> Vec<(String, Value)> {
    let out = Command::new(env!("CARGO_BIN_EXE_tsq")).args(["check", "--format", "json"]).arg(path).output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let mut v: Vec<(String, Value)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let start = position(&text, d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap(), enc);
            let end = position(&text, d["end_line"].as_u64().unwrap(), d["end_column"].as_u64().unwrap(), enc);
            (d["rule"].as_str().unwrap().to_owned(), json!({ "start": start, "end": end }))
        })
        .collect();
    v.sort_by_key(|(r, range)| (r.clone(), range.to_string()));
    v
}

/// The server's diagnostics as (rule, range), sorted.
fn lsp_findings(diags: &[Value]) -> Vec<(String, Value)> {
    let mut v: Vec<(String, Value)> = diags.iter().map(|d| (d["code"].as_str().unwrap_or("").to_owned(), d["range"].clone())).collect();
    v.sort_by_key(|(r, range)| (r.clone(), range.to_string()));
    v
}

fn uri(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap();
    let mut s = String::from("file://");
    for b in abs.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// The real files the tests use: a raw sequence with non-ASCII text, an MDT template with
/// indented LF lines, a console export's object.xml (CRLF, sequence in CDATA), and a minified
/// raw sequence.
struct Files {
    raw: PathBuf,
    mdt: PathBuf,
    object: PathBuf,
    minified: PathBuf,
}

fn files(test: &str) -> Option<Files> {
    let (corpus, _) = support::corpus_or_skip(test)?;
    let f = Files {
        raw: corpus.join("microsoft-configmgr-hub/objects/TaskSequence/IPU - Citrix VDA and Windows 10.xml"),
        mdt: corpus.join("keithga-DeployShared/Source/MDT2013U1.0/Templates/Server.xml"),
        object: corpus.join(
            "DeploymentResearch-DRFiles/Scripts/TaskSequences/BIOS-Update-TS.zip.extracted/SMS_TaskSequencePackage/PS10026F/object.xml",
        ),
        minified: corpus.join("microsoft-configmgr-hub-firstparty/objects/TaskSequence/How to use Chassis Type Queries.xml"),
    };
    for p in [&f.raw, &f.mdt, &f.object, &f.minified] {
        assert!(p.is_file(), "{} is missing from the corpus", p.display());
    }
    Some(f)
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn corpus_diagnostics_equal_the_cli_in_utf16_and_utf8() {
    let Some(f) = files("corpus_diagnostics_equal_the_cli_in_utf16_and_utf8") else { return };
    for (caps, enc) in [(utf16(), "utf-16"), (utf8(), "utf-8")] {
        let (mut c, init) = Client::init(&support::root(), caps);
        assert_eq!(init["capabilities"]["positionEncoding"], enc);
        assert!(init["capabilities"].get("diagnosticProvider").is_none(), "push model for a client that does not pull");
        for path in [&f.raw, &f.mdt, &f.object] {
            let text = std::fs::read_to_string(path).unwrap();
            let u = uri(path);
            c.open(&u, &text);
            let diags = c.diagnostics(&u, 1);
            let expected = cli_findings(path, enc);
            assert!(!expected.is_empty(), "{} has findings", path.display());
            assert_eq!(lsp_findings(&diags), expected, "{} in {enc}", path.display());
            for d in &diags {
                assert_eq!(d["source"], "tsq");
                let rule = d["code"].as_str().unwrap();
                assert!(d["codeDescription"]["href"].as_str().unwrap().ends_with(&format!("/rules/{rule}.md")));
            }
        }
        c.shutdown();
    }
}

#[test]
fn ranges_are_right_after_astral_characters() {
    let Some(f) = files("ranges_are_right_after_astral_characters") else { return };
    let text = std::fs::read_to_string(&f.raw).unwrap();
    // Put emoji in the name of the node each finding is on, before the finding's column.
    let report = cli_findings(&f.raw, "utf-32");
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let mut touched = 0;
    for (_, range) in &report {
        let line = &mut lines[range["start"]["line"].as_u64().unwrap() as usize];
        let col = range["start"]["character"].as_u64().unwrap() as usize;
        let byte = line.char_indices().nth(col).map_or(line.len(), |(i, _)| i);
        if let Some(at) = line[..byte].rfind("name=\"") {
            line.insert_str(at + 6, "\u{1F680}\u{1F600}");
            touched += 1;
        }
    }
    assert!(touched > 0);
    let dir = tempdir();
    let path = dir.path().join("astral.xml");
    let edited = lines.join("\n");
    std::fs::write(&path, &edited).unwrap();
    for (caps, enc) in [(utf16(), "utf-16"), (utf8(), "utf-8")] {
        let (mut c, _) = Client::init(dir.path(), caps);
        let u = uri(&path);
        c.open(&u, &edited);
        let got = lsp_findings(&c.diagnostics(&u, 1));
        let expected = cli_findings(&path, enc);
        assert_eq!(got, expected, "{enc}");
        // The UTF-16 and UTF-8 columns really differ from the character columns.
        assert_ne!(expected, cli_findings(&path, "utf-32"));
        c.shutdown();
    }
}

#[test]
fn edits_add_and_remove_findings_and_save_rechecks() {
    let Some(f) = files("edits_add_and_remove_findings_and_save_rechecks") else { return };
    let text = std::fs::read_to_string(&f.mdt).unwrap();
    let (mut c, _) = Client::init(&support::root(), utf16());
    let u = uri(&f.mdt);
    c.open(&u, &text);
    let before = lsp_findings(&c.diagnostics(&u, 1));
    assert!(before.iter().all(|(r, _)| r != "unknown-step-type"));
    // Insert a step with a misspelt type before the first group (a ranged, incremental edit).
    let at = text.find("<group").unwrap();
    let line = text[..at].matches('\n').count();
    let col = text[..at].rsplit('\n').next().unwrap().encode_utf16().count();
    let step = r#"<step type="SMS_TaskSequence_RunCommandLineActoin" name="Typo"/>"#;
    let pos = json!({ "line": line, "character": col });
    c.change(&u, 2, json!([{ "range": { "start": pos, "end": pos }, "text": step }]));
    let added = lsp_findings(&c.diagnostics(&u, 2));
    let typo: Vec<_> = added.iter().filter(|(r, _)| r == "unknown-step-type").collect();
    assert_eq!(typo.len(), 1, "{added:?}");
    assert_eq!(typo[0].1["start"]["line"], line);
    // Remove it again.
    let end = json!({ "line": line, "character": col + step.len() });
    c.change(&u, 3, json!([{ "range": { "start": pos, "end": end }, "text": "" }]));
    assert_eq!(lsp_findings(&c.diagnostics(&u, 3)), before);
    // Saving checks again and publishes the same findings.
    c.notify("textDocument/didSave", json!({ "textDocument": { "uri": u } }));
    assert_eq!(lsp_findings(&c.diagnostics(&u, 3)), before);
    // Two versions typed quickly: the last one's findings are published.
    c.change(&u, 4, json!([{ "text": "<sequence version=\"3.10\"><group name=\"A\"/>" }]));
    c.change(&u, 5, json!([{ "text": text }]));
    assert_eq!(lsp_findings(&c.diagnostics(&u, 5)), before);
    c.shutdown();
}

/// The symbols depth-first: (name, detail, depth, struck through).
fn flatten(symbols: &[Value], depth: usize, out: &mut Vec<(String, String, usize, bool)>) {
    for s in symbols {
        let struck = s["tags"].as_array().is_some_and(|t| t.contains(&json!(1)));
        out.push((s["name"].as_str().unwrap().to_owned(), s["detail"].as_str().unwrap().to_owned(), depth, struck));
        if let Some(children) = s["children"].as_array() {
            flatten(children, depth + 1, out);
        }
    }
}

#[test]
fn outline_is_the_models_tree_with_numbers() {
    let Some(f) = files("outline_is_the_models_tree_with_numbers") else { return };
    let (mut c, _) = Client::init(&support::root(), utf16());
    for path in [&f.object, &f.mdt, &f.raw] {
        let text = std::fs::read_to_string(path).unwrap();
        let u = uri(path);
        c.open(&u, &text);
        let r = c.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": u } }));
        let mut got = Vec::new();
        flatten(r["result"].as_array().unwrap(), 0, &mut got);
        let loaded = tsq::container::load_bytes("x.xml", text.clone().into_bytes(), None);
        let ts = loaded[0].result.as_ref().unwrap();
        let expected: Vec<(String, String, usize, bool)> = ts
            .sequence
            .walk()
            .map(|v| {
                let name = v.node.name();
                let name = if name.trim().is_empty() { "(unnamed)".to_owned() } else { name.into_owned() };
                let kind = tsq::identity::kind_of(v.node);
                let kind = if kind.is_empty() { "step".to_owned() } else { kind };
                let note = if v.node.disabled() {
                    " (disabled)"
                } else if v.effectively_disabled() {
                    " (in a disabled group)"
                } else {
                    ""
                };
                (name, format!("#{} {kind}{note}", v.number), v.ancestors.len(), v.effectively_disabled())
            })
            .collect();
        assert!(expected.len() > 5);
        assert_eq!(got, expected, "{}", path.display());
        if path == &f.object {
            let outline: String =
                got.iter().map(|(name, detail, depth, _)| format!("{}{name}  [{detail}]\n", "  ".repeat(*depth))).collect();
            insta::with_settings!({ snapshot_path => "../snapshots/lsp", prepend_module_to_snapshot => false, omit_expression => true }, {
                insta::assert_snapshot!("outline-object-xml", outline);
            });
        }
        assert!(got.iter().any(|g| g.3) || path != &f.object, "the export has a disabled step");
    }
    // The object.xml outline points into the CDATA of the outer file.
    let text = std::fs::read_to_string(&f.object).unwrap();
    let r = c.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri(&f.object) } }));
    let first = &r["result"][0];
    let line = first["range"]["start"]["line"].as_u64().unwrap() as usize;
    let col = first["range"]["start"]["character"].as_u64().unwrap() as usize;
    let offset: usize = text.split('\n').take(line).map(|l| l.len() + 1).sum::<usize>() + col;
    assert!(text[offset..].starts_with("<group") || text[offset..].starts_with("<step"));
    let cdata = text[..offset].rfind("<![CDATA[").unwrap();
    assert!(!text[cdata..offset].contains("]]>"), "inside the CDATA");
    c.shutdown();
}

/// The hover at the first occurrence of `needle` (one character in), as Markdown.
fn hover_at(c: &mut Client, u: &str, text: &str, needle: &str) -> Option<String> {
    let at = text.find(needle).unwrap() + 1;
    let line = text[..at].matches('\n').count();
    let col = text[..at].rsplit('\n').next().unwrap().encode_utf16().count();
    let r = c.request("textDocument/hover", json!({ "textDocument": { "uri": u }, "position": { "line": line, "character": col } }));
    r["result"]["contents"]["value"].as_str().map(str::to_owned)
}

#[test]
fn hover_explains_step_types_variables_and_rules() {
    let Some(f) = files("hover_explains_step_types_variables_and_rules") else { return };
    let (mut c, _) = Client::init(&support::root(), utf16());
    let text = std::fs::read_to_string(&f.object).unwrap();
    let u = uri(&f.object);
    c.open(&u, &text);
    let step = hover_at(&mut c, &u, &text, "SMS_TaskSequence_RunCommandLineAction").unwrap();
    assert!(step.contains("**Run Command Line**") && step.contains("in Windows PE and in the full operating system"), "{step}");
    assert!(step.contains("learn.microsoft.com"));
    let var = hover_at(&mut c, &u, &text, "_SMSTSInWinPE").unwrap();
    assert!(var.contains("read-only") && var.contains("Windows PE"), "{var}");
    assert_eq!(hover_at(&mut c, &u, &text, "<sequence"), None);
    // A rule named in a suppression comment (inserted before the first step).
    let mdt = std::fs::read_to_string(&f.mdt).unwrap();
    let at = mdt.find("<step").unwrap();
    let with = format!("{}<!-- tsq-ignore plaintext-secret: lab only -->{}", &mdt[..at], &mdt[at..]);
    let u2 = uri(&f.mdt);
    c.open(&u2, &with);
    let rule = hover_at(&mut c, &u2, &with, "plaintext-secret").unwrap();
    assert!(rule.contains("`plaintext-secret`") && rule.contains("security"), "{rule}");
    let partition = hover_at(&mut c, &u2, &with, "SMS_TaskSequence_PartitionDiskAction").unwrap();
    assert!(partition.contains("**Format and Partition Disk**") && partition.contains("in Windows PE only"), "{partition}");
    let bitlocker = hover_at(&mut c, &u2, &with, "SMS_TaskSequence_EnableBitLockerAction").unwrap();
    assert!(bitlocker.contains("in the full operating system only"), "{bitlocker}");
    let all = [step, var, rule, partition, bitlocker].join("\n\n---\n\n");
    insta::with_settings!({ snapshot_path => "../snapshots/lsp", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("hover-texts", all);
    });
    c.shutdown();
}

/// Apply one text edit (UTF-16 positions) to `text`.
fn apply_edit(text: &str, edit: &Value) -> String {
    let pos = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let ch = p["character"].as_u64().unwrap() as usize;
        let start: usize = text.split('\n').take(line).map(|l| l.len() + 1).sum();
        let l = text[start..].split('\n').next().unwrap();
        let mut units = 0;
        let mut byte = l.len();
        for (i, c) in l.char_indices() {
            if units >= ch {
                byte = i;
                break;
            }
            units += c.len_utf16();
        }
        start + byte
    };
    let (a, b) = (pos(&edit["range"]["start"]), pos(&edit["range"]["end"]));
    format!("{}{}{}", &text[..a], edit["newText"].as_str().unwrap(), &text[b..])
}

#[test]
fn the_suppress_action_removes_the_finding() {
    let Some(f) = files("the_suppress_action_removes_the_finding") else { return };
    let dir = tempdir();
    let (mut c, _) = Client::init(&support::root(), utf16());
    for path in [&f.minified, &f.mdt, &f.object] {
        let text = std::fs::read_to_string(path).unwrap();
        let u = uri(path);
        c.open(&u, &text);
        let diags = c.diagnostics(&u, 1);
        let target = diags.iter().find(|d| d["message"].as_str().unwrap().contains("\nstep: ")).expect("a finding on a step").clone();
        let rule = target["code"].as_str().unwrap().to_owned();
        let r = c.request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": u }, "range": target["range"], "context": { "diagnostics": [target] } }),
        );
        let actions = r["result"].as_array().unwrap();
        let action = actions.iter().find(|a| a["title"] == format!("Suppress `{rule}` for this step")).expect("the action");
        assert_eq!(action["kind"], "quickfix");
        let edits = action["edit"]["changes"][&u].as_array().unwrap();
        assert_eq!(edits.len(), 1);
        let fixed = apply_edit(&text, &edits[0]);
        let comment = format!("<!-- tsq-ignore {rule}: reason -->");
        assert!(fixed.contains(&comment));
        if path == &f.mdt {
            // On its own line, indented as the step and ended as the file's lines are.
            let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
            let line = fixed.split(eol).find(|l| l.contains(&comment)).unwrap();
            assert_eq!(line.trim_start(), comment);
            assert!(fixed.contains(&format!("{comment}{eol}")));
        }
        c.change(&u, 2, json!([{ "text": fixed }]));
        let after = lsp_findings(&c.diagnostics(&u, 2));
        let mut expected = lsp_findings(&diags);
        let gone = expected.iter().position(|(r, range)| *r == rule && *range == target["range"]).unwrap();
        expected.remove(gone);
        // Findings after the comment moved; compare rules and count.
        let rules = |v: &[(String, Value)]| v.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>();
        assert_eq!(rules(&after), rules(&expected), "{}", path.display());
        // The CLI agrees on the edited file.
        let out = dir.path().join(path.file_name().unwrap());
        std::fs::write(&out, &fixed).unwrap();
        assert_eq!(rules(&cli_findings(&out, "utf-16")), rules(&expected));
    }
    c.shutdown();
}

#[test]
fn pull_diagnostics_for_clients_that_pull() {
    let Some(f) = files("pull_diagnostics_for_clients_that_pull") else { return };
    let caps = json!({ "textDocument": { "diagnostic": { "dynamicRegistration": false } } });
    let (mut c, init) = Client::init(&support::root(), caps);
    assert_eq!(init["capabilities"]["diagnosticProvider"]["identifier"], "tsq");
    let text = std::fs::read_to_string(&f.raw).unwrap();
    let u = uri(&f.raw);
    c.open(&u, &text);
    let r = c.request("textDocument/diagnostic", json!({ "textDocument": { "uri": u } }));
    assert_eq!(r["result"]["kind"], "full");
    assert_eq!(lsp_findings(r["result"]["items"].as_array().unwrap()), cli_findings(&f.raw, "utf-16"));
    let id = r["result"]["resultId"].clone();
    let again = c.request("textDocument/diagnostic", json!({ "textDocument": { "uri": u }, "previousResultId": id }));
    assert_eq!(again["result"]["kind"], "unchanged");
    // A pull right after an edit waits for that version's check.
    c.change(&u, 2, json!([{ "text": "<sequence version=\"3.10\"><group name=\"A\"/></sequence>" }]));
    let r = c.request("textDocument/diagnostic", json!({ "textDocument": { "uri": u }, "previousResultId": id }));
    assert_eq!(r["result"]["kind"], "full");
    assert_eq!(lsp_findings(r["result"]["items"].as_array().unwrap()).iter().map(|(r, _)| r.as_str()).collect::<Vec<_>>(), ["empty-group"]);
    assert!(c.backlog.iter().all(|m| m["method"] != "textDocument/publishDiagnostics"), "nothing is pushed");
    c.shutdown();
}

#[test]
fn a_broken_tsq_toml_is_a_diagnostic_and_a_fix_is_picked_up() {
    let Some(f) = files("a_broken_tsq_toml_is_a_diagnostic_and_a_fix_is_picked_up") else { return };
    let dir = tempdir();
    let toml = dir.path().join("tsq.toml");
    std::fs::write(&toml, "[rules]\nempty-group = \"loud\"\n").unwrap();
    let caps = json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let (mut c, _) = Client::init(dir.path(), caps);
    let reg = c.wait(|m| m["method"] == "client/registerCapability");
    assert_eq!(reg["params"]["registrations"][0]["registerOptions"]["watchers"][0]["globPattern"], "**/tsq.toml");
    // The buffer holds a real file's text; its path puts it under the temporary tsq.toml.
    let text = std::fs::read_to_string(&f.minified).unwrap();
    let doc = dir.path().join("ts.xml");
    let u = uri(&doc);
    c.open(&u, &text);
    let on_toml = c.wait(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri(&toml));
    let d = &on_toml["params"]["diagnostics"][0];
    assert_eq!(d["range"]["start"]["line"], 1, "{d}");
    assert!(d["message"].as_str().unwrap().contains("loud"), "{d}");
    let on_doc = c.diagnostics(&u, 1);
    assert_eq!(on_doc.len(), 1);
    assert!(on_doc[0]["message"].as_str().unwrap().contains("tsq.toml"));
    // Fixed: the config's diagnostic is cleared, and the document is checked with it.
    std::fs::write(&toml, "[rules]\nempty-group = \"off\"\n").unwrap();
    c.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": uri(&toml), "type": 2 }] }));
    let cleared = c.wait(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri(&toml));
    assert_eq!(cleared["params"]["diagnostics"], json!([]));
    assert_eq!(c.diagnostics(&u, 1), Vec::<Value>::new(), "empty-group is off");
    // Excluded by the configuration: no diagnostics; not excluded: the three empty groups.
    for (config, expected) in [("exclude = [\"ts.xml\"]\n", 0), ("", 3)] {
        std::fs::write(&toml, config).unwrap();
        c.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": uri(&toml), "type": 2 }] }));
        assert_eq!(c.diagnostics(&u, 1).len(), expected, "{config:?}");
    }
    c.shutdown();
}

#[test]
fn garbage_and_half_typed_text_never_stop_the_server() {
    let Some(f) = files("garbage_and_half_typed_text_never_stop_the_server") else { return };
    let (mut c, _) = Client::init(&support::root(), utf16());
    let u = "untitled:garbage";
    c.open(u, "\u{0}<<&&]]><![CDATA[ \u{1F600}<step type=\"");
    let d = c.diagnostics(u, 1);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["code"], "xml-syntax");
    // Every prefix of a real file (in steps), as if typed: each gets an answer.
    let text = std::fs::read_to_string(&f.object).unwrap();
    let cuts: Vec<usize> = (1..40).map(|i| i * text.len() / 40).filter(|&i| text.is_char_boundary(i)).collect();
    for (v, &cut) in cuts.iter().enumerate() {
        let version = v as i64 + 2;
        c.change(u, version, json!([{ "text": &text[..cut] }]));
        c.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": u } }));
        c.request("textDocument/hover", json!({ "textDocument": { "uri": u }, "position": { "line": 3, "character": 4 } }));
    }
    let last = cuts.len() as i64 + 1;
    assert!(!c.diagnostics(u, last).is_empty());
    // A method the server does not know.
    let r = c.request("tsq/noSuchMethod", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    c.shutdown();
}

#[test]
fn exit_without_shutdown_is_an_error_exit() {
    let mut c = Client::start(&support::root());
    c.request("initialize", json!({ "processId": null, "rootUri": null, "capabilities": {} }));
    c.notify("initialized", json!({}));
    c.notify("exit", Value::Null);
    assert_eq!(wait_exit(&mut c.child).code(), Some(1));
}

#[test]
fn a_five_megabyte_document_does_not_block_requests() {
    let Some(f) = files("a_five_megabyte_document_does_not_block_requests") else { return };
    let text = std::fs::read_to_string(&f.mdt).unwrap();
    let (a, b) = (text.find("<group").unwrap(), text.rfind("</group>").unwrap() + "</group>".len());
    let mut big = String::from("<sequence version=\"3.10\">\n");
    while big.len() < 5 << 20 {
        big.push_str(&text[a..b]);
        big.push('\n');
    }
    big.push_str("</sequence>\n");
    let (mut c, _) = Client::init(&support::root(), utf16());
    let u = "untitled:big.xml";
    let started = Instant::now();
    c.open(u, &big);
    let r = c.request("textDocument/hover", json!({ "textDocument": { "uri": u }, "position": { "line": 1, "character": 3 } }));
    let hover = started.elapsed();
    assert!(r.get("error").is_none());
    let published = c.backlog.iter().any(|m| m["method"] == "textDocument/publishDiagnostics");
    assert!(!published, "the hover was answered while the check ran");
    let diags = c.diagnostics(u, 1);
    let checked = started.elapsed();
    eprintln!("5 MB document: hover answered after {hover:?}, diagnostics after {checked:?} ({} findings)", diags.len());
    assert!(!diags.is_empty());
    c.shutdown();
}

#[test]
fn quick_fixes_and_fix_all_safe_remove_their_findings() {
    let Some(f) = files("quick_fixes_and_fix_all_safe_remove_their_findings") else { return };
    let (mut c, _) = Client::init(&support::root(), utf16());
    // An MDT template with two upper-case operators (safe operator-case fixes), made in memory.
    let text = std::fs::read_to_string(&f.mdt).unwrap().replacen(">equals<", ">Equals<", 2);
    let u = uri(&f.mdt);
    c.open(&u, &text);
    let diags = c.diagnostics(&u, 1);
    let target = diags.iter().find(|d| d["code"] == "operator-case").expect("an operator-case finding").clone();
    let r = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": u }, "range": target["range"], "context": { "diagnostics": [target] } }),
    );
    let actions = r["result"].as_array().unwrap();
    let fix = actions.iter().find(|a| a["title"].as_str().unwrap().starts_with("Fix `operator-case`")).expect("the quick fix");
    assert_eq!((fix["kind"].as_str(), fix["isPreferred"].as_bool()), (Some("quickfix"), Some(true)));
    let edits = fix["edit"]["changes"][&u].as_array().unwrap();
    let fixed = edits.iter().fold(text.clone(), |t, e| apply_edit(&t, e));
    assert_eq!(fixed.matches(">Equals<").count(), text.matches(">Equals<").count() - 1);
    c.change(&u, 2, json!([{ "text": fixed }]));
    let after = c.diagnostics(&u, 2);
    assert_eq!(
        after.iter().filter(|d| d["code"] == "operator-case").count(),
        diags.iter().filter(|d| d["code"] == "operator-case").count() - 1
    );
    // Fix all safe: one whole-document edit; no safe-fixable operator-case finding is left, and
    // no rule gains a finding.
    let whole = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } });
    let r = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": u }, "range": whole, "context": { "diagnostics": [], "only": ["source.fixAll"] } }),
    );
    let actions = r["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.tsq");
    let edit = &actions[0]["edit"]["changes"][&u][0];
    let all = apply_edit(&fixed, edit);
    c.change(&u, 3, json!([{ "text": all }]));
    let last = c.diagnostics(&u, 3);
    assert_eq!(last.iter().filter(|d| d["code"] == "operator-case").count(), 0);
    for d in &last {
        let rule = d["code"].as_str().unwrap();
        let before = after.iter().filter(|a| a["code"] == rule).count();
        assert!(last.iter().filter(|x| x["code"] == rule).count() <= before, "{rule} gained findings");
    }
}

/// Found by the language-server invariant (`tests/support/invariants.rs`): a request whose
/// parameters do not read got no answer at all, and a pulled-diagnostics request still waiting
/// for its check when `shutdown` came was never answered. Both are now answered with an error.
#[test]
fn every_request_is_answered_even_with_invalid_parameters() {
    let example = std::fs::read_to_string(support::root().join("examples/raw-sequence.xml")).unwrap();
    let invalid = [
        r#"{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{}}"#,
        r#"{"jsonrpc":"2.0","id":2,"method":"textDocument/diagnostic","params":{"textDocument":{}}}"#,
        r#"{"jsonrpc":"2.0","id":3,"method":"textDocument/codeAction","params":null}"#,
        r#"{"jsonrpc":"2.0","id":4,"method":"textDocument/documentSymbol","params":[]}"#,
    ];
    // A first byte even: diagnostics are pushed; odd (a tab): the client pulls them.
    for first in [" ", "\t"] {
        let input = format!("{first}{example}\0{}", invalid.join("\0"));
        support::invariants::check_lsp(input.as_bytes()).unwrap();
    }
}
