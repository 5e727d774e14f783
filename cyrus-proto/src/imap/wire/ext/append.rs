//! APPEND in full: MULTIAPPEND (RFC 3502: several messages, each with its
//! own flags and date), CATENATE (RFC 4469: a message built from TEXT
//! literals and URLs of messages on this server) and literal8 (RFC 3516
//! `~{n}`). This parser claims every APPEND, so the handler has one path.
//!
//! ```text
//! append          = "APPEND" SP mailbox 1*append-message
//! append-message  = [SP flag-list] [SP date-time] SP append-data
//! append-data     = literal / literal8 / "CATENATE" SP "(" cat-part *(SP cat-part) ")"
//! cat-part        = "TEXT" SP (literal / literal8) / "URL" SP astring
//! ```

use chrono::DateTime;

use super::{ExtCommand, Parsed, Parser, SyntaxError};

/// Most messages one APPEND may carry.
pub const MAX_MESSAGES: usize = 1000;
/// Most parts one CATENATE may have.
pub const MAX_PARTS: usize = 100;
/// Most flags on one message.
const MAX_FLAGS: usize = 128;

/// One part of a CATENATE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatPart {
    /// `TEXT literal`: the bytes themselves.
    Text(Vec<u8>),
    /// `URL url`: a message or section on this server.
    Url(String),
}

/// Where a message's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppendData {
    /// A literal (`binary`: it was a literal8).
    Literal {
        /// The bytes.
        bytes: Vec<u8>,
        /// Sent as `~{n}`.
        binary: bool,
    },
    /// `CATENATE (...)`.
    Catenate(Vec<CatPart>),
}

/// One message of an APPEND.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendMessage {
    /// Flags as sent (`\Seen`, keywords).
    pub flags: Vec<String>,
    /// INTERNALDATE as seconds since the epoch, if given.
    pub date: Option<i64>,
    /// The message.
    pub data: AppendData,
}

/// `APPEND mailbox message...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendCommand {
    /// The mailbox as the client sent it.
    pub mailbox: String,
    /// One or more messages.
    pub messages: Vec<AppendMessage>,
}

/// `date-time` (RFC 3501 §9): `"dd-Mon-yyyy hh:mm:ss +zzzz"`, the day
/// possibly space-padded.
fn date_time(p: &mut Parser<'_>) -> Parsed<i64> {
    let raw = p.string()?;
    let text = std::str::from_utf8(&raw).map_err(|_| SyntaxError("Invalid date-time"))?;
    DateTime::parse_from_str(text.trim_start(), "%d-%b-%Y %H:%M:%S %z")
        .map(|d| d.timestamp())
        .map_err(|_| SyntaxError("Invalid date-time"))
}

/// `flag`: `\Atom` or a keyword atom.
fn flag(p: &mut Parser<'_>) -> Parsed<String> {
    let slash = p.eat(b'\\');
    let a = p.atom()?;
    Ok(if slash {
        format!("\\{a}")
    } else {
        a.to_string()
    })
}

/// A literal, or a literal8 (RFC 3516), the only one that may carry NUL
/// (RFC 3501 CHAR8); a NUL in a literal8 message is then refused by the
/// message check with `NO`, as Cyrus does.
fn literal_bytes(p: &mut Parser<'_>) -> Parsed<(Vec<u8>, bool)> {
    let (b, binary) = p.literal_any()?;
    if !binary && b.contains(&0) {
        // Worded as the BAD for other commands imap-codec refuses.
        return Err(SyntaxError("Invalid arguments"));
    }
    Ok((b.to_vec(), binary))
}

fn cat_part(p: &mut Parser<'_>) -> Parsed<CatPart> {
    if p.keyword("TEXT") {
        p.sp()?;
        Ok(CatPart::Text(literal_bytes(p)?.0))
    } else if p.keyword("URL") {
        p.sp()?;
        let u = p.astring()?;
        String::from_utf8(u)
            .map(CatPart::Url)
            .map_err(|_| SyntaxError("Invalid URL"))
    } else {
        Err(SyntaxError("Invalid catenate part"))
    }
}

