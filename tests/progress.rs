//! The progress line: drawn on a terminal's standard error for a run longer than a second, for
//! people's formats only, and cleared at the end. The terminal is a real pseudo-terminal, made
//! by Python's `pty` module (the test is skipped with a notice where `python3` is missing).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use std::process::Command;

/// Runs argv[1:] with standard error on a pseudo-terminal; prints the seconds taken, then what
/// the terminal received (hex).
const PTY: &str = r#"
import os, subprocess, sys, time, threading
m, s = os.openpty()
t = time.time()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=s, stdin=subprocess.DEVNULL)
os.close(s)
out = []
def reader():
    while True:
        try:
            d = os.read(m, 65536)
        except OSError:
            return
        if not d:
            return
        out.append(d)
th = threading.Thread(target=reader, daemon=True)
th.start()
p.wait(timeout=120)
th.join(timeout=5)
print("%.3f" % (time.time() - t))
print(b"".join(out).hex())
"#;

/// (seconds, what standard error showed) for `tsq ARGS` on a terminal, or `None` without python3.
fn on_terminal(args: &[&str]) -> Option<(f64, String)> {
    let mut cmd = Command::new("python3");
    cmd.arg("-c").arg(PTY).arg(env!("CARGO_BIN_EXE_tsq")).args(args);
    let out = cmd.output().ok().filter(|o| o.status.success())?;
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let secs: f64 = lines.next()?.parse().ok()?;
    let hex = lines.next().unwrap_or("");
    let bytes: Vec<u8> = (0..hex.len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect();
    Some((secs, String::from_utf8_lossy(&bytes).into_owned()))
}

#[test]
fn progress_on_a_terminal_for_long_runs_only() {
    let Some((corpus, _)) = support::corpus_or_skip("the progress-line test") else { return };
    let c = corpus.to_str().unwrap();
    let Some((secs, shown)) = on_terminal(&["check", "--format", "concise", c]) else {
        assert!(!support::corpus_required(), "python3 is needed for the pseudo-terminal");
        eprintln!("note: python3 not found; skipping the progress-line test");
        return;
    };
    if secs > 1.5 {
        assert!(shown.contains(" files") && shown.contains('\r'), "no progress line in {shown:?}");
        assert!(shown.ends_with("\r\u{1b}[2K"), "the line is not cleared: {shown:?}");
    }
    // Machine formats never draw it, however long the run.
    let (_, shown) = on_terminal(&["check", "--format", "json", c]).unwrap();
    assert_eq!(shown, "");
    // A short run does not either.
    let examples = support::root().join("examples");
    let (_, shown) = on_terminal(&["check", "--format", "concise", examples.to_str().unwrap()]).unwrap();
    assert_eq!(shown, "");
}
