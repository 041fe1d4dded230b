//! `tsq lsp` on an in-memory connection: arbitrary bytes as a document and its edits, and as raw
//! JSON-RPC messages (split at NUL bytes); every request gets a well-formed answer, nothing panics
//! or hangs, and shutdown then exit end the server cleanly.

#![no_main]

#[path = "../../tests/support/invariants.rs"]
#[allow(dead_code)]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(why) = invariants::check_lsp(data) {
        panic!("{why}");
    }
});
