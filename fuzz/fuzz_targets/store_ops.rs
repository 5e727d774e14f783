//! Structured: a byte-driven sequence of create/append/flag/expunge/quota/
//! delete operations on a `Store` over `SimFs`, checked against a model
//! after every step and after a restart.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cyrus_fuzz::store_ops(data));
