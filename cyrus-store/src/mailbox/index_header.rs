//! The `cyrus.index` header (Cyrus `struct index_header`), big-endian.
//!
//! Layouts by minor version follow Cyrus 3.6's
//! `mailbox_buf_to_index_header` / `mailbox_index_header_to_buf`: v6–v17
//! (header sizes 76, 92, 96, 128, 160), v18 (v17 plus the deleted/expunged
//! quota fields of Cyrus 3.8) and the reordered v19 header of Cyrus 3.10
//! (checked against 3.10.3's `mailbox.h`), for reading and writing. The last four bytes of a v12+ header
//! are the CRC32 of the bytes before them.

use std::path::Path;

use crate::ids::{Modseq, Uid, UidValidity};

use super::error::MailboxError;

/// Minor version this crate writes for new mailboxes (Cyrus 3.6).
pub const MINOR_VERSION: u32 = 17;
/// Header size of v14+ (`INDEX_HEADER_SIZE`).
pub const INDEX_HEADER_SIZE: usize = 160;

/// Mailbox option bits (`OPT_*`), stored in the index header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct MailboxOptions(pub u32);

impl MailboxOptions {
    /// `OPT_POP3_NEW_UIDL`: POP3 UIDLs are `uidvalidity.uid`.
    pub const POP3_NEW_UIDL: u32 = 1 << 0;
    /// `OPT_IMAP_SHAREDSEEN`: one `\Seen` state for everybody.
    pub const IMAP_SHAREDSEEN: u32 = 1 << 2;
    /// `OPT_IMAP_DUPDELIVER`: duplicate suppression off for this mailbox.
    pub const IMAP_DUPDELIVER: u32 = 1 << 3;
    /// `OPT_IMAP_HAS_ALARMS`.
    pub const IMAP_HAS_ALARMS: u32 = 1 << 4;
    /// `OPT_MAILBOX_NEEDS_UNLINK`: some message files still to unlink.
    pub const NEEDS_UNLINK: u32 = 1 << 29;
    /// `OPT_MAILBOX_NEEDS_REPACK`: a repack is due.
    pub const NEEDS_REPACK: u32 = 1 << 30;
    /// `OPT_MAILBOX_DELETED`: mailbox deleted, awaiting cleanup.
    pub const DELETED: u32 = 1 << 31;
    /// Bits Cyrus keeps when writing (`MAILBOX_OPT_VALID`).
    pub const VALID: u32 = 0x1d | 0xe000_0000;

    /// True when `bit` is set.
    pub fn has(self, bit: u32) -> bool {
        self.0 & bit != 0
    }
}

/// Initial value of `synccrcs.annot` (`CRC_INIT_ANNOT`).
pub const CRC_INIT_ANNOT: u32 = 12_345_678;

/// A decoded index header. Times are the on-disk 32-bit seconds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[allow(missing_docs)] // field names are Cyrus's; see docs/format and imap/mailbox.h
pub struct IndexHeader {
    pub generation_no: u32,
    pub format: u32,
    pub minor_version: u32,
    pub start_offset: u32,
    pub record_size: u32,
    /// Records in the file, expunged-but-kept ones included.
    pub num_records: u32,
    pub last_appenddate: u32,
    pub last_uid: Uid,
    pub quota_mailbox_used: u64,
    pub pop3_last_login: u32,
    pub uidvalidity: UidValidity,
    pub deleted: u32,
    pub answered: u32,
    pub flagged: u32,
    pub options: MailboxOptions,
    pub leaked_cache_records: u32,
    pub highestmodseq: Modseq,
    pub deletedmodseq: Modseq,
    /// Non-expunged records.
    pub exists: u32,
    pub first_expunged: u32,
    pub last_repack_time: u32,
    pub header_file_crc: u32,
    pub sync_crc_basic: u32,
    pub recentuid: Uid,
    pub recenttime: u32,
    pub pop3_show_after: u32,
    pub quota_annot_used: u32,
    pub sync_crc_annot: u32,
    pub unseen: u32,
    pub createdmodseq: Modseq,
    pub changes_epoch: u32,
    /// v18+ (Cyrus 3.8/3.10): bytes of `\Deleted` messages.
    pub quota_deleted_used: u64,
    /// v18+ (Cyrus 3.8/3.10): bytes of expunged messages.
    pub quota_expunged_used: u64,
}

