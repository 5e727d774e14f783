//! Typed store options. The store never reads `imapd.conf` itself: the
//! caller (e.g. `cyrus-bin`) builds a [`StoreOptions`] and passes it in.
//! Defaults are Cyrus 3.6's defaults.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::db::DbBackend;
use crate::mailbox::ExpungeMode;
use crate::mboxname::NamespaceConfig;

/// How `DELETE` of a mailbox works (`delete_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeleteMode {
    /// Remove at once.
    Immediate,
    /// Rename to `DELETED.<name>.<hextime>` for `cyr_expire -D` to remove.
    #[default]
    Delayed,
}

/// Backend and optional alternate path of one database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbSpec {
    /// On-disk format.
    pub backend: DbBackend,
    /// Alternate path (`*_db_path`); `None` = the default location.
    pub path: Option<PathBuf>,
}

impl DbSpec {
    fn new(backend: DbBackend) -> Self {
        DbSpec {
            backend,
            path: None,
        }
    }
}

/// The databases and their formats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbOptions {
    /// `mboxlist_db` (twoskip).
    pub mboxlist: DbSpec,
    /// `quota_db` (quotalegacy).
    pub quota: DbSpec,
    /// `seenstate_db` (twoskip).
    pub seen: DbSpec,
    /// `subscription_db` (flat).
    pub subscription: DbSpec,
    /// `annotation_db` (twoskip).
    pub annotation: DbSpec,
    /// `duplicate_db` (twoskip).
    pub duplicate: DbSpec,
    /// `userdeny_db` (flat).
    pub userdeny: DbSpec,
}

impl Default for DbOptions {
    fn default() -> Self {
        DbOptions {
            mboxlist: DbSpec::new(DbBackend::Twoskip),
            quota: DbSpec::new(DbBackend::QuotaLegacy),
            seen: DbSpec::new(DbBackend::Twoskip),
            subscription: DbSpec::new(DbBackend::Flat),
            annotation: DbSpec::new(DbBackend::Twoskip),
            duplicate: DbSpec::new(DbBackend::Twoskip),
            userdeny: DbSpec::new(DbBackend::Flat),
        }
    }
}

/// Access-control defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclOptions {
    /// `admins`: userids with admin rights everywhere.
    pub admins: Vec<String>,
    /// `defaultacl` for new top-level shared mailboxes (`anyone lrs`).
    pub default_acl: String,
    /// `implicit_owner_rights` (`lkxan`).
    pub implicit_owner_rights: String,
    /// `deleteright` (`c`).
    pub delete_right: char,
    /// `anyoneuseracl` (on).
    pub anyone_user_acl: bool,
    /// `acl_admin_implies_write` (off).
    pub admin_implies_write: bool,
}

impl Default for AclOptions {
    fn default() -> Self {
        AclOptions {
            admins: Vec::new(),
            default_acl: "anyone lrs".into(),
            implicit_owner_rights: "lkxan".into(),
            delete_right: 'c',
            anyone_user_acl: true,
            admin_implies_write: false,
        }
    }
}

/// Everything the store needs to know about a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// `configdirectory`.
    pub config_dir: PathBuf,
    /// `partition-<name>` paths.
    pub partitions: BTreeMap<String, PathBuf>,
    /// `defaultpartition`; `None` = the only/first partition.
    pub default_partition: Option<String>,
    /// `metapartition-<name>` paths.
    pub meta_partitions: BTreeMap<String, PathBuf>,
    /// `hashimapspool`.
    pub hash_imap_spool: bool,
    /// `fulldirhash`.
    pub full_dir_hash: bool,
    /// `mailbox_legacy_dirs`: by-name directories for new mailboxes.
    pub mailbox_legacy_dirs: bool,
    /// Client-visible naming.
    pub namespace: NamespaceConfig,
    /// `expunge_mode`.
    pub expunge_mode: ExpungeMode,
    /// `delete_mode`.
    pub delete_mode: DeleteMode,
    /// `deletedprefix` (`DELETED`).
    pub deleted_prefix: String,
    /// Database formats and paths.
    pub databases: DbOptions,
    /// ACL defaults and admins.
    pub acl: AclOptions,
    /// `duplicatesuppression` (on).
    pub duplicate_suppression: bool,
    /// `singleinstancestore` (on): hard-link one message into several
    /// mailboxes of a partition.
    pub single_instance_store: bool,
    /// `mboxname_lockpath`; `None` = `<configdirectory>/lock`.
    pub lock_path: Option<PathBuf>,
    /// `sievedir`.
    pub sieve_dir: PathBuf,
    /// `autocreate_quota` in KiB: `None` = autocreate off (`-1`).
    pub autocreate_quota: Option<i64>,
    /// `autocreate_quota_messages`: `None` = unlimited (`-1`).
    pub autocreate_quota_messages: Option<i64>,
}

impl StoreOptions {
    /// Options for a store rooted at `config_dir` with one partition
    /// `default` at `spool`, everything else at Cyrus's defaults.
    pub fn new(config_dir: impl Into<PathBuf>, spool: impl Into<PathBuf>) -> Self {
        let mut partitions = BTreeMap::new();
        partitions.insert("default".to_string(), spool.into());
        StoreOptions {
            config_dir: config_dir.into(),
            partitions,
            default_partition: Some("default".into()),
            meta_partitions: BTreeMap::new(),
            hash_imap_spool: false,
            full_dir_hash: false,
            mailbox_legacy_dirs: false,
            namespace: NamespaceConfig::default(),
            expunge_mode: ExpungeMode::default(),
            delete_mode: DeleteMode::default(),
            deleted_prefix: "DELETED".into(),
            databases: DbOptions::default(),
            acl: AclOptions::default(),
            duplicate_suppression: true,
            single_instance_store: true,
            lock_path: None,
            sieve_dir: PathBuf::from("/usr/sieve"),
            autocreate_quota: None,
            autocreate_quota_messages: None,
        }
    }
}
