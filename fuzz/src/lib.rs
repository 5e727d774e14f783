//! Fuzz target bodies, shared by the `cargo fuzz` binaries in
//! `fuzz_targets/` and by the stable-Rust smoke tests: `cyrus-store`'s
//! readers (`bodies`, run by `cyrus-store/tests/fuzz_smoke.rs`) and
//! `cyrus-proto`'s decoders and session machines (`proto_bodies`, run by
//! `cyrus-proto/tests/fuzz_smoke.rs`).

mod bodies;
mod proto_bodies;

pub use bodies::{cache, header, index, mboxname, mime, store_ops, twoskip};
pub use proto_bodies::{
    imap_command, imap_session, lmtp_session, pop3_session, sieve_eval, sieve_parse,
};
