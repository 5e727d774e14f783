//! THREAD and UID THREAD (RFC 5256 §3): ORDEREDSUBJECT and REFERENCES.
//! The algorithms are pure functions over [`ThreadMsg`] values; siblings
//! are ordered by sent date (Date:, else INTERNALDATE), then message
//! number, as Cyrus orders them.

use std::collections::HashMap;

use cyrus_store::message::decode_mimeheader;

use crate::imap::wire::ext::{SearchKey, ThreadAlgorithm};
use crate::imap::wire::Tagged;

use super::error::Failure;
use super::search::{self, Candidate, Hit};
use super::session::ImapSession;
use super::sort::base_subject;

/// What threading needs of one message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct ThreadMsg {
    /// The number printed (MSN or UID).
    pub id: u32,
    /// Message sequence number (tie-breaker).
    pub msn: u32,
    /// Sent date (Date:, else INTERNALDATE).
    pub date: u32,
    /// Base subject.
    pub subject: String,
    /// The subject was a reply or forward.
    pub refwd: bool,
    /// Message-ID (`<...>`), if any.
    pub message_id: Option<String>,
    /// References, oldest first (In-Reply-To when there are none).
    pub references: Vec<String>,
}

/// The `<...>` message ids in `s`, in order.
pub(super) fn msg_ids(s: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(s);
    let mut out = Vec::new();
    let mut rest = text.as_ref();
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            break;
        };
        let inner: String = after[..close]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if !inner.is_empty() && !inner.contains('<') {
            out.push(format!("<{inner}>"));
        }
        rest = &after[close + 1..];
    }
    out
}

/// Thread trees, flat: node `n` is message `msg[n]` (an index into the
/// input) or a dummy (`None`), with `children[n]` in order. Flat so that
/// a reply chain thousands deep costs no stack (every walk below is
/// iterative, and dropping it is too).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Forest {
    msg: Vec<Option<usize>>,
    parent: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
    roots: Vec<usize>,
}

impl Forest {
    fn add(&mut self, msg: Option<usize>) -> usize {
        self.msg.push(msg);
        self.parent.push(None);
        self.children.push(Vec::new());
        self.msg.len() - 1
    }

    /// Whether `a` is `b` or one of its ancestors (while linking).
    fn is_ancestor(&self, a: usize, mut b: usize) -> bool {
        for _ in 0..=self.msg.len() {
            if a == b {
                return true;
            }
            match self.parent[b] {
                Some(p) => b = p,
                None => return false,
            }
        }
        true
    }

    fn unlink(&mut self, c: usize) {
        if let Some(p) = self.parent[c].take() {
            self.children[p].retain(|&x| x != c);
        }
    }

    fn link(&mut self, p: usize, c: usize) {
        self.parent[c] = Some(p);
        self.children[p].push(c);
    }

    /// The nodes under the roots, every child before its parent.
    fn post_order(&self) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.msg.len());
        let mut seen = vec![false; self.msg.len()];
        let mut stack: Vec<(usize, bool)> = self.roots.iter().rev().map(|&r| (r, false)).collect();
        while let Some((n, expanded)) = stack.pop() {
            if expanded {
                out.push(n);
                continue;
            }
            if std::mem::replace(&mut seen[n], true) {
                continue;
            }
            stack.push((n, true));
            stack.extend(self.children[n].iter().rev().map(|&c| (c, false)));
        }
        out
    }

    /// The first message met going down first children.
    fn first_msg(&self, mut n: usize) -> Option<usize> {
        for _ in 0..=self.msg.len() {
            if let Some(m) = self.msg[n] {
                return Some(m);
            }
            n = *self.children[n].first()?;
        }
        None
    }

    /// Sorts every level by sent date, then message number; a dummy sorts
    /// as its first child (after its children are sorted).
    fn sort(&mut self, msgs: &[ThreadMsg]) {
        let mut key = vec![(u32::MAX, u32::MAX); self.msg.len()];
        for n in self.post_order() {
            let mut kids = std::mem::take(&mut self.children[n]);
            kids.sort_by_key(|&c| key[c]);
            key[n] = match self.msg[n] {
                Some(i) => (msgs[i].date, msgs[i].msn),
                None => kids.first().map_or((u32::MAX, u32::MAX), |&c| key[c]),
            };
            self.children[n] = kids;
        }
        self.roots.sort_by_key(|&r| key[r]);
    }

    /// RFC 5256 REFERENCES step 4: drops childless dummies and puts the
    /// children of the others in their place, except a dummy root with
    /// several children.
    fn prune(&mut self) {
        for n in self.post_order() {
            let kids = std::mem::take(&mut self.children[n]);
            let mut keep = Vec::with_capacity(kids.len());
            for c in kids {
                if self.msg[c].is_some() {
                    keep.push(c);
                } else {
                    keep.append(&mut self.children[c]);
                }
            }
            self.children[n] = keep;
        }
        let roots = std::mem::take(&mut self.roots);
        for r in roots {
            match (self.msg[r], self.children[r].len()) {
                (Some(_), _) => self.roots.push(r),
                (None, 0) => {}
                (None, 1) => self.roots.push(self.children[r][0]),
                (None, _) => self.roots.push(r),
            }
        }
    }
}

