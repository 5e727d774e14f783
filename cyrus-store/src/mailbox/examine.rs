//! Text reports in the exact format of Cyrus 3.6's `mbexamine` and
//! `unexpunge -l` (`imap/mbexamine.c`, `imap/unexpunge.c`), so a tool and
//! the golden tests can compare whole outputs byte for byte.

use super::cache::{CacheItem, CacheItems};
use super::flagbits::{InternalFlags, SystemFlags};
use super::header::MailboxHeader;
use super::index_header::{IndexHeader, MailboxOptions};
use super::index_record::IndexRecord;

/// Broken-down UTC time: (year, month 1–12, day, weekday 0 = Sunday,
/// hour, minute, second).
pub(crate) fn civil_utc(t: i64) -> (i64, usize, i64, usize, i64, i64, i64) {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let wday = (days + 4).rem_euclid(7) as usize;
    (
        y,
        m as usize,
        d,
        wday,
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
    )
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// C `ctime()` in UTC: `"Sun Nov 22 13:31:16 2026\n"`.
pub fn ctime_utc(t: i64) -> String {
    let (y, m, d, wd, h, mi, s) = civil_utc(t);
    format!(
        "{} {} {d:>2} {h:02}:{mi:02}:{s:02} {y}\n",
        DAYS[wd],
        MONTHS[m - 1]
    )
}

/// Cyrus `time_to_rfc5322` in UTC: `"Wed, 10 Jan 2024 00:00:00 +0000"`.
pub fn rfc5322_utc(t: i64) -> String {
    let (y, m, d, wd, h, mi, s) = civil_utc(t);
    format!(
        "{}, {d:02} {} {y:04} {h:02}:{mi:02}:{s:02} +0000",
        DAYS[wd],
        MONTHS[m - 1]
    )
}

/// Appends `s` as C `printf("%.*s")` would: stops at the first NUL.
pub(crate) fn push_cstr(out: &mut Vec<u8>, s: &[u8]) {
    let end = s.iter().position(|&b| b == 0).unwrap_or(s.len());
    out.extend_from_slice(&s[..end]);
}

/// One message for a report: its record and, when readable, its cache items.
#[derive(Debug, Clone, Copy)]
pub struct ReportMessage<'a> {
    /// The index record.
    pub record: &'a IndexRecord,
    /// The cache entry, `None` if missing or corrupt.
    pub cache: Option<&'a CacheItems>,
}

