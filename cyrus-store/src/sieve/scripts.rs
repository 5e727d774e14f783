//! The script operations ManageSieve and LMTP need, on the `#sieve`
//! mailbox plus the user's sieve directory.
//!
//! Order of writes (so a crash leaves something every reader accepts):
//! a new version is appended to `#sieve` first, then its `.bc` is
//! written (temporary file, fsync, rename, directory fsync), then the old
//! version is expunged. Readers keep the highest UID of each name, so a
//! crash between the append and the expunge shows the new version once.
//! Activation replaces `defaultbc` by renaming a new symlink over it.
//! Last, each operation brings the user's `dav.db` in step (Cyrus's index
//! of the scripts, see `davdb`).
//!
//! A replaced or renamed script keeps its id (the attachment's file name),
//! as Cyrus's `sieve_script_store` does: Cyrus's index keys on it.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::ids::{Uid, UniqueId};
use crate::mailbox::{ExpungeMode, FlagOp, SystemFlags};
use crate::mboxlist::MbKind;
use crate::mboxname::{DirHash, MailboxName, UserId};
use crate::os::{FsRef, LockKind, OpenMode, OsError};
use crate::store::{AppendRequest, NewMailbox, QuotaPolicy, Store};

use super::error::SieveError;
use super::message::{parse_script_message, script_message};
use super::paths::{bc_file, user_dir, valid_script_name, DEFAULTBC, SIEVE_FOLDER};

/// `sieve_maxscriptsize` and `sieve_maxscripts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SieveLimits {
    /// Largest script in octets (`sieve_maxscriptsize` is in KiB).
    pub max_script_size: usize,
    /// Most scripts per user.
    pub max_scripts: usize,
}

impl Default for SieveLimits {
    /// Cyrus 3.6 defaults: 32 KiB, 5 scripts.
    fn default() -> Self {
        SieveLimits {
            max_script_size: 32 * 1024,
            max_scripts: 5,
        }
    }
}

/// One stored script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptInfo {
    /// Its name.
    pub name: String,
    /// Whether it is the active script.
    pub active: bool,
    /// Its message in `#sieve` (`None` for a legacy `.script` file).
    pub uid: Option<Uid>,
}

/// A script version to append to `#sieve`.
struct NewScript<'a> {
    name: &'a str,
    content: &'a [u8],
    /// The script's id when this replaces a version of it.
    id: Option<&'a str>,
    active: bool,
}

struct Stored {
    info: ScriptInfo,
    content: Vec<u8>,
    /// The attachment's id (`None` for legacy files and foreign messages).
    id: Option<String>,
}

fn os<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> Error + 'a {
    move |e| Error::Os(OsError::new(op, path, e))
}

/// Writes `dir/name` durably: `name.NEW`, fsync, rename, directory fsync.
fn write_durable(fs: &FsRef, dir: &Path, name: &str, bytes: &[u8]) -> Result<(), Error> {
    let path = dir.join(name);
    let new = dir.join(format!("{name}.NEW"));
    let f = fs
        .open(&new, OpenMode::Truncate)
        .map_err(os("open", &new))?;
    f.write_all_at(bytes, 0)
        .and_then(|()| f.sync())
        .map_err(os("write", &new))?;
    drop(f);
    fs.rename(&new, &path).map_err(os("rename", &new))?;
    fs.sync_dir(dir).map_err(os("fsync", dir))
}

impl Store {
    fn sieve_folder(user: &UserId) -> MailboxName {
        MailboxName::user_inbox(user).child(SIEVE_FOLDER)
    }

    /// The user's sieve directory (it may not exist yet).
    pub fn sieve_dir(&self, user: &UserId) -> Result<PathBuf, SieveError> {
        let inbox = self
            .lookup(&MailboxName::user_inbox(user))?
            .ok_or_else(|| SieveError::NoUser(user.as_str().to_string()))?;
        let hash = if self.options().full_dir_hash {
            DirHash::Full
        } else {
            DirHash::FirstLetter
        };
        Ok(user_dir(&self.options().sieve_dir, &inbox, user, hash))
    }

