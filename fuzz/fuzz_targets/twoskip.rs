//! A twoskip file of arbitrary bytes: open (read-only and with recovery), walk,
//! look up, check and write must return errors, never panic or loop.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cyrus_fuzz::twoskip(data));
