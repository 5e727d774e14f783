//! CATENATE (RFC 4469): building a message from TEXT parts and IMAP URLs
//! (RFC 5092) of messages on this server. Accepted URL forms: absolute
//! `imap://host/mailbox[;UIDVALIDITY=n]/;UID=n[/;SECTION=s]`, the same
//! from `/mailbox`, and `;UID=n[/;SECTION=s]` relative to the selected
//! mailbox. Any URL that cannot be read (bad syntax, no such mailbox or
//! message, no `r` right, wrong UIDVALIDITY) is `NO [BADURL url]`.

use std::num::NonZeroU32;

use cyrus_store::acl::Rights;
use cyrus_store::message;
use cyrus_store::os::LockKind;
use cyrus_store::Uid;
use imap_codec::imap_types::core::Vec1;
use imap_codec::imap_types::fetch::{Part, Section};

use crate::imap::machine::State;
use crate::imap::wire::ext::CatPart;

use super::error::Failure;
use super::fetch_section::section_bytes;
use super::session::ImapSession;

/// A parsed IMAP URL naming one message or one section of it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct MessageUrl {
    /// External mailbox name; `None` = the selected mailbox.
    mailbox: Option<String>,
    uidvalidity: Option<u32>,
    uid: u32,
    /// Section text (`1.2`, `TEXT`, `1.MIME`, ...), if any.
    section: Option<String>,
}

/// `%XX` decoding (RFC 3986); `None` on a bad escape or non-UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(h, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Finds `pat` (ASCII, case-insensitive) in `s`.
fn find_ci(s: &str, pat: &str) -> Option<usize> {
    s.as_bytes()
        .windows(pat.len())
        .position(|w| w.eq_ignore_ascii_case(pat.as_bytes()))
}

/// `s` without the ASCII prefix `p` (case-insensitive); never splits a
/// character.
fn strip_prefix_ci<'a>(s: &'a str, p: &str) -> Option<&'a str> {
    let head = s.as_bytes().get(..p.len())?;
    // The matched bytes are ASCII, so `p.len()` is a character boundary.
    head.eq_ignore_ascii_case(p.as_bytes())
        .then(|| s.get(p.len()..))
        .flatten()
}

fn number(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn parse_url(url: &str) -> Option<MessageUrl> {
    let mut rest = url;
    if let Some(after) = strip_prefix_ci(rest, "imap://") {
        rest = &after[after.find('/')?..];
    }
    let (mailbox, uidvalidity, tail) = if let Some(path) = rest.strip_prefix('/') {
        let at = find_ci(path, "/;UID=")?;
        let mut mbox = &path[..at];
        let mut uidvalidity = None;
        if let Some(v) = find_ci(mbox, ";UIDVALIDITY=") {
            uidvalidity = Some(number(&mbox[v + 13..])?);
            mbox = &mbox[..v];
        }
        if mbox.is_empty() {
            return None;
        }
        (Some(percent_decode(mbox)?), uidvalidity, &path[at + 1..])
    } else {
        (None, None, rest)
    };
    let tail = strip_prefix_ci(tail, ";UID=")?;
    let (uid, section) = match tail.find('/') {
        None => (number(tail)?, None),
        Some(slash) => {
            // ;PARTIAL=, ;URLAUTH= ... are not supported.
            let sec = strip_prefix_ci(&tail[slash + 1..], ";SECTION=")?;
            (number(&tail[..slash])?, Some(percent_decode(sec)?))
        }
    };
    if uid == 0 {
        return None;
    }
    Some(MessageUrl {
        mailbox,
        uidvalidity,
        uid,
        section,
    })
}

/// A section text as an IMAP section: part numbers, then optionally
/// `HEADER`, `TEXT` or (after a part) `MIME`. `None` if not one of these.
fn parse_section(s: &str) -> Option<Option<Section<'static>>> {
    if s.is_empty() {
        return Some(None);
    }
    let mut nums = Vec::new();
    let mut word = None;
    for (i, tok) in s.split('.').enumerate() {
        if let Some(n) = number(tok).and_then(NonZeroU32::new) {
            if word.is_some() {
                return None;
            }
            nums.push(n);
        } else if word.is_none() && !tok.is_empty() {
            word = Some(tok.to_ascii_uppercase());
            if i + 1 != s.split('.').count() {
                return None;
            }
        } else {
            return None;
        }
    }
    let part = if nums.is_empty() {
        None
    } else {
        Some(Part(Vec1::try_from(nums).ok()?))
    };
    Some(Some(match (word.as_deref(), part) {
        (None, Some(p)) => Section::Part(p),
        (Some("HEADER"), p) => Section::Header(p),
        (Some("TEXT"), p) => Section::Text(p),
        (Some("MIME"), Some(p)) => Section::Mime(p),
        _ => return None,
    }))
}

