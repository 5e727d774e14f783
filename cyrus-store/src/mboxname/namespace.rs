//! The client's view of mailbox names (Cyrus `struct namespace`,
//! `mbname_extname`, `mbname_from_extname`), without `crossdomains`.

use super::error::NameError;
use super::name::{MailboxName, DELETED_PREFIX};
use super::userid::UserId;

/// `virtdomains` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VirtDomains {
    /// No virtual domains.
    #[default]
    Off,
    /// The domain comes from the user id.
    UserId,
    /// The domain comes from the user id or the server address.
    On,
}

/// The `imapd.conf` options that shape external names. `Default` gives
/// the Cyrus 3.x defaults (`unixhierarchysep: yes`, `altnamespace: yes`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceConfig {
    /// `unixhierarchysep`: `/` instead of `.` as the separator.
    pub unix_hierarchy_sep: bool,
    /// `altnamespace`: personal folders at the top level beside INBOX.
    pub alt_namespace: bool,
    /// `userprefix` (default `Other Users`).
    pub user_prefix: String,
    /// `sharedprefix` (default `Shared Folders`).
    pub shared_prefix: String,
    /// `altprefix` (default `Alt Folders`).
    pub alt_prefix: String,
    /// `virtdomains`.
    pub virtdomains: VirtDomains,
    /// `defaultdomain`: stripped from user ids and names.
    pub default_domain: Option<String>,
}

impl Default for NamespaceConfig {
    fn default() -> Self {
        NamespaceConfig {
            unix_hierarchy_sep: true,
            alt_namespace: true,
            user_prefix: "Other Users".into(),
            shared_prefix: "Shared Folders".into(),
            alt_prefix: "Alt Folders".into(),
            virtdomains: VirtDomains::Off,
            default_domain: None,
        }
    }
}

/// Whose view a [`Namespace`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// An ordinary user (alt namespace applies if configured).
    User,
    /// A Cyrus admin: never the alt namespace; sees `DELETED` names.
    Admin,
}

/// A namespace as seen by one kind of session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    cfg: NamespaceConfig,
    viewer: Viewer,
}

/// The user's own parts (Cyrus `mbname_from_userid`, with the default
/// domain stripped).
struct UserParts {
    localpart: Option<String>,
    domain: Option<String>,
}

impl Namespace {
    /// Builds a namespace, checking the prefixes as
    /// `mboxname_init_namespace` does.
    pub fn new(cfg: NamespaceConfig, viewer: Viewer) -> Result<Namespace, NameError> {
        let ns = Namespace { cfg, viewer };
        if ns.is_alt() {
            let sep = ns.separator();
            let up = &ns.cfg.user_prefix;
            let sp = &ns.cfg.shared_prefix;
            let badp = |p: &str| p.is_empty() || p.len() >= 40 || p.contains(sep);
            if badp(up) || badp(sp) || format!("{up}{sep}").starts_with(sp.as_str()) {
                return Err(NameError::BadName {
                    name: format!("{up} / {sp}"),
                    why: "bad namespace prefix",
                });
            }
        }
        Ok(ns)
    }

    /// The configuration.
    pub fn config(&self) -> &NamespaceConfig {
        &self.cfg
    }

    /// The hierarchy separator clients see.
    pub fn separator(&self) -> char {
        if self.cfg.unix_hierarchy_sep {
            '/'
        } else {
            '.'
        }
    }

    /// True if the alternate namespace is in effect (never for admins).
    pub fn is_alt(&self) -> bool {
        self.cfg.alt_namespace && self.viewer == Viewer::User
    }

    /// True for an admin's view.
    pub fn is_admin(&self) -> bool {
        self.viewer == Viewer::Admin
    }

    /// The three NAMESPACE prefixes (personal, other users, shared), each
    /// with its trailing separator (`("" "/")`, `("Other Users/" "/")`, …).
    pub fn prefixes(&self) -> [String; 3] {
        let sep = self.separator();
        if self.is_alt() {
            [
                String::new(),
                format!("{}{sep}", self.cfg.user_prefix),
                format!("{}{sep}", self.cfg.shared_prefix),
            ]
        } else {
            [format!("INBOX{sep}"), format!("user{sep}"), String::new()]
        }
    }

