//! `cyr_dbtool`: read and change one cyrusdb file directly, with the
//! output format of Cyrus's `cyr_dbtool` (`imap/cyr_dbtool.c`): `show`
//! prints `key TAB value LF` with raw bytes, `get` the value and LF,
//! `consistent` "Yes, consistent" or "No, not consistent".

use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::Arc;

use cyrus_store::db::{self, Db, DbBackend, OpenFlags, Walk};
use cyrus_store::os::{FsRef, RealFs};

use super::common::ToolError;

/// What to do with the database.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DbAction {
    /// Every record, or those whose key starts with the prefix.
    Show(Option<Vec<u8>>),
    /// One value (an empty line when missing, as Cyrus prints).
    Get(Vec<u8>),
    /// Store a record.
    Set(Vec<u8>, Vec<u8>),
    /// Remove a record (missing is fine).
    Delete(Vec<u8>),
    /// Check the file's structure.
    Consistent,
    /// Rewrite the file compactly.
    Repack,
    /// `get` with the keys read from stdin, one a line.
    GetEach,
    /// `set` with `key TAB value` lines read from stdin.
    SetEach,
    /// `delete` with the keys read from stdin, one a line.
    DeleteEach,
}

/// How the action ended: `consistent` can fail without an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbOutcome {
    /// Done.
    Ok,
    /// `consistent` found a problem.
    Inconsistent,
}

fn io_err(e: std::io::Error) -> ToolError {
    ToolError::Io {
        path: "stdout".into(),
        source: e,
    }
}

fn store_err(path: &Path, e: impl std::fmt::Display) -> ToolError {
    ToolError::Usage(format!("{}: {e}", path.display()))
}

/// Opens `path` with `backend` (`create` = Cyrus `-n`) and runs `action`,
/// writing what Cyrus would print to `out`; stdin lines come from `input`.
pub fn dbtool(
    path: &Path,
    backend: DbBackend,
    create: bool,
    action: &DbAction,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<DbOutcome, ToolError> {
    let fs: FsRef = Arc::new(RealFs::new());
    if !create && backend != DbBackend::QuotaLegacy && !path.exists() {
        return Err(ToolError::Usage(format!(
            "{}: can't open database",
            path.display()
        )));
    }
    let read_only = matches!(
        action,
        DbAction::Show(_) | DbAction::Get(_) | DbAction::GetEach | DbAction::Consistent
    );
    let flags = OpenFlags {
        create,
        read_only: read_only && !create,
        ..OpenFlags::default()
    };
    let mut db = db::open(fs, path, backend, flags).map_err(|e| store_err(path, e))?;
    run(db.as_mut(), action, input, out).map_err(|e| match e {
        ToolError::Usage(m) => ToolError::Usage(format!("{}: {m}", path.display())),
        other => other,
    })
}

fn lines(input: &mut dyn BufRead) -> Result<Vec<Vec<u8>>, ToolError> {
    let mut v = Vec::new();
    for l in input.split(b'\n') {
        let mut l = l.map_err(|e| ToolError::Io {
            path: "stdin".into(),
            source: e,
        })?;
        if l.last() == Some(&b'\r') {
            l.pop();
        }
        v.push(l);
    }
    Ok(v)
}

/// Runs `action` on an open database.
pub fn run(
    db: &mut dyn Db,
    action: &DbAction,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<DbOutcome, ToolError> {
    let dberr = |e: cyrus_store::db::DbError| ToolError::Usage(e.to_string());
    match action {
        DbAction::Show(prefix) => {
            let mut buf = Vec::new();
            db.foreach(prefix.as_deref().unwrap_or(b""), &mut |k, v| {
                buf.extend_from_slice(k);
                buf.push(b'\t');
                buf.extend_from_slice(v);
                buf.push(b'\n');
                Ok(Walk::Continue)
            })
            .map_err(dberr)?;
            out.write_all(&buf).map_err(io_err)?;
        }
        DbAction::Get(key) => {
            let v = db.fetch(key).map_err(dberr)?.unwrap_or_default();
            out.write_all(&v).map_err(io_err)?;
            out.write_all(b"\n").map_err(io_err)?;
        }
        DbAction::Set(k, v) => db.store(k, v).map_err(dberr)?,
        DbAction::Delete(k) => db.delete(k).map_err(dberr)?,
        DbAction::Consistent => {
            if db.consistent().is_ok() {
                out.write_all(b"Yes, consistent\n").map_err(io_err)?;
            } else {
                out.write_all(b"No, not consistent\n").map_err(io_err)?;
                return Ok(DbOutcome::Inconsistent);
            }
        }
        DbAction::Repack => db.repack().map_err(dberr)?,
        DbAction::GetEach => {
            for k in lines(input)? {
                run(db, &DbAction::Get(k), input, out)?;
            }
        }
        DbAction::SetEach => {
            for l in lines(input)? {
                // Cyrus: the key ends at the first TAB, the value at LF.
                let (k, v) = match l.iter().position(|&b| b == b'\t') {
                    Some(i) => (l[..i].to_vec(), l[i + 1..].to_vec()),
                    None => (l, Vec::new()),
                };
                db.store(&k, &v).map_err(dberr)?;
            }
        }
        DbAction::DeleteEach => {
            for k in lines(input)? {
                db.delete(&k).map_err(dberr)?;
            }
        }
    }
    out.flush().map_err(io_err)?;
    Ok(DbOutcome::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cyrus_store::db::MemDb;

    fn go(db: &mut dyn Db, a: DbAction, stdin: &[u8]) -> (DbOutcome, Vec<u8>) {
        let mut out = Vec::new();
        let mut input = stdin;
        let r = run(db, &a, &mut input, &mut out).expect("run");
        (r, out)
    }

    #[test]
    fn actions_print_like_cyrus() {
        let mut db = MemDb::new();
        go(
            &mut db,
            DbAction::Set(b"alpha".to_vec(), b"1".to_vec()),
            b"",
        );
        go(&mut db, DbAction::SetEach, b"beta\ttwo\ngamma\t\n");
        let (_, o) = go(&mut db, DbAction::Show(None), b"");
        assert_eq!(o, b"alpha\t1\nbeta\ttwo\ngamma\t\n");
        let (_, o) = go(&mut db, DbAction::Show(Some(b"b".to_vec())), b"");
        assert_eq!(o, b"beta\ttwo\n");
        let (_, o) = go(&mut db, DbAction::Get(b"nope".to_vec()), b"");
        assert_eq!(o, b"\n");
        let (_, o) = go(&mut db, DbAction::GetEach, b"alpha\nbeta\n");
        assert_eq!(o, b"1\ntwo\n");
        go(&mut db, DbAction::Delete(b"alpha".to_vec()), b"");
        go(&mut db, DbAction::DeleteEach, b"gamma\n");
        let (r, o) = go(&mut db, DbAction::Consistent, b"");
        assert_eq!(
            (r, o.as_slice()),
            (DbOutcome::Ok, &b"Yes, consistent\n"[..])
        );
        let (_, o) = go(&mut db, DbAction::Show(None), b"");
        assert_eq!(o, b"beta\ttwo\n");
    }
}
