//! RFC 5464 METADATA: GETMETADATA and SETMETADATA on the server (`""`)
//! and on mailboxes, stored in `annotations.db` as Cyrus 3.6 stores them
//! (entry without its `/shared` or `/private` prefix; empty userid for
//! shared values). As in Cyrus, only the entries it defines may be set,
//! and a requested entry without a value is answered with NIL.

use std::collections::BTreeMap;

use cyrus_store::acl::Rights;
use cyrus_store::annotate::{AnnotOwner, OWNER_TOKEN};
use cyrus_store::mboxlist::MbEntry;
use cyrus_store::os::LockKind;
use cyrus_store::{AnnotChange, AnnotTarget};

use crate::imap::wire::ext::{Depth, MetadataCommand};
use crate::imap::wire::{astring, Tagged};

use super::error::Failure;
use super::session::ImapSession;

/// The largest value SETMETADATA stores (RFC 5464 §4.3 `MAXSIZE`; Cyrus
/// announces the same figure as `[ANNOTATIONS 65536]`).
const MAX_VALUE: usize = 65536;

/// What kind of value an entry takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Boolean,
    Number,
    SpecialUse,
    /// Computed from the mailbox; cannot be set.
    Computed,
}

/// One entry Cyrus 3.6 defines (`mailbox_builtin_entries`,
/// `server_builtin_entries` in `annotate.c`).
#[derive(Debug, Clone, Copy)]
struct Desc {
    /// Without the `/shared` or `/private` prefix.
    name: &'static str,
    shared: bool,
    private: bool,
    kind: Kind,
    /// Setting the shared value needs `a` as well.
    admin: bool,
}

const fn d(name: &'static str, shared: bool, private: bool, kind: Kind, admin: bool) -> Desc {
    Desc {
        name,
        shared,
        private,
        kind,
        admin,
    }
}

const VND: &str = "/vendor/cmu/cyrus-imapd/";

const MAILBOX_ENTRIES: &[Desc] = &[
    d("/check", true, true, Kind::Boolean, false),
    d("/checkperiod", true, true, Kind::Number, false),
    d("/comment", true, true, Kind::Text, false),
    d("/sort", true, true, Kind::Text, false),
    d("/specialuse", false, true, Kind::SpecialUse, false),
    d("/thread", true, true, Kind::Text, false),
    d(
        "/vendor/cmu/cyrus-imapd/archive",
        true,
        false,
        Kind::Number,
        true,
    ),
    d(
        "/vendor/cmu/cyrus-imapd/delete",
        true,
        false,
        Kind::Number,
        true,
    ),
    d(
        "/vendor/cmu/cyrus-imapd/expire",
        true,
        false,
        Kind::Number,
        true,
    ),
    d(
        "/vendor/cmu/cyrus-imapd/foldermodseq",
        true,
        false,
        Kind::Computed,
        false,
    ),
    d(
        "/vendor/cmu/cyrus-imapd/news2mail",
        true,
        false,
        Kind::Text,
        true,
    ),
    d(
        "/vendor/cmu/cyrus-imapd/partition",
        true,
        false,
        Kind::Computed,
        false,
    ),
    d(
        "/vendor/cmu/cyrus-imapd/search-fuzzy-always",
        true,
        false,
        Kind::Text,
        false,
    ),
    d(
        "/vendor/cmu/cyrus-imapd/sieve",
        true,
        false,
        Kind::Text,
        true,
    ),
    d(
        "/vendor/cmu/cyrus-imapd/size",
        true,
        false,
        Kind::Computed,
        false,
    ),
    d(
        "/vendor/cmu/cyrus-imapd/sortorder",
        false,
        true,
        Kind::Number,
        false,
    ),
    d(
        "/vendor/cmu/cyrus-imapd/squat",
        true,
        false,
        Kind::Boolean,
        true,
    ),
    d(
        "/vendor/cmu/cyrus-imapd/uniqueid",
        true,
        false,
        Kind::Computed,
        false,
    ),
];

const SERVER_ENTRIES: &[Desc] = &[
    d("/admin", true, false, Kind::Text, true),
    d("/comment", true, true, Kind::Text, false),
    d("/motd", true, false, Kind::Text, true),
    d(
        "/vendor/cmu/cyrus-imapd/expire",
        true,
        false,
        Kind::Number,
        true,
    ),
    d(
        "/vendor/cmu/cyrus-imapd/shutdown",
        true,
        false,
        Kind::Text,
        true,
    ),
    d(
        "/vendor/cmu/cyrus-imapd/squat",
        true,
        false,
        Kind::Boolean,
        true,
    ),
];

