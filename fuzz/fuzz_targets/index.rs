//! `cyrus.index` header and records: decode must not panic; what decodes
//! (v12+) encodes and decodes back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cyrus_fuzz::index(data));
