//! COPY / UID COPY (RFC 3501 §6.4.7, `[COPYUID]` of RFC 4315) and MOVE /
//! UID MOVE (RFC 6851), as Cyrus's `cmd_copy`: `r` on the source (it is
//! selected), `i` on the target, and for MOVE `e` on the source; a missing
//! target is `[TRYCREATE]`; no matching message is `NO` by sequence number
//! and a plain `OK` by UID. COPYUID goes in the tagged OK for COPY and in
//! an untagged OK before the EXPUNGEs for MOVE (RFC 6851 §4.3).

use std::time::SystemTime;

use cyrus_store::acl::Rights;
use cyrus_store::{QuotaPolicy, Uid};
use imap_codec::imap_types::sequence::SequenceSet;

use crate::imap::wire::Tagged;

use super::error::Failure;
use super::session::{secs, ImapSession};

/// Whether the messages stay in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Transfer {
    /// COPY.
    Copy,
    /// MOVE.
    Move,
}

/// A UID set in RFC 4315 form: ascending runs as `a:b`, joined by commas,
/// in the order given (Cyrus prints the sources sorted, the new UIDs as
/// one range).
pub(super) fn uid_set(uids: &[Uid]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i].0;
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1].0 == end.wrapping_add(1) {
            end = end.wrapping_add(1);
            i += 1;
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

impl ImapSession {
    /// `COPY` / `MOVE`, by sequence number or UID.
    pub(super) fn cmd_copy(
        &mut self,
        set: &SequenceSet,
        ext: &str,
        by_uid: bool,
        how: Transfer,
        now: SystemTime,
    ) -> Result<Tagged, Failure> {
        let view = self.view()?;
        let src = view.name.clone();
        let read_only = view.read_only;
        let uids: Vec<Uid> = view
            .select(set, by_uid)
            .into_iter()
            .map(|i| view.messages()[i].uid)
            .collect();
        let dst = self.internal_name(ext)?;
        let (dst_entry, dst_rights) = self.visible(&dst)?;
        if how == Transfer::Move {
            let (src_entry, _) = self.visible(&src)?;
            if read_only || !self.rights(&src_entry).contains(Rights::EXPUNGE) {
                return Err(Failure::NoPerm);
            }
        }
        if !dst_rights.contains(Rights::INSERT) {
            return Err(Failure::NoPerm);
        }
        if uids.is_empty() {
            return if by_uid {
                Ok(Tagged::ok("Completed"))
            } else {
                Err(Failure::No("No matching messages".into()))
            };
        }
        let t = secs(now);
        let pairs = match how {
            Transfer::Copy => {
                self.store
                    .copy_messages(&src, &uids, &dst, t, QuotaPolicy::Enforce)?
            }
            Transfer::Move => self.store.move_messages(&src, &uids, &dst, t)?,
        };
        self.config.notifier.notify();
        if pairs.is_empty() {
            // Expunged by another session meanwhile.
            return if by_uid {
                Ok(Tagged::ok("Completed"))
            } else {
                Err(Failure::No("No matching messages".into()))
            };
        }
        let from: Vec<Uid> = pairs.iter().map(|p| p.0).collect();
        let to: Vec<Uid> = pairs.iter().map(|p| p.1).collect();
        let copyuid = format!(
            "COPYUID {} {} {}",
            dst_entry.uidvalidity.0,
            uid_set(&from),
            uid_set(&to)
        );
        // Cyrus only tells a client that may read the target.
        let tell = dst_rights.contains(Rights::READ);
        match how {
            Transfer::Copy if tell => Ok(Tagged::ok("Completed").with_code(copyuid)),
            Transfer::Copy => Ok(Tagged::ok("Completed")),
            Transfer::Move => {
                if tell {
                    self.untagged(&format!("* OK [{copyuid}] Completed"));
                }
                Ok(Tagged::ok("Completed"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_compress_runs() {
        let u = |v: &[u32]| v.iter().map(|&n| Uid(n)).collect::<Vec<_>>();
        assert_eq!(uid_set(&u(&[1, 2, 3, 5, 7, 8])), "1:3,5,7:8");
        assert_eq!(uid_set(&u(&[4])), "4");
        assert_eq!(uid_set(&[]), "");
    }
}
