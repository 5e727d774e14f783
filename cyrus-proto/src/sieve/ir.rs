//! The validated, typed program that the interpreter runs. Strings are
//! kept as written; when `variables` is required they are expanded at
//! run time.

use super::error::Span;

/// A comparator (RFC 4790 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    /// `i;octet`
    Octet,
    /// `i;ascii-casemap` (the default)
    AsciiCasemap,
    /// `i;ascii-numeric`
    AsciiNumeric,
}

/// A relational operator (RFC 5231).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelOp {
    /// `gt`
    Gt,
    /// `ge`
    Ge,
    /// `lt`
    Lt,
    /// `le`
    Le,
    /// `eq`
    Eq,
    /// `ne`
    Ne,
}

/// A match type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    /// `:is`
    Is,
    /// `:contains`
    Contains,
    /// `:matches`
    Matches,
    /// `:regex`
    Regex,
    /// `:value "op"`
    Value(RelOp),
    /// `:count "op"`
    Count(RelOp),
}

/// Comparator plus match type of a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    /// The comparator.
    pub comparator: Comparator,
    /// The match type.
    pub kind: MatchKind,
}

/// The part of an address tested (RFC 5228 §2.7.4, RFC 5233).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressPart {
    /// `:all`
    All,
    /// `:localpart`
    LocalPart,
    /// `:domain`
    Domain,
    /// `:user`
    User,
    /// `:detail`
    Detail,
}

/// `:index n [:last]` (RFC 5260 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Index {
    /// 1-based field number.
    pub n: u64,
    /// Count from the last field.
    pub last: bool,
}

/// `:zone` handling of the date tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Zone {
    /// Convert to the local (current-date) zone.
    Local,
    /// `:zone "+hhmm"`
    Fixed(String),
    /// `:originalzone`
    Original,
}

/// Body transform (RFC 5173).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyTransform {
    /// `:raw`
    Raw,
    /// `:content [types]`
    Content(Vec<String>),
    /// `:text` (default)
    Text,
}

/// What identifies a message for `duplicate` (RFC 7352).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DuplicateKey {
    /// Default: the Message-ID header.
    MessageId,
    /// `:header name`
    Header(String),
    /// `:uniqueid value`
    UniqueId(String),
}

/// A test.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum Test {
    True,
    False,
    Not(Box<Test>),
    AllOf(Vec<Test>),
    AnyOf(Vec<Test>),
    Exists(Vec<String>),
    Size {
        over: bool,
        limit: u64,
    },
    Header {
        m: Match,
        names: Vec<String>,
        keys: Vec<String>,
        index: Option<Index>,
    },
    Address {
        m: Match,
        part: AddressPart,
        names: Vec<String>,
        keys: Vec<String>,
        index: Option<Index>,
    },
    Envelope {
        m: Match,
        part: AddressPart,
        names: Vec<String>,
        keys: Vec<String>,
    },
    Body {
        m: Match,
        transform: BodyTransform,
        keys: Vec<String>,
    },
    Date {
        m: Match,
        zone: Zone,
        header: String,
        part: String,
        keys: Vec<String>,
        index: Option<Index>,
    },
    CurrentDate {
        m: Match,
        zone: Zone,
        part: String,
        keys: Vec<String>,
    },
    HasFlag {
        m: Match,
        vars: Vec<String>,
        keys: Vec<String>,
    },
    String {
        m: Match,
        sources: Vec<String>,
        keys: Vec<String>,
    },
    Environment {
        m: Match,
        name: String,
        keys: Vec<String>,
    },
    MailboxExists(Vec<String>),
    SpecialUseExists {
        mailbox: Option<String>,
        uses: Vec<String>,
    },
    MailboxIdExists(Vec<String>),
    /// `valid_notify_method` (RFC 5435 §5).
    ValidNotifyMethod(Vec<String>),
    /// `notify_method_capability` (RFC 5435 §6).
    NotifyMethodCapability {
        m: Match,
        uri: String,
        capability: String,
        keys: Vec<String>,
    },
    /// `metadata` / `servermetadata` (RFC 5490 §3–4); `mailbox` is `None`
    /// for server annotations.
    Metadata {
        m: Match,
        mailbox: Option<String>,
        name: String,
        keys: Vec<String>,
    },
    /// `metadataexists` / `servermetadataexists`.
    MetadataExists {
        mailbox: Option<String>,
        names: Vec<String>,
    },
    Duplicate {
        handle: Option<String>,
        key: DuplicateKey,
        seconds: Option<u64>,
        last: bool,
    },
}

