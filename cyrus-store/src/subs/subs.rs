use crate::db::{Db, DbError, Walk};
use crate::mboxname::{MailboxName, NameError, UserId};

/// Errors from a subscriptions database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SubsError {
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// A key that is not a mailbox name.
    #[error(transparent)]
    Name(#[from] NameError),
}

/// The version record's key (`DB_VERSION_KEY`).
pub const VERSION_KEY: &[u8] = b"\x1fVER\x1f";
/// The version record's value (`DB_VERSION_STR`).
pub const VERSION: &[u8] = b"2";

/// The sub.db key for `name` in `user`'s file: `N` + dbname, with the
/// user's own INBOX dbname replaced by `INBOX` (Cyrus
/// `mboxlist_dbname_to_key` with a userid). Like Cyrus, the replacement is
/// a plain byte-prefix match.
pub fn key(user: &UserId, name: &MailboxName) -> Vec<u8> {
    let inbox = MailboxName::user_inbox(user).to_dbname();
    let db = name.to_dbname();
    let mut k = vec![b'N'];
    match db.strip_prefix(inbox.as_slice()) {
        Some(rest) => {
            k.extend_from_slice(b"INBOX");
            k.extend_from_slice(rest);
        }
        None => k.extend_from_slice(&db),
    }
    k
}

/// The mailbox a sub.db key names (Cyrus `mboxlist_dbname_from_key`).
pub fn name_from_key(user: &UserId, key: &[u8]) -> Result<MailboxName, SubsError> {
    let body = key.strip_prefix(b"N").unwrap_or(key);
    let db = match body.strip_prefix(b"INBOX") {
        Some(rest) => {
            let mut d = MailboxName::user_inbox(user).to_dbname();
            d.extend_from_slice(rest);
            d
        }
        None => body.to_vec(),
    };
    Ok(MailboxName::from_dbname(&db)?)
}

/// Writes the version record if it is missing (Cyrus does on open).
pub fn ensure_version(db: &mut dyn Db) -> Result<(), SubsError> {
    if db.fetch(VERSION_KEY)?.is_none() {
        db.store(VERSION_KEY, VERSION)?;
    }
    Ok(())
}

/// Subscribes `user` to `name` (empty value).
pub fn subscribe(db: &mut dyn Db, user: &UserId, name: &MailboxName) -> Result<(), SubsError> {
    ensure_version(db)?;
    db.store(&key(user, name), b"")?;
    Ok(())
}

/// Unsubscribes; not an error if not subscribed.
pub fn unsubscribe(db: &mut dyn Db, user: &UserId, name: &MailboxName) -> Result<(), SubsError> {
    db.delete(&key(user, name))?;
    Ok(())
}

/// True if `user` is subscribed to `name`.
pub fn is_subscribed(
    db: &mut dyn Db,
    user: &UserId,
    name: &MailboxName,
) -> Result<bool, SubsError> {
    Ok(db.fetch(&key(user, name))?.is_some())
}

/// Every subscription, in key order (so the user's own first).
pub fn list(db: &mut dyn Db, user: &UserId) -> Result<Vec<MailboxName>, SubsError> {
    let mut keys = Vec::new();
    db.foreach(b"N", &mut |k, _| {
        keys.push(k.to_vec());
        Ok(Walk::Continue)
    })?;
    keys.iter().map(|k| name_from_key(user, k)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::MemDb;

    #[test]
    fn keys_like_fixture() {
        let alice = UserId::try_from("alice").expect("u");
        let n = |s: &str| MailboxName::from_internal(s).expect("n");
        assert_eq!(
            key(&alice, &n("user.alice.Archive.2024")),
            b"NINBOX\x1fArchive\x1f2024"
        );
        assert_eq!(key(&alice, &n("user.alice")), b"NINBOX");
        assert_eq!(key(&alice, &n("user.bob.x")), b"Nuser\x1fbob\x1fx");
        assert_eq!(key(&alice, &n("shared-news")), b"Nshared-news");
        let mut db = MemDb::new();
        subscribe(&mut db, &alice, &n("user.alice.Sent")).expect("sub");
        subscribe(&mut db, &alice, &n("shared-news")).expect("sub");
        assert!(is_subscribed(&mut db, &alice, &n("user.alice.Sent")).expect("is"));
        assert_eq!(
            db.fetch(VERSION_KEY).expect("v").as_deref(),
            Some(&b"2"[..])
        );
        assert_eq!(
            list(&mut db, &alice).expect("list"),
            vec![n("user.alice.Sent"), n("shared-news")]
        );
        unsubscribe(&mut db, &alice, &n("user.alice.Sent")).expect("unsub");
        assert_eq!(list(&mut db, &alice).expect("list"), vec![n("shared-news")]);
    }
}
