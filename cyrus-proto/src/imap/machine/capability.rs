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
    /// `UIDPLUS` (RFC 4315: APPENDUID and COPYUID).
    UidPlus,
    /// `UNSELECT` (RFC 3691).
    Unselect,
    /// `STARTTLS` (RFC 3501 §6.2.1).
    StartTls,
    /// `LOGINDISABLED`.
    LoginDisabled,
    /// `COMPRESS=DEFLATE` (RFC 4978).
    CompressDeflate,
    /// `AUTH=<mech>`.
    Auth(String),
    /// `SASL-IR` (RFC 4959).
    SaslIr,
    /// `IDLE` (RFC 2177).
    Idle,
    /// `APPENDLIMIT=<n>` (RFC 7889).
    AppendLimit(u32),
    /// `BINARY` (RFC 3516).
    Binary,
    /// `CATENATE` (RFC 4469).
    Catenate,
    /// `MOVE` (RFC 6851).
    Move,
    /// `MULTIAPPEND` (RFC 3502).
    MultiAppend,
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
            Capability::StartTls => f.write_str("STARTTLS"),
            Capability::LoginDisabled => f.write_str("LOGINDISABLED"),
            Capability::CompressDeflate => f.write_str("COMPRESS=DEFLATE"),
            Capability::Auth(m) => write!(f, "AUTH={m}"),
            Capability::SaslIr => f.write_str("SASL-IR"),
            Capability::Idle => f.write_str("IDLE"),
            Capability::AppendLimit(n) => write!(f, "APPENDLIMIT={n}"),
            Capability::Binary => f.write_str("BINARY"),
            Capability::Catenate => f.write_str("CATENATE"),
            Capability::Move => f.write_str("MOVE"),
            Capability::MultiAppend => f.write_str("MULTIAPPEND"),
        }
    }
}

/// An ordered set of capabilities.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CapabilitySet(Vec<Capability>);

impl CapabilitySet {
    /// Before authentication: Cyrus prints `IMAP4rev1 LITERAL+ ID ENABLE`,
    /// `STARTTLS` while TLS is available and not yet on, `LOGINDISABLED`
    /// when plaintext is refused, the mechanisms, `SASL-IR`.
    pub fn pre_auth(adv: &Advertisement, starttls: bool) -> Self {
        let mut v = vec![
            Capability::Imap4Rev1,
            Capability::LiteralPlus,
            Capability::Id,
            Capability::Enable,
        ];
        if starttls {
            v.push(Capability::StartTls);
        }
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

    /// After authentication (Cyrus prints `LOGINDISABLED` there too);
    /// `COMPRESS=DEFLATE` until compression is on.
    pub fn post_auth(append_limit: u32, compress: bool) -> Self {
        let mut v = vec![
            Capability::Imap4Rev1,
            Capability::LiteralPlus,
            Capability::Id,
            Capability::Enable,
            Capability::Binary,
            Capability::Catenate,
            Capability::Children,
            Capability::Move,
            Capability::MultiAppend,
            Capability::Namespace,
            Capability::UidPlus,
            Capability::Unselect,
            Capability::LoginDisabled,
        ];
        if compress {
            v.push(Capability::CompressDeflate);
        }
        v.extend([Capability::Idle, Capability::AppendLimit(append_limit)]);
        CapabilitySet(v)
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
