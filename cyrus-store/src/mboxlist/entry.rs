use super::error::MboxlistError;
use super::mbtype::MbType;
use crate::acl::Acl;
use crate::dlist::{self, Dlist};
use crate::ids::{Modseq, UidValidity, UniqueId};
use crate::mboxname::MailboxName;

/// Key prefix of name records (`KEY_TYPE_NAME`).
pub const KEY_NAME: u8 = b'N';
/// Key prefix of by-uniqueid records (`KEY_TYPE_ID`).
pub const KEY_ID: u8 = b'I';

/// One earlier name of a mailbox, kept in its `I` record (`H` list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormerName {
    /// The old name.
    pub name: MailboxName,
    /// Last write under that name.
    pub mtime: i64,
    /// UIDVALIDITY then.
    pub uidvalidity: UidValidity,
    /// Created modseq then.
    pub createdmodseq: Modseq,
    /// Folder modseq then.
    pub foldermodseq: Modseq,
    /// Type then.
    pub mbtype: MbType,
    /// Partition then.
    pub partition: Option<String>,
}

/// A mailboxes.db entry (Cyrus `mbentry_t`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MbEntry {
    /// The mailbox name.
    pub name: MailboxName,
    /// Time of the last write of the record (Cyrus writes the current time).
    pub mtime: i64,
    /// UIDVALIDITY.
    pub uidvalidity: UidValidity,
    /// Modseq at creation.
    pub createdmodseq: Modseq,
    /// Modseq of the last folder-level change (ACL, annotations, rename).
    pub foldermodseq: Modseq,
    /// Type and flags.
    pub mbtype: MbType,
    /// Spool partition (absent for tombstones).
    pub partition: Option<String>,
    /// Murder backend server.
    pub server: Option<String>,
    /// The ACL; `None` when the record has no `A` (tombstones).
    pub acl: Option<Acl>,
    /// The mailbox's unique id.
    pub uniqueid: Option<UniqueId>,
    /// Special-use from the 2.x extended format (read only).
    pub legacy_specialuse: Option<String>,
    /// Earlier names, newest first (only in `I` records).
    pub name_history: Vec<FormerName>,
}

fn corrupt(key: &[u8], what: impl Into<String>) -> MboxlistError {
    MboxlistError::Corrupt {
        key: String::from_utf8_lossy(key).into_owned(),
        what: what.into(),
    }
}

fn num<T: std::str::FromStr>(d: &Dlist, key: &[u8], field: &str) -> Result<T, MboxlistError> {
    d.as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| corrupt(key, format!("bad {field}")))
}

impl MbEntry {
    /// A fresh entry with the given name and nothing else set.
    pub fn new(name: MailboxName) -> MbEntry {
        MbEntry {
            name,
            mtime: 0,
            uidvalidity: UidValidity(0),
            createdmodseq: Modseq(0),
            foldermodseq: Modseq(0),
            mbtype: MbType::default(),
            partition: None,
            server: None,
            acl: None,
            uniqueid: None,
            legacy_specialuse: None,
            name_history: Vec::new(),
        }
    }

    /// The `N` key for `name`.
    pub fn name_key(name: &MailboxName) -> Vec<u8> {
        let mut k = vec![KEY_NAME];
        k.extend_from_slice(&name.to_dbname());
        k
    }

    /// The `I` key for `id`.
    pub fn id_key(id: &UniqueId) -> Vec<u8> {
        let mut k = vec![KEY_ID];
        k.extend_from_slice(id.as_str().as_bytes());
        k
    }

    fn common_fields(&self, out: &mut Vec<(String, Dlist)>) {
        if let Some(p) = &self.partition {
            out.push(("P".into(), Dlist::atom(p)));
        }
        if let Some(s) = &self.server {
            out.push(("S".into(), Dlist::atom(s)));
        }
        if self.uidvalidity.0 != 0 {
            out.push(("V".into(), Dlist::num(self.uidvalidity.0)));
        }
        if self.createdmodseq.0 != 0 {
            out.push(("C".into(), Dlist::num(self.createdmodseq.0)));
        }
        if self.foldermodseq.0 != 0 {
            out.push(("F".into(), Dlist::num(self.foldermodseq.0)));
        }
        out.push(("M".into(), Dlist::snum(self.mtime)));
        if let Some(a) = &self.acl {
            out.push(("A".into(), a.to_dlist()));
        }
    }

