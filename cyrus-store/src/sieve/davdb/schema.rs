//! Opening `dav.db` as Cyrus 3.6's `dav_open_userid` / `sqldb_open` do:
//! the same connection pragmas, and on a new file the whole DAV schema
//! (not only `sieve_scripts`: Cyrus opens the file for CalDAV/CardDAV
//! too and would take a file without those tables for a broken one).
//!
//! SQLite does its own file I/O and locking here, outside the store's
//! `os` seam: the file format and its locking are SQLite's, shared with
//! the Cyrus processes that open the same file.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

/// `PRAGMA user_version` of a 3.6 `dav.db` (`DB_VERSION` in
/// `imap/dav_db.c`).
pub(super) const DB_VERSION: i64 = 14;

/// `dav_lock_timeout` default (20 s): how long to wait for another
/// process's write lock.
const LOCK_TIMEOUT: Duration = Duration::from_secs(20);

/// The `sieve_scripts` table and its index, as 3.6 creates them (also
/// the whole upgrade step to version 14 from a 3.4 file).
const CREATE_SIEVE: &str = "\
CREATE TABLE IF NOT EXISTS sieve_scripts ( rowid INTEGER PRIMARY KEY, creationdate INTEGER, \
lastupdated INTEGER, mailbox TEXT NOT NULL, imap_uid INTEGER, modseq INTEGER, \
createdmodseq INTEGER, id TEXT NOT NULL, name TEXT NOT NULL, contentid TEXT NOT NULL, \
isactive INTEGER, alive INTEGER, UNIQUE( mailbox, imap_uid ), UNIQUE( id ) );
CREATE INDEX IF NOT EXISTS idx_sieve_name ON sieve_scripts ( name );
";

/// The DAV tables 3.6 creates with a new file, in its order (the order
/// fixes the rows of `sqlite_master`, so a dump of our file reads like
/// one of Cyrus's). The text after `CREATE TABLE <name>` is what SQLite
/// keeps in `sqlite_master`, byte for byte as in the fixture.
const CREATE_DAV: &str = "\
CREATE TABLE IF NOT EXISTS ical_objs ( rowid INTEGER PRIMARY KEY, creationdate INTEGER, \
mailbox TEXT NOT NULL, resource TEXT NOT NULL, imap_uid INTEGER, modseq INTEGER, \
createdmodseq INTEGER, lock_token TEXT, lock_owner TEXT, lock_ownerid TEXT, \
lock_expire INTEGER, comp_type INTEGER, ical_uid TEXT, organizer TEXT, dtstart TEXT, \
dtend TEXT, comp_flags INTEGER, sched_tag TEXT, alive INTEGER, UNIQUE( mailbox, imap_uid ), \
UNIQUE( mailbox, resource ) );
CREATE INDEX IF NOT EXISTS idx_ical_uid ON ical_objs ( ical_uid );
CREATE TABLE IF NOT EXISTS vcard_objs ( rowid INTEGER PRIMARY KEY, creationdate INTEGER, \
mailbox TEXT NOT NULL, resource TEXT NOT NULL, imap_uid INTEGER, modseq INTEGER, \
createdmodseq INTEGER, lock_token TEXT, lock_owner TEXT, lock_ownerid TEXT, \
lock_expire INTEGER, version INTEGER, vcard_uid TEXT, kind INTEGER, fullname TEXT, \
name TEXT, nickname TEXT, alive INTEGER, UNIQUE( mailbox, imap_uid ), \
UNIQUE( mailbox, resource ) );
CREATE INDEX IF NOT EXISTS idx_vcard_fn ON vcard_objs ( fullname );
CREATE INDEX IF NOT EXISTS idx_vcard_uid ON vcard_objs ( vcard_uid );
CREATE TABLE IF NOT EXISTS vcard_emails ( rowid INTEGER PRIMARY KEY, objid INTEGER, \
pos INTEGER NOT NULL, email TEXT NOT NULL COLLATE NOCASE, ispref INTEGER NOT NULL DEFAULT 0, \
ispinned INTEGER NOT NULL DEFAULT 0, \
FOREIGN KEY (objid) REFERENCES vcard_objs (rowid) ON DELETE CASCADE );
CREATE INDEX IF NOT EXISTS idx_vcard_email ON vcard_emails ( email COLLATE NOCASE );
CREATE TABLE IF NOT EXISTS vcard_groups ( rowid INTEGER PRIMARY KEY, objid INTEGER, \
pos INTEGER NOT NULL, member_uid TEXT NOT NULL, otheruser TEXT NOT NULL DEFAULT \"\", \
FOREIGN KEY (objid) REFERENCES vcard_objs (rowid) ON DELETE CASCADE );
CREATE TABLE IF NOT EXISTS dav_objs ( rowid INTEGER PRIMARY KEY, creationdate INTEGER, \
mailbox TEXT NOT NULL, resource TEXT NOT NULL, imap_uid INTEGER, modseq INTEGER, \
createdmodseq INTEGER, lock_token TEXT, lock_owner TEXT, lock_ownerid TEXT, \
lock_expire INTEGER, filename TEXT, type TEXT, subtype TEXT, res_uid TEXT, \
ref_count INTEGER, alive INTEGER, UNIQUE( mailbox, imap_uid ), UNIQUE( mailbox, resource ) );
CREATE TABLE IF NOT EXISTS ical_jmapcache ( rowid INTEGER NOT NULL, userid TEXT NOT NULL, \
jmapversion INTEGER NOT NULL, jmapdata TEXT NOT NULL, PRIMARY KEY (rowid, userid) \
FOREIGN KEY (rowid) REFERENCES ical_objs (rowid) ON DELETE CASCADE );
CREATE TABLE IF NOT EXISTS vcard_jmapcache ( rowid INTEGER NOT NULL PRIMARY KEY, \
jmapversion INTEGER NOT NULL, jmapdata TEXT NOT NULL, \
FOREIGN KEY (rowid) REFERENCES vcard_objs (rowid) ON DELETE CASCADE );
";

/// What an open found in the file.
#[derive(Debug)]
pub(super) enum Opened {
    /// Ready: version 14 (made so now, if it was new or a 3.4 file), or a
    /// later Cyrus's version (its `sieve_scripts` is the same).
    Ready(Connection),
    /// A version we do not upgrade (before 3.4's 10, or the intermediate
    /// Sieve DB versions 12 and 13): left alone for Cyrus's own upgrade.
    Unsupported(i64),
}

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version;", [], |r| r.get(0))
}

