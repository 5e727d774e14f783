//! Framing and parsing of client commands (RFC 5804 §4): a command is
//! atoms and strings separated by spaces and ended by CRLF; strings are
//! quoted (`\` escapes `"` and `\`) or literals `{n+}`/`{n}` followed by
//! CRLF and `n` octets (the server never sends a continuation). Pure: the
//! session keeps the buffer and drops what a frame consumed.

/// One token of a command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A bare word: command names and numbers.
    Atom(String),
    /// A quoted string or a literal.
    Str(Vec<u8>),
}

/// A command the session understands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// An empty line (ignored, as Cyrus does).
    Empty,
    /// `AUTHENTICATE mechanism [initial-response]` (base64 text).
    Authenticate {
        /// Mechanism name.
        mechanism: String,
        /// The initial response, still base64.
        initial: Option<Vec<u8>>,
    },
    /// `STARTTLS`
    StartTls,
    /// `LOGOUT`
    Logout,
    /// `CAPABILITY`
    Capability,
    /// `LISTSCRIPTS`
    ListScripts,
    /// `UNAUTHENTICATE`
    Unauthenticate,
    /// `NOOP [tag]`
    Noop(Option<Vec<u8>>),
    /// `GETSCRIPT name`
    GetScript(Vec<u8>),
    /// `DELETESCRIPT name`
    DeleteScript(Vec<u8>),
    /// `SETACTIVE name` (empty: deactivate)
    SetActive(Vec<u8>),
    /// `PUTSCRIPT name script`
    PutScript {
        /// Script name.
        name: Vec<u8>,
        /// Script source.
        script: Vec<u8>,
    },
    /// `CHECKSCRIPT script`
    CheckScript(Vec<u8>),
    /// `HAVESPACE name size`
    HaveSpace {
        /// Script name.
        name: Vec<u8>,
        /// Size in octets.
        size: u64,
    },
    /// `RENAMESCRIPT old new`
    RenameScript {
        /// Current name.
        old: Vec<u8>,
        /// New name.
        new: Vec<u8>,
    },
}

/// A malformed command; the text is what Cyrus answers in its `NO`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct WireError(pub &'static str);

/// The result of looking at the buffered input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed<T> {
    /// More bytes are needed.
    Incomplete,
    /// A whole line was consumed (`consumed` bytes), parsed or not.
    Done {
        /// What it was.
        item: Result<T, WireError>,
        /// Bytes to drop from the buffer.
        consumed: usize,
    },
    /// A literal larger than the limit starts here: drop `header` bytes,
    /// then `len` literal bytes, then the rest of the line.
    LiteralTooBig {
        /// Bytes up to and including the literal's CRLF.
        header: usize,
        /// The literal's announced length.
        len: u64,
    },
    /// The line is longer than allowed without ending.
    LineTooLong,
}

/// Limits for framing.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest line outside literals.
    pub max_line: usize,
    /// Largest literal.
    pub max_literal: usize,
}

