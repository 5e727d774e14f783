//! SEARCH and UID SEARCH (RFC 3501 §6.4.4), with ESEARCH results
//! (RFC 4731), SEARCHRES (RFC 5182), the MODSEQ key (RFC 7162), WITHIN
//! (RFC 5032) and the SAVEDATE keys (RFC 8514). Also the evaluation SORT
//! and THREAD start from.
//!
//! Strings match as Cyrus's default comparator does: both sides in
//! "search form" (titlecase-folded, whitespace runs merged into one
//! space) and the key a substring. Headers are RFC 2047-decoded; FROM,
//! TO, CC and BCC match Cyrus's address search strings; BODY and TEXT
//! read every text part decoded (base64, quoted-printable, charset).

use std::cell::OnceCell;

use cyrus_store::mailbox::{CacheItems, CacheSnapshot, IndexRecord, Mailbox, SystemFlags};
use cyrus_store::message::{self, decode_mimeheader, header_fields, read_nstring, ParsedMessage};
use cyrus_store::os::LockKind;

use crate::imap::machine::{MessageState, View};
use crate::imap::wire::ext::{ReturnOpts, SearchCommand, SearchKey, SeqNum, SetArg};
use crate::imap::wire::{unix_days, Tagged};

use super::error::Failure;
use super::session::ImapSession;

/// The mailbox's `cyrus.cache`, read in one go the first time a key needs a
/// cached item (as Cyrus's `index_search` answers FROM/TO/CC/BCC/SUBJECT
/// from the cache, not the message file), for the whole search.
pub(super) struct CacheFile<'m> {
    mbox: &'m Mailbox,
    /// `None` inside when the file cannot be read: callers then fall back
    /// to parsing the message.
    snapshot: OnceCell<Option<CacheSnapshot>>,
}

impl<'m> CacheFile<'m> {
    /// Nothing is read until an entry is asked for.
    pub fn new(mbox: &'m Mailbox) -> Self {
        CacheFile {
            mbox,
            snapshot: OnceCell::new(),
        }
    }

    /// The checked cache entry of `rec`, or `None` when the file or the
    /// entry is unreadable (a corrupt entry is Cyrus's reconstruct's
    /// business; the search still answers from the message file).
    fn entry(&self, rec: &IndexRecord) -> Option<CacheItems> {
        let snap = self.snapshot.get_or_init(|| {
            self.mbox
                .cache_snapshot()
                .inspect_err(|e| tracing::warn!(error = %e, "cyrus.cache unreadable for SEARCH"))
                .ok()
        });
        match snap.as_ref()?.entry(rec) {
            Ok(items) => Some(items),
            Err(e) => {
                tracing::warn!(uid = rec.uid.0, error = %e, "cache entry unusable for SEARCH");
                None
            }
        }
    }
}

/// One message being tested, with its cache entry read and its file parsed
/// on first need.
pub(super) struct Candidate<'m> {
    /// Index in the view (MSN - 1).
    pub msn: usize,
    /// What the client knows of it.
    pub state: &'m MessageState,
    /// Its index record.
    pub rec: &'m IndexRecord,
    mbox: &'m Mailbox,
    cache_file: &'m CacheFile<'m>,
    cache: Option<CacheItems>,
    loaded: Option<Loaded>,
}

struct Loaded {
    raw: Vec<u8>,
    parsed: ParsedMessage,
}

impl<'m> Candidate<'m> {
    /// A candidate whose cache entry and file are read when a key needs
    /// them.
    pub fn new(
        msn: usize,
        state: &'m MessageState,
        rec: &'m IndexRecord,
        mbox: &'m Mailbox,
        cache_file: &'m CacheFile<'m>,
    ) -> Self {
        Candidate {
            msn,
            state,
            rec,
            mbox,
            cache_file,
            cache: None,
            loaded: None,
        }
    }

