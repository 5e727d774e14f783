use std::fmt::Write as _;

use crate::db::{Db, DbError, Walk};

/// Errors from the duplicate-delivery database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DuplicateError {
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// A key part contains NUL, which the key format cannot hold.
    #[error("duplicate key part contains NUL")]
    NulInKey,
}

/// A deliver.db key: message id, recipient (a mailbox uniqueid, or
/// `.<user>@internal.sieve.`-style pseudo recipients) and date.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DuplicateKey {
    /// Message-ID (or a Sieve tracking id).
    pub id: Vec<u8>,
    /// Recipient.
    pub to: Vec<u8>,
    /// Date header (empty for Sieve `duplicate` entries).
    pub date: Vec<u8>,
}

impl DuplicateKey {
    /// A key from its three parts; none may contain NUL.
    pub fn new(id: &[u8], to: &[u8], date: &[u8]) -> Result<DuplicateKey, DuplicateError> {
        if [id, to, date].iter().any(|p| p.contains(&0)) {
            return Err(DuplicateError::NulInKey);
        }
        Ok(DuplicateKey {
            id: id.to_vec(),
            to: to.to_vec(),
            date: date.to_vec(),
        })
    }

    /// `<id>\0<to>\0<date>\0`.
    pub fn encode(&self) -> Vec<u8> {
        let mut k = Vec::with_capacity(self.id.len() + self.to.len() + self.date.len() + 3);
        for p in [&self.id, &self.to, &self.date] {
            k.extend_from_slice(p);
            k.push(0);
        }
        k
    }

    /// Splits a key; `None` for a broken one (Cyrus `split_key`).
    pub fn decode(k: &[u8]) -> Option<DuplicateKey> {
        let mut parts = k.split(|&b| b == 0);
        let id = parts.next()?;
        let to = parts.next()?;
        let date = parts.next()?;
        // The key ends with NUL, so the last split piece is empty.
        if parts.next() != Some(&[][..]) || parts.next().is_some() {
            return None;
        }
        Some(DuplicateKey {
            id: id.to_vec(),
            to: to.to_vec(),
            date: date.to_vec(),
        })
    }
}

/// A record's value: when it was marked and the UID it got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuplicateMark {
    /// Mark time (Unix seconds).
    pub mark: i64,
    /// The UID the message got (0 for Sieve tracking entries).
    pub uid: u64,
}

impl DuplicateMark {
    /// The 16-byte value: `time_t` then `unsigned long`, little-endian as
    /// on the x86-64 hosts Cyrus runs on.
    pub fn encode(&self) -> [u8; 16] {
        let mut v = [0u8; 16];
        v[..8].copy_from_slice(&self.mark.to_le_bytes());
        v[8..].copy_from_slice(&self.uid.to_le_bytes());
        v
    }

    /// Parses an 8-byte (mark only, old) or 16-byte value.
    pub fn decode(v: &[u8]) -> Option<DuplicateMark> {
        let mark = i64::from_le_bytes(v.get(..8)?.try_into().ok()?);
        let uid = match v.len() {
            8 => 0,
            16 => u64::from_le_bytes(v.get(8..16)?.try_into().ok()?),
            _ => return None,
        };
        Some(DuplicateMark { mark, uid })
    }
}

/// The mark of `key`, if the message was seen before (Cyrus
/// `duplicate_check`; an unreadable value counts as absent).
pub fn check(db: &mut dyn Db, key: &DuplicateKey) -> Result<Option<DuplicateMark>, DuplicateError> {
    Ok(db
        .fetch(&key.encode())?
        .and_then(|v| DuplicateMark::decode(&v)))
}

/// Records `key` (Cyrus `duplicate_mark`).
pub fn mark(db: &mut dyn Db, key: &DuplicateKey, m: DuplicateMark) -> Result<(), DuplicateError> {
    db.store(&key.encode(), &m.encode())?;
    Ok(())
}

