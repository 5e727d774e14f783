use std::fmt;

use super::error::NameError;
use super::userid::UserId;

/// Cyrus's `deletedprefix` default. Delayed-delete names start with it.
pub const DELETED_PREFIX: &str = "DELETED";

/// Separator between components in a mailboxes.db name (`DB_HIERSEP_CHAR`).
pub const DB_HIERSEP: u8 = 0x1f;
/// Separator after the domain in a mailboxes.db name (`DB_DOMAINSEP_CHAR`).
pub const DB_DOMAINSEP: u8 = 0x1d;

/// A mailbox name, held as its parts (Cyrus `mbname_t`).
///
/// Components are stored *unescaped*: the folder the client calls `a.b`
/// (with `/` as separator) is the component `a.b`, written `a^b` in the
/// internal name and `a.b` in the mailboxes.db name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MailboxName {
    domain: Option<String>,
    localpart: Option<String>,
    boxes: Vec<String>,
    deleted: Option<u32>,
}

fn bad(name: &str, why: &'static str) -> NameError {
    NameError::BadName {
        name: name.to_string(),
        why,
    }
}

/// Splits `DELETED … <HEX>` and `user <localpart> …` off a component list,
/// as Cyrus's `mbname_from_intname` / `mbname_from_dbname` do.
fn classify(mut boxes: Vec<String>, domain: Option<String>) -> MailboxName {
    let mut deleted = None;
    if boxes.len() > 2 && boxes[0] == DELETED_PREFIX {
        // Cyrus takes the last component as hex seconds whatever it is;
        // we only treat it as a deletion stamp when it really is one, so
        // an odd shared name like `DELETED.x.y` still round-trips.
        let last = boxes.last().map(String::as_str).unwrap_or("");
        if let Ok(t) = u32::from_str_radix(last, 16) {
            if t != 0 && !last.is_empty() && last.bytes().all(|b| b.is_ascii_hexdigit()) {
                boxes.remove(0);
                boxes.pop();
                deleted = Some(t);
            }
        }
    }
    let mut localpart = None;
    if boxes.len() > 1 && boxes[0] == "user" {
        boxes.remove(0);
        localpart = Some(boxes.remove(0));
    }
    MailboxName {
        domain,
        localpart,
        boxes,
        deleted,
    }
}

impl MailboxName {
    /// Parses an internal name (`user.alice.Sent`, `example.com!user.bob`,
    /// `DELETED.user.alice.X.6B02EEA4`, `shared-news`).
    pub fn from_internal(s: &str) -> Result<MailboxName, NameError> {
        if s.is_empty() {
            return Err(bad(s, "empty name"));
        }
        let (domain, rest) = match s.find('!') {
            Some(i) => (Some(s[..i].to_string()), &s[i + 1..]),
            None => (None, s),
        };
        if rest.is_empty() {
            return Err(bad(s, "empty name after domain"));
        }
        let boxes = rest.split('.').map(|c| c.replace('^', ".")).collect();
        Ok(classify(boxes, domain))
    }

    /// Parses a mailboxes.db name (`user\x1Falice\x1Fa.b`,
    /// `example.com\x1Duser\x1Fbob`).
    pub fn from_dbname(b: &[u8]) -> Result<MailboxName, NameError> {
        let s = std::str::from_utf8(b)
            .map_err(|_| NameError::BadDbName(String::from_utf8_lossy(b).into_owned()))?;
        if s.is_empty() {
            return Err(NameError::BadDbName(String::new()));
        }
        let (domain, rest) = match s.find(DB_DOMAINSEP as char) {
            Some(i) => (Some(s[..i].to_string()), &s[i + 1..]),
            None => (None, s),
        };
        let boxes = rest.split(DB_HIERSEP as char).map(str::to_string).collect();
        Ok(classify(boxes, domain))
    }

    /// The INBOX of `user` (`user.<localpart>` in the user's domain).
    pub fn user_inbox(user: &UserId) -> MailboxName {
        MailboxName {
            domain: user.domain().map(str::to_string),
            localpart: Some(user.localpart().to_string()),
            boxes: Vec::new(),
            deleted: None,
        }
    }

    /// A name from parts. `boxes` are unescaped components.
    pub fn from_parts(
        domain: Option<&str>,
        localpart: Option<&str>,
        boxes: &[&str],
    ) -> Result<MailboxName, NameError> {
        let n = MailboxName {
            domain: domain.map(str::to_string),
            localpart: localpart.map(str::to_string),
            boxes: boxes.iter().map(|b| b.to_string()).collect(),
            deleted: None,
        };
        if n.localpart.is_none() && n.boxes.is_empty() {
            return Err(bad("", "no components"));
        }
        Ok(n)
    }

    /// The virtual domain, if any.
    pub fn domain(&self) -> Option<&str> {
        self.domain.as_deref()
    }