    fn loaded(&mut self) -> Result<&mut Loaded, Failure> {
        if self.loaded.is_none() {
            let raw = self.mbox.read_message(self.rec.uid)?;
            let parsed = message::parse(&raw);
            self.loaded = Some(Loaded { raw, parsed });
        }
        // Just filled above.
        self.loaded
            .as_mut()
            .ok_or_else(|| Failure::No("message unavailable".into()))
    }

    /// The top-level header block.
    pub fn header_block(&mut self) -> Result<&[u8], Failure> {
        let l = self.loaded()?;
        let root = &l.parsed.root;
        let start = (root.header_offset as usize).min(l.raw.len());
        let end = start
            .saturating_add(root.header_size as usize)
            .min(l.raw.len());
        Ok(&l.raw[start..end])
    }

    /// The raw values of every `name:` field of the top-level header.
    pub fn header_values(&mut self, name: &[u8]) -> Result<Vec<Vec<u8>>, Failure> {
        Ok(header_fields(self.header_block()?)
            .iter()
            .filter(|f| f.name.eq_ignore_ascii_case(name))
            .map(|f| f.value.to_vec())
            .collect())
    }

    /// The raw value of the first `name:` field.
    pub fn header_first(&mut self, name: &[u8]) -> Result<Option<Vec<u8>>, Failure> {
        Ok(self.header_values(name)?.into_iter().next())
    }

    /// The message's cache items: its `cyrus.cache` entry, or (when that
    /// is unreadable) what parsing the message file gives.
    pub fn cache(&mut self) -> Result<&CacheItems, Failure> {
        if self.cache.is_none() {
            let items = match self.cache_file.entry(self.rec) {
                Some(items) => items,
                None => self.loaded()?.parsed.cache_items(),
            };
            self.cache = Some(items);
        }
        self.cache
            .as_ref()
            .ok_or_else(|| Failure::No("message unavailable".into()))
    }

    /// The decoded subject as Cyrus's SUBJECT search sees it
    /// (`message_get_subject`: the cached subject item, RFC 2047-decoded
    /// when it was cached), or `None` when the message has no Subject.
    pub fn cached_subject(&mut self) -> Result<Option<Vec<u8>>, Failure> {
        Ok(read_nstring(self.cache()?.subject()))
    }

    /// What BODY and TEXT search, in Cyrus's order
    /// (`message_foreach_section`, preorder): every part's MIME header
    /// (RFC 2047-decoded; the top-level header only when `top_header`)
    /// and the decoded content of every TEXT part.
    fn sections(&mut self, top_header: bool) -> Result<Vec<Vec<u8>>, Failure> {
        fn walk(
            p: &message::BodyPart,
            raw: &[u8],
            top: bool,
            top_header: bool,
            out: &mut Vec<Vec<u8>>,
        ) {
            if p.header_size > 0 && (top_header || !top) {
                let start = (p.header_offset as usize).min(raw.len());
                let end = start.saturating_add(p.header_size as usize).min(raw.len());
                out.push(decode_mimeheader(&raw[start..end]));
            }
            if p.media_type == b"TEXT" {
                if let Some(t) = ParsedMessage::text_content(p, raw) {
                    out.push(t);
                }
            } else if p.media_type == b"MULTIPART" && p.parts.is_empty() {
                // A multipart without a boundary has no parts; real Cyrus
                // searches its content as text (seen on the anchor).
                if let Some(t) = ParsedMessage::decoded_content(p, raw) {
                    out.push(t);
                }
            }
            for c in &p.parts {
                walk(c, raw, false, top_header, out);
            }
            if let Some(m) = &p.message {
                walk(m, raw, false, top_header, out);
            }
        }
        let l = self.loaded()?;
        let mut out = Vec::new();
        walk(&l.parsed.root, &l.raw, true, top_header, &mut out);
        Ok(out)
    }
}

/// Cyrus's search form of `s`: titlecase-folded (upper case for the
/// characters that have no titlecase of their own), whitespace and
/// control-character runs merged into one space, combining diacritical
/// marks dropped (`search_skipdiacrit`).
pub(super) fn search_form(s: &[u8]) -> String {
    let text = String::from_utf8_lossy(s);
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            if !space {
                out.push(' ');
                space = true;
            }
            continue;
        }
        space = false;
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        out.extend(undiacritic(c).to_uppercase());
    }
    out
}

