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
    /// `:list` (RFC 6134): keys name external lists.
    List,
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

/// A test. In variants, `m` is the comparator and match type, `keys`
/// the key list, `names` the header (or envelope part) names.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Test {
    /// `true`.
    True,
    /// `false`.
    False,
    /// `not test`.
    Not(Box<Test>),
    /// `allof (tests)`.
    AllOf(Vec<Test>),
    /// `anyof (tests)`.
    AnyOf(Vec<Test>),
    /// `exists` header names (RFC 5228 §5.5).
    Exists(Vec<String>),
    /// `size :over/:under n` (RFC 5228 §5.9).
    Size {
        /// `:over` (else `:under`).
        over: bool,
        /// Size limit in octets.
        limit: u64,
    },
    /// `header` (RFC 5228 §5.7, `:index` RFC 5260).
    Header {
        /// Comparator and match type.
        m: Match,
        /// Names (headers, envelope parts or annotations).
        names: Vec<String>,
        /// Key list.
        keys: Vec<String>,
        /// `:index`/`:last`.
        index: Option<Index>,
    },
    /// `address` (RFC 5228 §5.1, RFC 5233 parts).
    Address {
        /// Comparator and match type.
        m: Match,
        /// Address part or date part.
        part: AddressPart,
        /// Names (headers, envelope parts or annotations).
        names: Vec<String>,
        /// Key list.
        keys: Vec<String>,
        /// `:index`/`:last`.
        index: Option<Index>,
    },
    /// `envelope` (RFC 5228 §5.4).
    Envelope {
        /// Comparator and match type.
        m: Match,
        /// Address part or date part.
        part: AddressPart,
        /// Names (headers, envelope parts or annotations).
        names: Vec<String>,
        /// Key list.
        keys: Vec<String>,
    },
    /// `body` (RFC 5173).
    Body {
        /// Comparator and match type.
        m: Match,
        /// Body transform.
        transform: BodyTransform,
        /// Key list.
        keys: Vec<String>,
    },
    /// `date` (RFC 5260 §4).
    Date {
        /// Comparator and match type.
        m: Match,
        /// Zone handling.
        zone: Zone,
        /// Header field holding the date.
        header: String,
        /// Address part or date part.
        part: String,
        /// Key list.
        keys: Vec<String>,
        /// `:index`/`:last`.
        index: Option<Index>,
    },
    /// `currentdate` (RFC 5260 §5).
    CurrentDate {
        /// Comparator and match type.
        m: Match,
        /// Zone handling.
        zone: Zone,
        /// Address part or date part.
        part: String,
        /// Key list.
        keys: Vec<String>,
    },
    /// `hasflag` (RFC 5232 §4).
    HasFlag {
        /// Comparator and match type.
        m: Match,
        /// Variables to test (empty: the internal variable).
        vars: Vec<String>,
        /// Key list.
        keys: Vec<String>,
    },
    /// `string` (RFC 5229 §5).
    String {
        /// Comparator and match type.
        m: Match,
        /// Source strings.
        sources: Vec<String>,
        /// Key list.
        keys: Vec<String>,
    },
    /// `environment` (RFC 5183).
    Environment {
        /// Comparator and match type.
        m: Match,
        /// Name.
        name: String,
        /// Key list.
        keys: Vec<String>,
    },
    /// `mailboxexists` (RFC 5490 §3.1).
    MailboxExists(Vec<String>),
    /// `specialuse_exists` (RFC 8579 §4).
    SpecialUseExists {
        /// Mailbox name.
        mailbox: Option<String>,
        /// Special-use attributes.
        uses: Vec<String>,
    },
    /// `mailboxidexists` (RFC 9042 §3.2).
    MailboxIdExists(Vec<String>),
    /// `valid_notify_method` (RFC 5435 §5).
    ValidNotifyMethod(Vec<String>),
    /// `notify_method_capability` (RFC 5435 §6).
    NotifyMethodCapability {
        /// Comparator and match type.
        m: Match,
        /// Notification URI.
        uri: String,
        /// Capability name.
        capability: String,
        /// Key list.
        keys: Vec<String>,
    },
    /// `metadata` / `servermetadata` (RFC 5490 §3–4); `mailbox` is `None`
    /// for server annotations.
    Metadata {
        /// Comparator and match type.
        m: Match,
        /// Mailbox name.
        mailbox: Option<String>,
        /// Name.
        name: String,
        /// Key list.
        keys: Vec<String>,
    },
    /// `metadataexists` / `servermetadataexists`.
    MetadataExists {
        /// Mailbox name.
        mailbox: Option<String>,
        /// Names (headers, envelope parts or annotations).
        names: Vec<String>,
    },
    /// `valid_ext_list` (RFC 6134 §2.5).
    ValidExtList(Vec<String>),
    /// `duplicate` (RFC 7352).
    Duplicate {
        /// `:handle`.
        handle: Option<String>,
        /// What identifies the message.
        key: DuplicateKey,
        /// `:seconds`.
        seconds: Option<u64>,
        /// `:last`.
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
pub enum Modifier {
    /// `:length`
    Length,
    /// `:encodeurl` (RFC 5435)
    EncodeUrl,
    /// `:quotewildcard`
    QuoteWildcard,
    /// `:quoteregex` (regex draft)
    QuoteRegex,
    /// `:lowerfirst`
    LowerFirst,
    /// `:upperfirst`
    UpperFirst,
    /// `:lower`
    Lower,
    /// `:upper`
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
pub struct FccArgs {
    /// `:fcc` mailbox.
    pub mailbox: String,
    /// `:flags`.
    pub flags: Option<Vec<String>>,
    /// `:create`.
    pub create: bool,
    /// `:specialuse`.
    pub special_use: Option<String>,
    /// `:mailboxid`.
    pub mailbox_id: Option<String>,
}

/// Arguments of `vacation` (RFC 5230, RFC 6131 `:seconds`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VacationArgs {
    /// Response interval in seconds, if given (`:days` is converted).
    pub seconds: Option<u64>,
    /// `:subject`.
    pub subject: Option<String>,
    /// `:from`.
    pub from: Option<String>,
    /// `:addresses`.
    pub addresses: Vec<String>,
    /// `:mime`.
    pub mime: bool,
    /// `:handle`.
    pub handle: Option<String>,
    /// The reason (reply body).
    pub reason: String,
    /// `:fcc` (RFC 8580).
    pub fcc: Option<FccArgs>,
}

/// Arguments of Cyrus's `snooze`: park the message and bring it back
/// to `mailbox` (INBOX by default) at the next of `times` on `weekdays`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SnoozeArgs {
    /// `:mailbox` to wake up into.
    pub mailbox: Option<String>,
    /// `:mailboxid` to wake up into.
    pub mailbox_id: Option<String>,
    /// `:create`.
    pub create: bool,
    /// `:specialuse`.
    pub special_use: Option<String>,
    /// `:addflags` on wake-up.
    pub add_flags: Vec<String>,
    /// `:removeflags` on wake-up.
    pub remove_flags: Vec<String>,
    /// `:weekdays` ("0" = Sunday .. "6"), empty for every day.
    pub weekdays: Vec<String>,
    /// `:tzid` time zone, `None` for the server's.
    pub tzid: Option<String>,
    /// Wake-up times "HH:MM" or "HH:MM:SS".
    pub times: Vec<String>,
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

/// A command. String fields hold the text as written; with `variables`
/// they are expanded when the command runs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// `if`/`elsif`/`else` chain.
    If {
        /// `(test, block)` for the `if` and each `elsif`.
        branches: Vec<(Test, Vec<Command>)>,
        /// The `else` block.
        otherwise: Option<Vec<Command>>,
    },
    /// `stop`.
    Stop,
    /// `keep` with optional `:flags`.
    Keep {
        /// `:flags`, or the flag list.
        flags: Option<Vec<String>>,
    },
    /// `discard`.
    Discard,
    /// `fileinto` with `:flags`, `:copy`, `:create`, `:specialuse`, `:mailboxid`.
    FileInto {
        /// Mailbox name.
        mailbox: String,
        /// `:flags`, or the flag list.
        flags: Option<Vec<String>>,
        /// `:copy`.
        copy: bool,
        /// `:create`.
        create: bool,
        /// `:specialuse`.
        special_use: Option<String>,
        /// `:mailboxid`.
        mailbox_id: Option<String>,
    },
    /// `redirect` (RFC 5228 §4.2, RFC 3894, RFC 6009).
    Redirect {
        /// Destination address (a list name with `:list`).
        address: String,
        /// `:list` (RFC 6134 §2.6): redirect to every member of the list.
        list: bool,
        /// `:copy`.
        copy: bool,
        /// `:options`, or the DSN/DELIVERBY options.
        options: RedirectOptions,
    },
    /// `reject` (RFC 5429).
    Reject(String),
    /// `ereject` (RFC 5429).
    Ereject(String),
    /// `vacation` (RFC 5230).
    Vacation(Box<VacationArgs>),
    /// `snooze` (Cyrus `vnd.cyrus.snooze`).
    Snooze(Box<SnoozeArgs>),
    /// Legacy `notify` (draft-martin-sieve-notify, Cyrus's "notify").
    LegacyNotify {
        /// `:id`.
        id: Option<String>,
        /// `:method` ("default" when absent).
        method: String,
        /// `:options` (for "mailto", the recipients).
        options: Vec<String>,
        /// `:high`/`:normal`/`:low` as "1"/"2"/"3".
        priority: String,
        /// `:message`.
        message: Option<String>,
    },
    /// Legacy `denotify`: cancel earlier legacy notifications.
    Denotify {
        /// `:is/:contains/:matches/:regex "id"` pattern, if any.
        pattern: Option<(Match, String)>,
        /// Only those of this priority ("1"–"3"), if given.
        priority: Option<String>,
    },
    /// `notify` (RFC 5435 §3).
    Notify {
        /// Notification URI.
        method: String,
        /// `:from`.
        from: Option<String>,
        /// `:importance`.
        importance: Option<String>,
        /// `:options`, or the DSN/DELIVERBY options.
        options: Vec<String>,
        /// `:message`.
        message: Option<String>,
        /// `:fcc` (RFC 8580).
        fcc: Option<FccArgs>,
    },
    /// `setflag`/`addflag`/`removeflag` (RFC 5232).
    Flags {
        /// Which flag command.
        op: FlagOp,
        /// Variable name, if given.
        var: Option<String>,
        /// `:flags`, or the flag list.
        flags: Vec<String>,
    },
    /// `set` (RFC 5229).
    Set {
        /// Name.
        name: String,
        /// Value (before modifiers).
        value: String,
        /// Modifiers, by precedence.
        modifiers: Vec<Modifier>,
    },
    /// `global` (RFC 6609).
    Global(Vec<String>),
    /// `addheader` (RFC 5293).
    AddHeader {
        /// `:last`.
        last: bool,
        /// Name.
        name: String,
        /// Value (before modifiers).
        value: String,
    },
    /// `deleteheader` (RFC 5293).
    DeleteHeader {
        /// `:index`/`:last`.
        index: Option<Index>,
        /// Comparator and match type.
        m: Match,
        /// Name.
        name: String,
        /// Value patterns (empty: any).
        values: Vec<String>,
    },
    /// `include` (RFC 6609).
    Include {
        /// `:personal` or `:global`.
        location: IncludeLocation,
        /// `:once`.
        once: bool,
        /// `:optional`.
        optional: bool,
        /// Name.
        name: String,
    },
    /// `return` (RFC 6609).
    Return,
    /// `error` (RFC 5463).
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
