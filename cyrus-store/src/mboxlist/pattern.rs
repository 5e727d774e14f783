//! IMAP LIST patterns (`*`, `%`) over external names, with the prefix
//! scan that narrows the mailboxes.db walk.

use super::entry::MbEntry;
use super::error::MboxlistError;
use super::ops::{foreach_prefix, Visibility};
use crate::db::{Db, Walk};
use crate::mboxname::{Namespace, UserId};

/// A compiled LIST pattern (RFC 3501 §6.3.8): `*` matches anything, `%`
/// anything but the hierarchy separator. A leading `INBOX` matches in any
/// case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pat: Vec<char>,
    sep: char,
}

impl Pattern {
    /// Compiles `reference` + `pattern` for a namespace's separator.
    pub fn new(reference: &str, pattern: &str, sep: char) -> Pattern {
        // RFC 3501 leaves the join to the server; Cyrus concatenates.
        let full = format!("{reference}{pattern}");
        let mut pat: Vec<char> = full.chars().collect();
        // Case-fold a leading INBOX so `inbox/%` matches `INBOX/x`.
        if pat.len() >= 5 {
            let head: String = pat[..5].iter().collect();
            let next = pat.get(5).copied();
            if head.eq_ignore_ascii_case("INBOX")
                && next.is_none_or(|c| c == sep || c == '*' || c == '%')
            {
                for (i, c) in "INBOX".chars().enumerate() {
                    pat[i] = c;
                }
            }
        }
        Pattern { pat, sep }
    }

    /// True if `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        let n: Vec<char> = name.chars().collect();
        glob(&self.pat, &n, self.sep)
    }

    /// The literal text before the first wildcard, cut back to the last
    /// separator: every match starts with it.
    pub fn literal_dir(&self) -> String {
        let lit: String = self
            .pat
            .iter()
            .take_while(|&&c| c != '*' && c != '%')
            .collect();
        if lit.len() == self.pat.len() {
            return lit;
        }
        match lit.rfind(self.sep) {
            Some(i) => lit[..i].to_string(),
            None => String::new(),
        }
    }
}

fn glob(p: &[char], n: &[char], sep: char) -> bool {
    // Dynamic programming over (pattern position, name position), so a
    // hostile pattern like `*a*a*a*b` stays O(len(p) × len(n)).
    // ok[j] = pattern prefix p[..i] matches name prefix n[..j].
    let mut ok = vec![false; n.len() + 1];
    ok[0] = true;
    for &pc in p {
        let mut next = vec![false; n.len() + 1];
        match pc {
            '*' => {
                let mut any = false;
                for j in 0..=n.len() {
                    any |= ok[j];
                    next[j] = any;
                }
            }
            '%' => {
                let mut any = false;
                for j in 0..=n.len() {
                    if j > 0 && n[j - 1] == sep {
                        any = false;
                    }
                    any |= ok[j];
                    next[j] = any;
                }
            }
            c => {
                for j in 1..=n.len() {
                    next[j] = ok[j - 1] && n[j - 1] == c;
                }
            }
        }
        ok = next;
    }
    ok[n.len()]
}

/// Calls `f(external_name, entry)` for each live mailbox whose external
/// name as `user` sees it matches `pattern`, in Cyrus's LIST order: the
/// user's own mailboxes (INBOX first), then other users', then shared
/// ones, then (for admins) `DELETED` ones, each group in mailboxes.db
/// order. When the pattern starts with a
/// literal folder path, only that part of mailboxes.db is walked. Access
/// rights are not checked here: filter on `l` in `f`.
pub fn list_matching(
    db: &mut dyn Db,
    ns: &Namespace,
    user: Option<&UserId>,
    pattern: &Pattern,
    f: &mut dyn FnMut(&str, &MbEntry) -> Result<Walk, MboxlistError>,
) -> Result<(), MboxlistError> {
    let dir = pattern.literal_dir();
    let prefix = if dir.is_empty() {
        Vec::new()
    } else {
        match ns.to_internal(&dir, user) {
            Ok(n) => n.to_dbname(),
            Err(_) => Vec::new(),
        }
    };
    let mut hits: Vec<(u8, String, MbEntry)> = Vec::new();
    foreach_prefix(db, &prefix, Visibility::Live, &mut |e| {
        if let Some(ext) = ns.to_external(&e.name, user) {
            if pattern.matches(&ext) {
                let group = match (&user, e.name.localpart()) {
                    _ if e.name.is_deleted() => 4,
                    (Some(u), Some(_)) if e.name.is_owned_by(u) => {
                        u8::from(!e.name.boxes().is_empty())
                    }
                    (_, Some(_)) => 2,
                    (_, None) => 3,
                };
                hits.push((group, ext, e));
            }
        }
        Ok(Walk::Continue)
    })?;
    hits.sort_by_key(|h| h.0);
    for (_, ext, e) in &hits {
        if f(ext, e)? == Walk::Stop {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        let p = Pattern::new("", "*", '/');
        assert!(p.matches("a/b/c"));
        let p = Pattern::new("", "%", '/');
        assert!(p.matches("Archive"));
        assert!(!p.matches("Archive/2024"));
        let p = Pattern::new("Archive/", "%", '/');
        assert!(p.matches("Archive/2024"));
        assert!(!p.matches("Archive"));
        assert_eq!(p.literal_dir(), "Archive");
        let p = Pattern::new("", "inbox", '/');
        assert!(p.matches("INBOX"));
        let p = Pattern::new("", "Other Users/alice/*", '/');
        assert_eq!(p.literal_dir(), "Other Users/alice");
        assert!(p.matches("Other Users/alice/Archive/2024"));
        let p = Pattern::new("", "A*v%", '/');
        assert!(p.matches("Archive"));
        assert!(p.matches("Archive/2024v"));
        let p = Pattern::new("", "A%v", '/');
        assert!(!p.matches("Archive/2024v"));
        let hostile = Pattern::new("", &"*a".repeat(40), '/');
        assert!(!hostile.matches(&"a".repeat(39)));
    }
}