impl ImapSession {
    /// The message built from `parts`; `[TOOBIG]` as soon as it passes
    /// `limit` bytes.
    pub(super) fn catenate(&self, parts: &[CatPart], limit: u64) -> Result<Vec<u8>, Failure> {
        let mut out = Vec::new();
        for p in parts {
            match p {
                CatPart::Text(t) => out.extend_from_slice(t),
                CatPart::Url(u) => {
                    let bytes = self
                        .url_bytes(u)?
                        .ok_or_else(|| Failure::BadUrl(u.clone()))?;
                    out.extend_from_slice(&bytes);
                }
            }
            if out.len() as u64 > limit {
                return Err(Failure::TooBig);
            }
        }
        Ok(out)
    }

    /// The bytes `url` names, or `None` when it names nothing readable.
    fn url_bytes(&self, url: &str) -> Result<Option<Vec<u8>>, Failure> {
        let Some(u) = parse_url(url) else {
            return Ok(None);
        };
        let Some(section) = u.section.as_deref().map_or(Some(None), parse_section) else {
            return Ok(None);
        };
        let name = match &u.mailbox {
            Some(ext) => match self.internal_name(ext) {
                Ok(n) => n,
                Err(_) => return Ok(None),
            },
            None => match &self.state {
                State::Selected(_, v) => v.name.clone(),
                _ => return Ok(None),
            },
        };
        let Ok((_, rights)) = self.visible(&name) else {
            return Ok(None);
        };
        if !rights.contains(Rights::READ) {
            return Ok(None);
        }
        let Ok((_, mbox)) = self.store.open_mailbox(&name, LockKind::Shared) else {
            return Ok(None);
        };
        if u.uidvalidity
            .is_some_and(|v| v != mbox.index().uidvalidity.0)
        {
            return Ok(None);
        }
        let uid = Uid(u.uid);
        if mbox.record(uid).is_none_or(|r| r.is_expunged()) {
            return Ok(None);
        }
        let raw = mbox.read_message(uid)?;
        drop(mbox);
        Ok(Some(match &section {
            None => raw,
            Some(s) => {
                let parsed = message::parse(&raw);
                section_bytes(&raw, &parsed, Some(s))
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_forms() {
        let u = parse_url("/Sent%20Items;UIDVALIDITY=7/;UID=3/;SECTION=1.TEXT").unwrap();
        assert_eq!(u.mailbox.as_deref(), Some("Sent Items"));
        assert_eq!((u.uidvalidity, u.uid), (Some(7), 3));
        assert_eq!(u.section.as_deref(), Some("1.TEXT"));
        let u = parse_url("imap://alice@localhost/INBOX/;uid=20").unwrap();
        assert_eq!((u.mailbox.as_deref(), u.uid), (Some("INBOX"), 20));
        let u = parse_url(";UID=2").unwrap();
        assert_eq!((u.mailbox, u.uid), (None, 2));
        for bad in [
            "",
            "/INBOX",
            "/INBOX/;UID=",
            ";UID=0",
            "/INBOX/;UID=1/;PARTIAL=0.5",
            "x",
            // Multi-byte characters where a prefix is expected.
            "imap:/\u{e9}\u{e9}\u{e9}",
            ";UI\u{e9}",
            "/a/;UID=1/;SE\u{e9}\u{e9}\u{e9}\u{e9}",
        ] {
            assert!(parse_url(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn section_forms() {
        assert!(matches!(
            parse_section("TEXT"),
            Some(Some(Section::Text(None)))
        ));
        assert!(matches!(parse_section("1.2"), Some(Some(Section::Part(_)))));
        assert!(matches!(
            parse_section("2.MIME"),
            Some(Some(Section::Mime(_)))
        ));
        assert!(matches!(parse_section(""), Some(None)));
        for bad in ["MIME", "1.X", "TEXT.1", "0", "HEADER.FIELDS (A)"] {
            assert!(parse_section(bad).is_none(), "{bad}");
        }
    }
}
