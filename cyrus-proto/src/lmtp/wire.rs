//! LMTP command lines (RFC 2033, RFC 5321 §4.1, RFC 3030): parsing one
//! line (without its CRLF) into a [`Command`]. Pure; follows the
//! argument rules of Cyrus's `lmtpengine.c` (`parseaddr`, the `MAIL`
//! and `RCPT` parameter loops).

/// One parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `LHLO <host>`.
    Lhlo(String),
    /// `MAIL FROM:<path> [params]`.
    Mail(MailParams),
    /// `RCPT TO:<path> [IGNOREQUOTA]`.
    Rcpt {
        /// The address inside the brackets, source route removed.
        address: String,
        /// `IGNOREQUOTA` was given.
        ignore_quota: bool,
    },
    /// `DATA`.
    Data,
    /// `BDAT <n> [LAST]` (RFC 3030).
    Bdat {
        /// Octets of the chunk that follows the command line.
        size: usize,
        /// This is the last chunk.
        last: bool,
    },
    /// `RSET`.
    Rset,
    /// `NOOP`.
    Noop,
    /// `QUIT`.
    Quit,
    /// `STARTTLS`.
    StartTls,
    /// `AUTH <mech> [initial]`.
    Auth(String),
    /// `VRFY <x>`.
    Vrfy,
}

/// `MAIL FROM` and its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MailParams {
    /// Reverse path without brackets (empty for `<>`).
    pub from: String,
    /// `AUTH=<id>` (decoded xtext; `None` for absent or `<>`).
    pub auth: Option<String>,
    /// `SIZE=n`.
    pub size: Option<u64>,
}

/// Why a line did not parse; each maps to one reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    /// Unknown command or bad shape (`500 5.5.2 Syntax error`).
    Syntax,
    /// Bad address or trailing junk (`501 5.5.4 Syntax error in parameters`).
    BadParameters,
    /// Unknown parameter (`501 5.5.4 Unrecognized parameters`).
    UnknownParameter,
    /// `BODY=` other than 7BIT/8BITMIME.
    BadBody,
    /// `SIZE=` without digits.
    SizeNeedsValue,
    /// `SIZE=` beyond any limit.
    SizeTooBig,
}

/// Parses one command line (no CRLF). Verbs are case-insensitive.
pub fn parse_command(line: &[u8]) -> Result<Command, WireError> {
    let line = std::str::from_utf8(line).map_err(|_| WireError::Syntax)?;
    let (verb, rest) = match line.find(' ') {
        Some(i) => (&line[..i], Some(&line[i + 1..])),
        None => (line, None),
    };
    let verb = verb.to_ascii_uppercase();
    match (verb.as_str(), rest) {
        ("LHLO", Some(host)) => Ok(Command::Lhlo(host.to_string())),
        ("MAIL", Some(rest)) => parse_mail(rest).map(Command::Mail),
        ("RCPT", Some(rest)) => parse_rcpt(rest),
        ("DATA", None) => Ok(Command::Data),
        ("BDAT", Some(rest)) => parse_bdat(rest),
        ("RSET", None) => Ok(Command::Rset),
        ("NOOP", None) => Ok(Command::Noop),
        ("QUIT", None) => Ok(Command::Quit),
        ("STARTTLS", None) => Ok(Command::StartTls),
        ("AUTH", Some(rest)) => Ok(Command::Auth(rest.to_string())),
        ("VRFY", Some(_)) => Ok(Command::Vrfy),
        _ => Err(WireError::Syntax),
    }
}

/// Strips `prefix` case-insensitively.
fn strip_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// `<path>` at the start of `s`: the address (source route removed) and
/// what follows. Cyrus `parseaddr` also accepts quoted local parts.
fn parse_path(s: &str) -> Result<(String, &str), WireError> {
    let s = s.strip_prefix('<').ok_or(WireError::BadParameters)?;
    let mut in_quote = false;
    let mut end = None;
    for (i, c) in s.char_indices() {
        match c {
            '"' => in_quote = !in_quote,
            '\\' if in_quote => {}
            '>' if !in_quote => {
                end = Some(i);
                break;
            }
            c if c.is_control() => return Err(WireError::BadParameters),
            _ => {}
        }
    }
    let end = end.ok_or(WireError::BadParameters)?;
    let mut addr = &s[..end];
    // A source route `@a,@b:user@host` (RFC 5321 §4.1.2) is dropped.
    if addr.starts_with('@') {
        addr = addr
            .find(':')
            .map(|i| &addr[i + 1..])
            .ok_or(WireError::BadParameters)?;
    }
    if addr.contains(' ') && !addr.contains('"') {
        return Err(WireError::BadParameters);
    }
    Ok((addr.to_string(), &s[end + 1..]))
}

