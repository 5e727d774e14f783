//! One mailbox's files: `cyrus.header`, `cyrus.index`, `cyrus.cache` and the
//! message files, and the operations on them (append, flags, expunge,
//! repack) under the mailbox lock.
