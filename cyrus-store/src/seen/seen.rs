use super::seqset::{BadSeqSet, SeqSet};
use crate::db::{Db, DbError, Walk};
use crate::ids::{Uid, UniqueId};

/// Errors from the seen database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SeenError {
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// A record that does not parse.
    #[error("seen record for {key}: {what}")]
    BadRecord {
        /// The mailbox uniqueid key.
        key: String,
        /// What is wrong.
        what: String,
    },
}

impl From<BadSeqSet> for SeenError {
    fn from(e: BadSeqSet) -> Self {
        SeenError::BadRecord {
            key: String::new(),
            what: e.to_string(),
        }
    }
}

/// The only record version Cyrus writes (`SEEN_VERSION`).
pub const SEEN_VERSION: u32 = 1;

/// One user's seen state for one mailbox (Cyrus `struct seendata`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SeenData {
    /// Time of the last write.
    pub lastread: i64,
    /// Highest UID this user has seen (the `\Recent` mark).
    pub lastuid: Uid,
    /// The mailbox's last-append date at write time.
    pub lastchange: i64,
    /// The seen UIDs.
    pub seenuids: SeqSet,
}

impl SeenData {
    /// The value: `1 <lastread> <lastuid> <lastchange> <seenuids>`.
    pub fn encode(&self) -> Vec<u8> {
        format!(
            "{SEEN_VERSION} {} {} {} {}",
            self.lastread, self.lastuid, self.lastchange, self.seenuids
        )
        .into_bytes()
    }

    /// Parses a value (Cyrus `parse_data`).
    pub fn decode(key: &str, v: &[u8]) -> Result<SeenData, SeenError> {
        let bad = |what: &str| SeenError::BadRecord {
            key: key.to_string(),
            what: what.to_string(),
        };
        let s = std::str::from_utf8(v).map_err(|_| bad("not UTF-8"))?;
        let mut it = s.splitn(5, ' ');
        let version: u32 = it
            .next()
            .and_then(|x| x.parse().ok())
            .ok_or_else(|| bad("version"))?;
        if version != SEEN_VERSION {
            return Err(bad("unknown version"));
        }
        let lastread = it
            .next()
            .and_then(|x| x.parse().ok())
            .ok_or_else(|| bad("lastread"))?;
        let lastuid = it
            .next()
            .and_then(|x| x.parse().ok())
            .ok_or_else(|| bad("lastuid"))?;
        let lastchange = it
            .next()
            .and_then(|x| x.parse().ok())
            .ok_or_else(|| bad("lastchange"))?;
        let uids = it.next().unwrap_or("").trim();
        let seenuids = SeqSet::try_from(uids).map_err(|e| bad(&e.to_string()))?;
        Ok(SeenData {
            lastread,
            lastuid: Uid(lastuid),
            lastchange,
            seenuids,
        })
    }
}

/// Reads the seen state for mailbox `id`.
pub fn read(db: &mut dyn Db, id: &UniqueId) -> Result<Option<SeenData>, SeenError> {
    match db.fetch(id.as_str().as_bytes())? {
        Some(v) => Ok(Some(SeenData::decode(id.as_str(), &v)?)),
        None => Ok(None),
    }
}

/// Writes the seen state for mailbox `id`.
pub fn write(db: &mut dyn Db, id: &UniqueId, sd: &SeenData) -> Result<(), SeenError> {
    db.store(id.as_str().as_bytes(), &sd.encode())?;
    Ok(())
}

/// Removes the seen state for mailbox `id`.
pub fn remove(db: &mut dyn Db, id: &UniqueId) -> Result<(), SeenError> {
    db.delete(id.as_str().as_bytes())?;
    Ok(())
}

/// Every record, as (mailbox uniqueid, state), in key order.
pub fn all(db: &mut dyn Db) -> Result<Vec<(String, SeenData)>, SeenError> {
    let mut out = Vec::new();
    let mut err = None;
    db.foreach(b"", &mut |k, v| {
        let key = String::from_utf8_lossy(k).into_owned();
        match SeenData::decode(&key, v) {
            Ok(sd) => {
                out.push((key, sd));
                Ok(Walk::Continue)
            }
            Err(e) => {
                err = Some(e);
                Ok(Walk::Stop)
            }
        }
    })?;
    err.map_or(Ok(out), Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_values() {
        for v in [
            "1 1795354276 3 1795354276 1:2",
            "1 1795354276 3 1795354276 1",
            "1 5 0 5 ",
        ] {
            let sd = SeenData::decode("k", v.as_bytes()).expect("decode");
            assert_eq!(sd.encode(), v.as_bytes());
        }
        let sd = SeenData::decode("k", b"1 1795354276 3 1795354276 1:2").expect("decode");
        assert!(sd.seenuids.contains(Uid(2)));
        assert_eq!(sd.lastuid, Uid(3));
        assert!(SeenData::decode("k", b"2 1 1 1 1").is_err());
        assert!(SeenData::decode("k", b"1 x").is_err());
    }
}
