use crate::db::{Db, DbError, Walk};
use crate::ids::{Modseq, Uid, UniqueId};
use crate::mboxname::{MailboxName, UserId};

/// Errors from annotation databases.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AnnotateError {
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// An entry name or user id containing NUL.
    #[error("annotation key part contains NUL")]
    NulInKey,
    /// A value that does not parse.
    #[error("bad annotation value: {0}")]
    BadValue(&'static str),
}

/// The userid Cyrus stores for the mailbox owner's private values
/// (`OWNER_USERID_TOKEN`), so renaming a user does not orphan them.
pub const OWNER_TOKEN: &str = "[.OwNeR.]";

/// `ANNOTATE_FLAG_DELETED`: a tombstone for a per-message value.
pub const FLAG_DELETED: u8 = 0x01;

/// What an annotation is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnotScope<'a> {
    /// The server (`annotations.db`, empty first key part).
    Server,
    /// A mailbox (`annotations.db`, keyed by its uniqueid).
    Mailbox {
        /// The mailbox's uniqueid.
        id: &'a UniqueId,
        /// Its name, to recognise the owner.
        name: &'a MailboxName,
    },
    /// A message (the mailbox's `cyrus.annotations`, keyed by UID).
    Message {
        /// The message UID.
        uid: Uid,
        /// The mailbox name, to recognise the owner.
        name: &'a MailboxName,
    },
}

/// Who a value belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnotOwner<'a> {
    /// A `/shared` value (empty userid).
    Shared,
    /// A `/private` value of this user.
    Private(&'a UserId),
}

/// The key `<part1>\0<entry>\0<userid>\0` (Cyrus `make_key`): part1 is the
/// mailbox uniqueid, empty for the server, or the decimal UID; the
/// mailbox owner's userid is written as [`OWNER_TOKEN`].
pub fn key(
    scope: AnnotScope<'_>,
    entry: &str,
    owner: AnnotOwner<'_>,
) -> Result<Vec<u8>, AnnotateError> {
    let mut k = prefix(scope, entry)?;
    let user = match owner {
        AnnotOwner::Shared => String::new(),
        AnnotOwner::Private(u) => {
            let name = match scope {
                AnnotScope::Server => None,
                AnnotScope::Mailbox { name, .. } | AnnotScope::Message { name, .. } => Some(name),
            };
            if name.is_some_and(|n| n.is_owned_by(u)) {
                OWNER_TOKEN.to_string()
            } else {
                u.as_str().to_string()
            }
        }
    };
    if user.contains('\0') {
        return Err(AnnotateError::NulInKey);
    }
    k.extend_from_slice(user.as_bytes());
    k.push(0);
    Ok(k)
}

fn scope_part(scope: AnnotScope<'_>) -> String {
    match scope {
        AnnotScope::Server => String::new(),
        AnnotScope::Mailbox { id, .. } => id.as_str().to_string(),
        AnnotScope::Message { uid, .. } => uid.to_string(),
    }
}

/// The key prefix for every value of `entry` in `scope` (all users).
/// With an empty `entry` it is `<part1>\0`, covering all entries.
pub fn prefix(scope: AnnotScope<'_>, entry: &str) -> Result<Vec<u8>, AnnotateError> {
    if entry.contains('\0') {
        return Err(AnnotateError::NulInKey);
    }
    let mut k = scope_part(scope).into_bytes();
    k.push(0);
    if !entry.is_empty() {
        k.extend_from_slice(entry.as_bytes());
        k.push(0);
    }
    Ok(k)
}

/// A key split into its three parts (Cyrus `split_key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnotKey {
    /// Uniqueid, decimal UID or empty.
    pub part1: String,
    /// The entry (`/comment`, `/specialuse`, …).
    pub entry: String,
    /// The userid, [`OWNER_TOKEN`], or empty for shared.
    pub userid: String,
}

impl AnnotKey {
    /// Splits a key; `None` if it does not have three NUL-ended parts.
    pub fn decode(k: &[u8]) -> Option<AnnotKey> {
        let s = std::str::from_utf8(k).ok()?;
        let mut parts = s.split('\0');
        let part1 = parts.next()?.to_string();
        let entry = parts.next()?.to_string();
        let userid = parts.next()?.to_string();
        if parts.next() != Some("") || parts.next().is_some() {
            return None;
        }
        Some(AnnotKey {
            part1,
            entry,
            userid,
        })
    }
}

/// A stored value with its metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnotValue {
    /// The value bytes.
    pub value: Vec<u8>,
    /// The modseq of the change.
    pub modseq: Modseq,
    /// Flags ([`FLAG_DELETED`]).
    pub flags: u8,
}

impl AnnotValue {
    /// A live value.
    pub fn new(value: &[u8], modseq: Modseq) -> AnnotValue {
        AnnotValue {
            value: value.to_vec(),
            modseq,
            flags: 0,
        }
    }

    /// True for a tombstone.
    pub fn is_deleted(&self) -> bool {
        self.flags & FLAG_DELETED != 0
    }

