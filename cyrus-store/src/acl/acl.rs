use std::fmt;

use super::identity::Identity;
use super::rights::{BadRights, DeleteRight, Rights};
use crate::dlist::Dlist;

/// Why an ACL could not be parsed or changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AclError {
    /// A rights string with an unknown letter.
    #[error(transparent)]
    BadRights(#[from] BadRights),
    /// An identifier that is empty or contains a tab.
    #[error("invalid ACL identifier {0:?}")]
    BadIdentifier(String),
    /// The dlist form is not `%(id rights …)`.
    #[error("ACL dlist is not a key-value list")]
    BadDlist,
}

/// How [`Acl::set`] combines new rights with existing ones (Cyrus
/// `ACL_MODE_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AclMode {
    /// Replace the identifier's rights.
    Set,
    /// Add to them.
    Add,
    /// Remove from them.
    Remove,
}

/// One `identifier rights` pair. A negative entry's identifier starts
/// with `-` (`-bob w` removes `w` from bob, whatever else grants it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclEntry {
    /// The identifier as stored, including a leading `-` when negative.
    pub identifier: String,
    /// The rights.
    pub rights: Rights,
}

impl AclEntry {
    /// True for a `-id` entry.
    pub fn is_negative(&self) -> bool {
        self.identifier.starts_with('-')
    }

    /// The identifier without the `-`.
    pub fn subject(&self) -> &str {
        self.identifier
            .strip_prefix('-')
            .unwrap_or(&self.identifier)
    }
}

/// A mailbox ACL, in stored order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Acl {
    entries: Vec<AclEntry>,
}

/// Identifiers may not be empty or contain the separators of either form.
fn check_id(id: &str) -> Result<(), AclError> {
    let bare = id.strip_prefix('-').unwrap_or(id);
    if bare.is_empty() || id.contains(['\t', '\r', '\n', '\0']) {
        return Err(AclError::BadIdentifier(id.to_string()));
    }
    Ok(())
}

impl Acl {
    /// An empty ACL.
    pub fn new() -> Acl {
        Acl::default()
    }

    /// The entries in stored order.
    pub fn entries(&self) -> &[AclEntry] {
        &self.entries
    }

    /// True if there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The rights stored for `identifier` (give `-id` for a negative
    /// entry).
    pub fn get(&self, identifier: &str) -> Option<Rights> {
        self.entries
            .iter()
            .find(|e| e.identifier == identifier)
            .map(|e| e.rights)
    }

    /// Parses Cyrus's text form `id\trights\tid\trights\t…`. Like
    /// `cyrus_acl_myrights`, a trailing fragment without both tabs is
    /// ignored.
    pub fn parse(s: &str) -> Result<Acl, AclError> {
        let mut acl = Acl::new();
        let mut it = s.split('\t');
        while let Some(id) = it.next() {
            if id.is_empty() {
                break;
            }
            let Some(rights) = it.next() else { break };
            check_id(id)?;
            acl.entries.push(AclEntry {
                identifier: id.to_string(),
                rights: Rights::try_from(rights)?,
            });
        }
        Ok(acl)
    }

    /// Cyrus's text form, with a trailing tab.
    pub fn to_cyrus_string(&self) -> String {
        let mut out = String::new();
        for e in &self.entries {
            out.push_str(&e.identifier);
            out.push('\t');
            out.push_str(&e.rights.to_string());
            out.push('\t');
        }
        out
    }

    /// Parses the dlist form `%(id rights …)` used in mailboxes.db.
    pub fn from_dlist(d: &Dlist) -> Result<Acl, AclError> {
        let kv = d.as_kvlist().ok_or(AclError::BadDlist)?;
        let mut acl = Acl::new();
        for (id, v) in kv {
            check_id(id)?;
            let r = v.as_str().ok_or(AclError::BadDlist)?;
            acl.entries.push(AclEntry {
                identifier: id.clone(),
                rights: Rights::try_from(r)?,
            });
        }
        Ok(acl)
    }

    /// The dlist form `%(id rights …)`.
    pub fn to_dlist(&self) -> Dlist {
        Dlist::KvList(
            self.entries
                .iter()
                .map(|e| (e.identifier.clone(), Dlist::atom(e.rights.to_string())))
                .collect(),
        )
    }

