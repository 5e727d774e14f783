//! The compiled form stored next to a script (our `.bc`).
//!
//! Layout (all integers big-endian):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 8 | magic `RsSieve\0` |
//! | 8 | 4 | format version (currently 1) |
//! | 12 | 8 | required-extension bit set (`Extension` discriminants) |
//! | 20 | 4 | body length `n` |
//! | 24 | 4 | FNV-1a-32 of the body |
//! | 28 | n | body: the command tree |
//!
//! The body is the syntax tree after parsing (see `ast.rs`):
//!
//! - a command list is `u32 count` then that many commands;
//! - a command is `0x01`, a span (`u32 line`, `u32 col`), the name as a
//!   string (`u32 len` + UTF-8), `u32 nargs` and the arguments,
//!   `u8 test_list`, `u32 ntests` and the tests, `u8 has_block` and, if 1,
//!   the block's command list;
//! - a test is `0x02` with the same fields as a command minus the block;
//! - an argument is `0x10` tag (string, span), `0x11` number (`u64`,
//!   span) or `0x12` strings (`u8 list`, `u32 count`, strings, span).
//!
//! Loading decodes the tree and validates it again against the current
//! extension set, so a damaged or out-of-date file can never yield an
//! unchecked program; decoding checks every length against the bytes
//! left and bounds the nesting, and never panics.

use super::ast::{Argument, CommandNode, TestNode};
use super::error::{LoadError, Span};

/// Magic at the start of the compiled form.
pub const MAGIC: &[u8; 8] = b"RsSieve\0";
/// Magic of Cyrus's own `.bc` files (recognised only to say so).
const CYRUS_MAGIC: &[u8; 12] = b"CyrSBytecode";
/// Current format version.
pub const VERSION: u32 = 1;
const MAX_DEPTH: usize = 64;

