//! IMAP4rev1 as Cyrus 3.6 speaks it.