/// ORDEREDSUBJECT: messages grouped by base subject; each group's oldest
/// message is the root and the rest are its children.
pub(super) fn ordered_subject(msgs: &[ThreadMsg]) -> Forest {
    let mut order: Vec<usize> = (0..msgs.len()).collect();
    order.sort_by(|&a, &b| {
        (&msgs[a].subject, msgs[a].date, msgs[a].msn).cmp(&(
            &msgs[b].subject,
            msgs[b].date,
            msgs[b].msn,
        ))
    });
    let mut f = Forest::default();
    let mut prev: Option<&str> = None;
    for i in order {
        let n = f.add(Some(i));
        match (prev, f.roots.last().copied()) {
            (Some(p), Some(root)) if p == msgs[i].subject => f.link(root, n),
            _ => f.roots.push(n),
        }
        prev = Some(&msgs[i].subject);
    }
    f.sort(msgs);
    f
}

/// REFERENCES (RFC 5256 §3, steps 1 to 6).
pub(super) fn references(msgs: &[ThreadMsg]) -> Forest {
    let mut f = Forest::default();
    let mut ids: HashMap<String, usize> = HashMap::new();
    for (i, m) in msgs.iter().enumerate() {
        // 1A: the message's container; a duplicate id gets a new one.
        let me = match m.message_id.as_ref().and_then(|id| ids.get(id).copied()) {
            Some(c) if f.msg[c].is_none() => {
                f.msg[c] = Some(i);
                c
            }
            Some(_) | None => {
                let c = f.add(Some(i));
                if let Some(id) = &m.message_id {
                    ids.entry(id.clone()).or_insert(c);
                }
                c
            }
        };
        // 1B: link the references in order, never making a loop and
        // never moving an existing link.
        let mut prev: Option<usize> = None;
        for r in &m.references {
            let c = match ids.get(r) {
                Some(&c) => c,
                None => {
                    let c = f.add(None);
                    ids.insert(r.clone(), c);
                    c
                }
            };
            if let Some(p) = prev {
                if f.parent[c].is_none() && !f.is_ancestor(c, p) {
                    f.link(p, c);
                }
            }
            prev = Some(c);
        }
        // 1C: the last reference is the parent, replacing any link.
        f.unlink(me);
        if let Some(p) = prev {
            if !f.is_ancestor(me, p) {
                f.link(p, me);
            }
        }
    }
    // 2: the root set, in creation order; 4 and 5: prune, sort by date.
    f.roots = (0..f.msg.len())
        .filter(|&n| f.parent[n].is_none())
        .collect();
    f.prune();
    f.sort(msgs);
    // 6: gather roots with the same base subject.
    let subject_of = |f: &Forest, r: usize| f.first_msg(r).map(|m| &msgs[m]);
    let mut table: HashMap<&str, usize> = HashMap::new();
    for (i, &r) in f.roots.iter().enumerate() {
        let Some(m) = subject_of(&f, r) else {
            continue;
        };
        if m.subject.is_empty() {
            continue;
        }
        match table.get(m.subject.as_str()) {
            None => {
                table.insert(&m.subject, i);
            }
            Some(&old) => {
                let o = f.roots[old];
                let old_refwd = f.msg[o].map(|x| msgs[x].refwd);
                let replace = (f.msg[r].is_none() && f.msg[o].is_some())
                    || (old_refwd == Some(true) && f.msg[r].is_some_and(|x| !msgs[x].refwd));
                if replace {
                    table.insert(&m.subject, i);
                }
            }
        }
    }
    let mut slots: Vec<Option<usize>> = f.roots.iter().copied().map(Some).collect();
    for i in 0..slots.len() {
        let Some(subject) = slots[i]
            .and_then(|r| subject_of(&f, r))
            .map(|m| m.subject.as_str())
        else {
            continue;
        };
        if subject.is_empty() {
            continue;
        }
        let Some(&t) = table.get(subject) else {
            continue;
        };
        if t == i {
            continue;
        }
        let (Some(cur), Some(tab)) = (slots[i].take(), slots[t].take()) else {
            continue;
        };
        let cur_refwd = f.msg[cur].map(|x| msgs[x].refwd);
        let tab_refwd = f.msg[tab].map(|x| msgs[x].refwd);
        let merged = match (f.msg[tab], f.msg[cur]) {
            (None, None) => {
                let mut kids = std::mem::take(&mut f.children[cur]);
                f.children[tab].append(&mut kids);
                tab
            }
            (None, Some(_)) => {
                f.children[tab].push(cur);
                tab
            }
            (Some(_), None) => {
                f.children[cur].push(tab);
                cur
            }
            (Some(_), Some(_)) if tab_refwd == Some(false) && cur_refwd == Some(true) => {
                f.children[tab].push(cur);
                tab
            }
            _ => {
                let d = f.add(None);
                f.children[d] = vec![tab, cur];
                d
            }
        };
        slots[t] = Some(merged);
    }
    f.roots = slots.into_iter().flatten().collect();
    // 6 (end): every level by date.
    f.sort(msgs);
    f
}

