use std::fmt;
use std::ops::{BitAnd, BitOr, BitOrAssign, Not, Sub};

/// A string with a character that is not a Cyrus right
/// (`IMAP_INVALID_RIGHTS`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the {0} right is not supported")]
pub struct BadRights(pub char);

/// What the legacy `c`/`d` macros imply for `x` (the `deleteright`
/// option; default `c`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeleteRight {
    /// `deleteright: c` — `c` means `kx` (the default).
    #[default]
    C,
    /// `deleteright: d` — `d` means `tex`.
    D,
    /// Some other letter (`x`): neither macro includes `x`.
    Other,
}

/// A set of ACL rights (Cyrus `ACL_*` bits, `lib/acl.h`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Rights(u32);

impl Rights {
    /// `l`: see the mailbox in LIST, SUBSCRIBE.
    pub const LOOKUP: Rights = Rights(0x1);
    /// `r`: SELECT, FETCH, SEARCH, COPY from.
    pub const READ: Rights = Rights(0x2);
    /// `s`: keep `\Seen` across sessions.
    pub const SETSEEN: Rights = Rights(0x4);
    /// `w`: set flags other than `\Seen` and `\Deleted`.
    pub const WRITE: Rights = Rights(0x8);
    /// `i`: APPEND, COPY/MOVE into.
    pub const INSERT: Rights = Rights(0x10);
    /// `p`: deliver by LMTP/Sieve.
    pub const POST: Rights = Rights(0x20);
    /// `k`: create children, rename into.
    pub const CREATE: Rights = Rights(0x40);
    /// `x`: delete or rename away.
    pub const DELETEMBOX: Rights = Rights(0x80);
    /// `t`: set `\Deleted`.
    pub const DELETEMSG: Rights = Rights(0x100);
    /// `e`: EXPUNGE.
    pub const EXPUNGE: Rights = Rights(0x200);
    /// `a`: administer the ACL.
    pub const ADMIN: Rights = Rights(0x400);
    /// `n`: write shared annotations.
    pub const ANNOTATEMSG: Rights = Rights(0x800);
    /// No rights.
    pub const NONE: Rights = Rights(0);
    /// `lrswipkxtean` (Cyrus `ACL_ALL`), printed `lrswipkxtecdan`.
    pub const ALL: Rights = Rights(0xfff);
    /// `ACL_ALL` plus the user rights `0`–`9` (Cyrus `ACL_FULL`).
    pub const FULL: Rights = Rights(0x3f_ffff);
    /// What EXAMINE removes (`ACL_READ_WRITE`: `s w i t e n`).
    pub const READ_WRITE: Rights = Rights(0x4 | 0x8 | 0x10 | 0x100 | 0x200 | 0x800);

    /// The user-defined right `0`–`9`; `None` for other digits.
    pub fn user(digit: u8) -> Option<Rights> {
        match digit {
            0 => Some(Rights(0x20_0000)),
            1..=9 => Some(Rights(0x1000 << (digit - 1))),
            _ => None,
        }
    }

    /// The raw Cyrus bit mask.
    pub fn bits(self) -> u32 {
        self.0
    }

    /// Rights from a Cyrus bit mask (unknown bits dropped).
    pub fn from_bits(bits: u32) -> Rights {
        Rights(bits & Rights::FULL.0)
    }

    /// True if every right in `other` is here.
    pub fn contains(self, other: Rights) -> bool {
        self.0 & other.0 == other.0
    }

    /// True if any right in `other` is here.
    pub fn intersects(self, other: Rights) -> bool {
        self.0 & other.0 != 0
    }

