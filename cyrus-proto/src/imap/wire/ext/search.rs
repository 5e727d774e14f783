//! SEARCH, SORT and THREAD (and their UID forms) with everything
//! imap-codec 2.0.0-alpha.10 lacks: `RETURN (...)` (RFC 4731 ESEARCH,
//! RFC 5267 ESORT, RFC 5182 SAVE), `$` as a set (RFC 5182), `MODSEQ`
//! (RFC 7162), `OLDER`/`YOUNGER` (RFC 5032), `SAVEDBEFORE` and friends
//! (RFC 8514), sort criteria of RFC 5256 and RFC 5957, and sequence sets
//! containing 0 (Cyrus matches nothing for them instead of refusing).
//! Error texts are Cyrus 3.6's.

use super::{is_astring_char, ExtCommand, Parsed, Parser, SyntaxError};

/// How deeply search keys may nest (parentheses, NOT, OR).
const MAX_KEY_DEPTH: usize = 64;

/// One end of a sequence range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeqNum {
    /// A number (0 allowed; it matches nothing).
    Num(u32),
    /// `*`: the largest number in use.
    Star,
}

/// A set of messages in a search key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetArg {
    /// Ranges (`a:b` with `a` and `b` in either order; a single number is
    /// `a:a`).
    Ranges(Vec<(SeqNum, SeqNum)>),
    /// `$`: the saved search result (RFC 5182).
    Saved,
}

/// A date as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(pub i64);

