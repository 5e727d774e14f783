//! Fuzz target bodies for `cyrus-store`'s readers, shared by the
//! `cargo fuzz` binaries in `fuzz_targets/` and by the stable-Rust smoke
//! test `cyrus-store/tests/fuzz_smoke.rs`.

mod bodies;

pub use bodies::{cache, header, index, mboxname, mime, store_ops, twoskip};