    /// Every script with its source: the `#sieve` messages (highest UID
    /// per name), or, for a user without that mailbox, the legacy
    /// `<name>.script` files of the sieve directory.
    fn sieve_scripts(&self, user: &UserId) -> Result<Vec<Stored>, SieveError> {
        let folder = Self::sieve_folder(user);
        if self.lookup(&folder)?.is_none() {
            return self.legacy_scripts(user);
        }
        let (_, mbox) = self.open_mailbox(&folder, LockKind::Shared)?;
        let mut out: Vec<Stored> = Vec::new();
        for rec in mbox.records().iter().filter(|r| !r.is_expunged()) {
            let raw = match mbox.read_message(rec.uid) {
                Ok(r) => r,
                Err(e) => {
                    tracing::warn!(uid = rec.uid.0, error = %e, "unreadable sieve script message");
                    continue;
                }
            };
            let Some(m) = parse_script_message(&raw) else {
                continue;
            };
            let s = Stored {
                info: ScriptInfo {
                    name: m.name,
                    active: rec.system_flags.contains(SystemFlags::FLAGGED),
                    uid: Some(rec.uid),
                },
                content: m.content,
                id: m.id,
            };
            // Records are in UID order: a later one replaces an earlier.
            match out.iter_mut().find(|o| o.info.name == s.info.name) {
                Some(o) => *o = s,
                None => out.push(s),
            }
        }
        Ok(out)
    }

    fn legacy_scripts(&self, user: &UserId) -> Result<Vec<Stored>, SieveError> {
        let dir = self.sieve_dir(user)?;
        let fs = self.fs();
        let Ok(names) = fs.read_dir(&dir) else {
            return Ok(Vec::new());
        };
        let active = self.active_target(&dir);
        let mut out = Vec::new();
        for n in names {
            let Some(name) = n.strip_suffix(".script") else {
                continue;
            };
            let path = dir.join(&n);
            let Ok(f) = fs.open(&path, OpenMode::Read) else {
                continue;
            };
            let content = f.read_all().map_err(os("read", &path))?;
            out.push(Stored {
                info: ScriptInfo {
                    name: name.to_string(),
                    active: active.as_deref() == Some(bc_file(name).as_str()),
                    uid: None,
                },
                content,
                id: None,
            });
        }
        out.sort_by(|a, b| a.info.name.cmp(&b.info.name));
        Ok(out)
    }

    /// What `defaultbc` names: the target of the symlink, or (for copies
    /// that turned the link into a file) the file's short text content.
    fn active_target(&self, dir: &Path) -> Option<String> {
        let link = dir.join(DEFAULTBC);
        if let Ok(t) = self.fs().read_link(&link) {
            return Some(t.to_string_lossy().into_owned());
        }
        let f = self.fs().open(&link, OpenMode::Read).ok()?;
        let bytes = f.read_all().ok()?;
        let text = std::str::from_utf8(&bytes).ok()?.trim();
        (text.ends_with(".bc") && !text.contains('/') && text.len() < 1024)
            .then(|| text.to_string())
    }

    /// The user's scripts in storage order.
    pub fn sieve_list(&self, user: &UserId) -> Result<Vec<ScriptInfo>, SieveError> {
        Ok(self
            .sieve_scripts(user)?
            .into_iter()
            .map(|s| s.info)
            .collect())
    }

    /// The source of script `name`.
    pub fn sieve_get(&self, user: &UserId, name: &str) -> Result<Vec<u8>, SieveError> {
        if !valid_script_name(name) {
            return Err(SieveError::InvalidName);
        }
        self.sieve_scripts(user)?
            .into_iter()
            .find(|s| s.info.name == name)
            .map(|s| s.content)
            .ok_or_else(|| SieveError::NonExistent(name.to_string()))
    }

