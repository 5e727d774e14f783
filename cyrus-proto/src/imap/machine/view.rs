//! The selected mailbox as this session sees it: the MSN↔UID map, each
//! message's flags and MODSEQ as last reported, and the untagged updates
//! (EXISTS, EXPUNGE or VANISHED under QRESYNC, FETCH FLAGS with MODSEQ
//! under CONDSTORE, FLAGS) that bring the client up to date with a newer
//! snapshot of the mailbox. EXPUNGE may only be sent when the
//! command allows it (RFC 3501 §7.4.1: not during FETCH, STORE, SEARCH);
//! until then expunged messages keep their sequence numbers.

use cyrus_store::acl::Rights;
use cyrus_store::mailbox::SystemFlags;
use cyrus_store::mboxname::MailboxName;
use cyrus_store::seen::SeqSet;
use cyrus_store::{Modseq, Uid, UidValidity, UniqueId};
use imap_codec::imap_types::sequence::{SeqOrUid, Sequence, SequenceSet};

use super::enabled::{Enabled, Extension};

/// One message as reported to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageState {
    /// Its UID.
    pub uid: Uid,
    /// System flags.
    pub system: SystemFlags,
    /// Keywords, in the mailbox's slot order.
    pub keywords: Vec<String>,
    /// MODSEQ of its last change.
    pub modseq: Modseq,
}

impl MessageState {
    /// The FLAGS list contents in Cyrus's order: `\Recent \Answered
    /// \Flagged \Draft \Deleted \Seen`, then keywords (`index_fetchflags`).
    pub fn flags_text(&self, recent: bool) -> String {
        let mut v: Vec<&str> = Vec::new();
        if recent {
            v.push("\\Recent");
        }
        for (bit, name) in [
            (SystemFlags::ANSWERED, "\\Answered"),
            (SystemFlags::FLAGGED, "\\Flagged"),
            (SystemFlags::DRAFT, "\\Draft"),
            (SystemFlags::DELETED, "\\Deleted"),
            (SystemFlags::SEEN, "\\Seen"),
        ] {
            if self.system.contains(bit) {
                v.push(name);
            }
        }
        v.extend(self.keywords.iter().map(String::as_str));
        v.join(" ")
    }
}

/// The mailbox as the store has it now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// UIDVALIDITY.
    pub uidvalidity: UidValidity,
    /// The next UID to be assigned.
    pub uidnext: u32,
    /// HIGHESTMODSEQ.
    pub highestmodseq: Modseq,
    /// Messages above this UID are \Recent for the next session to claim
    /// them (index header `recentuid`).
    pub recentuid: Uid,
    /// Every defined keyword, in slot order.
    pub keywords: Vec<String>,
    /// Live (not expunged) messages in UID order.
    pub messages: Vec<MessageState>,
}

/// Untagged lines to send, in order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Updates(pub Vec<String>);

/// The selected mailbox.
#[derive(Debug, Clone)]
pub struct View {
    /// Internal name.
    pub name: MailboxName,
    /// EXAMINE, or no write rights.
    pub read_only: bool,
    /// The user's rights: PERMANENTFLAGS lists only the flags they may
    /// set (Cyrus `index_checkflags`).
    pub rights: Rights,
    /// `Some(mailbox uniqueid)` when this user's `\Seen` (and `\Recent`
    /// mark) live in their seen.db rather than in the index.
    pub seen_key: Option<UniqueId>,
    /// Whether this session claims \Recent (read-write, internal seen):
    /// then it advances `recentuid` past what it has seen (Cyrus
    /// `index_select`/`index_check`).
    claims_recent: bool,
    /// UIDs that are \Recent in this session, ascending.
    recent: Vec<Uid>,
    /// Messages by MSN - 1.
    msgs: Vec<MessageState>,
    /// The state last reported.
    snap: Snapshot,
    /// What the client has enabled (changes the update formats).
    enabled: Enabled,
}

/// The system flags line of FLAGS / PERMANENTFLAGS.
pub const SYSTEM_FLAGS: &str = "\\Answered \\Flagged \\Draft \\Deleted \\Seen";

impl View {
    /// A view of `snap` (at SELECT/EXAMINE). Messages above the
    /// snapshot's `recentuid` are \Recent here.
    pub fn new(name: MailboxName, read_only: bool, claims_recent: bool, snap: Snapshot) -> Self {
        let recent = snap
            .messages
            .iter()
            .filter(|m| m.uid > snap.recentuid)
            .map(|m| m.uid)
            .collect();
        View {
            name,
            read_only,
            seen_key: None,
            rights: Rights::ALL,
            claims_recent,
            recent,
            msgs: snap.messages.clone(),
            snap,
            enabled: Enabled::default(),
        }
    }

