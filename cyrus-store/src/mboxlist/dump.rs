//! `ctl_mboxlist -d` (3.6 JSON dump) and `-u` (undump).

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::entry::{FormerName, MbEntry};
use super::error::MboxlistError;
use super::mbtype::MbType;
use super::ops::{all, in_txn, update_entry, Visibility};
use crate::acl::{Acl, AclMode, Rights};
use crate::db::Db;
use crate::ids::{Modseq, UidValidity, UniqueId};
use crate::mboxname::MailboxName;

/// Appends `s` as a JSON string the way jansson prints it (no `/`
/// escaping, UTF-8 kept, control characters as `\uXXXX`).
fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn field(out: &mut String, first: &mut bool, key: &str, value: &str) {
    if !*first {
        out.push_str(", ");
    }
    *first = false;
    json_str(out, key);
    out.push_str(": ");
    json_str(out, value);
}

/// One entry as `ctl_mboxlist -d` prints it: `"name": {…}` (jansson
/// `JSON_EMBED`), fields in Cyrus's order, absent strings left out.
pub fn dump_entry(e: &MbEntry) -> String {
    let name = e.name.to_internal();
    let mut o = String::new();
    json_str(&mut o, &name);
    o.push_str(": {");
    let mut first = true;
    field(&mut o, &mut first, "name", &name);
    field(&mut o, &mut first, "mtime", &e.mtime.to_string());
    field(
        &mut o,
        &mut first,
        "uidvalidity",
        &e.uidvalidity.to_string(),
    );
    field(
        &mut o,
        &mut first,
        "createdmodseq",
        &e.createdmodseq.to_string(),
    );
    field(
        &mut o,
        &mut first,
        "foldermodseq",
        &e.foldermodseq.to_string(),
    );
    field(&mut o, &mut first, "mbtype", &e.mbtype.to_string());
    if let Some(p) = &e.partition {
        field(&mut o, &mut first, "partition", p);
    }
    if let Some(s) = &e.server {
        field(&mut o, &mut first, "server", s);
    }
    o.push_str(", \"acl\": {");
    if let Some(acl) = &e.acl {
        let mut f2 = true;
        for a in acl.entries() {
            field(&mut o, &mut f2, &a.identifier, &a.rights.to_string());
        }
    }
    o.push('}');
    if let Some(u) = &e.uniqueid {
        field(&mut o, &mut first, "uniqueid", u.as_str());
    }
    if let Some(s) = &e.legacy_specialuse {
        field(&mut o, &mut first, "legacy_specialuse", s);
    }
    o.push_str(", \"name_history\": [");
    for (i, h) in e.name_history.iter().enumerate() {
        if i > 0 {
            o.push_str(", ");
        }
        o.push('{');
        let mut f3 = true;
        field(&mut o, &mut f3, "name", &h.name.to_internal());
        field(&mut o, &mut f3, "mtime", &h.mtime.to_string());
        field(&mut o, &mut f3, "uidvalidity", &h.uidvalidity.to_string());
        field(
            &mut o,
            &mut f3,
            "createdmodseq",
            &h.createdmodseq.to_string(),
        );
        field(&mut o, &mut f3, "foldermodseq", &h.foldermodseq.to_string());
        field(&mut o, &mut f3, "mbtype", &h.mbtype.to_string());
        if let Some(p) = &h.partition {
            field(&mut o, &mut f3, "partition", p);
        }
        o.push('}');
    }
    o.push_str("]}");
    o
}

/// Which entries a dump shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DumpScope {
    /// `ctl_mboxlist -d`: live mailboxes and tombstones.
    Default,
    /// `ctl_mboxlist -d -y`: placeholders too.
    WithIntermediates,
}

/// The whole `ctl_mboxlist -d` output, optionally limited to one
/// partition (`-p`).
pub fn dump(
    db: &mut dyn Db,
    scope: DumpScope,
    partition: Option<&str>,
) -> Result<String, MboxlistError> {
    let vis = match scope {
        DumpScope::Default => Visibility::WithTombstones,
        DumpScope::WithIntermediates => Visibility::All,
    };
    let mut out = String::from("{\n");
    let mut first = true;
    for e in all(db, vis)? {
        if partition.is_some() && e.partition.as_deref() != partition {
            continue;
        }
        if !first {
            out.push_str(",\n");
        }
        first = false;
        out.push_str(&dump_entry(&e));
    }
    out.push_str("\n}\n");
    Ok(out)
}

