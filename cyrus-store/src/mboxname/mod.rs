//! Mailbox names: internal (`user.alice.Sent`, `DELETED.…`) and external
//! (`INBOX/Sent`, `Other Users/bob`, `Shared Folders/x`) forms, the
//! mailboxes.db key form (`user\x1Falice\x1FSent`), modified UTF-7, virtual
//! domains, and the spool/config path hashing rules (`dir_hash_c`).
