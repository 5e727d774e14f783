//! `cyr_deliver`: deliver one message into users' mailboxes through the
//! store, as Cyrus's `deliver` + `lmtpd` do together: the INBOX (or a
//! folder the poster may post to, else the INBOX), INBOX auto-creation
//! under `autocreate_post`, bare LF turned into CRLF, and duplicate
//! suppression by Message-ID in `deliver.db`.

use cyrus_store::acl::{Rights, User};
use cyrus_store::duplicate::{self, DuplicateKey, DuplicateMark};
use cyrus_store::mboxname::{MailboxName, Viewer};
use cyrus_store::message;
use cyrus_store::{AppendRequest, QuotaPolicy, Store};

use super::common::ToolError;

/// What to deliver and where.
#[derive(Debug, Clone, Default)]
pub struct DeliverRequest {
    /// Recipients: `user[+folder][@domain]`.
    pub users: Vec<String>,
    /// `-m`: folder below the INBOX (admin separator, e.g. `Archive/2024`).
    pub folder: Option<String>,
    /// `-a`: whose rights count for posting to the folder (default:
    /// anonymous, which only `anyone` entries match).
    pub authid: Option<String>,
    /// `-q`: deliver even over the quota limits.
    pub ignore_quota: bool,
    /// `autocreate_post`: create a missing INBOX.
    pub autocreate_post: bool,
    /// `lmtp_downcase_rcpt`: lowercase the recipient's user part.
    pub downcase: bool,
    /// `-r`/`-f`: the envelope sender, written as a `Return-Path:` header
    /// on top of the message, as lmtpd does with MAIL FROM.
    pub return_path: Option<String>,
}

/// Where one recipient's copy went.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Delivered {
    /// Appended with this UID to this mailbox (internal name).
    Stored(String, u32),
    /// Dropped: the same Message-ID was already delivered there.
    Duplicate(String),
}

