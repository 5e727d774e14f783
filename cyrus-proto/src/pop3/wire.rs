//! Framing and parsing of POP3 command lines (RFC 1939 §3: a keyword,
//! optionally a space and arguments, CRLF) the way Cyrus `cmdloop` reads
//! them, and the multi-line reply body (RFC 1939 §3: lines starting with
//! `.` get another `.`, the reply ends with `.` CRLF). Pure.

/// One framed line or what was wrong with the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// More input is needed.
    Incomplete,
    /// A line (without its line end) and the bytes it used.
    Line {
        /// The line's bytes.
        line: Vec<u8>,
        /// Bytes to drop from the buffer.
        consumed: usize,
    },
    /// The line is longer than allowed: the buffered part is dropped and
    /// the rest up to the next LF must be skipped.
    TooLong,
}

/// Finds the first line in `buf` (LF or CRLF ended) of at most `max`
/// bytes.
pub fn frame(buf: &[u8], max: usize) -> Frame {
    match buf.iter().position(|&b| b == b'\n') {
        Some(p) if p <= max => {
            let mut line = &buf[..p];
            if let Some(l) = line.strip_suffix(b"\r") {
                line = l;
            }
            Frame::Line {
                line: line.to_vec(),
                consumed: p + 1,
            }
        }
        Some(_) => Frame::TooLong,
        None if buf.len() > max => Frame::TooLong,
        None => Frame::Incomplete,
    }
}

/// A command line: the keyword, lower-cased, and its argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The keyword (`user`, `retr`, …), lower-cased.
    pub verb: String,
    /// What followed the first space; leading spaces are dropped except
    /// for PASS, whose password may start with one (as Cyrus does).
    pub arg: Option<Vec<u8>>,
}

/// A line Cyrus answers `-ERR Syntax error`: a keyword followed by only
/// white space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Syntax error")]
pub struct LineError;

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c)
}

/// Splits a line into keyword and argument (Cyrus `cmdloop`).
pub fn parse_line(line: &[u8]) -> Result<Line, LineError> {
    let end = line.iter().position(|&b| is_space(b)).unwrap_or(line.len());
    let verb = String::from_utf8_lossy(&line[..end]).to_ascii_lowercase();
    if end == line.len() {
        return Ok(Line { verb, arg: None });
    }
    let mut arg = &line[end + 1..];
    if verb != "pass" {
        while let Some((&b, rest)) = arg.split_first() {
            if !is_space(b) {
                break;
            }
            arg = rest;
        }
    }
    if arg.is_empty() {
        // Outlook sends `AUTH ` to list mechanisms; Cyrus lets it through.
        if verb == "auth" {
            return Ok(Line { verb, arg: None });
        }
        return Err(LineError);
    }
    Ok(Line {
        verb,
        arg: Some(arg.to_vec()),
    })
}

/// Parses an unsigned 32-bit number at the start of `s` (Cyrus
/// `parseuint32`: digits only, no sign, no overflow) and returns it with
/// the rest.
pub(super) fn number(s: &[u8]) -> Option<(u32, &[u8])> {
    let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let mut n: u32 = 0;
    for &d in &s[..digits] {
        n = n.checked_mul(10)?.checked_add(u32::from(d - b'0'))?;
    }
    Some((n, &s[digits..]))
}

/// Skips leading white space.
pub(super) fn trim_start(mut s: &[u8]) -> &[u8] {
    while let Some((&b, rest)) = s.split_first() {
        if !is_space(b) {
            break;
        }
        s = rest;
    }
    s
}

/// The body of a RETR (`lines: None`) or TOP reply: the message with
/// every line starting with `.` stuffed, line ends as stored (CRLF), a
/// CRLF added when the message does not end with one, then `.` CRLF. TOP
/// sends the header, the blank line and `lines` body lines (Cyrus `blat`).
pub fn stuffed(message: &[u8], lines: Option<u32>) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + message.len() / 64 + 8);
    // Body lines sent so far; `None` while still in the header.
    let mut body_lines: Option<u32> = None;
    for line in message.split_inclusive(|&b| b == b'\n') {
        if let (Some(max), Some(n)) = (lines, body_lines) {
            if n >= max {
                break;
            }
        }
        match body_lines {
            None if line == b"\r\n" || line == b"\n" => body_lines = Some(0),
            None => {}
            Some(n) => body_lines = Some(n + 1),
        }
        if line.first() == Some(&b'.') {
            out.push(b'.');
        }
        out.extend_from_slice(line);
    }
    if !out.is_empty() && !out.ends_with(b"\n") {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_like_cyrus() {
        assert_eq!(
            parse_line(b"LIST   3"),
            Ok(Line {
                verb: "list".into(),
                arg: Some(b"3".to_vec())
            })
        );
        assert_eq!(parse_line(b"USER  "), Err(LineError));
        assert_eq!(parse_line(b"AUTH ").map(|l| l.arg), Ok(None));
        assert_eq!(
            parse_line(b"PASS  sp").map(|l| l.arg),
            Ok(Some(b" sp".to_vec()))
        );
        assert_eq!(parse_line(b"").map(|l| l.verb), Ok(String::new()));
    }

    #[test]
    fn numbers_do_not_overflow() {
        assert_eq!(number(b"42 x"), Some((42, &b" x"[..])));
        assert_eq!(number(b"4294967296"), None);
        assert_eq!(number(b"-1"), None);
    }

    #[test]
    fn framing_limits() {
        assert_eq!(frame(b"STAT", 10), Frame::Incomplete);
        assert_eq!(frame(b"01234567890", 10), Frame::TooLong);
        assert_eq!(
            frame(b"STAT\r\nX", 10),
            Frame::Line {
                line: b"STAT".to_vec(),
                consumed: 6
            }
        );
    }

    #[test]
    fn stuffing_and_top() {
        let m = b"A: 1\r\n\r\n.one\r\ntwo\r\nthree";
        assert_eq!(
            stuffed(m, None),
            b"A: 1\r\n\r\n..one\r\ntwo\r\nthree\r\n.\r\n".to_vec()
        );
        assert_eq!(stuffed(m, Some(0)), b"A: 1\r\n\r\n.\r\n".to_vec());
        assert_eq!(stuffed(m, Some(1)), b"A: 1\r\n\r\n..one\r\n.\r\n".to_vec());
        assert_eq!(stuffed(b"", None), b".\r\n".to_vec());
    }
}