/// Latin-1 Supplement and Latin Extended-A letters without their
/// diacritics (what Unicode decomposition followed by dropping the
/// combining marks gives; letters without a decomposition stay).
const LATIN_BASE: &str = "AAAAAA\u{c6}CEEEEIIII\u{d0}NOOOOO\u{d7}\u{d8}UUUUY\u{de}\u{df}\
aaaaaa\u{e6}ceeeeiiii\u{f0}nooooo\u{f7}\u{f8}uuuuy\u{fe}y\
AaAaAaCcCcCcCcDd\u{110}\u{111}EeEeEeEeEeGgGgGgGgHh\u{126}\u{127}IiIiIiIiI\u{131}\u{132}\u{133}Jj\
Kk\u{138}LlLlLl\u{13f}\u{140}\u{141}\u{142}NnNnNn\u{149}\u{14a}\u{14b}OoOoOo\u{152}\u{153}RrRrRrSsSsSsSs\
TtTt\u{166}\u{167}UuUuUuUuUuUuWwYyYZzZzZz\u{17f}";

fn undiacritic(c: char) -> char {
    let n = c as u32;
    if (0xc0..=0x17f).contains(&n) {
        LATIN_BASE.chars().nth((n - 0xc0) as usize).unwrap_or(c)
    } else {
        c
    }
}

/// Whether `needle` (already in search form) occurs in `hay`.
fn has_text(hay: &[u8], needle: &str) -> bool {
    needle.is_empty() || search_form(hay).contains(needle)
}

/// What evaluation needs besides the message.
pub(super) struct Context<'v> {
    pub view: &'v View,
    /// The saved result (UIDs, ascending).
    pub saved: &'v [u32],
    /// The time now, in seconds since the epoch (for OLDER/YOUNGER).
    pub now: i64,
}

fn in_set(set: &SetArg, n: u32, largest: u32, uid: u32, saved: &[u32]) -> bool {
    match set {
        SetArg::Saved => saved.binary_search(&uid).is_ok(),
        SetArg::Ranges(r) => {
            let v = |s: &SeqNum| match s {
                SeqNum::Num(n) => *n,
                SeqNum::Star => largest,
            };
            r.iter().any(|(a, b)| {
                let (a, b) = (v(a), v(b));
                // 0 is no message number or UID; a range down to 0 starts at 1.
                let (lo, hi) = (a.min(b), a.max(b));
                hi != 0 && lo <= n && n <= hi
            })
        }
    }
}

fn system_flag(name: &str) -> SystemFlags {
    match name {
        "\\Answered" => SystemFlags::ANSWERED,
        "\\Deleted" => SystemFlags::DELETED,
        "\\Draft" => SystemFlags::DRAFT,
        "\\Flagged" => SystemFlags::FLAGGED,
        _ => SystemFlags::SEEN,
    }
}

