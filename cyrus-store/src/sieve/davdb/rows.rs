//! `sieve_scripts` rows from the `#sieve` mailbox's index records, by the
//! rules of Cyrus 3.6's `mailbox_update_sieve` (run by Cyrus for every
//! index record it writes in a mailbox of type `f`):
//!
//! - A row is keyed by the script's id (the attachment's file name), which
//!   Cyrus keeps when a script is replaced or renamed; it points at the
//!   record of the newest message with that id (`imap_uid`).
//! - A record older than the row's is ignored (the expunge of a replaced
//!   version does not touch the row).
//! - A change to the row's own record (flags, expunge) updates only
//!   `modseq`, `isactive` and `alive` (`lastupdated` stays).
//! - A newer record rewrites `lastupdated` (its INTERNALDATE), `imap_uid`,
//!   `modseq`, `name`, `contentid`, `isactive` and `alive`; `creationdate`
//!   (INTERNALDATE), `createdmodseq`, `mailbox` and `id` are set only when
//!   the row is new.
//! - An expunged record keeps its row with `alive = 0` (a tombstone);
//!   the row goes when the record is unlinked. An expunged record with no
//!   row is skipped (Cyrus's "phantom record").
//!
//! [`apply`] replays those rules over all the mailbox's records in UID
//! order. When `dav.db` already reflects every record but the latest
//! changes, the result is what Cyrus's per-record updates would have
//! written; on an empty table it is what Cyrus's `dav_reconstruct`
//! (`mailbox_add_sieve`) writes.

use rusqlite::{params, OptionalExtension, Transaction};

/// What `dav.db` needs of one index record of `#sieve` (not unlinked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScriptRecord {
    /// The record's UID.
    pub uid: u32,
    /// INTERNALDATE.
    pub internaldate: u32,
    /// MODSEQ of the record's last change.
    pub modseq: u64,
    /// MODSEQ at creation.
    pub createdmodseq: u64,
    /// `\Flagged`: the active script.
    pub active: bool,
    /// Expunged (not yet unlinked).
    pub expunged: bool,
    /// The script in the message, when it could be read and has an id.
    pub script: Option<ScriptFields>,
}

/// What the message itself says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScriptFields {
    /// The attachment's file name without `.sieve`.
    pub id: String,
    /// The script name (`Subject:`, decoded).
    pub name: String,
    /// SHA-1 (lower-case hex) of the body, Cyrus's `content_guid`.
    pub contentid: String,
}

/// The columns of an existing row the rules look at.
struct Row {
    rowid: i64,
    imap_uid: u32,
    modseq: u64,
    isactive: bool,
    alive: bool,
}

const SELECT: &str = "SELECT rowid, imap_uid, modseq, isactive, alive FROM sieve_scripts";

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        rowid: r.get(0)?,
        imap_uid: r.get::<_, Option<u32>>(1)?.unwrap_or(0),
        modseq: r
            .get::<_, Option<i64>>(2)?
            .unwrap_or(0)
            .try_into()
            .unwrap_or(0),
        isactive: r.get::<_, Option<i64>>(3)?.unwrap_or(0) != 0,
        alive: r.get::<_, Option<i64>>(4)?.unwrap_or(0) != 0,
    })
}

/// The row for `rec`: by its script id, or (its message unreadable) by
/// the record it points at.
fn find_row(
    tx: &Transaction<'_>,
    mailbox: &str,
    rec: &ScriptRecord,
) -> rusqlite::Result<Option<Row>> {
    match &rec.script {
        Some(s) => tx
            .query_row(&format!("{SELECT} WHERE id = ?1"), params![s.id], read_row)
            .optional(),
        None => tx
            .query_row(
                &format!("{SELECT} WHERE mailbox = ?1 AND imap_uid = ?2"),
                params![mailbox, rec.uid],
                read_row,
            )
            .optional(),
    }
}

