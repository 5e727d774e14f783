//! LIST with RFC 5258 selection and return options, RFC 5819 STATUS,
//! RFC 8440 MYRIGHTS and RFC 6154 special-use attributes. As in Cyrus
//! 3.6, children attributes and special-use attributes are always shown,
//! so a basic LIST runs through here too.

use std::collections::{BTreeMap, HashMap, HashSet};

use cyrus_store::acl::Rights;
use cyrus_store::mboxlist::{MbEntry, Pattern};
use cyrus_store::os::LockKind;

use crate::imap::wire::ext::{ListCommand, StatusItem};
use crate::imap::wire::{astring, Tagged};

use super::error::Failure;
use super::session::ImapSession;

/// One line to print.
struct Row {
    external: String,
    entry: Option<MbEntry>,
    has_children: bool,
    subscribed: bool,
    /// A descendant is subscribed (RECURSIVEMATCH's `CHILDINFO`).
    child_subscribed: bool,
}

impl ImapSession {
    /// Runs an extended (or basic) LIST.
    pub(super) fn cmd_list_extended(&mut self, cmd: ListCommand) -> Result<Tagged, Failure> {
        let (ns, user, _) = self.user_ns()?;
        let sep = ns.separator();
        let sel = cmd.selection;
        let ret = &cmd.ret;
        if cmd.patterns.iter().any(String::is_empty) {
            // RFC 3501 §6.3.8: the hierarchy delimiter and root.
            self.untagged(&format!("* LIST (\\Noselect) \"{sep}\" \"\""));
        }
        let pats: Vec<Pattern> = cmd
            .patterns
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| Pattern::new(&cmd.reference, p, sep))
            .collect();
        if pats.is_empty() {
            return Ok(Tagged::ok("Completed"));
        }
        let matches = |ext: &str| pats.iter().any(|p| p.matches(ext));
        let need_subs = sel.subscribed || ret.subscribed;
        let subs: Vec<String> = if need_subs {
            self.store
                .subscriptions(&user)?
                .iter()
                .filter_map(|n| ns.to_external(n, Some(&user)))
                .collect()
        } else {
            Vec::new()
        };
        let sub_set: HashSet<&str> = subs.iter().map(String::as_str).collect();

        let mut rows: Vec<Row> = Vec::new();
        if sel.subscribed {
            // Every visible mailbox, to know which subscriptions exist.
            let all = self
                .store
                .list(&ns, Some(&user), &Pattern::new("", "*", sep))?;
            let visible: Vec<_> = all
                .into_iter()
                .filter(|h| self.rights(&h.entry).contains(Rights::LOOKUP))
                .collect();
            let order: HashMap<&str, usize> = visible
                .iter()
                .enumerate()
                .map(|(i, h)| (h.external.as_str(), i))
                .collect();
            let has_children = |ext: &str| {
                let prefix = format!("{ext}{sep}");
                visible.iter().any(|h| h.external.starts_with(&prefix))
            };
            let mut wanted: BTreeMap<(usize, String), Row> = BTreeMap::new();
            for s in &subs {
                if matches(s) {
                    let idx = order.get(s.as_str()).copied().unwrap_or(usize::MAX);
                    let entry = (idx != usize::MAX).then(|| visible[idx].entry.clone());
                    wanted.insert(
                        (idx, s.clone()),
                        Row {
                            external: s.clone(),
                            entry,
                            has_children: has_children(s),
                            subscribed: true,
                            child_subscribed: false,
                        },
                    );
                }
                if !sel.recursive_match {
                    continue;
                }
                // Each ancestor that matches reports the subscribed child.
                let mut cut = s.as_str();
                while let Some(i) = cut.rfind(sep) {
                    cut = &cut[..i];
                    if !matches(cut) {
                        continue;
                    }
                    let idx = order.get(cut).copied().unwrap_or(usize::MAX);
                    let row = wanted.entry((idx, cut.to_string())).or_insert_with(|| Row {
                        external: cut.to_string(),
                        entry: (idx != usize::MAX).then(|| visible[idx].entry.clone()),
                        has_children: true,
                        subscribed: sub_set.contains(cut),
                        child_subscribed: false,
                    });
                    row.child_subscribed = true;
                }
            }
            rows.extend(wanted.into_values());
        } else {
            let mut seen = HashSet::new();
            for p in &pats {
                for h in self.store.list(&ns, Some(&user), p)? {
                    if !self.rights(&h.entry).contains(Rights::LOOKUP)
                        || !seen.insert(h.external.clone())
                    {
                        continue;
                    }
                    rows.push(Row {
                        subscribed: sub_set.contains(h.external.as_str()),
                        external: h.external,
                        entry: Some(h.entry),
                        has_children: h.has_children,
                        child_subscribed: false,
                    });
                }
            }
        }