fn fnv1a32(data: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in data {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Serialises a tree with its required-extension bits.
pub fn encode(cmds: &[CommandNode], required_bits: u64) -> Vec<u8> {
    let mut body = Vec::new();
    commands(&mut body, cmds);
    let mut out = Vec::with_capacity(body.len() + 28);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_be_bytes());
    out.extend_from_slice(&required_bits.to_be_bytes());
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(&fnv1a32(&body).to_be_bytes());
    out.extend_from_slice(&body);
    out
}

fn put_u32(o: &mut Vec<u8>, v: usize) {
    o.extend_from_slice(&(u32::try_from(v).unwrap_or(u32::MAX)).to_be_bytes());
}

fn put_str(o: &mut Vec<u8>, s: &str) {
    put_u32(o, s.len());
    o.extend_from_slice(s.as_bytes());
}

fn put_span(o: &mut Vec<u8>, s: Span) {
    o.extend_from_slice(&s.line.to_be_bytes());
    o.extend_from_slice(&s.col.to_be_bytes());
}

fn commands(o: &mut Vec<u8>, cmds: &[CommandNode]) {
    put_u32(o, cmds.len());
    for c in cmds {
        o.push(0x01);
        put_span(o, c.span);
        put_str(o, &c.name);
        args(o, &c.args);
        o.push(u8::from(c.test_list));
        tests(o, &c.tests);
        match &c.block {
            Some(b) => {
                o.push(1);
                commands(o, b);
            }
            None => o.push(0),
        }
    }
}

fn tests(o: &mut Vec<u8>, ts: &[TestNode]) {
    put_u32(o, ts.len());
    for t in ts {
        o.push(0x02);
        put_span(o, t.span);
        put_str(o, &t.name);
        args(o, &t.args);
        o.push(u8::from(t.test_list));
        tests(o, &t.tests);
    }
}

fn args(o: &mut Vec<u8>, a: &[Argument]) {
    put_u32(o, a.len());
    for arg in a {
        match arg {
            Argument::Tag(t, s) => {
                o.push(0x10);
                put_str(o, t);
                put_span(o, *s);
            }
            Argument::Number(n, s) => {
                o.push(0x11);
                o.extend_from_slice(&n.to_be_bytes());
                put_span(o, *s);
            }
            Argument::Strings { values, list, span } => {
                o.push(0x12);
                o.push(u8::from(*list));
                put_u32(o, values.len());
                for v in values {
                    put_str(o, v);
                }
                put_span(o, *span);
            }
        }
    }
}

/// Decodes the header and tree; returns the tree and required bits.
pub fn decode(bytes: &[u8]) -> Result<(Vec<CommandNode>, u64), LoadError> {
    if let Some(rest) = bytes.strip_prefix(CYRUS_MAGIC.as_slice()) {
        let version = rest
            .get(..4)
            .map(|v| u32::from_be_bytes([v[0], v[1], v[2], v[3]]))
            .unwrap_or(0);
        return Err(LoadError::CyrusBytecode { version });
    }
    if bytes.len() < 8 || &bytes[..8] != MAGIC {
        return Err(LoadError::BadMagic);
    }
    let mut r = Reader { b: bytes, pos: 8 };
    let version = r.u32()?;
    if version != VERSION {
        return Err(LoadError::Version(version));
    }
    let bits = r.u64()?;
    let len = r.u32()? as usize;
    let sum = r.u32()?;
    let body = bytes.get(28..).ok_or(r.corrupt("truncated header"))?;
    if body.len() != len {
        return Err(LoadError::Corrupt {
            offset: 20,
            what: "body length mismatch",
        });
    }
    if fnv1a32(body) != sum {
        return Err(LoadError::Corrupt {
            offset: 24,
            what: "checksum mismatch",
        });
    }
    let cmds = r.commands(0)?;
    if r.pos != bytes.len() {
        return Err(r.corrupt("trailing bytes"));
    }
    Ok((cmds, bits))
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn corrupt(&self, what: &'static str) -> LoadError {
        LoadError::Corrupt {
            offset: self.pos,
            what,
        }
    }

    fn take(&mut self, n: usize) -> Result<&[u8], LoadError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or(self.corrupt("truncated"))?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, LoadError> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, LoadError> {
        let s = self.take(4)?;
        Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }

    fn u64(&mut self) -> Result<u64, LoadError> {
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(u64::from_be_bytes(a))
    }

    /// A count, bounded by the bytes left (each item takes ≥ 1 byte).
    fn count(&mut self) -> Result<usize, LoadError> {
        let n = self.u32()? as usize;
        if n > self.b.len() - self.pos {
            return Err(self.corrupt("count exceeds remaining bytes"));
        }
        Ok(n)
    }

    fn bool(&mut self) -> Result<bool, LoadError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(self.corrupt("bad boolean")),
        }
    }

    fn string(&mut self) -> Result<String, LoadError> {
        let n = self.count()?;
        let s = self.take(n)?;
        String::from_utf8(s.to_vec()).map_err(|_| self.corrupt("invalid UTF-8"))
    }

    fn span(&mut self) -> Result<Span, LoadError> {
        Ok(Span {
            line: self.u32()?,
            col: self.u32()?,
        })
    }

    fn commands(&mut self, depth: usize) -> Result<Vec<CommandNode>, LoadError> {
        if depth > MAX_DEPTH {
            return Err(self.corrupt("nesting too deep"));
        }
        let n = self.count()?;
        let mut out = Vec::with_capacity(n.min(256));
        for _ in 0..n {
            if self.u8()? != 0x01 {
                return Err(self.corrupt("expected command"));
            }
            let span = self.span()?;
            let name = self.string()?;
            let args = self.args()?;
            let test_list = self.bool()?;
            let tests = self.tests(depth + 1)?;
            let block = if self.bool()? {
                Some(self.commands(depth + 1)?)
            } else {
                None
            };
            out.push(CommandNode {
                name,
                span,
                args,
                tests,
                test_list,
                block,
            });
        }
        Ok(out)
    }

    fn tests(&mut self, depth: usize) -> Result<Vec<TestNode>, LoadError> {
        if depth > MAX_DEPTH {
            return Err(self.corrupt("nesting too deep"));
        }
        let n = self.count()?;
        let mut out = Vec::with_capacity(n.min(256));
        for _ in 0..n {
            if self.u8()? != 0x02 {
                return Err(self.corrupt("expected test"));
            }
            let span = self.span()?;
            let name = self.string()?;
            let args = self.args()?;
            let test_list = self.bool()?;
            let tests = self.tests(depth + 1)?;
            out.push(TestNode {
                name,
                span,
                args,
                tests,
                test_list,
            });
        }
        Ok(out)
    }

    fn args(&mut self) -> Result<Vec<Argument>, LoadError> {
        let n = self.count()?;
        let mut out = Vec::with_capacity(n.min(256));
        for _ in 0..n {
            out.push(match self.u8()? {
                0x10 => {
                    let t = self.string()?;
                    Argument::Tag(t, self.span()?)
                }
                0x11 => {
                    let v = self.u64()?;
                    Argument::Number(v, self.span()?)
                }
                0x12 => {
                    let list = self.bool()?;
                    let k = self.count()?;
                    let mut values = Vec::with_capacity(k.min(256));
                    for _ in 0..k {
                        values.push(self.string()?);
                    }
                    Argument::Strings {
                        values,
                        list,
                        span: self.span()?,
                    }
                }
                _ => return Err(self.corrupt("unknown argument kind")),
            });
        }
        Ok(out)
    }
}