/// Whether `key` (its strings already in search form) matches `c`.
pub(super) fn matches(
    key: &SearchKey,
    c: &mut Candidate<'_>,
    cx: &Context<'_>,
) -> Result<bool, Failure> {
    use SearchKey as K;
    let day = |secs: u32| unix_days(i64::from(secs));
    let uid = c.state.uid.0;
    Ok(match key {
        K::And(keys) => {
            for k in keys {
                if !matches(k, c, cx)? {
                    return Ok(false);
                }
            }
            true
        }
        K::Or(a, b) => matches(a, c, cx)? || matches(b, c, cx)?,
        K::Not(k) => !matches(k, c, cx)?,
        K::All | K::SaveDateSupported => true,
        K::Seq(set) => {
            let count = u32::try_from(cx.view.messages().len()).unwrap_or(u32::MAX);
            let msn = u32::try_from(c.msn + 1).unwrap_or(u32::MAX);
            in_set(set, msn, count, uid, cx.saved)
        }
        K::Uid(set) => {
            // `*` is the highest UID in use (RFC 3501 §6.4.8).
            let largest = cx.view.messages().last().map_or(0, |m| m.uid.0);
            in_set(set, uid, largest, uid, cx.saved)
        }
        K::Flag(f) => c.state.system.contains(system_flag(f)),
        K::NoFlag(f) => !c.state.system.contains(system_flag(f)),
        K::Keyword(k) => c.state.keywords.iter().any(|w| w.eq_ignore_ascii_case(k)),
        K::Unkeyword(k) => !c.state.keywords.iter().any(|w| w.eq_ignore_ascii_case(k)),
        K::Recent => cx.view.is_recent(c.state.uid),
        K::New => cx.view.is_recent(c.state.uid) && !c.state.system.contains(SystemFlags::SEEN),
        K::Old => !cx.view.is_recent(c.state.uid),
        K::Larger(n) => c.rec.size > *n,
        K::Smaller(n) => c.rec.size < *n,
        K::Before(d) => day(c.rec.internaldate) < d.0,
        K::On(d) => day(c.rec.internaldate) == d.0,
        K::Since(d) => day(c.rec.internaldate) >= d.0,
        K::SentBefore(d) => day(c.rec.sentdate) < d.0,
        K::SentOn(d) => day(c.rec.sentdate) == d.0,
        K::SentSince(d) => day(c.rec.sentdate) >= d.0,
        K::SavedBefore(d) => day(savedate(c.rec)) < d.0,
        K::SavedOn(d) => day(savedate(c.rec)) == d.0,
        K::SavedSince(d) => day(savedate(c.rec)) >= d.0,
        K::Older(n) => cx.now - i64::from(c.rec.internaldate) >= i64::from(*n),
        K::Younger(n) => cx.now - i64::from(c.rec.internaldate) <= i64::from(*n),
        K::Modseq(m) => c.rec.modseq.0 >= *m,
        K::Header(name, needle) => {
            let needle = String::from_utf8_lossy(needle);
            match name.as_str() {
                "from" | "to" | "cc" | "bcc" => {
                    let cache = c.cache()?;
                    let item = match name.as_str() {
                        "from" => cache.from(),
                        "to" => cache.to(),
                        "cc" => cache.cc(),
                        _ => cache.bcc(),
                    };
                    // An empty string matches the messages that have
                    // the field (Cyrus: a non-empty cached address).
                    !(needle.is_empty() && item.is_empty()) && has_text(item, &needle)
                }
                // Cyrus reads the subject from the cache item, already
                // decoded (`message_get_field`); an empty key matches the
                // messages that have a Subject field.
                "subject" => c.cached_subject()?.is_some_and(|s| has_text(&s, &needle)),
                _ => {
                    let values = c.header_values(name.as_bytes())?;
                    values
                        .iter()
                        .any(|v| has_text(&decode_mimeheader(v), &needle))
                }
            }
        }
        K::Body(needle) => {
            let needle = String::from_utf8_lossy(needle);
            c.sections(false)?.iter().any(|t| has_text(t, &needle))
        }
        K::Text(needle) => {
            let needle = String::from_utf8_lossy(needle);
            c.sections(true)?.iter().any(|t| has_text(t, &needle))
        }
    })
}

/// SAVEDATE, or INTERNALDATE for records written before it existed.
fn savedate(rec: &IndexRecord) -> u32 {
    if rec.savedate == 0 {
        rec.internaldate
    } else {
        rec.savedate
    }
}

