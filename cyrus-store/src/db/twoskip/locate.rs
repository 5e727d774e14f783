//! Finding keys: the skiplist search that also yields, per level, the
//! record pointing at the location and the record it points to (Cyrus
//! `relocate` and `struct skiploc`).

use std::cmp::Ordering;

use super::engine::Twoskip;
use super::format::{Kind, Record, DUMMY_OFFSET, MAXLEVEL};
use crate::db::error::DbError;

/// Key-value pairs in key order.
pub(super) type Records = Vec<(Vec<u8>, Vec<u8>)>;

const SLOTS: usize = MAXLEVEL as usize + 1;

/// A position in the list relative to a key.
#[derive(Debug, Clone)]
pub(super) struct Loc {
    /// True when `record` holds exactly the key searched for.
    pub exact: bool,
    /// The record with the key, or the last record before it (maybe the
    /// DUMMY).
    pub record: Record,
    /// The value of `record` when `exact` (its tail CRC checked).
    pub value: Option<Vec<u8>>,
    /// Per level, the record whose pointer leads to this location.
    pub back: [u64; SLOTS],
    /// Per level, where that pointer (or, for an exact match below its
    /// level, the record's own pointer) leads.
    pub fwd: [u64; SLOTS],
}

impl Twoskip {
    pub(super) fn read_dummy(&self) -> Result<Record, DbError> {
        match self.read_record(DUMMY_OFFSET)? {
            Some(r) if r.kind == Kind::Dummy && r.level == MAXLEVEL => Ok(r),
            _ => Err(self.corrupt(DUMMY_OFFSET, "missing DUMMY record")),
        }
    }

    /// Finds `key`, or the place it would go.
    pub(super) fn relocate(&self, key: &[u8]) -> Result<Loc, DbError> {
        let dummy = self.read_dummy()?;
        let mut level = dummy.level;
        let mut loc = Loc {
            exact: false,
            record: dummy,
            value: None,
            back: [0; SLOTS],
            fwd: [0; SLOTS],
        };
        loc.back[usize::from(level)] = loc.record.offset;
        if key.is_empty() {
            for i in 0..level {
                loc.back[usize::from(i)] = loc.record.offset;
                loc.fwd[usize::from(i)] = self.getloc(&loc.record, i);
            }
            return Ok(loc);
        }
        let mut cmp: Option<Ordering> = None;
        let mut old_offset = 0;
        let mut found: Option<Record> = None;
        let mut steps = 0u64;
        let limit = self.step_limit();
        while level > 0 {
            steps += 1;
            if steps > limit {
                return Err(self.corrupt(loc.record.offset, "pointer cycle"));
            }
            let offset = self.getloc(&loc.record, level - 1);
            loc.back[usize::from(level - 1)] = loc.record.offset;
            loc.fwd[usize::from(level - 1)] = offset;
            if offset != old_offset {
                old_offset = offset;
                found = self.read_skipdelete(offset)?;
                if let Some(rec) = &found {
                    if rec.level < level || rec.kind != Kind::Record {
                        return Err(self.corrupt(rec.offset, "bad record in skip list"));
                    }
                    let c = rec.key.as_slice().cmp(key);
                    cmp = Some(c);
                    if c == Ordering::Less {
                        loc.record = rec.clone();
                        continue;
                    }
                }
            }
            level -= 1;
        }
        if cmp == Some(Ordering::Equal) {
            if let Some(rec) = found {
                for i in 0..rec.level {
                    loc.fwd[usize::from(i)] = self.getloc(&rec, i);
                }
                loc.value = Some(self.read_value(&rec)?);
                loc.record = rec;
                loc.exact = true;
            }
        }
        Ok(loc)
    }

    /// The first live record after `rec` in key order.
    pub(super) fn next_record(&self, rec: &Record) -> Result<Option<Record>, DbError> {
        let next = self.read_skipdelete(self.getloc(rec, 0))?;
        if let Some(n) = &next {
            if n.kind != Kind::Record || n.key <= rec.key {
                return Err(self.corrupt(n.offset, "records out of order"));
            }
        }
        Ok(next)
    }

    /// Up to `limit` records in key order starting after `after` (or at
    /// the first key `>= prefix` when `after` is `None`) while keys start
    /// with `prefix`. The flag says whether more may follow.
    pub(super) fn scan(
        &self,
        prefix: &[u8],
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<(Records, bool), DbError> {
        let mut out = Vec::new();
        let loc = self.relocate(after.unwrap_or(prefix))?;
        let mut cur = if loc.exact && after.is_none() {
            Some(loc.record)
        } else {
            self.next_record(&loc.record)?
        };
        while let Some(rec) = cur {
            if !rec.key.starts_with(prefix) {
                return Ok((out, false));
            }
            if out.len() >= limit {
                return Ok((out, true));
            }
            let val = self.read_value(&rec)?;
            cur = self.next_record(&rec)?;
            out.push((rec.key, val));
        }
        Ok((out, false))
    }
}
