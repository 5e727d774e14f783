//! `cyr_quota`: Cyrus's `quota` tool (`imap/quota.c`): report the quota
//! roots (text or `-J` JSON) and, with `-f`, recount each root's usage
//! from its mailboxes' index headers and repair what differs.

use std::sync::Arc;

use cyrus_store::db::{self, Db, OpenFlags, QuotaLegacyOptions};
use cyrus_store::mailbox::Mailbox;
use cyrus_store::mboxname::{MailboxName, Viewer, VirtDomains};
use cyrus_store::os::{FsRef, LockKind, RealFs};
use cyrus_store::quota::{self, Quota, QuotaResource};
use cyrus_store::Store;

use super::common::ToolError;
use super::site::admin_name;

/// How to run the tool.
#[derive(Debug, Clone, Default)]
pub struct QuotaRequest {
    /// Root prefixes as given (admin namespace, or userids with `userids`).
    pub prefixes: Vec<String>,
    /// `-u`: the prefixes are userids.
    pub userids: bool,
    /// `-J`: JSON report.
    pub json: bool,
    /// `-f`: recount usage from the mailboxes.
    pub fix: bool,
    /// `-n`: with `-f`, report but do not write.
    pub dry_run: bool,
    /// `-q`: with `-f`, no report afterwards.
    pub quiet: bool,
}

fn open_quota_db(store: &Store) -> Result<Box<dyn Db>, ToolError> {
    let o = store.options();
    let path = o
        .databases
        .quota
        .path
        .clone()
        .unwrap_or_else(|| o.config_dir.join("quotas.db"));
    let fs: FsRef = Arc::new(RealFs::new());
    let flags = OpenFlags {
        create: true,
        quota: QuotaLegacyOptions {
            virtdomains: o.namespace.virtdomains != VirtDomains::Off,
            fulldirhash: o.full_dir_hash,
        },
        ..OpenFlags::default()
    };
    db::open(fs, &path, o.databases.quota.backend, flags)
        .map_err(|e| ToolError::Usage(format!("{}: {e}", path.display())))
}

/// Internal-name prefixes for the arguments (every root without any).
fn internal_prefixes(store: &Store, req: &QuotaRequest) -> Result<Vec<String>, ToolError> {
    if req.prefixes.is_empty() {
        return Ok(vec![String::new()]);
    }
    req.prefixes
        .iter()
        .map(|p| {
            if req.userids {
                let u = cyrus_store::mboxname::UserId::try_from(p.as_str())
                    .map_err(|e| ToolError::Usage(format!("{p}: {e}")))?;
                Ok(MailboxName::user_inbox(&u).to_internal())
            } else {
                Ok(admin_name(store, p)?.to_internal())
            }
        })
        .collect()
}

/// The roots the request covers, in key order, each once.
fn roots(store: &Store, qdb: &mut dyn Db, req: &QuotaRequest) -> Result<Vec<Quota>, ToolError> {
    let mut out: Vec<Quota> = Vec::new();
    for p in internal_prefixes(store, req)? {
        for q in quota::all(qdb, &p).map_err(cyrus_store::Error::from)? {
            if !out.iter().any(|o| o.root == q.root) {
                out.push(q);
            }
        }
    }
    out.sort_by(|a, b| a.root.cmp(&b.root));
    Ok(out)
}

/// Recounts every root in `roots` from the mailboxes it governs; returns
/// the fix lines, with internal names as Cyrus prints them
/// (`<root>: <RESOURCE> usage was X, now Y`, and
/// `<mailbox>: quota root <old> --> <new>` for headers naming the wrong
/// root), writing the changes unless `dry_run`.
fn fix(
    store: &Store,
    qdb: &mut dyn Db,
    roots: &mut [Quota],
    dry_run: bool,
) -> Result<String, ToolError> {
    let mut out = String::new();
    let mut counted = vec![[0i64; 4]; roots.len()];
    for entry in store.all_mailboxes()? {
        if entry.mbtype.is_deleted() || entry.partition.is_none() {
            continue;
        }
        let governing = quota::find_root(qdb, &entry.name).map_err(cyrus_store::Error::from)?;
        let Some(i) = roots
            .iter()
            .position(|q| Some(q.root.as_str()) == governing.as_deref())
        else {
            continue;
        };
        let dir = store.mailbox_dir(&entry)?;
        let lock = if dry_run {
            LockKind::Shared
        } else {
            LockKind::Exclusive
        };
        let mut mbox =
            Mailbox::open(store.fs().clone(), &dir, lock).map_err(cyrus_store::Error::from)?;
        if mbox.header().quotaroot != governing {
            out.push_str(&format!(
                "{}: quota root {} --> {}\n",
                entry.name.to_internal(),
                mbox.header().quotaroot.as_deref().unwrap_or("(none)"),
                governing.as_deref().unwrap_or("(none)")
            ));
            if !dry_run {
                mbox.set_quotaroot(governing.as_deref())
                    .map_err(cyrus_store::Error::from)?;
            }
        }
        let ix = mbox.index();
        let usage = [
            i64::try_from(ix.quota_mailbox_used).unwrap_or(i64::MAX),
            i64::from(ix.exists),
            i64::from(ix.quota_annot_used),
            1,
        ];
        for (sum, u) in counted[i].iter_mut().zip(usage) {
            *sum = sum.saturating_add(u);
        }
    }
    for (q, c) in roots.iter_mut().zip(counted) {
        let mut fixed = q.clone();
        for (r, now) in QuotaResource::ALL.into_iter().zip(c) {
            if q.used(r) != now {
                // Cyrus names the root by its internal name here.
                out.push_str(&format!(
                    "{}: {} usage was {}, now {now}\n",
                    q.root,
                    r.name(),
                    q.used(r)
                ));
                fixed.set_used(r, now);
            }
        }
        // With -n the report that follows shows the records as they are.
        if fixed != *q && !dry_run {
            fixed.modseq = fixed.modseq.next();
            quota::write(qdb, &fixed).map_err(cyrus_store::Error::from)?;
            *q = fixed;
        }
    }
    Ok(out)
}

/// What the tool prints: Cyrus writes the fix lines to stderr and the
/// report to stdout.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuotaOutput {
    /// With `fix`: one line per repaired value (stderr).
    pub fixes: String,
    /// The report (stdout); empty with `fix` and `quiet`.
    pub report: String,
}

/// Runs the tool: with `fix`, first the recount; then the report
/// (unless `quiet` with `fix`).
pub fn quota_tool(store: &Store, req: &QuotaRequest) -> Result<QuotaOutput, ToolError> {
    let mut qdb = open_quota_db(store)?;
    let mut list = roots(store, qdb.as_mut(), req)?;
    let mut out = QuotaOutput::default();
    if req.fix {
        out.fixes = fix(store, qdb.as_mut(), &mut list, req.dry_run)?;
        if req.quiet {
            return Ok(out);
        }
    }
    let ns = store.namespace(Viewer::Admin);
    out.report = if req.json {
        quota::report_json(&ns, &list)
    } else {
        quota::report(&ns, &list)
    };
    Ok(out)
}
