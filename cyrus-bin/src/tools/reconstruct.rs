//! `cyr_reconstruct`: rebuilds mailbox metadata from the spool, as Cyrus's
//! `reconstruct` does (see `cyrus_store::reconstruct`). Prints each
//! mailbox name as it is checked (unless quiet) and one line per finding.

use std::io::Write;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use cyrus_store::os::{FsRef, RealFs};
use cyrus_store::reconstruct::{self, Options, Selection};
use cyrus_store::Store;

use super::common::ToolError;
use crate::config::{store_options, ImapdConf};

/// What the command line asked for.
#[derive(Debug, Clone, Default)]
pub struct ReconstructRequest {
    /// `-r`: recurse into children.
    pub recursive: bool,
    /// `-f`: scan the spool for mailboxes mailboxes.db lacks.
    pub scan_spool: bool,
    /// `-n`: report only.
    pub dry_run: bool,
    /// `-G`: re-parse every message.
    pub reparse_all: bool,
    /// `-x`: ignore existing index records.
    pub ignore_index: bool,
    /// `-p`: only this partition.
    pub partition: Option<String>,
    /// `-u`: arguments are userids.
    pub users: bool,
    /// `-q`: do not print the names of the mailboxes checked.
    pub quiet: bool,
    /// Mailbox names (or userids); empty means every mailbox.
    pub args: Vec<String>,
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReconstructSummary {
    /// Mailboxes checked.
    pub checked: usize,
    /// Problems found.
    pub findings: usize,
    /// Mailboxes that could not be reconstructed.
    pub failed: usize,
}

fn now() -> u32 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX))
        .unwrap_or(0)
}

fn io_err(e: std::io::Error) -> ToolError {
    ToolError::Io {
        path: "stdout".into(),
        source: e,
    }
}

/// Runs reconstruct on the site `conf` describes, writing the report to
/// `out` and per-mailbox failures to `err`.
pub fn reconstruct(
    conf: &ImapdConf,
    req: &ReconstructRequest,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ReconstructSummary, ToolError> {
    let opts = store_options(conf)?;
    let fs: FsRef = Arc::new(RealFs::new());
    let store = Store::open(fs, opts)?;
    let ropts = Options {
        dry_run: req.dry_run,
        reparse_all: req.reparse_all,
        ignore_index: req.ignore_index,
        now: now(),
    };
    let mut summary = ReconstructSummary::default();
    let mut names = Vec::new();
    if req.scan_spool {
        let scan = reconstruct::scan_spool(&store, req.partition.as_deref(), &ropts)?;
        for f in &scan.findings {
            writeln!(out, "{f}").map_err(io_err)?;
        }
        summary.findings += scan.findings.len();
        names.extend(scan.discovered);
    }
    let sel = Selection {
        recursive: req.recursive,
        users: req.users,
        partition: req.partition.clone(),
    };
    // With -f and no arguments, only what the scan discovered.
    if !(req.scan_spool && req.args.is_empty()) {
        for n in reconstruct::resolve_targets(&store, &req.args, &sel)? {
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    let ns = store.namespace(cyrus_store::mboxname::Viewer::Admin);
    for name in names {
        summary.checked += 1;
        if !req.quiet {
            let ext = ns
                .to_external(&name, None)
                .unwrap_or_else(|| name.to_internal());
            writeln!(out, "{ext}").map_err(io_err)?;
        }
        match reconstruct::mailbox(&store, &name, &ropts) {
            Ok(report) => {
                for f in &report.findings {
                    writeln!(out, "{f}").map_err(io_err)?;
                }
                summary.findings += report.findings.len();
            }
            Err(e) => {
                summary.failed += 1;
                writeln!(err, "{}: {e}", name.to_internal()).map_err(io_err)?;
            }
        }
    }
    Ok(summary)
}