    /// The user's local part for `user.*` names.
    pub fn localpart(&self) -> Option<&str> {
        self.localpart.as_deref()
    }

    /// The folder components below the user (or the whole shared name).
    pub fn boxes(&self) -> &[String] {
        &self.boxes
    }

    /// The delayed-delete timestamp (Unix seconds) of a `DELETED.` name.
    pub fn deleted_at(&self) -> Option<u32> {
        self.deleted
    }

    /// True for `DELETED.…` names.
    pub fn is_deleted(&self) -> bool {
        self.deleted.is_some()
    }

    /// The owner, for names in a user's hierarchy (`localpart[@domain]`).
    pub fn userid(&self) -> Option<UserId> {
        let lp = self.localpart.as_deref()?;
        UserId::from_parts(lp, self.domain.as_deref()).ok()
    }

    /// True if `user` owns this name (Cyrus `mboxname_userownsmailbox`).
    pub fn is_owned_by(&self, user: &UserId) -> bool {
        self.userid().as_ref() == Some(user)
    }

    /// True for a live user INBOX (`user.<x>` with no folders).
    pub fn is_user_inbox(&self) -> bool {
        self.localpart.is_some() && self.boxes.is_empty() && self.deleted.is_none()
    }

    /// True for a live name in some user's hierarchy.
    pub fn is_user_mailbox(&self) -> bool {
        self.localpart.is_some() && self.deleted.is_none()
    }

    /// The same user's INBOX (or `None` for shared names).
    pub fn inbox(&self) -> Option<MailboxName> {
        self.localpart.as_ref().map(|lp| MailboxName {
            domain: self.domain.clone(),
            localpart: Some(lp.clone()),
            boxes: Vec::new(),
            deleted: None,
        })
    }

    /// The parent name, if there is one (a user INBOX and a top-level
    /// shared mailbox have none).
    pub fn parent(&self) -> Option<MailboxName> {
        if self.boxes.is_empty() || (self.localpart.is_none() && self.boxes.len() == 1) {
            return None;
        }
        let mut p = self.clone();
        p.boxes.pop();
        Some(p)
    }

    /// Every ancestor, nearest first.
    pub fn ancestors(&self) -> Vec<MailboxName> {
        let mut out = Vec::new();
        let mut cur = self.parent();
        while let Some(p) = cur {
            cur = p.parent();
            out.push(p);
        }
        out
    }

    /// The child `component` (unescaped) of this name.
    pub fn child(&self, component: &str) -> MailboxName {
        let mut c = self.clone();
        c.boxes.push(component.to_string());
        c
    }

    /// True if `other` is this name or below it (Cyrus
    /// `mboxname_is_prefix` on internal names).
    pub fn contains(&self, other: &MailboxName) -> bool {
        let mine = self.to_internal();
        let theirs = other.to_internal();
        theirs == mine
            || (theirs.len() > mine.len()
                && theirs.starts_with(&mine)
                && theirs.as_bytes()[mine.len()] == b'.')
    }

    /// This name moved from below `old_root` to below `new_root`
    /// (`user.a.X.Y` with `user.a.X` → `user.b.Z` gives `user.b.Z.Y`);
    /// `None` if this name is not `old_root` or below it.
    pub fn reparent(&self, old_root: &MailboxName, new_root: &MailboxName) -> Option<MailboxName> {
        if !old_root.contains(self) || self.deleted != old_root.deleted {
            return None;
        }
        // Both are in the same hierarchy, so the extra components are the
        // tail of ours (an INBOX root has no boxes of its own).
        let skip = old_root.boxes.len();
        let mut out = new_root.clone();
        out.boxes.extend(self.boxes.iter().skip(skip).cloned());
        Some(out)
    }

    /// The delayed-delete name for this mailbox at `time` (Unix seconds):
    /// `[domain!]DELETED.<name>.<HEX>` (Cyrus `mboxname_todeleted`).
    pub fn to_deleted(&self, time: u32) -> MailboxName {
        let mut d = self.clone();
        // A zero stamp would read back as "not deleted"; Cyrus never makes
        // one either (it uses the current time).
        d.deleted = Some(time.max(1));
        d
    }

    /// The internal name (`[domain!][DELETED.]user.<lp>.<box>…[.<HEX>]`),
    /// with `.` inside components written as `^`.
    pub fn to_internal(&self) -> String {
        let mut out = String::new();
        if let Some(d) = &self.domain {
            out.push_str(d);
            out.push('!');
        }
        let mut parts: Vec<String> = Vec::new();
        if self.deleted.is_some() {
            parts.push(DELETED_PREFIX.to_string());
        }
        if let Some(lp) = &self.localpart {
            parts.push("user".to_string());
            parts.push(lp.replace('.', "^"));
        }
        parts.extend(self.boxes.iter().map(|b| b.replace('.', "^")));
        if let Some(t) = self.deleted {
            parts.push(format!("{t:X}"));
        }
        out.push_str(&parts.join("."));
        out
    }

