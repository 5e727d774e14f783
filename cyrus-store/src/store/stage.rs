//! One message for many mailboxes (Cyrus `append_newstage` /
//! `append_fromstage`, the single-instance store of LMTP delivery): the
//! message is parsed once and written once per partition, as a fsynced
//! file in `<partition>/stage./`, and every mailbox on that partition gets
//! a hard link to it instead of a copy of its own. The stage files go when
//! the [`StagedMessage`] is dropped; a crash leaves them behind for
//! [`Store::clean_stage`].

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;

use crate::error::Error;
use crate::ids::Uid;
use crate::mboxname::MailboxName;
use crate::os::{FsRef, OpenMode, OsError};

use super::append::{new_message, ParsedParts, QuotaPolicy};
use super::site::Store;

/// The directory under each partition that holds stage files (Cyrus's
/// name; it cannot clash with a mailbox directory).
const STAGE_DIR: &str = "stage.";

/// Numbers stage files within the process; the name also carries the
/// process id, so two processes never share one.
static STAGE_NUMBER: AtomicU64 = AtomicU64::new(0);

/// A message parsed once, to be appended to several mailboxes with
/// [`Store::append_staged`].
#[derive(Debug)]
pub struct StagedMessage {
    data: Vec<u8>,
    parts: ParsedParts,
    fs: FsRef,
    /// The stage file written on each partition so far: (partition
    /// directory, file).
    files: Mutex<Vec<(PathBuf, PathBuf)>>,
}

impl StagedMessage {
    /// The message bytes.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The durable stage file on the partition at `part_dir`, written on
    /// first use. `None` when it cannot be written: the append then writes
    /// the message itself, as without staging.
    fn file_on(&self, part_dir: &Path) -> Option<PathBuf> {
        let mut files = self.files.lock();
        if let Some((_, f)) = files.iter().find(|(d, _)| d == part_dir) {
            return Some(f.clone());
        }
        let dir = part_dir.join(STAGE_DIR);
        let path = dir.join(format!(
            "{}-{}",
            std::process::id(),
            STAGE_NUMBER.fetch_add(1, Ordering::Relaxed)
        ));
        // The file must be durable before a mailbox links it: the link
        // shares the inode, and the mailbox fsyncs only its directory.
        let written = self
            .fs
            .create_dir_all(&dir)
            .and_then(|()| self.fs.open(&path, OpenMode::Truncate))
            .and_then(|f| {
                f.write_all_at(&self.data, 0)?;
                f.sync()
            });
        match written {
            Ok(()) => {
                files.push((part_dir.to_path_buf(), path.clone()));
                Some(path)
            }
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "cannot stage message; writing it per mailbox");
                let _ = self.fs.remove_file(&path);
                None
            }
        }
    }
}

impl Drop for StagedMessage {
    fn drop(&mut self) {
        // The mailboxes hold their own links; the stage name is only ours.
        for (_, f) in self.files.get_mut().drain(..) {
            let _ = self.fs.remove_file(&f);
        }
    }
}

impl Store {
    /// Parses `data` (CRLF line ends, exactly as it will be stored) once
    /// for appending to several mailboxes.
    pub fn stage_message(&self, data: Vec<u8>) -> StagedMessage {
        StagedMessage {
            parts: ParsedParts::parse(&data),
            data,
            fs: self.fs().clone(),
            files: Mutex::new(Vec::new()),
        }
    }

    /// Appends `staged` to mailbox `name` with `flags` (as
    /// [`Store::append_with`] does for one message) and returns its UID.
    /// The message file is a hard link to the stage file on `name`'s
    /// partition, written and fsynced by the first append there; it is
    /// written out in full only when linking is not possible.
    pub fn append_staged(
        &self,
        name: &MailboxName,
        staged: &StagedMessage,
        flags: &[String],
        internaldate: Option<u32>,
        now: u32,
        policy: QuotaPolicy,
    ) -> Result<Uid, Error> {
        let entry = self
            .lookup(name)?
            .ok_or_else(|| Error::NonExistent(name.to_internal()))?;
        let part_dir = match entry.partition.as_deref() {
            Some(p) => Some(self.partition_path(p)?.to_path_buf()),
            None => None,
        };
        let mut msg = new_message(
            staged.data.clone(),
            &staged.parts,
            flags,
            internaldate.unwrap_or(now),
            now,
        );
        msg.staged_file = part_dir.and_then(|d| staged.file_on(&d));
        let uids = self.append_new(&entry, vec![msg], now, policy)?;
        uids.first()
            .copied()
            .ok_or_else(|| Error::Invalid("append returned no UID".into()))
    }

    /// Removes stage files last written before `cutoff` (seconds since
    /// the epoch) from every partition: what deliveries cut off by a crash
    /// left. Returns how many went. A delivery in progress keeps its file
    /// for as long as it runs, so `cutoff` should lie well before now.
    pub fn clean_stage(&self, cutoff: i64) -> Result<usize, Error> {
        let mut removed = 0;
        for part in self.options().partitions.values() {
            let dir = part.join(STAGE_DIR);
            let names = match self.fs().read_dir(&dir) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(Error::Os(OsError::new("readdir", &dir, e))),
            };
            for n in names {
                let path = dir.join(&n);
                let old = matches!(
                    self.fs().metadata(&path),
                    Ok(Some(m)) if !m.is_dir && m.mtime < cutoff
                );
                if old && self.fs().remove_file(&path).is_ok() {
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }
}