    /// The `N` record value, field for field as Cyrus
    /// `mboxlist_entry_dlist` writes it:
    /// `%(T I P S V C F M A)`, zero/absent fields left out.
    pub fn encode_name_value(&self) -> Vec<u8> {
        let mut kv = vec![("T".to_string(), Dlist::atom(self.mbtype.to_string()))];
        if let Some(id) = &self.uniqueid {
            kv.push(("I".into(), Dlist::atom(id.as_str())));
        }
        self.common_fields(&mut kv);
        Dlist::KvList(kv).to_bytes()
    }

    /// The `I` record value: `%(T N P S V C F M A H (…))`.
    pub fn encode_id_value(&self) -> Vec<u8> {
        let mut kv = vec![
            ("T".to_string(), Dlist::atom(self.mbtype.to_string())),
            ("N".into(), Dlist::atom(self.name.to_dbname())),
        ];
        self.common_fields(&mut kv);
        let hist = self
            .name_history
            .iter()
            .map(|h| {
                let mut item = vec![("N".to_string(), Dlist::atom(h.name.to_dbname()))];
                if h.mtime != 0 {
                    item.push(("M".into(), Dlist::snum(h.mtime)));
                }
                if h.uidvalidity.0 != 0 {
                    item.push(("V".into(), Dlist::num(h.uidvalidity.0)));
                }
                if h.createdmodseq.0 != 0 {
                    item.push(("C".into(), Dlist::num(h.createdmodseq.0)));
                }
                if h.foldermodseq.0 != 0 {
                    item.push(("F".into(), Dlist::num(h.foldermodseq.0)));
                }
                item.push(("T".into(), Dlist::atom(h.mbtype.to_string())));
                if let Some(p) = &h.partition {
                    item.push(("P".into(), Dlist::atom(p)));
                }
                Dlist::KvList(item)
            })
            .collect();
        kv.push(("H".into(), Dlist::List(hist)));
        Dlist::KvList(kv).to_bytes()
    }

    /// Decodes an `N` record: `key` is the whole key (`N<dbname>`).
    pub fn decode_name_record(key: &[u8], value: &[u8]) -> Result<MbEntry, MboxlistError> {
        let dbname = key
            .strip_prefix(&[KEY_NAME])
            .ok_or_else(|| corrupt(key, "not a name key"))?;
        let name = MailboxName::from_dbname(dbname)?;
        MbEntry::decode_value(key, Some(name), value)
    }

    /// Decodes an `I` record: `key` is the whole key (`I<uniqueid>`).
    pub fn decode_id_record(key: &[u8], value: &[u8]) -> Result<MbEntry, MboxlistError> {
        let id = key
            .strip_prefix(&[KEY_ID])
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(|s| UniqueId::try_from(s).ok())
            .ok_or_else(|| corrupt(key, "bad uniqueid key"))?;
        let mut e = MbEntry::decode_value(key, None, value)?;
        e.uniqueid = Some(id);
        Ok(e)
    }

    /// Decodes a value in any format Cyrus reads (`mboxlist_parse_entry`):
    /// the 3.x dlist, or the 2.x text form
    /// `[(uniqueid X specialuse Y) ]<mbtype> [server!]<partition> <acl>`.
    /// `name` is required for the text form and for `N` records.
    pub fn decode_value(
        key: &[u8],
        name: Option<MailboxName>,
        value: &[u8],
    ) -> Result<MbEntry, MboxlistError> {
        if value.first() == Some(&b'%') {
            return MbEntry::decode_dlist(key, name, value);
        }
        let name = name.ok_or_else(|| corrupt(key, "text record without a name"))?;
        let text = std::str::from_utf8(value).map_err(|_| corrupt(key, "not UTF-8"))?;
        MbEntry::decode_legacy_text(key, name, text)
    }

