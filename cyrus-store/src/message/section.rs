//! The binary SECTION cache item (`message_write_section`,
//! `message_write_charset`, `message_write_nocharset` in `imap/message.c`):
//! for every multipart or message/rfc822 level, `nparts + 1` and then one
//! entry per part (part 0 being the header of an enclosed message), each
//! `header_offset, header_size, content_offset, content_size`, a charset /
//! encoding word with the padded charset name, the content GUID, the
//! decoded size and the line count. All integers are big-endian u32.

use super::mime::BodyPart;

fn put(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn guid_size_lines(out: &mut Vec<u8>, b: Option<&BodyPart>) {
    match b {
        Some(b) => {
            out.extend_from_slice(&b.content_guid);
            put(out, b.decoded_content_size);
            put(out, b.content_lines);
        }
        None => {
            out.extend_from_slice(&[0; 20]);
            put(out, 0);
            put(out, 0);
        }
    }
}

/// `message_write_nocharset`.
fn nocharset(out: &mut Vec<u8>, b: Option<&BodyPart>) {
    put(out, 0x0000_ffff);
    guid_size_lines(out, b);
}

/// `message_write_charset`: `(padded name length << 16) | encoding`, the
/// NUL-padded charset name, then GUID, decoded size, lines.
fn charset(out: &mut Vec<u8>, b: &BodyPart) {
    let (enc, cs) = b.encoding_and_charset();
    let name = cs.unwrap_or_default();
    let mut len = if name.is_empty() {
        0
    } else {
        (name.len() / 4 + 1) * 4
    };
    if len > 0xffff {
        len = 0;
    }
    let len32 = u32::try_from(len).unwrap_or(0);
    put(out, (len32 << 16) | (enc.cyrus_id() & 0xff));
    if len > 0 {
        let start = out.len();
        out.extend_from_slice(&name);
        out.resize(start + len, 0);
    }
    guid_size_lines(out, Some(b));
}

fn zero_part_multipart(b: &BodyPart) -> bool {
    b.parts.is_empty() && b.media_type == b"MULTIPART"
}

fn part_entry(out: &mut Vec<u8>, p: &BodyPart, nocharset_for_empty_multipart: bool) {
    put(out, p.header_offset);
    put(out, p.header_size);
    put(out, p.content_offset);
    if zero_part_multipart(p) {
        put(out, 0);
        if nocharset_for_empty_multipart {
            nocharset(out, Some(p));
        } else {
            charset(out, p);
        }
    } else {
        put(out, p.content_size);
        charset(out, p);
    }
}

/// Write the section map of a message/rfc822 wrapper around `sub`.
fn write_rfc822(out: &mut Vec<u8>, sub: &BodyPart) {
    if !sub.parts.is_empty() {
        put(out, u32::try_from(sub.parts.len() + 1).unwrap_or(u32::MAX));
        put(out, sub.header_offset);
        put(out, sub.header_size);
        put(out, sub.content_offset);
        put(out, sub.content_size);
        nocharset(out, Some(sub));
        for p in &sub.parts {
            // Cyrus writes the charset word here even for an empty multipart.
            part_entry(out, p, false);
        }
        for p in &sub.parts {
            write_section(out, p);
        }
    } else {
        put(out, 2);
        put(out, sub.header_offset);
        put(out, sub.header_size);
        put(out, sub.content_offset);
        put(out, sub.content_size);
        nocharset(out, Some(sub));
        put(out, sub.header_offset);
        put(out, sub.header_size);
        put(out, sub.content_offset);
        if sub.media_type == b"MULTIPART" {
            put(out, 0);
            nocharset(out, None);
        } else {
            put(out, sub.content_size);
            charset(out, sub);
        }
        write_section(out, sub);
    }
}

/// `message_write_section` for one body part.
pub(crate) fn write_section(out: &mut Vec<u8>, b: &BodyPart) {
    if b.is_rfc822() {
        let empty = BodyPart::default();
        write_rfc822(out, b.message.as_deref().unwrap_or(&empty));
    } else if !b.parts.is_empty() {
        put(out, u32::try_from(b.parts.len() + 1).unwrap_or(u32::MAX));
        put(out, 0);
        put(out, u32::MAX);
        put(out, 0);
        put(out, u32::MAX);
        nocharset(out, None);
        for p in &b.parts {
            part_entry(out, p, true);
        }
        for p in &b.parts {
            write_section(out, p);
        }
    } else {
        put(out, 0);
    }
}

/// The SECTION item for a whole message (Cyrus wraps the top level in a
/// synthetic message/rfc822).
pub(crate) fn section_item(top: &BodyPart) -> Vec<u8> {
    let mut out = Vec::new();
    write_rfc822(&mut out, top);
    out
}
