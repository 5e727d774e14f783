//! `consistent`: walk every level and check order, linkage, CRCs and the
//! record count (Cyrus `myconsistent`, plus tail CRCs of live records).

use super::engine::Twoskip;
use super::format::{Kind, MAXLEVEL};
use crate::db::error::DbError;

impl Twoskip {
    /// Checks the structure under the currently held lock.
    pub(super) fn check_consistent(&self) -> Result<(), DbError> {
        let mut prev = self.read_dummy()?;
        let mut fwd = [0u64; MAXLEVEL as usize];
        for (i, f) in fwd.iter_mut().enumerate() {
            *f = self.getloc(&prev, i as u8);
        }
        let mut num = 0u64;
        let mut steps = 0u64;
        let limit = self.step_limit();
        while fwd[0] != 0 {
            steps += 1;
            if steps > limit {
                return Err(self.corrupt(fwd[0], "pointer cycle"));
            }
            let rec = self
                .read_record(fwd[0])?
                .ok_or_else(|| self.corrupt(0, "null record"))?;
            if rec.kind == Kind::Delete {
                fwd[0] = rec.next[0];
                continue;
            }
            if rec.kind != Kind::Record {
                return Err(self.corrupt(rec.offset, "unexpected record type in list"));
            }
            if rec.key <= prev.key {
                return Err(self.corrupt(rec.offset, "twoskip out of order"));
            }
            for i in 0..rec.level {
                if fwd[usize::from(i)] != rec.offset {
                    return Err(self.corrupt(
                        rec.offset,
                        format!(
                            "broken linkage at level {i}: expected {:#x}",
                            fwd[usize::from(i)]
                        ),
                    ));
                }
                fwd[usize::from(i)] = self.getloc(&rec, i);
            }
            self.read_value(&rec)?;
            num += 1;
            prev = rec;
        }
        if let Some((i, f)) = fwd.iter().enumerate().find(|(_, f)| **f != 0) {
            return Err(self.corrupt(*f, format!("broken tail at level {i}")));
        }
        if num != self.header.num_records {
            return Err(self.corrupt(
                32,
                format!(
                    "record count mismatch: {num} found, header says {}",
                    self.header.num_records
                ),
            ));
        }
        Ok(())
    }
}
