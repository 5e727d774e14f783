//! Response writing, byte for byte as Cyrus 3.6 (`prot_printastring`,
//! `prot_printstring`, `prot_printliteral`): atoms where the grammar
//! allows, quoted strings for 7-bit text without CR, LF or NUL, literals
//! otherwise.

/// One tagged completion: `<tag> <status> [<code>] <text>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tagged {
    /// `OK`, `NO` or `BAD`.
    pub status: &'static str,
    /// The response code without brackets, if any.
    pub code: Option<String>,
    /// Human-readable text.
    pub text: String,
}

impl Tagged {
    /// `OK <text>`.
    pub fn ok(text: impl Into<String>) -> Self {
        Tagged {
            status: "OK",
            code: None,
            text: text.into(),
        }
    }

    /// `NO <text>`.
    pub fn no(text: impl Into<String>) -> Self {
        Tagged {
            status: "NO",
            code: None,
            text: text.into(),
        }
    }

    /// `BAD <text>`.
    pub fn bad(text: impl Into<String>) -> Self {
        Tagged {
            status: "BAD",
            code: None,
            text: text.into(),
        }
    }

    /// Adds a response code.
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// The full line for `tag`, CRLF included.
    pub fn line(&self, tag: &str) -> Vec<u8> {
        let mut out = format!("{tag} {}", self.status);
        if let Some(c) = &self.code {
            out.push_str(&format!(" [{c}]"));
        }
        out.push(' ');
        out.push_str(&self.text);
        out.push_str("\r\n");
        out.into_bytes()
    }
}

/// True when `s` can be sent as a quoted string (Cyrus sends 8-bit and
/// control characters as literals).
fn quotable(s: &[u8]) -> bool {
    s.len() < 1024
        && s.iter()
            .all(|&c| c != 0 && c != b'\r' && c != b'\n' && c < 0x80)
}

/// True for an IMAP atom (`ATOM-CHAR`s, RFC 3501 §9).
fn is_atom(s: &[u8]) -> bool {
    !s.is_empty()
        && s.iter().all(|&c| {
            c > 0x20
                && c < 0x7f
                && !matches!(c, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']')
        })
}

/// Writes a string, quoted or as a literal.
fn quoted_or_literal(out: &mut Vec<u8>, s: &[u8]) {
    if quotable(s) {
        out.push(b'"');
        for &c in s {
            if c == b'"' || c == b'\\' {
                out.push(b'\\');
            }
            out.push(c);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(format!("{{{}}}\r\n", s.len()).as_bytes());
        out.extend_from_slice(s);
    }
}

/// Writes an astring: an atom when possible (Cyrus prints mailbox names
/// such as `INBOX` and `Archive/2024` bare), else quoted or a literal.
pub fn astring(out: &mut Vec<u8>, s: &[u8]) {
    // NIL as an atom would read as nil; Cyrus quotes it.
    if is_atom(s) && !s.eq_ignore_ascii_case(b"NIL") {
        out.extend_from_slice(s);
    } else {
        quoted_or_literal(out, s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings() {
        let mut o = Vec::new();
        astring(&mut o, b"Archive/2024");
        o.push(b' ');
        astring(&mut o, b"a b");
        o.push(b' ');
        quoted_or_literal(&mut o, "Grüße".as_bytes());
        assert_eq!(o, "Archive/2024 \"a b\" {7}\r\nGrüße".as_bytes());
        assert_eq!(
            Tagged::no("x").with_code("TRYCREATE").line("a1"),
            b"a1 NO [TRYCREATE] x\r\n"
        );
    }
}
