//! The dlist parser must not panic, and whatever it accepts must print and
//! parse back to the same value.
#![no_main]

use cyrus_store::dlist::{parse, Dlist};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(v) = parse(data) {
        let printed: Vec<u8> = v.to_bytes();
        let again: Dlist = parse(&printed).expect("printed dlist parses");
        assert_eq!(again, v);
    }
});
