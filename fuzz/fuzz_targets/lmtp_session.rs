//! The LMTP session machine fed arbitrary bytes (optionally inside DATA) on a store on SimFs; no panic, only reply lines.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cyrus_fuzz::lmtp_session(data));
