//! Checkpoint (repack): write all live records, in order, into `<db>.NEW`
//! and rename it over the database (Cyrus `mycheckpoint`).
//!
//! The new file is laid out exactly as Cyrus's checkpoint lays it out
//! (it copies records one by one into a fresh file inside one
//! transaction): header, DUMMY, the records in key order with BLANK
//! padding, each with a random level, level-0 links in slot 1, then one
//! COMMIT record pointing back to the end of the DUMMY. `repack_size` is
//! the size before that COMMIT record.

use std::path::Path;

use rand::rngs::StdRng;

use super::engine::{random_level, Held, Twoskip};
use super::format::{
    blanks_needed, build_record, Header, Kind, Record, DUMMY_OFFSET, HEADER_SIZE, MAXLEVEL,
};
use crate::db::error::DbError;
use crate::os::{LockKind, OpenMode, OsError};

/// Builds a complete, clean twoskip file holding `records` (which must be
/// in strictly increasing key order). Returns the bytes and their header.
pub(super) fn build_file<'a>(
    records: impl Iterator<Item = (&'a [u8], &'a [u8])>,
    generation: u64,
    rng: &mut StdRng,
) -> (Vec<u8>, Header) {
    let mut dummy = Record::new(Kind::Dummy, MAXLEVEL, b"", 0);
    let txn_start = DUMMY_OFFSET + dummy.len();
    // Pass 1: levels and offsets (they depend only on head and tail sizes).
    let mut recs: Vec<(Record, &[u8])> = Vec::new();
    let mut end = txn_start;
    for (k, v) in records {
        let level = random_level(rng);
        let mut rec = Record::new(Kind::Record, level, k, v.len() as u64);
        rec.offset = end + 8 * blanks_needed(end, rec.head_len());
        end = rec.end();
        recs.push((rec, v));
    }
    // Pass 2: pointers. `last[i]` is the latest record reaching level i
    // (None: the DUMMY).
    let mut last: [Option<usize>; MAXLEVEL as usize] = [None; MAXLEVEL as usize];
    for idx in 0..recs.len() {
        let off = recs[idx].0.offset;
        let level = usize::from(recs[idx].0.level);
        for (i, last_i) in last.iter_mut().enumerate().take(level) {
            let slot = if i == 0 { 1 } else { i + 1 };
            match *last_i {
                None => dummy.next[slot] = off,
                Some(p) => recs[p].0.next[slot] = off,
            }
            *last_i = Some(idx);
        }
    }
    // Pass 3: bytes.
    let mut out = vec![0u8; HEADER_SIZE as usize];
    out.extend_from_slice(&build_record(&mut dummy, b"", b"", DUMMY_OFFSET));
    for (rec, v) in &mut recs {
        let key = rec.key.clone();
        let at = out.len() as u64;
        out.extend_from_slice(&build_record(rec, &key, v, at));
    }
    let repack_size = out.len() as u64;
    if !recs.is_empty() {
        let mut commit = Record::new(Kind::Commit, 0, b"", 0);
        commit.next[0] = txn_start;
        let at = out.len() as u64;
        out.extend_from_slice(&build_record(&mut commit, b"", b"", at));
    }
    let header = Header {
        num_records: recs.len() as u64,
        repack_size,
        current_size: out.len() as u64,
        generation,
        ..Header::new(0)
    };
    out[..HEADER_SIZE as usize].copy_from_slice(&header.encode());
    (out, header)
}

impl Twoskip {
    /// Writes `bytes` to `<db>.NEW` (locked, fsynced), renames it over the
    /// database, fsyncs the directory, and switches to the new file,
    /// keeping the exclusive lock.
    pub(super) fn replace_file(&mut self, bytes: &[u8]) -> Result<(), DbError> {
        let new_path = self.new_path();
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => Path::new(".").to_path_buf(),
        };
        let os = |op, p: &Path, e| DbError::Io(OsError::new(op, p, e));
        match self.fs.remove_file(&new_path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(os("unlink", &new_path, e)),
        }
        let f = self
            .fs
            .open(&new_path, OpenMode::CreateNew)
            .map_err(|e| os("open", &new_path, e))?;
        let written = f
            .lock(LockKind::Exclusive)
            .map_err(|e| os("lock", &new_path, e))
            .and_then(|()| {
                f.write_all_at(bytes, 0)
                    .map_err(|e| os("write", &new_path, e))
            })
            .and_then(|()| f.sync().map_err(|e| os("fsync", &new_path, e)))
            .and_then(|()| {
                self.fs
                    .rename(&new_path, &self.path)
                    .map_err(|e| os("rename", &new_path, e))
            });
        if let Err(e) = written {
            let _ = self.fs.remove_file(&new_path);
            return Err(e);
        }
        self.fs.sync_dir(&dir).map_err(|e| os("fsync", &dir, e))?;
        let _ = self.file.unlock();
        self.held = Held::Exclusive;
        self.switch_file(f, bytes.len() as u64)
    }

    /// Rewrites the database compactly. Needs the write lock, outside a
    /// transaction.
    pub(super) fn checkpoint(&mut self) -> Result<(), DbError> {
        self.check_consistent()?;
        let (records, _) = self.scan(b"", None, usize::MAX)?;
        let generation = self.header.generation + 1;
        let (bytes, header) = build_file(
            records.iter().map(|(k, v)| (k.as_slice(), v.as_slice())),
            generation,
            &mut self.rng,
        );
        self.replace_file(&bytes)?;
        self.header = header;
        self.end = header.current_size;
        Ok(())
    }
}
