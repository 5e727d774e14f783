//! APPEND with flags and INTERNALDATE; answers `[APPENDUID v uid]`
//! (RFC 4315) and `[TRYCREATE]` for a missing mailbox.

use std::time::SystemTime;

use cyrus_store::acl::Rights;
use cyrus_store::os::LockKind;
use cyrus_store::AppendRequest;
use imap_codec::imap_types::datetime::DateTime;
use imap_codec::imap_types::extensions::binary::LiteralOrLiteral8;
use imap_codec::imap_types::flag::Flag;

use crate::imap::wire::Tagged;

use super::error::Failure;
use super::session::{secs, ImapSession};
use super::store_flags::split_flags;

/// Cyrus's `message_copy_strict` checks: no NUL bytes, no bare LF or CR
/// (RFC 5322 line ends only), and not empty.
fn check_message(data: &[u8]) -> Result<(), Failure> {
    if data.is_empty() {
        return Err(Failure::No("Message has no header/body separator".into()));
    }
    if data.contains(&0) {
        return Err(Failure::No("Message contains NUL characters".into()));
    }
    let bare = data.iter().enumerate().any(|(i, &c)| {
        (c == b'\n' && (i == 0 || data[i - 1] != b'\r'))
            || (c == b'\r' && data.get(i + 1) != Some(&b'\n'))
    });
    if bare {
        return Err(Failure::No("Message contains bare newlines".into()));
    }
    Ok(())
}

impl ImapSession {
    /// `APPEND mailbox [(flags)] [date] literal`.
    pub(super) fn cmd_append(
        &mut self,
        ext: &str,
        flags: &[Flag<'_>],
        date: Option<DateTime>,
        message: LiteralOrLiteral8<'_>,
        now: SystemTime,
    ) -> Result<Tagged, Failure> {
        let name = self.internal_name(ext)?;
        let (entry, rights) = self.visible(&name)?;
        if !rights.contains(Rights::INSERT) {
            return Err(Failure::NoPerm);
        }
        let data = match &message {
            LiteralOrLiteral8::Literal(l) => l.as_ref().to_vec(),
            LiteralOrLiteral8::Literal8(l) => l.data.to_vec(),
        };
        check_message(&data)?;
        let (sys, kw) = split_flags(flags)?;
        // A user who is not the owner keeps \Seen in their seen.db.
        let (sys, seen_key) = self.seen_for_append(&name, sys)?;
        let mut names: Vec<String> = kw;
        for (bit, n) in [
            (cyrus_store::mailbox::SystemFlags::ANSWERED, "\\Answered"),
            (cyrus_store::mailbox::SystemFlags::FLAGGED, "\\Flagged"),
            (cyrus_store::mailbox::SystemFlags::DELETED, "\\Deleted"),
            (cyrus_store::mailbox::SystemFlags::DRAFT, "\\Draft"),
            (cyrus_store::mailbox::SystemFlags::SEEN, "\\Seen"),
        ] {
            if sys.contains(bit) {
                names.push(n.to_string());
            }
        }
        let internaldate = date.map(|d| u32::try_from(d.as_ref().timestamp()).unwrap_or(0));
        let uids = self.store.append(
            &name,
            &[AppendRequest {
                data,
                flags: names,
                internaldate,
            }],
            secs(now),
        )?;
        if let Some(key) = seen_key {
            // Cyrus rewrites the new records as it records the seen state,
            // so they get one more MODSEQ.
            let (_, mut mbox) = self.store.open_mailbox(&name, LockKind::Exclusive)?;
            self.set_user_seen(&mut mbox, &key, &uids, true, secs(now))?;
        }
        self.config.notifier.notify();
        let uid = uids.first().map_or(0, |u| u.0);
        Ok(Tagged::ok("Completed").with_code(format!("APPENDUID {} {uid}", entry.uidvalidity.0)))
    }
}