/// The `* THREAD` text of `f`, as Cyrus prints it: a parent and an only
/// child are separated by a space, several children each get
/// parentheses.
pub(super) fn format(f: &Forest, msgs: &[ThreadMsg]) -> String {
    enum Work {
        Open(usize),
        Close,
    }
    let mut out = String::new();
    let mut stack: Vec<Work> = f.roots.iter().rev().map(|&r| Work::Open(r)).collect();
    while let Some(w) = stack.pop() {
        let Work::Open(n) = w else {
            out.push(')');
            continue;
        };
        out.push('(');
        let mut cur = n;
        let mut first = true;
        for _ in 0..=f.msg.len() {
            if let Some(i) = f.msg[cur] {
                if !first {
                    out.push(' ');
                }
                out.push_str(&msgs[i].id.to_string());
                first = false;
            }
            match f.children[cur].as_slice() {
                [] => {
                    out.push(')');
                    break;
                }
                [only] => cur = *only,
                many => {
                    if !first {
                        out.push(' ');
                    }
                    stack.push(Work::Close);
                    stack.extend(many.iter().rev().map(|&c| Work::Open(c)));
                    break;
                }
            }
        }
    }
    out
}

/// Loads what threading needs for one message.
fn thread_msg(hit: Hit, c: &mut Candidate<'_>, by_uid: bool) -> Result<ThreadMsg, Failure> {
    let subject = c.header_first(b"subject")?.unwrap_or_default();
    let (subject, refwd) = base_subject(&decode_mimeheader(&subject));
    let message_id = c
        .header_first(b"message-id")?
        .and_then(|v| msg_ids(&v).into_iter().next());
    let mut references: Vec<String> = c
        .header_values(b"references")?
        .iter()
        .flat_map(|v| msg_ids(v))
        .collect();
    if references.is_empty() {
        references = c
            .header_first(b"in-reply-to")?
            .and_then(|v| msg_ids(&v).into_iter().next())
            .into_iter()
            .collect();
    }
    Ok(ThreadMsg {
        id: hit.id(by_uid),
        msn: hit.msn,
        date: if c.rec.gmtime == 0 {
            c.rec.internaldate
        } else {
            c.rec.gmtime
        },
        subject,
        refwd,
        message_id,
        references,
    })
}

