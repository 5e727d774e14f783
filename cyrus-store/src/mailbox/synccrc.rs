//! Replication consistency CRCs kept in the index header (Cyrus
//! `crc_basic` and `crc_virtannot`, "locked in" since 2.4).
//!
//! `sync_crc_basic` is the XOR over every non-expunged record of
//! `crc32("<uid> <modseq> <last_updated> (<flagcrc>) <internaldate> <guidhex>")`,
//! where `flagcrc` is the XOR of the CRC32 of each set flag's lower-cased
//! name. `sync_crc_annot` starts at 12345678 and XORs, per non-expunged
//! record, the virtual annotations thrid/savedate/createdmodseq (and the
//! real per-message annotations, which live in `cyrus.annotations` and are
//! not handled here).

use super::flagbits::SystemFlags;
use super::header::MailboxHeader;
use super::index_record::IndexRecord;

/// The record's contribution to `sync_crc_basic` (0 for expunged records).
pub fn crc_basic(header: &MailboxHeader, r: &IndexRecord) -> u32 {
    if r.is_expunged() {
        return 0;
    }
    let mut flagcrc = 0u32;
    for (bit, name) in [
        (SystemFlags::DELETED, "\\deleted"),
        (SystemFlags::ANSWERED, "\\answered"),
        (SystemFlags::FLAGGED, "\\flagged"),
        (SystemFlags::DRAFT, "\\draft"),
        (SystemFlags::SEEN, "\\seen"),
    ] {
        if r.system_flags.contains(bit) {
            flagcrc ^= crc32fast::hash(name.as_bytes());
        }
    }
    for slot in r.user_flags.iter() {
        if let Some(Some(name)) = header.user_flags.get(slot) {
            flagcrc ^= crc32fast::hash(name.to_ascii_lowercase().as_bytes());
        }
    }
    let s = format!(
        "{} {} {} ({}) {} {}",
        r.uid.0,
        r.modseq.0,
        r.last_updated,
        flagcrc,
        r.internaldate,
        r.guid.to_hex()
    );
    crc32fast::hash(s.as_bytes())
}

fn crc_annot(uid: u32, entry: &str, value: &str) -> u32 {
    crc32fast::hash(format!("{uid} {entry}  {value}").as_bytes())
}

/// The record's virtual-annotation contribution to `sync_crc_annot` for an
/// index of minor version `minor` (0 for expunged records).
pub fn crc_virtannot(minor: u32, r: &IndexRecord) -> u32 {
    if r.is_expunged() {
        return 0;
    }
    const NS: &str = "/vendor/cmu/cyrus-imapd/";
    let mut crc = 0;
    if r.cid != 0 && minor >= 13 {
        crc ^= crc_annot(r.uid.0, &format!("{NS}thrid"), &format!("{:x}", r.cid));
    }
    if r.savedate != 0 && minor >= 15 {
        crc ^= crc_annot(r.uid.0, &format!("{NS}savedate"), &r.savedate.to_string());
    }
    if r.createdmodseq.0 != 0 && minor >= 16 {
        crc ^= crc_annot(
            r.uid.0,
            &format!("{NS}createdmodseq"),
            &r.createdmodseq.0.to_string(),
        );
    }
    crc
}
