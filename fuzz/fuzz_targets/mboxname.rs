//! Mailbox names (internal, mailboxes.db, external forms) and modified
//! UTF-7: no panics; mutf7 and internal names round-trip.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cyrus_fuzz::mboxname(data));