/// One search key (RFC 3501 §6.4.4 and extensions). Strings are the
/// client's bytes, in the command's charset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchKey {
    /// All keys must match (a parenthesised list or the top level).
    And(Vec<SearchKey>),
    /// `OR a b`.
    Or(Box<SearchKey>, Box<SearchKey>),
    /// `NOT a`.
    Not(Box<SearchKey>),
    /// `ALL`.
    All,
    /// A sequence set (message numbers).
    Seq(SetArg),
    /// `UID set`.
    Uid(SetArg),
    /// A system flag set (`ANSWERED`, `SEEN`, ...; `\Seen` spelling).
    Flag(&'static str),
    /// A system flag not set (`UNANSWERED`, ...).
    NoFlag(&'static str),
    /// `KEYWORD k`.
    Keyword(String),
    /// `UNKEYWORD k`.
    Unkeyword(String),
    /// `RECENT`.
    Recent,
    /// `NEW` (recent and unseen).
    New,
    /// `OLD` (not recent).
    Old,
    /// `LARGER n`.
    Larger(u32),
    /// `SMALLER n`.
    Smaller(u32),
    /// INTERNALDATE before the day.
    Before(Day),
    /// INTERNALDATE on the day.
    On(Day),
    /// INTERNALDATE on or after the day.
    Since(Day),
    /// Date: header before the day.
    SentBefore(Day),
    /// Date: header on the day.
    SentOn(Day),
    /// Date: header on or after the day.
    SentSince(Day),
    /// SAVEDATE before the day (RFC 8514).
    SavedBefore(Day),
    /// SAVEDATE on the day.
    SavedOn(Day),
    /// SAVEDATE on or after the day.
    SavedSince(Day),
    /// `SAVEDATESUPPORTED`.
    SaveDateSupported,
    /// `OLDER n`: INTERNALDATE at least `n` seconds ago (RFC 5032).
    Older(u32),
    /// `YOUNGER n`: INTERNALDATE at most `n` seconds ago.
    Younger(u32),
    /// A header field contains the string (`SUBJECT`, `FROM`, `HEADER`...);
    /// the field name is lower case.
    Header(String, Vec<u8>),
    /// `BODY s`.
    Body(Vec<u8>),
    /// `TEXT s`.
    Text(Vec<u8>),
    /// `MODSEQ [entry type] n` (the entry is accepted and ignored, as
    /// Cyrus does for flags it keeps no per-flag modseq for).
    Modseq(u64),
}

impl SearchKey {
    /// Whether a `MODSEQ` key appears (then results carry `(MODSEQ n)`).
    pub fn has_modseq(&self) -> bool {
        match self {
            SearchKey::Modseq(_) => true,
            SearchKey::And(v) => v.iter().any(SearchKey::has_modseq),
            SearchKey::Or(a, b) => a.has_modseq() || b.has_modseq(),
            SearchKey::Not(a) => a.has_modseq(),
            _ => false,
        }
    }

    /// Applies `f` to every string argument (charset conversion).
    pub fn map_strings<E>(
        &mut self,
        f: &mut impl FnMut(&[u8]) -> Result<Vec<u8>, E>,
    ) -> Result<(), E> {
        match self {
            SearchKey::And(v) => v.iter_mut().try_for_each(|k| k.map_strings(f)),
            SearchKey::Or(a, b) => {
                a.map_strings(f)?;
                b.map_strings(f)
            }
            SearchKey::Not(a) => a.map_strings(f),
            SearchKey::Header(_, s) | SearchKey::Body(s) | SearchKey::Text(s) => {
                *s = f(s)?;
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// `RETURN (...)` options (RFC 4731, RFC 5182).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReturnOpts {
    /// `MIN`.
    pub min: bool,
    /// `MAX`.
    pub max: bool,
    /// `ALL` (also what an empty list means).
    pub all: bool,
    /// `COUNT`.
    pub count: bool,
    /// `SAVE`.
    pub save: bool,
}

/// What a SORT criterion orders by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    /// INTERNALDATE.
    Arrival,
    /// First Cc: mailbox.
    Cc,
    /// Date: header (INTERNALDATE when missing).
    Date,
    /// First From: mailbox.
    From,
    /// RFC822.SIZE.
    Size,
    /// Base subject (RFC 5256 §2.1).
    Subject,
    /// First To: mailbox.
    To,
    /// First From: display name (RFC 5957).
    DisplayFrom,
    /// First To: display name (RFC 5957).
    DisplayTo,
    /// MODSEQ (Cyrus's SORT=MODSEQ).
    Modseq,
    /// UID (Cyrus's SORT=UID).
    Uid,
}

/// One SORT criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey {
    /// `REVERSE` came before it.
    pub reverse: bool,
    /// What it orders by.
    pub by: SortBy,
}

/// A THREAD algorithm (RFC 5256).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadAlgorithm {
    /// `ORDEREDSUBJECT`.
    OrderedSubject,
    /// `REFERENCES`.
    References,
}

/// SEARCH, SORT or THREAD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchCommand {
    /// `SEARCH [RETURN (...)] [CHARSET c] keys`.
    Search {
        /// `RETURN` options; `None` for a plain `* SEARCH` answer.
        ret: Option<ReturnOpts>,
        /// The charset, if given.
        charset: Option<String>,
        /// The keys (all must match).
        key: SearchKey,
    },
    /// `SORT [RETURN (...)] (criteria) charset keys`.
    Sort {
        /// `RETURN` options (ESORT).
        ret: Option<ReturnOpts>,
        /// The sort criteria.
        criteria: Vec<SortKey>,
        /// The charset.
        charset: String,
        /// The keys.
        key: SearchKey,
    },
    /// `THREAD algorithm charset keys`.
    Thread {
        /// The algorithm.
        algorithm: ThreadAlgorithm,
        /// The charset.
        charset: String,
        /// The keys.
        key: SearchKey,
    },
    /// A command refused with a text naming the client's word (Cyrus's
    /// `Invalid Sort criterion foo`); the rest of the line is skipped.
    Invalid(String),
}