    /// The mailboxes.db name: components joined by `\x1F`, unescaped, the
    /// domain followed by `\x1D` (Cyrus `mbname_dbname`).
    pub fn to_dbname(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if let Some(d) = &self.domain {
            out.extend_from_slice(d.as_bytes());
            out.push(DB_DOMAINSEP);
        }
        let mut parts: Vec<&[u8]> = Vec::new();
        let hex = self.deleted.map(|t| format!("{t:X}"));
        if self.deleted.is_some() {
            parts.push(DELETED_PREFIX.as_bytes());
        }
        if let Some(lp) = &self.localpart {
            parts.push(b"user");
            parts.push(lp.as_bytes());
        }
        parts.extend(self.boxes.iter().map(|b| b.as_bytes()));
        if let Some(h) = &hex {
            parts.push(h.as_bytes());
        }
        out.extend_from_slice(&parts.join(&DB_HIERSEP));
        out
    }
}

impl TryFrom<&str> for MailboxName {
    type Error = NameError;
    fn try_from(s: &str) -> Result<Self, NameError> {
        MailboxName::from_internal(s)
    }
}

impl fmt::Display for MailboxName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_internal())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> MailboxName {
        MailboxName::from_internal(s).expect("valid name")
    }

    #[test]
    fn internal_round_trips_and_parts() {
        for s in [
            "user.alice",
            "user.alice.Sent",
            "user.alice.a^b",
            "alice.example.com!user.bob",
            "DELETED.user.alice.ToDelete.6B02EEA4",
            "shared-news",
            "user.fred^smith.Sent",
            "user",
        ] {
            assert_eq!(n(s).to_internal(), s);
        }
        let a = n("user.alice.a^b");
        assert_eq!(a.localpart(), Some("alice"));
        assert_eq!(a.boxes(), ["a.b"]);
        let d = n("DELETED.user.alice.ToDelete.6B02EEA4");
        assert_eq!(d.deleted_at(), Some(0x6B02_EEA4));
        assert_eq!(d.boxes(), ["ToDelete"]);
        let dom = n("alice.example.com!user.bob");
        assert_eq!(dom.domain(), Some("alice.example.com"));
        assert_eq!(
            dom.userid().map(|u| u.to_string()),
            Some("bob@alice.example.com".into())
        );
        assert!(MailboxName::from_internal("").is_err());
    }

    #[test]
    fn dbname_matches_fixture_keys() {
        assert_eq!(n("user.alice.a^b").to_dbname(), b"user\x1falice\x1fa.b");
        assert_eq!(
            n("DELETED.user.alice.ToDelete.6B02EEA4").to_dbname(),
            b"DELETED\x1fuser\x1falice\x1fToDelete\x1f6B02EEA4"
        );
        assert_eq!(
            n("ex.com!user.bob.X").to_dbname(),
            b"ex.com\x1duser\x1fbob\x1fX"
        );
        assert_eq!(n("shared-news").to_dbname(), b"shared-news");
        for k in [
            &b"user\x1falice\x1fa.b"[..],
            b"DELETED\x1fuser\x1falice\x1fToDelete\x1f6B02EEA4",
            b"ex.com\x1duser\x1fbob",
            b"shared-news",
        ] {
            assert_eq!(MailboxName::from_dbname(k).expect("dbname").to_dbname(), k);
        }
    }

    #[test]
    fn deleted_and_family() {
        let s = n("user.alice.ToDelete");
        assert_eq!(
            s.to_deleted(0x6B02EEA4).to_internal(),
            "DELETED.user.alice.ToDelete.6B02EEA4"
        );
        let dom = n("ex.com!user.bob");
        assert_eq!(
            dom.to_deleted(0xAB).to_internal(),
            "ex.com!DELETED.user.bob.AB"
        );
        assert_eq!(n("user.a.b.c").parent(), Some(n("user.a.b")));
        assert_eq!(n("user.a").parent(), None);
        assert_eq!(n("top").parent(), None);
        assert_eq!(n("top.x").parent(), Some(n("top")));
        assert_eq!(
            n("user.a.b.c").ancestors(),
            vec![n("user.a.b"), n("user.a")]
        );
        assert!(n("user.a").contains(&n("user.a.b")));
        assert!(!n("user.a").contains(&n("user.ab")));
        assert_eq!(
            n("user.a.X.Y").reparent(&n("user.a.X"), &n("user.b.Z")),
            Some(n("user.b.Z.Y"))
        );
        assert_eq!(
            n("user.a.X.Y").reparent(&n("user.a"), &n("user.c")),
            Some(n("user.c.X.Y"))
        );
        assert_eq!(n("user.ab").reparent(&n("user.a"), &n("user.c")), None);
    }
}
