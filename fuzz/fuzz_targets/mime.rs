//! MIME parsing: `message::parse` never panics; its cache items encode
//! to a readable `cyrus.cache` entry.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cyrus_fuzz::mime(data));
