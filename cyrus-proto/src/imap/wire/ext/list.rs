//! RFC 5258 LIST-EXTENDED (with RFC 5819 LIST-STATUS, RFC 6154
//! SPECIAL-USE and RFC 8440 LIST-MYRIGHTS options). Only the extended
//! forms are claimed: `LIST ref pattern` stays with imap-codec.

use super::{is_atom_char, ExtCommand, Parsed, Parser, SyntaxError};

/// How many patterns one LIST may carry.
pub const MAX_PATTERNS: usize = 100;

/// A LIST-STATUS item, declared in the order Cyrus prints them
/// (`print_statusline`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusItem {
    /// `MESSAGES`.
    Messages,
    /// `RECENT`.
    Recent,
    /// `UIDNEXT`.
    UidNext,
    /// `UIDVALIDITY`.
    UidValidity,
    /// `UNSEEN`.
    Unseen,
    /// `SIZE` (RFC 8438).
    Size,
    /// `HIGHESTMODSEQ` (RFC 7162).
    HighestModSeq,
}

impl StatusItem {
    /// Parses an item name (case-insensitive).
    pub fn from_name(s: &str) -> Option<StatusItem> {
        Some(match s.to_ascii_uppercase().as_str() {
            "MESSAGES" => StatusItem::Messages,
            "RECENT" => StatusItem::Recent,
            "UIDNEXT" => StatusItem::UidNext,
            "UIDVALIDITY" => StatusItem::UidValidity,
            "UNSEEN" => StatusItem::Unseen,
            "HIGHESTMODSEQ" => StatusItem::HighestModSeq,
            "SIZE" => StatusItem::Size,
            _ => return None,
        })
    }

    /// The item's name on the wire.
    pub fn name(self) -> &'static str {
        match self {
            StatusItem::Messages => "MESSAGES",
            StatusItem::Recent => "RECENT",
            StatusItem::UidNext => "UIDNEXT",
            StatusItem::UidValidity => "UIDVALIDITY",
            StatusItem::Unseen => "UNSEEN",
            StatusItem::HighestModSeq => "HIGHESTMODSEQ",
            StatusItem::Size => "SIZE",
        }
    }
}

/// Selection options (RFC 5258 §3.1, RFC 6154 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Selection {
    /// `SUBSCRIBED`.
    pub subscribed: bool,
    /// `REMOTE` (no remote mailboxes here: accepted, no effect).
    pub remote: bool,
    /// `RECURSIVEMATCH`.
    pub recursive_match: bool,
    /// `SPECIAL-USE`.
    pub special_use: bool,
}

/// Return options (RFC 5258 §3.2 and extensions).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Return {
    /// `SUBSCRIBED`.
    pub subscribed: bool,
    /// `CHILDREN`.
    pub children: bool,
    /// `SPECIAL-USE`.
    pub special_use: bool,
    /// `MYRIGHTS`.
    pub myrights: bool,
    /// `STATUS (items)`.
    pub status: Option<Vec<StatusItem>>,
    /// `METADATA (entries)` (RFC 9590 LIST-METADATA).
    pub metadata: Option<Vec<String>>,
}

/// An extended LIST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCommand {
    /// Selection options.
    pub selection: Selection,
    /// Reference name.
    pub reference: String,
    /// Patterns, at least one.
    pub patterns: Vec<String>,
    /// Return options.
    pub ret: Return,
}

/// `list-mailbox`: list-chars (atom chars, `%`, `*`, `]`) or a string.
fn list_mailbox(p: &mut Parser<'_>) -> Parsed<String> {
    let b = match p.peek() {
        Some(b'"' | b'{' | b'~') => p.string()?,
        _ => {
            let v = p.take_while(|c| is_atom_char(c) || matches!(c, b'%' | b'*' | b']'));
            if v.is_empty() {
                return Err(SyntaxError("Missing mailbox pattern"));
            }
            v.to_vec()
        }
    };
    String::from_utf8(b).map_err(|_| SyntaxError("Invalid mailbox pattern"))
}

fn selection(p: &mut Parser<'_>) -> Parsed<Selection> {
    let mut s = Selection::default();
    for opt in p.list(|p| Ok(p.atom()?.to_ascii_uppercase()))? {
        match opt.as_str() {
            "SUBSCRIBED" => s.subscribed = true,
            "REMOTE" => s.remote = true,
            "RECURSIVEMATCH" => s.recursive_match = true,
            "SPECIAL-USE" => s.special_use = true,
            _ => return Err(SyntaxError("Invalid List selection option")),
        }
    }
    if s.recursive_match && !s.subscribed {
        // RFC 5258 §3.1: RECURSIVEMATCH needs another selection option;
        // Cyrus 3.6 accepts it with SUBSCRIBED only.
        return Err(SyntaxError("Invalid combination of selection options"));
    }
    Ok(s)
}