    /// Changes `identifier`'s rights as Cyrus `cyrus_acl_set`: an
    /// existing entry is replaced in place, a new one is appended, and an
    /// entry whose rights become empty is removed.
    pub fn set(&mut self, identifier: &str, mode: AclMode, rights: Rights) -> Result<(), AclError> {
        check_id(identifier)?;
        let pos = self.entries.iter().position(|e| e.identifier == identifier);
        let old = pos.map(|i| self.entries[i].rights).unwrap_or_default();
        let new = match mode {
            AclMode::Set => rights,
            AclMode::Add => old | rights,
            AclMode::Remove => old - rights,
        };
        match (pos, new.is_empty()) {
            (Some(i), true) => {
                self.entries.remove(i);
            }
            (Some(i), false) => self.entries[i].rights = new,
            (None, true) => {}
            (None, false) => self.entries.push(AclEntry {
                identifier: identifier.to_string(),
                rights: new,
            }),
        }
        Ok(())
    }

    /// Removes `identifier`'s entry (Cyrus `cyrus_acl_remove`).
    pub fn remove(&mut self, identifier: &str) {
        self.entries.retain(|e| e.identifier != identifier);
    }

    /// The rights `who` has (Cyrus `cyrus_acl_myrights`): the union of
    /// positive entries that match, minus the union of negative ones.
    /// With `admin_implies_write` (`acl_admin_implies_write`), `a` also
    /// grants `s w i t e n`.
    pub fn rights_for(&self, who: &dyn Identity, admin_implies_write: bool) -> Rights {
        let mut pos = Rights::NONE;
        let mut neg = Rights::NONE;
        for e in &self.entries {
            if who.is_member_of(e.subject()) {
                if e.is_negative() {
                    neg |= e.rights;
                } else {
                    pos |= e.rights;
                }
            }
        }
        if admin_implies_write && pos.contains(Rights::ADMIN) {
            pos |= Rights::READ_WRITE;
        }
        pos - neg
    }

    /// The ACL a user's new INBOX gets: the owner has every right
    /// (`mboxlist_create_acl`).
    pub fn for_new_inbox(owner: &str) -> Acl {
        Acl {
            entries: vec![AclEntry {
                identifier: owner.to_string(),
                rights: Rights::ALL,
            }],
        }
    }

    /// The ACL a new top-level shared mailbox gets from the `defaultacl`
    /// option (whitespace-separated `id rights` pairs, default
    /// `anyone lrs`).
    pub fn from_defaultacl(defaultacl: &str) -> Result<Acl, AclError> {
        let mut acl = Acl::new();
        let words: Vec<&str> = defaultacl.split_whitespace().collect();
        for pair in words.chunks(2) {
            if let [id, r] = pair {
                acl.set(id, AclMode::Set, Rights::try_from(*r)?)?;
            }
        }
        Ok(acl)
    }
}

/// Cyrus's default `defaultacl`.
pub const DEFAULT_ACL: &str = "anyone lrs";

/// Cyrus's default `implicit_owner_rights`.
pub const DEFAULT_IMPLICIT_OWNER_RIGHTS: &str = "lkxan";

/// The options that decide effective rights beyond the ACL itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RightsPolicy {
    /// `implicit_owner_rights`: added for the owner of a user mailbox.
    pub implicit_owner_rights: Rights,
    /// `acl_admin_implies_write`.
    pub admin_implies_write: bool,
    /// `deleteright` (affects parsing and printing of `c`/`d`).
    pub delete_right: DeleteRight,
}

impl Default for RightsPolicy {
    fn default() -> Self {
        RightsPolicy {
            // `lkxan` parses with the default deleteright; no error path.
            implicit_owner_rights: Rights::LOOKUP
                | Rights::CREATE
                | Rights::DELETEMBOX
                | Rights::ADMIN
                | Rights::ANNOTATEMSG,
            admin_implies_write: false,
            delete_right: DeleteRight::C,
        }
    }
}

/// Whether the session belongs to a Cyrus admin (`admins:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An ordinary user.
    User,
    /// A server admin.
    Admin,
}

