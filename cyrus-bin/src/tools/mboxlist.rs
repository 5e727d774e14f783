//! `cyr_mboxlist`: dump `mailboxes.db` in Cyrus 3.6's JSON format
//! (`ctl_mboxlist -d`, `-y`, `-p`) and load such a dump back (`-u`).

use std::path::PathBuf;
use std::sync::Arc;

use cyrus_store::db::{self, Db, OpenFlags};
use cyrus_store::mboxlist::{self, DumpScope};
use cyrus_store::os::{FsRef, RealFs};

use super::common::ToolError;
use super::site::db_path;
use crate::config::{store_options, ImapdConf};

/// Opens mailboxes.db directly (read-only unless `create`).
pub(crate) fn open_mboxlist(
    conf: &ImapdConf,
    create: bool,
) -> Result<(PathBuf, Box<dyn Db>), ToolError> {
    let opts = store_options(conf)?;
    let path = match &opts.databases.mboxlist.path {
        Some(p) => p.clone(),
        None => db_path(conf, "mboxlist", "mailboxes.db")?,
    };
    let fs: FsRef = Arc::new(RealFs::new());
    let flags = OpenFlags {
        create,
        read_only: !create,
        ..OpenFlags::default()
    };
    let db = db::open(fs, &path, opts.databases.mboxlist.backend, flags)
        .map_err(|e| ToolError::Usage(format!("{}: {e}", path.display())))?;
    Ok((path, db))
}

/// `ctl_mboxlist -d`: the JSON dump, with placeholders when
/// `intermediates` (`-y`), limited to one partition with `-p`.
pub fn mboxlist_dump(
    conf: &ImapdConf,
    intermediates: bool,
    partition: Option<&str>,
) -> Result<String, ToolError> {
    let (_, mut db) = open_mboxlist(conf, false)?;
    let scope = if intermediates {
        DumpScope::WithIntermediates
    } else {
        DumpScope::Default
    };
    Ok(mboxlist::dump(db.as_mut(), scope, partition).map_err(cyrus_store::Error::from)?)
}

/// `ctl_mboxlist -u`: writes every entry of `text` (a dump) in one
/// transaction; returns how many.
pub fn mboxlist_undump(conf: &ImapdConf, text: &str, now: u32) -> Result<usize, ToolError> {
    let (path, mut db) = open_mboxlist(conf, true)?;
    mboxlist::undump(db.as_mut(), text, i64::from(now))
        .map_err(|e| ToolError::Usage(format!("{}: {e}", path.display())))
}
