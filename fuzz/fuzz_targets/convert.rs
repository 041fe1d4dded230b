//! `tsq convert` of arbitrary bytes that load as a task sequence: every container and the JSON
//! model round-trip to the same sequence, and every output loads.

#![no_main]

#[path = "../../tests/support/invariants.rs"]
#[allow(dead_code)]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(why) = invariants::check_convert("input.xml", data) {
        panic!("{why}");
    }
});
