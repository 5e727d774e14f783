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
    /// UTF-7 (RFC 2152).
    Utf7,
    /// UTF-16 with ICU's rules: a BOM picks the byte order, else big-endian.
    Utf16,
    /// A charset Cyrus knows (so it is named in the SECTION item) that we
    /// cannot convert; its ASCII bytes are kept.
    Unsupported,
}

/// `lib/charset/aliases.txt` of Cyrus 3.6: (lower-cased alias, canonical
/// name). Data, not code: which labels real mail uses for which charset.
const ALIASES: &[(&str, &str)] = &[
    ("utf8", "utf-8"),
    ("utf7", "utf-7"),
    ("unicode-1-1-utf-8", "utf-8"),
    ("unicode-1-1-utf-7", "utf-7"),
    ("imap-utf-7", "IMAP-mailbox-name"),
    ("ascii", "us-ascii"),
    ("ansi_x3.4-1968", "us-ascii"),
    ("usascii", "us-ascii"),
    ("iso-8859-1", "windows-1252"),
    ("iso_8859_1", "windows-1252"),
    ("iso_8859-1", "windows-1252"),
    ("iso_8859", "windows-1252"),
    ("iso-8859", "windows-1252"),
    ("8859_1", "windows-1252"),
    ("iso--8859-1", "windows-1252"),
    ("so-8859-1", "windows-1252"),
    ("en_gb", "windows-1252"),
    ("auto", "windows-1252"),
    ("unknown", "windows-1252"),
    ("unknown-8bit", "windows-1252"),
    ("x-unknown", "windows-1252"),
    ("x-user-defined", "windows-1252"),
    ("x-europa", "windows-1252"),
    ("none", "windows-1252"),
    ("latin1", "windows-1252"),
    ("iso8859-1", "windows-1252"),
    ("8859-1", "windows-1252"),
    ("es-windows-1252", "windows-1252"),
    ("display", "windows-1252"),
    ("any", "windows-1252"),
    ("x-mac-roman", "macintosh"),
    ("mac", "macintosh"),
    ("csmacintosh", "macintosh"),
    ("646", "iso-8859-1"),
    ("iso646-us", "iso-8859-1"),
    ("8859_2", "iso-8859-2"),
    ("x-mac-turkish", "iso-8859-9"),
    ("greek-ccitt", "iso-8859-7"),
    ("iso-8859-8-i", "iso-8859-8"),
    ("iso8859_15_fdis", "iso-8859-15"),
    ("iso8859-15", "iso-8859-15"),
    ("tis-620", "iso-8859-11"),
    ("x-mac-thai", "iso-8859-11"),
    ("asmo-708", "iso-8859-6"),
    ("win-koi8", "koi8-r"),
    ("koi8-r", "koi8-r"),
    ("koi8-u", "koi8-u"),
    ("_iso-2022-jp$esc", "iso-2022-jp"),
    ("_iso-2022-jp", "iso-2022-jp"),
    ("csiso2022jp", "iso-2022-jp"),
    ("ks_c_5601", "ksc5601"),
    ("1250", "windows-1250"),
    ("cp1250", "windows-1250"),
    ("win-1250", "windows-1250"),
    ("1251", "windows-1251"),
    ("cp1251", "windows-1251"),
    ("win-1251", "windows-1251"),
    ("1252", "windows-1252"),
    ("cp1252", "windows-1252"),
    ("cp-1252", "windows-1252"),
    ("win-1252", "windows-1252"),
    ("1254", "windows-1254"),
    ("cp1254", "windows-1254"),
    ("win-1254", "windows-1254"),
    ("1255", "windows-1255"),
    ("cp1255", "windows-1255"),
    ("win-1255", "windows-1255"),
    ("1256", "windows-1256"),
    ("cp1256", "windows-1256"),
    ("win-1256", "windows-1256"),
    ("win1256", "windows-1256"),
    ("1257", "windows-1257"),
    ("cp1257", "windows-1257"),
    ("win-1257", "windows-1257"),
    ("1258", "windows-1258"),
    ("cp1258", "windows-1258"),
    ("win-1258", "windows-1258"),
    ("cp850", "windows-850"),
    ("cp850", "windows-850"),
    ("cp-850", "windows-850"),
    ("cp-850", "windows-850"),
    ("dos-latin1", "windows-850"),
    ("msdos-latin1", "windows-850"),
    ("cp932", "windows-31j"),
    ("cp932", "windows-31j"),
    ("cp-932", "windows-31j"),
    ("cp-932", "windows-31j"),
    ("win-31j", "windows-31j"),
    ("shift_jis", "windows-31j"),
    ("shift_jis", "windows-31j"),
    ("shift_jis", "windows-31j"),
    ("cp936", "windows-936"),
    ("cp936", "windows-936"),
    ("cp-936", "windows-936"),
    ("cp-936", "windows-936"),
    ("win-936", "windows-936"),
    ("238", "windows-1250"),
    ("136", "big5"),
    ("gbk", "windows-936"),
    ("gbk", "windows-936"),
    ("x-gbk", "windows-936"),
    ("gb2312", "windows-936"),
];

