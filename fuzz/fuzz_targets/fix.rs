//! `tsq check --fix --unsafe-fixes` of arbitrary bytes: the fixes converge, the fixed text still
//! loads, no rule reports more errors, and fixing again changes nothing.

#![no_main]

#[path = "../../tests/support/invariants.rs"]
#[allow(dead_code)]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(why) = invariants::check_fix("input.xml", data) {
        panic!("{why}");
    }
});