/// What `mbexamine` prints for a mailbox. `extname` is the name shown after
/// "Examining", `path` the mailbox directory; `messages` are the
/// non-expunged records in index order.
pub fn mbexamine(
    extname: &str,
    path: &str,
    header: &MailboxHeader,
    index: &IndexHeader,
    messages: &[ReportMessage<'_>],
) -> Vec<u8> {
    let mut o = String::new();
    o.push_str(&format!("Examining {extname}... Mailbox Header Info:\n"));
    o.push_str(&format!("  Path to mailbox: {path}\n"));
    o.push_str(&format!("  Mailbox ACL: {}\n", header.acl));
    let uniqueid = header
        .uniqueid
        .as_ref()
        .map(|u| u.as_str())
        .unwrap_or("(null)");
    o.push_str(&format!("  Unique ID: {uniqueid}\n"));
    o.push_str("  User Flags: ");
    let mut n = 0;
    for f in &header.user_flags {
        let Some(f) = f else { break };
        o.push_str(f);
        o.push(' ');
        n += 1;
    }
    if n == 0 {
        o.push_str("[none]");
    }
    o.push_str("\n\n Index Header Info:\n");
    o.push_str(&format!(
        "  Generation Number: {}\n",
        index.generation_no as i32
    ));
    o.push_str(&format!(
        "  Minor Version: {}\n",
        index.minor_version as i32
    ));
    o.push_str(&format!(
        "  Header Size: {} bytes  Record Size: {} bytes\n",
        index.start_offset, index.record_size
    ));
    o.push_str(&format!(
        "  Number of Messages: {}  Mailbox Size: {} bytes  Annotations Size: {} bytes\n",
        index.exists, index.quota_mailbox_used, index.quota_annot_used
    ));
    o.push_str(&format!(
        "  Last Append Date: ({}) {}",
        index.last_appenddate,
        ctime_utc(i64::from(index.last_appenddate))
    ));
    o.push_str(&format!(
        "  UIDValidity: {}  Last UID: {}\n",
        index.uidvalidity, index.last_uid
    ));
    o.push_str(&format!(
        "  Deleted: {}  Answered: {}  Flagged: {}\n",
        index.deleted, index.answered, index.flagged
    ));
    o.push_str("  Mailbox Options:");
    let opts = index.options;
    if opts.0 == 0 {
        o.push_str(" NONE");
    } else {
        for (bit, name) in [
            (MailboxOptions::POP3_NEW_UIDL, " POP3_NEW_UIDL"),
            (MailboxOptions::IMAP_SHAREDSEEN, " IMAP_SHAREDSEEN"),
            (MailboxOptions::IMAP_DUPDELIVER, " IMAP_DUPDELIVER"),
            (MailboxOptions::IMAP_HAS_ALARMS, " IMAP_HAS_ALARMS"),
        ] {
            if opts.has(bit) {
                o.push_str(name);
            }
        }
    }
    o.push('\n');
    o.push_str(&format!(
        "  Last POP3 Login: ({}) {}",
        index.pop3_last_login,
        ctime_utc(i64::from(index.pop3_last_login))
    ));
    o.push_str(&format!(
        "  Highest Mod Sequence: {}\n",
        index.highestmodseq
    ));
    o.push_str("\n Message Info:\n");
    let mut out = o.into_bytes();
    for m in messages {
        message_block(&mut out, index.minor_version, m);
    }
    out
}

fn message_block(out: &mut Vec<u8>, minor: u32, m: &ReportMessage<'_>) {
    let r = m.record;
    // Cyrus 3.6 never advances its message counter, so every line says 000001.
    let mut o = format!(
        "{:06}> UID:{:08}   INT_DATE:{} SENTDATE:{} SAVEDATE:{} SIZE:{:<6}\n",
        1, r.uid.0, r.internaldate, r.sentdate, r.savedate, r.size
    );
    o.push_str(&format!(
        "      > HDRSIZE:{:<6} LASTUPD :{} SYSFLAGS:{:08X}",
        r.header_size,
        r.last_updated,
        r.system_flags.bits()
    ));
    if minor >= 6 {
        o.push_str(&format!("      > CACHEVER:{:<2}", r.cache_version));
    }
    if minor >= 7 {
        o.push_str(&format!(" GUID:{}", r.guid.to_hex()));
    }
    if minor >= 8 {
        o.push_str(&format!(" MODSEQ:{}", r.modseq));
    }
    if minor >= 13 {
        o.push_str(&format!("  THRID: {:x}", r.cid));
    }
    o.push_str("\n      > INTERNALFLAGS:");
    for (bit, name) in [
        (InternalFlags::EXPUNGED, " FLAG_INTERNAL_EXPUNGED"),
        (InternalFlags::UNLINKED, " FLAG_INTERNAL_UNLINKED"),
        (InternalFlags::ARCHIVED, " FLAG_INTERNAL_ARCHIVED"),
        (InternalFlags::NEEDS_CLEANUP, " FLAG_INTERNAL_NEEDS_CLEANUP"),
        (InternalFlags::SNOOZED, " FLAG_INTERNAL_SNOOZED"),
    ] {
        if r.internal_flags.contains(bit) {
            o.push_str(name);
        }
    }
    o.push_str("      > SYSTEMFLAGS:");
    for (bit, name) in [
        (SystemFlags::SEEN, " FLAG_SEEN"),
        (SystemFlags::DRAFT, " FLAG_DRAFT"),
        (SystemFlags::DELETED, " FLAG_DELETED"),
        (SystemFlags::FLAGGED, " FLAG_FLAGGED"),
        (SystemFlags::ANSWERED, " FLAG_ANSWERED"),
    ] {
        if r.system_flags.contains(bit) {
            o.push_str(name);
        }
    }
    o.push_str("\n      > USERFLAGS:");
    for w in r.user_flags.0.iter().rev() {
        o.push_str(&format!(" {w:08X}"));
    }
    o.push('\n');
    out.extend_from_slice(o.as_bytes());
    if let Some(c) = m.cache {
        for (name, item) in [
            ("Envel", CacheItem::Envelope),
            ("BdyStr", CacheItem::BodyStructure),
            ("Body", CacheItem::Body),
            ("CacHdr", CacheItem::Headers),
            ("From", CacheItem::From),
            ("To", CacheItem::To),
            ("Cc", CacheItem::Cc),
            ("Bcc", CacheItem::Bcc),
            ("Subjct", CacheItem::Subject),
        ] {
            let data = c.get(item);
            out.extend_from_slice(format!(" {name}>{{{}}}", data.len()).as_bytes());
            push_cstr(out, data);
            out.push(b'\n');
        }
    }
}

/// What `unexpunge -l` prints: `messages` are the expunged, not unlinked
/// records in index order.
pub fn unexpunge_list(messages: &[ReportMessage<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for m in messages {
        let r = m.record;
        let head = format!(
            "UID: {}\n\tSize: {}\n\tSent: {}\tRecv: {}\tExpg: {}",
            r.uid,
            r.size,
            ctime_utc(i64::from(r.sentdate)),
            ctime_utc(i64::from(r.internaldate)),
            ctime_utc(i64::from(r.last_updated))
        );
        out.extend_from_slice(head.as_bytes());
        let Some(c) = m.cache else {
            out.extend_from_slice(
                b"\tERROR: cache record missing or corrupt, not printing cache details\n\n",
            );
            continue;
        };
        for (label, item) in [
            ("\tFrom: ", CacheItem::From),
            ("\tTo  : ", CacheItem::To),
            ("\tCc  : ", CacheItem::Cc),
            ("\tBcc : ", CacheItem::Bcc),
            ("\tSubj: ", CacheItem::Subject),
        ] {
            out.extend_from_slice(label.as_bytes());
            push_cstr(&mut out, c.get(item));
            out.push(b'\n');
        }
        out.push(b'\n');
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use super::*;

    #[test]
    fn ctime_matches_c() {
        assert_eq!(ctime_utc(0), "Thu Jan  1 00:00:00 1970\n");
        assert_eq!(ctime_utc(1_795_354_276), "Sun Nov 22 13:31:16 2026\n");
        assert_eq!(ctime_utc(1_704_412_800), "Fri Jan  5 00:00:00 2024\n");
        assert_eq!(ctime_utc(951_782_400), "Tue Feb 29 00:00:00 2000\n");
        assert_eq!(
            rfc5322_utc(1_704_844_800),
            "Wed, 10 Jan 2024 00:00:00 +0000"
        );
    }
}
