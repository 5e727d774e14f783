//! A small recursive-descent reader for the RFC 3501 grammar pieces the
//! extension commands are built from (atoms, astrings, strings with
//! literals and literal8, numbers, sequence sets, parenthesised lists).
//! It reads one whole framed message (the framer has already collected
//! the literals), never allocates more than the message holds and never
//! recurses without a depth limit.

// Some pieces are only read with by extensions still to come.
#![allow(dead_code)]

use imap_codec::imap_types::sequence::SequenceSet;

/// How deeply parenthesised lists may nest.
pub const MAX_DEPTH: usize = 16;

/// A syntax error, with what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SyntaxError(pub &'static str);

/// Shorthand for parse results.
pub type Parsed<T> = Result<T, SyntaxError>;

/// A sequence set argument: numbers, or `$` (RFC 5182 SEARCHRES).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeqArg {
    /// An explicit set.
    Set(SequenceSet),
    /// `$`: the saved search result.
    Saved,
}

/// Reads one client message.
#[derive(Debug, Clone)]
pub struct Parser<'a> {
    buf: &'a [u8],
    pos: usize,
    depth: usize,
}

/// `ATOM-CHAR`: any CHAR except atom-specials.
pub fn is_atom_char(c: u8) -> bool {
    c > 0x20 && c < 0x7f && !matches!(c, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']')
}

/// `ASTRING-CHAR`: ATOM-CHAR or `]`.
pub fn is_astring_char(c: u8) -> bool {
    is_atom_char(c) || c == b']'
}

