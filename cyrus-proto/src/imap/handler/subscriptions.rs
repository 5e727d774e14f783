//! SUBSCRIBE, UNSUBSCRIBE and LSUB over the user's `sub.db`. LSUB marks
//! `\HasChildren` as Cyrus 3.6 does (nothing else: `()` for a leaf) and
//! `\Noselect` for a subscription whose mailbox is gone.

use std::collections::HashMap;

use cyrus_store::mboxlist::Pattern;

use crate::imap::wire::{astring, Tagged};

use super::error::Failure;
use super::session::ImapSession;

impl ImapSession {
    /// `SUBSCRIBE` (the mailbox must exist) / `UNSUBSCRIBE`.
    pub(super) fn cmd_subscribe(&mut self, ext: &str, on: bool) -> Result<Tagged, Failure> {
        let name = self.internal_name(ext)?;
        if on {
            self.visible(&name)?;
        }
        let (_, user, _) = self.user_ns()?;
        self.store.set_subscribed(&user, &name, on)?;
        Ok(Tagged::ok("Completed"))
    }

    /// `LSUB reference pattern`.
    pub(super) fn cmd_lsub(&mut self, reference: &str, pattern: &str) -> Result<Tagged, Failure> {
        let (ns, user, _) = self.user_ns()?;
        let sep = ns.separator();
        if pattern.is_empty() {
            self.untagged(&format!("* LSUB (\\Noselect) \"{sep}\" \"\""));
            return Ok(Tagged::ok("Completed"));
        }
        let hits = self
            .store
            .list(&ns, Some(&user), &Pattern::new("", "*", sep))?;
        // Cyrus shows special-use attributes in LSUB too (specialusealways).
        let specials = self.special_uses(&hits.iter().map(|h| &h.entry).collect::<Vec<_>>());
        let special: HashMap<String, String> = hits
            .iter()
            .zip(specials)
            .filter_map(|(h, s)| Some((h.external.clone(), s?)))
            .collect();
        let existing: HashMap<String, bool> = hits
            .into_iter()
            .map(|h| (h.external, h.has_children))
            .collect();
        let pat = Pattern::new(reference, pattern, sep);
        // Cyrus 3.6 says \HasChildren in LSUB only for a subscribed
        // (existing) descendant, not for any existing child (checked against the
        // anchor by imap_differential_live).
        let subscribed: Vec<String> = self
            .store
            .subscriptions(&user)?
            .iter()
            .filter_map(|n| ns.to_external(n, Some(&user)))
            .collect();
        let has_subscribed_child = |ext: &str| {
            let prefix = format!("{ext}{sep}");
            subscribed
                .iter()
                .any(|s| s.starts_with(&prefix) && existing.contains_key(s))
        };
        for name in self.store.subscriptions(&user)? {
            let Some(ext) = ns.to_external(&name, Some(&user)) else {
                continue;
            };
            if !pat.matches(&ext) {
                continue;
            }
            let mut attr = match existing.get(&ext) {
                Some(_) if has_subscribed_child(&ext) => "\\HasChildren",
                Some(_) => "",
                None => "\\Noselect",
            }
            .to_string();
            if let Some(s) = special.get(&ext) {
                if !attr.is_empty() {
                    attr.push(' ');
                }
                attr.push_str(s);
            }
            let mut line = format!("* LSUB ({attr}) \"{sep}\" ").into_bytes();
            astring(&mut line, ext.as_bytes());
            line.extend_from_slice(b"\r\n");
            self.out.extend_from_slice(&line);
        }
        Ok(Tagged::ok("Completed"))
    }
}
