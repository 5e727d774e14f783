//! Access control lists: rights letters and bits, parsing and printing
//! Cyrus ACL strings, negative rights, and effective rights.
