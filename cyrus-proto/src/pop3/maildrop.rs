//! The session's view of the maildrop (Cyrus `popd_map`): message numbers
//! 1..n over the snapshot taken at login, each with its size, a DELE mark
//! and a RETR mark. Pure; the store is only touched by `handler`.

use cyrus_store::{Pop3Snapshot, Uid};

use super::config::UidlFormat;
use super::wire::{number, trim_start};

#[derive(Debug, Clone, Copy)]
struct Entry {
    uid: Uid,
    size: u32,
    deleted: bool,
    seen: bool,
}

/// Why a message-number argument was refused (the `-ERR` text Cyrus
/// sends).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MsgError {
    /// Not a number.
    #[error("Not a number")]
    NotANumber,
    /// Something after the number.
    #[error("Unexpected extra argument")]
    Extra,
    /// Out of range or DELEted.
    #[error("No such message")]
    NoSuchMessage,
}

/// The messages of a session.
#[derive(Debug, Clone)]
pub struct Maildrop {
    uidvalidity: u32,
    new_uidl: bool,
    msgs: Vec<Entry>,
}

impl Maildrop {
    /// The map over a login snapshot.
    pub fn new(snap: &Pop3Snapshot) -> Self {
        Maildrop {
            uidvalidity: snap.uidvalidity.0,
            new_uidl: snap.new_uidl,
            msgs: snap
                .messages
                .iter()
                .map(|m| Entry {
                    uid: m.uid,
                    size: m.size,
                    deleted: false,
                    seen: false,
                })
                .collect(),
        }
    }

    /// `STAT`: count and total size of the messages not DELEted.
    pub fn stat(&self) -> (u32, u64) {
        self.msgs
            .iter()
            .filter(|m| !m.deleted)
            .fold((0, 0), |(n, s), m| (n + 1, s + u64::from(m.size)))
    }

    /// The message number `n` if it exists and is not DELEted.
    pub fn check(&self, n: u32) -> Result<u32, MsgError> {
        match n.checked_sub(1).and_then(|i| self.msgs.get(i as usize)) {
            Some(m) if !m.deleted => Ok(n),
            _ => Err(MsgError::NoSuchMessage),
        }
    }

    /// Parses a message-number argument (Cyrus `parse_msgno`).
    pub fn parse(&self, arg: &[u8]) -> Result<u32, MsgError> {
        let (n, rest) = number(trim_start(arg)).ok_or(MsgError::NotANumber)?;
        if !rest.is_empty() {
            return Err(MsgError::Extra);
        }
        self.check(n)
    }

    fn entry(&self, n: u32) -> Option<&Entry> {
        n.checked_sub(1).and_then(|i| self.msgs.get(i as usize))
    }

    /// The size of message `n` (0 for a number [`Maildrop::check`] refuses).
    pub fn size(&self, n: u32) -> u32 {
        self.entry(n).map_or(0, |m| m.size)
    }

    /// The UID of message `n`.
    pub fn uid(&self, n: u32) -> Option<Uid> {
        self.entry(n).map(|m| m.uid)
    }

    /// The numbers of the messages not DELEted.
    pub fn live(&self) -> impl Iterator<Item = u32> + '_ {
        (1u32..)
            .zip(&self.msgs)
            .filter(|(_, m)| !m.deleted)
            .map(|(n, _)| n)
    }

    /// The unique id of message `n` (Cyrus `uidl_msg`).
    pub fn uidl(&self, n: u32, format: UidlFormat) -> String {
        let uid = self.entry(n).map_or(0, |m| m.uid.0);
        let v = self.uidvalidity;
        if !self.new_uidl {
            return uid.to_string();
        }
        match format {
            UidlFormat::UidOnly => uid.to_string(),
            UidlFormat::Cyrus => format!("{v}.{uid}"),
            UidlFormat::Dovecot => format!("{uid:08x}{v:08x}"),
            UidlFormat::Courier => format!("{v}-{uid}"),
        }
    }

    /// `DELE n` (checked by the caller).
    pub fn delete(&mut self, n: u32) {
        if let Some(m) = n.checked_sub(1).and_then(|i| self.msgs.get_mut(i as usize)) {
            m.deleted = true;
        }
    }

    /// Marks message `n` as RETRieved.
    pub fn retrieved(&mut self, n: u32) {
        if let Some(m) = n.checked_sub(1).and_then(|i| self.msgs.get_mut(i as usize)) {
            m.seen = true;
        }
    }

    /// `RSET`: no message is DELEted or RETRieved any more.
    pub fn reset(&mut self) {
        for m in &mut self.msgs {
            m.deleted = false;
            m.seen = false;
        }
    }

    /// UIDs of the DELEted messages, ascending.
    pub fn deleted_uids(&self) -> Vec<Uid> {
        self.msgs
            .iter()
            .filter(|m| m.deleted)
            .map(|m| m.uid)
            .collect()
    }

    /// UIDs of the RETRieved messages, ascending.
    pub fn seen_uids(&self) -> Vec<Uid> {
        self.msgs.iter().filter(|m| m.seen).map(|m| m.uid).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cyrus_store::{Pop3Message, UidValidity};

    fn drop3() -> Maildrop {
        Maildrop::new(&Pop3Snapshot {
            uidvalidity: UidValidity(77),
            new_uidl: true,
            last_login: 0,
            acl: String::new(),
            messages: (1..=3)
                .map(|u| Pop3Message {
                    uid: Uid(u * 10),
                    size: u * 100,
                })
                .collect(),
        })
    }

    #[test]
    fn dele_rset_and_numbers() {
        let mut m = drop3();
        assert_eq!(m.stat(), (3, 600));
        assert_eq!(m.parse(b" 2"), Ok(2));
        assert_eq!(m.parse(b"0"), Err(MsgError::NoSuchMessage));
        assert_eq!(m.parse(b"4"), Err(MsgError::NoSuchMessage));
        assert_eq!(m.parse(b"x"), Err(MsgError::NotANumber));
        assert_eq!(m.parse(b"1 2"), Err(MsgError::Extra));
        m.delete(2);
        assert_eq!(m.stat(), (2, 400));
        assert_eq!(m.check(2), Err(MsgError::NoSuchMessage));
        assert_eq!(m.live().collect::<Vec<_>>(), vec![1, 3]);
        assert_eq!(m.deleted_uids(), vec![Uid(20)]);
        m.reset();
        assert_eq!(m.stat(), (3, 600));
    }

    #[test]
    fn uidl_formats() {
        let m = drop3();
        assert_eq!(m.uidl(1, UidlFormat::Cyrus), "77.10");
        assert_eq!(m.uidl(1, UidlFormat::UidOnly), "10");
        assert_eq!(m.uidl(1, UidlFormat::Dovecot), "0000000a0000004d");
        assert_eq!(m.uidl(1, UidlFormat::Courier), "77-10");
    }
}
