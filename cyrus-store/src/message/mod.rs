//! Parsing RFC 5322/MIME messages into what Cyrus 3.6 caches: ENVELOPE,
//! BODYSTRUCTURE, BODY, the section map, cached headers and the search
//! address strings, plus the index-record fields derived from the header
//! (SENTDATE, GMTIME, HEADER_SIZE).
//!
//! Pure code: bytes in, values out. [`parse`] never fails and never
//! panics; malformed input yields the structure Cyrus would have built.
//!
//! Typical use when appending a message:
//! `let m = parse(&raw); let items = m.cache_items();` then write
//! `items.encode()` to cyrus.cache (its CRC-32 is the record's
//! CACHE_CRC) and take `m.header_size()`, `m.index_dates(internaldate)`
//! and `m.size` for the index record. For `FETCH BODY[1.2]` use
//! [`ParsedMessage::part`] and the part's offsets into the raw bytes.
//!
//! Cyrus's quirks are reproduced on purpose (bare-LF messages are all
//! header, NUL bytes end header values, 8-bit header text decodes to
//! U+FFFD, ...). Deliberate differences: nesting deeper than
//! [`MAX_NESTING`] is not descended into; charsets are converted with
//! `encoding_rs` instead of ICU; SENTDATE uses UTC instead of the
//! server's local zone.

mod address;
mod bodystructure;
mod cache_items;
mod charset;
mod date;
mod envelope;
mod header;
mod mime;
mod params;
mod parsed;
mod rfc2047;
mod search_addr;
mod section;
mod transfer;

pub use address::{parse_address_list, Address};
pub use charset::decode_to_utf8;
pub use date::{gm_time, sent_date};
pub use envelope::{read_nstring, write_nstring};
pub use header::{header_fields, HeaderField};
pub use mime::{BodyPart, MAX_NESTING};
pub use params::Param;
pub(crate) use parsed::index_dates;
pub use parsed::{parse, ParsedMessage};
pub use rfc2047::decode_mimeheader;
pub use transfer::{decode_base64, decode_qp, TransferEncoding};
