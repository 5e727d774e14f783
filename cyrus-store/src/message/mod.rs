//! Parsing RFC 5322/MIME messages into what Cyrus caches: ENVELOPE,
//! BODYSTRUCTURE, BODY, the section map, cached headers and the search
//! address strings.