/// Converts the key's strings from `charset` to UTF-8 search form.
pub(super) fn prepare(key: &mut SearchKey, charset: Option<&str>) -> Result<(), Failure> {
    let unicode = charset
        .is_none_or(|c| c.eq_ignore_ascii_case("UTF-8") || c.eq_ignore_ascii_case("US-ASCII"));
    if !unicode {
        let name = charset.unwrap_or_default().as_bytes();
        if message::decode_to_utf8(b"", name).is_none() {
            return Err(Failure::Bad("Unrecognized character set".into()));
        }
    }
    key.map_strings(&mut |s: &[u8]| -> Result<Vec<u8>, Failure> {
        let utf8 = match charset {
            Some(cs) if !unicode => {
                message::decode_to_utf8(s, cs.as_bytes()).unwrap_or_else(|| s.to_vec())
            }
            Some(cs) if cs.eq_ignore_ascii_case("UTF-8") => s.to_vec(),
            // US-ASCII, and no CHARSET: 8-bit bytes are not characters
            // and match nothing (as in Cyrus).
            _ => s
                .iter()
                .flat_map(|&b| {
                    if b.is_ascii() {
                        vec![b]
                    } else {
                        "\u{fffd}".as_bytes().to_vec()
                    }
                })
                .collect(),
        };
        Ok(search_form(&utf8).into_bytes())
    })
}

/// A message that matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Hit {
    /// Message sequence number.
    pub msn: u32,
    /// UID.
    pub uid: u32,
    /// MODSEQ.
    pub modseq: u64,
}

impl Hit {
    /// The number a response shows: UID or MSN.
    pub fn id(&self, by_uid: bool) -> u32 {
        if by_uid {
            self.uid
        } else {
            self.msn
        }
    }
}