impl SearchCommand {
    /// The command's name.
    pub fn name(&self) -> &'static str {
        match self {
            SearchCommand::Search { .. } => "SEARCH",
            SearchCommand::Sort { .. } => "SORT",
            SearchCommand::Thread { .. } => "THREAD",
            SearchCommand::Invalid(_) => "SEARCH",
        }
    }

    /// Whether a sequence-number form may refer to MSNs.
    pub fn by_sequence(&self) -> bool {
        true
    }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Days since the epoch of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `date`: `d-Mon-yyyy`, optionally quoted.
fn date(p: &mut Parser<'_>) -> Parsed<Day> {
    const BAD: SyntaxError = SyntaxError("Invalid date in Search command");
    let quoted = p.eat(b'"');
    let mut text = Vec::new();
    while let Some(c) = p.peek().filter(|c| c.is_ascii_alphanumeric() || *c == b'-') {
        text.push(c);
        p.eat(c);
    }
    if quoted && !p.eat(b'"') {
        return Err(BAD);
    }
    let text = String::from_utf8(text).map_err(|_| BAD)?;
    let mut it = text.split('-');
    let (Some(d), Some(m), Some(y), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(BAD);
    };
    let day: u32 = d.parse().map_err(|_| BAD)?;
    let month = MONTHS
        .iter()
        .position(|x| x.eq_ignore_ascii_case(m))
        .ok_or(BAD)?;
    let year: i64 = if y.len() == 4 {
        y.parse().map_err(|_| BAD)?
    } else {
        return Err(BAD);
    };
    // Cyrus lets the day run over the month (32-Jan is 1-Feb).
    if day == 0 || d.len() > 2 {
        return Err(BAD);
    }
    Ok(Day(days_from_civil(year, month as u32 + 1, day)))
}

/// A sequence set allowing 0, or `$`.
fn set_arg(p: &mut Parser<'_>) -> Parsed<SetArg> {
    const BAD: SyntaxError = SyntaxError("Invalid Search criteria");
    if p.eat(b'$') {
        return Ok(SetArg::Saved);
    }
    let num = |p: &mut Parser<'_>| -> Parsed<SeqNum> {
        if p.eat(b'*') {
            Ok(SeqNum::Star)
        } else {
            p.number().map(SeqNum::Num).map_err(|_| BAD)
        }
    };
    let mut ranges = Vec::new();
    loop {
        let a = num(p)?;
        let b = if p.eat(b':') { num(p)? } else { a };
        ranges.push((a, b));
        if ranges.len() > 100_000 {
            return Err(BAD);
        }
        if !p.eat(b',') {
            break;
        }
    }
    Ok(SetArg::Ranges(ranges))
}

/// An astring whose atom form may hold 8-bit bytes (Cyrus reads them).
fn string_arg(p: &mut Parser<'_>, what: &'static str) -> Parsed<Vec<u8>> {
    p.sp().map_err(|_| SyntaxError(what))?;
    if matches!(p.peek(), Some(b'"' | b'{' | b'~')) {
        return p.astring().map_err(|_| SyntaxError(what));
    }
    let mut out = Vec::new();
    while let Some(c) = p.peek().filter(|&c| is_astring_char(c) || c >= 0x80) {
        out.push(c);
        p.eat(c);
    }
    if out.is_empty() {
        return Err(SyntaxError(what));
    }
    Ok(out)
}

fn number_arg(p: &mut Parser<'_>) -> Parsed<u32> {
    const BAD: SyntaxError = SyntaxError("Invalid number in Search command");
    p.sp().map_err(|_| BAD)?;
    p.number().map_err(|_| BAD)
}

fn date_arg(p: &mut Parser<'_>) -> Parsed<Day> {
    p.sp()
        .map_err(|_| SyntaxError("Invalid date in Search command"))?;
    date(p)
}

