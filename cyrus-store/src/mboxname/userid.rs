use std::fmt;

use super::error::NameError;

/// A user id as Cyrus stores it: `localpart` or `localpart@domain`.
///
/// Cyrus's `mbname_from_userid` splits at the *last* `@`; the local part
/// may itself contain dots (`fred.smith`), which internal names write as
/// `^`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UserId(String);

impl UserId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the last `@` (all of it without a domain).
    pub fn localpart(&self) -> &str {
        match self.0.rfind('@') {
            Some(i) => &self.0[..i],
            None => &self.0,
        }
    }

    /// The part after the last `@`, if any.
    pub fn domain(&self) -> Option<&str> {
        self.0.rfind('@').map(|i| &self.0[i + 1..])
    }

    /// Builds `localpart[@domain]`.
    pub fn from_parts(localpart: &str, domain: Option<&str>) -> Result<UserId, NameError> {
        match domain {
            Some(d) => UserId::try_from(format!("{localpart}@{d}").as_str()),
            None => UserId::try_from(localpart),
        }
    }
}

impl TryFrom<&str> for UserId {
    type Error = NameError;
    fn try_from(s: &str) -> Result<Self, NameError> {
        // The local part must be non-empty, and no control characters or
        // separators Cyrus uses inside its keys may appear.
        let local_ok = !s.starts_with('@') && !s.is_empty();
        let bytes_ok = s
            .bytes()
            .all(|b| b >= 0x20 && b != 0x7f && b != b'!' && b != b'/');
        if local_ok && bytes_ok && !s.ends_with('@') {
            Ok(UserId(s.to_string()))
        } else {
            Err(NameError::BadUserId(s.to_string()))
        }
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_last_at() {
        let u = UserId::try_from("a@b@example.com").expect("valid");
        assert_eq!(u.localpart(), "a@b");
        assert_eq!(u.domain(), Some("example.com"));
        let u = UserId::try_from("fred.smith").expect("valid");
        assert_eq!(u.localpart(), "fred.smith");
        assert_eq!(u.domain(), None);
        assert!(UserId::try_from("").is_err());
        assert!(UserId::try_from("a\tb").is_err());
        assert!(UserId::try_from("@x").is_err());
    }
}