/// (header size, record size) of a minor version, or `None` if unknown.
pub fn layout(minor_version: u32) -> Option<(usize, usize)> {
    Some(match minor_version {
        6 => (76, 60),
        7 => (76, 72),
        8 => (92, 80),
        9 => (96, 80),
        10 => (96, 88),
        12 => (128, 96),
        13 => (128, 104),
        14 | 15 => (160, 104),
        16..=19 => (160, 112),
        _ => return None,
    })
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

impl IndexHeader {
    /// A fresh v17 header for an empty mailbox.
    pub fn new_v17(
        uidvalidity: UidValidity,
        highestmodseq: Modseq,
        options: u32,
        now: u32,
    ) -> Self {
        IndexHeader {
            minor_version: MINOR_VERSION,
            start_offset: INDEX_HEADER_SIZE as u32,
            record_size: 112,
            uidvalidity,
            highestmodseq,
            createdmodseq: highestmodseq,
            options: MailboxOptions(options),
            changes_epoch: now,
            sync_crc_annot: CRC_INIT_ANNOT,
            ..Default::default()
        }
    }

    /// Decodes the header at the start of `buf` (the whole file or more),
    /// checking its CRC. `file` names the file in errors.
    ///
    /// Like Cyrus, a mailbox with no messages reads with `POP3_NEW_UIDL`
    /// set and a zero `highestmodseq` reads as 1.
    pub fn decode(buf: &[u8], file: &Path) -> Result<IndexHeader, MailboxError> {
        if buf.len() < 12 {
            return Err(MailboxError::bad_format(
                file,
                0,
                "index file shorter than its header",
            ));
        }
        let minor = be32(buf, 8);
        let Some((hlen, _)) = layout(minor) else {
            return Err(MailboxError::bad_format(
                file,
                8,
                format!("unsupported index minor version {minor}"),
            ));
        };
        if buf.len() < hlen {
            return Err(MailboxError::bad_format(
                file,
                0,
                "index file shorter than its header",
            ));
        }
        let b = &buf[..hlen];
        let mut i = IndexHeader {
            generation_no: be32(b, 0),
            format: be32(b, 4),
            minor_version: minor,
            start_offset: be32(b, 12),
            record_size: be32(b, 16),
            num_records: be32(b, 20),
            last_appenddate: be32(b, 24),
            last_uid: Uid(be32(b, 28)),
            quota_mailbox_used: be64(b, 32),
            pop3_last_login: be32(b, 40),
            uidvalidity: UidValidity(be32(b, 44)),
            deleted: be32(b, 48),
            answered: be32(b, 52),
            flagged: be32(b, 56),
            ..Default::default()
        };
        if minor == 19 {
            i.decode_v19(b);
        } else {
            i.options = MailboxOptions(be32(b, 60));
            i.leaked_cache_records = be32(b, 64);
            if minor >= 8 {
                i.highestmodseq = Modseq(be64(b, 68));
            }
            if minor >= 12 {
                i.deletedmodseq = Modseq(be64(b, 76));
                i.exists = be32(b, 84);
                i.first_expunged = be32(b, 88);
                i.last_repack_time = be32(b, 92);
                i.header_file_crc = be32(b, 96);
                i.sync_crc_basic = be32(b, 100);
                i.recentuid = Uid(be32(b, 104));
                i.recenttime = be32(b, 108);
            }
            if minor >= 13 {
                i.pop3_show_after = be32(b, 112);
                i.quota_annot_used = be32(b, 116);
                i.sync_crc_annot = be32(b, 120);
            }
            if minor >= 14 {
                i.unseen = be32(b, 124);
            }
            if minor >= 16 {
                i.createdmodseq = Modseq(be64(b, 128));
            }
            if minor >= 17 {
                i.changes_epoch = be32(b, 136);
            }
            if minor >= 18 {
                i.quota_deleted_used = be64(b, 140);
                i.quota_expunged_used = be64(b, 148);
            }
        }
        if minor >= 12 {
            let stored = be32(b, hlen - 4);
            let computed = crc32fast::hash(&b[..hlen - 4]);
            if stored != computed {
                return Err(MailboxError::Checksum {
                    file: file.to_path_buf(),
                    offset: 0,
                    what: "index header CRC",
                    stored,
                    computed,
                });
            }
        }
        if i.exists == 0 {
            i.options.0 |= MailboxOptions::POP3_NEW_UIDL;
        }
        if i.highestmodseq.0 == 0 {
            i.highestmodseq = Modseq(1);
        }
        if minor < 12 {
            i.deletedmodseq = i.highestmodseq;
            i.exists = i.num_records;
        }
        if minor < 17 {
            i.changes_epoch = i.last_repack_time;
        }
        Ok(i)
    }

    fn decode_v19(&mut self, b: &[u8]) {
        self.exists = be32(b, 60);
        self.options = MailboxOptions(be32(b, 64));
        self.leaked_cache_records = be32(b, 68);
        self.highestmodseq = Modseq(be64(b, 72));
        self.deletedmodseq = Modseq(be64(b, 80));
        self.first_expunged = be32(b, 88);
        self.last_repack_time = be32(b, 92);
        self.header_file_crc = be32(b, 96);
        self.sync_crc_basic = be32(b, 100);
        self.recentuid = Uid(be32(b, 104));
        self.recenttime = be32(b, 108);
        self.pop3_show_after = be32(b, 112);
        self.quota_annot_used = be32(b, 116);
        self.sync_crc_annot = be32(b, 120);
        self.unseen = be32(b, 124);
        self.createdmodseq = Modseq(be64(b, 128));
        self.quota_deleted_used = be64(b, 136);
        self.quota_expunged_used = be64(b, 144);
        self.changes_epoch = be32(b, 152);
    }

    /// The header as its minor version can store it: fields the layout
    /// lacks (v12: POP3 show-after, annotation bytes and CRC; before v14:
    /// unseen; before v18: deleted/expunged quota bytes) read back as zero,
    /// so they are zeroed.
    pub fn for_version(mut self) -> IndexHeader {
        if self.minor_version < 13 {
            self.pop3_show_after = 0;
            self.quota_annot_used = 0;
            self.sync_crc_annot = 0;
        }
        if self.minor_version < 14 {
            self.unseen = 0;
        }
        if self.minor_version < 18 {
            self.quota_deleted_used = 0;
            self.quota_expunged_used = 0;
        }
        self
    }

    /// Encodes in this header's own minor version (12–17 or 19), with CRC.
    /// Returns `start_offset` bytes (the header, zero-padded).
    ///
    /// Versions before 12 have no CRC and are only read, never written.
    pub fn encode(&self) -> Result<Vec<u8>, MailboxError> {
        let minor = self.minor_version;
        let Some((hlen, _)) = layout(minor).filter(|_| minor >= 12) else {
            return Err(MailboxError::bad_format(
                "cyrus.index",
                8,
                format!("cannot write index minor version {minor}"),
            ));
        };
        let mut b = vec![0u8; (self.start_offset as usize).max(hlen)];
        put32(&mut b, 0, self.generation_no);
        put32(&mut b, 4, self.format);
        put32(&mut b, 8, minor);
        put32(&mut b, 12, self.start_offset);
        put32(&mut b, 16, self.record_size);
        put32(&mut b, 20, self.num_records);
        put32(&mut b, 24, self.last_appenddate);
        put32(&mut b, 28, self.last_uid.0);
        put64(&mut b, 32, self.quota_mailbox_used);
        put32(&mut b, 40, self.pop3_last_login);
        put32(&mut b, 44, self.uidvalidity.0);
        put32(&mut b, 48, self.deleted);
        put32(&mut b, 52, self.answered);
        put32(&mut b, 56, self.flagged);
        let options = self.options.0 & MailboxOptions::VALID;
        if minor == 19 {
            put32(&mut b, 60, self.exists);
            put32(&mut b, 64, options);
            put32(&mut b, 68, self.leaked_cache_records);
            put64(&mut b, 72, self.highestmodseq.0);
            put64(&mut b, 80, self.deletedmodseq.0);
            put32(&mut b, 88, self.first_expunged);
            put32(&mut b, 92, self.last_repack_time);
            put32(&mut b, 96, self.header_file_crc);
            put32(&mut b, 100, self.sync_crc_basic);
            put32(&mut b, 104, self.recentuid.0);
            put32(&mut b, 108, self.recenttime);
            put32(&mut b, 112, self.pop3_show_after);
            put32(&mut b, 116, self.quota_annot_used);
            put32(&mut b, 120, self.sync_crc_annot);
            put32(&mut b, 124, self.unseen);
            put64(&mut b, 128, self.createdmodseq.0);
            put64(&mut b, 136, self.quota_deleted_used);
            put64(&mut b, 144, self.quota_expunged_used);
            put32(&mut b, 152, self.changes_epoch);
        } else {
            put32(&mut b, 60, options);
            put32(&mut b, 64, self.leaked_cache_records);
            put64(&mut b, 68, self.highestmodseq.0);
            put64(&mut b, 76, self.deletedmodseq.0);
            put32(&mut b, 84, self.exists);
            put32(&mut b, 88, self.first_expunged);
            put32(&mut b, 92, self.last_repack_time);
            put32(&mut b, 96, self.header_file_crc);
            put32(&mut b, 100, self.sync_crc_basic);
            put32(&mut b, 104, self.recentuid.0);
            put32(&mut b, 108, self.recenttime);
            if minor > 12 {
                put32(&mut b, 112, self.pop3_show_after);
                put32(&mut b, 116, self.quota_annot_used);
                put32(&mut b, 120, self.sync_crc_annot);
            }
            if minor > 13 {
                put32(&mut b, 124, self.unseen);
            }
            if minor > 15 {
                put64(&mut b, 128, self.createdmodseq.0);
            }
            if minor > 16 {
                put32(&mut b, 136, self.changes_epoch);
            }
            if minor > 17 {
                put64(&mut b, 140, self.quota_deleted_used);
                put64(&mut b, 148, self.quota_expunged_used);
            }
        }
        let crc = crc32fast::hash(&b[..hlen - 4]);
        put32(&mut b, hlen - 4, crc);
        Ok(b)
    }

    /// Byte offset of record `recno` (1-based).
    pub fn record_offset(&self, recno: u32) -> u64 {
        u64::from(self.start_offset)
            + u64::from(recno.saturating_sub(1)) * u64::from(self.record_size)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use super::*;

    #[test]
    fn round_trip_each_writable_version() {
        for minor in [12, 13, 14, 15, 16, 17, 18, 19] {
            let (hlen, rlen) = layout(minor).unwrap();
            let mut h = IndexHeader::new_v17(UidValidity(7), Modseq(9), 1, 100);
            h.minor_version = minor;
            h.start_offset = hlen as u32;
            h.record_size = rlen as u32;
            h.exists = 3;
            h.num_records = 4;
            h.last_uid = Uid(4);
            h.quota_mailbox_used = 1 << 33;
            if minor < 13 {
                h.sync_crc_annot = 0;
            }
            if minor < 17 {
                h.changes_epoch = 0;
            }
            if minor < 16 {
                h.createdmodseq = Modseq(0);
            }
            if minor >= 18 {
                h.quota_deleted_used = 5;
                h.quota_expunged_used = 1 << 40;
            }
            let b = h.encode().unwrap();
            assert_eq!(b.len(), hlen);
            let d = IndexHeader::decode(&b, Path::new("x")).unwrap();
            assert_eq!(d, h, "v{minor}");
            assert_eq!(d.encode().unwrap(), b);
        }
    }

    #[test]
    fn corrupt_header_names_file_and_offset() {
        let h = IndexHeader::new_v17(UidValidity(7), Modseq(9), 1, 100);
        let mut b = h.encode().unwrap();
        b[30] ^= 1;
        let e = IndexHeader::decode(&b, Path::new("/m/cyrus.index")).unwrap_err();
        assert!(matches!(e, MailboxError::Checksum { offset: 0, .. }));
        assert!(e.to_string().contains("/m/cyrus.index"));
        for n in 0..b.len() {
            let _ = IndexHeader::decode(&b[..n], Path::new("x"));
        }
    }
}
