//! Capabilities as one typed set, printed in Cyrus 3.6's order
//! (`base_capabilities` in `imapd.c`). Only what this server implements
//! is advertised.

use crate::sasl::Advertisement;

/// One capability.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Capability {
    /// `IMAP4rev1`.
    Imap4Rev1,
    /// `LITERAL+` (RFC 7888).
    LiteralPlus,
    /// `ID` (RFC 2971).
    Id,
    /// `ENABLE` (RFC 5161).
    Enable,
    /// `CHILDREN` (RFC 3348).
    Children,
    /// `NAMESPACE` (RFC 2342).
    Namespace,
    /// `UIDPLUS` (RFC 4315; APPENDUID only so far).
    UidPlus,
    /// `UNSELECT` (RFC 3691).
    Unselect,
    /// `LOGINDISABLED`.
    LoginDisabled,
    /// `AUTH=<mech>`.
    Auth(String),
    /// `SASL-IR` (RFC 4959).
    SaslIr,
    /// `IDLE` (RFC 2177).
    Idle,
    /// `APPENDLIMIT=<n>` (RFC 7889).
    AppendLimit(u32),
}

impl std::fmt::Display for Capability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Capability::Imap4Rev1 => f.write_str("IMAP4rev1"),
            Capability::LiteralPlus => f.write_str("LITERAL+"),
            Capability::Id => f.write_str("ID"),
            Capability::Enable => f.write_str("ENABLE"),
            Capability::Children => f.write_str("CHILDREN"),
            Capability::Namespace => f.write_str("NAMESPACE"),
            Capability::UidPlus => f.write_str("UIDPLUS"),
            Capability::Unselect => f.write_str("UNSELECT"),
            Capability::LoginDisabled => f.write_str("LOGINDISABLED"),
            Capability::Auth(m) => write!(f, "AUTH={m}"),
            Capability::SaslIr => f.write_str("SASL-IR"),
            Capability::Idle => f.write_str("IDLE"),
            Capability::AppendLimit(n) => write!(f, "APPENDLIMIT={n}"),
        }
    }
}

/// An ordered set of capabilities.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CapabilitySet(Vec<Capability>);

impl CapabilitySet {
    /// Before authentication: Cyrus prints `IMAP4rev1 LITERAL+ ID ENABLE`,
    /// `LOGINDISABLED` when plaintext is refused, the mechanisms, `SASL-IR`.
    pub fn pre_auth(adv: &Advertisement) -> Self {
        let mut v = vec![
            Capability::Imap4Rev1,
            Capability::LiteralPlus,
            Capability::Id,
            Capability::Enable,
        ];
        if adv.login_disabled {
            v.push(Capability::LoginDisabled);
        }
        v.extend(
            adv.mechanisms
                .iter()
                .map(|m| Capability::Auth(m.name().into())),
        );
        v.push(Capability::SaslIr);
        CapabilitySet(v)
    }

    /// After authentication (Cyrus prints `LOGINDISABLED` there too).
    pub fn post_auth(append_limit: u32) -> Self {
        CapabilitySet(vec![
            Capability::Imap4Rev1,
            Capability::LiteralPlus,
            Capability::Id,
            Capability::Enable,
            Capability::Children,
            Capability::Namespace,
            Capability::UidPlus,
            Capability::Unselect,
            Capability::LoginDisabled,
            Capability::Idle,
            Capability::AppendLimit(append_limit),
        ])
    }

    /// Whether `c` is in the set.
    pub fn contains(&self, c: &Capability) -> bool {
        self.0.contains(c)
    }
}

impl std::fmt::Display for CapabilitySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, c) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}