/// Decodes RFC 3461 xtext (`+XX` escapes).
fn xtext(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'+' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn parse_mail(rest: &str) -> Result<MailParams, WireError> {
    let rest = strip_ci(rest, "FROM:").ok_or(WireError::BadParameters)?;
    let (from, mut tail) = parse_path(rest)?;
    let mut params = MailParams {
        from,
        ..MailParams::default()
    };
    while let Some(t) = tail.strip_prefix(' ') {
        let (word, next) = t.split_at(t.find(' ').unwrap_or(t.len()));
        tail = next;
        if let Some(v) = strip_ci(word, "AUTH=") {
            params.auth = (v != "<>").then(|| xtext(v)).flatten();
        } else if let Some(v) = strip_ci(word, "BODY=") {
            if !v.eq_ignore_ascii_case("7BIT") && !v.eq_ignore_ascii_case("8BITMIME") {
                return Err(WireError::BadBody);
            }
        } else if let Some(v) = strip_ci(word, "SIZE=") {
            if !v.starts_with(|c: char| c.is_ascii_digit()) {
                return Err(WireError::SizeNeedsValue);
            }
            params.size = Some(v.parse().map_err(|_| WireError::SizeTooBig)?);
        } else {
            return Err(WireError::UnknownParameter);
        }
    }
    if !tail.is_empty() {
        return Err(WireError::BadParameters);
    }
    Ok(params)
}

fn parse_rcpt(rest: &str) -> Result<Command, WireError> {
    let rest = strip_ci(rest, "TO:").ok_or(WireError::BadParameters)?;
    let (address, mut tail) = parse_path(rest)?;
    let mut ignore_quota = false;
    while let Some(t) = tail.strip_prefix(' ') {
        let (word, next) = t.split_at(t.find(' ').unwrap_or(t.len()));
        tail = next;
        if word.eq_ignore_ascii_case("IGNOREQUOTA") {
            ignore_quota = true;
        } else {
            return Err(WireError::UnknownParameter);
        }
    }
    if !tail.is_empty() {
        return Err(WireError::BadParameters);
    }
    if address.is_empty() {
        return Err(WireError::BadParameters);
    }
    Ok(Command::Rcpt {
        address,
        ignore_quota,
    })
}

fn parse_bdat(rest: &str) -> Result<Command, WireError> {
    let mut words = rest.split(' ');
    let size = words
        .next()
        .filter(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|w| w.parse().ok())
        .ok_or(WireError::BadParameters)?;
    let last = match words.next() {
        None => false,
        Some(w) if w.eq_ignore_ascii_case("LAST") => true,
        Some(_) => return Err(WireError::BadParameters),
    };
    if words.next().is_some() {
        return Err(WireError::BadParameters);
    }
    Ok(Command::Bdat { size, last })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Command, WireError> {
        parse_command(s.as_bytes())
    }

    #[test]
    fn commands() {
        assert_eq!(p("lhlo x.example"), Ok(Command::Lhlo("x.example".into())));
        assert_eq!(
            p("MAIL FROM:<a@b> BODY=8BITMIME SIZE=12 AUTH=bob+40x"),
            Ok(Command::Mail(MailParams {
                from: "a@b".into(),
                auth: Some("bob@x".into()),
                size: Some(12)
            }))
        );
        assert_eq!(p("MAIL FROM:<> AUTH=<>").map(|_| ()), Ok(()));
        assert_eq!(p("MAIL FROM:<a> BODY=x"), Err(WireError::BadBody));
        assert_eq!(p("MAIL FROM:<a> SIZE="), Err(WireError::SizeNeedsValue));
        assert_eq!(p("MAIL FROM:<a> FOO=1"), Err(WireError::UnknownParameter));
        assert_eq!(p("MAIL FROM:a"), Err(WireError::BadParameters));
        assert_eq!(
            p("RCPT TO:<@r1,@r2:Bob@h> IGNOREQUOTA"),
            Ok(Command::Rcpt {
                address: "Bob@h".into(),
                ignore_quota: true
            })
        );
        assert_eq!(p("RCPT TO:<>"), Err(WireError::BadParameters));
        assert_eq!(
            p("BDAT 10 LAST"),
            Ok(Command::Bdat {
                size: 10,
                last: true
            })
        );
        assert_eq!(p("BDAT x"), Err(WireError::BadParameters));
        assert_eq!(p("DATA x"), Err(WireError::Syntax));
        assert_eq!(p("HELO"), Err(WireError::Syntax));
        assert_eq!(p("quit"), Ok(Command::Quit));
    }
}