    /// The record as Cyrus `make_entry` writes it on LP64: the length as
    /// a big-endian u32 in an 8-byte `unsigned long` slot, the value, NUL,
    /// `text/plain` NUL, an 8-byte zero (legacy modifiedsince), the modseq
    /// as big-endian u64, and the flags byte.
    pub fn encode(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.value.len() + 37);
        let len = u32::try_from(self.value.len()).unwrap_or(u32::MAX);
        v.extend_from_slice(&len.to_be_bytes());
        v.extend_from_slice(&[0; 4]);
        v.extend_from_slice(&self.value);
        v.push(0);
        v.extend_from_slice(b"text/plain\0");
        v.extend_from_slice(&[0; 8]);
        v.extend_from_slice(&self.modseq.0.to_be_bytes());
        v.push(self.flags);
        v
    }

    /// Parses a record (Cyrus `split_attribs`); the trailing metadata may
    /// be missing in records from old versions.
    pub fn decode(d: &[u8]) -> Result<AnnotValue, AnnotateError> {
        let head: [u8; 4] = d
            .get(..4)
            .and_then(|b| b.try_into().ok())
            .ok_or(AnnotateError::BadValue("short record"))?;
        let len = u32::from_be_bytes(head) as usize;
        let start: usize = 8;
        let end = start
            .checked_add(len)
            .filter(|&e| e <= d.len())
            .ok_or(AnnotateError::BadValue("length past end"))?;
        let value = d[start..end].to_vec();
        let mut p = end + 1;
        let mut modseq = 0;
        let mut flags = 0;
        if p < d.len() {
            // Skip the content type and the legacy modifiedsince slot.
            let ct = d[p..].iter().position(|&b| b == 0).unwrap_or(d.len() - p);
            p += ct + 1 + 8;
        }
        if let Some(m) = d.get(p..p + 8) {
            let m: [u8; 8] = m
                .try_into()
                .map_err(|_| AnnotateError::BadValue("modseq"))?;
            modseq = u64::from_be_bytes(m);
            p += 8;
        }
        if let Some(&f) = d.get(p) {
            flags = f;
        }
        Ok(AnnotValue {
            value,
            modseq: Modseq(modseq),
            flags,
        })
    }
}

/// Reads a value; tombstones and unreadable records count as absent.
pub fn get(db: &mut dyn Db, key: &[u8]) -> Result<Option<AnnotValue>, AnnotateError> {
    Ok(db
        .fetch(key)?
        .and_then(|v| AnnotValue::decode(&v).ok())
        .filter(|v| !v.is_deleted()))
}

/// Writes a value as Cyrus `write_entry`: an empty value deletes the
/// record, except for per-message keys (`per_message`), which keep a
/// tombstone with [`FLAG_DELETED`] so replication sees the change.
pub fn set(
    db: &mut dyn Db,
    key: &[u8],
    value: &[u8],
    modseq: Modseq,
    per_message: bool,
) -> Result<(), AnnotateError> {
    if value.is_empty() && !per_message {
        db.delete(key)?;
        return Ok(());
    }
    let mut v = AnnotValue::new(value, modseq);
    if value.is_empty() {
        v.flags |= FLAG_DELETED;
    }
    db.store(key, &v.encode())?;
    Ok(())
}

/// Every live value whose key starts with `prefix`, in key order.
pub fn list(db: &mut dyn Db, prefix: &[u8]) -> Result<Vec<(AnnotKey, AnnotValue)>, AnnotateError> {
    let mut out = Vec::new();
    db.foreach(prefix, &mut |k, v| {
        if let (Some(key), Ok(val)) = (AnnotKey::decode(k), AnnotValue::decode(v)) {
            if !val.is_deleted() {
                out.push((key, val));
            }
        }
        Ok(Walk::Continue)
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values() {
        let id = UniqueId::try_from("veiybpp4okbk00ar7l6k5sc2").expect("id");
        let name = MailboxName::from_internal("user.alice.Sent").expect("n");
        let alice = UserId::try_from("alice").expect("u");
        let bob = UserId::try_from("bob").expect("u");
        let mb = AnnotScope::Mailbox {
            id: &id,
            name: &name,
        };
        assert_eq!(
            key(mb, "/specialuse", AnnotOwner::Private(&alice)).expect("k"),
            b"veiybpp4okbk00ar7l6k5sc2\x00/specialuse\x00[.OwNeR.]\x00"
        );
        assert_eq!(
            key(mb, "/comment", AnnotOwner::Private(&bob)).expect("k"),
            b"veiybpp4okbk00ar7l6k5sc2\x00/comment\x00bob\x00"
        );
        assert_eq!(
            key(AnnotScope::Server, "/admin", AnnotOwner::Shared).expect("k"),
            b"\x00/admin\x00\x00"
        );
        let msg = AnnotScope::Message {
            uid: Uid(13),
            name: &name,
        };
        assert_eq!(
            key(msg, "/comment", AnnotOwner::Shared).expect("k"),
            b"13\x00/comment\x00\x00"
        );
        let v = AnnotValue::new(b"\\Sent", Modseq(0));
        assert_eq!(
            v.encode(),
            b"\x00\x00\x00\x05\x00\x00\x00\x00\\Sent\x00text/plain\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        );
        assert_eq!(AnnotValue::decode(&v.encode()).expect("d"), v);
        assert!(AnnotValue::decode(b"\x00\x00\x01\x00\x00\x00\x00\x00ab").is_err());
        assert_eq!(
            AnnotValue::decode(b"\x00\x00\x00\x02\x00\x00\x00\x00ab\x00")
                .expect("old")
                .value,
            b"ab"
        );
    }

    #[test]
    fn set_get_delete() {
        let mut db = crate::db::MemDb::new();
        set(&mut db, b"\x00/comment\x00\x00", b"hi", Modseq(1), false).expect("set");
        assert_eq!(
            get(&mut db, b"\x00/comment\x00\x00")
                .expect("get")
                .map(|v| v.value),
            Some(b"hi".to_vec())
        );
        set(&mut db, b"\x00/comment\x00\x00", b"", Modseq(2), false).expect("del");
        assert!(db.fetch(b"\x00/comment\x00\x00").expect("f").is_none());
        set(&mut db, b"7\x00/comment\x00\x00", b"", Modseq(3), true).expect("tomb");
        assert!(db.fetch(b"7\x00/comment\x00\x00").expect("f").is_some());
        assert!(get(&mut db, b"7\x00/comment\x00\x00").expect("g").is_none());
    }
}