    fn decode_dlist(
        key: &[u8],
        name: Option<MailboxName>,
        value: &[u8],
    ) -> Result<MbEntry, MboxlistError> {
        let d = dlist::parse(value).map_err(|e| corrupt(key, e.to_string()))?;
        let kv = d.as_kvlist().ok_or_else(|| corrupt(key, "not a kvlist"))?;
        // An N record's name comes from its key; an I record carries it.
        let name = match name {
            Some(n) => n,
            None => {
                let b = d
                    .get("N")
                    .and_then(Dlist::as_bytes)
                    .ok_or_else(|| corrupt(key, "no name"))?;
                MailboxName::from_dbname(b)?
            }
        };
        let mut e = MbEntry::new(name);
        for (k, v) in kv {
            match k.as_str() {
                "T" => {
                    let s = v.as_str().ok_or_else(|| corrupt(key, "bad T"))?;
                    e.mbtype = MbType::try_from(s).map_err(|x| corrupt(key, x.to_string()))?;
                }
                "I" => {
                    let s = v.as_str().ok_or_else(|| corrupt(key, "bad I"))?;
                    e.uniqueid =
                        Some(UniqueId::try_from(s).map_err(|x| corrupt(key, x.to_string()))?);
                }
                "P" => e.partition = v.as_str().map(str::to_string),
                "S" => e.server = v.as_str().map(str::to_string),
                "V" => e.uidvalidity = UidValidity(num(v, key, "V")?),
                "C" => e.createdmodseq = Modseq(num(v, key, "C")?),
                "F" => e.foldermodseq = Modseq(num(v, key, "F")?),
                "M" => e.mtime = num(v, key, "M")?,
                "A" => e.acl = Some(Acl::from_dlist(v)?),
                "H" => {
                    let items = v.as_list().ok_or_else(|| corrupt(key, "bad H"))?;
                    for it in items {
                        e.name_history.push(MbEntry::decode_history(key, it)?);
                    }
                }
                _ => {}
            }
        }
        Ok(e)
    }

    fn decode_history(key: &[u8], it: &Dlist) -> Result<FormerName, MboxlistError> {
        let n = it
            .get("N")
            .and_then(Dlist::as_bytes)
            .ok_or_else(|| corrupt(key, "history item without N"))?;
        let getnum = |f: &str| -> Result<u64, MboxlistError> {
            match it.get(f) {
                Some(v) => num(v, key, f),
                None => Ok(0),
            }
        };
        let mbtype = match it.get_str("T") {
            Some(t) => MbType::try_from(t).map_err(|x| corrupt(key, x.to_string()))?,
            None => MbType::default(),
        };
        Ok(FormerName {
            name: MailboxName::from_dbname(n)?,
            mtime: match it.get("M") {
                Some(v) => num(v, key, "M")?,
                None => 0,
            },
            uidvalidity: UidValidity(
                u32::try_from(getnum("V")?).map_err(|_| corrupt(key, "bad V"))?,
            ),
            createdmodseq: Modseq(getnum("C")?),
            foldermodseq: Modseq(getnum("F")?),
            mbtype,
            partition: it.get_str("P").map(str::to_string),
        })
    }