        let existing: Vec<&MbEntry> = rows.iter().filter_map(|r| r.entry.as_ref()).collect();
        let mut specials = self.special_uses(&existing).into_iter();
        let rows: Vec<(Row, Option<String>)> = rows
            .into_iter()
            .map(|r| {
                let s = if r.entry.is_some() {
                    specials.next().flatten()
                } else {
                    None
                };
                (r, s)
            })
            .collect();
        for (row, special) in rows {
            if sel.special_use && special.is_none() {
                continue;
            }
            let mut attrs: Vec<&str> = Vec::new();
            if row.entry.is_none() {
                attrs.push("\\NonExistent");
            }
            if need_subs && row.subscribed {
                attrs.push("\\Subscribed");
            }
            attrs.push(if row.has_children {
                "\\HasChildren"
            } else {
                "\\HasNoChildren"
            });
            let special = special.unwrap_or_default();
            attrs.extend(special.split_whitespace());
            let mut line = format!("* LIST ({}) \"{sep}\" ", attrs.join(" ")).into_bytes();
            astring(&mut line, row.external.as_bytes());
            if row.child_subscribed {
                line.extend_from_slice(b" (CHILDINFO (\"SUBSCRIBED\"))");
            }
            line.extend_from_slice(b"\r\n");
            self.out.extend_from_slice(&line);
            let Some(entry) = &row.entry else { continue };
            if let Some(items) = &ret.status {
                // RFC 5819 §2: no STATUS for a mailbox that cannot give one.
                if self.rights(entry).contains(Rights::READ) {
                    if let Ok(s) = self.status_values(entry, items) {
                        let mut l = b"* STATUS ".to_vec();
                        astring(&mut l, row.external.as_bytes());
                        l.extend_from_slice(format!(" ({s})\r\n").as_bytes());
                        self.out.extend_from_slice(&l);
                    }
                }
            }
            if ret.myrights {
                let r = self.rights(entry).to_string_with(self.delete_right());
                let mut l = b"* MYRIGHTS ".to_vec();
                astring(&mut l, row.external.as_bytes());
                l.push(b' ');
                astring(&mut l, r.as_bytes());
                l.extend_from_slice(b"\r\n");
                self.out.extend_from_slice(&l);
            }
            if let Some(entries) = &ret.metadata {
                self.list_metadata(&row.external, entry, entries);
            }
        }
        Ok(Tagged::ok("Completed"))
    }

    /// `MESSAGES 0 SIZE 0 …` in Cyrus's order (`print_statusline`).
    pub(super) fn status_values(
        &self,
        entry: &MbEntry,
        items: &[StatusItem],
    ) -> Result<String, Failure> {
        let mut items = items.to_vec();
        items.sort();
        items.dedup();
        let mbox = self.store.open_entry(entry, LockKind::Shared)?;
        let idx = mbox.index();
        let parts: Vec<String> = items
            .iter()
            .map(|i| {
                let v = match i {
                    StatusItem::Messages => u64::from(idx.exists),
                    StatusItem::Recent => 0,
                    StatusItem::UidNext => u64::from(idx.last_uid.0) + 1,
                    StatusItem::UidValidity => u64::from(idx.uidvalidity.0),
                    StatusItem::Unseen => u64::from(idx.unseen),
                    StatusItem::Size => idx.quota_mailbox_used,
                    StatusItem::HighestModSeq => idx.highestmodseq.0,
                };
                format!("{} {v}", i.name())
            })
            .collect();
        Ok(parts.join(" "))
    }
}