    /// True for the empty set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    fn single(c: char) -> Option<Rights> {
        Some(match c {
            'l' => Rights::LOOKUP,
            'r' => Rights::READ,
            's' => Rights::SETSEEN,
            'w' => Rights::WRITE,
            'i' => Rights::INSERT,
            'p' => Rights::POST,
            'k' => Rights::CREATE,
            'x' => Rights::DELETEMBOX,
            't' => Rights::DELETEMSG,
            'e' => Rights::EXPUNGE,
            'a' => Rights::ADMIN,
            'n' => Rights::ANNOTATEMSG,
            '0'..='9' => Rights::user(c as u8 - b'0')?,
            _ => return None,
        })
    }

    /// Parses a rights string as Cyrus `cyrus_acl_strtomask` does: the
    /// legacy macro `c` adds `k` (and `x` under `deleteright: c`), `d` adds
    /// `te` (and `x` under `deleteright: d`), each only if none of its
    /// members was given explicitly. Unknown letters are an error.
    pub fn parse_with(s: &str, delete_right: DeleteRight) -> Result<Rights, BadRights> {
        let mut result = Rights::NONE;
        let mut legacy_create = Rights::NONE;
        let mut legacy_delete = Rights::NONE;
        for c in s.chars() {
            match c {
                'c' => {
                    legacy_create = Rights::CREATE;
                    if delete_right == DeleteRight::C {
                        legacy_create |= Rights::DELETEMBOX;
                    }
                }
                'd' => {
                    legacy_delete = Rights::DELETEMSG | Rights::EXPUNGE;
                    if delete_right == DeleteRight::D {
                        legacy_delete |= Rights::DELETEMBOX;
                    }
                }
                other => result |= Rights::single(other).ok_or(BadRights(other))?,
            }
        }
        if !result.intersects(legacy_create) {
            result |= legacy_create;
        }
        if !result.intersects(legacy_delete) {
            result |= legacy_delete;
        }
        Ok(result)
    }

    /// Prints as Cyrus `cyrus_acl_masktostr`: `lrswipkxte`, then `c` if
    /// any member of the create macro is present, `d` likewise, then `an`
    /// and the digits `0`–`9`.
    pub fn to_string_with(self, delete_right: DeleteRight) -> String {
        let mut out = String::new();
        for c in "lrswipkxte".chars() {
            if Rights::single(c).is_some_and(|r| self.contains(r)) {
                out.push(c);
            }
        }
        let mut legacy_create = Rights::CREATE;
        let mut legacy_delete = Rights::DELETEMSG | Rights::EXPUNGE;
        match delete_right {
            DeleteRight::C => legacy_create |= Rights::DELETEMBOX,
            DeleteRight::D => legacy_delete |= Rights::DELETEMBOX,
            DeleteRight::Other => {}
        }
        if self.intersects(legacy_create) {
            out.push('c');
        }
        if self.intersects(legacy_delete) {
            out.push('d');
        }
        for c in "an0123456789".chars() {
            if Rights::single(c).is_some_and(|r| self.contains(r)) {
                out.push(c);
            }
        }
        out
    }
}

impl TryFrom<&str> for Rights {
    type Error = BadRights;
    /// Parses with the default `deleteright: c`.
    fn try_from(s: &str) -> Result<Rights, BadRights> {
        Rights::parse_with(s, DeleteRight::C)
    }
}

impl fmt::Display for Rights {
    /// Prints with the default `deleteright: c`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_with(DeleteRight::C))
    }
}

impl fmt::Debug for Rights {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rights({self})")
    }
}

impl BitOr for Rights {
    type Output = Rights;
    fn bitor(self, o: Rights) -> Rights {
        Rights(self.0 | o.0)
    }
}

impl BitOrAssign for Rights {
    fn bitor_assign(&mut self, o: Rights) {
        self.0 |= o.0;
    }
}

impl BitAnd for Rights {
    type Output = Rights;
    fn bitand(self, o: Rights) -> Rights {
        Rights(self.0 & o.0)
    }
}

impl Sub for Rights {
    type Output = Rights;
    fn sub(self, o: Rights) -> Rights {
        Rights(self.0 & !o.0)
    }
}

impl Not for Rights {
    type Output = Rights;
    fn not(self) -> Rights {
        Rights(!self.0 & Rights::FULL.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Rights {
        Rights::try_from(s).expect("rights")
    }

    #[test]
    fn full_set_prints_with_macros() {
        assert_eq!(Rights::ALL.to_string(), "lrswipkxtecdan");
        assert_eq!(r("lrswipkxtecdan"), Rights::ALL);
        assert_eq!(r("lrs").to_string(), "lrs");
        assert_eq!(r("lrsw").to_string(), "lrsw");
        assert_eq!(r("lkxan").to_string(), "lkxcan");
        assert_eq!(r("t").to_string(), "td");
    }

    #[test]
    fn legacy_macros() {
        assert_eq!(r("c"), Rights::CREATE | Rights::DELETEMBOX);
        assert_eq!(r("ck"), Rights::CREATE);
        assert_eq!(r("d"), Rights::DELETEMSG | Rights::EXPUNGE);
        assert_eq!(r("dt"), Rights::DELETEMSG);
        assert_eq!(
            Rights::parse_with("d", DeleteRight::D).expect("d"),
            Rights::DELETEMSG | Rights::EXPUNGE | Rights::DELETEMBOX
        );
        assert_eq!(
            r("0129"),
            Rights::from_bits(0x20_0000 | 0x1000 | 0x2000 | 0x10_0000)
        );
        assert_eq!(r("90").to_string(), "09");
        assert_eq!(Rights::try_from("lrz"), Err(BadRights('z')));
    }

    #[test]
    fn set_algebra() {
        assert_eq!(r("lrsw") - r("w"), r("lrs"));
        assert!(r("lrs").contains(Rights::READ));
        assert_eq!((!Rights::NONE), Rights::FULL);
        assert_eq!(Rights::ALL - Rights::READ_WRITE, r("lrpkxa"));
    }
}