    /// Notes what the client has enabled: CONDSTORE adds MODSEQ to
    /// untagged FETCH, QRESYNC adds UID and reports expunges as VANISHED
    /// (RFC 7162 §3.1.4, §3.2.10).
    pub fn set_enabled(&mut self, enabled: Enabled) {
        self.enabled = enabled;
    }

    /// The untagged FETCH that reports `m`'s flags at MSN `msn`: `UID`
    /// when asked or QRESYNC is on, `MODSEQ` with CONDSTORE (Cyrus
    /// `index_printflags`).
    pub fn flags_fetch(&self, msn: usize, m: &MessageState, with_uid: bool) -> String {
        let mut line = format!(
            "* {msn} FETCH (FLAGS ({})",
            m.flags_text(self.is_recent(m.uid))
        );
        if with_uid || self.enabled.has(Extension::QResync) {
            line.push_str(&format!(" UID {}", m.uid.0));
        }
        if self.enabled.has(Extension::CondStore) {
            line.push_str(&format!(" MODSEQ ({})", m.modseq.0));
        }
        line.push(')');
        line
    }

    /// Whether `uid` is \Recent in this session.
    pub fn is_recent(&self, uid: Uid) -> bool {
        self.recent.binary_search(&uid).is_ok()
    }

    /// How many messages are \Recent in this session.
    pub fn recent_count(&self) -> usize {
        self.recent.len()
    }

    /// The `recentuid` to record for the mailbox, when this session has
    /// claimed messages above the recorded one.
    pub fn recent_mark(&self) -> Option<Uid> {
        let last = self.msgs.last()?.uid;
        (self.claims_recent && last > self.snap.recentuid).then_some(last)
    }

    /// Notes that `recentuid` was recorded as `mark`.
    pub fn recent_recorded(&mut self, mark: Uid) {
        self.snap.recentuid = mark;
    }

    /// The messages by MSN - 1.
    pub fn messages(&self) -> &[MessageState] {
        &self.msgs
    }

