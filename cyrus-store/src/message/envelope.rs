//! The IMAP ENVELOPE text as Cyrus 3.6 caches it (`message_write_envelope`,
//! `message_write_address`, `message_write_nstring` in `imap/message.c`).

use super::address::Address;
use super::mime::BodyPart;

/// `message_write_nstring`: `NIL`, a quoted string, or a literal when the
/// value is 1024 bytes or longer or holds NUL, 8-bit, CR, LF, `"`, `%`
/// or `\`.
pub fn write_nstring(out: &mut Vec<u8>, s: Option<&[u8]>) {
    let Some(s) = s else {
        out.extend_from_slice(b"NIL");
        return;
    };
    let literal = s.len() >= 1024
        || s.iter()
            .any(|&c| c == 0 || c & 0x80 != 0 || matches!(c, b'\r' | b'\n' | b'"' | b'%' | b'\\'));
    if literal {
        out.extend_from_slice(format!("{{{}}}\r\n", s.len()).as_bytes());
        out.extend_from_slice(s);
    } else {
        out.push(b'"');
        out.extend_from_slice(s);
        out.push(b'"');
    }
}

/// The inverse of [`write_nstring`] for one whole cache item
/// (`de_nstring_buf` in `imap/message.c`, which SEARCH SUBJECT reads the
/// cached subject with): `None` for `NIL` or a malformed item. A quoted
/// string may carry backslash escapes (Cyrus's `parse_nstring` takes
/// them, though `message_write_nstring` never writes them).
pub fn read_nstring(item: &[u8]) -> Option<Vec<u8>> {
    match item.first()? {
        b'"' => {
            let mut out = Vec::with_capacity(item.len());
            let mut i = 1;
            while let Some(&c) = item.get(i) {
                match c {
                    b'"' => return Some(out),
                    b'\\' => {
                        out.push(*item.get(i + 1)?);
                        i += 2;
                    }
                    _ => {
                        out.push(c);
                        i += 1;
                    }
                }
            }
            None
        }
        b'{' => {
            let close = item.iter().position(|&c| c == b'}')?;
            let len: usize = std::str::from_utf8(&item[1..close]).ok()?.parse().ok()?;
            let rest = item.get(close + 1..)?.strip_prefix(b"\r\n")?;
            rest.get(..len).map(<[u8]>::to_vec)
        }
        _ => None,
    }
}

/// `message_write_address`: `NIL` for an empty list.
pub(crate) fn write_addresses(out: &mut Vec<u8>, list: &[Address]) {
    if list.is_empty() {
        out.extend_from_slice(b"NIL");
        return;
    }
    out.push(b'(');
    for a in list {
        out.push(b'(');
        write_nstring(out, a.name.as_deref());
        out.push(b' ');
        write_nstring(out, a.route.as_deref());
        out.push(b' ');
        write_nstring(out, a.mailbox.as_deref());
        out.push(b' ');
        write_nstring(out, a.domain.as_deref());
        out.push(b')');
    }
    out.push(b')');
}

/// `message_write_envelope`: Sender and Reply-To default to From.
pub(crate) fn write_envelope(out: &mut Vec<u8>, b: &BodyPart) {
    let or_from = |l: &'_ [Address]| -> Vec<Address> {
        if l.is_empty() {
            b.from.clone()
        } else {
            l.to_vec()
        }
    };
    out.push(b'(');
    write_nstring(out, b.date.as_deref());
    out.push(b' ');
    write_nstring(out, b.subject.as_deref());
    out.push(b' ');
    write_addresses(out, &b.from);
    out.push(b' ');
    write_addresses(out, &or_from(&b.sender));
    out.push(b' ');
    write_addresses(out, &or_from(&b.reply_to));
    out.push(b' ');
    write_addresses(out, &b.to);
    out.push(b' ');
    write_addresses(out, &b.cc);
    out.push(b' ');
    write_addresses(out, &b.bcc);
    out.push(b' ');
    write_nstring(out, b.in_reply_to.as_deref());
    out.push(b' ');
    write_nstring(out, b.message_id.as_deref());
    out.push(b')');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nstrings() {
        let mut v = Vec::new();
        write_nstring(&mut v, None);
        write_nstring(&mut v, Some(b"a b"));
        write_nstring(&mut v, Some(b"50%"));
        assert_eq!(v, b"NIL\"a b\"{3}\r\n50%");
    }

    #[test]
    fn nstrings_read_back() {
        for s in [
            &b"a b"[..],
            b"",
            b"50%",
            b"caf\xc3\xa9 \"quoted\" \\ back",
            &[b'x'; 2000],
        ] {
            let mut v = Vec::new();
            write_nstring(&mut v, Some(s));
            assert_eq!(read_nstring(&v).as_deref(), Some(s), "{v:?}");
        }
        assert_eq!(read_nstring(b"NIL"), None);
        assert_eq!(read_nstring(b"\"a\\\"b\""), Some(b"a\"b".to_vec()));
        // Malformed items are no string rather than a panic.
        for bad in [&b"\"open"[..], b"{5}\r\nab", b"{x}\r\n", b"{2}ab", b""] {
            assert_eq!(read_nstring(bad), None, "{bad:?}");
        }
    }
}
