//! Header-field primitives with Cyrus 3.6's exact semantics
//! (`imap/message.c`: `message_parse_string`, `message_parse_header`,
//! `message_parse_rfc822space`; `imap/mailbox.c`: cached-header test).
//!
//! Cyrus parses header values as NUL-terminated C strings that run on past
//! the end of the field into the following header lines, and stops at a
//! newline not followed by whitespace. The functions here take such a tail
//! slice (`&[u8]` running to the end of the header block, already cut at
//! the first NUL byte) and reproduce that behaviour, quirks included.

/// Byte at `i`, or 0 (the C string terminator) past the end.
pub(crate) fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

/// C `isspace` in the "C" locale (what Cyrus's `Uisspace` is).
pub(crate) fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// `strchr(s + from, '\n')` semantics: index of the next LF at or after
/// `from`, or `None`.
fn find_lf(s: &[u8], from: usize) -> Option<usize> {
    s.get(from..)?
        .iter()
        .position(|&c| c == b'\n')
        .map(|p| p + from)
}

/// End of the field that starts at `s[0]`: the index of the LF that ends
/// it (not followed by SP/TAB), or `None` if the field runs to the end.
/// Like Cyrus, the search starts one byte in, so a value that is just an
/// LF swallows the next line.
fn field_lf(s: &[u8]) -> Option<usize> {
    let mut pos = 0usize;
    loop {
        let lf = find_lf(s, pos + 1)?;
        let next = at(s, lf + 1);
        if next != b' ' && next != b'\t' {
            return Some(lf);
        }
        pos = lf;
    }
}

/// The field value without its final CRLF (`hdr` .. `hdrend` in Cyrus).
pub(crate) fn field_value(s: &[u8]) -> &[u8] {
    match field_lf(s) {
        Some(lf) => {
            let end = if lf > 0 && s[lf - 1] == b'\r' {
                lf - 1
            } else {
                lf
            };
            &s[..end]
        }
        None => s,
    }
}

/// `message_parse_string`: skip leading SP/TAB, take the field, and unfold
/// it by deleting every LF (and a CR right before it).
pub(crate) fn parse_string(s: &[u8]) -> Vec<u8> {
    let start = s
        .iter()
        .position(|&c| c != b' ' && c != b'\t')
        .unwrap_or(s.len());
    let v = field_value(&s[start..]);
    let mut out: Vec<u8> = Vec::with_capacity(v.len());
    for &c in v {
        if c == b'\n' {
            if out.last() == Some(&b'\r') {
                out.pop();
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `message_parse_header`: the whole field (name included) as it appears,
/// folds kept, followed by CRLF. This is what goes into the HEADERS item.
pub(crate) fn cache_line(s: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(field_value(s));
    out.extend_from_slice(b"\r\n");
}

/// `message_parse_rfc822space`: skip whitespace and (nested) comments.
/// Returns `None` where Cyrus sets the pointer to NULL: end of the field
/// (LF not followed by SP/TAB), end of string, or an unterminated comment.
pub(crate) fn skip_cfws(s: &[u8], mut p: usize) -> Option<usize> {
    loop {
        let c = at(s, p);
        if c == 0 {
            return None;
        }
        if c == b'\n' {
            p += 1;
            let n = at(s, p);
            if n != b' ' && n != b'\t' {
                return None;
            }
        } else if c == b'(' {
            p += 1;
            let mut level = 1u32;
            while level > 0 {
                match at(s, p) {
                    b'\n' => {
                        p += 1;
                        let n = at(s, p);
                        if n != b' ' && n != b'\t' {
                            return None;
                        }
                    }
                    0 => return None,
                    b'\\' => {
                        p += 1;
                        if at(s, p) == 0 {
                            return None;
                        }
                    }
                    b'(' => level += 1,
                    b')' => level -= 1,
                    _ => {}
                }
                p += 1;
            }
        } else if is_space(c) {
            p += 1;
        } else {
            return Some(p);
        }
    }
}

/// Header fields Cyrus 3.6 interprets (`imap/rfc822_header.st`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    Bcc,
    Cc,
    ContentDescription,
    ContentDisposition,
    ContentId,
    ContentLanguage,
    ContentLocation,
    ContentMd5,
    ContentTransferEncoding,
    ContentType,
    Date,
    From,
    InReplyTo,
    MessageId,
    ReplyTo,
    Received,
    References,
    Subject,
    Sender,
    To,
    XDeliveredInternalDate,
    XMeMessageId,
}

/// `message_header_lookup`: the name is everything before the first `:`,
/// and a CR or LF before it means "not a field".
pub(crate) fn lookup(line: &[u8]) -> Option<(Field, usize)> {
    let len = line
        .iter()
        .position(|&c| c == b':' || c == b'\r' || c == b'\n')?;
    if line[len] != b':' {
        return None;
    }
    let name = &line[..len];
    const TABLE: &[(&[u8], Field)] = &[
        (b"bcc", Field::Bcc),
        (b"cc", Field::Cc),
        (b"content-description", Field::ContentDescription),
        (b"content-disposition", Field::ContentDisposition),
        (b"content-id", Field::ContentId),
        (b"content-language", Field::ContentLanguage),
        (b"content-location", Field::ContentLocation),
        (b"content-md5", Field::ContentMd5),
        (b"content-transfer-encoding", Field::ContentTransferEncoding),
        (b"content-type", Field::ContentType),
        (b"date", Field::Date),
        (b"from", Field::From),
        (b"in-reply-to", Field::InReplyTo),
        (b"message-id", Field::MessageId),
        (b"reply-to", Field::ReplyTo),
        (b"received", Field::Received),
        (b"references", Field::References),
        (b"subject", Field::Subject),
        (b"sender", Field::Sender),
        (b"to", Field::To),
        (b"x-deliveredinternaldate", Field::XDeliveredInternalDate),
        (b"x-me-message-id", Field::XMeMessageId),
    ];
    TABLE
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, f)| (f, len + 1))
}

/// Longest header name Cyrus will consider caching
/// (`MAX_CACHED_HEADER_SIZE`, `imap/mailbox.h`).
const MAX_CACHED_HEADER_SIZE: usize = 32;

/// Names in `imap/mailbox_header_cache.gperf` whose minimum cache version
/// is above 11 (`BIT32_MAX`): never cached.
const NEVER_CACHED: &[&[u8]] = &[
    b"bcc",
    b"cc",
    b"date",
    b"delivery-date",
    b"envelope-to",
    b"from",
    b"in-reply-to",
    b"mime-version",
    b"received",
    b"return-path",
    b"subject",
    b"to",
    b"dkim-signature",
    b"domainkey-signature",
    b"domainkey-x509",
    b"message-id",
    b"arc-seal",
    b"arc-message-signature",
    b"arc-authentication-results",
    b"authentication-results",
    b"received-spf",
    b"archived-at",
    b"listbox-message-date",
    b"topicbox-message-uuid",
    b"topicbox-policy-reasoning",
];

/// `X-` names the gperf table lists with a version <= 11: cached.
const CACHED_X: &[&[u8]] = &[
    b"x-mailer",
    b"x-trace",
    b"x-ref",
    b"x-priority",
    b"x-msmail-priority",
    b"x-msoesrec",
    b"x-spam-score",
    b"x-resolved-to",
    b"x-delivered-to",
    b"x-mail-from",
    b"x-truedomain-domain",
    b"x-me-message-id",
    b"x-cyrus-session-id",
    b"x-universally-unique-identifier",
    b"x-uniform-type-identifier",
    b"x-apple-base-url",
    b"x-apple-mail-remote-attachments",
];

/// `mailbox_cached_header_inline` for cache version 11: is the field that
/// starts at `line` copied into the HEADERS cache item?
pub(crate) fn is_cached(line: &[u8]) -> bool {
    let mut i = 0;
    while i < MAX_CACHED_HEADER_SIZE {
        let c = at(line, i);
        if c == 0 || c == b'\r' || c == b'\n' {
            return false;
        }
        if c == b':' {
            let name = &line[..i];
            if NEVER_CACHED.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                return false;
            }
            if CACHED_X.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                return true;
            }
            return !(name.len() >= 2 && (name[0] | 0x20) == b'x' && name[1] == b'-');
        }
        i += 1;
    }
    false
}

