//! Opening the site an `imapd.conf` describes, and reading mailbox names
//! the way Cyrus's admin tools take them (the admin namespace:
//! `user/alice/Sent`, `shared-news`, `DELETED/user/alice/x/6B02EEA4`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use cyrus_store::mboxname::{MailboxName, Viewer};
use cyrus_store::os::{FsRef, RealFs};
use cyrus_store::Store;

use super::common::ToolError;
use crate::config::{store_options, ImapdConf};

/// Opens the store named by the configuration, on the real filesystem.
pub fn open_store(conf: &ImapdConf) -> Result<Store, ToolError> {
    let opts = store_options(conf)?;
    // Store::open creates what is missing; a tool pointed at a wrong
    // configuration must not scatter new directories around.
    if !opts.config_dir.is_dir() {
        return Err(ToolError::Usage(format!(
            "configdirectory {} does not exist (run cyr_mkimap)",
            opts.config_dir.display()
        )));
    }
    let fs: FsRef = Arc::new(RealFs::new());
    Ok(Store::open(fs, opts)?)
}

/// The internal name of an admin-namespace external name; as Cyrus's
/// tools do, a name that is already internal (`user.alice.Sent`) is
/// accepted when the hierarchy separator is `/` and it does not parse.
pub fn admin_name(store: &Store, ext: &str) -> Result<MailboxName, ToolError> {
    let ns = store.namespace(Viewer::Admin);
    ns.to_internal(ext, None)
        .map_err(|e| ToolError::Usage(format!("{ext}: {e}")))
}

/// The admin-namespace external form of an internal name.
pub fn external_name(store: &Store, name: &MailboxName) -> String {
    store
        .namespace(Viewer::Admin)
        .to_external(name, None)
        .unwrap_or_else(|| name.to_internal())
}

/// Seconds since the epoch, saturated into `u32` (Cyrus's `time_t` in the
/// index is 32-bit until 2106).
pub fn now() -> u32 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    u32::try_from(secs).unwrap_or(u32::MAX)
}

/// `<configdirectory>/<file>` unless the option `<name>_db_path` says
/// otherwise.
pub fn db_path(conf: &ImapdConf, name: &str, file: &str) -> Result<PathBuf, ToolError> {
    if let Some(p) = conf.raw(&format!("{name}_db_path")) {
        return Ok(PathBuf::from(p));
    }
    let dir = conf
        .raw("configdirectory")
        .ok_or_else(|| ToolError::Usage("configdirectory option not specified".into()))?;
    Ok(Path::new(dir).join(file))
}

/// The live mailboxes named by admin-namespace arguments. A name with a
/// `*` or `%` is an IMAP LIST pattern over external names (Cyrus's tools
/// run `mboxlist_findall` on their arguments); a plain name must exist.
pub fn resolve_mailboxes(
    store: &Store,
    args: &[String],
) -> Result<Vec<cyrus_store::mboxlist::MbEntry>, ToolError> {
    let mut out = Vec::new();
    let sep = store.namespace(Viewer::Admin).separator();
    for a in args {
        if a.contains(['*', '%']) {
            let pat = cyrus_store::mboxlist::Pattern::new("", a, sep);
            let mut found: Vec<_> = store
                .all_mailboxes()?
                .into_iter()
                .filter(|e| pat.matches(&external_name(store, &e.name)))
                .collect();
            // Cyrus's admin findall walks the user hierarchy, then the
            // shared mailboxes, then the DELETED hierarchy.
            found.sort_by_key(|e| match (e.name.is_deleted(), e.name.is_user_mailbox()) {
                (true, _) => 2,
                (false, true) => 0,
                (false, false) => 1,
            });
            out.extend(found);
        } else {
            let name = admin_name(store, a)?;
            match store.lookup(&name)? {
                Some(e) => out.push(e),
                None => {
                    return Err(ToolError::Usage(format!("{a}: Mailbox does not exist")));
                }
            }
        }
    }
    Ok(out)
}