/// Splits the first line of `buf` into tokens.
pub fn tokens(buf: &[u8], limits: Limits) -> Parsed<Vec<Token>> {
    let mut toks = Vec::new();
    let mut i = 0usize;
    let mut line_bytes = 0usize;
    let mut err: Option<WireError> = None;
    loop {
        if line_bytes > limits.max_line {
            return Parsed::LineTooLong;
        }
        let Some(&c) = buf.get(i) else {
            return Parsed::Incomplete;
        };
        match c {
            b' ' | b'\t' => {
                i += 1;
                line_bytes += 1;
            }
            b'\r' if buf.get(i + 1) == Some(&b'\n') => {
                i += 2;
                break;
            }
            b'\r' if i + 1 >= buf.len() => return Parsed::Incomplete,
            b'\n' => {
                i += 1;
                break;
            }
            b'"' => {
                let mut s = Vec::new();
                let mut j = i + 1;
                loop {
                    let Some(&d) = buf.get(j) else {
                        return if j - i + line_bytes > limits.max_line {
                            Parsed::LineTooLong
                        } else {
                            Parsed::Incomplete
                        };
                    };
                    match d {
                        b'"' => break,
                        b'\\' => {
                            let Some(&e) = buf.get(j + 1) else {
                                return Parsed::Incomplete;
                            };
                            s.push(e);
                            j += 2;
                        }
                        b'\r' | b'\n' => {
                            err.get_or_insert(WireError("Expected string"));
                            break;
                        }
                        _ => {
                            s.push(d);
                            j += 1;
                        }
                    }
                }
                if buf.get(j) == Some(&b'"') {
                    j += 1;
                }
                line_bytes += j - i;
                i = j;
                toks.push(Token::Str(s));
            }
            b'{' => {
                let Some(close) = buf[i..].iter().position(|&b| b == b'}') else {
                    if buf.len() - i > 24 {
                        err.get_or_insert(WireError("Expected string"));
                        i += 1;
                        continue;
                    }
                    return Parsed::Incomplete;
                };
                let inner = &buf[i + 1..i + close];
                let digits = inner.strip_suffix(b"+").unwrap_or(inner);
                let len = std::str::from_utf8(digits)
                    .ok()
                    .filter(|d| {
                        !d.is_empty() && d.len() <= 12 && d.bytes().all(|b| b.is_ascii_digit())
                    })
                    .and_then(|d| d.parse::<u64>().ok());
                let Some(len) = len else {
                    err.get_or_insert(WireError("Expected string"));
                    i += close + 1;
                    continue;
                };
                let after = i + close + 1;
                let data_at = match (buf.get(after), buf.get(after + 1)) {
                    (Some(b'\r'), Some(b'\n')) => after + 2,
                    (Some(b'\n'), _) => after + 1,
                    (None, _) | (Some(b'\r'), None) => return Parsed::Incomplete,
                    _ => {
                        err.get_or_insert(WireError("Expected string"));
                        i = after;
                        continue;
                    }
                };
                if len > limits.max_literal as u64 {
                    return Parsed::LiteralTooBig {
                        header: data_at,
                        len,
                    };
                }
                let end = data_at + len as usize;
                if buf.len() < end {
                    return Parsed::Incomplete;
                }
                toks.push(Token::Str(buf[data_at..end].to_vec()));
                line_bytes += data_at - i;
                i = end;
            }
            _ => {
                let end = buf[i..]
                    .iter()
                    .position(|&b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'{'))
                    .map_or(buf.len(), |p| i + p);
                if end == buf.len() {
                    return if end - i + line_bytes > limits.max_line {
                        Parsed::LineTooLong
                    } else {
                        Parsed::Incomplete
                    };
                }
                toks.push(Token::Atom(
                    String::from_utf8_lossy(&buf[i..end]).into_owned(),
                ));
                line_bytes += end - i;
                i = end;
            }
        }
    }
    Parsed::Done {
        item: match err {
            Some(e) => Err(e),
            None => Ok(toks),
        },
        consumed: i,
    }
}

/// Frames and parses one command from the front of `buf`.
pub fn parse_command(buf: &[u8], limits: Limits) -> Parsed<Command> {
    match tokens(buf, limits) {
        Parsed::Done { item, consumed } => Parsed::Done {
            item: item.and_then(command),
            consumed,
        },
        Parsed::Incomplete => Parsed::Incomplete,
        Parsed::LiteralTooBig { header, len } => Parsed::LiteralTooBig { header, len },
        Parsed::LineTooLong => Parsed::LineTooLong,
    }
}

fn string(t: Option<Token>, missing: &'static str) -> Result<Vec<u8>, WireError> {
    match t {
        Some(Token::Str(s)) => Ok(s),
        _ => Err(WireError(missing)),
    }
}

fn end(mut rest: std::vec::IntoIter<Token>) -> Result<(), WireError> {
    match rest.next() {
        None => Ok(()),
        Some(_) => Err(WireError("Expected EOL")),
    }
}

