//! The ten cyrus.cache items of a message and their on-disk record layout
//! (`message_write_cache` and `message_write_xdrstring` in
//! `imap/message.c`).

use super::bodystructure::write_body;
use super::envelope::{write_envelope, write_nstring};
use super::mime::BodyPart;
use super::rfc2047::decode_mimeheader;
use super::search_addr::search_addresses;
use super::section::section_item;

/// The ten items Cyrus 3.6 stores per message in cyrus.cache, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CacheItems {
    /// 0: ENVELOPE text.
    pub envelope: Vec<u8>,
    /// 1: BODYSTRUCTURE text.
    pub bodystructure: Vec<u8>,
    /// 2: BODY text.
    pub body: Vec<u8>,
    /// 3: SECTION binary part map.
    pub section: Vec<u8>,
    /// 4: cached header lines.
    pub headers: Vec<u8>,
    /// 5: From search string.
    pub from: Vec<u8>,
    /// 6: To search string.
    pub to: Vec<u8>,
    /// 7: Cc search string.
    pub cc: Vec<u8>,
    /// 8: Bcc search string.
    pub bcc: Vec<u8>,
    /// 9: decoded Subject as an nstring.
    pub subject: Vec<u8>,
}

impl CacheItems {
    /// Build the items for a parsed message.
    pub(crate) fn build(top: &BodyPart) -> CacheItems {
        let mut envelope = Vec::new();
        write_envelope(&mut envelope, top);
        let mut bodystructure = Vec::new();
        write_body(&mut bodystructure, top, true);
        let mut body = Vec::new();
        write_body(&mut body, top, false);
        let mut subject = Vec::new();
        let decoded = top.subject.as_deref().map(decode_mimeheader).map(|mut s| {
            // charset_parse_mimeheader returns a C string.
            if let Some(n) = s.iter().position(|&c| c == 0) {
                s.truncate(n);
            }
            s
        });
        write_nstring(&mut subject, decoded.as_deref());
        CacheItems {
            envelope,
            bodystructure,
            body,
            section: section_item(top),
            headers: top.cached_headers.clone(),
            from: search_addresses(&top.from),
            to: search_addresses(&top.to),
            cc: search_addresses(&top.cc),
            bcc: search_addresses(&top.bcc),
            subject,
        }
    }

    /// The items in cache order.
    pub fn as_array(&self) -> [&[u8]; 10] {
        [
            &self.envelope,
            &self.bodystructure,
            &self.body,
            &self.section,
            &self.headers,
            &self.from,
            &self.to,
            &self.cc,
            &self.bcc,
            &self.subject,
        ]
    }

    /// Read a cache record (as found at an index record's CACHE_OFFSET in
    /// cyrus.cache). Returns the items and the record length, or `None` if
    /// the bytes run out.
    pub fn from_record(buf: &[u8]) -> Option<(CacheItems, usize)> {
        let mut off = 0usize;
        let mut items: Vec<Vec<u8>> = Vec::with_capacity(10);
        for _ in 0..10 {
            let len_bytes: [u8; 4] = buf.get(off..off + 4)?.try_into().ok()?;
            let len = usize::try_from(u32::from_be_bytes(len_bytes)).ok()?;
            off += 4;
            items.push(buf.get(off..off.checked_add(len)?)?.to_vec());
            off += len.checked_add(3)? & !3;
        }
        let mut it = items.into_iter();
        let mut next = || it.next().unwrap_or_default();
        let c = CacheItems {
            envelope: next(),
            bodystructure: next(),
            body: next(),
            section: next(),
            headers: next(),
            from: next(),
            to: next(),
            cc: next(),
            bcc: next(),
            subject: next(),
        };
        (off <= buf.len()).then_some((c, off))
    }

    /// The cache record as written to cyrus.cache: each item as a
    /// big-endian u32 length, the bytes, and zero padding to 4 bytes.
    /// The index record's CACHE_CRC is the CRC-32 of exactly these bytes.
    pub fn to_record(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for item in self.as_array() {
            out.extend_from_slice(&u32::try_from(item.len()).unwrap_or(u32::MAX).to_be_bytes());
            out.extend_from_slice(item);
            out.resize(out.len() + (4 - item.len() % 4) % 4, 0);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_round_trip() {
        let c = CacheItems {
            envelope: b"(x)".to_vec(),
            section: vec![0, 0, 0, 0],
            subject: b"NIL".to_vec(),
            ..CacheItems::default()
        };
        let rec = c.to_record();
        assert_eq!(rec.len() % 4, 0);
        assert_eq!(CacheItems::from_record(&rec), Some((c, rec.len())));
        assert_eq!(CacheItems::from_record(&rec[..rec.len() - 4]), None);
    }
}
