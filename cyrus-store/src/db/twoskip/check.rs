//! `consistent`: walk every level and check order, linkage, CRCs and the
//! record count (Cyrus `myconsistent`, plus tail CRCs of live records).

use super::engine::Twoskip;
use super::format::{is_blank, Kind, DUMMY_OFFSET, MAXLEVEL};
use crate::db::error::DbError;

/// One entry of the file read front to back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct LogEntry {
    /// Where the BLANK fillers before the record start (= `offset` when
    /// there are none).
    pub blank_start: u64,
    pub offset: u64,
    pub kind: Kind,
    pub head_len: u64,
    pub len: u64,
}

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
        let log = self.scan_log()?;
        if log.first().map(|e| e.kind) != Some(Kind::Dummy) {
            return Err(self.corrupt(DUMMY_OFFSET, "file does not start with the DUMMY"));
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

impl Twoskip {
    /// Reads every record from the DUMMY to `end` in file order, checking
    /// each head and tail CRC and that records tile the file exactly.
    pub(super) fn scan_log(&self) -> Result<Vec<LogEntry>, DbError> {
        let mut out = Vec::new();
        let mut offset = DUMMY_OFFSET;
        let mut blank_start = offset;
        while offset < self.end {
            if is_blank(self.bytes(offset, 8)) {
                offset += 8;
                continue;
            }
            let rec = self
                .read_record(offset)?
                .ok_or_else(|| self.corrupt(offset, "null record"))?;
            self.read_value(&rec)?;
            out.push(LogEntry {
                blank_start,
                offset,
                kind: rec.kind,
                head_len: rec.head_len(),
                len: rec.len(),
            });
            offset = rec.end();
            blank_start = offset;
        }
        if offset != self.end {
            return Err(self.corrupt(offset, "last record runs past the end"));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::super::engine::TwoskipOptions;
    use super::super::format::{blanks_needed, BLOCKSIZE};
    use super::*;
    use crate::db::Db;
    use crate::os::{FsRef, LockKind, RealFs, SimFs};

    /// BLANKs appear exactly where Cyrus's `add_padding` puts them, and no
    /// head crosses a 512-byte block except in its first 8 bytes.
    fn check_padding(db: &mut Twoskip) {
        db.take_lock(LockKind::Shared).expect("lock");
        db.read_header().expect("header");
        let log = db.scan_log().expect("scan");
        db.unlock().expect("unlock");
        assert!(log.len() > 1);
        for e in &log {
            let blanks = (e.offset - e.blank_start) / 8;
            assert_eq!(
                blanks,
                blanks_needed(e.blank_start, e.head_len),
                "at {:#x}",
                e.offset
            );
            let first = (e.offset + 8) / BLOCKSIZE;
            let last = (e.offset + e.head_len - 1) / BLOCKSIZE;
            assert!(
                first == last || e.head_len > BLOCKSIZE - 8,
                "head straddles at {:#x}",
                e.offset
            );
        }
    }

    #[test]
    fn cyrus_files_follow_the_padding_rule() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/cyrus-3.6");
        for f in [
            "twoskip/binary-2000.db",
            "twoskip/printable.db",
            "basic/config/mailboxes.db",
        ] {
            let fs: FsRef = Arc::new(RealFs::new());
            let opts = TwoskipOptions {
                read_only: true,
                ..TwoskipOptions::default()
            };
            let mut db = Twoskip::open(fs, &dir.join(f), opts).expect("open");
            check_padding(&mut db);
        }
    }

    #[test]
    fn our_files_follow_the_padding_rule() {
        let fs: FsRef = Arc::new(SimFs::new());
        let opts = TwoskipOptions {
            create: true,
            seed: Some(1),
            ..TwoskipOptions::default()
        };
        let mut db = Twoskip::open(fs, Path::new("/p.db"), opts).expect("open");
        for i in 0..300u32 {
            let k = format!("key-{:05}", i * 7919 % 1000);
            db.store(k.as_bytes(), &vec![b'v'; (i % 50) as usize])
                .expect("store");
            if i % 4 == 0 {
                db.delete(format!("key-{:05}", i % 1000).as_bytes())
                    .expect("delete");
            }
        }
        check_padding(&mut db);
        db.repack().expect("repack");
        check_padding(&mut db);
        db.consistent().expect("consistent");
    }
}
