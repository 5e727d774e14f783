//! Sieve extension names (the `require` vocabulary) and the typed set of
//! enabled extensions.

use std::fmt;

macro_rules! extensions {
    ($($var:ident => $name:literal),* $(,)?) => {
        /// A Sieve extension this implementation knows.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Extension {
            $(#[doc = concat!("`", $name, "`")] $var,)*
        }

        impl Extension {
            /// Every known extension, in capability order.
            pub const ALL: &'static [Extension] = &[$(Extension::$var,)*];

            /// The name used in `require` and in the SIEVE capability.
            pub fn name(self) -> &'static str {
                match self {
                    $(Extension::$var => $name,)*
                }
            }

            /// Looks up a `require` name (exact, case-sensitive as in
            /// RFC 5228 §3.2), including Cyrus's aliases.
            pub fn from_name(s: &str) -> Option<Extension> {
                match s {
                    $($name => Some(Extension::$var),)*
                    // Cyrus accepts the pre-RFC 5232 name.
                    "imapflags" => Some(Extension::Imap4Flags),
                    // Cyrus's other spellings of its snooze extension.
                    "snooze" | "x-cyrus-snooze" => Some(Extension::Snooze),
                    _ => None,
                }
            }
        }
    };
}

// Order: as Cyrus 3.6 lists them in the ManageSieve SIEVE capability.
// The discriminants are stored (informationally) in the compiled form;
// append new extensions at the end of the "comparators" tail only with a
// format version bump.
extensions! {
    EncodedCharacter => "encoded-character",
    ComparatorAsciiNumeric => "comparator-i;ascii-numeric",
    FileInto => "fileinto",
    Reject => "reject",
    Ereject => "ereject",
    Vacation => "vacation",
    VacationSeconds => "vacation-seconds",
    Notify => "notify",
    Enotify => "enotify",
    Include => "include",
    EditHeader => "editheader",
    Snooze => "vnd.cyrus.snooze",
    Envelope => "envelope",
    Environment => "environment",
    Body => "body",
    Imap4Flags => "imap4flags",
    Date => "date",
    Ihave => "ihave",
    Mailbox => "mailbox",
    MboxMetadata => "mboxmetadata",
    ServerMetadata => "servermetadata",
    Duplicate => "duplicate",
    Relational => "relational",
    Regex => "regex",
    Extlists => "extlists",
    Subaddress => "subaddress",
    Copy => "copy",
    Index => "index",
    Variables => "variables",
    RedirectDeliverBy => "redirect-deliverby",
    RedirectDsn => "redirect-dsn",
    SpecialUse => "special-use",
    Fcc => "fcc",
    MailboxId => "mailboxid",
    ComparatorAsciiCasemap => "comparator-i;ascii-casemap",
    ComparatorOctet => "comparator-i;octet",
}

impl fmt::Display for Extension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of extensions (enabled by configuration, or `require`d by a
/// script).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExtensionSet(u64);

impl ExtensionSet {
    /// The empty set.
    pub const fn empty() -> Self {
        ExtensionSet(0)
    }

    /// Everything this implementation supports (the default server set).
    pub fn all() -> Self {
        Extension::ALL.iter().copied().collect()
    }

    /// Whether `e` is in the set.
    pub fn contains(self, e: Extension) -> bool {
        self.0 & bit(e) != 0
    }

    /// Adds `e`.
    pub fn insert(&mut self, e: Extension) {
        self.0 |= bit(e);
    }

    /// Removes `e`.
    pub fn remove(&mut self, e: Extension) {
        self.0 &= !bit(e);
    }

    /// The raw bit set (bit `n` = `Extension` discriminant `n`), as
    /// stored in the compiled form.
    pub fn to_bits(self) -> u64 {
        self.0
    }

    /// Rebuilds a set from [`ExtensionSet::to_bits`], ignoring unknown bits.
    pub fn from_bits(bits: u64) -> Self {
        ExtensionSet(bits & ExtensionSet::all().0)
    }

    /// The set an `imapd.conf` `sieve_extensions` value enables (a
    /// space-separated list in Cyrus's spelling), plus what Cyrus always
    /// has: `encoded-character` and the comparators. Cyrus's `reject`
    /// also enables `ereject`, and its `notify` enables both the legacy
    /// `notify` and `enotify`.
    /// Returns the set and the names this implementation does not have
    /// (for the caller to log).
    pub fn from_cyrus_option(value: &str) -> (ExtensionSet, Vec<String>) {
        let mut set: ExtensionSet = [
            Extension::EncodedCharacter,
            Extension::ComparatorAsciiNumeric,
            Extension::ComparatorAsciiCasemap,
            Extension::ComparatorOctet,
        ]
        .into_iter()
        .collect();
        let mut unknown = Vec::new();
        for name in value.split([' ', ',', '\t']).filter(|n| !n.is_empty()) {
            let lower = name.to_ascii_lowercase();
            match lower.as_str() {
                "reject" => {
                    set.insert(Extension::Reject);
                    set.insert(Extension::Ereject);
                }
                "notify" => {
                    set.insert(Extension::Notify);
                    set.insert(Extension::Enotify);
                }
                other => match Extension::from_name(other) {
                    Some(e) => set.insert(e),
                    None => unknown.push(name.to_string()),
                },
            }
        }
        (set, unknown)
    }

    /// The members, in capability order.
    pub fn iter(self) -> impl Iterator<Item = Extension> {
        Extension::ALL
            .iter()
            .copied()
            .filter(move |e| self.contains(*e))
    }

    /// Space-separated names for the ManageSieve `SIEVE` capability
    /// (RFC 5804 §1.7), in Cyrus's order. Like Cyrus, it leaves out
    /// `comparator-i;octet` and `comparator-i;ascii-casemap`, which every
    /// implementation has (RFC 5228 §2.7.3); scripts may still require them.
    pub fn capability_string(self) -> String {
        self.iter()
            .filter(|e| {
                !matches!(
                    e,
                    Extension::ComparatorOctet | Extension::ComparatorAsciiCasemap
                )
            })
            .map(Extension::name)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn bit(e: Extension) -> u64 {
    1u64 << (e as u32)
}

impl FromIterator<Extension> for ExtensionSet {
    fn from_iter<I: IntoIterator<Item = Extension>>(iter: I) -> Self {
        let mut s = ExtensionSet::empty();
        for e in iter {
            s.insert(e);
        }
        s
    }
}

/// The extensions this implementation supports, in the order ManageSieve
/// advertises them.
pub fn supported_extensions() -> ExtensionSet {
    ExtensionSet::all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for e in Extension::ALL {
            assert_eq!(Extension::from_name(e.name()), Some(*e));
        }
        assert_eq!(
            Extension::from_name("imapflags"),
            Some(Extension::Imap4Flags)
        );
        assert!(supported_extensions()
            .capability_string()
            .contains("fileinto reject ereject"));
        let (set, unknown) = ExtensionSet::from_cyrus_option(
            "fileinto reject vacation imapflags vnd.cyrus.jmapquery",
        );
        assert!(set.contains(Extension::Ereject));
        assert!(set.contains(Extension::Imap4Flags));
        assert!(set.contains(Extension::EncodedCharacter));
        assert!(!set.contains(Extension::VacationSeconds));
        assert_eq!(unknown, vec!["vnd.cyrus.jmapquery"]);
    }
}