fn message(p: &mut Parser<'_>) -> Parsed<AppendMessage> {
    let mut flags = Vec::new();
    if p.peek() == Some(b'(') {
        flags = p.list(flag)?;
        if flags.len() > MAX_FLAGS {
            return Err(SyntaxError("Too many flags"));
        }
        p.sp()?;
    }
    let mut date = None;
    if p.peek() == Some(b'"') {
        date = Some(date_time(p)?);
        p.sp()?;
    }
    let data = if p.keyword("CATENATE") {
        p.sp()?;
        let parts = p.list(cat_part)?;
        if parts.is_empty() || parts.len() > MAX_PARTS {
            return Err(SyntaxError("Invalid number of catenate parts"));
        }
        AppendData::Catenate(parts)
    } else if p.at_literal() {
        let (bytes, binary) = literal_bytes(p)?;
        AppendData::Literal { bytes, binary }
    } else {
        return Err(SyntaxError("Missing message literal"));
    };
    Ok(AppendMessage { flags, date, data })
}

/// Claims APPEND.
pub(super) fn parse(name: &str, uid: bool, p: &mut Parser<'_>) -> Option<Parsed<ExtCommand>> {
    if uid || name != "APPEND" {
        return None;
    }
    Some((|| {
        p.sp()?;
        let mailbox = p.mailbox()?;
        let mut messages = Vec::new();
        while !p.at_end() {
            if messages.len() >= MAX_MESSAGES {
                return Err(SyntaxError("Too many messages"));
            }
            p.sp()?;
            messages.push(message(p)?);
        }
        if messages.is_empty() {
            return Err(SyntaxError("Missing message literal"));
        }
        Ok(ExtCommand::Append(AppendCommand { mailbox, messages }))
    })())
}

#[cfg(test)]
mod tests {
    use super::super::{decode, ExtCommand};
    use super::*;

    fn append(b: &[u8]) -> AppendCommand {
        match decode(b).unwrap().unwrap().command {
            ExtCommand::Append(a) => a,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn multiappend_with_flags_dates_and_literal8() {
        let a = append(
            b"a APPEND INBOX (\\Seen $Work) \" 6-Jan-2024 10:00:00 +0000\" {3}\r\nabc ~{3+}\r\na\0c\r\n",
        );
        assert_eq!(a.mailbox, "INBOX");
        assert_eq!(a.messages.len(), 2);
        assert_eq!(a.messages[0].flags, vec!["\\Seen", "$Work"]);
        assert_eq!(a.messages[0].date, Some(1_704_535_200));
        assert_eq!(
            a.messages[1].data,
            AppendData::Literal {
                bytes: b"a\0c".to_vec(),
                binary: true
            }
        );
    }

    #[test]
    fn catenate_parts() {
        let a = append(
            b"a APPEND x CATENATE (URL \"/INBOX;UIDVALIDITY=5/;UID=2\" TEXT {2}\r\nhi URL ;UID=1)\r\n",
        );
        assert_eq!(
            a.messages[0].data,
            AppendData::Catenate(vec![
                CatPart::Url("/INBOX;UIDVALIDITY=5/;UID=2".into()),
                CatPart::Text(b"hi".to_vec()),
                CatPart::Url(";UID=1".into()),
            ])
        );
    }

    #[test]
    fn bad_appends_are_rejected() {
        for b in [
            &b"a APPEND x\r\n"[..],
            b"a APPEND x (\\Seen)\r\n",
            b"a APPEND x \"bogus\" {1}\r\nx\r\n",
            b"a APPEND x CATENATE ()\r\n",
            b"a APPEND x CATENATE (FOO {1}\r\nx)\r\n",
            b"a APPEND x {1}\r\nx junk\r\n",
            b"a APPEND x {3}\r\na\0b\r\n",
        ] {
            assert!(
                decode(b).unwrap().is_err(),
                "{}",
                String::from_utf8_lossy(b)
            );
        }
    }
}
