//! The twoskip on-disk format (Cyrus 3.6 `lib/cyrusdb_twoskip.c`, VERSION 1):
//! the 64-byte header, record heads with their CRCs, and the constants.
//!
//! All integers are big-endian. A record is
//! `type u8 · level u8 · keylen u16 · vallen u32 · [keylen u64] · [vallen u64]
//!  · (level+1) × next u64 · crc32_head u32 · crc32_tail u32 · key · value
//!  · zero padding to a multiple of 8`. `crc32_head` covers every byte before
//! it, `crc32_tail` covers key, value and padding.

use std::path::Path;

use crate::db::error::DbError;

/// `"\xA1\x02\x8B\x0Dtwoskip file\0\0\0\0"`.
pub(crate) const MAGIC: &[u8; 20] = b"\xa1\x02\x8b\x0dtwoskip file\0\0\0\0";
/// Format version written and accepted.
pub(super) const VERSION: u32 = 1;
/// Size of the file header.
pub(super) const HEADER_SIZE: u64 = 64;
/// Where the DUMMY record always starts.
pub(super) const DUMMY_OFFSET: u64 = HEADER_SIZE;
/// Highest record level (the DUMMY's level).
pub(super) const MAXLEVEL: u8 = 31;
/// Largest possible record head: 8 + two long lengths + 32 pointers + CRCs.
pub(super) const MAX_HEAD: usize = (MAXLEVEL as usize + 5) * 8;
/// A record head must not straddle a block of this size, so that rewriting
/// it in place is a single-sector write.
pub(super) const BLOCKSIZE: u64 = 512;
/// Filler written before a record whose head would straddle a block.
pub(super) const BLANK: &[u8; 8] = b" BLANK\x07\xa0";
/// Cyrus's `MINREWRITE` (sic: 16834): no automatic checkpoint below this.
pub(super) const MINREWRITE: u64 = 16834;
/// Header flag: a transaction is (or was, if we crashed) in progress.
pub(super) const DIRTY: u32 = 1;

fn corrupt(path: &Path, offset: u64, what: impl Into<String>) -> DbError {
    DbError::Corrupt {
        path: path.to_path_buf(),
        offset,
        what: what.into(),
    }
}

pub(super) fn be_u16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

pub(super) fn be_u32(b: &[u8], at: usize) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at + 4]);
    u32::from_be_bytes(a)
}

pub(super) fn be_u64(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_be_bytes(a)
}

/// Rounds `n` up to a multiple of 8.
pub(super) fn round8(n: u64) -> u64 {
    n.div_ceil(8).saturating_mul(8)
}

/// The decoded file header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Header {
    pub version: u32,
    pub generation: u64,
    pub num_records: u64,
    pub repack_size: u64,
    pub current_size: u64,
    pub flags: u32,
}

impl Header {
    /// The header of a new file whose DUMMY ends at `end`.
    pub fn new(end: u64) -> Header {
        Header {
            version: VERSION,
            generation: 1,
            num_records: 0,
            repack_size: end,
            current_size: end,
            flags: 0,
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.flags & DIRTY != 0
    }

    pub fn encode(&self) -> [u8; 64] {
        let mut b = [0u8; 64];
        b[..20].copy_from_slice(MAGIC);
        b[20..24].copy_from_slice(&self.version.to_be_bytes());
        b[24..32].copy_from_slice(&self.generation.to_be_bytes());
        b[32..40].copy_from_slice(&self.num_records.to_be_bytes());
        b[40..48].copy_from_slice(&self.repack_size.to_be_bytes());
        b[48..56].copy_from_slice(&self.current_size.to_be_bytes());
        b[56..60].copy_from_slice(&self.flags.to_be_bytes());
        let crc = crc32fast::hash(&b[..60]);
        b[60..64].copy_from_slice(&crc.to_be_bytes());
        b
    }

    /// Decodes and checks magic, version and CRC.
    pub fn decode(b: &[u8], path: &Path) -> Result<Header, DbError> {
        if b.len() < 64 {
            return Err(corrupt(path, 0, "file too short for a twoskip header"));
        }
        if &b[..20] != MAGIC {
            return Err(corrupt(path, 0, "bad twoskip magic"));
        }
        let h = Header {
            version: be_u32(b, 20),
            generation: be_u64(b, 24),
            num_records: be_u64(b, 32),
            repack_size: be_u64(b, 40),
            current_size: be_u64(b, 48),
            flags: be_u32(b, 56),
        };
        if h.version > VERSION {
            return Err(corrupt(
                path,
                20,
                format!("unsupported version {}", h.version),
            ));
        }
        if crc32fast::hash(&b[..60]) != be_u32(b, 60) {
            return Err(corrupt(path, 60, "header CRC mismatch"));
        }
        if h.current_size < HEADER_SIZE {
            return Err(corrupt(path, 48, "current_size smaller than the header"));
        }
        Ok(h)
    }
}

/// Record types, by their on-disk byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// `'='`: the list head at offset 64.
    Dummy,
    /// `'+'`: a key and value.
    Record,
    /// `'-'`: a deletion; its one pointer is the record after the deleted one.
    Delete,
    /// `'$'`: end of a transaction; its pointer is the size at txn start.
    Commit,
}

