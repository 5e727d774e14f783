//! RFC 6154 SPECIAL-USE: the attributes are the user's
//! `/private/specialuse` annotation on the mailbox, checked as Cyrus 3.6
//! `specialuse_validate` does (known names only, each used by at most one
//! of the user's mailboxes), and CREATE-SPECIAL-USE.

use cyrus_store::annotate::AnnotOwner;
use cyrus_store::mboxlist::{MbEntry, Pattern};
use cyrus_store::{AnnotChange, AnnotTarget};

use crate::imap::wire::ext::CreateCommand;
use crate::imap::wire::Tagged;

use super::error::Failure;
use super::session::ImapSession;

/// The attributes Cyrus 3.6 accepts (`\All` and `\Flagged` need virtual
/// folders it does not have).
const VALID: &[&str] = &[
    "\\Archive",
    "\\Drafts",
    "\\Important",
    "\\Junk",
    "\\Sent",
    "\\Trash",
    "\\Snoozed",
];

/// The attributes whose mailboxes users may not delete (Cyrus
/// `specialuse_protect` default).
const PROTECT: &[&str] = &[
    "\\Archive",
    "\\Drafts",
    "\\Important",
    "\\Junk",
    "\\Sent",
    "\\Trash",
];

/// The annotation entry holding the attributes.
pub(super) const ENTRY: &str = "/specialuse";

impl ImapSession {
    /// The user's special-use attributes of a mailbox (`\Sent \Trash`).
    pub(super) fn special_use(&self, entry: &MbEntry) -> Option<String> {
        let login = self.state.login()?;
        self.store
            .annotation(
                AnnotTarget::Mailbox(entry),
                ENTRY,
                AnnotOwner::Private(&login.user),
            )
            .ok()
            .flatten()
            .map(|v| String::from_utf8_lossy(&v.value).into_owned())
            .filter(|s| !s.is_empty())
    }

    /// Checks and normalises a new `/private/specialuse` value for
    /// `entry`: known names only (with or without `\`, any case), and no
    /// attribute another of the user's mailboxes already has.
    pub(super) fn validate_special_use(
        &self,
        value: &str,
        entry: Option<&MbEntry>,
        useattr: bool,
    ) -> Result<String, Failure> {
        let current: Vec<String> = entry
            .and_then(|e| self.special_use(e))
            .map(|s| s.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        let mut out = Vec::new();
        for item in value.split_whitespace() {
            let valid = VALID
                .iter()
                .find(|v| v.eq_ignore_ascii_case(item) || v[1..].eq_ignore_ascii_case(item))
                .ok_or(Failure::SpecialUse {
                    text: "Invalid annotation entry",
                    useattr,
                })?;
            let already = current.iter().any(|c| c.eq_ignore_ascii_case(valid));
            if !already && self.special_use_taken(valid, entry)? {
                return Err(Failure::SpecialUse {
                    text: "SPECIAL-USE flag conflict",
                    useattr,
                });
            }
            out.push(*valid);
        }
        Ok(out.join(" "))
    }

    /// The user's special-use attributes of each mailbox (one database
    /// open; failures read as none, so LIST still answers).
    pub(super) fn special_uses(&self, entries: &[&MbEntry]) -> Vec<Option<String>> {
        let Some(login) = self.state.login() else {
            return vec![None; entries.len()];
        };
        match self
            .store
            .annotation_of_each(entries, ENTRY, AnnotOwner::Private(&login.user))
        {
            Ok(v) => v
                .into_iter()
                .map(|a| {
                    a.map(|v| String::from_utf8_lossy(&v.value).into_owned())
                        .filter(|s| !s.is_empty())
                })
                .collect(),
            Err(e) => {
                tracing::warn!(error = %e, "reading special-use annotations failed");
                vec![None; entries.len()]
            }
        }
    }

    /// Whether another of the user's mailboxes has attribute `attr`.
    fn special_use_taken(&self, attr: &str, except: Option<&MbEntry>) -> Result<bool, Failure> {
        let (ns, user, _) = self.user_ns()?;
        let hits = self
            .store
            .list(&ns, Some(&user), &Pattern::new("", "*", ns.separator()))?;
        let mine: Vec<&MbEntry> = hits
            .iter()
            .map(|h| &h.entry)
            .filter(|e| e.name.is_owned_by(&user) && except.is_none_or(|x| x.name != e.name))
            .collect();
        Ok(self
            .special_uses(&mine)
            .into_iter()
            .flatten()
            .any(|s| s.split_whitespace().any(|a| a.eq_ignore_ascii_case(attr))))
    }

    /// `CREATE mailbox (USE (attrs))` (RFC 6154 §5.2): the attributes are
    /// checked first, `[USEATTR]` when refused.
    pub(super) fn cmd_create_special(
        &mut self,
        cmd: CreateCommand,
        now: std::time::SystemTime,
    ) -> Result<Tagged, Failure> {
        let value = self.validate_special_use(&cmd.use_attrs.join(" "), None, true)?;
        let t = self.cmd_create(&cmd.mailbox, now)?;
        if value.is_empty() {
            return Ok(t);
        }
        let name = self.internal_name(&cmd.mailbox)?;
        let (_, user, _) = self.user_ns()?;
        let entry = self
            .store
            .lookup(&name)?
            .ok_or_else(|| cyrus_store::Error::NonExistent(name.to_internal()))?;
        self.store.set_annotations(
            AnnotTarget::Mailbox(&entry),
            &[AnnotChange {
                entry: ENTRY,
                owner: AnnotOwner::Private(&user),
                value: value.as_bytes(),
            }],
        )?;
        Ok(t)
    }

    /// Cyrus's `specialuse_protect` (default `\Archive \Drafts
    /// \Important \Junk \Sent \Trash`): a user may not delete a
    /// personal mailbox the owner has marked with one of these.
    pub(super) fn check_special_use_protect(&self, entry: &MbEntry) -> Result<(), Failure> {
        if self.is_admin() {
            return Ok(());
        }
        let Some(owner) = entry.name.userid() else {
            return Ok(());
        };
        let attrs = self
            .store
            .annotation(
                AnnotTarget::Mailbox(entry),
                ENTRY,
                AnnotOwner::Private(&owner),
            )?
            .map(|v| String::from_utf8_lossy(&v.value).into_owned())
            .unwrap_or_default();
        let protected = attrs
            .split_whitespace()
            .any(|a| PROTECT.iter().any(|p| p.eq_ignore_ascii_case(a)));
        if protected {
            return Err(Failure::SpecialUse {
                text: "SPECIAL-USE flag conflict",
                useattr: false,
            });
        }
        Ok(())
    }
}