/// SQLite integers are signed; modseqs never come near 2^63.
fn sql_u64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Brings `sieve_scripts` in step with `records` (all the not-unlinked
/// records of the `#sieve` mailbox whose uniqueid is `mailbox`, in UID
/// order). Returns whether any row changed.
pub(crate) fn apply(
    tx: &Transaction<'_>,
    mailbox: &str,
    records: &[ScriptRecord],
) -> rusqlite::Result<bool> {
    // Rows of another `#sieve` mailbox: Cyrus empties the table when the
    // user's `#sieve` is deleted (a user has one), so such rows are stale.
    let mut changed = tx.execute(
        "DELETE FROM sieve_scripts WHERE mailbox != ?1",
        params![mailbox],
    )? > 0;
    for rec in records {
        let row = find_row(tx, mailbox, rec)?;
        match (row, &rec.script) {
            (Some(row), _) if row.imap_uid > rec.uid => {}
            (Some(row), _) if row.imap_uid == rec.uid => {
                let alive = !rec.expunged;
                if (row.modseq, row.isactive, row.alive) != (rec.modseq, rec.active, alive) {
                    tx.execute(
                        "UPDATE sieve_scripts SET modseq = ?1, isactive = ?2, alive = ?3 \
                         WHERE rowid = ?4",
                        params![sql_u64(rec.modseq), rec.active, alive, row.rowid],
                    )?;
                    changed = true;
                }
            }
            (None, _) if rec.expunged => {}
            // Cyrus asserts on a message without an id; we skip it (and
            // our readers still list it by its Subject).
            (_, None) => {}
            (row, Some(s)) => {
                // A stale row already naming this record (a file written
                // for another history of the mailbox) would break
                // UNIQUE(mailbox, imap_uid).
                tx.execute(
                    "DELETE FROM sieve_scripts WHERE mailbox = ?1 AND imap_uid = ?2 AND id != ?3",
                    params![mailbox, rec.uid, s.id],
                )?;
                match row {
                    Some(row) => tx.execute(
                        "UPDATE sieve_scripts SET lastupdated = ?1, imap_uid = ?2, modseq = ?3, \
                         name = ?4, contentid = ?5, isactive = ?6, alive = ?7 WHERE rowid = ?8",
                        params![
                            rec.internaldate,
                            rec.uid,
                            sql_u64(rec.modseq),
                            s.name,
                            s.contentid,
                            rec.active,
                            !rec.expunged,
                            row.rowid
                        ],
                    )?,
                    None => tx.execute(
                        "INSERT INTO sieve_scripts (creationdate, lastupdated, mailbox, \
                         imap_uid, modseq, createdmodseq, id, name, contentid, isactive, alive) \
                         VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                        params![
                            rec.internaldate,
                            mailbox,
                            rec.uid,
                            sql_u64(rec.modseq),
                            sql_u64(rec.createdmodseq),
                            s.id,
                            s.name,
                            s.contentid,
                            rec.active,
                            !rec.expunged
                        ],
                    )?,
                };
                changed = true;
            }
        }
    }
    changed |= drop_unlinked(tx, records)? > 0;
    Ok(changed)
}

