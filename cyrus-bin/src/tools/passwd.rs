//! `cyr_passwd`: manages the password file in the configdirectory that the
//! `auxprop` password source reads (our counterpart of `saslpasswd2`).

use std::io::BufRead;

use cyrus_proto::sasl::{AuthzPolicy, PasswordFile, Secret};

use super::common::ToolError;
use crate::config::{store_options, ImapdConf};

/// What to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswdAction {
    /// Set the user's password to the first line read.
    Set,
    /// Remove the user.
    Delete,
    /// Print every user name.
    List,
}

fn password_file(conf: &ImapdConf) -> Result<PasswordFile, ToolError> {
    let opts = store_options(conf)?;
    Ok(PasswordFile::in_configdirectory(
        &opts.config_dir,
        AuthzPolicy::new(Vec::new(), Vec::new()),
    ))
}

/// Runs the action for `user`; the password (for `Set`) is the first line
/// of `input`. Returns what to print.
pub fn passwd(
    conf: &ImapdConf,
    action: &PasswdAction,
    user: Option<&str>,
    input: &mut dyn BufRead,
) -> Result<String, ToolError> {
    let file = password_file(conf)?;
    let fail = |e: cyrus_proto::sasl::AuthError| ToolError::Usage(e.to_string());
    let need_user = || user.ok_or_else(|| ToolError::Usage("a user name is required".into()));
    match action {
        PasswdAction::List => Ok(file.users().map_err(fail)?.join("\n") + "\n"),
        PasswdAction::Delete => {
            let u = need_user()?;
            if file.delete_user(u).map_err(fail)? {
                Ok(String::new())
            } else {
                Err(ToolError::Usage(format!("user {u} not found")))
            }
        }
        PasswdAction::Set => {
            let u = need_user()?;
            let mut line = String::new();
            input.read_line(&mut line).map_err(|source| ToolError::Io {
                path: "stdin".into(),
                source,
            })?;
            let pw = line.trim_end_matches(['\r', '\n']);
            if pw.is_empty() {
                return Err(ToolError::Usage("empty password".into()));
            }
            file.set_password(u, &Secret::from(pw), None)
                .map_err(fail)?;
            Ok(String::new())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cyrus_proto::sasl::Authenticator;

    #[test]
    fn set_list_verify_delete() {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = format!("configdirectory: {}\n", dir.path().display());
        let conf = ImapdConf::parse(&dir.path().join("imapd.conf"), &text).expect("conf");
        passwd(
            &conf,
            &PasswdAction::Set,
            Some("alice"),
            &mut "s3cret\n".as_bytes(),
        )
        .expect("set");
        let listed = passwd(&conf, &PasswdAction::List, None, &mut "".as_bytes()).expect("list");
        assert_eq!(listed, "alice\n");
        let file = password_file(&conf).expect("file");
        assert!(file
            .verify_password("alice", &Secret::from("s3cret"))
            .expect("verify"));
        assert!(!file
            .verify_password("alice", &Secret::from("wrong"))
            .expect("verify"));
        passwd(
            &conf,
            &PasswdAction::Delete,
            Some("alice"),
            &mut "".as_bytes(),
        )
        .expect("delete");
        assert!(passwd(
            &conf,
            &PasswdAction::Delete,
            Some("alice"),
            &mut "".as_bytes()
        )
        .is_err());
    }
}
