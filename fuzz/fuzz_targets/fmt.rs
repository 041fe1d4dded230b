//! `tsq fmt` invariants: an unchanged write reproduces the input; fmt output parses to the same
//! model and formats to itself.

#![no_main]

#[path = "../../tests/support/invariants.rs"]
#[allow(dead_code)]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(why) = invariants::check_fmt("input.xml", data) {
        panic!("{why}");
    }
});