    /// The active script for delivery: its name and the compiled bytes
    /// `defaultbc` points to (`None` when that file is missing). `Ok(None)`
    /// when no script is active.
    pub fn sieve_active(
        &self,
        user: &UserId,
    ) -> Result<Option<(String, Option<Vec<u8>>)>, SieveError> {
        let dir = self.sieve_dir(user)?;
        let Some(target) = self.active_target(&dir) else {
            return Ok(None);
        };
        let name = target.strip_suffix(".bc").unwrap_or(&target).to_string();
        let path = dir.join(&target);
        let bytes = self
            .fs()
            .open(&path, OpenMode::Read)
            .ok()
            .and_then(|f| f.read_all().ok());
        Ok(Some((name, bytes)))
    }

    /// HAVESPACE: whether a script `name` of `size` octets may be stored.
    pub fn sieve_check_space(
        &self,
        user: &UserId,
        name: &str,
        size: usize,
        limits: &SieveLimits,
    ) -> Result<(), SieveError> {
        if !valid_script_name(name) {
            return Err(SieveError::InvalidName);
        }
        if size > limits.max_script_size {
            return Err(SieveError::TooLarge(limits.max_script_size));
        }
        let scripts = self.sieve_scripts(user)?;
        if !scripts.iter().any(|s| s.info.name == name) && scripts.len() >= limits.max_scripts {
            return Err(SieveError::TooManyScripts(limits.max_scripts));
        }
        Ok(())
    }

