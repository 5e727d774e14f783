//! `cyrus.header`: the magic, the two-line quotation, then one data line.
//!
//! Cyrus 3.x writes the data line as a dlist key-value list
//! `%(T <mbtype> N <name> I <uniqueid> [Q <quotaroot>] [A %(<id> <rights> …)]
//! [U (<flag0> …)])` (`mailbox_header_data_cstring`); it still reads the
//! legacy three-line form `quotaroot TAB uniqueid`, `flag flag …`,
//! `id TAB rights TAB …` (`mailbox_read_header`). The CRC32 of the whole file
//! is kept in the index header (`header_file_crc`).

use std::path::Path;

use crate::dlist::{self, Dlist};
use crate::ids::UniqueId;

use super::error::MailboxError;
use super::flagbits::UserFlags;

/// The fixed start of every `cyrus.header` (`MAILBOX_HEADER_MAGIC`).
pub const HEADER_MAGIC: &[u8] = b"\xa1\x02\x8b\x0dCyrus mailbox header\n\"The best thing about this system was that it had lots of goals.\"\n\t--Jim Morris on Andrew\n";

/// The decoded contents of `cyrus.header`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MailboxHeader {
    /// Mailbox type string (`T`): `e` for an ordinary email mailbox.
    pub mbtype: String,
    /// Internal mailbox name (`N`), e.g. `user.alice.Sent`; empty in legacy files.
    pub name: String,
    /// Unique id (`I`); absent only in ancient legacy files.
    pub uniqueid: Option<UniqueId>,
    /// Quota root (`Q`).
    pub quotaroot: Option<String>,
    /// ACL in Cyrus's text form: `id TAB rights TAB` for each entry.
    pub acl: String,
    /// User flag names by slot (`U`); `None` for a freed slot. At most 128.
    pub user_flags: Vec<Option<String>>,
}

impl MailboxHeader {
    /// The ACL as (identifier, rights) pairs.
    pub fn acl_entries(&self) -> Vec<(&str, &str)> {
        let parts: Vec<&str> = self.acl.split('\t').collect();
        parts
            .chunks(2)
            .filter(|c| c.len() == 2 && !c[0].is_empty())
            .map(|c| (c[0], c[1]))
            .collect()
    }

    /// Slot of user flag `name` (compared case-insensitively, as Cyrus's
    /// `mailbox_user_flag` does).
    pub fn user_flag_slot(&self, name: &str) -> Option<usize> {
        self.user_flags
            .iter()
            .position(|f| f.as_deref().is_some_and(|f| f.eq_ignore_ascii_case(name)))
    }

    /// Names of the user flags set in `flags`, in slot order.
    pub fn user_flag_names(&self, flags: &UserFlags) -> Vec<&str> {
        flags
            .iter()
            .filter_map(|n| self.user_flags.get(n).and_then(|f| f.as_deref()))
            .collect()
    }

    /// Decodes a whole `cyrus.header` file; `file` names it in errors.
    pub fn decode(bytes: &[u8], file: &Path) -> Result<MailboxHeader, MailboxError> {
        let Some(rest) = bytes.strip_prefix(HEADER_MAGIC) else {
            return Err(MailboxError::bad_format(file, 0, "bad cyrus.header magic"));
        };
        let base = HEADER_MAGIC.len() as u64;
        let Some(eol) = rest.iter().position(|&b| b == b'\n') else {
            return Err(MailboxError::bad_format(file, base, "no end of line"));
        };
        if rest.first() == Some(&b'%') {
            return Self::decode_dlist(&rest[..eol], file);
        }
        Self::decode_legacy(rest, file, base)
    }

    fn decode_dlist(line: &[u8], file: &Path) -> Result<MailboxHeader, MailboxError> {
        let dl = dlist::parse(line).map_err(|source| MailboxError::Dlist {
            file: file.to_path_buf(),
            source,
        })?;
        let bad = |what: &str| MailboxError::bad_format(file, HEADER_MAGIC.len() as u64, what);
        let Some(items) = dl.as_kvlist() else {
            return Err(bad("data line is not a key-value list"));
        };
        let mut h = MailboxHeader::default();
        for (key, value) in items {
            match key.as_str() {
                "T" => h.mbtype = value.as_str().unwrap_or_default().to_string(),
                "N" => h.name = value.as_str().unwrap_or_default().to_string(),
                "I" => {
                    let s = value.as_str().unwrap_or_default();
                    h.uniqueid = Some(UniqueId::try_from(s).map_err(|e| bad(&e.to_string()))?);
                }
                "Q" => h.quotaroot = value.as_str().map(str::to_string),
                "A" => {
                    let pairs = value
                        .as_kvlist()
                        .ok_or_else(|| bad("A is not a key-value list"))?;
                    let mut acl = String::new();
                    for (id, rights) in pairs {
                        acl.push_str(id);
                        acl.push('\t');
                        acl.push_str(rights.as_str().unwrap_or_default());
                        acl.push('\t');
                    }
                    h.acl = acl;
                }
                "U" => {
                    let list = value.as_list().ok_or_else(|| bad("U is not a list"))?;
                    if list.len() > UserFlags::MAX {
                        return Err(bad("more than 128 user flags"));
                    }
                    h.user_flags = list
                        .iter()
                        .map(|f| f.as_str().map(str::to_string))
                        .collect();
                }
                _ => {} // unknown keys are ignored, as Cyrus's parser does
            }
        }
        Ok(h)
    }