impl Kind {
    pub fn byte(self) -> u8 {
        match self {
            Kind::Dummy => b'=',
            Kind::Record => b'+',
            Kind::Delete => b'-',
            Kind::Commit => b'$',
        }
    }

    fn from_byte(b: u8) -> Option<Kind> {
        match b {
            b'=' => Some(Kind::Dummy),
            b'+' => Some(Kind::Record),
            b'-' => Some(Kind::Delete),
            b'$' => Some(Kind::Commit),
            _ => None,
        }
    }
}

/// One record's head, located in the file. The key is loaded with the head
/// (searches need it); the value is read on demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Record {
    /// Where the record starts.
    pub offset: u64,
    pub kind: Kind,
    /// Number of logical levels; the record has `level + 1` pointer slots.
    pub level: u8,
    pub keylen: u64,
    pub vallen: u64,
    /// Pointer slots: 0 and 1 are the two level-0 alternatives, slot
    /// `k + 1` is level `k` for `k >= 1`.
    pub next: [u64; MAXLEVEL as usize + 1],
    pub crc_tail: u32,
    /// Absolute offset of the key (the value follows it).
    pub key_offset: u64,
    pub key: Vec<u8>,
}

impl Record {
    /// A record not yet in the file.
    pub fn new(kind: Kind, level: u8, key: &[u8], vallen: u64) -> Record {
        Record {
            offset: 0,
            kind,
            level,
            keylen: key.len() as u64,
            vallen,
            next: [0; MAXLEVEL as usize + 1],
            crc_tail: 0,
            key_offset: 0,
            key: key.to_vec(),
        }
    }

    /// Length of key + value + padding.
    pub fn tail_len(&self) -> u64 {
        round8(self.keylen + self.vallen)
    }

    /// Length of the head (everything before the key).
    pub fn head_len(&self) -> u64 {
        let mut n = 8;
        if self.keylen >= u64::from(u16::MAX) {
            n += 8;
        }
        if self.vallen >= u64::from(u32::MAX) {
            n += 8;
        }
        n + 8 * (u64::from(self.level) + 1) + 8
    }

    /// Total length on disk.
    pub fn len(&self) -> u64 {
        self.head_len() + self.tail_len()
    }

    /// Offset just past the record.
    pub fn end(&self) -> u64 {
        self.offset + self.len()
    }

    /// Encodes the head, with a freshly computed `crc32_head` and the stored
    /// `crc_tail`.
    pub fn encode_head(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(MAX_HEAD);
        b.push(self.kind.byte());
        b.push(self.level);
        let long_key = self.keylen >= u64::from(u16::MAX);
        let long_val = self.vallen >= u64::from(u32::MAX);
        let k16 = if long_key {
            u16::MAX
        } else {
            self.keylen as u16
        };
        let v32 = if long_val {
            u32::MAX
        } else {
            self.vallen as u32
        };
        b.extend_from_slice(&k16.to_be_bytes());
        b.extend_from_slice(&v32.to_be_bytes());
        if long_key {
            b.extend_from_slice(&self.keylen.to_be_bytes());
        }
        if long_val {
            b.extend_from_slice(&self.vallen.to_be_bytes());
        }
        for p in &self.next[..=usize::from(self.level)] {
            b.extend_from_slice(&p.to_be_bytes());
        }
        let crc = crc32fast::hash(&b);
        b.extend_from_slice(&crc.to_be_bytes());
        b.extend_from_slice(&self.crc_tail.to_be_bytes());
        b
    }

    /// Decodes a record head from `buf`, the bytes of the file starting at
    /// `offset` (as many as are available, up to `MAX_HEAD` plus some),
    /// checking lengths against `file_size` and the head CRC. The key is
    /// taken from `buf` when it is there; otherwise `key` is left empty and
    /// the caller loads it.
    pub fn decode_head(
        buf: &[u8],
        offset: u64,
        file_size: u64,
        path: &Path,
    ) -> Result<Record, DbError> {
        if buf.len() < 24 {
            return Err(corrupt(path, offset, "record past end of file"));
        }
        let kind = Kind::from_byte(buf[0])
            .ok_or_else(|| corrupt(path, offset, format!("unknown record type {:#04x}", buf[0])))?;
        let level = buf[1];
        if level > MAXLEVEL {
            return Err(corrupt(path, offset, format!("invalid level {level}")));
        }
        let mut keylen = u64::from(be_u16(buf, 2));
        let mut vallen = u64::from(be_u32(buf, 4));
        let mut at = 8usize;
        if keylen == u64::from(u16::MAX) {
            keylen = be_u64(buf, at);
            at += 8;
        }
        if vallen == u64::from(u32::MAX) {
            if buf.len() < at + 8 {
                return Err(corrupt(path, offset, "record past end of file"));
            }
            vallen = be_u64(buf, at);
            at += 8;
        }
        let head_len = at + 8 * (usize::from(level) + 1) + 8;
        let tail = keylen
            .checked_add(vallen)
            .map(round8)
            .ok_or_else(|| corrupt(path, offset, "absurd record length"))?;
        let total = (head_len as u64)
            .checked_add(tail)
            .ok_or_else(|| corrupt(path, offset, "absurd record length"))?;
        if offset.saturating_add(total) > file_size || buf.len() < head_len {
            return Err(corrupt(path, offset, "record past end of file"));
        }
        let mut next = [0u64; MAXLEVEL as usize + 1];
        for (i, slot) in next.iter_mut().enumerate().take(usize::from(level) + 1) {
            *slot = be_u64(buf, at + 8 * i);
        }
        at += 8 * (usize::from(level) + 1);
        let crc_head = be_u32(buf, at);
        let crc_tail = be_u32(buf, at + 4);
        if crc32fast::hash(&buf[..at]) != crc_head {
            return Err(corrupt(path, offset, "record head CRC mismatch"));
        }
        let key_offset = offset + head_len as u64;
        let mut key = Vec::new();
        let kl = keylen as usize;
        if buf.len() >= head_len + kl {
            key.extend_from_slice(&buf[head_len..head_len + kl]);
        }
        Ok(Record {
            offset,
            kind,
            level,
            keylen,
            vallen,
            next,
            crc_tail,
            key_offset,
            key,
        })
    }
}

