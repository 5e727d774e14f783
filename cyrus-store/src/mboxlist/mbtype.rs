use std::fmt;

/// What kind of mailbox an entry is (the low bits of Cyrus `mbtype`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum MbKind {
    /// `e`: an email mailbox (0).
    #[default]
    Email,
    /// `n`: netnews (1, obsolete).
    Netnews,
    /// `s`: JMAP submission (2).
    JmapSubmit,
    /// `p`: JMAP push subscriptions (3).
    JmapPushSub,
    /// `f`: Sieve scripts (5), e.g. `user.alice.#sieve`.
    Sieve,
    /// `b`: a WebDAV collection (8).
    Collection,
    /// `c`: a CalDAV calendar (9).
    Calendar,
    /// `a`: a CardDAV address book (10).
    Addressbook,
}

impl MbKind {
    fn letter(self) -> char {
        match self {
            MbKind::Email => 'e',
            MbKind::Netnews => 'n',
            MbKind::JmapSubmit => 's',
            MbKind::JmapPushSub => 'p',
            MbKind::Sieve => 'f',
            MbKind::Collection => 'b',
            MbKind::Calendar => 'c',
            MbKind::Addressbook => 'a',
        }
    }

    fn bits(self) -> u32 {
        match self {
            MbKind::Email => 0,
            MbKind::Netnews => 1,
            MbKind::JmapSubmit => 2,
            MbKind::JmapPushSub => 3,
            MbKind::Sieve => 5,
            MbKind::Collection => 8,
            MbKind::Calendar => 9,
            MbKind::Addressbook => 10,
        }
    }

    fn from_bits(b: u32) -> Option<MbKind> {
        Some(match b {
            0 => MbKind::Email,
            1 => MbKind::Netnews,
            2 => MbKind::JmapSubmit,
            3 => MbKind::JmapPushSub,
            5 => MbKind::Sieve,
            8 => MbKind::Collection,
            9 => MbKind::Calendar,
            10 => MbKind::Addressbook,
            _ => return None,
        })
    }
}

/// A type string with a letter Cyrus does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown mailbox type {0:?}")]
pub struct BadMbType(pub String);

/// A mailbox type with its flags (Cyrus `mbtype`), printed as in
/// mailboxes.db: the kind letter then `d m r z i l`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MbType {
    kind: MbKind,
    flags: u32,
}

impl MbType {
    /// `r`: on another server.
    pub const REMOTE: u32 = 1 << 4;
    /// `z`: reserved during creation.
    pub const RESERVE: u32 = 1 << 5;
    /// `m`: being moved.
    pub const MOVING: u32 = 1 << 6;
    /// `d`: a tombstone.
    pub const DELETED: u32 = 1 << 7;
    /// `i`: a placeholder for a missing ancestor.
    pub const INTERMEDIATE: u32 = 1 << 8;
    /// `l`: spool directory by name, not by uniqueid.
    pub const LEGACY_DIRS: u32 = 1 << 9;

    const FLAG_LETTERS: [(u32, char); 6] = [
        (MbType::DELETED, 'd'),
        (MbType::MOVING, 'm'),
        (MbType::REMOTE, 'r'),
        (MbType::RESERVE, 'z'),
        (MbType::INTERMEDIATE, 'i'),
        (MbType::LEGACY_DIRS, 'l'),
    ];

    /// A type with no flags.
    pub fn new(kind: MbKind) -> MbType {
        MbType { kind, flags: 0 }
    }

    /// The kind.
    pub fn kind(self) -> MbKind {
        self.kind
    }

    /// The same type with `flag` (one of the constants) set.
    pub fn with(self, flag: u32) -> MbType {
        MbType {
            kind: self.kind,
            flags: self.flags | (flag & 0x3f0),
        }
    }

    /// The same type with `flag` cleared.
    pub fn without(self, flag: u32) -> MbType {
        MbType {
            kind: self.kind,
            flags: self.flags & !flag,
        }
    }

    /// True if `flag` is set.
    pub fn has(self, flag: u32) -> bool {
        self.flags & flag != 0
    }

    /// True for tombstones (`d`).
    pub fn is_deleted(self) -> bool {
        self.has(MbType::DELETED)
    }

    /// True for intermediate placeholders (`i`).
    pub fn is_intermediate(self) -> bool {
        self.has(MbType::INTERMEDIATE)
    }

    /// True for entries that lookups hide (`d`, `i`, `z`).
    pub fn is_hidden(self) -> bool {
        self.has(MbType::DELETED | MbType::INTERMEDIATE | MbType::RESERVE)
    }

    /// The Cyrus bit mask.
    pub fn bits(self) -> u32 {
        self.kind.bits() | self.flags
    }

    /// From a Cyrus bit mask (the 2.x text format stores it in decimal).
    pub fn from_bits(bits: u32) -> Result<MbType, BadMbType> {
        let kind = MbKind::from_bits(bits & 0xf).ok_or_else(|| BadMbType(bits.to_string()))?;
        Ok(MbType {
            kind,
            flags: bits & 0x3f0,
        })
    }
}

impl TryFrom<&str> for MbType {
    type Error = BadMbType;
    /// Parses as Cyrus `mboxlist_string_to_mbtype`: an optional kind letter
    /// first, then flag letters (`f` counts as a flag for "sieve", so a
    /// bare `f` is a sieve mailbox).
    fn try_from(s: &str) -> Result<MbType, BadMbType> {
        let bad = || BadMbType(s.to_string());
        let mut chars = s.chars().peekable();
        let kind = match chars.peek() {
            Some('a') => Some(MbKind::Addressbook),
            Some('b') => Some(MbKind::Collection),
            Some('c') => Some(MbKind::Calendar),
            Some('e') => Some(MbKind::Email),
            Some('n') => Some(MbKind::Netnews),
            Some('p') => Some(MbKind::JmapPushSub),
            Some('s') => Some(MbKind::JmapSubmit),
            _ => None,
        };
        if kind.is_some() {
            chars.next();
        }
        let mut t = MbType::new(kind.unwrap_or_default());
        for c in chars {
            if c == 'f' {
                t.kind = MbKind::Sieve;
                continue;
            }
            let (flag, _) = MbType::FLAG_LETTERS
                .iter()
                .find(|(_, l)| *l == c)
                .ok_or_else(bad)?;
            t.flags |= flag;
        }
        Ok(t)
    }
}

impl fmt::Display for MbType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        s.push(self.kind.letter());
        for (flag, c) in MbType::FLAG_LETTERS {
            if self.flags & flag != 0 {
                s.push(c);
            }
        }
        f.write_str(&s)
    }
}

impl fmt::Debug for MbType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MbType({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_round_trip() {
        for s in ["e", "ed", "f", "ei", "edmrzil", "c", "al"] {
            assert_eq!(MbType::try_from(s).expect("type").to_string(), s);
        }
        let t = MbType::try_from("ed").expect("type");
        assert!(t.is_deleted() && t.is_hidden());
        assert_eq!(t.bits(), 0x80);
        assert_eq!(MbType::try_from("f").expect("f").bits(), 5);
        assert_eq!(MbType::try_from("d").expect("d").to_string(), "ed");
        assert!(MbType::try_from("eq").is_err());
        assert_eq!(MbType::from_bits(0x109).expect("bits").to_string(), "ci");
    }
}