    fn decode_legacy_text(
        key: &[u8],
        name: MailboxName,
        text: &str,
    ) -> Result<MbEntry, MboxlistError> {
        let mut e = MbEntry::new(name);
        let mut rest = text;
        if let Some(inner) = rest.strip_prefix('(') {
            let close = inner
                .find(')')
                .ok_or_else(|| corrupt(key, "unclosed '('"))?;
            let words: Vec<&str> = inner[..close].split(' ').collect();
            for pair in words.chunks(2) {
                if let [k, v] = pair {
                    match *k {
                        "uniqueid" => {
                            e.uniqueid = UniqueId::try_from(*v).ok();
                        }
                        "specialuse" => e.legacy_specialuse = Some(v.to_string()),
                        _ => {}
                    }
                }
            }
            rest = inner[close + 1..].trim_start_matches(' ');
        }
        let (t, rest) = rest.split_once(' ').unwrap_or((rest, ""));
        let bits: u32 = t.parse().map_err(|_| corrupt(key, "bad legacy mbtype"))?;
        e.mbtype = MbType::from_bits(bits).map_err(|x| corrupt(key, x.to_string()))?;
        let (part, acl) = rest.split_once(' ').unwrap_or((rest, ""));
        match part.split_once('!') {
            Some((server, p)) => {
                e.server = Some(server.to_string());
                e.partition = Some(p.to_string());
            }
            None => e.partition = Some(part.to_string()),
        }
        e.acl = Some(Acl::parse(acl)?);
        Ok(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_records_round_trip() {
        let key = b"Nuser\x1falice\x1fArchive\x1f2024";
        let v = b"%(T e I 1t1x5jbi3r3oagmipx7xqke1 P default V 1795354277 C 1 F 5 M 1795354276 A %(alice lrswipkxtecdan bob lrsw -bob w))";
        let e = MbEntry::decode_name_record(key, v).expect("decode");
        assert_eq!(e.name.to_internal(), "user.alice.Archive.2024");
        assert_eq!(e.foldermodseq, Modseq(5));
        assert_eq!(e.encode_name_value(), v);
        assert_eq!(MbEntry::name_key(&e.name), key);

        let key = b"Iatglp0oegknwno8nc3dq5zsx";
        let v = b"%(T e N DELETED\x1fuser\x1falice\x1fToDelete\x1f6B02EEA4 P default V 1795354277 C 1 F 3 M 1795354276 A %(alice lrswipkxtecdan) H (%(N user\x1falice\x1fToDelete M 1795354276 V 1795354277 C 1 F 3 T ed)))";
        let e = MbEntry::decode_id_record(key, v).expect("decode");
        assert_eq!(e.name.to_internal(), "DELETED.user.alice.ToDelete.6B02EEA4");
        assert_eq!(e.name_history.len(), 1);
        assert!(e.name_history[0].mbtype.is_deleted());
        assert_eq!(e.encode_id_value(), v);

        let key = b"Nuser\x1falice\x1fToDelete";
        let v = b"%(T ed I atglp0oegknwno8nc3dq5zsx V 1795354277 C 1 F 3 M 1795354276)";
        let e = MbEntry::decode_name_record(key, v).expect("decode");
        assert!(e.acl.is_none() && e.partition.is_none());
        assert_eq!(e.encode_name_value(), v);
    }

    #[test]
    fn legacy_formats() {
        let name = MailboxName::from_internal("user.fred").expect("name");
        let e = MbEntry::decode_value(
            b"user.fred",
            Some(name.clone()),
            b"(uniqueid abc123 specialuse \\Sent) 0 srv!default fred\tlrswipkxtecda\t",
        )
        .expect("legacy");
        assert_eq!(e.server.as_deref(), Some("srv"));
        assert_eq!(e.partition.as_deref(), Some("default"));
        assert_eq!(e.uniqueid.as_ref().map(UniqueId::as_str), Some("abc123"));
        assert_eq!(e.legacy_specialuse.as_deref(), Some("\\Sent"));
        assert_eq!(
            e.acl.map(|a| a.to_cyrus_string()),
            Some("fred\tlrswipkxtecda\t".into())
        );
        let e = MbEntry::decode_value(b"x", Some(name), b"%(A %(fred lrs) I u1 P p V 5 M 9)")
            .expect("3.0");
        assert_eq!(e.mbtype.to_string(), "e");
        assert!(MbEntry::decode_value(b"x", None, b"%(T q)").is_err());
        assert!(MbEntry::decode_value(b"x", None, b"garbage").is_err());
    }
}
