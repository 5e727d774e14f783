//! Annotations (RFC 5464 METADATA, RFC 5257 ANNOTATE): the key and value
//! formats shared by `annotations.db` (server and mailbox level) and each
//! mailbox's `cyrus.annotations` (per message), and get/set/list.

#[allow(clippy::module_inception)]
mod annotate;

pub use annotate::{
    get, key, list, prefix, set, AnnotKey, AnnotOwner, AnnotScope, AnnotValue, AnnotateError,
    FLAG_DELETED, OWNER_TOKEN,
};
