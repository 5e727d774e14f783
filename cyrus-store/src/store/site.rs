use std::path::{Path, PathBuf};

use parking_lot::Mutex;

use crate::db::{self, Db, OpenFlags, QuotaLegacyOptions};
use crate::duplicate::{DuplicateKey, DuplicateMark};
use crate::error::Error;
use crate::ids::Uid;
use crate::mboxlist::MbEntry;
use crate::mboxname::{self, Namespace, Viewer, VirtDomains};
use crate::options::StoreOptions;
use crate::os::{FsRef, OsError};

use super::append::AppendJob;
use super::group_commit::GroupCommit;

/// An open store. Cheap to share between threads (`Arc<Store>`): each
/// operation takes the file locks it needs and releases them before it
/// returns.
#[derive(Debug)]
pub struct Store {
    fs: FsRef,
    opts: StoreOptions,
    /// `mailboxes.db`, kept open; its own file lock serialises writers
    /// across processes, this mutex across threads of one process.
    mboxlist: Mutex<Box<dyn Db>>,
    /// Appends waiting to share a mailbox commit.
    pub(super) appends: GroupCommit<AppendJob, Result<Vec<Uid>, Error>>,
    /// `deliver.db` marks waiting to share a transaction.
    pub(super) marks: GroupCommit<(DuplicateKey, DuplicateMark), Result<(), Error>>,
}

impl Store {
    /// Opens the store described by `opts`, creating the configuration
    /// directory, the partitions and an empty `mailboxes.db` when missing.
    pub fn open(fs: FsRef, opts: StoreOptions) -> Result<Store, Error> {
        let mkdir = |p: &Path| {
            fs.create_dir_all(p)
                .map_err(|e| Error::Os(OsError::new("mkdir", p, e)))
        };
        mkdir(&opts.config_dir)?;
        for p in opts.partitions.values() {
            mkdir(p)?;
        }
        let path = opts
            .databases
            .mboxlist
            .path
            .clone()
            .unwrap_or_else(|| opts.config_dir.join("mailboxes.db"));
        let mboxlist = db::open(
            fs.clone(),
            &path,
            opts.databases.mboxlist.backend,
            OpenFlags {
                create: true,
                ..OpenFlags::default()
            },
        )?;
        Ok(Store {
            fs,
            opts,
            mboxlist: Mutex::new(mboxlist),
            appends: GroupCommit::default(),
            marks: GroupCommit::default(),
        })
    }

    /// The options the store was opened with.
    pub fn options(&self) -> &StoreOptions {
        &self.opts
    }

    /// The filesystem.
    pub fn fs(&self) -> &FsRef {
        &self.fs
    }

    /// How names look to a user or an admin.
    pub fn namespace(&self, viewer: Viewer) -> Namespace {
        // The configuration was validated when the options were built; a
        // namespace that cannot be built falls back to the defaults.
        Namespace::new(self.opts.namespace.clone(), viewer).unwrap_or_else(|_| {
            Namespace::new(mboxname::NamespaceConfig::default(), viewer)
                .expect("the default namespace configuration is valid")
        })
    }

    /// Runs `f` with `mailboxes.db`.
    pub(crate) fn with_mboxlist<T>(
        &self,
        f: impl FnOnce(&mut dyn Db) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut guard = self.mboxlist.lock();
        f(guard.as_mut())
    }

    /// Opens the quota database.
    pub(crate) fn open_quota_db(&self) -> Result<Box<dyn Db>, Error> {
        let path = self
            .opts
            .databases
            .quota
            .path
            .clone()
            .unwrap_or_else(|| self.opts.config_dir.join("quotas.db"));
        Ok(db::open(
            self.fs.clone(),
            &path,
            self.opts.databases.quota.backend,
            OpenFlags {
                create: true,
                quota: QuotaLegacyOptions {
                    virtdomains: self.opts.namespace.virtdomains != VirtDomains::Off,
                    fulldirhash: self.opts.full_dir_hash,
                },
                ..OpenFlags::default()
            },
        )?)
    }

    /// The directory of a partition.
    pub fn partition_path(&self, partition: &str) -> Result<&Path, Error> {
        self.opts
            .partitions
            .get(partition)
            .map(PathBuf::as_path)
            .ok_or_else(|| Error::Invalid(format!("unknown partition {partition:?}")))
    }

    /// The partition new top-level mailboxes go to.
    pub fn default_partition(&self) -> Result<String, Error> {
        self.opts
            .default_partition
            .clone()
            .or_else(|| self.opts.partitions.keys().next().cloned())
            .ok_or_else(|| Error::Invalid("no partition configured".into()))
    }

    /// Where a mailbox's files are: the uuid directory for 3.6-style
    /// mailboxes, the by-name directory for legacy ones.
    pub fn mailbox_dir(&self, entry: &MbEntry) -> Result<PathBuf, Error> {
        let part = entry.partition.as_deref().ok_or_else(|| {
            Error::Invalid(format!("{} has no partition", entry.name.to_internal()))
        })?;
        let hash = if self.opts.hash_imap_spool {
            mboxname::SpoolHash::Hashed(if self.opts.full_dir_hash {
                mboxname::DirHash::Full
            } else {
                mboxname::DirHash::FirstLetter
            })
        } else {
            mboxname::SpoolHash::Flat
        };
        Ok(entry.data_dir(self.partition_path(part)?, hash))
    }
}
