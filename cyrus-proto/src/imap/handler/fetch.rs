//! FETCH and UID FETCH. Items come out in Cyrus's order (`index_fetchreply`):
//! FLAGS, UID, INTERNALDATE, MODSEQ, RFC822.SIZE, ENVELOPE, BODYSTRUCTURE,
//! BODY, then RFC822.HEADER, RFC822.TEXT, RFC822 and body sections in the
//! order asked. ENVELOPE, BODYSTRUCTURE and BODY are the cached strings,
//! sent verbatim. A non-peek body fetch sets `\Seen` first (RFC 3501
//! §6.4.5) and reports the new FLAGS.

use std::time::SystemTime;

use cyrus_store::mailbox::{FlagOp, SystemFlags};
use cyrus_store::message;
use cyrus_store::os::LockKind;
use imap_codec::imap_types::fetch::{MacroOrMessageDataItemNames, MessageDataItemName};
use imap_codec::imap_types::sequence::SequenceSet;

use crate::imap::wire::{format_internaldate, Tagged};

use super::error::Failure;
use super::fetch_section::{section_bytes, section_exists, section_name};
use super::select::snapshot;
use super::session::{secs, ImapSession};

fn literal(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(format!("{{{}}}\r\n", bytes.len()).as_bytes());
    out.extend_from_slice(bytes);
}

