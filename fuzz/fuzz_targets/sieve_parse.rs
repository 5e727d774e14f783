//! Sieve parse/compile: no panic; compiled form round trips; stored form loader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cyrus_fuzz::sieve_parse(data));
