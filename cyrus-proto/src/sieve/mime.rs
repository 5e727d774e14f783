//! Decoders the tests need: RFC 2047 encoded-words in header values
//! (RFC 5228 §2.7.2 requires header tests to see decoded text), base64
//! and quoted-printable bodies.

/// Decodes RFC 2047 encoded-words (`=?charset?B|Q?text?=`) for UTF-8,
/// US-ASCII and ISO-8859-1; other charsets are decoded as Latin-1.
/// White space between adjacent encoded-words is dropped.
pub fn decode_header(value: &str) -> String {
    if !value.contains("=?") {
        return value.to_string();
    }
    let mut out = String::new();
    let mut rest = value;
    let mut pending_ws = String::new();
    let mut last_was_word = false;
    while !rest.is_empty() {
        if let Some((text, used)) = rest.strip_prefix("=?").and_then(encoded_word) {
            if !last_was_word {
                out.push_str(&pending_ws);
            }
            pending_ws.clear();
            out.push_str(&text);
            rest = &rest[used + 2..];
            last_was_word = true;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        rest = &rest[c.len_utf8()..];
        if c == ' ' || c == '\t' {
            pending_ws.push(c);
        } else {
            out.push_str(&pending_ws);
            pending_ws.clear();
            out.push(c);
            last_was_word = false;
        }
    }
    out.push_str(&pending_ws);
    out
}

/// Decodes one word after `=?`; returns the text and bytes consumed.
fn encoded_word(s: &str) -> Option<(String, usize)> {
    let q1 = s.find('?')?;
    let charset = s[..q1].split('*').next()?.to_ascii_lowercase();
    let enc = s.get(q1 + 1..q1 + 2)?.to_ascii_lowercase();
    if s.get(q1 + 2..q1 + 3)? != "?" {
        return None;
    }
    let body_start = q1 + 3;
    let end = s[body_start..].find("?=")? + body_start;
    let body = &s[body_start..end];
    if body.contains(' ') {
        return None;
    }
    let bytes = match enc.as_str() {
        "b" => base64_decode(body.as_bytes()),
        "q" => qp_decode(body.replace('_', " ").as_bytes()),
        _ => return None,
    };
    let text = if charset == "utf-8" || charset == "us-ascii" {
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        bytes.iter().map(|&b| char::from(b)).collect()
    };
    Some((text, end + 2))
}

/// Text of `bytes` in `charset`: UTF-8 (lossy) for UTF-8, US-ASCII and
/// unknown charsets; byte-to-code-point for the ISO-8859-1 family and
/// windows-1252 (close enough for matching).
pub fn decode_charset(bytes: &[u8], charset: Option<&str>) -> String {
    let cs = charset.unwrap_or("us-ascii").to_ascii_lowercase();
    let latin = matches!(
        cs.as_str(),
        "iso-8859-1" | "latin1" | "iso_8859-1" | "iso-8859-15" | "windows-1252" | "cp1252"
    );
    if latin && std::str::from_utf8(bytes).is_err() {
        bytes.iter().map(|&b| char::from(b)).collect()
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// Lenient base64 decoding (ignores anything outside the alphabet).
pub fn base64_decode(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in s {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Quoted-printable decoding (soft line breaks removed).
pub fn qp_decode(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') {
                i += 3;
                continue;
            }
            if b.get(i + 1) == Some(&b'\n') {
                i += 2;
                continue;
            }
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charsets() {
        assert_eq!(decode_charset(b"caf\xe9", Some("ISO-8859-1")), "café");
        assert_eq!(decode_charset("café".as_bytes(), Some("utf-8")), "café");
    }

    #[test]
    fn rfc2047() {
        assert_eq!(decode_header("=?UTF-8?B?w6lsw6h2ZQ==?= x"), "élève x");
        assert_eq!(
            decode_header("=?ISO-8859-1?Q?Andr=E9?= Pirard"),
            "André Pirard"
        );
        assert_eq!(decode_header("=?US-ASCII?Q?a?= =?US-ASCII?Q?b?="), "ab");
    }
}
