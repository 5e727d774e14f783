//! Capabilities as one typed set, printed in Cyrus 3.6's order
//! (`base_capabilities` in `imapd.c`). Only what this server implements
//! is advertised.

use cyrus_store::quota::QuotaResource;

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
    /// `ACL` (RFC 4314).
    Acl,
    /// `CREATE-SPECIAL-USE` (RFC 6154).
    CreateSpecialUse,
    /// `LIST-EXTENDED` (RFC 5258).
    ListExtended,
    /// `LIST-MYRIGHTS` (RFC 8440).
    ListMyRights,
    /// `LIST-STATUS` (RFC 5819).
    ListStatus,
    /// `METADATA` (RFC 5464).
    Metadata,
    /// `QUOTA` (RFC 9208).
    Quota,
    /// `RIGHTS=kxten` (RFC 4314 §2.1.1).
    RightsKxten,
    /// `SPECIAL-USE` (RFC 6154).
    SpecialUse,
    /// `STATUS=SIZE` (RFC 8438).
    StatusSize,
    /// `LIST-METADATA` (RFC 9590).
    ListMetadata,
    /// `X-QUOTA=<resource>`: the resources SETQUOTA takes.
    XQuota(&'static str),
    /// `ESEARCH` (RFC 4731).
    Esearch,
    /// `ESORT` (RFC 5267; SORT RETURN).
    Esort,
    /// `SEARCHRES` (RFC 5182; Cyrus 3.6 lacks it).
    SearchRes,
    /// `SORT` (RFC 5256).
    Sort,
    /// `SORT=DISPLAY` (RFC 5957).
    SortDisplay,
    /// `THREAD=ORDEREDSUBJECT` (RFC 5256).
    ThreadOrderedSubject,
    /// `THREAD=REFERENCES` (RFC 5256).
    ThreadReferences,
    /// `WITHIN` (RFC 5032).
    Within,
    /// `SORT=MODSEQ` (Cyrus).
    SortModseq,
    /// `SORT=UID` (Cyrus).
    SortUid,
    /// `CONDSTORE` (RFC 7162).
    CondStore,
    /// `OBJECTID` (RFC 8474).
    ObjectId,
    /// `PREVIEW` (RFC 8970).
    Preview,
    /// `QRESYNC` (RFC 7162).
    QResync,
    /// `SAVEDATE` (RFC 8514).
    SaveDate,
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
            Capability::Acl => f.write_str("ACL"),
            Capability::CreateSpecialUse => f.write_str("CREATE-SPECIAL-USE"),
            Capability::ListExtended => f.write_str("LIST-EXTENDED"),
            Capability::ListMyRights => f.write_str("LIST-MYRIGHTS"),
            Capability::ListStatus => f.write_str("LIST-STATUS"),
            Capability::Metadata => f.write_str("METADATA"),
            Capability::Quota => f.write_str("QUOTA"),
            Capability::RightsKxten => f.write_str("RIGHTS=kxten"),
            Capability::SpecialUse => f.write_str("SPECIAL-USE"),
            Capability::StatusSize => f.write_str("STATUS=SIZE"),
            Capability::ListMetadata => f.write_str("LIST-METADATA"),
            Capability::XQuota(r) => write!(f, "X-QUOTA={r}"),
            Capability::Esearch => f.write_str("ESEARCH"),
            Capability::Esort => f.write_str("ESORT"),
            Capability::SearchRes => f.write_str("SEARCHRES"),
            Capability::Sort => f.write_str("SORT"),
            Capability::SortDisplay => f.write_str("SORT=DISPLAY"),
            Capability::ThreadOrderedSubject => f.write_str("THREAD=ORDEREDSUBJECT"),
            Capability::ThreadReferences => f.write_str("THREAD=REFERENCES"),
            Capability::Within => f.write_str("WITHIN"),
            Capability::SortModseq => f.write_str("SORT=MODSEQ"),
            Capability::SortUid => f.write_str("SORT=UID"),
            Capability::CondStore => f.write_str("CONDSTORE"),
            Capability::ObjectId => f.write_str("OBJECTID"),
            Capability::Preview => f.write_str("PREVIEW"),
            Capability::QResync => f.write_str("QRESYNC"),
            Capability::SaveDate => f.write_str("SAVEDATE"),
            Capability::Binary => f.write_str("BINARY"),
            Capability::Catenate => f.write_str("CATENATE"),
            Capability::Move => f.write_str("MOVE"),
            Capability::MultiAppend => f.write_str("MULTIAPPEND"),
        }
    }
}

