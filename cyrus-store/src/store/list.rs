//! LIST for protocol front-ends: the live mailboxes whose external names
//! match a pattern, in Cyrus's LIST order, with whether each has children.

use std::collections::HashSet;

use crate::db::Walk;
use crate::error::Error;
use crate::mboxlist::{self, MbEntry, MbKind, Pattern, Visibility};
use crate::mboxname::{Namespace, UserId};

use super::site::Store;

/// One LIST hit.
#[derive(Debug, Clone)]
pub struct ListHit {
    /// The name as the viewer sees it.
    pub external: String,
    /// The mailbox.
    pub entry: MbEntry,
    /// Whether any live mailbox lies below it (`\HasChildren`).
    pub has_children: bool,
}

impl Store {
    /// The live mail mailboxes whose external names (as `user` sees them
    /// through `ns`) match `pattern`. Mailboxes of other kinds (the hidden
    /// `#sieve` script store, DAV collections) are left out, as Cyrus's
    /// LIST does. Access rights are not checked: the caller filters on the
    /// `l` right.
    pub fn list(
        &self,
        ns: &Namespace,
        user: Option<&UserId>,
        pattern: &Pattern,
    ) -> Result<Vec<ListHit>, Error> {
        let all = self.with_mboxlist(|db| Ok(mboxlist::all(db, Visibility::Live)?))?;
        // Children as the viewer sees them: under altnamespace INBOX has
        // none, its internal children being shown at the top level.
        // Every external name that has a listed mailbox below it: each
        // proper prefix (up to a separator) of a listed name.
        let sep = ns.separator();
        let mut parents: HashSet<String> = HashSet::new();
        for ext in all
            .iter()
            .filter(|o| o.mbtype.kind() == MbKind::Email && !o.name.is_deleted())
            .filter_map(|o| ns.to_external(&o.name, user))
        {
            for (i, c) in ext.char_indices() {
                if c == sep {
                    parents.insert(ext[..i].to_string());
                }
            }
        }
        let mut hits = Vec::new();
        self.with_mboxlist(|db| {
            Ok(mboxlist::list_matching(
                db,
                ns,
                user,
                pattern,
                &mut |ext, e| {
                    // Deleted mailboxes (`DELETED.*`, kept for `cyr_expire
                    // -D`) are listed to nobody, admins included, as Cyrus.
                    if e.mbtype.kind() != MbKind::Email || e.name.is_deleted() {
                        return Ok(Walk::Continue);
                    }
                    let has_children = parents.contains(ext);
                    hits.push(ListHit {
                        external: ext.to_string(),
                        entry: e.clone(),
                        has_children,
                    });
                    Ok(Walk::Continue)
                },
            )?)
        })?;
        Ok(hits)
    }
}