/// Flag operation of imap4flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagOp {
    /// `setflag`
    Set,
    /// `addflag`
    Add,
    /// `removeflag`
    Remove,
}

/// `set` modifiers (RFC 5229 §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum Modifier {
    Length,
    EncodeUrl,
    QuoteWildcard,
    QuoteRegex,
    LowerFirst,
    UpperFirst,
    Lower,
    Upper,
}

impl Modifier {
    /// Precedence: higher is applied first.
    pub fn precedence(self) -> u8 {
        match self {
            Modifier::Lower | Modifier::Upper => 40,
            Modifier::LowerFirst | Modifier::UpperFirst => 30,
            Modifier::QuoteWildcard | Modifier::QuoteRegex => 20,
            Modifier::EncodeUrl => 15,
            Modifier::Length => 10,
        }
    }
}

/// `:fcc` and its companions (RFC 8580): where to file a copy of a
/// generated message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct FccArgs {
    pub mailbox: String,
    pub flags: Option<Vec<String>>,
    pub create: bool,
    pub special_use: Option<String>,
    pub mailbox_id: Option<String>,
}

/// Arguments of `vacation` (RFC 5230, RFC 6131 `:seconds`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct VacationArgs {
    /// Response interval in seconds, if given (`:days` is converted).
    pub seconds: Option<u64>,
    pub subject: Option<String>,
    pub from: Option<String>,
    pub addresses: Vec<String>,
    pub mime: bool,
    pub handle: Option<String>,
    pub reason: String,
    pub fcc: Option<FccArgs>,
}

/// DSN and DELIVERBY parameters of `redirect` (RFC 6009), passed to the
/// SMTP submission as `NOTIFY=`, `RET=` and `BY=`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RedirectOptions {
    /// `:notify` ("NEVER" or a comma list of SUCCESS, FAILURE, DELAY).
    pub notify: Option<String>,
    /// `:ret` ("FULL" or "HDRS").
    pub ret: Option<String>,
    /// `:bytimerelative` / `:bytimeabsolute` with `:bymode`/`:bytrace`.
    pub deliver_by: Option<DeliverBy>,
}

/// RFC 6009 §3 deliver-by request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliverBy {
    /// The deadline.
    pub time: ByTime,
    /// `:bymode` "notify" or "return" (default "return").
    pub mode: Option<String>,
    /// `:bytrace`.
    pub trace: bool,
}

/// The deliver-by deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ByTime {
    /// `:bytimerelative` seconds.
    Relative(u64),
    /// `:bytimeabsolute` RFC 3339 date-time.
    Absolute(String),
}

/// `include` location (RFC 6609).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncludeLocation {
    /// `:personal` (default)
    Personal,
    /// `:global`
    Global,
}

/// A command.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum Command {
    If {
        branches: Vec<(Test, Vec<Command>)>,
        otherwise: Option<Vec<Command>>,
    },
    Stop,
    Keep {
        flags: Option<Vec<String>>,
    },
    Discard,
    FileInto {
        mailbox: String,
        flags: Option<Vec<String>>,
        copy: bool,
        create: bool,
        special_use: Option<String>,
        mailbox_id: Option<String>,
    },
    Redirect {
        address: String,
        copy: bool,
        options: RedirectOptions,
    },
    Reject(String),
    Ereject(String),
    Vacation(Box<VacationArgs>),
    /// `notify` (RFC 5435 §3).
    Notify {
        method: String,
        from: Option<String>,
        importance: Option<String>,
        options: Vec<String>,
        message: Option<String>,
        fcc: Option<FccArgs>,
    },
    Flags {
        op: FlagOp,
        var: Option<String>,
        flags: Vec<String>,
    },
    Set {
        name: String,
        value: String,
        modifiers: Vec<Modifier>,
    },
    Global(Vec<String>),
    AddHeader {
        last: bool,
        name: String,
        value: String,
    },
    DeleteHeader {
        index: Option<Index>,
        m: Match,
        name: String,
        values: Vec<String>,
    },
    Include {
        location: IncludeLocation,
        once: bool,
        optional: bool,
        name: String,
    },
    Return,
    Error(String),
}

/// A validated script, ready to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    /// Top-level commands (`require` removed).
    pub commands: Vec<Command>,
    /// Whether `variables` was required (strings are expanded).
    pub variables: bool,
    /// Position of the first command, for diagnostics.
    pub span: Span,
}
