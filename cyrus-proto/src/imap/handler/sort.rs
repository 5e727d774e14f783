//! SORT and UID SORT (RFC 5256 §3), DISPLAYFROM/DISPLAYTO (RFC 5957),
//! Cyrus's MODSEQ and UID criteria, and ESORT results (RFC 5267 §3).
//! Keys are built as Cyrus builds them from its cache: the first
//! address's local part for FROM/TO/CC, the display name in search form
//! (or `MAILBOX@DOMAIN`) for DISPLAY*, the base subject (§2.1) in upper
//! case; ties are broken by message number.

use std::cmp::Ordering;

use cyrus_store::message::{decode_mimeheader, parse_address_list};

use crate::imap::wire::ext::{ReturnOpts, SearchKey, SortBy, SortKey};
use crate::imap::wire::Tagged;

use super::error::Failure;
use super::search::{self, search_form, Candidate, Hit};
use super::session::ImapSession;

/// What one message is sorted by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct SortMsg {
    /// Message sequence number (the last tie-breaker).
    pub msn: u32,
    /// UID.
    pub uid: u32,
    /// MODSEQ.
    pub modseq: u64,
    /// INTERNALDATE.
    pub internaldate: u32,
    /// Date: header as UTC time (0 when missing).
    pub date: u32,
    /// RFC822.SIZE.
    pub size: u32,
    /// Base subject, upper case.
    pub subject: String,
    /// First From local part.
    pub from: String,
    /// First To local part.
    pub to: String,
    /// First Cc local part.
    pub cc: String,
    /// First From display name.
    pub display_from: String,
    /// First To display name.
    pub display_to: String,
}

impl SortMsg {
    /// DATE falls back to INTERNALDATE.
    pub fn sent(&self) -> u32 {
        if self.date == 0 {
            self.internaldate
        } else {
            self.date
        }
    }
}

/// The trailer and leader trimming of RFC 5256 §2.1 steps 2-5 (as Cyrus
/// does it: `[blob]` skipped only when text follows it), on text in
/// search form; counts the reply/forward markers removed.
fn extract(mut s: &str, refwd: &mut u32) -> String {
    // Step 2: trailing whitespace and "(fwd)".
    loop {
        let t = s.trim_end_matches(' ');
        if t.len() != s.len() {
            s = t;
        } else if s.len() >= 5
            && s.is_char_boundary(s.len() - 5)
            && s[s.len() - 5..].eq_ignore_ascii_case("(FWD)")
        {
            s = &s[..s.len() - 5];
            *refwd += 1;
        } else {
            break;
        }
    }
    // Steps 3-5: leading whitespace, "re/fw/fwd [blob]:", "[blob]".
    let mut base = s;
    loop {
        if let Some(b) = base.strip_prefix(' ') {
            base = b;
            continue;
        }
        let up = base.as_bytes();
        let after = if up.len() >= 3 && up[..3].eq_ignore_ascii_case(b"FWD") {
            Some(3)
        } else if up.len() >= 2
            && (up[..2].eq_ignore_ascii_case(b"RE") || up[..2].eq_ignore_ascii_case(b"FW"))
        {
            Some(2)
        } else {
            None
        };
        if let Some(n) = after {
            let mut x = base[n..].trim_start_matches(' ');
            let mut count: i64 = 0;
            if let Some(blob) = x.strip_prefix('[') {
                let Some(end) = blob.find(']') else {
                    break;
                };
                let inner = &blob[..end];
                count = if !inner.is_empty() && inner.bytes().all(|c| c.is_ascii_digit()) {
                    inner.parse().unwrap_or(-1)
                } else {
                    -1
                };
                x = blob[end + 1..].trim_start_matches(' ');
            }
            if let Some(rest) = x.strip_prefix(':') {
                base = rest;
                *refwd += if count > 0 {
                    u32::try_from(count).unwrap_or(1)
                } else {
                    1
                };
                continue;
            }
            break;
        }
        if let Some(blob) = base.strip_prefix('[') {
            if let Some(end) = blob.find(['[', ']']) {
                if blob.as_bytes()[end] == b']' && end + 1 < blob.len() {
                    base = &blob[end + 1..];
                    continue;
                }
            }
        }
        break;
    }
    base.to_string()
}

/// The base subject of a decoded Subject (RFC 5256 §2.1), upper case,
/// and whether it was a reply or forward.
pub(super) fn base_subject(decoded: &[u8]) -> (String, bool) {
    let form = search_form(decoded);
    let mut refwd = 0;
    let mut s = form.as_str().to_string();
    loop {
        let base = extract(&s, &mut refwd);
        // Step 6: "[fwd: ...]" wrapper.
        if base.len() >= 6
            && base.is_char_boundary(5)
            && base[..5].eq_ignore_ascii_case("[FWD:")
            && base.ends_with(']')
        {
            refwd += 1;
            s = base[5..base.len() - 1].to_string();
            continue;
        }
        return (base.to_ascii_uppercase(), refwd > 0);
    }
}

