//! Identifier newtypes shared by every part of the store.

use std::fmt;

macro_rules! id_u32 {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub u32);

        impl $name {
            /// The raw number.
            pub fn get(self) -> u32 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<u32> for $name {
            fn from(v: u32) -> Self {
                $name(v)
            }
        }
    };
}

macro_rules! id_u64 {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub u64);

        impl $name {
            /// The raw number.
            pub fn get(self) -> u64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<u64> for $name {
            fn from(v: u64) -> Self {
                $name(v)
            }
        }
    };
}

id_u32!(
    /// A message's unique identifier within one mailbox (RFC 3501 §2.3.1.1).
    Uid
);
id_u32!(
    /// A mailbox's UIDVALIDITY.
    UidValidity
);
id_u64!(
    /// A modification sequence number (RFC 7162).
    Modseq
);

impl Modseq {
    /// The next modseq.
    pub fn next(self) -> Modseq {
        Modseq(self.0 + 1)
    }
}

impl Uid {
    /// The next UID.
    pub fn next(self) -> Uid {
        Uid(self.0 + 1)
    }
}

/// A mailbox's unique id (Cyrus `uniqueid`): 24 characters `[0-9a-z]` as
/// Cyrus 3.6 makes them, or a 36-character UUID. Used for the uuid spool
/// directories, seen and duplicate keys, annotations, and `MAILBOXID`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UniqueId(String);

/// A string that is not a valid mailbox unique id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid mailbox unique id {0:?}")]
pub struct BadUniqueId(pub String);

impl UniqueId {
    /// A fresh random id in Cyrus 3.6's style: 24 characters of `[0-9a-z]`.
    pub fn generate(rng: &mut impl rand::Rng) -> UniqueId {
        const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        let s: String = (0..24)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
            .collect();
        UniqueId(s)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// First two characters, used for the `uuid/<c1>/<c2>/` directories.
    pub fn hash_chars(&self) -> (char, char) {
        let mut it = self.0.chars();
        let a = it.next().unwrap_or('_');
        let b = it.next().unwrap_or('_');
        (a, b)
    }
}

impl TryFrom<&str> for UniqueId {
    type Error = BadUniqueId;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        let ok = (2..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(UniqueId(s.to_string()))
        } else {
            Err(BadUniqueId(s.to_string()))
        }
    }
}

impl fmt::Display for UniqueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A message GUID: the SHA-1 of the message file's bytes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Guid(pub [u8; 20]);

impl Guid {
    /// The GUID of `data`.
    pub fn of(data: &[u8]) -> Guid {
        use sha1::Digest;
        let mut h = sha1::Sha1::new();
        h.update(data);
        Guid(h.finalize().into())
    }

    /// Lower-case hex, 40 characters (as Cyrus prints it).
    pub fn to_hex(&self) -> String {
        let mut s = String::with_capacity(40);
        for b in self.0 {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }

    /// Parses 40 hex digits.
    pub fn from_hex(s: &str) -> Option<Guid> {
        if s.len() != 40 {
            return None;
        }
        let mut out = [0u8; 20];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(Guid(out))
    }

    /// True for the all-zero GUID (Cyrus's "unset").
    pub fn is_null(&self) -> bool {
        self.0 == [0u8; 20]
    }
}

impl fmt::Debug for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Guid({})", self.to_hex())
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_hex_round_trip() {
        let g = Guid::of(b"hello");
        assert_eq!(g.to_hex(), "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
        assert_eq!(Guid::from_hex(&g.to_hex()), Some(g));
        assert_eq!(Guid::from_hex("zz"), None);
    }

    #[test]
    fn generated_unique_ids_look_like_cyrus_ones() {
        let mut rng = rand::thread_rng();
        let id = UniqueId::generate(&mut rng);
        assert_eq!(id.as_str().len(), 24);
        assert!(UniqueId::try_from(id.as_str()).is_ok());
        assert!(UniqueId::try_from("../etc").is_err());
    }
}
