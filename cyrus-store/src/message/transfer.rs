//! Content-Transfer-Encoding decoders with Cyrus 3.6's exact byte output
//! (`lib/charset.c`: `qp2byte`/`qp_flushline`, `b64_2byte`). The content
//! GUID and decoded size in the SECTION cache item are the SHA-1 and
//! length of what these produce, so they must match byte for byte.

/// Transfer encodings as numbered in Cyrus (`lib/charset.h`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransferEncoding {
    /// 7bit, 8bit, binary or absent (`ENCODING_NONE`, 0).
    Identity,
    /// quoted-printable (`ENCODING_QP`, 1).
    QuotedPrintable,
    /// base64 (`ENCODING_BASE64`, 2).
    Base64,
    /// anything else (`ENCODING_UNKNOWN`, 255): cannot be decoded.
    Unknown,
}

impl TransferEncoding {
    /// The number Cyrus stores in the low byte of the SECTION charset word.
    pub fn cyrus_id(self) -> u32 {
        match self {
            TransferEncoding::Identity => 0,
            TransferEncoding::QuotedPrintable => 1,
            TransferEncoding::Base64 => 2,
            TransferEncoding::Unknown => 255,
        }
    }
}

fn hexval(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Longest line the QP decoder buffers before flushing (`qp2byte`).
const QP_MAX_LINE: usize = 998;

fn qp_flush_line(line: &mut Vec<u8>, endline: bool, header: bool, out: &mut Vec<u8>) {
    let mut endline = endline;
    while matches!(line.last(), Some(b' ' | b'\t')) {
        line.pop();
    }
    let mut i = 0;
    while i < line.len() {
        match line[i] {
            b'=' => {
                if i + 1 >= line.len() {
                    endline = false;
                } else if let (true, Some(a), Some(b)) = (
                    i + 2 < line.len(),
                    line.get(i + 1).copied().and_then(hexval),
                    line.get(i + 2).copied().and_then(hexval),
                ) {
                    out.push((a << 4) | b);
                    i += 2;
                } else {
                    out.push(b'=');
                }
            }
            b'_' if header => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    if endline {
        out.extend_from_slice(b"\r\n");
    }
    line.clear();
}

/// Quoted-printable decoding; `header` selects RFC 2047 `Q` (`_` = space).
/// CRs are dropped and every LF becomes CRLF, as in Cyrus.
pub fn decode_qp(src: &[u8], header: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(src.len());
    let mut line = Vec::new();
    for &c in src {
        match c {
            b'\r' => {}
            b'\n' => qp_flush_line(&mut line, true, header, &mut out),
            _ => {
                line.push(c);
                if line.len() > QP_MAX_LINE {
                    qp_flush_line(&mut line, false, header, &mut out);
                }
            }
        }
    }
    qp_flush_line(&mut line, false, header, &mut out);
    out
}

/// Streaming base64 decoder state (`b64_2byte`): invalid bytes and
/// whitespace are skipped, `=` resets the quantum.
#[derive(Default)]
pub(crate) struct Base64 {
    codepoint: u32,
    left: u8,
}

impl Base64 {
    pub(crate) fn feed(&mut self, src: &[u8], out: &mut Vec<u8>) {
        for &c in src {
            let b = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                b'=' => {
                    self.codepoint = 0;
                    self.left = 0;
                    continue;
                }
                _ => continue,
            } as u32;
            match self.left {
                0 => {
                    self.codepoint = b;
                    self.left = 3;
                }
                3 => {
                    out.push((((self.codepoint << 2) | (b >> 4)) & 0xff) as u8);
                    self.codepoint = b;
                    self.left = 2;
                }
                2 => {
                    out.push((((self.codepoint << 4) | (b >> 2)) & 0xff) as u8);
                    self.codepoint = b;
                    self.left = 1;
                }
                _ => {
                    out.push((((self.codepoint << 6) | b) & 0xff) as u8);
                    self.codepoint = 0;
                    self.left = 0;
                }
            }
        }
    }
}

/// Base64 decoding, Cyrus style (lenient, never fails).
pub fn decode_base64(src: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(src.len() / 4 * 3 + 3);
    Base64::default().feed(src, &mut out);
    out
}

/// Decode `src` per `enc`; `None` for an unknown encoding.
pub fn decode(src: &[u8], enc: TransferEncoding) -> Option<Vec<u8>> {
    match enc {
        TransferEncoding::Identity => Some(src.to_vec()),
        TransferEncoding::QuotedPrintable => Some(decode_qp(src, false)),
        TransferEncoding::Base64 => Some(decode_base64(src)),
        TransferEncoding::Unknown => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qp() {
        assert_eq!(decode_qp(b"a=3D=\r\nb \r\nc=4", false), b"a=b\r\nc=4");
        assert_eq!(decode_qp(b"a_b", true), b"a b");
    }

    #[test]
    fn b64() {
        assert_eq!(decode_base64(b"aGVs\r\nbG8=\r\n"), b"hello");
        assert_eq!(decode_base64(b"!!aGk="), b"hi");
    }
}
