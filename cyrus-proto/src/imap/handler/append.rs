//! APPEND, with MULTIAPPEND (RFC 3502: all messages in one group commit,
//! all or nothing, `[APPENDUID v uid-set]`), CATENATE (RFC 4469, parts
//! resolved in `catenate`) and literal8 (RFC 3516). Answers
//! `[APPENDUID v uid]` (RFC 4315), `[TRYCREATE]` for a missing mailbox and
//! `[TOOBIG]` for a message over APPENDLIMIT (RFC 7889).

use std::time::SystemTime;

use cyrus_store::acl::Rights;
use cyrus_store::os::LockKind;
use cyrus_store::{AppendRequest, Uid};

use crate::imap::wire::ext::{AppendCommand, AppendData};
use crate::imap::wire::Tagged;

use super::copy::uid_set;
use super::error::Failure;
use super::session::{secs, ImapSession};

/// Cyrus's `message_copy_strict` checks: no NUL bytes, no bare LF or CR
/// (RFC 5322 line ends only), and not empty. Cyrus 3.6 refuses NUL even
/// in a literal8 (checked on the real server).
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

/// The flags to store: system flags by their canonical names, keywords as
/// sent; `\Recent` and unknown system flags are a `BAD`.
fn flag_names(flags: &[String]) -> Result<Vec<String>, Failure> {
    const SYSTEM: [&str; 5] = ["\\Answered", "\\Flagged", "\\Deleted", "\\Draft", "\\Seen"];
    flags
        .iter()
        .map(|f| {
            if f.starts_with('\\') {
                SYSTEM
                    .iter()
                    .find(|s| s.eq_ignore_ascii_case(f))
                    .map(|s| s.to_string())
                    .ok_or_else(|| Failure::Bad("Invalid flag in Append command".into()))
            } else {
                Ok(f.clone())
            }
        })
        .collect()
}

impl ImapSession {
    /// `APPEND mailbox (message)+`.
    pub(super) fn cmd_append(
        &mut self,
        cmd: AppendCommand,
        now: SystemTime,
    ) -> Result<Tagged, Failure> {
        let name = self.internal_name(&cmd.mailbox)?;
        let (entry, rights) = self.visible(&name)?;
        if !rights.contains(Rights::INSERT) {
            return Err(Failure::NoPerm);
        }
        let limit = u64::from(self.config.limits.max_literal);
        let mut reqs = Vec::with_capacity(cmd.messages.len());
        for m in cmd.messages {
            let flags = flag_names(&m.flags)?;
            let data = match m.data {
                AppendData::Literal { bytes, .. } => bytes,
                AppendData::Catenate(parts) => self.catenate(&parts, limit)?,
            };
            if data.len() as u64 > limit {
                return Err(Failure::TooBig);
            }
            check_message(&data)?;
            let internaldate = m
                .date
                .map(|d| u32::try_from(d).unwrap_or(if d < 0 { 0 } else { u32::MAX }));
            reqs.push(AppendRequest {
                data,
                flags,
                internaldate,
            });
        }
        // A user who is not the owner keeps \Seen in their seen.db.
        let seen_key = {
            let mbox = self.store.open_entry(&entry, LockKind::Shared)?;
            self.seen_key(&name, &mbox)
        };
        let mut seen_at = Vec::new();
        if seen_key.is_some() {
            for (i, r) in reqs.iter_mut().enumerate() {
                let before = r.flags.len();
                r.flags.retain(|f| f != "\\Seen");
                if r.flags.len() != before {
                    seen_at.push(i);
                }
            }
        }
        let uids: Vec<Uid> = self.store.append(&name, &reqs, secs(now))?;
        if let (Some(key), false) = (seen_key, seen_at.is_empty()) {
            // Cyrus rewrites the new records as it records the seen state,
            // so they get one more MODSEQ.
            let seen: Vec<Uid> = seen_at
                .iter()
                .filter_map(|&i| uids.get(i).copied())
                .collect();
            let (_, mut mbox) = self.store.open_mailbox(&name, LockKind::Exclusive)?;
            self.set_user_seen(&mut mbox, &key, &seen, true, secs(now))?;
        }
        self.config.notifier.notify();
        Ok(Tagged::ok("Completed").with_code(format!(
            "APPENDUID {} {}",
            entry.uidvalidity.0,
            uid_set(&uids)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_canonical_and_recent_is_refused() {
        assert_eq!(
            flag_names(&["\\SEEN".into(), "$Work".into()]).unwrap(),
            vec!["\\Seen", "$Work"]
        );
        assert!(flag_names(&["\\Recent".into()]).is_err());
    }

    #[test]
    fn strict_message_checks() {
        assert!(check_message(b"a\r\nb\r\n").is_ok());
        assert!(check_message(b"a\nb").is_err());
        assert!(check_message(b"a\0b").is_err());
        assert!(check_message(b"").is_err());
    }
}