/// The first address's local part, lower case as Cyrus's search strings
/// hold it.
fn localpart(item: &[u8]) -> String {
    parse_address_list(item)
        .first()
        .and_then(|a| a.mailbox.clone())
        .map(|m| String::from_utf8_lossy(&m).into_owned())
        .unwrap_or_default()
}

/// RFC 5957 display name: the name in search form, else the address
/// upper-cased.
fn display_name(item: &[u8]) -> String {
    let list = parse_address_list(item);
    let Some(a) = list.first() else {
        return String::new();
    };
    match (&a.name, &a.mailbox, &a.domain) {
        (Some(n), _, _) if !n.is_empty() => search_form(n),
        (_, Some(m), Some(d)) => format!(
            "{}@{}",
            String::from_utf8_lossy(m),
            String::from_utf8_lossy(d)
        )
        .to_ascii_uppercase(),
        (_, Some(m), None) => String::from_utf8_lossy(m).to_ascii_uppercase(),
        _ => String::new(),
    }
}

/// Loads what the criteria need for one message.
pub(super) fn sort_msg(
    hit: Hit,
    c: &mut Candidate<'_>,
    needs_text: bool,
) -> Result<SortMsg, Failure> {
    let mut m = SortMsg {
        msn: hit.msn,
        uid: hit.uid,
        modseq: hit.modseq,
        internaldate: c.rec.internaldate,
        date: c.rec.gmtime,
        size: c.rec.size,
        ..SortMsg::default()
    };
    if needs_text {
        let subject = c.header_first(b"subject")?.unwrap_or_default();
        m.subject = base_subject(&decode_mimeheader(&subject)).0;
        let cache = c.cache()?;
        m.from = localpart(cache.from());
        m.to = localpart(cache.to());
        m.cc = localpart(cache.cc());
        m.display_from = display_name(cache.from());
        m.display_to = display_name(cache.to());
    }
    Ok(m)
}