/// A requested entry name split into its scope and the stored name.
#[derive(Debug, Clone, PartialEq, Eq)]
struct EntryName {
    shared: bool,
    /// `""` for `/shared` itself, else `/comment` and so on.
    rest: String,
}

impl EntryName {
    /// Parses an entry name (case-insensitive, RFC 5464 §3.2).
    fn parse(raw: &str) -> Result<EntryName, Failure> {
        let lower = raw.to_ascii_lowercase();
        let (shared, rest) = if let Some(r) = lower.strip_prefix("/shared") {
            (true, r)
        } else if let Some(r) = lower.strip_prefix("/private") {
            (false, r)
        } else {
            return Err(Failure::Bad(
                "entry must begin with /shared or /private".into(),
            ));
        };
        let bad = (!rest.is_empty() && !rest.starts_with('/'))
            || rest.ends_with('/')
            || rest.contains("//")
            || rest.contains(['*', '%'])
            || rest.bytes().any(|c| c < 0x20 || c == 0x7f);
        if bad {
            return Err(Failure::Annotation("Invalid annotation entry"));
        }
        Ok(EntryName {
            shared,
            rest: rest.to_string(),
        })
    }

    fn full(&self, rest: &str) -> String {
        format!("/{}{rest}", if self.shared { "shared" } else { "private" })
    }
}

/// Writes a value the way Cyrus prints strings: quoted when safe, else a
/// literal (backslashes, quotes, 8-bit, long values).
fn value_string(out: &mut Vec<u8>, v: &[u8]) {
    let safe = v.len() < 1024
        && v.iter()
            .all(|&c| (0x20..0x7f).contains(&c) && c != b'"' && c != b'\\');
    if safe {
        out.push(b'"');
        out.extend_from_slice(v);
        out.push(b'"');
    } else {
        out.extend_from_slice(format!("{{{}}}\r\n", v.len()).as_bytes());
        out.extend_from_slice(v);
    }
}

impl ImapSession {
    /// Runs one METADATA command.
    pub(super) fn cmd_metadata(&mut self, cmd: MetadataCommand) -> Result<Tagged, Failure> {
        match cmd {
            MetadataCommand::Get {
                maxsize,
                depth,
                mailbox,
                entries,
            } => self.cmd_getmetadata(&mailbox, &entries, maxsize, depth),
            MetadataCommand::Set { mailbox, entries } => self.cmd_setmetadata(&mailbox, &entries),
        }
    }

    /// The mailbox a METADATA command names (`None` for the server).
    fn metadata_target(&self, ext: &str) -> Result<Option<MbEntry>, Failure> {
        if ext.is_empty() {
            return Ok(None);
        }
        let name = self.internal_name(ext)?;
        let entry = self
            .store
            .lookup(&name)?
            .ok_or_else(|| cyrus_store::Error::NonExistent(name.to_internal()))?;
        Ok(Some(entry))
    }

    /// Every value of `target` visible to this user: `(shared, rest)` →
    /// value.
    fn stored_values(
        &self,
        target: AnnotTarget<'_>,
    ) -> Result<BTreeMap<(bool, String), Vec<u8>>, Failure> {
        let (_, user, _) = self.user_ns()?;
        let owner = match target {
            AnnotTarget::Mailbox(e) => e.name.is_owned_by(&user),
            AnnotTarget::Server => false,
        };
        let mut out = BTreeMap::new();
        for (k, v) in self.store.annotations(target)? {
            let shared = k.userid.is_empty();
            let mine = k.userid == user.as_str() || (owner && k.userid == OWNER_TOKEN);
            if shared || mine {
                out.insert((shared, k.entry), v.value);
            }
        }
        Ok(out)
    }

    /// A computed entry's value.
    fn computed(&self, entry: &MbEntry, name: &str) -> Result<Option<Vec<u8>>, Failure> {
        let Some(key) = name.strip_prefix(VND) else {
            return Ok(None);
        };
        Ok(match key {
            "uniqueid" => entry
                .uniqueid
                .as_ref()
                .map(|u| u.as_str().as_bytes().to_vec()),
            "partition" => entry.partition.as_ref().map(|p| p.as_bytes().to_vec()),
            "foldermodseq" => Some(entry.foldermodseq.0.to_string().into_bytes()),
            "size" => {
                let mbox = self.store.open_entry(entry, LockKind::Shared)?;
                Some(mbox.index().quota_mailbox_used.to_string().into_bytes())
            }
            _ => None,
        })
    }

