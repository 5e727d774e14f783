//! Reading what is left of a mailbox's metadata: every part that passes
//! its checks is kept, everything else is reported and left to be rebuilt
//! from the message files.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use crate::error::Error;
use crate::ids::Uid;
use crate::mailbox::cache::{cache_crc, generation};
use crate::mailbox::index_header::layout;
use crate::mailbox::{CacheItems, IndexHeader, IndexRecord};
use crate::os::{FsRef, OpenMode, OsError};

use super::options::Report;

/// Reads a whole file; `None` when it does not exist.
pub(crate) fn read_optional(fs: &FsRef, path: &Path) -> Result<Option<Vec<u8>>, Error> {
    match fs.open(path, OpenMode::Read) {
        Ok(f) => f
            .read_all()
            .map(Some)
            .map_err(|e| Error::Os(OsError::new("read", path, e))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::Os(OsError::new("open", path, e))),
    }
}

/// What survived of `cyrus.index`.
#[derive(Debug, Default)]
pub(crate) struct SalvagedIndex {
    /// The header: trusted when `trusted`, else decoded past a bad CRC (its
    /// layout fields are usable, its counters are not).
    pub header: Option<IndexHeader>,
    /// The header passed its CRC.
    pub trusted: bool,
    /// Records that passed their CRC, by UID.
    pub records: BTreeMap<Uid, IndexRecord>,
}

fn be32(b: &[u8], off: usize) -> Option<u32> {
    b.get(off..off + 4)
        .map(|w| u32::from_be_bytes([w[0], w[1], w[2], w[3]]))
}

/// Decodes a header whose CRC is wrong, by recomputing the CRC: only its
/// layout fields (version, offsets) and UIDVALIDITY-like values are used.
fn decode_damaged_header(bytes: &[u8], path: &Path) -> Option<IndexHeader> {
    let minor = be32(bytes, 8)?;
    let (hlen, _) = layout(minor).filter(|_| minor >= 12)?;
    let mut copy = bytes.get(..hlen)?.to_vec();
    let crc = crc32fast::hash(&copy[..hlen - 4]);
    copy[hlen - 4..].copy_from_slice(&crc.to_be_bytes());
    let h = IndexHeader::decode(&copy, path).ok()?;
    let sane = layout(h.minor_version)
        .is_some_and(|(hl, rl)| h.start_offset as usize >= hl && h.record_size as usize == rl);
    sane.then_some(h)
}

/// Salvages the header and the CRC-valid records of an index file.
pub(crate) fn salvage_index(bytes: &[u8], path: &Path, report: &mut Report) -> SalvagedIndex {
    let mut out = SalvagedIndex::default();
    let (header, trusted) = match IndexHeader::decode(bytes, path) {
        Ok(h) => (h, true),
        Err(e) => {
            report.add(format!("cyrus.index header is damaged ({e}): rebuilding"));
            match decode_damaged_header(bytes, path) {
                Some(h) => (h, false),
                None => return out,
            }
        }
    };
    let start = u64::from(header.start_offset);
    let size = u64::from(header.record_size);
    let len = bytes.len() as u64;
    // With a damaged header the record count is not trusted: take every
    // whole record the file holds.
    let slots = if trusted {
        u64::from(header.num_records)
    } else {
        len.saturating_sub(start) / size.max(1)
    };
    if trusted && start + slots * size > len {
        report.add(format!(
            "cyrus.index is truncated: {} of {} records present",
            len.saturating_sub(start) / size.max(1),
            slots
        ));
    }
    let mut last = Uid(0);
    for recno in 1..=slots {
        let off = start + (recno - 1) * size;
        let Some(buf) = bytes.get(off as usize..(off + size) as usize) else {
            break;
        };
        match IndexRecord::decode(buf, header.minor_version, path, off) {
            Ok(r) if r.uid.0 == 0 || r.uid <= last => report.add(format!(
                "index record {recno} (uid {}) is out of order: dropping it",
                r.uid.0
            )),
            Ok(r) => {
                last = r.uid;
                out.records.insert(r.uid, r);
            }
            Err(_) => report.add(format!(
                "index record {recno} fails its checksum: rebuilding it from its message file"
            )),
        }
    }
    out.header = Some(header);
    out.trusted = trusted;
    out
}

/// The cache file's generation, if it has one.
pub(crate) fn cache_generation(bytes: &[u8]) -> Option<u32> {
    generation(bytes)
}

/// The cache entry of `record` in `cache` (a whole cache file), if it is
/// there, parses, and matches the record's CACHE_CRC.
pub(crate) fn cache_entry(cache: &[u8], record: &IndexRecord, path: &Path) -> Option<CacheItems> {
    let (items, n) = CacheItems::decode_at(cache, record.cache_offset, path).ok()?;
    let at = usize::try_from(record.cache_offset).ok()?;
    let stored = cache.get(at..at + n)?;
    (cache_crc(stored) == record.cache_crc).then_some(items)
}

/// `<uid>.` files in a directory, by UID (names Cyrus would take as
/// message files: digits, then one dot).
pub(crate) fn message_files(fs: &FsRef, dir: &Path) -> Result<Vec<Uid>, Error> {
    let names = match fs.read_dir(dir) {
        Ok(n) => n,
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(Error::Os(OsError::new("readdir", dir, e))),
    };
    let mut uids: Vec<Uid> = names
        .iter()
        .filter_map(|n| {
            let digits = n.strip_suffix('.')?;
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            digits.parse::<u32>().ok().filter(|u| *u > 0).map(Uid)
        })
        .collect();
    uids.sort_unstable();
    Ok(uids)
}