/// `charset_lookupname`: `None` is `CHARSET_UNKNOWN_CHARSET`.
///
/// Cyrus resolves its alias table, then asks ICU, whose name matching
/// ignores case, `-`, `_` and spaces; we try the same spellings against
/// the alias table and `encoding_rs`, plus the few ICU names that WHATWG
/// lacks (and the one WHATWG name Debian's ICU lacks).
pub(crate) fn lookup(name: &[u8]) -> Option<Charset> {
    let name = std::str::from_utf8(name).ok()?;
    if name.is_empty() || name.trim() != name {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let dashed: String = lower
        .chars()
        .map(|c| if c == '_' || c == ' ' { '-' } else { c })
        .collect();
    let bare: String = lower
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .collect();
    for candidate in [lower.as_str(), dashed.as_str(), bare.as_str()] {
        if let Some(cs) = lookup_exact(candidate) {
            return cs;
        }
    }
    None
}

/// One spelling: `Some(None)` means "known to be unknown".
fn lookup_exact(lower: &str) -> Option<Option<Charset>> {
    let canon = ALIASES
        .iter()
        .find(|(alias, _)| *alias == lower)
        .or_else(|| ALIASES.iter().find(|(_, c)| c.eq_ignore_ascii_case(lower)))
        .map(|&(_, c)| c.to_ascii_lowercase());
    let target = canon.as_deref().unwrap_or(lower);
    let cs = match target {
        "us-ascii" => Charset::UsAscii,
        "utf-8" => Charset::Utf8,
        // Debian 12's ICU has no ISO-8859-16.
        "iso-8859-16" => return Some(None),
        "utf-16" | "ucs-2" | "iso-10646-ucs-2" | "csunicode" => Charset::Utf16,
        "utf-7" => Charset::Utf7,
        // Known to Cyrus/ICU, not to encoding_rs.
        "imap-mailbox-name" | "windows-850" | "ibm850" | "cp850" | "850" | "ibm437" | "cp437"
        | "437" | "hz-gb-2312" | "iso-2022-kr" | "csiso2022kr" | "iso-2022-cn"
        | "iso-2022-cn-ext" => Charset::Unsupported,
        // Cyrus canonical names that are not WHATWG labels.
        "windows-936" => Charset::Other(encoding_rs::GBK),
        "windows-31j" => Charset::Other(encoding_rs::SHIFT_JIS),
        "ksc5601" => Charset::Other(encoding_rs::EUC_KR),
        "iso-8859-11" => Charset::Other(encoding_rs::WINDOWS_874),
        _ => Charset::Other(
            Encoding::for_label_no_replacement(target.as_bytes())
                .or_else(|| Encoding::for_label_no_replacement(lower.as_bytes()))?,
        ),
    };
    Some(Some(cs))
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
        // Cyrus's US-ASCII table maps 8-bit bytes to U+FFFD.
        Charset::UsAscii | Charset::Unsupported => {
            for &c in src {
                match c {
                    0 => {}
                    0x80.. => push_char(out, 0xfffd),
                    _ => out.push(c),
                }
            }
        }
        Charset::Utf8 => utf8_lenient(src, out),
        Charset::Utf7 => utf7(src, out),
        Charset::Utf16 => {
            let (enc, body) = match src {
                [0xff, 0xfe, rest @ ..] => (encoding_rs::UTF_16LE, rest),
                [0xfe, 0xff, rest @ ..] => (encoding_rs::UTF_16BE, rest),
                _ => (encoding_rs::UTF_16BE, src),
            };
            let (text, _) = enc.decode_without_bom_handling(body);
            out.extend_from_slice(text.as_bytes());
        }
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

/// RFC 2152 UTF-7: `+` opens a modified-base64 run of UTF-16 code units,
/// `+-` is a literal `+`, a `-` closing a run is dropped.
fn utf7(src: &[u8], out: &mut Vec<u8>) {
    let mut units: Vec<u16> = Vec::new();
    let flush_units = |units: &mut Vec<u16>, out: &mut Vec<u8>| {
        for ch in char::decode_utf16(units.drain(..)) {
            push_char(out, ch.map_or(0xfffd, u32::from));
        }
    };
    let b64 = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let mut i = 0;
    while i < src.len() {
        let c = src[i];
        if c != b'+' {
            if c < 0x80 {
                out.push(c);
            } else {
                push_char(out, 0xfffd);
            }
            i += 1;
            continue;
        }
        i += 1;
        if src.get(i) == Some(&b'-') {
            out.push(b'+');
            i += 1;
            continue;
        }
        let (mut bits, mut nbits) = (0u32, 0u32);
        while let Some(v) = src.get(i).copied().and_then(b64) {
            bits = (bits << 6) | v;
            nbits += 6;
            if nbits >= 16 {
                nbits -= 16;
                units.push(u16::try_from((bits >> nbits) & 0xffff).unwrap_or(0xfffd));
            }
            bits &= (1 << nbits) - 1;
            i += 1;
        }
        flush_units(&mut units, out);
        if src.get(i) == Some(&b'-') {
            i += 1;
        }
    }
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
    fn utf7_and_utf16() {
        assert_eq!(
            decode_to_utf8(b"Hi Mom -+Jjo--! +ZeVnLIqe- a+-b", b"utf-7").unwrap_or_default(),
            "Hi Mom -\u{263a}-! \u{65e5}\u{672c}\u{8a9e} a+b".as_bytes()
        );
        assert_eq!(
            decode_to_utf8(b"\xff\xfeh\x00", b"UTF-16").unwrap_or_default(),
            b"h"
        );
        assert_eq!(
            decode_to_utf8(b"\x00h", b"utf-16").unwrap_or_default(),
            b"h"
        );
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
            "a\u{fffd}b".as_bytes()
        );
    }
}
