//! Modified UTF-7 (RFC 3501 §5.1.3), the charset of IMAP mailbox names.

use super::error::NameError;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

fn b64_value(c: u8) -> Option<u32> {
    B64.iter().position(|&x| x == c).map(|p| p as u32)
}

fn flush(out: &mut String, units: &mut Vec<u16>) {
    if units.is_empty() {
        return;
    }
    out.push('&');
    let bytes: Vec<u8> = units.iter().flat_map(|u| u.to_be_bytes()).collect();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(B64[((n >> (18 - 6 * i)) & 0x3f) as usize] as char);
        }
    }
    out.push('-');
    units.clear();
}

/// Encodes UTF-8 text as modified UTF-7: printable ASCII stays, `&`
/// becomes `&-`, everything else is UTF-16BE in modified base64.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut units: Vec<u16> = Vec::new();
    for ch in s.chars() {
        if (' '..='~').contains(&ch) {
            flush(&mut out, &mut units);
            if ch == '&' {
                out.push_str("&-");
            } else {
                out.push(ch);
            }
        } else {
            let mut buf = [0u16; 2];
            units.extend_from_slice(ch.encode_utf16(&mut buf));
        }
    }
    flush(&mut out, &mut units);
    out
}

/// Decodes modified UTF-7 to UTF-8, rejecting what RFC 3501 forbids: raw
/// non-ASCII, base64 runs that encode printable ASCII, non-zero padding
/// bits, bad surrogates and unterminated runs.
pub fn decode(s: &str) -> Result<String, NameError> {
    let err = || NameError::BadUtf7(s.to_string());
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut prev_was_run = false;
    while i < b.len() {
        let c = b[i];
        if !(0x20..=0x7e).contains(&c) {
            return Err(err());
        }
        if c != b'&' {
            out.push(c as char);
            i += 1;
            prev_was_run = false;
            continue;
        }
        i += 1;
        let start = i;
        while i < b.len() && b[i] != b'-' {
            i += 1;
        }
        if i >= b.len() {
            return Err(err());
        }
        let run = &b[start..i];
        i += 1; // '-'
        if run.is_empty() {
            out.push('&');
            prev_was_run = false;
            continue;
        }
        if prev_was_run {
            // Two adjacent runs must have been written as one.
            return Err(err());
        }
        prev_was_run = true;
        let mut acc: u32 = 0;
        let mut bits = 0;
        let mut units = Vec::new();
        for &ch in run {
            acc = (acc << 6) | b64_value(ch).ok_or_else(err)?;
            bits += 6;
            if bits >= 16 {
                bits -= 16;
                units.push(((acc >> bits) & 0xffff) as u16);
            }
        }
        if bits >= 6 || (acc & ((1 << bits) - 1)) != 0 {
            return Err(err());
        }
        let text = String::from_utf16(&units).map_err(|_| err())?;
        if text.chars().any(|c| (' '..='~').contains(&c)) {
            return Err(err());
        }
        out.push_str(&text);
    }
    Ok(out)
}

/// True if `s` is well-formed modified UTF-7.
pub fn is_valid(s: &str) -> bool {
    decode(s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_and_fixture_examples() {
        assert_eq!(encode("Entwürfe"), "Entw&APw-rfe");
        assert_eq!(decode("Entw&APw-rfe").expect("valid"), "Entwürfe");
        // RFC 3501 §5.1.3 example.
        let s = "~peter/mail/台北/日本語";
        assert_eq!(encode(s), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
        assert_eq!(decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-").expect("valid"), s);
        assert_eq!(encode("a&b"), "a&-b");
        assert_eq!(decode("a&-b").expect("valid"), "a&b");
        assert_eq!(encode("😀"), "&2D3eAA-");
        assert_eq!(decode("&2D3eAA-").expect("valid"), "😀");
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "&Jjo!",
            "&U,BTFw-&ZeVnLIqe-",
            "&AGE-",
            "&APx",
            "ü",
            "&APw",
            "&AP1-",
        ] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }
}