    fn admin_domains(&self) -> bool {
        self.cfg.virtdomains != VirtDomains::Off && self.is_admin()
    }

    fn strip_default<'a>(&self, d: Option<&'a str>) -> Option<&'a str> {
        d.filter(|d| Some(*d) != self.cfg.default_domain.as_deref())
    }

    fn user_parts(&self, user: Option<&UserId>) -> UserParts {
        match user {
            None => UserParts {
                localpart: None,
                domain: None,
            },
            Some(u) => UserParts {
                localpart: Some(u.localpart().to_string()),
                domain: self.strip_default(u.domain()).map(str::to_string),
            },
        }
    }

    fn ext_component(&self, out: &mut String, c: &str) {
        if self.cfg.unix_hierarchy_sep {
            out.push_str(c);
        } else {
            out.push_str(&c.replace('.', "^"));
        }
    }

    fn push_boxes(&self, out: &mut String, boxes: &[String], leading_sep: bool) {
        for (i, b) in boxes.iter().enumerate() {
            if leading_sep || i > 0 {
                out.push(self.separator());
            }
            self.ext_component(out, b);
        }
    }

    /// The name `user` sees for `name`, or `None` when it has no external
    /// form in this namespace (e.g. `DELETED` names in the alt namespace).
    pub fn to_external(&self, name: &MailboxName, user: Option<&UserId>) -> Option<String> {
        let sep = self.separator();
        let me = self.user_parts(user);
        let name_domain = self.strip_default(name.domain());
        let boxes = name.boxes();
        let owner = name.localpart().map(|lp| match name_domain {
            Some(d) => format!("{lp}@{d}"),
            None => lp.to_string(),
        });
        let user_s = user.map(|u| match self.strip_default(u.domain()) {
            Some(d) => format!("{}@{d}", u.localpart()),
            None => u.localpart().to_string(),
        });
        let mut out = String::new();
        if self.is_alt() {
            let (up, sp, ap) = (
                &self.cfg.user_prefix,
                &self.cfg.shared_prefix,
                &self.cfg.alt_prefix,
            );
            if name.is_deleted() {
                return None;
            }
            let Some(lp) = name.localpart() else {
                let top = boxes.first()?;
                if boxes.len() == 1 && top == "user" {
                    return Some(up.clone());
                }
                out.push_str(sp);
                self.push_boxes(&mut out, boxes, true);
                return Some(out);
            };
            if owner != user_s {
                out.push_str(up);
                out.push(sep);
                self.ext_component(&mut out, lp);
                self.push_boxes(&mut out, boxes, true);
                return Some(out);
            }
            let Some(top) = boxes.first() else {
                return Some("INBOX".into());
            };
            // INBOX can only be shown in exact case and skips a level;
            // anything else that looks like a prefix goes under altprefix.
            let alt = if top.eq_ignore_ascii_case("INBOX") {
                boxes.len() == 1 || top != "INBOX"
            } else {
                top == up || top == sp || top == ap
            };
            if alt {
                out.push_str(ap);
                out.push(sep);
            }
            self.push_boxes(&mut out, boxes, false);
            return Some(out);
        }

        if name.is_deleted() {
            out.push_str(DELETED_PREFIX);
            out.push(sep);
        }
        match name.localpart() {
            None => {
                let top = boxes.first()?;
                if top.eq_ignore_ascii_case("INBOX") {
                    return None;
                }
                if !self.admin_domains() && name_domain != me.domain.as_deref() {
                    return None;
                }
                self.push_boxes(&mut out, boxes, false);
            }
            Some(lp) if name.is_deleted() || owner != user_s => {
                out.push_str("user");
                out.push(sep);
                self.ext_component(&mut out, lp);
                if !self.admin_domains() && name_domain != me.domain.as_deref() {
                    return None;
                }
                self.push_boxes(&mut out, boxes, true);
            }
            Some(_) => {
                out.push_str("INBOX");
                self.push_boxes(&mut out, boxes, true);
            }
        }
        if let Some(t) = name.deleted_at() {
            out.push(sep);
            out.push_str(&format!("{t:X}"));
        }
        if self.admin_domains() {
            if let Some(d) = name_domain {
                out.push('@');
                out.push_str(d);
            }
        }
        Some(out)
    }

    /// The internal name for what `user` calls `ext` (Cyrus
    /// `mbname_from_extname`, without special-use lookups).
    pub fn to_internal(&self, ext: &str, user: Option<&UserId>) -> Result<MailboxName, NameError> {
        let fail = || NameError::NoInternalForm(ext.to_string());
        if ext.is_empty() {
            return Err(fail());
        }
        let sep = self.separator();
        let me = self.user_parts(user);
        let mut body = ext;
        let mut domain = me.domain.clone();
        if self.admin_domains() {
            match ext.rfind('@') {
                Some(i) => {
                    body = &ext[..i];
                    domain = self.strip_default(Some(&ext[i + 1..])).map(str::to_string);
                }
                None => domain = me.domain.clone(),
            }
        }
        let mut boxes: Vec<String> = Vec::new();
        for c in body.split(sep) {
            if c.is_empty() {
                return Err(fail());
            }
            if self.cfg.unix_hierarchy_sep {
                if c.contains('^') {
                    return Err(fail());
                }
                boxes.push(c.to_string());
            } else {
                if c.contains('/') {
                    return Err(fail());
                }
                boxes.push(c.replace('^', "."));
            }
        }
        let mut localpart: Option<String> = None;
        let mut deleted: Option<u32> = None;
        if self.is_alt() {
            let top = boxes[0].clone();
            if top == self.cfg.alt_prefix {
                boxes.remove(0);
                localpart = me.localpart.clone();
            } else if top == self.cfg.user_prefix {
                boxes.remove(0);
                if boxes.is_empty() {
                    return Err(fail());
                }
                localpart = Some(boxes.remove(0));
            } else if top == self.cfg.shared_prefix {
                boxes.remove(0);
            } else {
                localpart = me.localpart.clone();
                if top.eq_ignore_ascii_case("INBOX") {
                    if boxes.len() == 1 {
                        boxes.remove(0);
                    } else {
                        boxes[0] = top.to_ascii_uppercase();
                    }
                }
            }
        } else if boxes[0].eq_ignore_ascii_case("INBOX") {
            boxes.remove(0);
            localpart = me.localpart.clone();
        } else {
            if self.is_admin() && boxes[0] == DELETED_PREFIX && boxes.len() > 2 {
                let last = boxes.pop().unwrap_or_default();
                deleted = u32::from_str_radix(&last, 16).ok().filter(|&t| t != 0);
                if deleted.is_none() {
                    return Err(fail());
                }
                boxes.remove(0);
            }
            if boxes.len() > 1 && boxes[0] == "user" {
                boxes.remove(0);
                localpart = Some(boxes.remove(0));
            }
        }
        let box_refs: Vec<&str> = boxes.iter().map(String::as_str).collect();
        let n = MailboxName::from_parts(domain.as_deref(), localpart.as_deref(), &box_refs)
            .map_err(|_| fail())?;
        Ok(match deleted {
            Some(t) => n.to_deleted(t),
            None => n,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uid(s: &str) -> UserId {
        UserId::try_from(s).expect("user id")
    }
    fn n(s: &str) -> MailboxName {
        MailboxName::from_internal(s).expect("name")
    }

    #[test]
    fn fixture_list_names_alt_unix() {
        let ns = Namespace::new(NamespaceConfig::default(), Viewer::User).expect("ns");
        let alice = uid("alice");
        let bob = uid("bob");
        let cases = [
            ("user.alice", &alice, "INBOX"),
            ("user.alice.Archive.2024", &alice, "Archive/2024"),
            ("user.alice.a^b", &alice, "a.b"),
            ("user.alice.Entw&APw-rfe", &alice, "Entw&APw-rfe"),
            ("shared-news", &alice, "Shared Folders/shared-news"),
            ("user.alice.Archive", &bob, "Other Users/alice/Archive"),
            (
                "user.alice.Archive.2024",
                &bob,
                "Other Users/alice/Archive/2024",
            ),
            ("user.bob.Work", &bob, "Work"),
        ];
        for (int, who, ext) in cases {
            assert_eq!(
                ns.to_external(&n(int), Some(who)).as_deref(),
                Some(ext),
                "{int}"
            );
            assert_eq!(
                ns.to_internal(ext, Some(who)).expect("internal"),
                n(int),
                "{ext}"
            );
        }
        assert_eq!(
            ns.to_external(&n("DELETED.user.alice.X.6B02EEA4"), Some(&alice)),
            None
        );
        assert_eq!(
            ns.to_internal("inbox", Some(&alice)).expect("inbox"),
            n("user.alice")
        );
        assert_eq!(
            ns.to_external(&n("user.alice.INBOX"), Some(&alice))
                .as_deref(),
            Some("Alt Folders/INBOX")
        );
        assert_eq!(
            ns.to_internal("Alt Folders/INBOX", Some(&alice))
                .expect("alt"),
            n("user.alice.INBOX")
        );
        assert_eq!(
            ns.prefixes(),
            [
                "".to_string(),
                "Other Users/".into(),
                "Shared Folders/".into()
            ]
        );
        assert!(ns.to_internal("a^b", Some(&alice)).is_err());
    }

    #[test]
    fn admin_and_standard_namespace() {
        let admin = Namespace::new(NamespaceConfig::default(), Viewer::Admin).expect("ns");
        assert_eq!(
            admin.to_external(&n("user.alice.a^b"), None).as_deref(),
            Some("user/alice/a.b")
        );
        assert_eq!(
            admin
                .to_external(&n("DELETED.user.alice.ToDelete.6B02EEA4"), None)
                .as_deref(),
            Some("DELETED/user/alice/ToDelete/6B02EEA4")
        );
        assert_eq!(
            admin
                .to_internal("DELETED/user/alice/ToDelete/6B02EEA4", None)
                .expect("deleted"),
            n("DELETED.user.alice.ToDelete.6B02EEA4")
        );
        assert_eq!(
            admin.to_internal("user/alice/#sieve", None).expect("sieve"),
            n("user.alice.#sieve")
        );
        let cfg = NamespaceConfig {
            unix_hierarchy_sep: false,
            alt_namespace: false,
            ..NamespaceConfig::default()
        };
        let std_ns = Namespace::new(cfg, Viewer::User).expect("ns");
        let fred = uid("fred");
        assert_eq!(
            std_ns
                .to_external(&n("user.fred.a^b"), Some(&fred))
                .as_deref(),
            Some("INBOX.a^b")
        );
        assert_eq!(
            std_ns.to_internal("INBOX.a^b", Some(&fred)).expect("x"),
            n("user.fred.a^b")
        );
        assert_eq!(
            std_ns.to_external(&n("user.bob.x"), Some(&fred)).as_deref(),
            Some("user.bob.x")
        );
        assert_eq!(
            std_ns.to_external(&n("shared"), Some(&fred)).as_deref(),
            Some("shared")
        );
        assert_eq!(
            std_ns.prefixes(),
            ["INBOX.".to_string(), "user.".into(), "".into()]
        );
    }

    #[test]
    fn virtual_domains() {
        let cfg = NamespaceConfig {
            virtdomains: VirtDomains::UserId,
            default_domain: Some("internal".into()),
            ..NamespaceConfig::default()
        };
        let ns = Namespace::new(cfg.clone(), Viewer::User).expect("ns");
        let bob = uid("bob@example.com");
        assert_eq!(
            ns.to_internal("Sent", Some(&bob)).expect("x"),
            n("example.com!user.bob.Sent")
        );
        assert_eq!(
            ns.to_external(&n("example.com!user.bob.Sent"), Some(&bob))
                .as_deref(),
            Some("Sent")
        );
        assert_eq!(
            ns.to_internal("INBOX", Some(&uid("al@internal")))
                .expect("x"),
            n("user.al")
        );
        let admin = Namespace::new(cfg, Viewer::Admin).expect("ns");
        assert_eq!(
            admin
                .to_external(&n("example.com!user.bob"), None)
                .as_deref(),
            Some("user/bob@example.com")
        );
        assert_eq!(
            admin.to_internal("user/bob@example.com", None).expect("x"),
            n("example.com!user.bob")
        );
    }
}
