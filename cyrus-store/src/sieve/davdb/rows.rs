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
