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

/// A thread tree node: a message (index into the input) or a dummy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Node {
    /// The message, `None` for a dummy.
    pub msg: Option<usize>,
    /// Children in order.
    pub children: Vec<Node>,
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

fn sort_key(node: &Node, msgs: &[ThreadMsg]) -> (u32, u32) {
    match node.msg {
        Some(i) => (msgs[i].date, msgs[i].msn),
        None => node
            .children
            .first()
            .map_or((u32::MAX, u32::MAX), |c| sort_key(c, msgs)),
    }
}

/// Sorts every level by sent date, then message number; a dummy sorts
/// as its first child.
fn sort_tree(nodes: &mut [Node], msgs: &[ThreadMsg]) {
    for n in nodes.iter_mut() {
        sort_tree(&mut n.children, msgs);
    }
    nodes.sort_by_key(|n| sort_key(n, msgs));
}

/// ORDEREDSUBJECT: messages grouped by base subject; each group's oldest
/// message is the root and the rest are its children.
pub(super) fn ordered_subject(msgs: &[ThreadMsg]) -> Vec<Node> {
    let mut order: Vec<usize> = (0..msgs.len()).collect();
    order.sort_by(|&a, &b| {
        (&msgs[a].subject, msgs[a].date, msgs[a].msn).cmp(&(
            &msgs[b].subject,
            msgs[b].date,
            msgs[b].msn,
        ))
    });
    let mut roots: Vec<Node> = Vec::new();
    let mut prev: Option<&str> = None;
    for i in order {
        let leaf = Node {
            msg: Some(i),
            children: Vec::new(),
        };
        match (prev, roots.last_mut()) {
            (Some(p), Some(root)) if p == msgs[i].subject => root.children.push(leaf),
            _ => roots.push(leaf),
        }
        prev = Some(&msgs[i].subject);
    }
    sort_tree(&mut roots, msgs);
    roots
}

/// The containers of the REFERENCES algorithm.
struct Arena {
    msg: Vec<Option<usize>>,
    parent: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
}

impl Arena {
    fn add(&mut self, msg: Option<usize>) -> usize {
        self.msg.push(msg);
        self.parent.push(None);
        self.children.push(Vec::new());
        self.msg.len() - 1
    }

    /// Whether `a` is `b` or one of its ancestors.
    fn is_ancestor(&self, a: usize, mut b: usize) -> bool {
        let mut steps = 0;
        loop {
            if a == b {
                return true;
            }
            match self.parent[b] {
                Some(p) if steps <= self.msg.len() => {
                    b = p;
                    steps += 1;
                }
                _ => return false,
            }
        }
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

    fn tree(&self, n: usize) -> Node {
        Node {
            msg: self.msg[n],
            children: self.children[n].iter().map(|&c| self.tree(c)).collect(),
        }
    }
}

/// Step 4: drops childless dummies and promotes the children of the
/// others, except a dummy root with several children.
fn prune(nodes: Vec<Node>, at_root: bool) -> Vec<Node> {
    let mut out = Vec::new();
    for mut n in nodes {
        n.children = prune(std::mem::take(&mut n.children), false);
        if n.msg.is_some() {
            out.push(n);
        } else if n.children.is_empty() {
        } else if at_root && n.children.len() > 1 {
            out.push(n);
        } else {
            out.extend(n.children);
        }
    }
    out
}

fn first_subject<'a>(n: &Node, msgs: &'a [ThreadMsg]) -> Option<&'a ThreadMsg> {
    match n.msg {
        Some(i) => Some(&msgs[i]),
        None => n.children.first().and_then(|c| first_subject(c, msgs)),
    }
}

