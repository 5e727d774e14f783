//! `cyr_mbexamine`: Cyrus's `mbexamine` report of a mailbox's header,
//! index and cache (`imap/mbexamine.c`), its `-q` quota check and its
//! `-c` index-versus-files comparison. The mailbox module renders the
//! reports; this file resolves admin-namespace names to directories.

use cyrus_store::mailbox::examine_check::FileParse;
use cyrus_store::mailbox::Mailbox;
use cyrus_store::message;
use cyrus_store::os::LockKind;
use cyrus_store::Store;

use super::common::ToolError;
use super::site::{external_name, resolve_mailboxes};

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExamineMode {
    /// Header, index header and every live record (plain `mbexamine`).
    #[default]
    Full,
    /// `-q`: quota usage against the message files.
    Quota,
    /// `-c`: every record against its message file.
    Compare,
}

/// The report for every mailbox `args` names, concatenated; with `uid`,
/// the full report shows only that message (as `mbexamine -u`).
pub fn mbexamine(
    store: &Store,
    args: &[String],
    mode: ExamineMode,
    uid: Option<u32>,
) -> Result<Vec<u8>, ToolError> {
    let mut out = Vec::new();
    for entry in resolve_mailboxes(store, args)? {
        let ext = external_name(store, &entry.name);
        let dir = store.mailbox_dir(&entry)?;
        let mbox = Mailbox::open(store.fs().clone(), &dir, LockKind::Shared)
            .map_err(cyrus_store::Error::from)?;
        let path = dir.display().to_string();
        let report = match mode {
            ExamineMode::Full => {
                let r = mbox.mbexamine_report(&ext, &path);
                match uid {
                    Some(u) => only_uid(&r, u),
                    None => r,
                }
            }
            ExamineMode::Quota => mbox
                .mbexamine_quota_report(&ext)
                .map_err(cyrus_store::Error::from)?,
            ExamineMode::Compare => {
                let parse = |bytes: &[u8]| {
                    let p = message::parse(bytes);
                    Some(FileParse {
                        sentdate: p.sent_date(),
                        cache: p.cache_items(),
                    })
                };
                mbox.mbexamine_compare_report(&ext, &path, &parse)
                    .map_err(cyrus_store::Error::from)?
            }
        };
        out.extend_from_slice(&report);
    }
    Ok(out)
}

/// True if `line` starts a message block: `NNNNNN> UID:`.
fn starts_message(line: &[u8]) -> bool {
    line.len() > 12 && line[..6].iter().all(u8::is_ascii_digit) && &line[6..12] == b"> UID:"
}

/// The UID of a message block's first line.
fn block_uid(line: &[u8]) -> Option<u32> {
    let digits: Vec<u8> = line[12..]
        .iter()
        .copied()
        .take_while(u8::is_ascii_digit)
        .collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

/// Keeps the header part of a report and the one message block of `uid`.
/// Blocks are cut at lines that start `NNNNNN> UID:`, the first line
/// Cyrus prints per record.
fn only_uid(report: &[u8], uid: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut keep = true;
    for line in report.split_inclusive(|&b| b == b'\n') {
        if starts_message(line) {
            keep = block_uid(line) == Some(uid);
        }
        if keep {
            out.extend_from_slice(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_uid_keeps_header_and_one_block() {
        let r = b"Examining x... H\n Message Info:\n000001> UID:00000001 A\n b1\n000001> UID:00000002 B\n b2\n";
        assert_eq!(
            only_uid(r, 2),
            b"Examining x... H\n Message Info:\n000001> UID:00000002 B\n b2\n"
        );
        assert_eq!(only_uid(r, 9), b"Examining x... H\n Message Info:\n");
    }
}
