//! `cyrus.header`: decode must not panic; encode is a fixed point.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cyrus_fuzz::header(data));
