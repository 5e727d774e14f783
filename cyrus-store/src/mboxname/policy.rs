//! Cyrus's rules for acceptable internal names (`mboxname_policycheck`).

use super::error::NameError;
use super::mutf7;
use super::name::MailboxName;

/// Longest internal name accepted for a new mailbox (`MAX_MAILBOX_NAME`).
pub const MAX_MAILBOX_NAME: usize = 490;
/// Longest name buffer Cyrus handles at all (`MAX_MAILBOX_BUFFER`).
pub const MAX_MAILBOX_BUFFER: usize = 1024;
/// Longest path Cyrus builds (`MAX_MAILBOX_PATH`).
pub const MAX_MAILBOX_PATH: usize = 4096;

/// Printable characters allowed in internal names besides `&`-runs
/// (Cyrus `GOODCHARS`).
const GOODCHARS: &[u8] =
    b" #$'()*+,-.0123456789:=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz~";

/// Whether virtual domains are enabled, which decides if `!` may appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DomainPolicy {
    /// `virtdomains: off`: a `!` makes the name invalid.
    NoDomains,
    /// `virtdomains: userid` or `on`: `domain!rest` is split first.
    VirtDomains,
}

fn bad(name: &str, why: &'static str) -> NameError {
    NameError::BadName {
        name: name.to_string(),
        why,
    }
}

/// Checks an internal name against Cyrus's policy; the same rules, in the
/// same order, as `mboxname_policycheck` in 3.6.
pub fn policy_check(internal: &str, domains: DomainPolicy) -> Result<(), NameError> {
    let full = internal;
    // `$` at the very top is reserved for internal mailboxes.db keys.
    if internal.starts_with('$') {
        return Err(bad(full, "leading '$'"));
    }
    // Delayed-delete names were checked when they were live.
    if MailboxName::from_internal(internal).is_ok_and(|n| n.is_deleted()) {
        return Ok(());
    }
    if internal.len() > MAX_MAILBOX_NAME {
        return Err(NameError::TooLong {
            len: internal.len(),
            max: MAX_MAILBOX_NAME,
        });
    }
    let mut name = internal;
    let mut hasdom = false;
    if let Some(i) = name.find('!') {
        match domains {
            DomainPolicy::VirtDomains => {
                name = &name[i + 1..];
                hasdom = true;
            }
            DomainPolicy::NoDomains => return Err(bad(full, "'!' without virtual domains")),
        }
    }
    if name.is_empty() {
        return Err(bad(full, "empty name"));
    }
    if name.starts_with('.') || name.ends_with('.') || name.contains("..") {
        return Err(bad(full, "empty component"));
    }
    if name.starts_with('~') {
        return Err(bad(full, "leading '~'"));
    }
    if name.contains(['\r', '\n', '\t']) {
        return Err(bad(full, "whitespace other than space"));
    }
    if name == "user" || name == "user.anyone" || name == "user.anonymous" {
        return Err(bad(full, "reserved name"));
    }
    if name.starts_with("user.%") {
        return Err(bad(full, "user id starting with '%'"));
    }
    let b = name.as_bytes();
    let mut i = 0;
    let mut saw_utf7 = false;
    while i < b.len() {
        if b[i] == b'&' {
            let end = b[i + 1..]
                .iter()
                .position(|&c| c == b'-')
                .map(|p| i + 1 + p)
                .ok_or_else(|| bad(full, "unterminated '&' sequence"))?;
            let run = &name[i..=end];
            if run != "&-" {
                if saw_utf7 {
                    return Err(bad(full, "two adjacent UTF-7 sequences"));
                }
                if !mutf7::is_valid(run) {
                    return Err(bad(full, "bad modified UTF-7"));
                }
                saw_utf7 = true;
            } else {
                saw_utf7 = false;
            }
            i = end + 1;
        } else {
            if !(GOODCHARS.contains(&b[i]) || (hasdom && b[i] == b'!')) {
                return Err(bad(full, "character not allowed"));
            }
            saw_utf7 = false;
            i += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_names_pass() {
        for ok in [
            "user.alice",
            "user.alice.a^b",
            "user.alice.Entw&APw-rfe",
            "user.alice.#sieve",
            "shared-news",
            "DELETED.user.alice.ToDelete.6B02EEA4",
            "user.alice.R&APw-ck&-x",
        ] {
            assert_eq!(policy_check(ok, DomainPolicy::NoDomains), Ok(()), "{ok}");
        }
        assert_eq!(
            policy_check("ex.com!user.bob", DomainPolicy::VirtDomains),
            Ok(())
        );
    }

    #[test]
    fn bad_names_fail() {
        for bad in [
            "$RACL",
            "",
            ".x",
            "x.",
            "a..b",
            "~x",
            "a\tb",
            "user",
            "user.anyone",
            "user.anonymous",
            "user.%x",
            "a/b",
            "a\"b",
            "a%b",
            "a&AGE-",
            "a&APw-&APw-",
            "a&APw",
            "a\\b",
            "a{b",
            "a|b",
            "ü",
        ] {
            assert!(
                policy_check(bad, DomainPolicy::NoDomains).is_err(),
                "{bad:?}"
            );
        }
        assert!(policy_check("ex.com!user.bob", DomainPolicy::NoDomains).is_err());
        let long = format!("user.a.{}", "x".repeat(500));
        assert!(matches!(
            policy_check(&long, DomainPolicy::NoDomains),
            Err(NameError::TooLong { .. })
        ));
    }
}
