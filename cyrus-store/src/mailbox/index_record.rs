//! One `cyrus.index` record (Cyrus `struct index_record`), big-endian.
//!
//! Layouts follow Cyrus 3.6's `mailbox_buf_to_index_record` /
//! `mailbox_index_record_to_buf`: the fields up to byte 60 are shared by
//! every version; the GUID and MODSEQ moved to 60/80 in v10; v12 added the
//! cache and record CRCs at 88/92; v13 inserted the conversation id at 88
//! (CRCs at 96/100); v15 reused byte 52 for SAVEDATE; v16 inserted
//! CREATEDMODSEQ at 96 (CRCs at 104/108). v19 (3.10) keeps the v17 record.

use std::path::Path;

use crate::ids::{Guid, Modseq, Uid};

use super::error::MailboxError;
use super::flagbits::{InternalFlags, SystemFlags, UserFlags};

/// Cache format version Cyrus 3.6 writes (`MAILBOX_CACHE_MINOR_VERSION`).
pub const CACHE_VERSION: u32 = 11;
/// Record size of v16+ (`INDEX_RECORD_SIZE`).
pub const INDEX_RECORD_SIZE: usize = 112;

/// A decoded index record. Times are the on-disk 32-bit seconds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexRecord {
    /// Message UID.
    pub uid: Uid,
    /// INTERNALDATE.
    pub internaldate: u32,
    /// `Date:` header truncated to the day.
    pub sentdate: u32,
    /// RFC822.SIZE: bytes of the message file.
    pub size: u32,
    /// Bytes of the header block including the blank line.
    pub header_size: u32,
    /// `Date:` as UTC seconds (for SORT).
    pub gmtime: u32,
    /// Offset of the record's cache entry in `cyrus.cache` (48 bits).
    pub cache_offset: u64,
    /// Time of the last change.
    pub last_updated: u32,
    /// `\Answered` … `\Seen`.
    pub system_flags: SystemFlags,
    /// EXPUNGED, UNLINKED, …
    pub internal_flags: InternalFlags,
    /// User flag bits.
    pub user_flags: UserFlags,
    /// SAVEDATE (RFC 8514), v15+.
    pub savedate: u32,
    /// Cache format version of the cache entry (11 in 3.6).
    pub cache_version: u32,
    /// SHA-1 of the message file.
    pub guid: Guid,
    /// MODSEQ of the last change.
    pub modseq: Modseq,
    /// Conversation id (THREADID), v13+.
    pub cid: u64,
    /// MODSEQ at creation, v16+.
    pub createdmodseq: Modseq,
    /// CRC32 of the cache entry bytes.
    pub cache_crc: u32,
}

fn be32(b: &[u8], off: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&b[off..off + 4]);
    u32::from_be_bytes(w)
}

fn be64(b: &[u8], off: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[off..off + 8]);
    u64::from_be_bytes(w)
}

fn put32(b: &mut [u8], off: usize, v: u32) {
    b[off..off + 4].copy_from_slice(&v.to_be_bytes());
}

fn put64(b: &mut [u8], off: usize, v: u64) {
    b[off..off + 8].copy_from_slice(&v.to_be_bytes());
}

/// Where the record CRC sits for a version, if it has one.
fn crc_offset(version: u32) -> Option<usize> {
    match version {
        12 => Some(92),
        13..=15 => Some(100),
        16.. => Some(108),
        _ => None,
    }
}

/// Record length a version needs at least.
fn min_len(version: u32) -> usize {
    super::index_header::layout(version).map_or(INDEX_RECORD_SIZE, |(_, r)| r)
}

impl IndexRecord {
    /// True when the record is expunged (hidden from clients).
    pub fn is_expunged(&self) -> bool {
        self.internal_flags.contains(InternalFlags::EXPUNGED)
    }

    /// True when the message file is gone or going.
    pub fn is_unlinked(&self) -> bool {
        self.internal_flags.contains(InternalFlags::UNLINKED)
    }

    /// The record as minor version `version` can store it: fields the
    /// layout lacks (conversation id before v13, SAVEDATE before v15,
    /// CREATEDMODSEQ before v16) read back as zero, so they are zeroed.
    pub fn for_version(mut self, version: u32) -> IndexRecord {
        if version < 13 {
            self.cid = 0;
        }
        if version < 15 {
            self.savedate = 0;
        }
        if version < 16 {
            self.createdmodseq = crate::ids::Modseq(0);
        }
        self
    }