impl<'a> Parser<'a> {
    /// A reader at the start of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Parser {
            buf,
            pos: 0,
            depth: 0,
        }
    }

    /// The next byte, if any.
    pub fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    /// What is left to read.
    pub fn rest(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }

    /// Consumes the longest run of bytes satisfying `f`.
    pub fn take_while(&mut self, f: impl Fn(u8) -> bool) -> &'a [u8] {
        let start = self.pos;
        while self.peek().is_some_and(&f) {
            self.pos += 1;
        }
        &self.buf[start..self.pos]
    }

    /// Consumes `c` if it is next.
    pub fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Requires `c` next.
    pub fn expect(&mut self, c: u8, what: &'static str) -> Parsed<()> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(SyntaxError(what))
        }
    }

    /// One space.
    pub fn sp(&mut self) -> Parsed<()> {
        self.expect(b' ', "Missing space")
    }

    /// Whether the message ends here (CRLF, or nothing).
    pub fn at_end(&self) -> bool {
        matches!(self.rest(), b"" | b"\r\n" | b"\n")
    }

    /// Skips whatever is left of the message.
    pub fn skip_rest(&mut self) {
        self.pos = self.buf.len();
    }

    /// Requires the end of the message.
    pub fn end(&mut self) -> Parsed<()> {
        if self.at_end() {
            self.pos = self.buf.len();
            Ok(())
        } else {
            Err(SyntaxError("Unexpected extra arguments"))
        }
    }

    /// The tag: one or more ASTRING-CHARs except `+`.
    pub fn tag(&mut self) -> Parsed<String> {
        let start = self.pos;
        while self.peek().is_some_and(|c| is_astring_char(c) && c != b'+') {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(SyntaxError("Missing tag"));
        }
        Ok(String::from_utf8_lossy(&self.buf[start..self.pos]).into_owned())
    }

    /// One atom.
    pub fn atom(&mut self) -> Parsed<&'a str> {
        let start = self.pos;
        while self.peek().is_some_and(is_atom_char) {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(SyntaxError("Missing atom"));
        }
        // ATOM-CHARs are ASCII.
        std::str::from_utf8(&self.buf[start..self.pos]).map_err(|_| SyntaxError("Invalid atom"))
    }

    /// Consumes the word `kw` (case-insensitive) when it is next and is
    /// followed by a delimiter.
    pub fn keyword(&mut self, kw: &str) -> bool {
        let end = self.pos + kw.len();
        let Some(word) = self.buf.get(self.pos..end) else {
            return false;
        };
        let delimited = self.buf.get(end).is_none_or(|&c| !is_atom_char(c));
        if word.eq_ignore_ascii_case(kw.as_bytes()) && delimited {
            self.pos = end;
            true
        } else {
            false
        }
    }

    /// A number (`number`, 32 bits).
    pub fn number(&mut self) -> Parsed<u32> {
        u32::try_from(self.number64()?).map_err(|_| SyntaxError("Number too large"))
    }

    /// A 63-bit number (`mod-sequence-value`).
    pub fn number64(&mut self) -> Parsed<u64> {
        let start = self.pos;
        let mut n: u64 = 0;
        while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(d - b'0')))
                .filter(|&n| n <= i64::MAX as u64)
                .ok_or(SyntaxError("Number too large"))?;
            self.pos += 1;
        }
        if start == self.pos {
            return Err(SyntaxError("Missing number"));
        }
        Ok(n)
    }

    /// A quoted string's contents.
    fn quoted(&mut self) -> Parsed<Vec<u8>> {
        self.expect(b'"', "Missing quote")?;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None | Some(b'\r' | b'\n') => return Err(SyntaxError("Unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(c @ (b'"' | b'\\')) => {
                            out.push(c);
                            self.pos += 1;
                        }
                        _ => return Err(SyntaxError("Invalid escape in string")),
                    }
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// Whether a literal (`{`, or `~{` for literal8) starts here.
    pub fn at_literal(&self) -> bool {
        matches!(self.rest(), [b'{', ..] | [b'~', b'{', ..])
    }

    /// A literal or literal8 (`~{n}`); returns its bytes and whether it
    /// was a literal8. The framer delivered the bytes after the CRLF.
    pub fn literal(&mut self) -> Parsed<(&'a [u8], bool)> {
        let (data, binary) = self.literal_any()?;
        if !binary && data.contains(&0) {
            return Err(SyntaxError("NUL in literal"));
        }
        Ok((data, binary))
    }

    /// A literal or literal8 whose NUL bytes are left for the caller to
    /// judge (APPEND words its refusal as imap-codec's grammar does).
    pub fn literal_any(&mut self) -> Parsed<(&'a [u8], bool)> {
        let binary = self.eat(b'~');
        self.expect(b'{', "Missing literal")?;
        let n = self.number()? as usize;
        if !self.eat(b'+') {
            self.eat(b'-');
        }
        self.expect(b'}', "Invalid literal")?;
        self.eat(b'\r');
        self.expect(b'\n', "Missing CRLF after literal")?;
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or(SyntaxError("Literal shorter than announced"))?;
        let data = &self.buf[self.pos..end];
        self.pos = end;
        Ok((data, binary))
    }

    /// A `string`: quoted or literal.
    pub fn string(&mut self) -> Parsed<Vec<u8>> {
        if self.peek() == Some(b'"') {
            self.quoted()
        } else if self.at_literal() {
            Ok(self.literal()?.0.to_vec())
        } else {
            Err(SyntaxError("Missing string"))
        }
    }

    /// An `astring`: ASTRING-CHARs, or a string.
    pub fn astring(&mut self) -> Parsed<Vec<u8>> {
        match self.peek() {
            Some(b'"' | b'{' | b'~') => self.string(),
            _ => {
                let start = self.pos;
                while self.peek().is_some_and(is_astring_char) {
                    self.pos += 1;
                }
                if start == self.pos {
                    return Err(SyntaxError("Missing argument"));
                }
                Ok(self.buf[start..self.pos].to_vec())
            }
        }
    }

    /// An `nstring`: `NIL` or a string.
    pub fn nstring(&mut self) -> Parsed<Option<Vec<u8>>> {
        if self.keyword("NIL") {
            Ok(None)
        } else {
            self.string().map(Some)
        }
    }

    /// A mailbox name (an astring; `INBOX` in any case means INBOX).
    pub fn mailbox(&mut self) -> Parsed<String> {
        let b = self.astring()?;
        let s = String::from_utf8(b).map_err(|_| SyntaxError("Invalid mailbox name"))?;
        Ok(if s.eq_ignore_ascii_case("INBOX") {
            "INBOX".into()
        } else {
            s
        })
    }

    /// A sequence set, or `$`.
    pub fn seq_arg(&mut self) -> Parsed<SeqArg> {
        if self.eat(b'$') {
            return Ok(SeqArg::Saved);
        }
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, b':' | b',' | b'*'))
        {
            self.pos += 1;
        }
        let text = std::str::from_utf8(&self.buf[start..self.pos])
            .map_err(|_| SyntaxError("Invalid sequence set"))?;
        SequenceSet::try_from(text)
            .map(SeqArg::Set)
            .map_err(|_| SyntaxError("Invalid sequence set"))
    }

    /// `"(" [item *(SP item)] ")"`; `item` reads one element.
    pub fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Parsed<T>) -> Parsed<Vec<T>> {
        self.expect(b'(', "Missing (")?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SyntaxError("Too deeply nested"));
        }
        let mut out = Vec::new();
        if !self.eat(b')') {
            loop {
                out.push(item(self)?);
                if self.eat(b')') {
                    break;
                }
                self.sp()?;
            }
        }
        self.depth -= 1;
        Ok(out)
    }

    /// A list of one or more items, or a single item without parentheses
    /// (as in `LIST (SUBSCRIBED) ...` option lists where either is allowed).
    pub fn list_or_one<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Parsed<T>,
    ) -> Parsed<Vec<T>> {
        if self.peek() == Some(b'(') {
            self.list(item)
        } else {
            Ok(vec![item(self)?])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_pieces() {
        let mut p = Parser::new(b"a1 SETACL \"Foo bar\" {3}\r\nbob lrs\r\n");
        assert_eq!(p.tag().unwrap(), "a1");
        p.sp().unwrap();
        assert!(p.keyword("setacl"));
        p.sp().unwrap();
        assert_eq!(p.mailbox().unwrap(), "Foo bar");
        p.sp().unwrap();
        assert_eq!(p.astring().unwrap(), b"bob");
        p.sp().unwrap();
        assert_eq!(p.astring().unwrap(), b"lrs");
        p.end().unwrap();
    }

    #[test]
    fn lists_nest_with_a_limit() {
        let mut p = Parser::new(b"(1 (2 3) ())");
        fn item(p: &mut Parser<'_>) -> Parsed<u32> {
            if p.peek() == Some(b'(') {
                Ok(p.list(item)?.len() as u32)
            } else {
                p.number()
            }
        }
        assert_eq!(p.list(item).unwrap(), vec![1, 2, 0]);
        let deep = "(".repeat(MAX_DEPTH + 1) + &")".repeat(MAX_DEPTH + 1);
        let mut p = Parser::new(deep.as_bytes());
        assert!(p.list(item).is_err());
    }

    #[test]
    fn literals_and_errors() {
        let mut p = Parser::new(b"~{3}\r\na\0b {9}\r\nab");
        assert_eq!(p.literal().unwrap(), (&b"a\0b"[..], true));
        p.sp().unwrap();
        assert!(p.literal().is_err());
        let mut p = Parser::new(b"\"a\\\"b\" 99999999999 1:*,$");
        assert_eq!(p.string().unwrap(), b"a\"b");
        p.sp().unwrap();
        assert!(p.number().is_err());
        let mut p = Parser::new(b"$");
        assert_eq!(p.seq_arg().unwrap(), SeqArg::Saved);
    }
}
