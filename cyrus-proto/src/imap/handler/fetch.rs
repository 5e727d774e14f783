//! FETCH and UID FETCH. Items come out in Cyrus's order (`index_fetchreply`):
//! FLAGS, UID, INTERNALDATE, MODSEQ, RFC822.SIZE, ENVELOPE, BODYSTRUCTURE,
//! BODY, then RFC822.HEADER, RFC822.TEXT, RFC822 and body sections in the
//! order asked. ENVELOPE, BODYSTRUCTURE and BODY are the cached strings,
//! sent verbatim. A non-peek body fetch sets `\Seen` first (RFC 3501
//! §6.4.5) and reports the new FLAGS. After RFC822.SIZE come Cyrus's
//! PREVIEW, EMAILID, THREADID, SAVEDATE. `CHANGEDSINCE` (RFC 7162 §3.1.4)
//! keeps the messages changed since a MODSEQ, and `UID FETCH ...
//! (CHANGEDSINCE n VANISHED)` first reports the UIDs expunged since.

use std::time::SystemTime;

use cyrus_store::acl::Rights;
use cyrus_store::mailbox::{FlagOp, SystemFlags};
use cyrus_store::message;
use cyrus_store::os::LockKind;
use cyrus_store::Modseq;
use imap_codec::decode::Decoder;
use imap_codec::imap_types::command::{CommandBody, FetchModifier};
use imap_codec::imap_types::fetch::{MacroOrMessageDataItemNames, MessageDataItemName};
use imap_codec::imap_types::sequence::SequenceSet;
use imap_codec::CommandCodec;

use crate::imap::machine::Extension;
use crate::imap::wire::ext::{FetchExt, FetchExtra};
use crate::imap::wire::{format_internaldate, Tagged};

use super::condstore::{uid_set, vanished, Known};
use super::error::Failure;
use super::fetch_binary::binary_items;
use super::fetch_preview::preview;
use super::fetch_section::{section_bytes, section_exists, section_name};
use super::session::{secs, ImapSession};

/// The FETCH items imap-codec does not know (decoded in `wire/ext/fetch`).
#[derive(Debug, Clone, Default)]
pub(super) struct Extras {
    /// The items, in the order asked.
    pub items: Vec<FetchExtra>,
    /// The client asked for none of imap-codec's items.
    pub placeholder: bool,
}

impl Extras {
    fn has(&self, f: impl Fn(&FetchExtra) -> bool) -> bool {
        self.items.iter().any(f)
    }
}

/// `THREADID`: `T` and the conversation id in 16 hex digits, or `NIL`
/// without one (Cyrus `conversation_id_encode`).
fn thread_id(cid: u64) -> String {
    if cid == 0 {
        "NIL".into()
    } else {
        format!("T{cid:016x}")
    }
}

fn literal(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(format!("{{{}}}\r\n", bytes.len()).as_bytes());
    out.extend_from_slice(bytes);
}

impl ImapSession {
    /// A FETCH with items of ours: the rest goes through imap-codec and
    /// the one fetch path.
    pub(super) fn cmd_fetch_ext(
        &mut self,
        tag: &str,
        by_uid: bool,
        f: FetchExt,
        now: SystemTime,
    ) -> Result<Tagged, Failure> {
        self.view()?;
        let mut line = format!("{tag} {}FETCH", if by_uid { "UID " } else { "" }).into_bytes();
        line.extend_from_slice(&f.rest);
        let codec = CommandCodec::default();
        let cmd = match codec.decode(&line) {
            Ok((b"", cmd)) => cmd,
            _ => return Err(Failure::Bad("Invalid arguments".into())),
        };
        let CommandBody::Fetch {
            sequence_set,
            macro_or_item_names,
            uid,
            modifiers,
        } = cmd.body
        else {
            return Err(Failure::Bad("Invalid arguments".into()));
        };
        let extras = Extras {
            items: f.extra,
            placeholder: f.placeholder,
        };
        self.cmd_fetch(
            &sequence_set,
            macro_or_item_names,
            uid,
            &modifiers,
            &extras,
            now,
        )
    }

