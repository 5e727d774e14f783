//! Where a mailbox's files and a user's config files live (Cyrus
//! `dir_hash_c`, `mboxname_hash`, `mboxname_id_hash`,
//! `mboxname_conf_getpath*`).

use std::path::{Path, PathBuf};

use super::name::{MailboxName, DELETED_PREFIX};
use crate::ids::UniqueId;

/// The `fulldirhash` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DirHash {
    /// `fulldirhash: no`: the lower-cased first letter, `q` if not a–z.
    #[default]
    FirstLetter,
    /// `fulldirhash: yes`: a hash of the text up to the first `.`, as a
    /// letter `A`–`W`.
    Full,
}

/// The `hashimapspool` setting, for legacy (by-name) spool directories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpoolHash {
    /// `hashimapspool: no`.
    Flat,
    /// `hashimapspool: yes`, with the given `fulldirhash` mode.
    Hashed(DirHash),
}

/// Cyrus `dir_hash_c`: the one-character directory for `name`.
pub fn dir_hash_c(name: &str, mode: DirHash) -> char {
    char::from(dir_hash_byte(name.as_bytes(), mode))
}

/// [`dir_hash_c`] over raw bytes (quota keys, legacy paths): the full hash
/// covers the bytes before the first `.` or NUL.
pub fn dir_hash_byte(name: &[u8], mode: DirHash) -> u8 {
    match mode {
        DirHash::Full => {
            let mut n: u32 = 0;
            for &b in name.iter().take_while(|&&b| b != b'.' && b != 0) {
                n = ((n << 3) ^ (n >> 5)) ^ u32::from(b);
            }
            b'A' + (n % 23) as u8
        }
        DirHash::FirstLetter => {
            let c = name.first().copied().unwrap_or(0).to_ascii_lowercase();
            if c.is_ascii_lowercase() {
                c
            } else {
                b'q'
            }
        }
    }
}

/// The legacy by-name mailbox directory under `root` (Cyrus
/// `mboxname_hash`): `[domain/<h>/<domain>/][<h>/]user/<lp>/<box>…` with
/// `.` inside components written as `^`.
pub fn legacy_mailbox_dir(root: &Path, name: &MailboxName, hash: SpoolHash) -> PathBuf {
    let mut p = root.to_path_buf();
    if let Some(d) = name.domain() {
        p.push("domain");
        if let SpoolHash::Hashed(mode) = hash {
            p.push(dir_hash_c(d, mode).to_string());
        }
        p.push(d);
    }
    let mut boxes: Vec<String> = Vec::new();
    if name.is_deleted() {
        boxes.push(DELETED_PREFIX.to_string());
    }
    if let Some(lp) = name.localpart() {
        boxes.push("user".into());
        boxes.push(lp.to_string());
    }
    boxes.extend(name.boxes().iter().cloned());
    if let Some(t) = name.deleted_at() {
        boxes.push(format!("{t:X}"));
    }
    if let SpoolHash::Hashed(mode) = hash {
        if let Some(idx) = boxes.get(1).or(boxes.first()) {
            p.push(dir_hash_c(idx, mode).to_string());
        }
    }
    for b in &boxes {
        p.push(b.replace('.', "^"));
    }
    p
}

/// The uuid mailbox directory under `root`: `uuid/<c1>/<c2>/<uniqueid>`
/// (Cyrus `mboxname_id_hash`).
pub fn uuid_dir(root: &Path, id: &UniqueId) -> PathBuf {
    let (a, b) = id.hash_chars();
    root.join("uuid")
        .join(a.to_string())
        .join(b.to_string())
        .join(id.as_str())
}

/// A per-user config file for a user whose INBOX has a uuid directory:
/// `<configdir>/user/uuid/<c1>/<c2>/<inbox-uniqueid>/<suffix>.db`, or the
/// directory itself without a suffix (Cyrus `mboxid_conf_getpath`).
pub fn user_conf_path(config_dir: &Path, inbox_id: &UniqueId, suffix: Option<&str>) -> PathBuf {
    let dir = uuid_dir(&config_dir.join("user"), inbox_id);
    match suffix {
        Some(s) => dir.join(format!("{s}.db")),
        None => dir,
    }
}

