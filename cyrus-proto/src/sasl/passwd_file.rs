//! The password file in the configdirectory (managed by `cyr_passwd`):
//! lookups for the [`Authenticator`], and atomic add/change/delete.
//!
//! Lines are [`PasswordRecord`]s; blank lines and lines starting with `#`
//! are kept as they are. Updates write a temporary file in the same
//! directory, fsync it, rename it over the old one and fsync the
//! directory, so a crash leaves either the old or the new file. Writers
//! serialise on an exclusive lock of `<file>.lock` (the store's OFD lock),
//! so two `cyr_passwd` runs cannot lose each other's update; readers need
//! no lock because the file is only ever replaced by rename.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use cyrus_store::os::{Fs, LockKind, OpenMode, RealFs};

use super::authenticator::{AuthError, Authenticator, AuthzPolicy};
use super::passwd_record::{valid_user, PasswordRecord, DEFAULT_ITERATIONS};
use super::scram_keys::{ScramCredentials, ScramHash};
use super::secret::Secret;

/// File name of the password file inside the configdirectory.
pub const PASSWORD_FILE_NAME: &str = "passwd.scram";

/// A password file and the authorization policy to apply with it.
///
/// The file is read on every lookup, so changes by `cyr_passwd` take effect
/// without a restart.
#[derive(Debug, Clone)]
pub struct PasswordFile {
    path: PathBuf,
    policy: AuthzPolicy,
}

impl PasswordFile {
    /// The password file at `path`.
    pub fn new(path: impl Into<PathBuf>, policy: AuthzPolicy) -> Self {
        PasswordFile {
            path: path.into(),
            policy,
        }
    }

    /// `<configdirectory>/passwd.scram`.
    pub fn in_configdirectory(configdirectory: &Path, policy: AuthzPolicy) -> Self {
        Self::new(configdirectory.join(PASSWORD_FILE_NAME), policy)
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io_err(&self, source: std::io::Error) -> AuthError {
        AuthError::Io {
            path: self.path.clone(),
            source,
        }
    }

    /// The file's content; a missing file is empty.
    fn read(&self) -> Result<String, AuthError> {
        match fs::read_to_string(&self.path) {
            Ok(s) => Ok(s),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(String::new()),
            Err(e) => Err(self.io_err(e)),
        }
    }

    /// The record for `user`, or `None`.
    pub fn lookup(&self, user: &str) -> Result<Option<PasswordRecord>, AuthError> {
        let content = self.read()?;
        for (i, line) in content.lines().enumerate() {
            if line.split_once(':').map(|(u, _)| u) != Some(user) {
                continue;
            }
            return PasswordRecord::parse(line)
                .map(Some)
                .map_err(|reason| AuthError::Corrupt {
                    path: self.path.clone(),
                    line: i + 1,
                    reason,
                });
        }
        Ok(None)
    }

    /// The user names in the file, in file order.
    pub fn users(&self) -> Result<Vec<String>, AuthError> {
        Ok(self
            .read()?
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| l.split_once(':').map(|(u, _)| u.to_owned()))
            .collect())
    }

    /// Sets (adds or replaces) `user`'s password with a fresh salt and
    /// `iterations` PBKDF2 rounds ([`DEFAULT_ITERATIONS`] if `None`).
    pub fn set_password(
        &self,
        user: &str,
        password: &Secret,
        iterations: Option<u32>,
    ) -> Result<(), AuthError> {
        let record = PasswordRecord::new(user, password, iterations.unwrap_or(DEFAULT_ITERATIONS))
            .ok_or(AuthError::InvalidUser)?;
        self.rewrite(user, Some(&record.to_line())).map(|_| ())
    }

    /// Removes `user`; returns whether it was present.
    pub fn delete_user(&self, user: &str) -> Result<bool, AuthError> {
        if !valid_user(user) {
            return Err(AuthError::InvalidUser);
        }
        self.rewrite(user, None)
    }

    /// Replaces `user`'s line with `new_line` (or drops it), keeping every
    /// other line, and writes the result atomically. Returns whether the
    /// user had a line.
    fn rewrite(&self, user: &str, new_line: Option<&str>) -> Result<bool, AuthError> {
        let mut lock_name = self.path.clone().into_os_string();
        lock_name.push(".lock");
        let lock = RealFs::new()
            .open(Path::new(&lock_name), OpenMode::Create)
            .and_then(|f| f.lock(LockKind::Exclusive).map(|()| f))
            .map_err(|e| self.io_err(e))?;
        let result = self.rewrite_locked(user, new_line);
        // Closing the handle also drops the lock; unlocking first is tidy.
        let _ = lock.unlock();
        result
    }

    fn rewrite_locked(&self, user: &str, new_line: Option<&str>) -> Result<bool, AuthError> {
        let old = self.read()?;
        let mut out = String::with_capacity(old.len() + 200);
        let mut found = false;
        for line in old.lines() {
            if line.split_once(':').map(|(u, _)| u) == Some(user) {
                if !found {
                    if let Some(n) = new_line {
                        out.push_str(n);
                        out.push('\n');
                    }
                }
                found = true;
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
        if !found {
            if let Some(n) = new_line {
                out.push_str(n);
                out.push('\n');
            }
        }
        if found || new_line.is_some() {
            self.replace_file(out.as_bytes())?;
        }
        Ok(found)
    }

    /// Write temp + fsync + rename + fsync directory.
    fn replace_file(&self, content: &[u8]) -> Result<(), AuthError> {
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| PASSWORD_FILE_NAME.to_owned());
        let tmp = dir.join(format!(".{name}.tmp.{}", std::process::id()));
        let result = (|| {
            let mut f = OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&tmp)?;
            f.write_all(content)?;
            f.sync_all()?;
            drop(f);
            fs::rename(&tmp, &self.path)?;
            File::open(&dir)?.sync_all()
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result.map_err(|e| self.io_err(e))
    }
}

impl Authenticator for PasswordFile {
    fn verify_password(&self, authcid: &str, password: &Secret) -> Result<bool, AuthError> {
        match self.lookup(authcid)? {
            Some(record) => Ok(record.matches_password(password)),
            None => {
                // Spend the same PBKDF2 work as for a real user, so timing
                // does not reveal which user names exist.
                std::hint::black_box(ScramCredentials::derive(
                    ScramHash::Sha256,
                    password,
                    b"no-such-user-salt",
                    DEFAULT_ITERATIONS,
                ));
                Ok(false)
            }
        }
    }

    fn scram_credentials(
        &self,
        authcid: &str,
        hash: ScramHash,
    ) -> Result<Option<ScramCredentials>, AuthError> {
        Ok(self.lookup(authcid)?.map(|r| r.credentials(hash).clone()))
    }

    fn offers_scram(&self) -> bool {
        true
    }

    fn may_authorize(&self, authcid: &str, authzid: &str) -> bool {
        self.policy.may_authorize(authcid, authzid)
    }

    fn is_admin(&self, userid: &str) -> bool {
        self.policy.is_admin(userid)
    }
}
