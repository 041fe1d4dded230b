//! `tsq dump` of arbitrary bytes is valid JSON.

#![no_main]

#[path = "../../tests/support/invariants.rs"]
#[allow(dead_code)]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(why) = invariants::check_dump("input.xml", data) {
        panic!("{why}");
    }
});
