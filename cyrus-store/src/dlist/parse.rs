use super::value::{Dlist, DlistFile};
use crate::ids::Guid;

/// A dlist that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad dlist at byte {offset}: {what}")]
pub struct DlistError {
    /// Where parsing stopped.
    pub offset: usize,
    /// What was wrong.
    pub what: &'static str,
}

/// Deepest nesting accepted, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

/// Parses one dlist value from `input`; trailing spaces and line ends are
/// allowed, anything else after the value is an error.
pub fn parse(input: &[u8]) -> Result<Dlist, DlistError> {
    let mut p = Parser { s: input, pos: 0 };
    p.skip_spaces();
    let v = p.value(0)?;
    while p.pos < p.s.len() && matches!(p.s[p.pos], b' ' | b'\r' | b'\n' | b'\t') {
        p.pos += 1;
    }
    if p.pos != p.s.len() {
        return Err(p.err("trailing bytes after value"));
    }
    Ok(v)
}

impl<'a> Parser<'a> {
    fn err(&self, what: &'static str) -> DlistError {
        DlistError {
            offset: self.pos,
            what,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Dlist, DlistError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nested too deeply"));
        }
        match self.peek() {
            None => Err(self.err("unexpected end")),
            Some(b'(') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_spaces();
                    if self.peek() == Some(b')') {
                        self.pos += 1;
                        return Ok(Dlist::List(items));
                    }
                    items.push(self.value(depth + 1)?);
                }
            }
            Some(b'%') => match self.s.get(self.pos + 1) {
                Some(b'(') => {
                    self.pos += 2;
                    let mut items = Vec::new();
                    loop {
                        self.skip_spaces();
                        if self.peek() == Some(b')') {
                            self.pos += 1;
                            return Ok(Dlist::KvList(items));
                        }
                        let key = self.string()?;
                        let key = String::from_utf8(key).map_err(|_| self.err("key not UTF-8"))?;
                        if self.peek() != Some(b' ') {
                            return Err(self.err("expected space after key"));
                        }
                        self.skip_spaces();
                        items.push((key, self.value(depth + 1)?));
                    }
                }
                Some(b'{') => self.file(),
                _ => Err(self.err("bad '%'")),
            },
            Some(_) => {
                let quoted_or_literal = matches!(self.peek(), Some(b'"') | Some(b'{'));
                let s = self.string()?;
                if !quoted_or_literal && s == b"NIL" {
                    Ok(Dlist::Nil)
                } else {
                    Ok(Dlist::Atom(s))
                }
            }
        }
    }

    /// An atom, quoted string or literal.
    fn string(&mut self) -> Result<Vec<u8>, DlistError> {
        match self.peek() {
            Some(b'"') => {
                self.pos += 1;
                let mut out = Vec::new();
                loop {
                    match self.peek() {
                        None => return Err(self.err("unterminated quoted string")),
                        Some(b'"') => {
                            self.pos += 1;
                            return Ok(out);
                        }
                        Some(b'\\') => {
                            let c = self
                                .s
                                .get(self.pos + 1)
                                .copied()
                                .ok_or_else(|| self.err("bad escape"))?;
                            out.push(c);
                            self.pos += 2;
                        }
                        Some(c) => {
                            out.push(c);
                            self.pos += 1;
                        }
                    }
                }
            }
            Some(b'{') => {
                let (n, _) = self.literal_header()?;
                let end = self
                    .pos
                    .checked_add(n)
                    .filter(|&e| e <= self.s.len())
                    .ok_or_else(|| self.err("literal runs past end"))?;
                let out = self.s[self.pos..end].to_vec();
                self.pos = end;
                Ok(out)
            }
            _ => {
                let start = self.pos;
                while let Some(c) = self.peek() {
                    if matches!(c, b' ' | b')' | b'(' | b'\r' | b'\n') {
                        break;
                    }
                    self.pos += 1;
                }
                if self.pos == start {
                    return Err(self.err("expected a string"));
                }
                Ok(self.s[start..self.pos].to_vec())
            }
        }
    }

    /// `{n}` or `{n+}` followed by CRLF (or a bare LF); returns n.
    fn literal_header(&mut self) -> Result<(usize, bool), DlistError> {
        self.pos += 1; // '{'
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        let n: usize = std::str::from_utf8(&self.s[start..self.pos])
            .ok()
            .and_then(|d| d.parse().ok())
            .ok_or_else(|| self.err("bad literal length"))?;
        let plus = self.peek() == Some(b'+');
        if plus {
            self.pos += 1;
        }
        if self.peek() != Some(b'}') {
            return Err(self.err("bad literal"));
        }
        self.pos += 1;
        if self.peek() == Some(b'\r') {
            self.pos += 1;
        }
        if self.peek() != Some(b'\n') {
            return Err(self.err("literal without line end"));
        }
        self.pos += 1;
        Ok((n, plus))
    }

    fn file(&mut self) -> Result<Dlist, DlistError> {
        self.pos += 2; // "%{"
        let part = self.string()?;
        self.skip_spaces();
        let guid = self.string()?;
        self.skip_spaces();
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        let size: usize = std::str::from_utf8(&self.s[start..self.pos])
            .ok()
            .and_then(|d| d.parse().ok())
            .ok_or_else(|| self.err("bad file size"))?;
        if self.peek() != Some(b'}') {
            return Err(self.err("bad file header"));
        }
        self.pos += 1;
        if self.peek() == Some(b'\r') {
            self.pos += 1;
        }
        if self.peek() != Some(b'\n') {
            return Err(self.err("file without line end"));
        }
        self.pos += 1;
        let end = self
            .pos
            .checked_add(size)
            .filter(|&e| e <= self.s.len())
            .ok_or_else(|| self.err("file runs past end"))?;
        let data = self.s[self.pos..end].to_vec();
        self.pos = end;
        let guid = std::str::from_utf8(&guid)
            .ok()
            .and_then(Guid::from_hex)
            .ok_or_else(|| self.err("bad file guid"))?;
        Ok(Dlist::File(DlistFile {
            partition: String::from_utf8_lossy(&part).into_owned(),
            guid,
            data,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mailboxes_db_value() {
        let v = parse(b"%(T e N user\x1falice P default V 1795354277 C 1 F 1 M 1795354276 A %(alice lrswipkxtecdan) H ())")
            .expect("parse");
        assert_eq!(v.get_str("T"), Some("e"));
        assert_eq!(
            v.get("N").and_then(Dlist::as_bytes),
            Some(&b"user\x1falice"[..])
        );
        assert_eq!(v.get_u64("V"), Some(1795354277));
        assert_eq!(
            v.get("A").and_then(|a| a.get_str("alice")),
            Some("lrswipkxtecdan")
        );
        assert_eq!(
            v.get("H").and_then(Dlist::as_list).map(<[Dlist]>::len),
            Some(0)
        );
    }

    #[test]
    fn round_trips_strings_of_every_kind() {
        for s in [
            &b""[..],
            b"NIL",
            b"a b",
            b"x\r\ny",
            b"\\Seen",
            b"%(",
            b"\xff\x00",
        ] {
            let d = Dlist::List(vec![Dlist::atom(s), Dlist::Nil]);
            let printed = d.to_bytes();
            assert_eq!(parse(&printed).expect("parse"), d, "{printed:?}");
        }
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        for bad in [
            &b"("[..],
            b"%(a",
            b"{99}\r\nab",
            b"%{p zz 3}\r\nabc",
            b"\"abc",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let deep = vec![b'('; 10_000];
        assert!(parse(&deep).is_err());
    }
}