    /// The state last reported.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snap
    }

    /// The `FLAGS` list for the keywords known.
    pub fn flags_line(&self) -> String {
        flags_line(&self.snap.keywords)
    }

    /// The `PERMANENTFLAGS` list: none when read-only (Cyrus prints `()`).
    pub fn permanent_flags_line(&self) -> String {
        if self.read_only {
            return "()".into();
        }
        let may = |r: Rights| self.rights & r == r;
        let mut v: Vec<&str> = Vec::new();
        if may(Rights::WRITE) {
            v.extend(["\\Answered", "\\Flagged", "\\Draft"]);
        }
        if may(Rights::DELETEMSG) {
            v.push("\\Deleted");
        }
        if may(Rights::SETSEEN) {
            v.push("\\Seen");
        }
        if may(Rights::WRITE) {
            v.extend(self.snap.keywords.iter().map(String::as_str));
            v.push("\\*");
        }
        format!("({})", v.join(" "))
    }

    /// Indices (MSN - 1) selected by `set`, as sequence numbers or UIDs.
    pub fn select(&self, set: &SequenceSet, by_uid: bool) -> Vec<usize> {
        let largest = if by_uid {
            // `*` is the highest UID in use (RFC 3501 §6.4.8).
            self.msgs.last().map_or(0, |m| m.uid.0)
        } else {
            u32::try_from(self.msgs.len()).unwrap_or(u32::MAX)
        };
        let value = |s: &SeqOrUid| match s {
            SeqOrUid::Value(n) => n.get(),
            SeqOrUid::Asterisk => largest,
        };
        let ranges: Vec<(u32, u32)> = set
            .0
            .as_ref()
            .iter()
            .map(|s| match s {
                Sequence::Single(a) => (value(a), value(a)),
                Sequence::Range(a, b) => {
                    let (a, b) = (value(a), value(b));
                    (a.min(b), a.max(b))
                }
            })
            .collect();
        self.msgs
            .iter()
            .enumerate()
            .filter(|(i, m)| {
                let key = if by_uid {
                    m.uid.0
                } else {
                    u32::try_from(*i + 1).unwrap_or(u32::MAX)
                };
                ranges.iter().any(|&(a, b)| a <= key && key <= b)
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Records that the client has been told `msg`'s new state (a
    /// non-silent STORE reported it, or a silent one must not).
    pub fn set_message(&mut self, msg: MessageState) {
        if let Some(m) = self.msgs.iter_mut().find(|m| m.uid == msg.uid) {
            *m = msg;
        }
    }

    /// Brings the view up to `snap`, returning the untagged lines to send.
    /// Without `allow_expunge`, expunged messages stay (with their last
    /// known state) and no EXPUNGE is sent.
    pub fn update(&mut self, snap: Snapshot, allow_expunge: bool) -> Updates {
        let mut out = Vec::new();
        if snap.keywords != self.snap.keywords {
            out.push(format!("* FLAGS ({})", flags_line(&snap.keywords)));
            let mut tmp = self.clone();
            tmp.snap.keywords = snap.keywords.clone();
            out.push(format!(
                "* OK [PERMANENTFLAGS {}] Ok",
                tmp.permanent_flags_line()
            ));
        }
        if allow_expunge {
            let mut vanished = SeqSet::new();
            for i in (0..self.msgs.len()).rev() {
                let uid = self.msgs[i].uid;
                if snap.messages.binary_search_by_key(&uid, |m| m.uid).is_err() {
                    self.msgs.remove(i);
                    if self.enabled.has(Extension::QResync) {
                        vanished.add(uid);
                    } else {
                        out.push(format!("* {} EXPUNGE", i + 1));
                    }
                }
            }
            if !vanished.is_empty() {
                out.push(format!("* VANISHED {vanished}"));
            }
        }
        // A MODSEQ change alone is news: Cyrus compares the MODSEQ told
        // with the record's (`index_tellchanges`), so another user's
        // \Seen or an annotation change is reported too.
        let mut changed_at = Vec::new();
        for (i, m) in self.msgs.iter_mut().enumerate() {
            if let Ok(p) = snap.messages.binary_search_by_key(&m.uid, |n| n.uid) {
                let new = &snap.messages[p];
                if new.modseq != m.modseq || new.system != m.system || new.keywords != m.keywords {
                    *m = new.clone();
                    changed_at.push(i);
                }
            }
        }
        for i in changed_at {
            out.push(self.flags_fetch(i + 1, &self.msgs[i], false));
        }
        let last = self.msgs.last().map_or(0, |m| m.uid.0);
        let before = self.msgs.len();
        self.msgs
            .extend(snap.messages.iter().filter(|m| m.uid.0 > last).cloned());
        if allow_expunge {
            self.recent
                .retain(|u| snap.messages.binary_search_by_key(u, |m| m.uid).is_ok());
        }
        if self.msgs.len() != before {
            // Only one session sees a new message as \Recent: the first
            // to look after it arrived with the mark below it.
            let mark = snap.recentuid.max(self.snap.recentuid);
            if self.claims_recent {
                self.recent.extend(
                    self.msgs[before..]
                        .iter()
                        .map(|m| m.uid)
                        .filter(|u| *u > mark),
                );
            }
            out.push(format!("* {} EXISTS", self.msgs.len()));
            out.push(format!("* {} RECENT", self.recent.len()));
        }
        let keep_mark = self.snap.recentuid;
        self.snap = snap;
        self.snap.recentuid = self.snap.recentuid.max(keep_mark);
        Updates(out)
    }
}

/// `FLAGS` list contents for `keywords`.
fn flags_line(keywords: &[String]) -> String {
    if keywords.is_empty() {
        SYSTEM_FLAGS.to_string()
    } else {
        format!("{SYSTEM_FLAGS} {}", keywords.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(uid: u32, modseq: u64) -> MessageState {
        MessageState {
            uid: Uid(uid),
            system: SystemFlags::default(),
            keywords: vec![],
            modseq: Modseq(modseq),
        }
    }

    fn snap(msgs: Vec<MessageState>) -> Snapshot {
        Snapshot {
            messages: msgs,
            ..Snapshot::default()
        }
    }

    #[test]
    fn expunge_waits_until_allowed() {
        let name = MailboxName::from_internal("user.a").unwrap();
        let mut v = View::new(
            name,
            false,
            true,
            snap(vec![msg(1, 1), msg(2, 2), msg(3, 3)]),
        );
        assert_eq!(v.recent_count(), 3);
        assert_eq!(v.recent_mark(), Some(Uid(3)));
        v.recent_recorded(Uid(3));
        let s = snap(vec![msg(1, 1), msg(3, 3), msg(4, 4)]);
        let mut s = s;
        s.recentuid = Uid(3);
        assert_eq!(
            v.update(s.clone(), false).0,
            vec!["* 4 EXISTS", "* 4 RECENT"]
        );
        assert_eq!(v.messages().len(), 4);
        assert_eq!(v.update(s, true).0, vec!["* 2 EXPUNGE"]);
        let set: SequenceSet = "2:*".try_into().unwrap();
        assert_eq!(v.select(&set, false), vec![1, 2]);
        let set: SequenceSet = "4".try_into().unwrap();
        assert_eq!(v.select(&set, true), vec![2]);
    }
}
