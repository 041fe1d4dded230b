//! Console-export zip archives: arbitrary bytes read as an archive (the zip magic is added when the
//! input lacks it), then every report invariant of the members.

#![no_main]

#[path = "../../tests/support/invariants.rs"]
#[allow(dead_code)]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let bytes =
        if data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06") { data.to_vec() } else { [b"PK\x03\x04", data].concat() };
    if let Err(why) = invariants::check_reports("input.zip", &bytes).and_then(|()| invariants::check_dump("input.zip", &bytes)) {
        panic!("{why}");
    }
});