/// Number of BLANK fillers to put at `end` before a record whose head is
/// `head_len` bytes, so that the head does not cross a `BLOCKSIZE`
/// boundary (Cyrus `add_padding`; the first 8 bytes of a head never change,
/// so they may sit before the boundary).
pub(super) fn blanks_needed(mut end: u64, head_len: u64) -> u64 {
    if head_len > BLOCKSIZE - 8 {
        return 0;
    }
    let mut n = 0;
    while (end + 8) % BLOCKSIZE > (end - 8 + head_len) % BLOCKSIZE {
        end += 8;
        n += 1;
    }
    n
}

/// Builds the full bytes of a new record (BLANKs, head, key, value,
/// padding) to append at `end`; sets `rec.offset`, `rec.key_offset` and
/// `rec.crc_tail`.
pub(super) fn build_record(rec: &mut Record, key: &[u8], val: &[u8], end: u64) -> Vec<u8> {
    let pad = (round8((key.len() + val.len()) as u64) - (key.len() + val.len()) as u64) as usize;
    let mut h = crc32fast::Hasher::new();
    h.update(key);
    h.update(val);
    h.update(&[0u8; 8][..pad]);
    rec.crc_tail = h.finalize();
    let head = rec.encode_head();
    let blanks = blanks_needed(end, head.len() as u64);
    let mut out =
        Vec::with_capacity(blanks as usize * 8 + head.len() + key.len() + val.len() + pad);
    for _ in 0..blanks {
        out.extend_from_slice(BLANK);
    }
    rec.offset = end + blanks * 8;
    rec.key_offset = rec.offset + head.len() as u64;
    out.extend_from_slice(&head);
    out.extend_from_slice(key);
    out.extend_from_slice(val);
    out.extend_from_slice(&[0u8; 8][..pad]);
    out
}

/// True when the 8 bytes are a BLANK filler.
pub(super) fn is_blank(b: &[u8]) -> bool {
    b.len() >= 8 && &b[..8] == BLANK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip() {
        let h = Header {
            version: 1,
            generation: 7,
            num_records: 3,
            repack_size: 336,
            current_size: 999,
            flags: DIRTY,
        };
        let b = h.encode();
        assert_eq!(Header::decode(&b, Path::new("x")).expect("decode"), h);
        let mut bad = b;
        bad[30] ^= 1;
        assert!(matches!(
            Header::decode(&bad, Path::new("x")),
            Err(DbError::Corrupt { offset: 60, .. })
        ));
    }

    #[test]
    fn record_round_trip_and_padding() {
        let mut r = Record::new(Kind::Record, 3, b"key", 5);
        r.next[1] = 400;
        r.next[3] = 800;
        let bytes = build_record(&mut r, b"key", b"value", 496);
        // 496 + 8 = 504 > (496 - 8 + head) % 512 → one BLANK, head then
        // starts at 504 with only its first 8 bytes before the boundary.
        assert_eq!(&bytes[..8], BLANK);
        assert_eq!(r.offset, 504);
        let d = Record::decode_head(&bytes[8..], 504, 504 + bytes.len() as u64, Path::new("x"))
            .expect("decode");
        assert_eq!(d.key, b"key");
        assert_eq!(d.next, r.next);
        assert_eq!(d.len() as usize, bytes.len() - 8);
    }

    #[test]
    fn blanks_match_cyrus_examples() {
        // The worked examples from Cyrus's add_padding comment (32-byte head).
        assert_eq!(blanks_needed(480, 32), 0);
        assert_eq!(blanks_needed(488, 32), 2);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for len in 0..40 {
            let buf = vec![b'+'; len];
            let _ = Record::decode_head(&buf, 64, 1000, Path::new("x"));
        }
        let mut buf = vec![0u8; 64];
        buf[0] = b'+';
        buf[1] = 200;
        assert!(Record::decode_head(&buf, 64, 1000, Path::new("x")).is_err());
    }
}
