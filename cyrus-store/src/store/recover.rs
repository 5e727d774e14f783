//! `ctl_cyrusdb -r`, run once at start-up before any service: what
//! recovery means for this store.
//!
//! * `<configdirectory>/db/skipstamp` gets the recovery time, 4 bytes
//!   big-endian Unix seconds (Cyrus's skiplist `myinit` with
//!   `CYRUSDB_RECOVER`; Cyrus processes log "skipstamp is missing, have
//!   you run `ctl_cyrusdb -r`?" without it). As there, a
//!   `db/skipcleanshutdown` file left by a clean shutdown is consumed and
//!   an existing stamp then kept.
//! * Each site-wide database that exists is opened (which runs the
//!   backend's own crash recovery, e.g. twoskip's) and checked.
//! * Unless the caller skips clean-up (`-x`): stage files older than
//!   [`STAGE_MAX_AGE`] that a crashed delivery left are removed, and
//!   mailboxes.db entries still reserved (a create that never finished;
//!   Cyrus `fixmbox`) are dropped.

use crate::error::Error;
use crate::mboxlist::{self, MbType, Visibility};
use crate::os::{OpenMode, OsError};

use super::site::Store;

/// The database environment directory below the configuration directory.
pub const DB_DIR: &str = "db";
/// The recovery stamp's file name in [`DB_DIR`].
pub const SKIPSTAMP: &str = "skipstamp";
/// Left by a clean shutdown (by init scripts; nothing in Cyrus writes it).
pub const CLEAN_SHUTDOWN: &str = "skipcleanshutdown";
/// Stage files older than this (seconds) belong to no running delivery.
pub const STAGE_MAX_AGE: u32 = 3600;

/// What [`Store::recover`] should do besides the stamp and the checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecoverOptions {
    /// Remove stale stage files and reserved mailboxes.db entries (off
    /// with `ctl_cyrusdb -x`).
    pub cleanup: bool,
}

/// What recovery found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecoverReport {
    /// The stamp written, or `None` when a clean shutdown kept the old one.
    pub stamp: Option<u32>,
    /// Databases that do not open or fail their check: (name, why).
    pub bad_databases: Vec<(String, String)>,
    /// Stage files removed.
    pub stage_removed: usize,
    /// Reserved mailboxes.db entries removed (internal names).
    pub reserved_removed: Vec<String>,
}

impl Store {
    /// `ctl_cyrusdb -r` at time `now` (see the module documentation).
    /// Damaged databases are reported, not returned as an error, so the
    /// caller sees them all.
    pub fn recover(&self, opts: RecoverOptions, now: u32) -> Result<RecoverReport, Error> {
        let mut report = RecoverReport {
            stamp: self.write_skipstamp(now)?,
            ..RecoverReport::default()
        };
        for d in self.site_databases() {
            if !self.fs().exists(&d.path) {
                continue;
            }
            let checked = if d.label == "mailboxes.db" {
                self.with_mboxlist(|db| Ok(db.consistent()?))
            } else {
                self.open_site_db(&d)
                    .and_then(|mut db| Ok(db.consistent()?))
            };
            if let Err(e) = checked {
                report
                    .bad_databases
                    .push((d.path.display().to_string(), e.to_string()));
            }
        }
        if opts.cleanup {
            report.stage_removed =
                self.clean_stage(i64::from(now.saturating_sub(STAGE_MAX_AGE)))?;
            report.reserved_removed = self.remove_reserved(now)?;
        }
        Ok(report)
    }

    /// Writes `db/skipstamp` (creating `db/`), unless a clean-shutdown
    /// marker says the existing stamp stands.
    fn write_skipstamp(&self, now: u32) -> Result<Option<u32>, Error> {
        let fs = self.fs();
        let dir = self.options().config_dir.join(DB_DIR);
        fs.create_dir_all(&dir)
            .map_err(|e| Error::Os(OsError::new("mkdir", &dir, e)))?;
        let stamp = dir.join(SKIPSTAMP);
        let clean = dir.join(CLEAN_SHUTDOWN);
        if fs.exists(&clean) {
            let _ = fs.remove_file(&clean);
            if fs.exists(&stamp) {
                return Ok(None);
            }
        }
        let f = fs
            .open(&stamp, OpenMode::Truncate)
            .map_err(|e| Error::Os(OsError::new("open", &stamp, e)))?;
        f.write_all_at(&now.to_be_bytes(), 0)
            .and_then(|()| f.sync())
            .map_err(|e| Error::Os(OsError::new("write", &stamp, e)))?;
        Ok(Some(now))
    }

    /// Drops mailboxes.db entries marked reserved (`z`): a create that was
    /// cut off between reserving the name and writing the mailbox.
    fn remove_reserved(&self, now: u32) -> Result<Vec<String>, Error> {
        self.with_mboxlist(|db| {
            let reserved: Vec<_> = mboxlist::all(db, Visibility::All)?
                .into_iter()
                .filter(|e| e.mbtype.has(MbType::RESERVE))
                .collect();
            let mut out = Vec::new();
            for e in reserved {
                mboxlist::update_entry(db, &e.name, None, i64::from(now))?;
                out.push(e.name.to_internal());
            }
            Ok(out)
        })
    }
}