/// Deletes the rows whose record is unlinked or gone (Cyrus deletes a
/// row when its record is unlinked).
fn drop_unlinked(tx: &Transaction<'_>, records: &[ScriptRecord]) -> rusqlite::Result<usize> {
    let mut gone = Vec::new();
    {
        let mut stmt = tx.prepare("SELECT rowid, imap_uid FROM sieve_scripts")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<u32>>(1)?.unwrap_or(0),
            ))
        })?;
        for row in rows {
            let (rowid, uid) = row?;
            if !records.iter().any(|r| r.uid == uid) {
                gone.push(rowid);
            }
        }
    }
    for rowid in &gone {
        tx.execute("DELETE FROM sieve_scripts WHERE rowid = ?1", params![rowid])?;
    }
    Ok(gone.len())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::schema::{open, Opened};
    use super::*;
    use rusqlite::Connection;

    fn db(dir: &std::path::Path) -> Connection {
        match open(&dir.join("dav.db")).unwrap() {
            Opened::Ready(c) => c,
            Opened::Unsupported(v) => panic!("{v}"),
        }
    }

    fn rec(uid: u32, modseq: u64, id: &str, name: &str) -> ScriptRecord {
        ScriptRecord {
            uid,
            internaldate: 1000 + uid,
            modseq,
            createdmodseq: modseq,
            active: false,
            expunged: false,
            script: Some(ScriptFields {
                id: id.into(),
                name: name.into(),
                contentid: format!("c{uid}"),
            }),
        }
    }

    /// (creationdate, lastupdated, imap_uid, modseq, createdmodseq, name,
    /// contentid, isactive, alive) by id.
    type Cols = (u32, u32, u32, u64, u64, String, String, bool, bool);

    fn row(c: &Connection, id: &str) -> Option<Cols> {
        c.query_row(
            "SELECT creationdate, lastupdated, imap_uid, modseq, createdmodseq, name, \
             contentid, isactive, alive FROM sieve_scripts WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                ))
            },
        )
        .optional()
        .unwrap()
    }

    fn run(c: &mut Connection, mailbox: &str, recs: &[ScriptRecord]) -> bool {
        let tx = c.transaction().unwrap();
        let changed = apply(&tx, mailbox, recs).unwrap();
        tx.commit().unwrap();
        changed
    }

    #[test]
    fn the_rules_of_mailbox_update_sieve() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = db(dir.path());
        let v1 = rec(1, 5, "X", "one");
        assert!(run(&mut c, "M", std::slice::from_ref(&v1)));
        let want = (1001, 1001, 1, 5, 5, "one".into(), "c1".into(), false, true);
        assert_eq!(row(&c, "X"), Some(want.clone()));
        // Nothing new: nothing written.
        assert!(!run(&mut c, "M", std::slice::from_ref(&v1)));

        // A new version (same id), the old one expunged afterwards: the
        // row follows the new record and keeps its creation values.
        let mut old = v1.clone();
        old.expunged = true;
        old.modseq = 8;
        let mut v2 = rec(2, 7, "X", "uno");
        v2.active = true;
        v2.createdmodseq = 6;
        run(&mut c, "M", &[old.clone(), v2.clone()]);
        assert_eq!(
            row(&c, "X"),
            Some((1001, 1002, 2, 7, 5, "uno".into(), "c2".into(), true, true))
        );

        // A flag change on the row's own record: modseq, isactive, alive
        // only (a changed Subject there is not picked up, as in Cyrus).
        let mut v2b = v2.clone();
        v2b.active = false;
        v2b.modseq = 9;
        if let Some(s) = v2b.script.as_mut() {
            s.name = "ignored".into();
        }
        run(&mut c, "M", &[old.clone(), v2b.clone()]);
        assert_eq!(
            row(&c, "X"),
            Some((1001, 1002, 2, 9, 5, "uno".into(), "c2".into(), false, true))
        );

        // Expunged: a tombstone. Gone from the index: no row.
        let mut v2x = v2b.clone();
        v2x.expunged = true;
        v2x.modseq = 10;
        run(&mut c, "M", &[old.clone(), v2x.clone()]);
        assert_eq!(row(&c, "X").map(|r| (r.3, r.8)), Some((10, false)));
        run(&mut c, "M", &[]);
        assert_eq!(row(&c, "X"), None);

        // An expunged record never seen alive is skipped (phantom).
        let mut ghost = rec(3, 11, "G", "ghost");
        ghost.expunged = true;
        assert!(!run(&mut c, "M", &[ghost]));
        assert_eq!(row(&c, "G"), None);

        // Rows of another #sieve mailbox go.
        run(&mut c, "M", &[rec(4, 12, "Y", "y")]);
        run(&mut c, "N", &[rec(1, 2, "Z", "z")]);
        assert_eq!(row(&c, "Y"), None);
        assert!(row(&c, "Z").is_some());
    }
}
