//! RFC 2047 encoded-word decoding as Cyrus 3.6 does it for the SUBJECT and
//! search-address cache items (`charset_parse_mimeheader` /
//! `mimeheader_cat` in `lib/charset.c`).
//!
//! Text outside encoded words is read as US-ASCII (8-bit bytes vanish),
//! whitespace between two adjacent encoded words is dropped, adjacent words
//! in the same charset and encoding share one decoder (so a multi-byte
//! character split across words survives), and a word in an unknown
//! charset becomes U+FFFD.

use super::charset::{lookup, to_utf8, Charset};
use super::header::is_space;
use super::transfer::{decode_qp, Base64};

/// Folding filter (`unfold2uni` with skipws off): CRLF followed by SP/TAB
/// is removed, the SP/TAB kept. Its state persists across the text pieces
/// of one header, and a CR or CRLF pending at the very end is lost, as in
/// Cyrus.
#[derive(Default)]
struct Unfold {
    /// 0: normal, 1: saw CR, 2: saw CRLF.
    state: u8,
}

impl Unfold {
    fn feed(&mut self, src: &[u8], out: &mut Vec<u8>) {
        for &c in src {
            match self.state {
                0 => {
                    if c == b'\r' {
                        self.state = 1;
                    } else {
                        out.push(c);
                    }
                }
                1 => {
                    if c == b'\n' {
                        self.state = 2;
                    } else {
                        out.extend_from_slice(&[b'\r', c]);
                        self.state = 0;
                    }
                }
                _ => {
                    if c != b' ' && c != b'\t' {
                        out.extend_from_slice(&[b'\r', b'\n', c]);
                    } else {
                        out.push(c);
                    }
                    self.state = 0;
                }
            }
        }
    }
}

/// One run of adjacent encoded words sharing a decoder.
struct Run {
    cs: Charset,
    cs_key: Vec<u8>,
    b64: bool,
    bytes: Vec<u8>,
    b64_state: Base64,
}

fn flush(run: &mut Option<Run>, out: &mut Vec<u8>) {
    if let Some(r) = run.take() {
        to_utf8(&r.bytes, r.cs, out);
    }
}

/// Decode encoded words in `s` to UTF-8 (`charset_parse_mimeheader` with
/// Cyrus's default flags).
pub fn decode_mimeheader(s: &[u8]) -> Vec<u8> {
    let s = match s.iter().position(|&c| c == 0) {
        Some(n) => &s[..n],
        None => s,
    };
    let mut out = Vec::with_capacity(s.len());
    let mut unfold = Unfold::default();
    let mut run: Option<Run> = None;
    let mut text_start = 0usize;
    let mut eatspace = false;
    let mut start = 0usize;
    while let Some(eq) = s[start..]
        .iter()
        .position(|&c| c == b'=')
        .map(|p| p + start)
    {
        start = eq + 1;
        if s.get(start) != Some(&b'?') {
            continue;
        }
        let mut endcharset = None;
        let mut p = start + 1;
        while p < s.len() && s[p] != b'=' && s[p] != b'?' {
            if s[p] == b'*' && endcharset.is_none() {
                endcharset = Some(p);
            }
            p += 1;
        }
        if s.get(p) != Some(&b'?') {
            start = p;
            continue;
        }
        let encoding = p;
        let endcharset = endcharset.unwrap_or(p);
        let ech = s.get(encoding + 1).copied().unwrap_or(0);
        if !matches!(ech, b'b' | b'B' | b'q' | b'Q') || s.get(encoding + 2) != Some(&b'?') {
            start = p;
            continue;
        }
        p = encoding + 3;
        while p < s.len() && s[p] != b'?' {
            if s[p] == b'=' && s.get(p + 1) == Some(&b'?') && s.get(p + 2) != Some(&b'=') {
                break;
            }
            p += 1;
        }
        if s.get(p) != Some(&b'?') || s.get(p + 1) != Some(&b'=') {
            start = p;
            continue;
        }
        let end = p;
        // A valid encoded word spans start-1 ..= end+1.
        if eatspace && s[text_start..start - 1].iter().any(|&c| !is_space(c)) {
            eatspace = false;
        }
        if !eatspace {
            flush(&mut run, &mut out);
            let mut tmp = Vec::new();
            unfold.feed(&s[text_start..start - 1], &mut tmp);
            to_utf8(&tmp, Charset::UsAscii, &mut out);
        }
        let name = &s[start + 1..endcharset];
        let b64 = matches!(ech, b'b' | b'B');
        let text = &s[encoding + 3..end];
        match lookup(name) {
            None => {
                flush(&mut run, &mut out);
                out.extend_from_slice("\u{fffd}".as_bytes());
            }
            Some(cs) => {
                let key = name.to_ascii_lowercase();
                let same = run
                    .as_ref()
                    .is_some_and(|r| r.b64 == b64 && same_charset(&r.cs_key, &key));
                if !same {
                    flush(&mut run, &mut out);
                    run = Some(Run {
                        cs,
                        cs_key: key,
                        b64,
                        bytes: Vec::new(),
                        b64_state: Base64::default(),
                    });
                }
                if let Some(r) = run.as_mut() {
                    if b64 {
                        r.b64_state.feed(text, &mut r.bytes);
                    } else {
                        r.bytes.extend_from_slice(&decode_qp(text, true));
                    }
                }
            }
        }
        start = end + 2;
        text_start = start;
        eatspace = true;
    }
    flush(&mut run, &mut out);
    if text_start < s.len() {
        let mut tmp = Vec::new();
        unfold.feed(&s[text_start..], &mut tmp);
        to_utf8(&tmp, Charset::UsAscii, &mut out);
    }
    out
}

/// Cyrus compares canonical names; equal labels are a close approximation.
fn same_charset(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    match (lookup(a), lookup(b)) {
        (Some(Charset::Other(x)), Some(Charset::Other(y))) => x == y,
        (Some(Charset::Utf8), Some(Charset::Utf8))
        | (Some(Charset::UsAscii), Some(Charset::UsAscii)) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> String {
        String::from_utf8_lossy(&decode_mimeheader(s.as_bytes())).into_owned()
    }

    #[test]
    fn words() {
        assert_eq!(
            d("=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= and =?ISO-8859-1?B?Y2Fm6Q==?="),
            "Grüße and café"
        );
        assert_eq!(d("=?utf-8?q?a?= =?utf-8?q?b?="), "ab");
        assert_eq!(d("=?x-unknown-cs?q?a?=b"), "\u{fffd}b");
        assert_eq!(d("plain \u{e9}"), "plain \u{fffd}\u{fffd}");
        assert_eq!(d("a\r\n b\r"), "a b");
        assert_eq!(d("=?utf-8?b?w6k=?="), "é");
        // A character split across two words survives.
        assert_eq!(d("=?utf-8?q?=C3?= =?utf-8?q?=A9?="), "é");
    }
}