/// `1:3,7` form of ascending numbers.
pub(super) fn compress(ids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < ids.len() {
        let start = ids[i];
        let mut end = start;
        while i + 1 < ids.len() && ids[i + 1] == end.saturating_add(1) {
            i += 1;
            end = ids[i];
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

/// The `* ESEARCH` line (RFC 4731 §3.1; items in Cyrus's order COUNT,
/// MIN, MAX, ALL, then MODSEQ: the highest of the messages reported).
pub(super) fn esearch_line(
    tag: &str,
    by_uid: bool,
    ret: &ReturnOpts,
    hits: &[Hit],
    with_modseq: bool,
) -> String {
    let mut line = format!("* ESEARCH (TAG \"{tag}\")");
    if by_uid {
        line.push_str(" UID");
    }
    if hits.is_empty() {
        if ret.count {
            line.push_str(" COUNT 0");
        }
        return line;
    }
    let ids = |h: &Hit| h.id(by_uid);
    let min = hits.iter().min_by_key(|h| ids(h));
    let max = hits.iter().max_by_key(|h| ids(h));
    let mut reported: Vec<&Hit> = Vec::new();
    if ret.count {
        line.push_str(&format!(" COUNT {}", hits.len()));
        reported.extend(hits);
    }
    if let (true, Some(m)) = (ret.min, min) {
        line.push_str(&format!(" MIN {}", ids(m)));
        reported.push(m);
    }
    if let (true, Some(m)) = (ret.max, max) {
        line.push_str(&format!(" MAX {}", ids(m)));
        reported.push(m);
    }
    if ret.all {
        let mut v: Vec<u32> = hits.iter().map(ids).collect();
        v.sort_unstable();
        line.push_str(&format!(" ALL {}", compress(&v)));
        reported.extend(hits);
    }
    if with_modseq {
        if let Some(m) = reported.iter().map(|h| h.modseq).max() {
            line.push_str(&format!(" MODSEQ {m}"));
        }
    }
    line
}

/// The UIDs RFC 5182 §2.1 saves: MIN and/or MAX alone save just those.
pub(super) fn to_save(ret: &ReturnOpts, hits: &[Hit]) -> Vec<u32> {
    let mut uids: Vec<u32> = if (ret.min || ret.max) && !(ret.all || ret.count) {
        let mut v = Vec::new();
        if ret.min {
            v.extend(hits.iter().map(|h| h.uid).min());
        }
        if ret.max {
            v.extend(hits.iter().map(|h| h.uid).max());
        }
        v
    } else {
        hits.iter().map(|h| h.uid).collect()
    };
    uids.sort_unstable();
    uids.dedup();
    uids
}

/// Cyrus's completion text: `Completed (N msgs in S secs)`.
pub(super) fn completed(n: usize, started: std::time::Instant) -> Tagged {
    Tagged::ok(format!(
        "Completed ({n} msgs in {:.3} secs)",
        started.elapsed().as_secs_f64()
    ))
}

impl ImapSession {
    /// Runs a SEARCH, SORT or THREAD command (selected state only).
    pub(super) fn dispatch_search(
        &mut self,
        tag: &str,
        cmd: SearchCommand,
        by_uid: bool,
        now: std::time::SystemTime,
    ) -> Result<Tagged, Failure> {
        self.view()?;
        let now = epoch_secs(now);
        match cmd {
            SearchCommand::Search { ret, charset, key } => {
                self.cmd_search(tag, ret, charset.as_deref(), key, by_uid, now)
            }
            SearchCommand::Sort {
                ret,
                criteria,
                charset,
                key,
            } => self.cmd_sort(tag, ret, &criteria, &charset, key, by_uid, now),
            SearchCommand::Thread {
                algorithm,
                charset,
                key,
            } => self.cmd_thread(algorithm, &charset, key, by_uid, now),
            SearchCommand::Invalid(text) => Err(Failure::Bad(text)),
        }
    }

    /// Runs `f` on every message of the selected mailbox matching `key`
    /// (strings already prepared), in MSN order.
    pub(super) fn each_match(
        &self,
        key: &SearchKey,
        now: i64,
        mut f: impl FnMut(Hit, &mut Candidate<'_>) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        let view = self.view()?;
        let (_, mbox) = self.store.open_mailbox(&view.name, LockKind::Shared)?;
        let cache_file = CacheFile::new(&mbox);
        let cx = Context {
            view,
            saved: &self.searchres,
            now,
        };
        for (msn, state) in view.messages().iter().enumerate() {
            let Some(rec) = mbox.record(state.uid) else {
                continue;
            };
            let mut c = Candidate::new(msn, state, rec, &mbox, &cache_file);
            if matches(key, &mut c, &cx)? {
                let hit = Hit {
                    msn: u32::try_from(msn + 1).unwrap_or(u32::MAX),
                    uid: state.uid.0,
                    modseq: rec.modseq.0,
                };
                f(hit, &mut c)?;
            }
        }
        Ok(())
    }

    /// `SEARCH` / `UID SEARCH`.
    pub(super) fn cmd_search(
        &mut self,
        tag: &str,
        ret: Option<ReturnOpts>,
        charset: Option<&str>,
        mut key: SearchKey,
        by_uid: bool,
        now: i64,
    ) -> Result<Tagged, Failure> {
        let started = std::time::Instant::now();
        let save = ret.is_some_and(|r| r.save);
        let result = (|| {
            self.view()?;
            prepare(&mut key, charset)?;
            let mut hits = Vec::new();
            self.each_match(&key, now, |h, _| {
                hits.push(h);
                Ok(())
            })?;
            Ok(hits)
        })();
        let hits = match result {
            Ok(h) => h,
            Err(e) => {
                // RFC 5182 §2.1: a failed SAVE leaves an empty result.
                if save {
                    self.searchres.clear();
                }
                return Err(e);
            }
        };
        let with_modseq = key.has_modseq();
        match ret {
            None => {
                let mut line = String::from("* SEARCH");
                for h in &hits {
                    line.push_str(&format!(" {}", h.id(by_uid)));
                }
                if with_modseq {
                    if let Some(m) = hits.iter().map(|h| h.modseq).max() {
                        line.push_str(&format!(" (MODSEQ {m})"));
                    }
                }
                self.untagged(&line);
            }
            Some(r) => {
                if r.save {
                    self.searchres = to_save(&r, &hits);
                }
                // SAVE alone produces no ESEARCH response (RFC 5182 §2.1).
                if r.min || r.max || r.all || r.count {
                    let line = esearch_line(tag, by_uid, &r, &hits, with_modseq);
                    self.untagged(&line);
                }
            }
        }
        Ok(completed(hits.len(), started))
    }

    /// The saved result as text for `$` in a command imap-codec decodes:
    /// UIDs, or the message numbers of those still in the view.
    pub(super) fn saved_set_text(&self, by_uid: bool) -> String {
        if by_uid {
            return compress(&self.searchres);
        }
        let Ok(view) = self.view() else {
            return String::new();
        };
        let msns: Vec<u32> = view
            .messages()
            .iter()
            .enumerate()
            .filter(|(_, m)| self.searchres.binary_search(&m.uid.0).is_ok())
            .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX))
            .collect();
        compress(&msns)
    }
}

/// Seconds since the epoch as a signed number.
pub(super) fn epoch_secs(now: std::time::SystemTime) -> i64 {
    now.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_form_folds_and_merges() {
        assert_eq!(LATIN_BASE.chars().count(), 0x180 - 0xc0);
        assert_eq!(search_form(b"Re:  a\r\n\tb"), "RE: A B");
        assert_eq!(
            search_form("stra\u{df}e caf\u{e9} \u{17d}".as_bytes()),
            "STRASSE CAFE Z"
        );
        assert!(has_text(b"Hello World", &search_form(b"o w")));
        assert!(!has_text(b"Hello World", &search_form(b"ow")));
        assert!(has_text(b"", ""));
    }

    #[test]
    fn sets_with_zero_star_and_saved() {
        let r = |v: Vec<(SeqNum, SeqNum)>| SetArg::Ranges(v);
        use SeqNum::{Num, Star};
        assert!(!in_set(&r(vec![(Num(0), Num(0))]), 1, 5, 1, &[]));
        assert!(in_set(&r(vec![(Num(1), Num(0))]), 1, 5, 1, &[]));
        assert!(in_set(&r(vec![(Num(7), Star)]), 5, 5, 5, &[]));
        assert!(!in_set(&r(vec![(Num(7), Star)]), 4, 5, 4, &[]));
        assert!(in_set(&SetArg::Saved, 1, 5, 9, &[3, 9]));
        assert!(!in_set(&SetArg::Saved, 1, 5, 8, &[3, 9]));
    }

    fn hits(v: &[(u32, u32, u64)]) -> Vec<Hit> {
        v.iter()
            .map(|&(msn, uid, modseq)| Hit { msn, uid, modseq })
            .collect()
    }

    #[test]
    fn esearch_lines_follow_cyrus_order() {
        let h = hits(&[(1, 10, 5), (2, 11, 9), (3, 12, 7), (5, 20, 2)]);
        let all = ReturnOpts {
            min: true,
            max: true,
            all: true,
            count: true,
            save: false,
        };
        assert_eq!(
            esearch_line("t", false, &all, &h, false),
            "* ESEARCH (TAG \"t\") COUNT 4 MIN 1 MAX 5 ALL 1:3,5"
        );
        let min = ReturnOpts {
            min: true,
            ..ReturnOpts::default()
        };
        assert_eq!(
            esearch_line("t", true, &min, &h, true),
            "* ESEARCH (TAG \"t\") UID MIN 10 MODSEQ 5"
        );
        assert_eq!(
            esearch_line("t", true, &all, &[], true),
            "* ESEARCH (TAG \"t\") UID COUNT 0"
        );
        assert_eq!(to_save(&min, &h), vec![10]);
        let both = ReturnOpts {
            min: true,
            max: true,
            save: true,
            ..ReturnOpts::default()
        };
        assert_eq!(to_save(&both, &h), vec![10, 20]);
        assert_eq!(to_save(&all, &h), vec![10, 11, 12, 20]);
    }

    #[test]
    fn compress_makes_ranges() {
        assert_eq!(compress(&[1, 2, 3, 5, 7, 8]), "1:3,5,7:8");
        assert_eq!(compress(&[]), "");
        assert_eq!(compress(&[u32::MAX]), u32::MAX.to_string());
    }
}