    fn ensure_sieve_folder(&self, user: &UserId, now: u32) -> Result<MailboxName, SieveError> {
        let folder = Self::sieve_folder(user);
        if self.lookup(&folder)?.is_none() {
            // Scripts of the pre-3.6 layout move into the new mailbox
            // (Cyrus `sieve_ensure_folder`); their files stay.
            let legacy = self.legacy_scripts(user)?;
            let req = NewMailbox {
                kind: Some(MbKind::Sieve),
                ..NewMailbox::default()
            };
            match self.create_mailbox(&folder, &req, now) {
                Ok(_) => {
                    for s in legacy {
                        let script = NewScript {
                            name: &s.info.name,
                            content: &s.content,
                            id: None,
                            active: s.info.active,
                        };
                        self.append_script(&folder, user, "localhost", &script, now)?;
                    }
                }
                Err(Error::Exists(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(folder)
    }

    fn append_script(
        &self,
        folder: &MailboxName,
        user: &UserId,
        servername: &str,
        script: &NewScript<'_>,
        now: u32,
    ) -> Result<Uid, SieveError> {
        // A new script gets a new id (Cyrus `makeuuid`), a new version
        // keeps its script's.
        let new_id;
        let file_id = match script.id {
            Some(id) => id,
            None => {
                new_id = UniqueId::generate(&mut rand::thread_rng());
                new_id.as_str()
            }
        };
        let data = script_message(
            user.as_str(),
            servername,
            script.name,
            script.content,
            file_id,
            now,
        );
        let req = AppendRequest {
            data,
            flags: if script.active {
                vec!["\\Flagged".to_string()]
            } else {
                Vec::new()
            },
            internaldate: Some(now),
        };
        let uids = self.append_with(folder, &[req], now, QuotaPolicy::Ignore)?;
        uids.first()
            .copied()
            .ok_or_else(|| SieveError::Store(Error::Invalid("append returned no uid".into())))
    }

    fn expunge_scripts(&self, folder: &MailboxName, uids: &[Uid], now: u32) -> Result<(), Error> {
        if uids.is_empty() {
            return Ok(());
        }
        let (_, mut mbox) = self.open_mailbox(folder, LockKind::Exclusive)?;
        mbox.store_flags(uids, FlagOp::Add, SystemFlags::DELETED, &[], now)?;
        mbox.expunge(Some(uids), ExpungeMode::Delayed, now)?;
        Ok(())
    }

    fn ensure_dir(&self, dir: &Path) -> Result<(), Error> {
        let fs = self.fs();
        if !fs.exists(dir) {
            fs.create_dir_all(dir).map_err(os("mkdir", dir))?;
            // The new directory entries must survive a crash too.
            let mut p = dir.to_path_buf();
            while p.pop() && p.starts_with(&self.options().sieve_dir) {
                fs.sync_dir(&p).map_err(os("fsync", &p))?;
            }
        }
        Ok(())
    }

    /// PUTSCRIPT: stores (or replaces) script `name` with its source and
    /// compiled form; a replaced active script stays active. The caller
    /// has validated the script.
    #[allow(clippy::too_many_arguments)]
    pub fn sieve_put(
        &self,
        user: &UserId,
        name: &str,
        content: &[u8],
        compiled: &[u8],
        limits: &SieveLimits,
        servername: &str,
        now: u32,
    ) -> Result<(), SieveError> {
        self.sieve_check_space(user, name, content.len(), limits)?;
        let dir = self.sieve_dir(user)?;
        let folder = self.ensure_sieve_folder(user, now)?;
        let old = self
            .sieve_scripts(user)?
            .into_iter()
            .find(|s| s.info.name == name);
        let script = NewScript {
            name,
            content,
            id: old.as_ref().and_then(|s| s.id.as_deref()),
            active: old.as_ref().is_some_and(|s| s.info.active),
        };
        self.append_script(&folder, user, servername, &script, now)?;
        self.ensure_dir(&dir)?;
        write_durable(self.fs(), &dir, &bc_file(name), compiled)?;
        let uids: Vec<Uid> = old.iter().filter_map(|s| s.info.uid).collect();
        self.expunge_scripts(&folder, &uids, now)?;
        self.sieve_index_changed(user)
    }

    /// DELETESCRIPT: removes an inactive script.
    pub fn sieve_delete(&self, user: &UserId, name: &str, now: u32) -> Result<(), SieveError> {
        let s = self.find_script(user, name)?;
        if s.active {
            return Err(SieveError::Active);
        }
        let folder = Self::sieve_folder(user);
        let uids: Vec<Uid> = s.uid.into_iter().collect();
        self.expunge_scripts(&folder, &uids, now)?;
        let dir = self.sieve_dir(user)?;
        for f in [bc_file(name), format!("{name}.script")] {
            let p = dir.join(f);
            if self.fs().exists(&p) {
                self.fs().remove_file(&p).map_err(os("unlink", &p))?;
            }
        }
        if self.fs().exists(&dir) {
            self.fs().sync_dir(&dir).map_err(os("fsync", &dir))?;
        }
        self.sieve_index_changed(user)
    }

    fn find_script(&self, user: &UserId, name: &str) -> Result<ScriptInfo, SieveError> {
        if !valid_script_name(name) {
            return Err(SieveError::InvalidName);
        }
        self.sieve_list(user)?
            .into_iter()
            .find(|s| s.name == name)
            .ok_or_else(|| SieveError::NonExistent(name.to_string()))
    }

    /// Points `defaultbc` at `target` (a new symlink renamed over it), or
    /// removes it.
    fn set_defaultbc(&self, dir: &Path, target: Option<&str>) -> Result<(), Error> {
        let fs = self.fs();
        let link = dir.join(DEFAULTBC);
        match target {
            Some(t) => {
                self.ensure_dir(dir)?;
                let new = dir.join(format!("{DEFAULTBC}.NEW"));
                if fs.exists(&new) || fs.read_link(&new).is_ok() {
                    fs.remove_file(&new).map_err(os("unlink", &new))?;
                }
                fs.symlink(Path::new(t), &new)
                    .map_err(os("symlink", &new))?;
                fs.rename(&new, &link).map_err(os("rename", &new))?;
            }
            None => {
                if fs.exists(&link) || fs.read_link(&link).is_ok() {
                    fs.remove_file(&link).map_err(os("unlink", &link))?;
                } else {
                    return Ok(());
                }
            }
        }
        fs.sync_dir(dir).map_err(os("fsync", dir))
    }

    /// SETACTIVE: makes `name` the active script (`None`: no script is
    /// active). `compiled` is written as its `.bc` when that file is
    /// missing (a script migrated from another layout).
    pub fn sieve_activate(
        &self,
        user: &UserId,
        name: Option<&str>,
        compiled: Option<&[u8]>,
        now: u32,
    ) -> Result<(), SieveError> {
        let dir = self.sieve_dir(user)?;
        let scripts = self.sieve_list(user)?;
        let target = match name {
            Some(n) => Some(self.find_script(user, n)?),
            None => None,
        };
        if let Some(t) = &target {
            let bc = dir.join(bc_file(&t.name));
            if let (false, Some(c)) = (self.fs().exists(&bc), compiled) {
                self.ensure_dir(&dir)?;
                write_durable(self.fs(), &dir, &bc_file(&t.name), c)?;
            }
        }
        self.set_defaultbc(&dir, target.as_ref().map(|t| bc_file(&t.name)).as_deref())?;
        let folder = Self::sieve_folder(user);
        if self.lookup(&folder)?.is_none() {
            return Ok(());
        }
        let (_, mut mbox) = self.open_mailbox(&folder, LockKind::Exclusive)?;
        let off: Vec<Uid> = scripts
            .iter()
            .filter(|s| s.active && Some(&s.name) != target.as_ref().map(|t| &t.name))
            .filter_map(|s| s.uid)
            .collect();
        if !off.is_empty() {
            mbox.store_flags(&off, FlagOp::Remove, SystemFlags::FLAGGED, &[], now)
                .map_err(Error::from)?;
        }
        if let Some(uid) = target.as_ref().and_then(|t| t.uid) {
            mbox.store_flags(&[uid], FlagOp::Add, SystemFlags::FLAGGED, &[], now)
                .map_err(Error::from)?;
        }
        drop(mbox);
        self.sieve_index_changed(user)
    }

    /// RENAMESCRIPT: `old` becomes `new` (still active if it was).
    pub fn sieve_rename(
        &self,
        user: &UserId,
        old: &str,
        new: &str,
        servername: &str,
        now: u32,
    ) -> Result<(), SieveError> {
        if !valid_script_name(new) {
            return Err(SieveError::InvalidName);
        }
        let scripts = self.sieve_scripts(user)?;
        if scripts.iter().any(|s| s.info.name == new) {
            return Err(SieveError::AlreadyExists(new.to_string()));
        }
        let s = scripts
            .into_iter()
            .find(|s| s.info.name == old)
            .ok_or_else(|| SieveError::NonExistent(old.to_string()))?;
        let dir = self.sieve_dir(user)?;
        let folder = self.ensure_sieve_folder(user, now)?;
        let script = NewScript {
            name: new,
            content: &s.content,
            id: s.id.as_deref(),
            active: s.info.active,
        };
        self.append_script(&folder, user, servername, &script, now)?;
        let (from, to) = (dir.join(bc_file(old)), dir.join(bc_file(new)));
        if self.fs().exists(&from) {
            self.fs().rename(&from, &to).map_err(os("rename", &from))?;
            self.fs().sync_dir(&dir).map_err(os("fsync", &dir))?;
        }
        if s.info.active {
            self.set_defaultbc(&dir, Some(&bc_file(new)))?;
        }
        let uids: Vec<Uid> = s.info.uid.into_iter().collect();
        self.expunge_scripts(&folder, &uids, now)?;
        self.sieve_index_changed(user)
    }

    /// After a change to `#sieve`: brings `dav.db` in step.
    #[cfg(feature = "davdb")]
    fn sieve_index_changed(&self, user: &UserId) -> Result<(), SieveError> {
        self.sieve_sync_davdb(user)
    }

    /// Without the `davdb` feature nothing keeps Cyrus's index.
    #[cfg(not(feature = "davdb"))]
    fn sieve_index_changed(&self, _user: &UserId) -> Result<(), SieveError> {
        Ok(())
    }
}
