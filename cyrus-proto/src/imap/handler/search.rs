//! SEARCH and UID SEARCH: flags, sequence and UID sets, sizes, dates
//! (INTERNALDATE and Date: day numbers in UTC), and substring matches on
//! decoded headers and body text (case-insensitive, as Cyrus's default
//! `i;unicode-casemap` does for ASCII and simple case folding).

use cyrus_store::mailbox::{IndexRecord, Mailbox, SystemFlags};
use cyrus_store::message::{self, decode_mimeheader, header_fields, ParsedMessage};
use cyrus_store::os::LockKind;
use imap_codec::imap_types::search::SearchKey;

use crate::imap::machine::{MessageState, View};
use crate::imap::wire::{unix_days, Tagged};

use super::error::Failure;
use super::session::ImapSession;

/// One message being tested, with its file loaded on first need.
struct Candidate<'m> {
    msn: usize,
    state: &'m MessageState,
    rec: &'m IndexRecord,
    mbox: &'m Mailbox,
    loaded: Option<(Vec<u8>, ParsedMessage)>,
}

impl Candidate<'_> {
    fn message(&mut self) -> Result<&(Vec<u8>, ParsedMessage), Failure> {
        if self.loaded.is_none() {
            let raw = self.mbox.read_message(self.rec.uid)?;
            let parsed = message::parse(&raw);
            self.loaded = Some((raw, parsed));
        }
        // Just filled above.
        self.loaded
            .as_ref()
            .ok_or_else(|| Failure::No("message unavailable".into()))
    }
}

fn fold(s: &[u8]) -> String {
    String::from_utf8_lossy(s).to_lowercase()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    fold(hay).contains(&fold(needle))
}

/// Whether any `name:` header of the top-level message contains `needle`
/// after RFC 2047 decoding.
fn header_has(c: &mut Candidate<'_>, name: &[u8], needle: &[u8]) -> Result<bool, Failure> {
    let (raw, parsed) = c.message()?;
    let root = &parsed.root;
    let start = (root.header_offset as usize).min(raw.len());
    let end = start
        .saturating_add(root.header_size as usize)
        .min(raw.len());
    Ok(header_fields(&raw[start..end])
        .iter()
        .filter(|f| f.name.eq_ignore_ascii_case(name))
        .any(|f| needle.is_empty() || contains(&decode_mimeheader(f.value), needle)))
}

/// Whether any text part's decoded content contains `needle`.
fn body_has(c: &mut Candidate<'_>, needle: &[u8]) -> Result<bool, Failure> {
    fn walk(p: &message::BodyPart, raw: &[u8], needle: &[u8]) -> bool {
        if !p.parts.is_empty() {
            return p.parts.iter().any(|c| walk(c, raw, needle));
        }
        if let Some(m) = &p.message {
            return walk(m, raw, needle);
        }
        let text = ParsedMessage::text_content(p, raw)
            .or_else(|| ParsedMessage::decoded_content(p, raw))
            .unwrap_or_default();
        contains(&text, needle)
    }
    let (raw, parsed) = c.message()?;
    Ok(walk(&parsed.root, raw, needle))
}

