//! Annotations and metadata: server and mailbox entries in
//! `annotations.db`, per-message entries in each mailbox's
//! `cyrus.annotations`.