impl RightsPolicy {
    /// What `who` may do on a mailbox with `acl`, owned by `owner` (the
    /// user of a `user.*` name, `None` for shared mailboxes), as imapd's
    /// MYRIGHTS computes it: the ACL's rights, plus `l a` for admins, or
    /// the implicit owner rights for the owner. Admins get no implicit
    /// `i` (a Cyrus admin's APPEND to a shared mailbox is refused).
    pub fn effective_rights(
        &self,
        acl: &Acl,
        who: &dyn Identity,
        owner: Option<&str>,
        role: Role,
    ) -> Rights {
        let mut r = acl.rights_for(who, self.admin_implies_write);
        if role == Role::Admin {
            r |= Rights::LOOKUP | Rights::ADMIN;
        } else if owner.is_some() && owner == who.userid() {
            r |= self.implicit_owner_rights;
        }
        r
    }
}

impl fmt::Display for Acl {
    /// The IMAP GETACL order: `id rights id rights …` separated by spaces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.entries.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{} {}", e.identifier, e.rights)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acl::identity::User;
    use crate::dlist;

    #[test]
    fn fixture_archive_2024_gives_bob_lrs() {
        let d = dlist::parse(b"%(alice lrswipkxtecdan bob lrsw -bob w)").expect("dlist");
        let acl = Acl::from_dlist(&d).expect("acl");
        assert_eq!(
            acl.to_dlist().to_bytes(),
            b"%(alice lrswipkxtecdan bob lrsw -bob w)"
        );
        let bob = User::new("bob");
        assert_eq!(acl.rights_for(&bob, false).to_string(), "lrs");
        let alice = User::new("alice");
        let pol = RightsPolicy::default();
        assert_eq!(
            pol.effective_rights(&acl, &alice, Some("alice"), Role::User),
            Rights::ALL
        );
        assert_eq!(acl.to_string(), "alice lrswipkxtecdan bob lrsw -bob w");
    }

    #[test]
    fn text_form_and_set() {
        let mut acl = Acl::parse("anyone\tlr\tbob\tlrswipkxtecdan\t").expect("acl");
        assert_eq!(acl.to_cyrus_string(), "anyone\tlr\tbob\tlrswipkxtecdan\t");
        acl.set("anyone", AclMode::Add, Rights::SETSEEN)
            .expect("set");
        acl.set("carol", AclMode::Set, Rights::READ).expect("set");
        acl.set("bob", AclMode::Remove, Rights::ALL).expect("set");
        assert_eq!(acl.to_cyrus_string(), "anyone\tlrs\tcarol\tr\t");
        assert!(Acl::parse("x\tlrz\t").is_err());
        assert!(acl.set("", AclMode::Set, Rights::READ).is_err());
        let anon = User::new("anonymous");
        assert_eq!(acl.rights_for(&anon, false).to_string(), "lrs");
        let admin = User::new("carol");
        let mut a2 = acl.clone();
        a2.set("carol", AclMode::Set, Rights::ADMIN).expect("set");
        assert_eq!(a2.rights_for(&admin, true).to_string(), "lrswitedan");
    }

    #[test]
    fn defaults_and_groups() {
        assert_eq!(
            Acl::from_defaultacl(DEFAULT_ACL)
                .expect("d")
                .to_cyrus_string(),
            "anyone\tlrs\t"
        );
        assert_eq!(
            Acl::for_new_inbox("bob").to_cyrus_string(),
            "bob\tlrswipkxtecdan\t"
        );
        let acl = Acl::parse("group:staff\tlr\t-anyone\tr\t").expect("acl");
        let u = User::new("u").with_groups(vec!["staff".into()]);
        assert_eq!(acl.rights_for(&u, false).to_string(), "l");
        let pol = RightsPolicy::default();
        let other = User::new("x");
        assert_eq!(
            pol.effective_rights(&Acl::new(), &other, Some("u"), Role::User),
            Rights::NONE
        );
        assert_eq!(
            pol.effective_rights(&Acl::new(), &u, Some("u"), Role::User)
                .to_string(),
            "lkxcan"
        );
        assert_eq!(
            pol.effective_rights(&acl, &other, None, Role::Admin)
                .to_string(),
            "la"
        );
    }
}
