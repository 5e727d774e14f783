//! `cyrus.cache`: a 4-byte big-endian generation number, then cache
//! entries. An entry is ten items (Cyrus `CACHE_*` order); each item is a
//! big-endian u32 length and the bytes, zero-padded to a multiple of four
//! (`CACHE_ITEM_NEXT`). The index record's `cache_crc` is the CRC32 of the
//! entry's bytes exactly as stored (lengths and padding included), as
//! `mailbox_cacherecord` computes it.

use std::path::Path;

use super::error::MailboxError;

/// Number of items in an entry (`NUM_CACHE_FIELDS`).
pub const NUM_CACHE_ITEMS: usize = 10;

/// Item indexes (`enum CACHE_*` in `imap/mailbox.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum CacheItem {
    Envelope = 0,
    BodyStructure = 1,
    Body = 2,
    Section = 3,
    Headers = 4,
    From = 5,
    To = 6,
    Cc = 7,
    Bcc = 8,
    Subject = 9,
}

/// The ten cache items of one message, as opaque bytes (the message parser
/// produces them; this layer only stores them).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CacheItems(pub [Vec<u8>; NUM_CACHE_ITEMS]);

impl CacheItems {
    /// One item.
    pub fn get(&self, item: CacheItem) -> &[u8] {
        &self.0[item as usize]
    }

    /// Item 0: the ENVELOPE response text.
    pub fn envelope(&self) -> &[u8] {
        self.get(CacheItem::Envelope)
    }

    /// Item 1: BODYSTRUCTURE (extended).
    pub fn bodystructure(&self) -> &[u8] {
        self.get(CacheItem::BodyStructure)
    }

    /// Item 2: BODY (non-extended).
    pub fn body(&self) -> &[u8] {
        self.get(CacheItem::Body)
    }

    /// Item 3: the binary section map.
    pub fn section(&self) -> &[u8] {
        self.get(CacheItem::Section)
    }

    /// Item 4: the cached header lines.
    pub fn headers(&self) -> &[u8] {
        self.get(CacheItem::Headers)
    }

    /// Item 5: From as a search string.
    pub fn from(&self) -> &[u8] {
        self.get(CacheItem::From)
    }

    /// Item 6: To as a search string.
    pub fn to(&self) -> &[u8] {
        self.get(CacheItem::To)
    }

    /// Item 7: Cc as a search string.
    pub fn cc(&self) -> &[u8] {
        self.get(CacheItem::Cc)
    }

    /// Item 8: Bcc as a search string.
    pub fn bcc(&self) -> &[u8] {
        self.get(CacheItem::Bcc)
    }

    /// Item 9: the decoded Subject as an nstring.
    pub fn subject(&self) -> &[u8] {
        self.get(CacheItem::Subject)
    }

    /// The items in cache order.
    pub fn as_array(&self) -> [&[u8]; NUM_CACHE_ITEMS] {
        std::array::from_fn(|i| self.0[i].as_slice())
    }

    /// The entry as stored in `cyrus.cache`.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.0.iter().map(|i| i.len() + 7).sum());
        for item in &self.0 {
            out.extend_from_slice(&(item.len() as u32).to_be_bytes());
            out.extend_from_slice(item);
            out.resize(out.len() + (4 - item.len() % 4) % 4, 0);
        }
        out
    }

    /// Parses the entry at `offset` of the whole cache file `buf`; returns
    /// the items and the entry's length in bytes.
    pub fn decode_at(
        buf: &[u8],
        offset: u64,
        file: &Path,
    ) -> Result<(CacheItems, usize), MailboxError> {
        let bad = |at: usize, what: &str| MailboxError::bad_format(file, at as u64, what);
        let start = usize::try_from(offset).map_err(|_| bad(0, "cache offset too large"))?;
        if start < 4 || start > buf.len() {
            return Err(bad(start, "cache offset outside the file"));
        }
        let mut pos = start;
        let mut items: [Vec<u8>; NUM_CACHE_ITEMS] = Default::default();
        for item in items.iter_mut() {
            let Some(lenb) = buf.get(pos..pos + 4) else {
                return Err(bad(pos, "cache entry truncated"));
            };
            let len = u32::from_be_bytes([lenb[0], lenb[1], lenb[2], lenb[3]]) as usize;
            let data_end = pos + 4 + len;
            let next = pos + 4 + ((len + 3) & !3);
            if data_end > buf.len() || next > buf.len() {
                return Err(bad(pos, "cache item runs past end of file"));
            }
            *item = buf[pos + 4..data_end].to_vec();
            pos = next;
        }
        Ok((CacheItems(items), pos - start))
    }
}

/// CRC32 of an entry's stored bytes (`cache_crc` of the index record).
pub fn cache_crc(entry: &[u8]) -> u32 {
    crc32fast::hash(entry)
}

/// Reads the generation number at the start of a cache file.
pub fn generation(buf: &[u8]) -> Option<u32> {
    buf.get(..4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use super::*;

    #[test]
    fn encode_pads_and_decodes() {
        let mut items = CacheItems::default();
        items.0[0] = b"(env)".to_vec();
        items.0[9] = b"\"s\"".to_vec();
        let e = items.encode();
        assert_eq!(e.len(), 4 + 8 + 8 * 4 + 4 + 4);
        let mut file = 0u32.to_be_bytes().to_vec();
        file.extend_from_slice(&e);
        let (d, n) = CacheItems::decode_at(&file, 4, Path::new("c")).unwrap();
        assert_eq!(d, items);
        assert_eq!(n, e.len());
        for cut in 0..file.len() {
            assert!(CacheItems::decode_at(&file[..cut], 4, Path::new("c")).is_err());
        }
    }
}