    fn decode_legacy(rest: &[u8], file: &Path, base: u64) -> Result<MailboxHeader, MailboxError> {
        let text = String::from_utf8_lossy(rest);
        let mut lines = text.split('\n');
        let mut h = MailboxHeader {
            mbtype: "e".into(),
            ..Default::default()
        };
        let first = lines.next().unwrap_or_default();
        let mut fields = first.split('\t');
        let quotaroot = fields.next().unwrap_or_default();
        if !quotaroot.is_empty() {
            h.quotaroot = Some(quotaroot.to_string());
        }
        if let Some(uid) = fields.next() {
            h.uniqueid = Some(
                UniqueId::try_from(uid)
                    .map_err(|e| MailboxError::bad_format(file, base, e.to_string()))?,
            );
        }
        let Some(flags) = lines.next() else {
            return Err(MailboxError::bad_format(
                file,
                base,
                "legacy header: no flags line",
            ));
        };
        // Cyrus keeps empty names between double spaces as empty slots.
        if !flags.is_empty() {
            h.user_flags = flags
                .split(' ')
                .take(UserFlags::MAX)
                .map(|f| (!f.is_empty()).then(|| f.to_string()))
                .collect();
            while h.user_flags.last() == Some(&None) {
                h.user_flags.pop();
            }
        }
        let (Some(acl), Some(_)) = (lines.next(), lines.next()) else {
            return Err(MailboxError::bad_format(
                file,
                base,
                "legacy header: no ACL line",
            ));
        };
        h.acl = acl.to_string();
        Ok(h)
    }

    /// The data line as Cyrus 3.6 writes it (without the newline).
    pub fn data_line(&self) -> Vec<u8> {
        let mut kv = vec![
            ("T".to_string(), Dlist::atom(&self.mbtype)),
            ("N".to_string(), Dlist::atom(&self.name)),
            (
                "I".to_string(),
                Dlist::atom(
                    self.uniqueid
                        .as_ref()
                        .map(UniqueId::as_str)
                        .unwrap_or_default(),
                ),
            ),
        ];
        if let Some(q) = &self.quotaroot {
            kv.push(("Q".into(), Dlist::atom(q)));
        }
        if !self.acl.is_empty() {
            let pairs = self
                .acl_entries()
                .into_iter()
                .map(|(id, rights)| (id.to_string(), Dlist::atom(rights)))
                .collect();
            kv.push(("A".into(), Dlist::KvList(pairs)));
        }
        let nflags = self
            .user_flags
            .iter()
            .rposition(Option::is_some)
            .map_or(0, |i| i + 1);
        if nflags > 0 {
            let list = self.user_flags[..nflags]
                .iter()
                .map(|f| f.as_ref().map_or(Dlist::Nil, Dlist::atom))
                .collect();
            kv.push(("U".into(), Dlist::List(list)));
        }
        Dlist::KvList(kv).to_bytes()
    }

    /// The whole file as Cyrus 3.6 writes it.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = HEADER_MAGIC.to_vec();
        out.extend_from_slice(&self.data_line());
        out.push(b'\n');
        out
    }
}

/// CRC32 of a whole `cyrus.header` file, as stored in `header_file_crc`.
pub fn header_file_crc(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use super::*;

    fn sample() -> MailboxHeader {
        MailboxHeader {
            mbtype: "e".into(),
            name: "user.alice".into(),
            uniqueid: Some(UniqueId::try_from("1h27n4nb8groy211tvj675ss").unwrap()),
            quotaroot: Some("user.alice".into()),
            acl: "alice\tlrswipkxtecdan\t-bob\tw\t".into(),
            user_flags: vec![Some("$Forwarded".into()), None, Some("Junk".into())],
        }
    }

    #[test]
    fn dlist_round_trip() {
        let h = sample();
        let bytes = h.encode();
        let text = String::from_utf8_lossy(&bytes[HEADER_MAGIC.len()..]).to_string();
        assert_eq!(
            text,
            "%(T e N user.alice I 1h27n4nb8groy211tvj675ss Q user.alice A %(alice lrswipkxtecdan -bob w) U ($Forwarded NIL Junk))\n"
        );
        assert_eq!(MailboxHeader::decode(&bytes, Path::new("x")).unwrap(), h);
    }

    #[test]
    fn legacy_form() {
        let mut bytes = HEADER_MAGIC.to_vec();
        bytes.extend_from_slice(b"user.bob\tabc123\n$a $b\nbob\tlrs\t\n");
        let h = MailboxHeader::decode(&bytes, Path::new("x")).unwrap();
        assert_eq!(h.quotaroot.as_deref(), Some("user.bob"));
        assert_eq!(h.uniqueid.unwrap().as_str(), "abc123");
        assert_eq!(h.user_flags, vec![Some("$a".into()), Some("$b".into())]);
        assert_eq!(h.acl, "bob\tlrs\t");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bytes in [&b""[..], b"junk", &HEADER_MAGIC[..10]] {
            assert!(MailboxHeader::decode(bytes, Path::new("x")).is_err());
        }
        let mut b = HEADER_MAGIC.to_vec();
        b.extend_from_slice(b"%(T e N\n");
        assert!(MailboxHeader::decode(&b, Path::new("x")).is_err());
    }
}