/// Cyrus 3.6's post-login CAPABILITY order (`imapd.c`), by name or
/// name prefix; `SEARCHRES`, which Cyrus lacks, sits where its name
/// sorts in Cyrus's alphabetical run.
const CYRUS_ORDER: &[&str] = &[
    "IMAP4rev1",
    "LITERAL+",
    "ID",
    "ENABLE",
    "ACL",
    "ANNOTATE-EXPERIMENT-1",
    "BINARY",
    "CATENATE",
    "CHILDREN",
    "CONDSTORE",
    "CREATE-SPECIAL-USE",
    "ESEARCH",
    "ESORT",
    "LIST-EXTENDED",
    "LIST-MYRIGHTS",
    "LIST-STATUS",
    "MAILBOX-REFERRALS",
    "METADATA",
    "MOVE",
    "MULTIAPPEND",
    "NAMESPACE",
    "OBJECTID",
    "PREVIEW",
    "QRESYNC",
    "QUOTA",
    "RIGHTS=kxten",
    "SAVEDATE",
    "SEARCHRES",
    "SEARCH=FUZZY",
    "SORT",
    "SORT=DISPLAY",
    "SPECIAL-USE",
    "STATUS=SIZE",
    "THREAD=ORDEREDSUBJECT",
    "THREAD=REFERENCES",
    "UIDPLUS",
    "UNSELECT",
    "URLAUTH",
    "URLAUTH=BINARY",
    "WITHIN",
    "DIGEST=SHA1",
    "LIST-METADATA",
    "NO_ATOMIC_RENAME",
    "SCAN",
    "SORT=MODSEQ",
    "SORT=UID",
    "THREAD=REFS",
    "X-CREATEDMODSEQ",
    "X-REPLICATION",
    "X-SIEVE-MAILBOX",
    "XLIST",
    "XMOVE",
    "LOGINDISABLED",
    "COMPRESS=DEFLATE",
    "X-QUOTA=",
    "IDLE",
    "APPENDLIMIT=",
];

impl Capability {
    /// Where Cyrus prints this capability after login.
    fn cyrus_rank(&self) -> usize {
        let name = self.to_string();
        CYRUS_ORDER
            .iter()
            .position(|o| {
                *o == name
                    || (o.ends_with('=') && name.starts_with(o) && !name.starts_with("AUTH="))
            })
            .unwrap_or(CYRUS_ORDER.len())
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
    /// `COMPRESS=DEFLATE` until compression is on. Printed in Cyrus's
    /// order ([`CYRUS_ORDER`]), whatever order they are listed in here.
    pub fn post_auth(append_limit: u32, compress: bool) -> Self {
        let mut v = vec![
            Capability::Imap4Rev1,
            Capability::LiteralPlus,
            Capability::Id,
            Capability::Enable,
            Capability::Acl,
            Capability::Children,
            Capability::CondStore,
            Capability::CreateSpecialUse,
            Capability::Esearch,
            Capability::Esort,
            Capability::ListExtended,
            Capability::ListMyRights,
            Capability::ListStatus,
            Capability::Metadata,
            Capability::Binary,
            Capability::Catenate,
            Capability::Move,
            Capability::MultiAppend,
            Capability::Namespace,
            Capability::ObjectId,
            Capability::Preview,
            Capability::QResync,
            Capability::Quota,
            Capability::RightsKxten,
            Capability::SaveDate,
            Capability::SearchRes,
            Capability::Sort,
            Capability::SortDisplay,
            Capability::SpecialUse,
            Capability::StatusSize,
            Capability::ThreadOrderedSubject,
            Capability::ThreadReferences,
            Capability::UidPlus,
            Capability::Unselect,
            Capability::Within,
            Capability::ListMetadata,
            Capability::SortModseq,
            Capability::SortUid,
            Capability::LoginDisabled,
            Capability::Idle,
            Capability::AppendLimit(append_limit),
        ];
        if compress {
            v.push(Capability::CompressDeflate);
        }
        v.extend(
            QuotaResource::ALL
                .iter()
                .map(|r| Capability::XQuota(r.name())),
        );
        // Stable: the X-QUOTA resources keep their order.
        v.sort_by_key(Capability::cyrus_rank);
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
