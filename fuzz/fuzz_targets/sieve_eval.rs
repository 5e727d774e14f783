//! The Sieve interpreter over arbitrary messages (fixed scripts, or a script from the input).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cyrus_fuzz::sieve_eval(data));
