//! IMAP command decoding: framing, our extension grammar, imap-codec; no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cyrus_fuzz::imap_command(data));