/// The legacy per-user (or shared) config file path (Cyrus
/// `mboxname_conf_getpath_legacy`):
/// `<configdir>[/domain/<h>/<domain>]/user/<h>/<localpart>.<suffix>`, or
/// `…/shared.<suffix>` for names outside user hierarchies. Without a
/// suffix, the directory (`…/user/<h>`, or the config/domain directory).
pub fn legacy_conf_path(
    config_dir: &Path,
    name: &MailboxName,
    suffix: Option<&str>,
    mode: DirHash,
) -> PathBuf {
    let mut p = config_dir.to_path_buf();
    if let Some(d) = name.domain() {
        p.push("domain");
        p.push(dir_hash_c(d, mode).to_string());
        p.push(d);
    }
    match (name.localpart(), suffix) {
        (Some(lp), suffix) => {
            p.push("user");
            p.push(dir_hash_c(lp, mode).to_string());
            if let Some(suffix) = suffix {
                p.push(format!("{lp}.{suffix}"));
            }
        }
        (None, Some(suffix)) => p.push(format!("shared.{suffix}")),
        (None, None) => {}
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> MailboxName {
        MailboxName::from_internal(s).expect("name")
    }
    fn id(s: &str) -> UniqueId {
        UniqueId::try_from(s).expect("id")
    }

    #[test]
    fn hash_chars() {
        assert_eq!(dir_hash_c("fred", DirHash::FirstLetter), 'f');
        assert_eq!(dir_hash_c("Fred", DirHash::FirstLetter), 'f');
        assert_eq!(dir_hash_c("1abc", DirHash::FirstLetter), 'q');
        assert_eq!(dir_hash_c("", DirHash::FirstLetter), 'q');
        // n = ((0<<3)^(0>>5))^'a' = 97; 97 % 23 = 5 → 'F'.
        assert_eq!(dir_hash_c("a", DirHash::Full), 'F');
        // "ab": n = ((97<<3) ^ (97>>5)) ^ 98 = 779 ^ 98 = 873; 873 % 23 = 22 → 'W'.
        assert_eq!(dir_hash_c("ab.cd", DirHash::Full), 'W');
    }

    #[test]
    fn fixture_mbpath_paths() {
        let spool = Path::new("/r/spool");
        assert_eq!(
            uuid_dir(spool, &id("atglp0oegknwno8nc3dq5zsx")),
            Path::new("/r/spool/uuid/a/t/atglp0oegknwno8nc3dq5zsx")
        );
        assert_eq!(
            user_conf_path(
                Path::new("/r/lib"),
                &id("1h27n4nb8groy211tvj675ss"),
                Some("seen")
            ),
            Path::new("/r/lib/user/uuid/1/h/1h27n4nb8groy211tvj675ss/seen.db")
        );
    }

    #[test]
    fn legacy_paths() {
        let root = Path::new("/s");
        let h = SpoolHash::Hashed(DirHash::FirstLetter);
        assert_eq!(
            legacy_mailbox_dir(root, &n("user.fred^smith.a^b"), h),
            Path::new("/s/f/user/fred^smith/a^b")
        );
        assert_eq!(
            legacy_mailbox_dir(root, &n("shared-news"), h),
            Path::new("/s/s/shared-news")
        );
        assert_eq!(
            legacy_mailbox_dir(root, &n("ex.com!DELETED.user.bob.X.AB"), h),
            Path::new("/s/domain/e/ex.com/u/DELETED/user/bob/X/AB")
        );
        assert_eq!(
            legacy_mailbox_dir(root, &n("user.bob"), SpoolHash::Flat),
            Path::new("/s/user/bob")
        );
        let cfg = Path::new("/c");
        assert_eq!(
            legacy_conf_path(cfg, &n("user.alice.X"), Some("seen"), DirHash::FirstLetter),
            Path::new("/c/user/a/alice.seen")
        );
        assert_eq!(
            legacy_conf_path(
                cfg,
                &n("ex.com!user.bob"),
                Some("sub"),
                DirHash::FirstLetter
            ),
            Path::new("/c/domain/e/ex.com/user/b/bob.sub")
        );
        assert_eq!(
            legacy_conf_path(cfg, &n("top"), Some("sub"), DirHash::FirstLetter),
            Path::new("/c/shared.sub")
        );
    }
}
