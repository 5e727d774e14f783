//! Parsing RFC 5322/MIME messages into what Cyrus 3.6 caches: ENVELOPE,
//! BODYSTRUCTURE, BODY, the section map, cached headers and the search
//! address strings, plus the index-record fields derived from the header
//! (SENTDATE, GMTIME, HEADER_SIZE).
//!
//! Pure code: bytes in, values out. [`parse`] never fails and never
//! panics; malformed input yields the structure Cyrus would have built.

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
pub use cache_items::CacheItems;
pub use charset::decode_to_utf8;
pub use date::{gm_time, sent_date};
pub use envelope::write_nstring;
pub use header::{header_fields, HeaderField};
pub use mime::{BodyPart, MAX_NESTING};
pub use params::Param;
pub use parsed::{parse, ParsedMessage};
pub use rfc2047::decode_mimeheader;
pub use transfer::{decode_base64, decode_qp, TransferEncoding};