/// One search key.
fn key(p: &mut Parser<'_>, depth: usize) -> Parsed<SearchKey> {
    const BAD: SyntaxError = SyntaxError("Invalid Search criteria");
    if depth > MAX_KEY_DEPTH {
        return Err(SyntaxError("Search criteria nested too deeply"));
    }
    use SearchKey as K;
    match p.peek() {
        Some(b'(') => {
            p.eat(b'(');
            let mut keys = vec![key(p, depth + 1)?];
            while p.eat(b' ') {
                keys.push(key(p, depth + 1)?);
            }
            p.expect(b')', "Missing required close paren in Search command")?;
            return Ok(K::And(keys));
        }
        Some(b'0'..=b'9' | b'*' | b'$') => return Ok(K::Seq(set_arg(p)?)),
        _ => {}
    }
    let word = p.atom().map_err(|_| BAD)?.to_ascii_uppercase();
    let k = match word.as_str() {
        "ALL" => K::All,
        "ANSWERED" => K::Flag("\\Answered"),
        "DELETED" => K::Flag("\\Deleted"),
        "DRAFT" => K::Flag("\\Draft"),
        "FLAGGED" => K::Flag("\\Flagged"),
        "SEEN" => K::Flag("\\Seen"),
        "UNANSWERED" => K::NoFlag("\\Answered"),
        "UNDELETED" => K::NoFlag("\\Deleted"),
        "UNDRAFT" => K::NoFlag("\\Draft"),
        "UNFLAGGED" => K::NoFlag("\\Flagged"),
        "UNSEEN" => K::NoFlag("\\Seen"),
        "RECENT" => K::Recent,
        "NEW" => K::New,
        "OLD" => K::Old,
        "SAVEDATESUPPORTED" => K::SaveDateSupported,
        "KEYWORD" | "UNKEYWORD" => {
            p.sp().map_err(|_| BAD)?;
            let k = p.atom().map_err(|_| BAD)?.to_string();
            if word == "KEYWORD" {
                K::Keyword(k)
            } else {
                K::Unkeyword(k)
            }
        }
        "LARGER" => K::Larger(number_arg(p)?),
        "SMALLER" => K::Smaller(number_arg(p)?),
        "OLDER" | "YOUNGER" => {
            p.sp().map_err(|_| {
                SyntaxError(if word == "OLDER" {
                    "Missing required argument to Search older"
                } else {
                    "Missing required argument to Search younger"
                })
            })?;
            let n = p
                .number()
                .map_err(|_| SyntaxError("Invalid interval in Search command"))?;
            if word == "OLDER" {
                K::Older(n)
            } else {
                K::Younger(n)
            }
        }
        "BEFORE" => K::Before(date_arg(p)?),
        "ON" => K::On(date_arg(p)?),
        "SINCE" => K::Since(date_arg(p)?),
        "SENTBEFORE" => K::SentBefore(date_arg(p)?),
        "SENTON" => K::SentOn(date_arg(p)?),
        "SENTSINCE" => K::SentSince(date_arg(p)?),
        "SAVEDBEFORE" => K::SavedBefore(date_arg(p)?),
        "SAVEDON" => K::SavedOn(date_arg(p)?),
        "SAVEDSINCE" => K::SavedSince(date_arg(p)?),
        "BCC" | "CC" | "FROM" | "SUBJECT" | "TO" => {
            let what = match word.as_str() {
                "BCC" => "Missing required argument to Search bcc",
                "CC" => "Missing required argument to Search cc",
                "FROM" => "Missing required argument to Search from",
                "SUBJECT" => "Missing required argument to Search subject",
                _ => "Missing required argument to Search to",
            };
            K::Header(word.to_ascii_lowercase(), string_arg(p, what)?)
        }
        "HEADER" => {
            let what = "Missing required argument to Search header";
            let name = string_arg(p, what)?;
            let name = String::from_utf8(name).map_err(|_| SyntaxError(what))?;
            K::Header(name.to_ascii_lowercase(), string_arg(p, what)?)
        }
        "BODY" => K::Body(string_arg(p, "Missing required argument to Search body")?),
        "TEXT" => K::Text(string_arg(p, "Missing required argument to Search text")?),
        "NOT" => {
            p.sp().map_err(|_| BAD)?;
            K::Not(Box::new(key(p, depth + 1)?))
        }
        "OR" => {
            p.sp().map_err(|_| BAD)?;
            let a = key(p, depth + 1)?;
            p.sp().map_err(|_| BAD)?;
            let b = key(p, depth + 1)?;
            K::Or(Box::new(a), Box::new(b))
        }
        "UID" => {
            p.sp().map_err(|_| BAD)?;
            K::Uid(set_arg(p)?)
        }
        "MODSEQ" => {
            p.sp().map_err(|_| BAD)?;
            // Optional entry name and type (RFC 7162 §3.1.5).
            if p.peek() == Some(b'"') {
                p.string().map_err(|_| BAD)?;
                p.sp().map_err(|_| BAD)?;
                let t = p.atom().map_err(|_| BAD)?.to_ascii_lowercase();
                if !matches!(t.as_str(), "priv" | "shared" | "all") {
                    return Err(BAD);
                }
                p.sp().map_err(|_| BAD)?;
            }
            K::Modseq(
                p.number64()
                    .map_err(|_| SyntaxError("Invalid number in Search command"))?,
            )
        }
        _ => return Err(BAD),
    };
    Ok(k)
}

