//! The checking modes of Cyrus 3.6's `mbexamine`: `-q` (index sizes and
//! `quota_mailbox_used` against the message files) and `-c` (index records
//! against the message files in the directory), in their exact output
//! format (`do_quota`, `do_compare` in `imap/mbexamine.c`).

use crate::ids::{Guid, Uid};

use super::cache::{CacheItem, CacheItems};
use super::examine::{rfc5322_utc, ReportMessage};

/// `mbexamine -q`: `sizes` holds, for each non-expunged record in index
/// order, its UID, its index size and the size of its file (`None` when
/// the file is missing, which Cyrus skips).
pub fn quota_check(
    extname: &str,
    sizes: &[(Uid, u32, Option<u64>)],
    quota_mailbox_used: u64,
) -> Vec<u8> {
    let mut out = format!("Examining {extname}...");
    let mut total = 0u64;
    for (uid, size, file) in sizes {
        let Some(file) = file else { continue };
        if u64::from(*size) != *file {
            out.push_str(&format!(
                "  Message {uid} has INCORRECT size in index record\n"
            ));
            return out.into_bytes();
        }
        total += file;
    }
    let verdict = if total == quota_mailbox_used {
        "CORRECT"
    } else {
        "INCORRECT"
    };
    out.push_str(&format!("  Mailbox has {verdict} total quota usage\n"));
    out.into_bytes()
}

/// What a message parser reports about a file (the part `mbexamine -c`
/// shows): Cyrus's `message_parse` result.
#[derive(Debug, Clone, Default)]
pub struct FileParse {
    /// `Date:` truncated to the day.
    pub sentdate: u32,
    /// The cache items (From and Subject are shown).
    pub cache: CacheItems,
}

/// A parsed message file, for `mbexamine -c`.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    /// SHA-1 of the file.
    pub guid: Guid,
    /// Bytes of the file.
    pub size: u32,
    /// `Date:` truncated to the day.
    pub sentdate: u32,
    /// The cache items the parser produced (From and Subject are shown).
    pub cache: CacheItems,
}

/// One message file in the directory: its UID and the parse result
/// (`None` = "Failed to parse file").
#[derive(Debug, Clone)]
pub struct DirFile {
    /// UID from the file name.
    pub uid: Uid,
    /// Parse result.
    pub parsed: Option<ParsedFile>,
}

fn pad(out: &mut Vec<u8>, s: &[u8], width: usize) {
    out.extend_from_slice(s);
    out.resize(out.len() + width.saturating_sub(s.len()), b' ');
}

/// `%-50.*s` of a cache item: at most 50 bytes, stopping at a NUL, padded.
fn pad_item(out: &mut Vec<u8>, s: &[u8]) {
    let end = s
        .iter()
        .take(50)
        .position(|&b| b == 0)
        .unwrap_or(s.len().min(50));
    pad(out, &s[..end], 50);
}

/// `mbexamine -c`: `records` are all records in index order (expunged
/// included), `files` the message files found in the directory sorted by
/// UID. Bug-compatible with Cyrus's merge loop.
pub fn compare(
    extname: &str,
    path: &str,
    records: &[ReportMessage<'_>],
    files: &[DirFile],
) -> Vec<u8> {
    let mut out = format!(
        "Examining {extname}...\n Mailbox Header Info:\n  Path to mailbox: {path}\n\n{:<56}\t{}\n",
        " Index Record Info:", "Message File Info:"
    )
    .into_bytes();
    let mut next_file = 0;
    let mut recs = records.iter();
    loop {
        let rec = recs.next();
        if rec.is_none() && next_file >= files.len() {
            break;
        }
        loop {
            let mut file: Option<&DirFile> = None;
            let mut skip = false;
            if next_file < files.len() && rec.is_none_or(|r| files[next_file].uid <= r.record.uid) {
                let f = &files[next_file];
                next_file += 1;
                file = Some(f);
                if let (Some(r), Some(p)) = (rec, &f.parsed) {
                    skip = r.record.uid == f.uid && r.record.guid == p.guid;
                }
            }
            if !skip {
                block(&mut out, rec, file);
            }
            let more =
                next_file < files.len() && rec.is_none_or(|r| files[next_file].uid <= r.record.uid);
            if !more {
                break;
            }
        }
    }
    out
}

fn block(out: &mut Vec<u8>, rec: Option<&ReportMessage<'_>>, file: Option<&DirFile>) {
    let uid = rec
        .map(|r| r.record.uid)
        .or(file.map(|f| f.uid))
        .unwrap_or_default();
    out.extend_from_slice(format!("  UID: {:08}\n", uid.0).as_bytes());
    let parsed = file.and_then(|f| f.parsed.as_ref());

    out.extend_from_slice(b"   GUID: ");
    pad(
        out,
        rec.map(|r| r.record.guid.to_hex())
            .unwrap_or_default()
            .as_bytes(),
        50,
    );
    if file.is_some() {
        out.push(b'\t');
        let g = parsed.map_or_else(|| "Failed to parse file".to_string(), |p| p.guid.to_hex());
        pad(out, g.as_bytes(), 50);
    }
    out.extend_from_slice(b"\n   Size: ");
    pad(
        out,
        rec.map(|r| r.record.size.to_string())
            .unwrap_or_default()
            .as_bytes(),
        50,
    );
    if let Some(p) = parsed {
        out.push(b'\t');
        pad(out, p.size.to_string().as_bytes(), 50);
    }
    out.extend_from_slice(b"\n   Date: ");
    let sent = rec
        .map(|r| rfc5322_utc(i64::from(r.record.sentdate)))
        .unwrap_or_default();
    pad(out, sent.as_bytes(), 50);
    if let Some(p) = parsed {
        out.push(b'\t');
        pad(out, rfc5322_utc(i64::from(p.sentdate)).as_bytes(), 50);
    }
    for (label, item) in [
        ("\n   From: ", CacheItem::From),
        ("\n   Subj: ", CacheItem::Subject),
    ] {
        out.extend_from_slice(label.as_bytes());
        pad_item(
            out,
            rec.and_then(|r| r.cache).map_or(&[][..], |c| c.get(item)),
        );
        if let Some(p) = parsed {
            out.push(b'\t');
            pad_item(out, p.cache.get(item));
        }
    }
    out.extend_from_slice(b"\n\n");
}