/// Turns every LF not preceded by CR into CRLF (lmtpd does this while
/// reading DATA).
pub fn to_crlf(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 40);
    let mut prev = 0u8;
    for &b in data {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

/// Checks the header block as lmtpd does before accepting a message:
/// it must start with a header field (not an mbox `From ` line, not a
/// body) — Cyrus answers "554 5.6.0 Message contains invalid header".
pub fn check_headers(data: &[u8]) -> Result<(), ToolError> {
    let bad = || ToolError::Usage("Message contains invalid header".into());
    let first = data.split(|&b| b == b'\n').next().unwrap_or_default();
    let colon = first.iter().position(|&b| b == b':').ok_or_else(bad)?;
    let name = &first[..colon];
    if name.is_empty() || !name.iter().all(|&b| b.is_ascii_graphic()) {
        return Err(bad());
    }
    Ok(())
}

/// A header's value, unfolded and trimmed, from the header block.
fn header(data: &[u8], name: &str) -> Option<Vec<u8>> {
    let end = data
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(data.len(), |i| i + 2);
    message::header_fields(&data[..end])
        .into_iter()
        .find(|f| f.name.eq_ignore_ascii_case(name.as_bytes()))
        .map(|f| {
            let v: Vec<u8> = f
                .value
                .iter()
                .copied()
                .filter(|&b| b != b'\r' && b != b'\n')
                .collect();
            let s = v
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(v.len());
            let e = v
                .iter()
                .rposition(|b| !b.is_ascii_whitespace())
                .map_or(s, |i| i + 1);
            v[s..e].to_vec()
        })
}

/// The mailbox a recipient names: `user[+detail][@domain]` as lmtpd reads
/// it (Cyrus `mbname_from_recipient`), `-m` supplying the detail when the
/// recipient has none; with `lmtp_downcase_rcpt` the part before `+` is
/// lowercased.
fn wanted(store: &Store, req: &DeliverRequest, recipient: &str) -> Result<MailboxName, ToolError> {
    let (local, domain) = match recipient.rfind('@') {
        Some(i) => (&recipient[..i], &recipient[i..]),
        None => (recipient, ""),
    };
    let (user, detail) = match local.find('+') {
        Some(i) => (&local[..i], Some(&local[i + 1..])),
        None => (local, None),
    };
    let user = if req.downcase {
        user.to_lowercase()
    } else {
        user.to_string()
    };
    let rcpt = match detail.or(req.folder.as_deref()) {
        Some(d) => format!("{user}+{d}{domain}"),
        None => format!("{user}{domain}"),
    };
    store
        .namespace(Viewer::Admin)
        .from_recipient(&rcpt)
        .map_err(|e| ToolError::Usage(format!("invalid recipient ({e})")))
}

/// Makes sure the INBOX `name` exists: when missing it is created if
/// `autocreate_post` is on and `autocreate_quota` is set (Cyrus creates
/// nothing otherwise), with a quota root whose limits are
/// `autocreate_quota` / `autocreate_quota_messages` when positive.
fn ensure_inbox(
    store: &Store,
    req: &DeliverRequest,
    name: &MailboxName,
    now: u32,
) -> Result<(), ToolError> {
    if store.lookup(name)?.is_some() {
        return Ok(());
    }
    let created = match (req.autocreate_post, name.userid()) {
        (true, Some(user)) if name.inbox().as_ref() == Some(name) => {
            store.autocreate_inbox(&user, now)?
        }
        _ => false,
    };
    if !created && store.lookup(name)?.is_none() {
        return Err(ToolError::Usage("Mailbox does not exist".to_string()));
    }
    Ok(())
}

/// True if `name` exists and the poster (`-a`, else anonymous, which
/// only `anyone` entries match) has the `p` right there.
fn may_post(store: &Store, req: &DeliverRequest, name: &MailboxName) -> Result<bool, ToolError> {
    let who = User::new(req.authid.as_deref().unwrap_or("anonymous"));
    let admin_write = store.options().acl.admin_implies_write;
    Ok(store.lookup(name)?.is_some_and(|e| {
        e.acl
            .as_ref()
            .is_some_and(|a| a.rights_for(&who, admin_write).contains(Rights::POST))
    }))
}

/// Where a recipient's copy goes: the wanted folder when the poster may
/// post there, else the INBOX (lmtpd's fallback); a shared mailbox
/// without the `p` right is refused.
fn target(
    store: &Store,
    req: &DeliverRequest,
    recipient: &str,
    now: u32,
) -> Result<MailboxName, ToolError> {
    let wanted = wanted(store, req, recipient)?;
    match wanted.inbox() {
        Some(inbox) => {
            ensure_inbox(store, req, &inbox, now)?;
            if wanted != inbox && may_post(store, req, &wanted)? {
                Ok(wanted)
            } else {
                Ok(inbox)
            }
        }
        None if may_post(store, req, &wanted)? => Ok(wanted),
        None => Err(ToolError::Usage("Permission denied".to_string())),
    }
}

/// Delivers `raw` to every user of `req`. Each recipient succeeds or
/// fails on its own; the results come back in order.
pub fn deliver(
    store: &Store,
    req: &DeliverRequest,
    raw: &[u8],
    now: u32,
) -> Vec<Result<Delivered, ToolError>> {
    let mut data = to_crlf(raw);
    if let Err(e) = check_headers(&data) {
        return req
            .users
            .iter()
            .map(|_| Err(ToolError::Usage(e.to_string())))
            .collect();
    }
    if let Some(rp) = &req.return_path {
        let addr = rp.trim_start_matches('<').trim_end_matches('>');
        let mut with = format!("Return-Path: <{addr}>\r\n").into_bytes();
        with.extend_from_slice(&data);
        data = with;
    }
    let msgid = header(&data, "Message-ID").filter(|m| !m.is_empty());
    let date = header(&data, "Date").unwrap_or_default();
    req.users
        .iter()
        .map(|u| deliver_one(store, req, u, &data, msgid.as_deref(), &date, now))
        .collect()
}

fn deliver_one(
    store: &Store,
    req: &DeliverRequest,
    user: &str,
    data: &[u8],
    msgid: Option<&[u8]>,
    date: &[u8],
    now: u32,
) -> Result<Delivered, ToolError> {
    let name = target(store, req, user, now)?;
    let internal = name.to_internal();
    let entry = store
        .lookup(&name)?
        .ok_or_else(|| ToolError::Usage("Mailbox does not exist".to_string()))?;
    let dup = match (
        store.options().duplicate_suppression,
        msgid,
        &entry.uniqueid,
    ) {
        (true, Some(id), Some(mbid)) => {
            let key = DuplicateKey::new(id, mbid.as_str().as_bytes(), date)
                .map_err(|e| ToolError::Usage(e.to_string()))?;
            let mut db = store.open_duplicate_db()?;
            if duplicate::check(db.as_mut(), &key)
                .map_err(|e| ToolError::Usage(e.to_string()))?
                .is_some()
            {
                return Ok(Delivered::Duplicate(internal));
            }
            Some((db, key))
        }
        _ => None,
    };
    let policy = if req.ignore_quota {
        QuotaPolicy::Ignore
    } else {
        QuotaPolicy::Enforce
    };
    let uids = store.append_with(
        &name,
        &[AppendRequest {
            data: data.to_vec(),
            flags: Vec::new(),
            internaldate: Some(now),
        }],
        now,
        policy,
    )?;
    let uid = uids.first().map_or(0, |u| u.0);
    if let Some((mut db, key)) = dup {
        let m = DuplicateMark {
            mark: i64::from(now),
            uid: u64::from(uid),
        };
        duplicate::mark(db.as_mut(), &key, m).map_err(|e| ToolError::Usage(e.to_string()))?;
    }
    Ok(Delivered::Stored(internal, uid))
}

/// `ctl_deliver -d`: the duplicate database as text at time `now`.
pub fn deliver_dump(store: &Store, now: u32) -> Result<String, ToolError> {
    let mut db = store.open_duplicate_db()?;
    duplicate::dump(db.as_mut(), i64::from(now)).map_err(|e| ToolError::Usage(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_lf_becomes_crlf_and_crlf_stays() {
        assert_eq!(to_crlf(b"a\nb\r\nc\n"), b"a\r\nb\r\nc\r\n");
        assert_eq!(to_crlf(b""), b"");
    }

    #[test]
    fn header_block_is_checked() {
        assert!(check_headers(b"Subject: x\r\n\r\nbody").is_ok());
        assert!(check_headers(b"From alice Mon Jan 1\r\nSubject: x\r\n").is_err());
        assert!(check_headers(b"just a body\r\n").is_err());
        assert!(check_headers(b"").is_err());
    }

    #[test]
    fn header_values_are_unfolded_and_trimmed() {
        let m = b"Message-ID:\r\n  <a@b>\r\nDate: Mon, 1 Jan 2024 \r\n\r\nMessage-ID: <no>\r\n";
        assert_eq!(header(m, "message-id"), Some(b"<a@b>".to_vec()));
        assert_eq!(header(m, "Date"), Some(b"Mon, 1 Jan 2024".to_vec()));
        assert_eq!(header(m, "Subject"), None);
    }
}
