//! `cyrus-bin`: the composition root. Parses `imapd.conf` and `cyrus.conf`
//! into typed values, builds the store and the runtime, and holds the
//! `cyr_*` binaries.

pub mod config;
pub mod master;
pub mod site;
pub mod tools;
