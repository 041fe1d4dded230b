//! Load and check arbitrary bytes as a file: every output format renders, the JSON report is valid
//! JSON, every position is inside the file.

#![no_main]

#[path = "../../tests/support/invariants.rs"]
#[allow(dead_code)]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(why) = invariants::check_reports("input.xml", data) {
        panic!("{why}");
    }
});