    /// Decodes a record of minor version `version` from `buf`, checking the
    /// record CRC (v12+). `file` and `offset` name the record in errors.
    pub fn decode(
        buf: &[u8],
        version: u32,
        file: &Path,
        offset: u64,
    ) -> Result<IndexRecord, MailboxError> {
        if buf.len() < min_len(version) {
            return Err(MailboxError::bad_format(
                file,
                offset,
                "index record truncated",
            ));
        }
        let flags = be32(buf, 32);
        let cache_version_field = be32(buf, 56);
        let mut r = IndexRecord {
            uid: Uid(be32(buf, 0)),
            internaldate: be32(buf, 4),
            sentdate: be32(buf, 8),
            size: be32(buf, 12),
            header_size: be32(buf, 16),
            gmtime: be32(buf, 20),
            cache_offset: u64::from(be32(buf, 24))
                | (u64::from(cache_version_field & 0xffff_0000) << 16),
            last_updated: be32(buf, 28),
            system_flags: SystemFlags::from_bits_truncate(flags),
            internal_flags: InternalFlags::from_bits_truncate(flags),
            user_flags: UserFlags([be32(buf, 36), be32(buf, 40), be32(buf, 44), be32(buf, 48)]),
            cache_version: cache_version_field & 0xffff,
            ..Default::default()
        };
        if version < 8 {
            return Ok(r);
        }
        if version < 10 {
            r.modseq = Modseq(be64(buf, 72));
            return Ok(r);
        }
        let mut g = [0u8; 20];
        g.copy_from_slice(&buf[60..80]);
        r.guid = Guid(g);
        r.modseq = Modseq(be64(buf, 80));
        match version {
            12 => r.cache_crc = be32(buf, 88),
            13..=15 => {
                r.cid = be64(buf, 88);
                r.cache_crc = be32(buf, 96);
            }
            16.. => {
                r.cid = be64(buf, 88);
                r.createdmodseq = Modseq(be64(buf, 96));
                r.cache_crc = be32(buf, 104);
            }
            _ => {}
        }
        if version >= 15 {
            r.savedate = be32(buf, 52);
        }
        if let Some(at) = crc_offset(version) {
            let stored = be32(buf, at);
            let computed = crc32fast::hash(&buf[..at]);
            if stored != computed {
                return Err(MailboxError::Checksum {
                    file: file.to_path_buf(),
                    offset,
                    what: "index record CRC",
                    stored,
                    computed,
                });
            }
        }
        Ok(r)
    }

    /// Encodes as minor version `version` (12 or later), with CRC.
    pub fn encode(&self, version: u32) -> Result<Vec<u8>, MailboxError> {
        let Some(crc_at) = crc_offset(version) else {
            return Err(MailboxError::bad_format(
                "cyrus.index",
                0,
                format!("cannot write record version {version}"),
            ));
        };
        let mut b = vec![0u8; min_len(version)];
        put32(&mut b, 0, self.uid.0);
        put32(&mut b, 4, self.internaldate);
        put32(&mut b, 8, self.sentdate);
        put32(&mut b, 12, self.size);
        put32(&mut b, 16, self.header_size);
        put32(&mut b, 20, self.gmtime);
        put32(&mut b, 24, (self.cache_offset & 0xffff_ffff) as u32);
        put32(&mut b, 28, self.last_updated);
        put32(
            &mut b,
            32,
            self.system_flags.bits() | self.internal_flags.bits(),
        );
        for (n, w) in self.user_flags.0.iter().enumerate() {
            put32(&mut b, 36 + 4 * n, *w);
        }
        if version > 14 {
            put32(&mut b, 52, self.savedate);
        }
        let high = ((self.cache_offset & 0xffff_0000_0000) >> 16) as u32;
        put32(&mut b, 56, (self.cache_version & 0xffff) | high);
        b[60..80].copy_from_slice(&self.guid.0);
        put64(&mut b, 80, self.modseq.0);
        match version {
            12 => put32(&mut b, 88, self.cache_crc),
            13..=15 => {
                put64(&mut b, 88, self.cid);
                put32(&mut b, 96, self.cache_crc);
            }
            _ => {
                put64(&mut b, 88, self.cid);
                put64(&mut b, 96, self.createdmodseq.0);
                put32(&mut b, 104, self.cache_crc);
            }
        }
        let crc = crc32fast::hash(&b[..crc_at]);
        put32(&mut b, crc_at, crc);
        Ok(b)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use super::*;

    fn sample() -> IndexRecord {
        IndexRecord {
            uid: Uid(5),
            internaldate: 1_700_000_000,
            sentdate: 1_699_999_000,
            size: 1234,
            header_size: 300,
            gmtime: 1_699_999_999,
            cache_offset: 0x1_2345_6789,
            last_updated: 1_700_000_001,
            system_flags: SystemFlags::SEEN | SystemFlags::DRAFT,
            internal_flags: InternalFlags::EXPUNGED,
            user_flags: UserFlags([1, 0, 0, 1 << 31]),
            savedate: 1_700_000_002,
            cache_version: CACHE_VERSION,
            guid: Guid([7; 20]),
            modseq: Modseq(99),
            cid: 0xdead_beef,
            createdmodseq: Modseq(90),
            cache_crc: 0x1234_5678,
        }
    }

    #[test]
    fn round_trip_versions() {
        for v in [12u32, 13, 14, 15, 16, 17, 19] {
            let mut r = sample();
            if v < 16 {
                r.createdmodseq = Modseq(0);
            }
            if v < 15 {
                r.savedate = 0;
            }
            if v < 13 {
                r.cid = 0;
            }
            let b = r.encode(v).unwrap();
            let d = IndexRecord::decode(&b, v, Path::new("x"), 160).unwrap();
            assert_eq!(d, r, "v{v}");
        }
    }

    #[test]
    fn record_crc_mismatch_is_typed() {
        let mut b = sample().encode(17).unwrap();
        b[0] ^= 0x80;
        let e = IndexRecord::decode(&b, 17, Path::new("/a/cyrus.index"), 272).unwrap_err();
        assert!(
            matches!(e, MailboxError::Checksum { offset: 272, .. }),
            "{e}"
        );
        assert!(IndexRecord::decode(&b[..50], 17, Path::new("x"), 0).is_err());
    }
}
