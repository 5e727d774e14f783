//! RFC 5228 §8.1 lexical tokens: identifiers, `:tags`, numbers with
//! K/M/G quantifiers, quoted strings, `text:` multi-line strings,
//! punctuation, and both comment forms.

use super::error::{ScriptError, Span};

/// One lexical token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// `identifier`, lower-cased (Sieve identifiers are case-insensitive).
    Identifier(String),
    /// `:tag`, lower-cased, without the colon.
    Tag(String),
    /// A number with its quantifier applied.
    Number(u64),
    /// A quoted or multi-line string, escapes and dot-stuffing removed.
    Str(String),
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `,`
    Comma,
    /// `;`
    Semicolon,
}

/// Splits `src` into tokens with their start positions.
pub fn tokenize(src: &str) -> Result<Vec<(Token, Span)>, ScriptError> {
    let mut lx = Lexer {
        src: src.as_bytes(),
        pos: 0,
        line: 1,
        col: 1,
    };
    let mut out = Vec::new();
    while let Some(t) = lx.next_token()? {
        out.push(t);
    }
    Ok(out)
}

struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    line: u32,
    col: u32,
}

impl Lexer<'_> {
    fn span(&self) -> Span {
        Span {
            line: self.line,
            col: self.col,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<u8> {
        self.src.get(self.pos + n).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.pos += 1;
        if c == b'\n' {
            self.line += 1;
            self.col = 1;
        } else if c & 0xC0 != 0x80 {
            // Count characters, not UTF-8 continuation bytes.
            self.col += 1;
        }
        Some(c)
    }

    fn err(&self, span: Span, msg: impl Into<String>) -> ScriptError {
        ScriptError::new(span, msg)
    }

    fn skip_ws_and_comments(&mut self) -> Result<(), ScriptError> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r' | b'\n') => {
                    self.bump();
                }
                Some(b'#') => {
                    while let Some(c) = self.bump() {
                        if c == b'\n' {
                            break;
                        }
                    }
                }
                Some(b'/') if self.peek_at(1) == Some(b'*') => {
                    let start = self.span();
                    self.bump();
                    self.bump();
                    loop {
                        match self.bump() {
                            None => return Err(self.err(start, "unterminated /* comment")),
                            Some(b'*') if self.peek() == Some(b'/') => {
                                self.bump();
                                break;
                            }
                            Some(_) => {}
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn next_token(&mut self) -> Result<Option<(Token, Span)>, ScriptError> {
        self.skip_ws_and_comments()?;
        let span = self.span();
        let Some(c) = self.peek() else {
            return Ok(None);
        };
        let tok = match c {
            b'[' | b']' | b'(' | b')' | b'{' | b'}' | b',' | b';' => {
                self.bump();
                match c {
                    b'[' => Token::LBracket,
                    b']' => Token::RBracket,
                    b'(' => Token::LParen,
                    b')' => Token::RParen,
                    b'{' => Token::LBrace,
                    b'}' => Token::RBrace,
                    b',' => Token::Comma,
                    _ => Token::Semicolon,
                }
            }
            b'"' => Token::Str(self.quoted(span)?),
            b':' => {
                self.bump();
                if !self.peek().is_some_and(is_ident_start) {
                    return Err(self.err(span, "expected a tag name after ':'"));
                }
                Token::Tag(self.ident())
            }
            b'0'..=b'9' => Token::Number(self.number(span)?),
            c if is_ident_start(c) => {
                let id = self.ident();
                if id == "text" && self.peek() == Some(b':') {
                    self.bump();
                    Token::Str(self.multiline(span)?)
                } else {
                    Token::Identifier(id)
                }
            }
            c => {
                let shown = if c.is_ascii_graphic() {
                    format!("'{}'", c as char)
                } else {
                    format!("byte 0x{c:02x}")
                };
                return Err(self.err(span, format!("unexpected character {shown}")));
            }
        };
        Ok(Some((tok, span)))
    }

    fn ident(&mut self) -> String {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.bump();
        }
        String::from_utf8_lossy(&self.src[start..self.pos]).to_ascii_lowercase()
    }

    fn number(&mut self, span: Span) -> Result<u64, ScriptError> {
        let mut n: u64 = 0;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            self.bump();
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(c - b'0')))
                .ok_or_else(|| self.err(span, "number too large"))?;
        }
        let mult: u64 = match self.peek() {
            Some(b'k' | b'K') => 1 << 10,
            Some(b'm' | b'M') => 1 << 20,
            Some(b'g' | b'G') => 1 << 30,
            _ => 1,
        };
        if mult != 1 {
            self.bump();
        }
        if self.peek().is_some_and(is_ident_start) {
            return Err(self.err(span, "invalid number: letters after digits"));
        }
        n.checked_mul(mult)
            .ok_or_else(|| self.err(span, "number too large"))
    }

    fn quoted(&mut self, span: Span) -> Result<String, ScriptError> {
        self.bump();
        let mut out = Vec::new();
        loop {
            match self.bump() {
                None => return Err(self.err(span, "unterminated quoted string")),
                Some(b'"') => break,
                // RFC 5228 §2.4.2: `\\` and `\"` are escapes; any other
                // backslash is dropped and the next character kept.
                Some(b'\\') => match self.bump() {
                    None => return Err(self.err(span, "unterminated quoted string")),
                    Some(c) => out.push(c),
                },
                Some(c) => out.push(c),
            }
        }
        String::from_utf8(out).map_err(|_| self.err(span, "string is not valid UTF-8"))
    }

    fn multiline(&mut self, span: Span) -> Result<String, ScriptError> {
        // `text:` then optional white space or a hash comment, then CRLF.
        while let Some(b' ' | b'\t') = self.peek() {
            self.bump();
        }
        if self.peek() == Some(b'#') {
            while let Some(c) = self.peek() {
                if c == b'\n' {
                    break;
                }
                self.bump();
            }
        }
        if self.peek() == Some(b'\r') {
            self.bump();
        }
        if self.bump() != Some(b'\n') {
            return Err(self.err(span, "expected end of line after 'text:'"));
        }
        let mut out = Vec::new();
        loop {
            let start = self.pos;
            while let Some(c) = self.peek() {
                if c == b'\n' {
                    break;
                }
                self.bump();
            }
            if self.peek().is_none() {
                return Err(self.err(span, "unterminated multi-line string (missing '.' line)"));
            }
            let mut line = &self.src[start..self.pos];
            self.bump();
            if line.last() == Some(&b'\r') {
                line = &line[..line.len() - 1];
            }
            if line == b"." {
                break;
            }
            // Dot-stuffing: a leading ".." stands for ".".
            if line.starts_with(b"..") {
                line = &line[1..];
            }
            out.extend_from_slice(line);
            out.extend_from_slice(b"\r\n");
        }
        String::from_utf8(out).map_err(|_| self.err(span, "string is not valid UTF-8"))
    }
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_quantifiers() {
        let t = tokenize("1K 2m 3G 10").expect("should succeed");
        let n: Vec<_> = t.into_iter().map(|(t, _)| t).collect();
        assert_eq!(
            n,
            vec![
                Token::Number(1024),
                Token::Number(2 << 20),
                Token::Number(3 << 30),
                Token::Number(10)
            ]
        );
    }

    #[test]
    fn multiline_dot_stuffing() {
        let t = tokenize("text: # c\r\nline\r\n..dot\r\n.\r\n").expect("should succeed");
        assert_eq!(t[0].0, Token::Str("line\r\n.dot\r\n".into()));
    }

    #[test]
    fn escapes() {
        let t = tokenize(r#""a\"b\\c\d""#).expect("should succeed");
        assert_eq!(t[0].0, Token::Str("a\"b\\cd".into()));
    }
}