impl ImapSession {
    /// `FETCH` / `UID FETCH`.
    pub(super) fn cmd_fetch(
        &mut self,
        set: &SequenceSet,
        items: MacroOrMessageDataItemNames<'_>,
        by_uid: bool,
        now: SystemTime,
    ) -> Result<Tagged, Failure> {
        let mut items: Vec<MessageDataItemName<'_>> = match items {
            MacroOrMessageDataItemNames::Macro(m) => {
                use imap_codec::imap_types::fetch::Macro;
                use MessageDataItemName as N;
                let mut v = vec![N::Flags, N::InternalDate, N::Rfc822Size];
                match m {
                    Macro::Fast => {}
                    Macro::All => v.push(N::Envelope),
                    Macro::Full => v.extend([N::Envelope, N::Body]),
                    _ => {}
                }
                v
            }
            MacroOrMessageDataItemNames::MessageDataItemNames(v) => v,
        };
        if by_uid && !items.contains(&MessageDataItemName::Uid) {
            items.push(MessageDataItemName::Uid);
        }
        let view = self.view()?;
        let name = view.name.clone();
        let recent_uids: Vec<_> = view
            .messages()
            .iter()
            .map(|m| m.uid)
            .filter(|u| view.is_recent(*u))
            .collect();
        let recent = |u| recent_uids.contains(&u);
        let picked = view.select(set, by_uid);
        let uids: Vec<_> = picked.iter().map(|&i| view.messages()[i].uid).collect();
        let sets_seen = !view.read_only
            && items.iter().any(|i| {
                matches!(
                    i,
                    MessageDataItemName::BodyExt { peek: false, .. }
                        | MessageDataItemName::Rfc822
                        | MessageDataItemName::Rfc822Text
                )
            });
        let mut newly_seen = Vec::new();
        if sets_seen && !uids.is_empty() {
            let (_, mut mbox) = self.store.open_mailbox(&name, LockKind::Exclusive)?;
            newly_seen = mbox.store_flags(&uids, FlagOp::Add, SystemFlags::SEEN, &[], secs(now))?;
            drop(mbox);
            if !newly_seen.is_empty() {
                self.config.notifier.notify();
            }
        }
        let (_, mbox) = self.store.open_mailbox(&name, LockKind::Shared)?;
        let snap = snapshot(&mbox);
        let mut lines = Vec::new();
        for (&i, &uid) in picked.iter().zip(&uids) {
            let (Some(rec), Ok(state)) = (
                mbox.record(uid),
                snap.messages.binary_search_by_key(&uid, |m| m.uid),
            ) else {
                // Expunged by someone else; the EXPUNGE comes later.
                continue;
            };
            let state = snap.messages[state].clone();
            let want = |n: &MessageDataItemName<'_>| items.contains(n);
            let mut parts: Vec<Vec<u8>> = Vec::new();
            if want(&MessageDataItemName::Flags) || newly_seen.contains(&uid) {
                parts.push(format!("FLAGS ({})", state.flags_text(recent(uid))).into_bytes());
                // The client now knows these flags.
                if let crate::imap::machine::State::Selected(_, v) = &mut self.state {
                    v.set_message(state.clone());
                }
            }
            if want(&MessageDataItemName::Uid) {
                parts.push(format!("UID {}", uid.0).into_bytes());
            }
            if want(&MessageDataItemName::InternalDate) {
                parts.push(
                    format!("INTERNALDATE \"{}\"", format_internaldate(rec.internaldate))
                        .into_bytes(),
                );
            }
            if want(&MessageDataItemName::ModSeq) {
                parts.push(format!("MODSEQ ({})", rec.modseq.0).into_bytes());
            }
            if want(&MessageDataItemName::Rfc822Size) {
                parts.push(format!("RFC822.SIZE {}", rec.size).into_bytes());
            }
            let cached = [
                MessageDataItemName::Envelope,
                MessageDataItemName::BodyStructure,
                MessageDataItemName::Body,
            ];
            if cached.iter().any(want) {
                let cache = mbox.read_cache(rec)?;
                for (item, label, bytes) in [
                    (&cached[0], "ENVELOPE ", cache.envelope()),
                    (&cached[1], "BODYSTRUCTURE ", cache.bodystructure()),
                    (&cached[2], "BODY ", cache.body()),
                ] {
                    if want(item) {
                        let mut p = label.as_bytes().to_vec();
                        p.extend_from_slice(bytes);
                        parts.push(p);
                    }
                }
            }
            let needs_raw = items.iter().any(|i| {
                matches!(
                    i,
                    MessageDataItemName::BodyExt { .. }
                        | MessageDataItemName::Rfc822
                        | MessageDataItemName::Rfc822Header
                        | MessageDataItemName::Rfc822Text
                )
            });
            if needs_raw {
                let raw = mbox.read_message(uid)?;
                let parsed = message::parse(&raw);
                for item in &items {
                    let mut p = Vec::new();
                    match item {
                        MessageDataItemName::Rfc822Header => {
                            p.extend_from_slice(b"RFC822.HEADER ");
                            let h = section_bytes(
                                &raw,
                                &parsed,
                                Some(&imap_codec::imap_types::fetch::Section::Header(None)),
                            );
                            literal(&mut p, &h);
                        }
                        MessageDataItemName::Rfc822Text => {
                            p.extend_from_slice(b"RFC822.TEXT ");
                            let t = section_bytes(
                                &raw,
                                &parsed,
                                Some(&imap_codec::imap_types::fetch::Section::Text(None)),
                            );
                            literal(&mut p, &t);
                        }
                        MessageDataItemName::Rfc822 => {
                            p.extend_from_slice(b"RFC822 ");
                            literal(&mut p, &raw);
                        }
                        MessageDataItemName::BodyExt {
                            section, partial, ..
                        } => {
                            let bytes = section_bytes(&raw, &parsed, section.as_ref());
                            p.extend_from_slice(
                                format!("BODY[{}]", section_name(section.as_ref())).as_bytes(),
                            );
                            if !section_exists(&parsed, section.as_ref()) {
                                if let Some((off, _)) = partial {
                                    p.extend_from_slice(format!("<{off}>").as_bytes());
                                }
                                p.extend_from_slice(b" NIL");
                                parts.push(p);
                                continue;
                            }
                            let bytes = match partial {
                                Some((off, len)) => {
                                    p.extend_from_slice(format!("<{off}>").as_bytes());
                                    let s = (*off as usize).min(bytes.len());
                                    let e = s.saturating_add(len.get() as usize).min(bytes.len());
                                    bytes[s..e].to_vec()
                                }
                                None => bytes,
                            };
                            p.push(b' ');
                            literal(&mut p, &bytes);
                        }
                        _ => continue,
                    }
                    parts.push(p);
                }
            }
            let mut line = format!("* {} FETCH (", i + 1).into_bytes();
            line.extend_from_slice(&parts.join(&b' '));
            line.extend_from_slice(b")\r\n");
            lines.push(line);
        }
        drop(mbox);
        for l in lines {
            self.out.extend_from_slice(&l);
        }
        Ok(Tagged::ok("Completed"))
    }
}
