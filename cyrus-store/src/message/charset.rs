//! Character sets: which names Cyrus 3.6 recognises (`charset_lookupname`)
//! and conversion of bytes to UTF-8 for search strings.
//!
//! Cyrus handles `us-ascii` and `utf-8` itself and everything else through
//! ICU; we use `encoding_rs` (the WHATWG label set) for the latter, which
//! recognises the names real mail uses. Names known to ICU but not to
//! WHATWG are the one place where we may differ (a charset reported as
//! unknown in the SECTION item).

use encoding_rs::Encoding;

/// A recognised character set.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Charset {
    /// Cyrus's built-in table: bytes >= 0x80 map to nothing.
    UsAscii,
    /// Cyrus's own UTF-8 decoder.
    Utf8,
    /// Any other charset, via `encoding_rs`.
    Other(&'static Encoding),
}

/// Aliases Cyrus maps to US-ASCII (`lib/charset/aliases.txt`).
const ASCII_NAMES: &[&str] = &["us-ascii", "ascii", "ansi_x3.4-1968", "usascii"];
/// Aliases Cyrus maps to UTF-8.
const UTF8_NAMES: &[&str] = &["utf-8", "utf8", "unicode-1-1-utf-8"];

/// `charset_lookupname`: `None` is `CHARSET_UNKNOWN_CHARSET`.
pub(crate) fn lookup(name: &[u8]) -> Option<Charset> {
    let name = std::str::from_utf8(name).ok()?;
    if ASCII_NAMES.iter().any(|n| n.eq_ignore_ascii_case(name)) {
        return Some(Charset::UsAscii);
    }
    if UTF8_NAMES.iter().any(|n| n.eq_ignore_ascii_case(name)) {
        return Some(Charset::Utf8);
    }
    // encoding_rs trims whitespace around labels; ICU does not.
    if name.trim() != name || name.is_empty() {
        return None;
    }
    Encoding::for_label(name.as_bytes()).map(Charset::Other)
}

fn push_char(out: &mut Vec<u8>, c: u32) {
    let ch = char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER);
    let mut b = [0u8; 4];
    out.extend_from_slice(ch.encode_utf8(&mut b).as_bytes());
}

/// Cyrus's `utf8_2uni`: malformed sequences become U+FFFD, a dangling
/// incomplete sequence at the end is dropped.
fn utf8_lenient(src: &[u8], out: &mut Vec<u8>) {
    let mut left = 0u8;
    let mut cp = 0u32;
    for &c in src {
        if c & 0xf8 == 0xf0 {
            if left > 0 {
                push_char(out, 0xfffd);
            }
            if (0xf5..=0xf7).contains(&c) {
                push_char(out, 0xfffd);
                left = 0;
                cp = 0;
                continue;
            }
            left = 3;
            cp = u32::from(c & 0x07);
        } else if c & 0xf0 == 0xe0 {
            if left > 0 {
                push_char(out, 0xfffd);
            }
            left = 2;
            cp = u32::from(c & 0x0f);
        } else if c & 0xe0 == 0xc0 {
            if left > 0 {
                push_char(out, 0xfffd);
            }
            if c == 0xc0 || c == 0xc1 {
                push_char(out, 0xfffd);
                left = 0;
                cp = 0;
                continue;
            }
            left = 1;
            cp = u32::from(c & 0x1f);
        } else if c & 0xc0 == 0x80 {
            if left > 0 {
                cp = (cp << 6) + u32::from(c & 0x3f);
                left -= 1;
                if left == 0 {
                    push_char(out, cp);
                    cp = 0;
                }
            } else {
                push_char(out, 0xfffd);
                cp = 0;
            }
        } else if c >= 0xf8 {
            push_char(out, 0xfffd);
            left = 0;
            cp = 0;
        } else {
            if left > 0 {
                push_char(out, 0xfffd);
            }
            out.push(c);
            left = 0;
            cp = 0;
        }
    }
}

/// Convert `src` in charset `cs` to UTF-8, appending to `out`.
pub(crate) fn to_utf8(src: &[u8], cs: Charset, out: &mut Vec<u8>) {
    match cs {
        Charset::UsAscii => out.extend(src.iter().copied().filter(|&c| c < 0x80 && c != 0)),
        Charset::Utf8 => utf8_lenient(src, out),
        Charset::Other(enc) => {
            let (s, _) = enc.decode_without_bom_handling(src);
            out.extend_from_slice(s.as_bytes());
        }
    }
}

/// Decode `src` in the charset called `name` to UTF-8; `None` if the
/// charset is unknown.
pub fn decode_to_utf8(src: &[u8], name: &[u8]) -> Option<Vec<u8>> {
    let cs = lookup(name)?;
    let mut out = Vec::with_capacity(src.len());
    to_utf8(src, cs, &mut out);
    Some(out)
}

/// `charset_parse_mimexvalue`: decode an RFC 2231 extended value
/// (`charset'lang'%XX...`) to UTF-8; `None` if it is not one.
pub(crate) fn decode_ext_value(s: &[u8]) -> Option<Vec<u8>> {
    let q1 = s.iter().position(|&c| c == b'\'')?;
    let cs = lookup(&s[..q1])?;
    let rest = &s[q1 + 1..];
    let q2 = rest.iter().position(|&c| c == b'\'')?;
    let enc = &rest[q2 + 1..];
    let mut bytes = Vec::with_capacity(enc.len());
    let mut i = 0;
    while i < enc.len() {
        if enc[i] == b'%' {
            let h = enc.get(i + 1..i + 3)?;
            let h = std::str::from_utf8(h).ok()?;
            bytes.push(u8::from_str_radix(h, 16).ok()?);
            i += 3;
        } else {
            bytes.push(enc[i]);
            i += 1;
        }
    }
    let mut out = Vec::new();
    to_utf8(&bytes, cs, &mut out);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(matches!(lookup(b"US-ASCII"), Some(Charset::UsAscii)));
        assert!(matches!(lookup(b"UTF-8"), Some(Charset::Utf8)));
        assert!(lookup(b"iso-8859-1").is_some());
        assert!(lookup(b"x-no-such-charset").is_none());
    }

    #[test]
    fn decoding() {
        assert_eq!(
            decode_to_utf8(b"caf\xe9", b"iso-8859-1").unwrap_or_default(),
            "café".as_bytes()
        );
        assert_eq!(
            decode_to_utf8(b"a\xffb", b"utf-8").unwrap_or_default(),
            "a\u{fffd}b".as_bytes()
        );
        assert_eq!(
            decode_to_utf8(b"a\xe9b", b"us-ascii").unwrap_or_default(),
            b"ab"
        );
    }
}