/// The search keys up to the end of the command: an implicit AND.
fn keys(p: &mut Parser<'_>) -> Parsed<SearchKey> {
    let mut v = vec![key(p, 0)?];
    while p.eat(b' ') {
        if p.at_end() {
            break;
        }
        v.push(key(p, 0)?);
    }
    Ok(if v.len() == 1 {
        v.remove(0)
    } else {
        SearchKey::And(v)
    })
}

/// `RETURN (opts)` after `SEARCH ` or `SORT `, if present; an unknown
/// option is `Err(Ok(text))`.
fn return_opts(
    p: &mut Parser<'_>,
    _cmd: &str,
) -> Result<Option<ReturnOpts>, Result<String, SyntaxError>> {
    if !p.keyword("RETURN") {
        return Ok(None);
    }
    p.sp().map_err(Err)?;
    let mut r = ReturnOpts::default();
    let mut bad = None;
    p.list(|p| {
        let w = p.atom()?.to_ascii_uppercase();
        match w.as_str() {
            "MIN" => r.min = true,
            "MAX" => r.max = true,
            "ALL" => r.all = true,
            "COUNT" => r.count = true,
            "SAVE" => r.save = true,
            _ => {
                bad.get_or_insert(w);
            }
        }
        Ok(())
    })
    .map_err(Err)?;
    if let Some(w) = bad {
        // Cyrus says "Search" for SORT too.
        return Err(Ok(format!(
            "Invalid Search return option {}",
            w.to_ascii_lowercase()
        )));
    }
    // RFC 4731 §3.1: an empty list means ALL.
    if !(r.min || r.max || r.all || r.count || r.save) {
        r.all = true;
    }
    p.sp().map_err(Err)?;
    Ok(Some(r))
}

/// Unwraps [`return_opts`]: an unknown option makes the command
/// [`SearchCommand::Invalid`].
macro_rules! ret_or_invalid {
    ($p:expr, $cmd:expr) => {
        match return_opts($p, $cmd) {
            Ok(r) => r,
            Err(Ok(text)) => {
                $p.skip_rest();
                return Ok(ExtCommand::Search(SearchCommand::Invalid(text)));
            }
            Err(Err(e)) => return Err(e),
        }
    };
}

/// A charset name (an astring).
fn charset(p: &mut Parser<'_>) -> Parsed<String> {
    let c = p.astring().map_err(|_| SyntaxError("Missing charset"))?;
    String::from_utf8(c).map_err(|_| SyntaxError("Unrecognized character set"))
}

