//! Where a user's compiled scripts live (Cyrus `user_sieve_path`), and
//! which script names are allowed (Cyrus `sievedir_valid_name`).

use std::path::{Path, PathBuf};

use crate::mboxlist::{MbEntry, MbType};
use crate::mboxname::{dir_hash_c, uuid_dir, DirHash, UserId};

/// The `sieve_folder` default: the hidden mailbox under the user's INBOX.
pub const SIEVE_FOLDER: &str = "#sieve";

/// The active-script link in a user's sieve directory.
pub(super) const DEFAULTBC: &str = "defaultbc";

/// Longest name Cyrus accepts (1024 minus `.script` and `.NEW`).
const MAX_NAME_LEN: usize = 1024 - 7 - 4;

/// Whether `name` may name a script: non-empty, no `/` or NUL, shorter
/// than Cyrus's limit.
pub fn valid_script_name(name: &str) -> bool {
    !name.is_empty() && name.len() < MAX_NAME_LEN && !name.contains(['/', '\0'])
}

/// The user's sieve directory: `uuid/<c1>/<c2>/<inbox-uniqueid>` under
/// `sievedir` for 3.6 users, `[domain/<h>/<domain>/]<h>/<user>` for
/// users whose INBOX has legacy (by-name) directories.
pub(super) fn user_dir(sievedir: &Path, inbox: &MbEntry, user: &UserId, hash: DirHash) -> PathBuf {
    match &inbox.uniqueid {
        Some(id) if !inbox.mbtype.has(MbType::LEGACY_DIRS) => uuid_dir(sievedir, id),
        _ => {
            let mut p = sievedir.to_path_buf();
            let who = match user.domain() {
                Some(d) => {
                    p.push("domain");
                    p.push(dir_hash_c(d, hash).to_string());
                    p.push(d);
                    user.localpart().to_string()
                }
                None => user.as_str().to_string(),
            };
            p.push(dir_hash_c(&who, hash).to_string());
            p.push(who);
            p
        }
    }
}

/// The compiled file of script `name`.
pub(super) fn bc_file(name: &str) -> String {
    format!("{name}.bc")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(valid_script_name("fixture"));
        assert!(valid_script_name("my script ä"));
        assert!(!valid_script_name(""));
        assert!(!valid_script_name("a/b"));
        assert!(!valid_script_name("a\0b"));
        assert!(!valid_script_name(&"x".repeat(2000)));
    }
}