    fn cmd_getmetadata(
        &mut self,
        ext: &str,
        requested: &[String],
        maxsize: Option<u32>,
        depth: Depth,
    ) -> Result<Tagged, Failure> {
        let names = requested
            .iter()
            .map(|r| EntryName::parse(r))
            .collect::<Result<Vec<_>, _>>()?;
        let target_entry = self.metadata_target(ext)?;
        if let Some(e) = &target_entry {
            let r = self.rights(e);
            if !self.is_admin() && !r.contains(Rights::LOOKUP | Rights::READ) {
                return Err(if r.contains(Rights::LOOKUP) {
                    Failure::NoPerm
                } else {
                    cyrus_store::Error::NonExistent(e.name.to_internal()).into()
                });
            }
        }
        let mut items = self.metadata_items(target_entry.as_ref(), &names, depth)?;
        let mut longest = 0usize;
        if let Some(max) = maxsize {
            items.retain(|(_, v)| {
                let len = v.as_ref().map_or(0, Vec::len);
                if len > max as usize {
                    longest = longest.max(len);
                    false
                } else {
                    true
                }
            });
        }
        self.metadata_line(ext, &items);
        let t = Tagged::ok("Completed");
        Ok(if longest > 0 {
            t.with_code(format!("METADATA LONGENTRIES {longest}"))
        } else {
            t
        })
    }

    /// `* METADATA mailbox (entry value …)` for RFC 9590 LIST-METADATA:
    /// the entries at depth 0, as Cyrus prints them after MYRIGHTS.
    /// Entry names that do not parse are skipped.
    pub(super) fn list_metadata(&mut self, ext: &str, entry: &MbEntry, requested: &[String]) {
        let names: Vec<EntryName> = requested
            .iter()
            .filter_map(|r| EntryName::parse(r).ok())
            .collect();
        match self.metadata_items(Some(entry), &names, Depth::Zero) {
            Ok(items) => self.metadata_line(ext, &items),
            Err(e) => tracing::warn!(error = %e, "LIST-METADATA failed"),
        }
    }

    /// Prints one METADATA response (nothing when there are no items).
    fn metadata_line(&mut self, ext: &str, items: &[(String, Option<Vec<u8>>)]) {
        if items.is_empty() {
            return;
        }
        let mut line = b"* METADATA ".to_vec();
        if ext.is_empty() {
            line.extend_from_slice(b"\"\"");
        } else {
            astring(&mut line, ext.as_bytes());
        }
        line.extend_from_slice(b" (");
        for (i, (name, v)) in items.iter().enumerate() {
            if i > 0 {
                line.push(b' ');
            }
            value_string(&mut line, name.as_bytes());
            line.push(b' ');
            match v {
                Some(v) => value_string(&mut line, v),
                None => line.extend_from_slice(b"NIL"),
            }
        }
        line.extend_from_slice(b")\r\n");
        self.out.extend_from_slice(&line);
    }

    /// The entries `names` select (with `depth`), with their values.
    fn metadata_items(
        &self,
        target_entry: Option<&MbEntry>,
        names: &[EntryName],
        depth: Depth,
    ) -> Result<Vec<(String, Option<Vec<u8>>)>, Failure> {
        let (target, table) = match target_entry {
            Some(e) => (AnnotTarget::Mailbox(e), MAILBOX_ENTRIES),
            None => (AnnotTarget::Server, SERVER_ENTRIES),
        };
        let stored = self.stored_values(target)?;
        let mut items: Vec<(String, Option<Vec<u8>>)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for n in names {
            let below = |rest: &str| -> bool {
                match depth {
                    Depth::Zero => false,
                    Depth::One => rest
                        .strip_prefix(n.rest.as_str())
                        .and_then(|r| r.strip_prefix('/'))
                        .is_some_and(|r| !r.is_empty() && !r.contains('/')),
                    Depth::Infinity => rest
                        .strip_prefix(n.rest.as_str())
                        .is_some_and(|r| r.starts_with('/')),
                }
            };
            // Descendants: stored values and known entries of the scope.
            let mut found: BTreeMap<String, Option<Vec<u8>>> = BTreeMap::new();
            for ((shared, rest), v) in &stored {
                if *shared == n.shared && below(rest) {
                    found.insert(rest.clone(), Some(v.clone()));
                }
            }
            for desc in table {
                let applies = if n.shared { desc.shared } else { desc.private };
                if applies && below(desc.name) && !found.contains_key(desc.name) {
                    let v = match (target_entry, desc.kind) {
                        (Some(e), Kind::Computed) => self.computed(e, desc.name)?,
                        _ => None,
                    };
                    found.insert(desc.name.to_string(), v);
                }
            }
            let itself = match stored.get(&(n.shared, n.rest.clone())) {
                Some(v) => Some(v.clone()),
                None => match (target_entry, n.shared) {
                    (Some(e), true) => self.computed(e, &n.rest)?,
                    _ => None,
                },
            };
            for (rest, v) in found.into_iter().chain([(n.rest.clone(), itself)]) {
                let full = n.full(&rest);
                if seen.insert(full.clone()) {
                    items.push((full, v));
                }
            }
        }
        Ok(items)
    }

