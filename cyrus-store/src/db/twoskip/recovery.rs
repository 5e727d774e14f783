//! Recovery of a file that was not closed cleanly (DIRTY, or bytes past
//! `current_size`): `recovery1` repairs pointers in place, `recovery2`
//! rebuilds the file from its COMMIT-delimited transactions (Cyrus
//! `recovery`, `recovery1`, `recovery2`).

use std::collections::{BTreeMap, HashMap};

use super::engine::Twoskip;
use super::format::{is_blank, Kind, DIRTY, DUMMY_OFFSET, HEADER_SIZE, MAXLEVEL};
use crate::db::error::DbError;

const SLOTS: usize = MAXLEVEL as usize + 1;

/// One logged change, as found while scanning the file.
enum Op {
    Set(Vec<u8>, Vec<u8>),
    /// A DELETE record: the offset of the record that followed the deleted
    /// one (0 = it was the last).
    Delete(u64),
}

impl Twoskip {
    /// Runs recovery if the file is not clean. Needs the write lock.
    pub(super) fn recovery(&mut self) -> Result<(), DbError> {
        if self.is_clean() {
            return Ok(());
        }
        match self.recovery1() {
            Ok(()) => Ok(()),
            Err(_) => {
                // recovery1 may have left the header DIRTY with `end` moved;
                // recovery2 reads the whole file regardless.
                self.recovery2()
            }
        }
    }

    /// Walks level 0 using only pointers below `current_size` (the
    /// pre-transaction links always survive), fixes every higher-level
    /// pointer to match, zeroes level-0 slots that point into the lost
    /// transaction, truncates, and clears DIRTY.
    fn recovery1(&mut self) -> Result<(), DbError> {
        if self.header.current_size <= HEADER_SIZE {
            return Err(self.corrupt(48, "current_size too small to recover"));
        }
        self.end = self.header.current_size;
        if !self.header.is_dirty() {
            self.header.flags |= DIRTY;
            self.commit_header()?;
        }
        let mut prev_rec = self.read_dummy()?;
        let mut prev = [0u64; SLOTS];
        let mut next = [0u64; SLOTS];
        for i in 2..SLOTS {
            prev[i] = prev_rec.offset;
            next[i] = prev_rec.next[i];
        }
        for i in 0..2 {
            if prev_rec.next[i] >= self.end {
                prev_rec.next[i] = 0;
                self.rewrite(&prev_rec)?;
            }
        }
        let mut next_offset = self.getloc(&prev_rec, 0);
        let mut num_records = 0u64;
        let mut steps = 0u64;
        let limit = self.step_limit();
        while next_offset != 0 {
            steps += 1;
            if steps > limit {
                return Err(self.corrupt(next_offset, "pointer cycle"));
            }
            let mut rec = self
                .read_record(next_offset)?
                .ok_or_else(|| self.corrupt(0, "null record"))?;
            if rec.kind == Kind::Delete {
                next_offset = rec.next[0];
                continue;
            }
            if rec.kind != Kind::Record || rec.key <= prev_rec.key {
                return Err(self.corrupt(rec.offset, "records out of order"));
            }
            for i in 2..=usize::from(rec.level) {
                if next[i] != rec.offset {
                    let mut fix = self
                        .read_record(prev[i])?
                        .ok_or_else(|| self.corrupt(0, "null record"))?;
                    fix.next[i] = rec.offset;
                    self.rewrite(&fix)?;
                }
                prev[i] = rec.offset;
                next[i] = rec.next[i];
            }
            for i in 0..2 {
                if rec.next[i] >= self.end {
                    rec.next[i] = 0;
                    self.rewrite(&rec)?;
                }
            }
            num_records += 1;
            next_offset = self.getloc(&rec, 0);
            prev_rec = rec;
        }
        for i in 2..SLOTS {
            if next[i] != 0 {
                let mut fix = self
                    .read_record(prev[i])?
                    .ok_or_else(|| self.corrupt(0, "null record"))?;
                fix.next[i] = 0;
                self.rewrite(&fix)?;
            }
        }
        let cur = self.header.current_size;
        self.truncate(cur)?;
        self.sync()?;
        self.header.flags &= !DIRTY;
        self.header.num_records = num_records;
        self.commit_header()
    }

    /// Replays every complete transaction in the file into a fresh file and
    /// renames it over the database (generation + 1).
    ///
    /// Cyrus 3.6 finds the key of a DELETE by reading the record its
    /// pointer names, which is the record *after* the deleted one; here the
    /// deleted key is the predecessor of that record in the state replayed
    /// so far, which is what the DELETE meant.
    fn recovery2(&mut self) -> Result<(), DbError> {
        // A failed write may have left more on disk than `size` says.
        self.size = self.file.len().map_err(|e| self.io_err("stat", e))?;
        self.remap()?;
        let mut state: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        let mut keys_at: HashMap<u64, Vec<u8>> = HashMap::new();
        let mut pending: Vec<Op> = Vec::new();
        let mut dirty = false;
        let mut offset = DUMMY_OFFSET;
        while offset < self.size {
            if is_blank(self.bytes(offset, 8)) {
                offset += 8;
                continue;
            }
            let rec = match self.read_record(offset) {
                Ok(Some(r)) => r,
                _ => {
                    dirty = true;
                    offset += 8;
                    continue;
                }
            };
            match rec.kind {
                Kind::Record => match self.read_value(&rec) {
                    Ok(v) => {
                        keys_at.insert(rec.offset, rec.key.clone());
                        pending.push(Op::Set(rec.key.clone(), v));
                    }
                    Err(_) => dirty = true,
                },
                Kind::Delete => pending.push(Op::Delete(rec.next[0])),
                Kind::Commit => {
                    if !dirty {
                        let mut next_state = state.clone();
                        if apply(&mut next_state, &pending, &keys_at) {
                            state = next_state;
                        }
                    }
                    pending.clear();
                    dirty = false;
                }
                Kind::Dummy => {}
            }
            offset += rec.len();
        }
        if state.is_empty() {
            // As Cyrus: a rebuild that finds nothing is almost certainly
            // wrong, so the damaged file is left alone.
            return Err(self.corrupt(0, "recovery2 found no records"));
        }
        let generation = self.header.generation + 1;
        let (bytes, header) = super::repack::build_file(
            state.iter().map(|(k, v)| (k.as_slice(), v.as_slice())),
            generation,
            &mut self.rng,
        );
        self.replace_file(&bytes)?;
        self.header = header;
        self.end = header.current_size;
        self.size = bytes.len() as u64;
        Ok(())
    }
}

/// Applies one transaction's changes; false if a DELETE cannot be placed.
fn apply(
    state: &mut BTreeMap<Vec<u8>, Vec<u8>>,
    ops: &[Op],
    keys_at: &HashMap<u64, Vec<u8>>,
) -> bool {
    for op in ops {
        match op {
            Op::Set(k, v) => {
                state.insert(k.clone(), v.clone());
            }
            Op::Delete(next) => {
                let victim = if *next == 0 {
                    state.keys().next_back().cloned()
                } else {
                    match keys_at.get(next) {
                        Some(nk) => state
                            .range::<Vec<u8>, _>(..nk.clone())
                            .next_back()
                            .map(|(k, _)| k.clone()),
                        None => return false,
                    }
                };
                match victim {
                    Some(k) => {
                        state.remove(&k);
                    }
                    None => return false,
                }
            }
        }
    }
    true
}