    /// `FETCH` / `UID FETCH`.
    pub(super) fn cmd_fetch(
        &mut self,
        set: &SequenceSet,
        items: MacroOrMessageDataItemNames<'_>,
        by_uid: bool,
        modifiers: &[FetchModifier],
        extras: &Extras,
        now: SystemTime,
    ) -> Result<Tagged, Failure> {
        let verb = if by_uid { "UID Fetch" } else { "Fetch" };
        let mut changedsince = None;
        let mut want_vanished = false;
        for m in modifiers {
            match m {
                FetchModifier::ChangedSince(n) => changedsince = Some(Modseq(n.get())),
                FetchModifier::Vanished => {
                    if !by_uid || !self.enabled.has(Extension::QResync) {
                        return Err(Failure::Bad(format!("Invalid {verb} modifier VANISHED")));
                    }
                    want_vanished = true;
                }
            }
        }
        if want_vanished && changedsince.is_none() {
            return Err(Failure::Bad(format!("Missing required argument to {verb}")));
        }
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
        if extras.placeholder {
            items.retain(|i| *i != MessageDataItemName::Uid);
        }
        if by_uid && !items.contains(&MessageDataItemName::Uid) {
            items.push(MessageDataItemName::Uid);
        }
        if changedsince.is_some() && !items.contains(&MessageDataItemName::ModSeq) {
            items.push(MessageDataItemName::ModSeq);
        }
        if items.contains(&MessageDataItemName::ModSeq) {
            self.enable_implicitly("MODSEQ fetch");
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
        let mut picked = view.select(set, by_uid);
        if let Some(since) = changedsince {
            picked.retain(|&i| view.messages()[i].modseq > since);
        }
        let uids: Vec<_> = picked.iter().map(|&i| view.messages()[i].uid).collect();
        let largest_uid = view.messages().last().map_or(0, |m| m.uid.0);
        let sets_seen = !view.read_only
            && items.iter().any(|i| {
                matches!(
                    i,
                    MessageDataItemName::BodyExt { peek: false, .. }
                        | MessageDataItemName::Binary { peek: false, .. }
                        | MessageDataItemName::Rfc822
                        | MessageDataItemName::Rfc822Text
                )
            });
        let mut newly_seen = Vec::new();
        if sets_seen && !uids.is_empty() {
            let (entry, mut mbox) = self.store.open_mailbox(&name, LockKind::Exclusive)?;
            // Without `s` the body is read but \Seen stays (Cyrus
            // `_fetch_setseen`).
            if self.rights(&entry).contains(Rights::SETSEEN) {
                newly_seen = match self.seen_key(&name, &mbox) {
                    Some(key) => self.set_user_seen(&mut mbox, &key, &uids, true, secs(now))?,
                    None => {
                        mbox.store_flags(&uids, FlagOp::Add, SystemFlags::SEEN, &[], secs(now))?
                    }
                };
            }
            drop(mbox);
            if !newly_seen.is_empty() {
                self.config.notifier.notify();
            }
        }
        let (_, mbox) = self.store.open_mailbox(&name, LockKind::Shared)?;
        let snap = self.user_snapshot(&name, &mbox)?;
        let mut lines = Vec::new();
        if let (true, Some(since)) = (want_vanished, changedsince) {
            let known = Known {
                modseq: since,
                uids: Some(uid_set(set, largest_uid)),
                seq_match: None,
            };
            let gone = vanished(&mbox, &snap.messages, &known);
            if !gone.is_empty() {
                lines.push(format!("* VANISHED (EARLIER) {gone}\r\n").into_bytes());
            }
        }
        let mut unknown_cte = None;
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
            // A change this FETCH made is told as Cyrus does: with UID
            // under QRESYNC and MODSEQ under CONDSTORE.
            let told = newly_seen.contains(&uid);
            if want(&MessageDataItemName::Uid) || (told && self.enabled.has(Extension::QResync)) {
                parts.push(format!("UID {}", uid.0).into_bytes());
            }
            if want(&MessageDataItemName::InternalDate) {
                parts.push(
                    format!("INTERNALDATE \"{}\"", format_internaldate(rec.internaldate))
                        .into_bytes(),
                );
            }
            if want(&MessageDataItemName::ModSeq)
                || (told && self.enabled.has(Extension::CondStore))
            {
                parts.push(format!("MODSEQ ({})", rec.modseq.0).into_bytes());
            }
            if want(&MessageDataItemName::Rfc822Size) {
                parts.push(format!("RFC822.SIZE {}", rec.size).into_bytes());
            }
            if extras.has(|x| matches!(x, FetchExtra::Preview { .. })) {
                let raw = mbox.read_message(uid)?;
                let text = preview(&raw, &message::parse(&raw));
                let mut p = b"PREVIEW ".to_vec();
                message::write_nstring(&mut p, text.as_deref().map(str::as_bytes));
                parts.push(p);
            }
            if extras.has(|x| *x == FetchExtra::EmailId) {
                let hex = rec.guid.to_hex();
                parts.push(format!("EMAILID (M{})", &hex[..24]).into_bytes());
            }
            if extras.has(|x| *x == FetchExtra::ThreadId) {
                parts.push(format!("THREADID ({})", thread_id(rec.cid)).into_bytes());
            }
            if extras.has(|x| *x == FetchExtra::SaveDate) {
                // Cyrus falls back to INTERNALDATE when no SAVEDATE was kept.
                let when = if rec.savedate == 0 {
                    rec.internaldate
                } else {
                    rec.savedate
                };
                parts.push(format!("SAVEDATE \"{}\"", format_internaldate(when)).into_bytes());
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
                        | MessageDataItemName::Binary { .. }
                        | MessageDataItemName::BinarySize { .. }
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
                let (binary, failed) = binary_items(&items, &raw, &parsed);
                parts.extend(binary);
                unknown_cte = unknown_cte.or(failed);
            }
            if parts.is_empty() {
                continue; // only items that failed (UNKNOWN-CTE)
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
        if unknown_cte.is_some() {
            return Err(Failure::UnknownCte);
        }
        Ok(Tagged::ok("Completed"))
    }
}
