//! `cyrus.cache` entries: `CacheItems::decode_at` must not panic; what
//! decodes re-encodes to an entry of the same length and items.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cyrus_fuzz::cache(data));
