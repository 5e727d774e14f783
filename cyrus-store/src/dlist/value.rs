use crate::ids::Guid;

/// A file carried inline in a dlist (`%{partition guid size}` + bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DlistFile {
    /// Partition name.
    pub partition: String,
    /// GUID the receiver checks.
    pub guid: Guid,
    /// The bytes.
    pub data: Vec<u8>,
}

/// One dlist value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dlist {
    /// `NIL`.
    Nil,
    /// A string; printed as an atom, quoted string or literal, whichever
    /// Cyrus's `prot_printastring` would choose.
    Atom(Vec<u8>),
    /// Text printed exactly as is: numbers, `\Flags`, hex, GUIDs.
    Raw(String),
    /// `( … )`.
    List(Vec<Dlist>),
    /// `%( KEY value … )`.
    KvList(Vec<(String, Dlist)>),
    /// `%{…}` file.
    File(DlistFile),
}

impl Dlist {
    /// A string value.
    pub fn atom(s: impl AsRef<[u8]>) -> Dlist {
        Dlist::Atom(s.as_ref().to_vec())
    }

    /// A number, printed in decimal.
    pub fn num(n: impl Into<u64>) -> Dlist {
        Dlist::Raw(n.into().to_string())
    }

    /// A signed number, printed in decimal.
    pub fn snum(n: i64) -> Dlist {
        Dlist::Raw(n.to_string())
    }

    /// A `\Flag` or other text printed verbatim.
    pub fn raw(s: impl Into<String>) -> Dlist {
        Dlist::Raw(s.into())
    }

    /// The bytes of an atom or raw value; `None` for NIL, lists and files.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Dlist::Atom(b) => Some(b),
            Dlist::Raw(s) => Some(s.as_bytes()),
            _ => None,
        }
    }

    /// The value as UTF-8 text.
    pub fn as_str(&self) -> Option<&str> {
        self.as_bytes().and_then(|b| std::str::from_utf8(b).ok())
    }

    /// The value as an unsigned decimal number.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_str().and_then(|s| s.parse().ok())
    }

    /// The value as a signed decimal number.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_str().and_then(|s| s.parse().ok())
    }

    /// Items of a list.
    pub fn as_list(&self) -> Option<&[Dlist]> {
        match self {
            Dlist::List(v) => Some(v),
            _ => None,
        }
    }

    /// Pairs of a key-value list.
    pub fn as_kvlist(&self) -> Option<&[(String, Dlist)]> {
        match self {
            Dlist::KvList(v) => Some(v),
            _ => None,
        }
    }

    /// Looks up `key` in a key-value list (keys compare case-sensitively,
    /// as Cyrus's `dlist_getchild` does).
    pub fn get(&self, key: &str) -> Option<&Dlist> {
        self.as_kvlist()?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// `get(key)` as text.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Dlist::as_str)
    }

    /// `get(key)` as a number.
    pub fn get_u64(&self, key: &str) -> Option<u64> {
        self.get(key).and_then(Dlist::as_u64)
    }

    /// True for NIL.
    pub fn is_nil(&self) -> bool {
        matches!(self, Dlist::Nil)
    }
}