/// Opens (creating it if missing) the `dav.db` at `path`; its directory
/// must exist.
pub(super) fn open(path: &Path) -> rusqlite::Result<Opened> {
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(LOCK_TIMEOUT)?;
    // The pragmas Cyrus sets on every connection (`sqldb_open`).
    conn.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA secure_delete = OFF; PRAGMA temp_store = 2;",
    )?;
    if user_version(&conn)? >= DB_VERSION {
        return Ok(Opened::Ready(conn));
    }
    // Creating or upgrading: under an exclusive lock, and looked at again
    // once we hold it (another process may have just done it).
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    let found = user_version(&tx)?;
    match found {
        v if v >= DB_VERSION => {}
        0 => {
            tx.execute_batch(CREATE_DAV)?;
            tx.execute_batch(CREATE_SIEVE)?;
        }
        // From 3.4's 10 (and 11, which Cyrus wrote only on create),
        // Cyrus's upgrade to 14 runs nothing but the sieve table's
        // CREATE (its v12/v13 conversion step does nothing for them).
        10 | 11 => tx.execute_batch(CREATE_SIEVE)?,
        v => return Ok(Opened::Unsupported(v)),
    }
    if found < DB_VERSION {
        tx.pragma_update(None, "user_version", DB_VERSION)?;
    }
    tx.commit()?;
    Ok(Opened::Ready(conn))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ready(path: &Path) -> Connection {
        match open(path).unwrap() {
            Opened::Ready(c) => c,
            Opened::Unsupported(v) => panic!("unsupported {v}"),
        }
    }

    #[test]
    fn creates_version_14_with_every_table() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dav.db");
        let conn = ready(&path);
        assert_eq!(user_version(&conn).unwrap(), 14);
        let mut names: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        names.sort();
        assert_eq!(
            names,
            [
                "dav_objs",
                "ical_jmapcache",
                "ical_objs",
                "sieve_scripts",
                "vcard_emails",
                "vcard_groups",
                "vcard_jmapcache",
                "vcard_objs"
            ]
        );
        drop(conn);
        // Opening again changes nothing.
        let conn = ready(&path);
        assert_eq!(user_version(&conn).unwrap(), 14);
    }

    #[test]
    fn upgrades_a_3_4_file_and_leaves_others() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dav.db");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(CREATE_DAV).unwrap();
            c.pragma_update(None, "user_version", 10).unwrap();
        }
        let conn = ready(&path);
        assert_eq!(user_version(&conn).unwrap(), 14);
        let n: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sieve_scripts'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1);
        drop(conn);

        let other = dir.path().join("old.db");
        {
            let c = Connection::open(&other).unwrap();
            c.pragma_update(None, "user_version", 7).unwrap();
        }
        assert!(matches!(open(&other).unwrap(), Opened::Unsupported(7)));
        let c = Connection::open(&other).unwrap();
        assert_eq!(user_version(&c).unwrap(), 7, "left as it was");
    }
}