fn matches(key: &SearchKey<'_>, c: &mut Candidate<'_>, view: &View) -> Result<bool, Failure> {
    use SearchKey as K;
    let sys = c.state.system;
    let has = |f: SystemFlags| sys.contains(f);
    let day = |secs: u32| unix_days(i64::from(secs));
    let date_days = |d: &chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .map_or(0, |t| unix_days(t.and_utc().timestamp()))
    };
    Ok(match key {
        K::And(keys) => {
            for k in keys.as_ref() {
                if !matches(k, c, view)? {
                    return Ok(false);
                }
            }
            true
        }
        K::Or(a, b) => matches(a, c, view)? || matches(b, c, view)?,
        K::Not(k) => !matches(k, c, view)?,
        K::All => true,
        K::SequenceSet(set) => view.select(set, false).contains(&c.msn),
        K::Uid(set) => view.select(set, true).contains(&c.msn),
        K::Answered => has(SystemFlags::ANSWERED),
        K::Unanswered => !has(SystemFlags::ANSWERED),
        K::Deleted => has(SystemFlags::DELETED),
        K::Undeleted => !has(SystemFlags::DELETED),
        K::Draft => has(SystemFlags::DRAFT),
        K::Undraft => !has(SystemFlags::DRAFT),
        K::Flagged => has(SystemFlags::FLAGGED),
        K::Unflagged => !has(SystemFlags::FLAGGED),
        K::Seen => has(SystemFlags::SEEN),
        K::Unseen => !has(SystemFlags::SEEN),
        K::Recent => view.is_recent(c.state.uid),
        K::New => view.is_recent(c.state.uid) && !has(SystemFlags::SEEN),
        K::Old => !view.is_recent(c.state.uid),
        K::Keyword(k) => c
            .state
            .keywords
            .iter()
            .any(|w| w.eq_ignore_ascii_case(k.as_ref())),
        K::Unkeyword(k) => !c
            .state
            .keywords
            .iter()
            .any(|w| w.eq_ignore_ascii_case(k.as_ref())),
        K::Larger(n) => c.rec.size > *n,
        K::Smaller(n) => c.rec.size < *n,
        K::Since(d) => day(c.rec.internaldate) >= date_days(d.as_ref()),
        K::Before(d) => day(c.rec.internaldate) < date_days(d.as_ref()),
        K::On(d) => day(c.rec.internaldate) == date_days(d.as_ref()),
        K::SentSince(d) => day(c.rec.sentdate) >= date_days(d.as_ref()),
        K::SentBefore(d) => day(c.rec.sentdate) < date_days(d.as_ref()),
        K::SentOn(d) => day(c.rec.sentdate) == date_days(d.as_ref()),
        K::Subject(s) => header_has(c, b"subject", s.as_ref())?,
        K::From(s) => header_has(c, b"from", s.as_ref())?,
        K::To(s) => header_has(c, b"to", s.as_ref())?,
        K::Cc(s) => header_has(c, b"cc", s.as_ref())?,
        K::Bcc(s) => header_has(c, b"bcc", s.as_ref())?,
        K::Header(n, v) => header_has(c, n.as_ref(), v.as_ref())?,
        K::Body(s) => body_has(c, s.as_ref())?,
        K::Text(s) => {
            let (raw, parsed) = c.message()?;
            let root = &parsed.root;
            let end = (root.header_offset as usize + root.header_size as usize).min(raw.len());
            contains(&decode_mimeheader(&raw[..end]), s.as_ref()) || body_has(c, s.as_ref())?
        }
        _ => return Err(Failure::Bad("Unsupported search criterion".into())),
    })
}

impl ImapSession {
    /// `SEARCH` / `UID SEARCH` (`* SEARCH` lists MSNs or UIDs).
    pub(super) fn cmd_search(
        &mut self,
        criteria: &[SearchKey<'_>],
        by_uid: bool,
    ) -> Result<Tagged, Failure> {
        let view = self.view()?;
        let (_, mbox) = self.store.open_mailbox(&view.name, LockKind::Shared)?;
        let mut hits = Vec::new();
        for (msn, state) in view.messages().iter().enumerate() {
            let Some(rec) = mbox.record(state.uid) else {
                continue;
            };
            let mut c = Candidate {
                msn,
                state,
                rec,
                mbox: &mbox,
                loaded: None,
            };
            let mut ok = true;
            for k in criteria {
                if !matches(k, &mut c, view)? {
                    ok = false;
                    break;
                }
            }
            if ok {
                hits.push(if by_uid { state.uid.0 } else { msn as u32 + 1 });
            }
        }
        drop(mbox);
        let mut line = String::from("* SEARCH");
        for h in hits {
            line.push_str(&format!(" {h}"));
        }
        self.untagged(&line);
        Ok(Tagged::ok("Completed"))
    }
}
