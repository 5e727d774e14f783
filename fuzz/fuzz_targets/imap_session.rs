//! The IMAP session machine fed arbitrary bytes before or after login, on a store on SimFs; no panic, whole lines only.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cyrus_fuzz::imap_session(data));