/// A JSON object read with its key order kept (ACL order matters).
struct Ordered<V>(Vec<(String, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Ordered<V>, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, V>()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V2(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
struct JsonHist {
    name: String,
    #[serde(default)]
    mtime: Option<String>,
    #[serde(default)]
    uidvalidity: Option<String>,
    #[serde(default)]
    createdmodseq: Option<String>,
    #[serde(default)]
    foldermodseq: Option<String>,
    #[serde(default)]
    mbtype: Option<String>,
    #[serde(default)]
    partition: Option<String>,
}

#[derive(Deserialize)]
struct JsonEntry {
    #[serde(default)]
    mtime: Option<String>,
    #[serde(default)]
    uidvalidity: Option<String>,
    #[serde(default)]
    createdmodseq: Option<String>,
    #[serde(default)]
    foldermodseq: Option<String>,
    #[serde(default)]
    mbtype: Option<String>,
    #[serde(default)]
    partition: Option<String>,
    #[serde(default)]
    server: Option<String>,
    #[serde(default)]
    acl: Option<Ordered<String>>,
    #[serde(default)]
    uniqueid: Option<String>,
    #[serde(default)]
    legacy_specialuse: Option<String>,
    #[serde(default)]
    name_history: Vec<JsonHist>,
}

fn n<T: std::str::FromStr + Default>(s: &Option<String>, what: &str) -> Result<T, MboxlistError> {
    match s {
        None => Ok(T::default()),
        Some(s) => s
            .parse()
            .map_err(|_| MboxlistError::BadDump(format!("bad {what} {s:?}"))),
    }
}

fn mbtype(s: &Option<String>) -> Result<MbType, MboxlistError> {
    match s {
        None => Ok(MbType::default()),
        Some(s) => MbType::try_from(s.as_str()).map_err(|e| MboxlistError::BadDump(e.to_string())),
    }
}

/// Parses a `ctl_mboxlist -d` dump back into entries.
pub fn parse_dump(text: &str) -> Result<Vec<MbEntry>, MboxlistError> {
    let top: Ordered<JsonEntry> =
        serde_json::from_str(text).map_err(|e| MboxlistError::BadDump(e.to_string()))?;
    let mut out = Vec::new();
    for (name, j) in top.0 {
        let mut e = MbEntry::new(MailboxName::from_internal(&name)?);
        e.mtime = n(&j.mtime, "mtime")?;
        e.uidvalidity = UidValidity(n(&j.uidvalidity, "uidvalidity")?);
        e.createdmodseq = Modseq(n(&j.createdmodseq, "createdmodseq")?);
        e.foldermodseq = Modseq(n(&j.foldermodseq, "foldermodseq")?);
        e.mbtype = mbtype(&j.mbtype)?;
        e.partition = j.partition;
        e.server = j.server;
        if let Some(acl) = j.acl {
            let mut a = Acl::new();
            for (id, r) in acl.0 {
                a.set(
                    &id,
                    AclMode::Set,
                    Rights::try_from(r.as_str()).map_err(crate::acl::AclError::from)?,
                )?;
            }
            // A tombstone dumps `"acl": {}` but has no `A` on disk.
            e.acl = (!a.is_empty() || !e.mbtype.is_deleted()).then_some(a);
        }
        e.uniqueid = match j.uniqueid {
            Some(u) => Some(
                UniqueId::try_from(u.as_str())
                    .map_err(|x| MboxlistError::BadDump(x.to_string()))?,
            ),
            None => None,
        };
        e.legacy_specialuse = j.legacy_specialuse;
        for h in j.name_history {
            e.name_history.push(FormerName {
                name: MailboxName::from_internal(&h.name)?,
                mtime: n(&h.mtime, "mtime")?,
                uidvalidity: UidValidity(n(&h.uidvalidity, "uidvalidity")?),
                createdmodseq: Modseq(n(&h.createdmodseq, "createdmodseq")?),
                foldermodseq: Modseq(n(&h.foldermodseq, "foldermodseq")?),
                mbtype: mbtype(&h.mbtype)?,
                partition: h.partition,
            });
        }
        out.push(e);
    }
    Ok(out)
}

/// `ctl_mboxlist -u`: writes every entry of a dump, in one transaction.
/// The records' `M` becomes `now`, as Cyrus writes the current time.
pub fn undump(db: &mut dyn Db, text: &str, now: i64) -> Result<usize, MboxlistError> {
    let entries = parse_dump(text)?;
    in_txn(db, |db| {
        for e in &entries {
            update_entry(db, &e.name, Some(e), now)?;
        }
        Ok(entries.len())
    })
}