/// The criteria; an unknown one is `Err(Ok(text))`.
fn sort_criteria(p: &mut Parser<'_>) -> Result<Vec<SortKey>, Result<String, SyntaxError>> {
    const MISSING: SyntaxError = SyntaxError("Missing Sort criteria");
    if p.peek() != Some(b'(') {
        return Err(Err(MISSING));
    }
    let mut reverse = false;
    let mut out = Vec::new();
    let mut unknown = None;
    let items = p
        .list(|p| {
            let w = p.atom()?.to_ascii_uppercase();
            if w == "REVERSE" {
                reverse = true;
                return Ok(());
            }
            let by = match w.as_str() {
                "ARRIVAL" => SortBy::Arrival,
                "CC" => SortBy::Cc,
                "DATE" => SortBy::Date,
                "FROM" => SortBy::From,
                "SIZE" => SortBy::Size,
                "SUBJECT" => SortBy::Subject,
                "TO" => SortBy::To,
                "DISPLAYFROM" => SortBy::DisplayFrom,
                "DISPLAYTO" => SortBy::DisplayTo,
                "MODSEQ" => SortBy::Modseq,
                "UID" => SortBy::Uid,
                _ => {
                    unknown.get_or_insert(w.to_ascii_lowercase());
                    return Ok(());
                }
            };
            out.push(SortKey {
                reverse: std::mem::take(&mut reverse),
                by,
            });
            Ok(())
        })
        .map_err(Err)?;
    if let Some(w) = unknown {
        return Err(Ok(format!("Invalid Sort criterion {w}")));
    }
    if reverse {
        return Err(Err(SyntaxError("Missing Sort criterion to reverse")));
    }
    if items.is_empty() || out.is_empty() {
        return Err(Err(MISSING));
    }
    Ok(out)
}

/// `charset SP keys` for SORT and THREAD.
fn charset_and_keys(p: &mut Parser<'_>) -> Parsed<(String, SearchKey)> {
    p.sp().map_err(|_| SyntaxError("Missing charset"))?;
    let cs = charset(p)?;
    // Cyrus's text when the keys are missing.
    p.sp().map_err(|_| SyntaxError("Missing charset"))?;
    Ok((cs, keys(p)?))
}

/// Claims SEARCH, SORT and THREAD, with or without `UID`. Syntax errors
/// become [`SearchCommand::Invalid`]: Cyrus checks the selected state
/// before the arguments, so the handler answers in that order.
pub(super) fn parse(name: &str, uid: bool, p: &mut Parser<'_>) -> Option<Parsed<ExtCommand>> {
    let r = parse_args(name, uid, p)?;
    Some(Ok(r.unwrap_or_else(|e| {
        p.skip_rest();
        ExtCommand::Search(SearchCommand::Invalid(e.0.to_string()))
    })))
}