/// One header field of a header block, as raw bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderField<'a> {
    /// The field name (without the colon), as written.
    pub name: &'a [u8],
    /// The value after the colon, folds included, without the final CRLF.
    pub value: &'a [u8],
    /// The whole field including its line end(s), for BODY[HEADER.FIELDS].
    pub raw: &'a [u8],
}

/// Split a header block (e.g. `raw[..header_size]`) into fields, for
/// `BODY[HEADER.FIELDS]` and `SEARCH HEADER`. Continuation lines belong to
/// the field above; lines without a colon are skipped; the blank line
/// ends the block.
pub fn header_fields(block: &[u8]) -> Vec<HeaderField<'_>> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < block.len() {
        let line_end = |from: usize| {
            block[from..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(block.len(), |p| from + p + 1)
        };
        let first_end = line_end(pos);
        let line = &block[pos..first_end];
        if line == b"\r\n" || line == b"\n" {
            break;
        }
        let mut end = first_end;
        while end < block.len() && matches!(block[end], b' ' | b'\t') {
            end = line_end(end);
        }
        let raw = &block[pos..end];
        if let Some(colon) = line.iter().position(|&c| c == b':') {
            let mut v_end = raw.len();
            if raw.ends_with(b"\r\n") {
                v_end -= 2;
            } else if raw.ends_with(b"\n") {
                v_end -= 1;
            }
            out.push(HeaderField {
                name: &raw[..colon],
                value: &raw[colon + 1..v_end],
                raw,
            });
        }
        pos = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfolds_and_trims() {
        assert_eq!(parse_string(b"  a\r\n b\r\nNext: x\r\n"), b"a b");
        assert_eq!(parse_string(b"\r\nNext: x\r\n"), b"");
    }

    #[test]
    fn fields() {
        let f = header_fields(b"A: 1\r\nB: 2\r\n  more\r\nnocolon\r\n\r\nC: body\r\n");
        assert_eq!(f.len(), 2);
        assert_eq!(f[1].name, b"B");
        assert_eq!(f[1].value, b" 2\r\n  more");
        assert_eq!(f[1].raw, b"B: 2\r\n  more\r\n");
    }

    #[test]
    fn cached_names() {
        assert!(is_cached(b"Content-Type: text/plain"));
        assert!(!is_cached(b"Subject: x"));
        assert!(!is_cached(b"X-Foo: x"));
        assert!(is_cached(b"X-Mailer: x"));
        assert!(is_cached(b"Reply-To: x"));
        assert!(!is_cached(b"no colon here"));
    }

    #[test]
    fn cfws() {
        assert_eq!(skip_cfws(b" (a (b)) x", 0), Some(9));
        assert_eq!(skip_cfws(b"  \r\nNext", 0), None);
        assert_eq!(skip_cfws(b" (unterminated", 0), None);
    }
}