fn return_opts(p: &mut Parser<'_>) -> Parsed<Return> {
    let mut r = Return::default();
    p.list(|p| {
        let opt = p.atom()?.to_ascii_uppercase();
        match opt.as_str() {
            "SUBSCRIBED" => r.subscribed = true,
            "CHILDREN" => r.children = true,
            "SPECIAL-USE" => r.special_use = true,
            "MYRIGHTS" => r.myrights = true,
            "STATUS" => {
                p.sp()?;
                let items = p.list(|p| {
                    StatusItem::from_name(p.atom()?).ok_or(SyntaxError("Invalid Status attributes"))
                })?;
                if items.is_empty() {
                    return Err(SyntaxError("Invalid Status attributes"));
                }
                r.status = Some(items);
            }
            "METADATA" => {
                p.sp()?;
                let entries = p.list_or_one(|p| {
                    String::from_utf8(p.astring()?)
                        .map_err(|_| SyntaxError("Invalid metadata entry"))
                })?;
                if entries.is_empty() {
                    return Err(SyntaxError("Missing metadata entry"));
                }
                r.metadata = Some(entries);
            }
            _ => return Err(SyntaxError("Invalid List return option")),
        }
        Ok(())
    })?;
    Ok(r)
}

/// Claims LIST in its extended forms.
pub(super) fn parse(name: &str, uid: bool, p: &mut Parser<'_>) -> Option<Parsed<ExtCommand>> {
    if uid || name != "LIST" {
        return None;
    }
    // Look ahead: a basic `LIST ref pattern` is left to imap-codec.
    let mut probe = p.clone();
    let basic = (|| -> Parsed<bool> {
        probe.sp()?;
        if probe.peek() == Some(b'(') {
            return Ok(false);
        }
        probe.mailbox()?;
        probe.sp()?;
        if probe.peek() == Some(b'(') {
            return Ok(false);
        }
        list_mailbox(&mut probe)?;
        Ok(probe.at_end())
    })();
    if basic != Ok(false) {
        return None;
    }
    Some((|| {
        p.sp()?;
        let selection = if p.peek() == Some(b'(') {
            let s = selection(p)?;
            p.sp()?;
            s
        } else {
            Selection::default()
        };
        let reference = p.mailbox()?;
        p.sp()?;
        let patterns = if p.peek() == Some(b'(') {
            p.list(list_mailbox)?
        } else {
            vec![list_mailbox(p)?]
        };
        if patterns.is_empty() || patterns.len() > MAX_PATTERNS {
            return Err(SyntaxError("Invalid mailbox patterns"));
        }
        let ret = if p.eat(b' ') {
            if !p.keyword("RETURN") {
                return Err(SyntaxError("Invalid List return option"));
            }
            p.sp()?;
            return_opts(p)?
        } else {
            Return::default()
        };
        Ok(ExtCommand::List(ListCommand {
            selection,
            reference,
            patterns,
            ret,
        }))
    })())
}

#[cfg(test)]
mod tests {
    use super::super::decode;
    use super::*;

    #[test]
    fn claims_only_extended_forms() {
        assert!(decode(b"a LIST \"\" *\r\n").is_none());
        assert!(decode(b"a LIST \"\" \"%\"\r\n").is_none());
        let m = decode(b"a LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (INBOX* %) RETURN (CHILDREN STATUS (MESSAGES SIZE))\r\n")
            .unwrap()
            .unwrap();
        let ExtCommand::List(l) = m.command else {
            panic!("not a list")
        };
        assert!(l.selection.subscribed && l.selection.recursive_match);
        assert_eq!(l.patterns, vec!["INBOX*".to_string(), "%".into()]);
        assert_eq!(
            l.ret.status,
            Some(vec![StatusItem::Messages, StatusItem::Size])
        );
        assert!(decode(b"a LIST (RECURSIVEMATCH) \"\" *\r\n")
            .unwrap()
            .is_err());
        assert!(decode(b"a LIST \"\" * RETURN (BOGUS)\r\n")
            .unwrap()
            .is_err());
    }
}