/// Compares by the criteria, then by message number (Cyrus's implicit
/// last criterion).
pub(super) fn compare(a: &SortMsg, b: &SortMsg, criteria: &[SortKey]) -> Ordering {
    for k in criteria {
        let o = match k.by {
            SortBy::Arrival => a.internaldate.cmp(&b.internaldate),
            SortBy::Cc => a.cc.cmp(&b.cc),
            SortBy::Date => a.sent().cmp(&b.sent()),
            SortBy::From => a.from.cmp(&b.from),
            SortBy::Size => a.size.cmp(&b.size),
            SortBy::Subject => a.subject.cmp(&b.subject),
            SortBy::To => a.to.cmp(&b.to),
            SortBy::DisplayFrom => a.display_from.cmp(&b.display_from),
            SortBy::DisplayTo => a.display_to.cmp(&b.display_to),
            SortBy::Modseq => a.modseq.cmp(&b.modseq),
            SortBy::Uid => a.uid.cmp(&b.uid),
        };
        let o = if k.reverse { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.msn.cmp(&b.msn)
}

/// Numbers in their given order, ascending runs written `a:b` (Cyrus's
/// ESORT `ALL`).
pub(super) fn runs(ids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < ids.len() {
        let start = ids[i];
        while i + 1 < ids.len() && ids[i + 1] == ids[i].saturating_add(1) {
            i += 1;
        }
        if !out.is_empty() {
            out.push(',');
        }
        if ids[i] == start {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{}", ids[i]));
        }
        i += 1;
    }
    out
}

/// Sorts `msgs` by `criteria`.
pub(super) fn sort(msgs: &mut [SortMsg], criteria: &[SortKey]) {
    msgs.sort_by(|a, b| compare(a, b, criteria));
}

impl ImapSession {
    /// `SORT` / `UID SORT`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn cmd_sort(
        &mut self,
        tag: &str,
        ret: Option<ReturnOpts>,
        criteria: &[SortKey],
        charset: &str,
        mut key: SearchKey,
        by_uid: bool,
        now: i64,
    ) -> Result<Tagged, Failure> {
        let started = std::time::Instant::now();
        self.view()?;
        search::prepare(&mut key, Some(charset))?;
        let needs_text = criteria.iter().any(|k| {
            !matches!(
                k.by,
                SortBy::Arrival | SortBy::Date | SortBy::Size | SortBy::Modseq | SortBy::Uid
            )
        });
        let mut msgs = Vec::new();
        let mut hits = Vec::new();
        self.each_match(&key, now, |h, c| {
            hits.push(h);
            msgs.push(sort_msg(h, c, needs_text)?);
            Ok(())
        })?;
        sort(&mut msgs, criteria);
        let id = |m: &SortMsg| if by_uid { m.uid } else { m.msn };
        match ret {
            None => {
                let mut line = String::from("* SORT");
                for m in &msgs {
                    line.push_str(&format!(" {}", id(m)));
                }
                self.untagged(&line);
            }
            Some(r) => {
                if r.save {
                    self.searchres = search::to_save(&r, &hits);
                }
                if r.min || r.max || r.all || r.count {
                    // RFC 5267 §3.2: MIN and MAX are the first and last in
                    // sort order; ALL is in sort order too.
                    let mut line = format!("* ESEARCH (TAG \"{tag}\")");
                    if by_uid {
                        line.push_str(" UID");
                    }
                    if r.count {
                        line.push_str(&format!(" COUNT {}", msgs.len()));
                    }
                    // Cyrus reports the numerically lowest and highest
                    // (RFC 5267 §3.2 would take them in sort order).
                    if let (true, Some(m)) = (r.min, msgs.iter().map(id).min()) {
                        line.push_str(&format!(" MIN {m}"));
                    }
                    if let (true, Some(m)) = (r.max, msgs.iter().map(id).max()) {
                        line.push_str(&format!(" MAX {m}"));
                    }
                    if r.all && !msgs.is_empty() {
                        let ids: Vec<u32> = msgs.iter().map(id).collect();
                        line.push_str(&format!(" ALL {}", runs(&ids)));
                    }
                    self.untagged(&line);
                }
            }
        }
        Ok(search::completed(msgs.len(), started))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn base_subjects_per_rfc_5256() {
        let b = |s: &str| base_subject(s.as_bytes());
        assert_eq!(b("Re: Apples"), ("APPLES".into(), true));
        assert_eq!(b("[fwd: Apples]"), ("APPLES".into(), true));
        assert_eq!(
            b("Fwd: [list] RE[2]: re:  hello (fwd) "),
            ("HELLO".into(), true)
        );
        assert_eq!(b("[list] hello"), ("HELLO".into(), false));
        assert_eq!(b("[list]"), ("[LIST]".into(), false));
        assert_eq!(b("Reply to all"), ("REPLY TO ALL".into(), false));
        assert_eq!(b("  Cherries\t pie "), ("CHERRIES PIE".into(), false));
        assert_eq!(b(""), (String::new(), false));
    }

    #[test]
    fn esort_all_keeps_sort_order() {
        assert_eq!(runs(&[1, 2, 4, 8, 5, 6, 3, 7]), "1:2,4,8,5:6,3,7");
        assert_eq!(runs(&[4, 3, 2]), "4,3,2");
        assert_eq!(runs(&[]), "");
    }

    #[test]
    fn display_and_local_parts() {
        assert_eq!(localpart(b"Ann <ann@example.org>"), "ann");
        assert_eq!(display_name(b"\"Ann Lee\" <ann@example.org>"), "ANN LEE");
        assert_eq!(display_name(b"<bob@example.org>"), "BOB@EXAMPLE.ORG");
        assert_eq!(display_name(b""), "");
    }

    fn msg(msn: u32, size: u32, date: u32) -> SortMsg {
        SortMsg {
            msn,
            uid: msn + 10,
            size,
            internaldate: 1000 - msn,
            date,
            ..SortMsg::default()
        }
    }

    #[test]
    fn date_falls_back_to_arrival_and_reverse_applies_per_key() {
        let mut v = vec![msg(1, 5, 0), msg(2, 5, 500), msg(3, 1, 999)];
        let crit = [
            SortKey {
                reverse: true,
                by: SortBy::Size,
            },
            SortKey {
                reverse: false,
                by: SortBy::Date,
            },
        ];
        sort(&mut v, &crit);
        assert_eq!(v.iter().map(|m| m.msn).collect::<Vec<_>>(), vec![2, 1, 3]);
    }

    proptest! {
        /// Equal keys keep message-number order, whatever the input order
        /// (Cyrus's implicit last criterion), and sorting is idempotent.
        #[test]
        fn ties_break_by_message_number(sizes in proptest::collection::vec(0u32..3, 0..40), rev in any::<bool>()) {
            let mut v: Vec<SortMsg> = sizes.iter().enumerate().map(|(i, &s)| msg(i as u32 + 1, s, 0)).collect();
            v.reverse();
            let crit = [SortKey { reverse: rev, by: SortBy::Size }];
            sort(&mut v, &crit);
            for w in v.windows(2) {
                let o = if rev { w[1].size.cmp(&w[0].size) } else { w[0].size.cmp(&w[1].size) };
                prop_assert!(o != Ordering::Greater);
                if w[0].size == w[1].size {
                    prop_assert!(w[0].msn < w[1].msn);
                }
            }
            let again = { let mut x = v.clone(); sort(&mut x, &crit); x };
            prop_assert_eq!(again, v);
        }
    }
}
