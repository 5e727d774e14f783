//! Typed views of the flag words in an index record: system flags (low 16
//! bits of the `SYSTEM_FLAGS` word), internal flags (high 16 bits) and the
//! 128 user-flag bits.

use std::fmt;
use std::ops::{BitAnd, BitOr, BitOrAssign, Not};

macro_rules! bitset {
    ($(#[$m:meta])* $name:ident, $mask:expr, { $($(#[$fm:meta])* $flag:ident = $v:expr;)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name(u32);

        impl $name {
            $($(#[$fm])* pub const $flag: $name = $name($v);)*
            /// No flags.
            pub const EMPTY: $name = $name(0);
            /// Keeps only the bits this type owns.
            pub const fn from_bits_truncate(bits: u32) -> $name {
                $name(bits & $mask)
            }
            /// The raw bits.
            pub const fn bits(self) -> u32 {
                self.0
            }
            /// True when every bit of `other` is set.
            pub const fn contains(self, other: $name) -> bool {
                self.0 & other.0 == other.0
            }
            /// True when no bit is set.
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }
            /// Sets or clears `other`.
            pub fn set(&mut self, other: $name, on: bool) {
                if on { self.0 |= other.0 } else { self.0 &= !other.0 }
            }
            /// `self` without the bits of `other`.
            pub const fn without(self, other: $name) -> $name {
                $name(self.0 & !other.0)
            }
        }
        impl BitOr for $name {
            type Output = $name;
            fn bitor(self, o: $name) -> $name { $name(self.0 | o.0) }
        }
        impl BitOrAssign for $name {
            fn bitor_assign(&mut self, o: $name) { self.0 |= o.0 }
        }
        impl BitAnd for $name {
            type Output = $name;
            fn bitand(self, o: $name) -> $name { $name(self.0 & o.0) }
        }
        impl Not for $name {
            type Output = $name;
            fn not(self) -> $name { $name(!self.0 & $mask) }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:#x})", stringify!($name), self.0)
            }
        }
    };
}

bitset!(
    /// IMAP system flags as Cyrus stores them (`FLAG_*` in `imap/mailbox.h`).
    SystemFlags, 0x0000_ffff, {
        /// `\Answered`.
        ANSWERED = 1 << 0;
        /// `\Flagged`.
        FLAGGED = 1 << 1;
        /// `\Deleted`.
        DELETED = 1 << 2;
        /// `\Draft`.
        DRAFT = 1 << 3;
        /// `\Seen` (the owner's seen state, Cyrus "internal seen").
        SEEN = 1 << 4;
    }
);

bitset!(
    /// Cyrus internal record flags (`FLAG_INTERNAL_*`), the high half of the
    /// on-disk `SYSTEM_FLAGS` word.
    InternalFlags, 0xffff_0000, {
        /// Snoozed (JMAP).
        SNOOZED = 1 << 26;
        /// Conversation was split.
        SPLITCONVERSATION = 1 << 27;
        /// The message file (or archive copy) still has to be removed.
        NEEDS_CLEANUP = 1 << 28;
        /// The message lives on the archive partition.
        ARCHIVED = 1 << 29;
        /// The message file is gone or about to go; a repack drops the record.
        UNLINKED = 1 << 30;
        /// Expunged: invisible to clients, kept for QRESYNC and unexpunge.
        EXPUNGED = 1 << 31;
    }
);

/// The 128 user-flag bits of a record: bit `n` is set when the message has
/// the user flag in slot `n` of the `cyrus.header` `U` list.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Debug)]
pub struct UserFlags(pub [u32; 4]);

impl UserFlags {
    /// Number of slots.
    pub const MAX: usize = 128;

    /// True when slot `n` is set (slots ≥ 128 are never set).
    pub fn get(&self, n: usize) -> bool {
        n < Self::MAX && self.0[n / 32] & (1 << (n % 32)) != 0
    }

    /// Sets or clears slot `n`; slots ≥ 128 are ignored.
    pub fn set(&mut self, n: usize, on: bool) {
        if n >= Self::MAX {
            return;
        }
        if on {
            self.0[n / 32] |= 1 << (n % 32);
        } else {
            self.0[n / 32] &= !(1 << (n % 32));
        }
    }

    /// Slots that are set, in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        (0..Self::MAX).filter(move |&n| self.get(n))
    }

    /// True when no slot is set.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use super::*;

    #[test]
    fn masks_keep_halves_apart() {
        let w = 0x8000_0012u32;
        assert_eq!(
            SystemFlags::from_bits_truncate(w),
            SystemFlags::SEEN | SystemFlags::FLAGGED
        );
        assert_eq!(
            InternalFlags::from_bits_truncate(w),
            InternalFlags::EXPUNGED
        );
        assert_eq!((!SystemFlags::SEEN).bits() & 0xffff_0000, 0);
    }

    #[test]
    fn user_flag_slots() {
        let mut u = UserFlags::default();
        u.set(0, true);
        u.set(33, true);
        u.set(127, true);
        u.set(200, true);
        assert_eq!(u.0, [1, 2, 0, 0x8000_0000]);
        assert_eq!(u.iter().collect::<Vec<_>>(), vec![0, 33, 127]);
        u.set(33, false);
        assert!(!u.get(33));
    }
}