impl ImapSession {
    /// `THREAD` / `UID THREAD`.
    pub(super) fn cmd_thread(
        &mut self,
        algorithm: ThreadAlgorithm,
        charset: &str,
        mut key: SearchKey,
        by_uid: bool,
        now: i64,
    ) -> Result<Tagged, Failure> {
        let started = std::time::Instant::now();
        self.view()?;
        search::prepare(&mut key, Some(charset))?;
        let mut msgs = Vec::new();
        self.each_match(&key, now, |h, c| {
            msgs.push(thread_msg(h, c, by_uid)?);
            Ok(())
        })?;
        let roots = match algorithm {
            ThreadAlgorithm::OrderedSubject => ordered_subject(&msgs),
            ThreadAlgorithm::References => references(&msgs),
        };
        let text = format(&roots, &msgs);
        if text.is_empty() {
            self.untagged("* THREAD");
        } else {
            self.untagged(&format!("* THREAD {text}"));
        }
        Ok(search::completed(msgs.len(), started))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(id: u32, date: u32, subject: &str, mid: &str, refs: &[&str]) -> ThreadMsg {
        let (subject, refwd) = base_subject(subject.as_bytes());
        ThreadMsg {
            id,
            msn: id,
            date,
            subject,
            refwd,
            message_id: (!mid.is_empty()).then(|| format!("<{mid}>")),
            references: refs.iter().map(|r| format!("<{r}>")).collect(),
        }
    }

    #[test]
    fn references_links_parents_and_children() {
        let msgs = vec![
            m(1, 100, "Apples", "a", &[]),
            m(2, 90, "[fwd: Apples]", "b", &["a"]),
            m(3, 300, "Cherries", "c", &["a", "b"]),
        ];
        // Matches real Cyrus on the same three messages.
        assert_eq!(format(&references(&msgs), &msgs), "(1 2 3)");
        assert_eq!(format(&ordered_subject(&msgs), &msgs), "(2 1)(3)");
    }

    #[test]
    fn missing_parents_become_dummies_and_subjects_merge() {
        // 2 and 3 answer a message we do not have: a dummy root with two
        // children. 4 shares the base subject with 1 and replies to it.
        let msgs = vec![
            m(1, 10, "Hello", "h", &[]),
            m(2, 20, "Re: lost", "x", &["gone"]),
            m(3, 30, "Re: lost", "y", &["gone"]),
            m(4, 40, "Re: Hello", "z", &[]),
            m(5, 5, "Other", "", &[]),
        ];
        assert_eq!(format(&references(&msgs), &msgs), "(5)(1 4)((2)(3))");
        // A dummy with one child is replaced by the child.
        let one = vec![m(1, 10, "x", "x", &["gone"])];
        assert_eq!(format(&references(&one), &one), "(1)");
    }

    #[test]
    fn loops_and_duplicates_do_not_hang() {
        let msgs = vec![
            m(1, 10, "a", "a", &["b"]),
            m(2, 20, "b", "b", &["a"]),
            m(3, 30, "c", "a", &[]),
        ];
        let text = format(&references(&msgs), &msgs);
        for id in ["1", "2", "3"] {
            assert!(text.contains(id), "{text}");
        }
    }

    #[test]
    fn deep_reply_chains_cost_no_stack() {
        // Each message answers the one before: 20 000 levels, run on a
        // small stack to show no walk recurses.
        let msgs: Vec<ThreadMsg> = (0..20_000u32)
            .map(|i| {
                let parent = i.checked_sub(1).map(|p| format!("<{p}>"));
                ThreadMsg {
                    id: i + 1,
                    msn: i + 1,
                    date: i,
                    subject: "S".into(),
                    message_id: Some(format!("<{i}>")),
                    references: parent.into_iter().collect(),
                    ..ThreadMsg::default()
                }
            })
            .collect();
        let text = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || format(&references(&msgs), &msgs))
            .unwrap()
            .join()
            .unwrap();
        assert!(text.starts_with("(1 2 3 "));
        assert!(text.ends_with(" 19999 20000)"));
    }

    #[test]
    fn ordered_subject_rfc_shape() {
        let msgs = vec![
            m(1, 10, "A", "", &[]),
            m(2, 20, "Re: A", "", &[]),
            m(3, 30, "A", "", &[]),
            m(4, 5, "B", "", &[]),
        ];
        assert_eq!(format(&ordered_subject(&msgs), &msgs), "(4)(1 (2)(3))");
    }

    fn count_ids(text: &str) -> Vec<u32> {
        let mut ids: Vec<u32> = text
            .split(|c: char| !c.is_ascii_digit())
            .filter(|w| !w.is_empty())
            .map(|w| w.parse().unwrap())
            .collect();
        ids.sort_unstable();
        ids
    }

    proptest::proptest! {
        /// Whatever the ids, references (loops, duplicates, phantoms) and
        /// subjects, both algorithms print every message exactly once, in
        /// balanced parentheses, and no empty thread.
        #[test]
        fn every_message_once(
            spec in proptest::collection::vec(
                (0u32..8, 0u32..6, proptest::collection::vec(0u32..12, 0..4), 0usize..6),
                0..40,
            )
        ) {
            const SUBJECTS: [&str; 6] = ["a", "Re: a", "b", "Fwd: b", "", "[x] a"];
            let msgs: Vec<ThreadMsg> = spec
                .iter()
                .enumerate()
                .map(|(i, (date, mid, refs, subj))| {
                    let mid = format!("m{mid}");
                    let refs: Vec<String> = refs.iter().map(|r| format!("m{r}")).collect();
                    let refs: Vec<&str> = refs.iter().map(String::as_str).collect();
                    m(i as u32 + 1, *date, SUBJECTS[*subj], &mid, &refs)
                })
                .collect();
            let want: Vec<u32> = (1..=msgs.len() as u32).collect();
            for roots in [references(&msgs), ordered_subject(&msgs)] {
                let text = format(&roots, &msgs);
                proptest::prop_assert_eq!(count_ids(&text), want.clone());
                let mut depth = 0i32;
                for c in text.chars() {
                    depth += match c { '(' => 1, ')' => -1, _ => 0 };
                    proptest::prop_assert!(depth >= 0);
                }
                proptest::prop_assert_eq!(depth, 0);
                proptest::prop_assert!(!text.contains("()"));
            }
        }
    }

    #[test]
    fn message_ids_are_found() {
        assert_eq!(
            msg_ids(b" <a@x>\r\n <b @y> junk <c"),
            vec!["<a@x>".to_string(), "<b@y>".to_string()]
        );
    }
}