fn command(toks: Vec<Token>) -> Result<Command, WireError> {
    let mut it = toks.into_iter();
    let name = match it.next() {
        None => return Ok(Command::Empty),
        Some(Token::Atom(a)) => a.to_ascii_uppercase(),
        Some(Token::Str(_)) => return Err(WireError("Expected a command. Got something else.")),
    };
    let cmd = match name.as_str() {
        "AUTHENTICATE" => {
            let mech = string(it.next(), "Did not specify mechanism name")?;
            let initial = match it.next() {
                None => None,
                Some(Token::Str(s)) => Some(s),
                Some(Token::Atom(_)) => return Err(WireError("Expected string")),
            };
            Command::Authenticate {
                mechanism: String::from_utf8_lossy(&mech).into_owned(),
                initial,
            }
        }
        "STARTTLS" => Command::StartTls,
        "LOGOUT" => Command::Logout,
        "CAPABILITY" => Command::Capability,
        "LISTSCRIPTS" => Command::ListScripts,
        "UNAUTHENTICATE" => Command::Unauthenticate,
        "NOOP" => match it.next() {
            None => Command::Noop(None),
            Some(Token::Str(s)) => Command::Noop(Some(s)),
            Some(Token::Atom(_)) => return Err(WireError("Expected string")),
        },
        "GETSCRIPT" => Command::GetScript(string(it.next(), "Did not specify script name")?),
        "DELETESCRIPT" => Command::DeleteScript(string(it.next(), "Did not specify script name")?),
        "SETACTIVE" => Command::SetActive(string(it.next(), "Did not specify script name")?),
        "CHECKSCRIPT" => Command::CheckScript(string(
            it.next(),
            "Expected script content as second parameter",
        )?),
        "PUTSCRIPT" => {
            let name = string(it.next(), "Did not specify script name")?;
            let script = string(it.next(), "Did not specify legal script data length")?;
            Command::PutScript { name, script }
        }
        "HAVESPACE" => {
            let name = string(it.next(), "Did not specify script name")?;
            let size = match it.next() {
                Some(Token::Atom(n)) => {
                    n.parse::<u64>().map_err(|_| WireError("Expected Number"))?
                }
                _ => return Err(WireError("Expected Number")),
            };
            Command::HaveSpace { name, size }
        }
        "RENAMESCRIPT" => {
            let old = string(it.next(), "Did not specify old script name")?;
            let new = string(it.next(), "Did not specify new script name")?;
            Command::RenameScript { old, new }
        }
        _ => return Err(WireError("Expected a command. Got something else.")),
    };
    end(it)?;
    Ok(cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: Limits = Limits {
        max_line: 100,
        max_literal: 50,
    };

    fn done(buf: &[u8]) -> (Result<Command, WireError>, usize) {
        match parse_command(buf, L) {
            Parsed::Done { item, consumed } => (item, consumed),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn strings_and_literals() {
        let (c, n) = done(b"putscript \"a\\\"b\" {5+}\r\nkeep;\r\nNOOP\r\n");
        assert_eq!(
            c,
            Ok(Command::PutScript {
                name: b"a\"b".to_vec(),
                script: b"keep;".to_vec()
            })
        );
        assert_eq!(n, 30);
        assert_eq!(
            parse_command(b"PUTSCRIPT \"a\" {5+}\r\nke", L),
            Parsed::Incomplete
        );
        assert_eq!(parse_command(b"NOOP", L), Parsed::Incomplete);
        assert_eq!(
            done(b"HAVESPACE \"x\" 12\r\n").0,
            Ok(Command::HaveSpace {
                name: b"x".to_vec(),
                size: 12
            })
        );
        assert_eq!(done(b"\r\n").0, Ok(Command::Empty));
        assert_eq!(
            done(b"FOO\r\n").0,
            Err(WireError("Expected a command. Got something else."))
        );
        assert_eq!(done(b"LOGOUT x\r\n").0, Err(WireError("Expected EOL")));
        assert_eq!(
            parse_command(b"PUTSCRIPT \"a\" {999}\r\n", L),
            Parsed::LiteralTooBig {
                header: 21,
                len: 999
            }
        );
        assert_eq!(parse_command(&[b'A'; 200], L), Parsed::LineTooLong);
    }
}