/// Deletes entries marked before `expmark` and broken ones (Cyrus
/// `duplicate_prune` without per-mailbox overrides); `expire_for(to)`
/// may give a mailbox its own cut-off. Returns (seen, deleted).
pub fn prune(
    db: &mut dyn Db,
    expmark: i64,
    expire_for: &dyn Fn(&[u8]) -> Option<i64>,
) -> Result<(usize, usize), DuplicateError> {
    let mut doomed = Vec::new();
    let mut count = 0;
    db.foreach(b"", &mut |k, v| {
        count += 1;
        let prune = match (DuplicateKey::decode(k), DuplicateMark::decode(v)) {
            (Some(key), Some(m)) => {
                let cut = if !key.to.is_empty() && key.to[0] != b'.' {
                    expire_for(&key.to).unwrap_or(expmark)
                } else {
                    expmark
                };
                m.mark < cut
            }
            _ => true,
        };
        if prune {
            doomed.push(k.to_vec());
        }
        Ok(Walk::Continue)
    })?;
    for k in &doomed {
        db.delete(k)?;
    }
    Ok((count, doomed.len()))
}

/// One `ctl_deliver -d` line: `id: %-40s\tto: %-20s\tat: %ld\tuid: %lu`,
/// the id in upper-case hex if it has unprintable bytes.
pub fn dump_line(key: &DuplicateKey, m: DuplicateMark) -> String {
    let id = if key.id.iter().all(|&b| (0x20..0x7f).contains(&b)) {
        String::from_utf8_lossy(&key.id).into_owned()
    } else {
        key.id.iter().fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02X}");
            s
        })
    };
    format!(
        "id: {id:<40}\tto: {:<20}\tat: {}\tuid: {}\n",
        String::from_utf8_lossy(&key.to),
        m.mark,
        m.uid
    )
}

/// The whole `ctl_deliver -d` output at time `now`.
pub fn dump(db: &mut dyn Db, now: i64) -> Result<String, DuplicateError> {
    let mut out = format!("it is NOW: {now}\n");
    let mut count = 0;
    db.foreach(b"", &mut |k, v| {
        count += 1;
        if let (Some(key), Some(m)) = (DuplicateKey::decode(k), DuplicateMark::decode(v)) {
            out.push_str(&dump_line(&key, m));
        }
        Ok(Walk::Continue)
    })?;
    let _ = writeln!(out, "got {count} entries");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::MemDb;

    #[test]
    fn key_value_and_ops() {
        let k = DuplicateKey::new(b"<a@b>", b"1h27n4nb8groy211tvj675ss", b"Mon, 1 Jan").expect("k");
        assert_eq!(
            k.encode(),
            b"<a@b>\x001h27n4nb8groy211tvj675ss\x00Mon, 1 Jan\x00"
        );
        assert_eq!(DuplicateKey::decode(&k.encode()), Some(k.clone()));
        assert_eq!(DuplicateKey::decode(b"a\0b\0"), None);
        assert!(DuplicateKey::new(b"a\0", b"", b"").is_err());
        let m = DuplicateMark {
            mark: 0x6b02eea4,
            uid: 13,
        };
        assert_eq!(
            &m.encode(),
            b"\xa4\xee\x02k\x00\x00\x00\x00\x0d\x00\x00\x00\x00\x00\x00\x00"
        );
        assert_eq!(DuplicateMark::decode(&m.encode()), Some(m));
        assert_eq!(DuplicateMark::decode(b"short"), None);
        let mut db = MemDb::new();
        assert_eq!(check(&mut db, &k).expect("check"), None);
        mark(&mut db, &k, m).expect("mark");
        assert_eq!(check(&mut db, &k).expect("check"), Some(m));
        assert_eq!(
            prune(&mut db, 0x6b02eea4, &|_| None).expect("prune"),
            (1, 0)
        );
        assert_eq!(
            prune(&mut db, 0x6b02eea5, &|_| None).expect("prune"),
            (1, 1)
        );
        let bin = DuplicateKey::new(b"\x01x", b"t", b"").expect("k");
        assert!(dump_line(&bin, m).starts_with("id: 0178 "));
    }
}