/// REFERENCES (RFC 5256 §3, steps 1 to 6).
pub(super) fn references(msgs: &[ThreadMsg]) -> Vec<Node> {
    let mut a = Arena {
        msg: Vec::new(),
        parent: Vec::new(),
        children: Vec::new(),
    };
    let mut ids: HashMap<String, usize> = HashMap::new();
    for (i, m) in msgs.iter().enumerate() {
        // 1A: the message's container; a duplicate id gets a new one.
        let me = match m.message_id.as_ref().and_then(|id| ids.get(id).copied()) {
            Some(c) if a.msg[c].is_none() => {
                a.msg[c] = Some(i);
                c
            }
            Some(_) | None => {
                let c = a.add(Some(i));
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
                    let c = a.add(None);
                    ids.insert(r.clone(), c);
                    c
                }
            };
            if let Some(p) = prev {
                if a.parent[c].is_none() && !a.is_ancestor(c, p) {
                    a.link(p, c);
                }
            }
            prev = Some(c);
        }
        // 1C: the last reference is the parent, replacing any link.
        a.unlink(me);
        if let Some(p) = prev {
            if !a.is_ancestor(me, p) {
                a.link(p, me);
            }
        }
    }
    // 2: the root set, in creation order.
    let roots: Vec<Node> = (0..a.msg.len())
        .filter(|&n| a.parent[n].is_none())
        .map(|n| a.tree(n))
        .collect();
    // 4 and 5: prune, then sort the root set by date.
    let mut roots = prune(roots, true);
    sort_tree(&mut roots, msgs);
    // 6: gather roots with the same base subject.
    let mut table: HashMap<String, usize> = HashMap::new();
    for (i, r) in roots.iter().enumerate() {
        let Some(m) = first_subject(r, msgs) else {
            continue;
        };
        if m.subject.is_empty() {
            continue;
        }
        match table.get(&m.subject) {
            None => {
                table.insert(m.subject.clone(), i);
            }
            Some(&old) => {
                let o = &roots[old];
                let old_refwd = o.msg.map(|x| msgs[x].refwd);
                let replace = (r.msg.is_none() && o.msg.is_some())
                    || (old_refwd == Some(true) && r.msg.is_some_and(|x| !msgs[x].refwd));
                if replace {
                    table.insert(m.subject.clone(), i);
                }
            }
        }
    }
    let mut slots: Vec<Option<Node>> = roots.into_iter().map(Some).collect();
    for i in 0..slots.len() {
        let Some(subject) = slots[i]
            .as_ref()
            .and_then(|r| first_subject(r, msgs))
            .map(|m| m.subject.clone())
        else {
            continue;
        };
        if subject.is_empty() {
            continue;
        }
        let Some(&t) = table.get(&subject) else {
            continue;
        };
        if t == i {
            continue;
        }
        let (Some(cur), Some(mut tab)) = (slots[i].take(), slots[t].take()) else {
            continue;
        };
        let cur_refwd = cur.msg.map(|x| msgs[x].refwd);
        let tab_refwd = tab.msg.map(|x| msgs[x].refwd);
        let merged = match (tab.msg, cur.msg) {
            (None, None) => {
                tab.children.extend(cur.children);
                tab
            }
            (None, Some(_)) => {
                tab.children.push(cur);
                tab
            }
            (Some(_), None) => {
                let mut cur = cur;
                cur.children.push(tab);
                cur
            }
            (Some(_), Some(_)) if tab_refwd == Some(false) && cur_refwd == Some(true) => {
                tab.children.push(cur);
                tab
            }
            _ => Node {
                msg: None,
                children: vec![tab, cur],
            },
        };
        slots[t] = Some(merged);
    }
    let mut roots: Vec<Node> = slots.into_iter().flatten().collect();
    // 6 (end): every level by date.
    sort_tree(&mut roots, msgs);
    roots
}

/// The `* THREAD` text of `roots`, as Cyrus prints it: a parent and an
/// only child are separated by a space, several children each get
/// parentheses.
pub(super) fn format(roots: &[Node], msgs: &[ThreadMsg]) -> String {
    fn branch(n: &Node, msgs: &[ThreadMsg], out: &mut String) {
        out.push('(');
        let mut cur = n;
        let mut first = true;
        loop {
            if let Some(i) = cur.msg {
                if !first {
                    out.push(' ');
                }
                out.push_str(&msgs[i].id.to_string());
                first = false;
            }
            match cur.children.as_slice() {
                [] => break,
                [only] => cur = only,
                many => {
                    if !first {
                        out.push(' ');
                    }
                    for c in many {
                        branch(c, msgs, out);
                    }
                    break;
                }
            }
        }
        out.push(')');
    }
    let mut out = String::new();
    for r in roots {
        branch(r, msgs, &mut out);
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
