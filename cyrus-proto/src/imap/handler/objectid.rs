//! STATUS MAILBOXID (RFC 8474 §4.2): the mailbox uniqueid, printed where
//! Cyrus prints it (after MESSAGES, RECENT, UIDNEXT, UIDVALIDITY); the
//! other items go through the one STATUS path.

use cyrus_store::acl::Rights;
use imap_codec::decode::Decoder;
use imap_codec::imap_types::command::CommandBody;
use imap_codec::CommandCodec;

use crate::imap::wire::ext::StatusExt;
use crate::imap::wire::{astring, Tagged};

use super::error::Failure;
use super::session::ImapSession;

/// `line` (`* STATUS mbox (A 1 B 2)\r\n`) with `item` added after the
/// items Cyrus prints before MAILBOXID.
fn insert_item(line: &[u8], item: &str) -> Vec<u8> {
    let Some(open) = line.iter().rposition(|&c| c == b'(') else {
        return line.to_vec();
    };
    let close = line.iter().rposition(|&c| c == b')').unwrap_or(line.len());
    let inner = String::from_utf8_lossy(&line[open + 1..close.max(open + 1)]).into_owned();
    let words: Vec<&str> = inner.split(' ').filter(|w| !w.is_empty()).collect();
    let mut pairs: Vec<String> = words.chunks(2).map(|c| c.join(" ")).collect();
    let before = ["MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY"];
    let at = pairs
        .iter()
        .rposition(|p| before.iter().any(|b| p.starts_with(&format!("{b} "))))
        .map_or(0, |i| i + 1);
    pairs.insert(at, item.to_string());
    let mut out = line[..=open].to_vec();
    out.extend_from_slice(pairs.join(" ").as_bytes());
    out.extend_from_slice(b")\r\n");
    out
}

impl ImapSession {
    /// `STATUS mailbox (... MAILBOXID ...)`.
    pub(super) fn cmd_status_mailboxid(
        &mut self,
        tag: &str,
        st: StatusExt,
    ) -> Result<Tagged, Failure> {
        let name = self.internal_name(&st.mailbox)?;
        let (entry, rights) = self.visible(&name)?;
        if !rights.contains(Rights::READ) {
            return Err(Failure::NoPerm);
        }
        let item = format!(
            "MAILBOXID ({})",
            entry.uniqueid.as_ref().map_or("NIL", |u| u.as_str())
        );
        if st.others.is_empty() {
            let mut line = b"* STATUS ".to_vec();
            astring(&mut line, st.mailbox.as_bytes());
            line.extend_from_slice(format!(" ({item})\r\n").as_bytes());
            self.out.extend_from_slice(&line);
            return Ok(Tagged::ok("Completed"));
        }
        let mut cmd = format!("{tag} STATUS ").into_bytes();
        cmd.extend_from_slice(&st.raw_mailbox);
        cmd.extend_from_slice(b" (");
        cmd.extend_from_slice(&st.others);
        cmd.extend_from_slice(b")\r\n");
        let codec = CommandCodec::default();
        let items = match codec.decode(&cmd) {
            Ok((b"", c)) => match c.body {
                CommandBody::Status { item_names, .. } => item_names.into_owned(),
                _ => return Err(Failure::Bad("Bad status string".into())),
            },
            _ => return Err(Failure::Bad("Bad status string".into())),
        };
        let start = self.out.len();
        let t = self.cmd_status(&st.mailbox, &items)?;
        let line = self.out.split_off(start);
        self.out.extend_from_slice(&insert_item(&line, &item));
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailboxid_goes_where_cyrus_puts_it() {
        let l = insert_item(
            b"* STATUS \"a (b\" (MESSAGES 4 UNSEEN 2)\r\n",
            "MAILBOXID (x)",
        );
        assert_eq!(
            l,
            b"* STATUS \"a (b\" (MESSAGES 4 MAILBOXID (x) UNSEEN 2)\r\n"
        );
        let l = insert_item(b"* STATUS a (HIGHESTMODSEQ 9)\r\n", "MAILBOXID (x)");
        assert_eq!(l, b"* STATUS a (MAILBOXID (x) HIGHESTMODSEQ 9)\r\n");
    }
}