    fn cmd_setmetadata(
        &mut self,
        ext: &str,
        entries: &[(String, Option<Vec<u8>>)],
    ) -> Result<Tagged, Failure> {
        let parsed = entries
            .iter()
            .map(|(n, v)| EntryName::parse(n).map(|n| (n, v)))
            .collect::<Result<Vec<_>, _>>()?;
        let target_entry = self.metadata_target(ext)?;
        let admin = self.is_admin();
        let (_, user, _) = self.user_ns()?;
        let acl = target_entry.as_ref().map(|e| self.acl_rights(e));
        if let (Some(e), Some(r)) = (&target_entry, acl) {
            // An invisible mailbox does not exist (Cyrus `mlookup` + ACL).
            let mine = self.rights(e);
            if !admin && !mine.intersects(Rights::LOOKUP | Rights::READ) && r.is_empty() {
                return Err(cyrus_store::Error::NonExistent(e.name.to_internal()).into());
            }
        }
        let table = if target_entry.is_some() {
            MAILBOX_ENTRIES
        } else {
            SERVER_ENTRIES
        };
        let mut values: Vec<(String, bool, Vec<u8>)> = Vec::new();
        for (n, v) in &parsed {
            let desc = table
                .iter()
                .find(|d| d.name == n.rest)
                .filter(|d| if n.shared { d.shared } else { d.private })
                .filter(|d| d.kind != Kind::Computed)
                .ok_or(Failure::NoPerm)?;
            let may = admin
                || match acl {
                    None => !n.shared,
                    Some(r) => {
                        let mut need = Rights::LOOKUP;
                        if n.shared {
                            need |= Rights::READ | Rights::WRITE;
                            if desc.admin {
                                need |= Rights::ADMIN;
                            }
                        }
                        r.contains(need)
                    }
                };
            if !may {
                return Err(Failure::NoPerm);
            }
            let value: Vec<u8> = (*v).clone().unwrap_or_default();
            if value.len() > MAX_VALUE {
                return Err(Failure::MetadataMaxSize(MAX_VALUE));
            }
            let value = match desc.kind {
                _ if value.is_empty() => value,
                Kind::Boolean => {
                    let s = String::from_utf8_lossy(&value).to_ascii_lowercase();
                    if s != "true" && s != "false" {
                        return Err(Failure::Annotation("Invalid annotation value"));
                    }
                    s.into_bytes()
                }
                Kind::Number => {
                    if !value.iter().all(u8::is_ascii_digit) || value.len() > 10 {
                        return Err(Failure::Annotation("Invalid annotation value"));
                    }
                    value
                }
                Kind::SpecialUse => self
                    .validate_special_use(
                        &String::from_utf8_lossy(&value),
                        target_entry.as_ref(),
                        false,
                    )?
                    .into_bytes(),
                Kind::Text | Kind::Computed => value,
            };
            values.push((n.rest.clone(), n.shared, value));
        }
        let target = match &target_entry {
            Some(e) => AnnotTarget::Mailbox(e),
            None => AnnotTarget::Server,
        };
        let changes: Vec<AnnotChange<'_>> = values
            .iter()
            .map(|(rest, shared, v)| AnnotChange {
                entry: rest,
                owner: if *shared {
                    AnnotOwner::Shared
                } else {
                    AnnotOwner::Private(&user)
                },
                value: v,
            })
            .collect();
        self.store.set_annotations(target, &changes)?;
        Ok(Tagged::ok("Completed"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names() {
        assert_eq!(
            EntryName::parse("/Shared/Comment").unwrap(),
            EntryName {
                shared: true,
                rest: "/comment".into()
            }
        );
        assert_eq!(EntryName::parse("/private").unwrap().rest, "");
        assert!(matches!(EntryName::parse("/foo"), Err(Failure::Bad(_))));
        assert!(EntryName::parse("/shared/a//b").is_err());
        assert!(EntryName::parse("/shared/a/").is_err());
        assert!(EntryName::parse("/sharedx").is_err());
        let mut o = Vec::new();
        value_string(&mut o, b"\\Drafts");
        assert_eq!(o, b"{7}\r\n\\Drafts");
        o.clear();
        value_string(&mut o, b"hi there");
        assert_eq!(o, b"\"hi there\"");
    }
}
