//! The POP3 session machine fed arbitrary bytes (optionally logged in) on a store on SimFs; no panic, only whole status-led replies.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cyrus_fuzz::pop3_session(data));