fn parse_args(name: &str, _uid: bool, p: &mut Parser<'_>) -> Option<Parsed<ExtCommand>> {
    let name = match name {
        "SEARCH" | "SORT" | "THREAD" => name,
        _ => return None,
    };
    Some((|| {
        let cmd = match name {
            "SEARCH" => {
                p.sp()
                    .map_err(|_| SyntaxError("Missing required argument to Search"))?;
                let ret = ret_or_invalid!(p, name);
                let charset = if p.keyword("CHARSET") {
                    p.sp().map_err(|_| SyntaxError("Missing charset"))?;
                    let c = charset(p)?;
                    p.sp()
                        .map_err(|_| SyntaxError("Missing required argument to Search"))?;
                    Some(c)
                } else {
                    None
                };
                if p.at_end() {
                    return Err(SyntaxError("Missing required argument to Search"));
                }
                SearchCommand::Search {
                    ret,
                    charset,
                    key: keys(p)?,
                }
            }
            "SORT" => {
                p.sp().map_err(|_| SyntaxError("Missing Sort criteria"))?;
                let ret = ret_or_invalid!(p, name);
                let criteria = match sort_criteria(p) {
                    Ok(c) => c,
                    Err(Ok(text)) => {
                        p.skip_rest();
                        return Ok(ExtCommand::Search(SearchCommand::Invalid(text)));
                    }
                    Err(Err(e)) => return Err(e),
                };
                let (charset, key) = charset_and_keys(p)?;
                SearchCommand::Sort {
                    ret,
                    criteria,
                    charset,
                    key,
                }
            }
            _ => {
                p.sp()
                    .map_err(|_| SyntaxError("Missing Thread algorithm"))?;
                let alg = p
                    .atom()
                    .map_err(|_| SyntaxError("Missing Thread algorithm"))?
                    .to_ascii_uppercase();
                let algorithm = match alg.as_str() {
                    "ORDEREDSUBJECT" => ThreadAlgorithm::OrderedSubject,
                    "REFERENCES" => ThreadAlgorithm::References,
                    _ => {
                        let text = format!("Invalid Thread algorithm {alg}");
                        p.skip_rest();
                        return Ok(ExtCommand::Search(SearchCommand::Invalid(text)));
                    }
                };
                let (charset, key) = charset_and_keys(p)?;
                SearchCommand::Thread {
                    algorithm,
                    charset,
                    key,
                }
            }
        };
        Ok(ExtCommand::Search(cmd))
    })())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The command, or the text of the BAD it will get.
    fn command(name: &str, line: &[u8]) -> Result<SearchCommand, String> {
        let mut p = Parser::new(line);
        let Some(Ok(ExtCommand::Search(c))) = parse(name, false, &mut p) else {
            unreachable!()
        };
        p.end().map_err(|e| e.0.to_string())?;
        match c {
            SearchCommand::Invalid(t) => Err(t),
            c => Ok(c),
        }
    }

    fn search(line: &str) -> Result<SearchCommand, String> {
        command("SEARCH", line.as_bytes())
    }

    fn key_of(line: &str) -> SearchKey {
        match search(line).unwrap() {
            SearchCommand::Search { key, .. } => key,
            _ => unreachable!(),
        }
    }

    #[test]
    fn keys_nest() {
        use SearchKey as K;
        assert_eq!(
            key_of(" OR (SEEN UNKEYWORD $x) NOT 2:* UID 0"),
            K::And(vec![
                K::Or(
                    Box::new(K::And(vec![K::Flag("\\Seen"), K::Unkeyword("$x".into())])),
                    Box::new(K::Not(Box::new(K::Seq(SetArg::Ranges(vec![(
                        SeqNum::Num(2),
                        SeqNum::Star
                    ),]))))),
                ),
                K::Uid(SetArg::Ranges(vec![(SeqNum::Num(0), SeqNum::Num(0))])),
            ])
        );
    }

    #[test]
    fn strings_dates_and_modseq() {
        use SearchKey as K;
        assert_eq!(
            key_of(" HEADER X-Foo \"\" SENTON \"2-Jan-2023\" MODSEQ \"/flags/\\\\Seen\" all 7"),
            K::And(vec![
                K::Header("x-foo".into(), vec![]),
                K::SentOn(Day(19_359)),
                K::Modseq(7),
            ])
        );
        assert_eq!(key_of(" SINCE 1-Jan-1970"), K::Since(Day(0)));
        assert_eq!(key_of(" TEXT {3}\r\nred"), K::Text(b"red".to_vec()));
        assert_eq!(
            key_of(" BODY cr\u{e8}me"),
            K::Body("cr\u{e8}me".as_bytes().to_vec())
        );
    }

    #[test]
    fn return_and_charset() {
        let c = search(" RETURN () CHARSET utf-8 $").unwrap();
        assert_eq!(
            c,
            SearchCommand::Search {
                ret: Some(ReturnOpts {
                    all: true,
                    ..ReturnOpts::default()
                }),
                charset: Some("utf-8".into()),
                key: SearchKey::Seq(SetArg::Saved),
            }
        );
    }

    #[test]
    fn errors_are_cyrus_texts() {
        let e = |l: &str| search(l).unwrap_err();
        assert_eq!(e(""), "Missing required argument to Search");
        assert_eq!(e(" FOO"), "Invalid Search criteria");
        assert_eq!(e(" LARGER abc"), "Invalid number in Search command");
        assert_eq!(e(" SINCE 1-Foo-2000"), "Invalid date in Search command");
        assert_eq!(e(" RETURN (FOO) ALL"), "Invalid Search return option foo");
        assert_eq!(e(" OLDER x"), "Invalid interval in Search command");
        assert_eq!(e(" TEXT"), "Missing required argument to Search text");
        assert_eq!(e(" 1,$"), "Invalid Search criteria");
        let deep = format!(" {}ALL{}", "(".repeat(100), ")".repeat(100));
        assert!(search(&deep).is_err());
        let nots = format!(" {}ALL", "NOT ".repeat(100));
        assert!(search(&nots).is_err());
    }

    proptest::proptest! {
        /// Any bytes after the command name give a command or a syntax
        /// error, never a panic (nesting is bounded).
        #[test]
        fn never_panics(tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            for name in ["SEARCH", "SORT", "THREAD"] {
                let mut p = Parser::new(&tail);
                let _ = parse(name, false, &mut p);
            }
        }

        /// Keys built from the grammar's pieces parse.
        #[test]
        fn grammar_keys_parse(words in proptest::collection::vec(
            proptest::sample::select(vec![
                "ALL", "SEEN", "NOT DELETED", "OR SEEN FLAGGED", "1:*", "UID 2,4:5", "$",
                "(NEW OLD)", "LARGER 5", "SINCE 1-Feb-2024", "HEADER X \"\"", "BODY {2}\r\nab",
                "MODSEQ 7", "YOUNGER 9", "KEYWORD $x", "TEXT \"q\\\"\"",
            ]),
            1..8,
        )) {
            let line = format!(" {}", words.join(" "));
            proptest::prop_assert!(search(&line).is_ok(), "{}", line);
        }
    }

    #[test]
    fn sort_and_thread() {
        let mut p = Parser::new(b" RETURN (MIN) (REVERSE DATE subject) US-ASCII ALL");
        let ExtCommand::Search(c) = parse("SORT", true, &mut p).unwrap().unwrap() else {
            unreachable!()
        };
        assert_eq!(
            c,
            SearchCommand::Sort {
                ret: Some(ReturnOpts {
                    min: true,
                    ..ReturnOpts::default()
                }),
                criteria: vec![
                    SortKey {
                        reverse: true,
                        by: SortBy::Date
                    },
                    SortKey {
                        reverse: false,
                        by: SortBy::Subject
                    }
                ],
                charset: "US-ASCII".into(),
                key: SearchKey::All,
            }
        );
        for (line, err) in [
            (&b" DATE UTF-8 ALL"[..], "Missing Sort criteria"),
            (b" () UTF-8 ALL", "Missing Sort criteria"),
            (b" (REVERSE) UTF-8 ALL", "Missing Sort criterion to reverse"),
            (b" (DATE) UTF-8", "Missing charset"),
        ] {
            assert_eq!(command("SORT", line).unwrap_err(), err);
        }
        assert!(command("THREAD", b" references UTF-8 NOT DELETED").is_ok());
        let mut p = Parser::new(b" FOO UTF-8 ALL");
        assert_eq!(
            parse("THREAD", false, &mut p).unwrap().unwrap(),
            ExtCommand::Search(SearchCommand::Invalid(
                "Invalid Thread algorithm FOO".into()
            ))
        );
        let mut p = Parser::new(b" (DATE FOO) UTF-8 ALL");
        assert_eq!(
            parse("SORT", false, &mut p).unwrap().unwrap(),
            ExtCommand::Search(SearchCommand::Invalid("Invalid Sort criterion foo".into()))
        );
    }
}
