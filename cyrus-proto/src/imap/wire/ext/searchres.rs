//! RFC 5182 SEARCHRES for the commands imap-codec decodes: `$` in place
//! of the sequence set of FETCH, STORE, COPY, MOVE (and their UID forms,
//! and UID EXPUNGE) is replaced by the saved result's text before
//! imap-codec sees the command. This is the one place that does it;
//! commands parsed here (SEARCH, SORT, THREAD) read `$` themselves.

use super::Parser;

/// What became of a client message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Substituted {
    /// No `$` set argument: decode the message as it is.
    Unchanged,
    /// `$` replaced by the saved set.
    Replaced(Vec<u8>),
    /// `$` stands for the empty set: the command acts on no message and
    /// completes with OK (RFC 5182 §2.1).
    Empty {
        /// The command's tag.
        tag: String,
    },
}

/// Replaces a `$` set argument in `msg` by `saved(by_uid)` (the saved
/// result as message numbers or UIDs, `1:3,7` form; empty when none).
pub fn substitute_saved(msg: &[u8], saved: impl FnOnce(bool) -> String) -> Substituted {
    let mut p = Parser::new(msg);
    let Ok(tag) = p.tag() else {
        return Substituted::Unchanged;
    };
    if p.sp().is_err() {
        return Substituted::Unchanged;
    }
    let uid = p.keyword("UID") && p.sp().is_ok();
    let Ok(name) = p.atom() else {
        return Substituted::Unchanged;
    };
    let name = name.to_ascii_uppercase();
    let takes_set =
        matches!(name.as_str(), "FETCH" | "STORE" | "COPY" | "MOVE") || (uid && name == "EXPUNGE");
    if !takes_set || p.sp().is_err() || !p.eat(b'$') {
        return Substituted::Unchanged;
    }
    let rest = p.rest();
    if !matches!(rest.first(), Some(b' ' | b'\r' | b'\n') | None) {
        return Substituted::Unchanged;
    }
    let set = saved(uid);
    if set.is_empty() {
        return Substituted::Empty { tag };
    }
    let head = &msg[..msg.len() - rest.len() - 1];
    let mut out = Vec::with_capacity(msg.len() + set.len());
    out.extend_from_slice(head);
    out.extend_from_slice(set.as_bytes());
    out.extend_from_slice(rest);
    Substituted::Replaced(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_only_a_set_dollar() {
        assert_eq!(
            substitute_saved(b"a UID FETCH $ FLAGS\r\n", |uid| {
                assert!(uid);
                "2:4,9".into()
            }),
            Substituted::Replaced(b"a UID FETCH 2:4,9 FLAGS\r\n".to_vec())
        );
        assert_eq!(
            substitute_saved(b"b COPY $ \"$box\"\r\n", |_| "1".into()),
            Substituted::Replaced(b"b COPY 1 \"$box\"\r\n".to_vec())
        );
        assert_eq!(
            substitute_saved(b"c store $ +FLAGS (\\Seen)\r\n", |_| String::new()),
            Substituted::Empty { tag: "c".into() }
        );
        for m in [
            &b"d FETCH 1 FLAGS\r\n"[..],
            b"e FETCH $x FLAGS\r\n",
            b"f EXPUNGE $\r\n",
            b"g SELECT $\r\n",
        ] {
            assert_eq!(
                substitute_saved(m, |_| unreachable!()),
                Substituted::Unchanged
            );
        }
    }
}
