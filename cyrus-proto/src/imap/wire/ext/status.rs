//! `STATUS` with the `MAILBOXID` item (RFC 8474 §4.2), which imap-codec
//! does not know. Claimed only when the item list names it; the other
//! items are kept as bytes for imap-codec, so STATUS has one path.

use super::{ExtCommand, Parsed, Parser, SyntaxError};

/// A STATUS asking for MAILBOXID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusExt {
    /// The mailbox argument as sent (quoting and literals included).
    pub raw_mailbox: Vec<u8>,
    /// The mailbox name.
    pub mailbox: String,
    /// The other items as sent, space-separated (empty when none).
    pub others: Vec<u8>,
}

fn split(rest: &[u8]) -> Parsed<Option<StatusExt>> {
    let mut q = Parser::new(rest);
    q.sp()?;
    let mailbox = q.mailbox()?;
    let mailbox_end = rest.len() - q.rest().len();
    q.sp()?;
    let items = q.list(|p| p.atom().map(str::to_string))?;
    q.end()?;
    if !items.iter().any(|i| i.eq_ignore_ascii_case("MAILBOXID")) {
        return Ok(None);
    }
    let others: Vec<&str> = items
        .iter()
        .filter(|i| !i.eq_ignore_ascii_case("MAILBOXID"))
        .map(String::as_str)
        .collect();
    Ok(Some(StatusExt {
        raw_mailbox: rest[1..mailbox_end].to_vec(),
        mailbox,
        others: others.join(" ").into_bytes(),
    }))
}

/// Claims `STATUS` with `MAILBOXID`.
pub(super) fn parse(name: &str, uid: bool, p: &mut Parser<'_>) -> Option<Parsed<ExtCommand>> {
    if name != "STATUS" || uid {
        return None;
    }
    let rest = p.rest();
    let r = match split(rest) {
        Ok(None) => return None,
        Ok(Some(s)) => Ok(ExtCommand::Status(s)),
        Err(e) => {
            let upper = String::from_utf8_lossy(rest).to_ascii_uppercase();
            if !upper.contains("MAILBOXID") {
                return None;
            }
            Err(e)
        }
    };
    for &c in rest {
        if p.at_end() {
            break;
        }
        p.eat(c);
    }
    Some(r.map_err(|_: SyntaxError| SyntaxError("Bad status string")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_only_mailboxid() {
        assert_eq!(split(b" INBOX (MESSAGES UNSEEN)\r\n").unwrap(), None);
        let s = split(b" \"A b\" (messages MailboxId)\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(s.mailbox, "A b");
        assert_eq!(s.raw_mailbox, b"\"A b\"");
        assert_eq!(s.others, b"messages");
        let s = split(b" {3}\r\nA b (MAILBOXID)\r\n").unwrap().unwrap();
        assert_eq!(s.raw_mailbox, b"{3}\r\nA b");
        assert!(s.others.is_empty());
        assert!(split(b" INBOX (MAILBOXID\r\n").is_err());
    }
}
