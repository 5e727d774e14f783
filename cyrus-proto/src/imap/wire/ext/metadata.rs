//! RFC 5464 METADATA commands: GETMETADATA and SETMETADATA.

use super::{ExtCommand, Parsed, Parser, SyntaxError};

/// How many entries one command may name (a bound on work per command).
pub const MAX_ENTRIES: usize = 1000;

/// `DEPTH` of GETMETADATA (RFC 5464 §4.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Depth {
    /// `0`: the entry itself (the default).
    #[default]
    Zero,
    /// `1`: the entry and its direct children.
    One,
    /// `infinity`: the whole subtree.
    Infinity,
}

/// A METADATA command; the mailbox is as the client sent it (`""` is the
/// server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetadataCommand {
    /// `GETMETADATA [(options)] mailbox entries`.
    Get {
        /// `MAXSIZE n`.
        maxsize: Option<u32>,
        /// `DEPTH`.
        depth: Depth,
        /// Mailbox.
        mailbox: String,
        /// Entry names as sent.
        entries: Vec<String>,
    },
    /// `SETMETADATA mailbox (entry value …)`; `None` (NIL) removes.
    Set {
        /// Mailbox.
        mailbox: String,
        /// Entries and their new values.
        entries: Vec<(String, Option<Vec<u8>>)>,
    },
}

impl MetadataCommand {
    /// The command's name.
    pub fn name(&self) -> &'static str {
        match self {
            MetadataCommand::Get { .. } => "GETMETADATA",
            MetadataCommand::Set { .. } => "SETMETADATA",
        }
    }
}

fn entry(p: &mut Parser<'_>) -> Parsed<String> {
    String::from_utf8(p.astring()?).map_err(|_| SyntaxError("Invalid entry name"))
}

/// `nstring` or `literal8` (RFC 5464 §5: values may be binary).
fn value(p: &mut Parser<'_>) -> Parsed<Option<Vec<u8>>> {
    if p.at_literal() {
        return Ok(Some(p.literal()?.0.to_vec()));
    }
    p.nstring()
}

fn options(p: &mut Parser<'_>) -> Parsed<(Option<u32>, Depth)> {
    let mut maxsize = None;
    let mut depth = Depth::Zero;
    let items = p.list(|p| {
        let name = p.atom()?.to_ascii_uppercase();
        p.sp()?;
        match name.as_str() {
            "MAXSIZE" => Ok((Some(p.number()?), None)),
            "DEPTH" => {
                let d = if p.keyword("infinity") {
                    Depth::Infinity
                } else {
                    match p.number()? {
                        0 => Depth::Zero,
                        1 => Depth::One,
                        _ => return Err(SyntaxError("Invalid DEPTH")),
                    }
                };
                Ok((None, Some(d)))
            }
            _ => Err(SyntaxError("Invalid GETMETADATA option")),
        }
    })?;
    for (m, d) in items {
        maxsize = m.or(maxsize);
        depth = d.unwrap_or(depth);
    }
    Ok((maxsize, depth))
}

/// Claims GETMETADATA and SETMETADATA.
pub(super) fn parse(name: &str, uid: bool, p: &mut Parser<'_>) -> Option<Parsed<ExtCommand>> {
    if uid || !matches!(name, "GETMETADATA" | "SETMETADATA") {
        return None;
    }
    let get = name == "GETMETADATA";
    Some((|| {
        p.sp()?;
        if get {
            let (maxsize, depth) = if p.peek() == Some(b'(') {
                let o = options(p)?;
                p.sp()?;
                o
            } else {
                (None, Depth::Zero)
            };
            let mailbox = p.mailbox()?;
            p.sp()?;
            let entries = p.list_or_one(entry)?;
            if entries.len() > MAX_ENTRIES {
                return Err(SyntaxError("Too many entries"));
            }
            Ok(ExtCommand::Metadata(MetadataCommand::Get {
                maxsize,
                depth,
                mailbox,
                entries,
            }))
        } else {
            let mailbox = p.mailbox()?;
            p.sp()?;
            p.expect(b'(', "Missing (")?;
            let mut entries = Vec::new();
            loop {
                let e = entry(p)?;
                p.sp()?;
                entries.push((e, value(p)?));
                if entries.len() > MAX_ENTRIES {
                    return Err(SyntaxError("Too many entries"));
                }
                if p.eat(b')') {
                    break;
                }
                p.sp()?;
            }
            Ok(ExtCommand::Metadata(MetadataCommand::Set {
                mailbox,
                entries,
            }))
        }
    })())
}

#[cfg(test)]
mod tests {
    use super::super::decode;
    use super::*;

    #[test]
    fn parses_get_and_set() {
        let m = decode(
            b"a GETMETADATA (DEPTH infinity MAXSIZE 10) \"\" (/shared/comment /private)\r\n",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            m.command,
            ExtCommand::Metadata(MetadataCommand::Get {
                maxsize: Some(10),
                depth: Depth::Infinity,
                mailbox: String::new(),
                entries: vec!["/shared/comment".into(), "/private".into()],
            })
        );
        let m = decode(b"a SETMETADATA INBOX (/shared/comment {2}\r\nhi /private/x NIL)\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(
            m.command,
            ExtCommand::Metadata(MetadataCommand::Set {
                mailbox: "INBOX".into(),
                entries: vec![
                    ("/shared/comment".into(), Some(b"hi".to_vec())),
                    ("/private/x".into(), None)
                ],
            })
        );
        assert!(decode(b"a GETMETADATA (DEPTH 2) INBOX /shared\r\n")
            .unwrap()
            .is_err());
        assert!(decode(b"a SETMETADATA INBOX ()\r\n").unwrap().is_err());
    }
}
