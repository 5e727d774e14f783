//! BODY and BODYSTRUCTURE text as Cyrus 3.6 caches it
//! (`message_write_body` in `imap/message.c`).

use super::envelope::{write_envelope, write_nstring};
use super::mime::BodyPart;
use super::params::Param;

fn write_params(out: &mut Vec<u8>, params: &[Param]) {
    if params.is_empty() {
        out.extend_from_slice(b"NIL");
        return;
    }
    out.push(b'(');
    for (i, p) in params.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        write_nstring(out, Some(&p.attribute));
        out.push(b' ');
        write_nstring(out, Some(&p.value));
    }
    out.push(b')');
}

/// Disposition, language and location: the tail shared by both forms.
fn write_ext_tail(out: &mut Vec<u8>, b: &BodyPart) {
    match &b.disposition {
        Some((d, params)) => {
            out.push(b'(');
            write_nstring(out, Some(d));
            out.push(b' ');
            write_params(out, params);
            out.push(b')');
        }
        None => out.extend_from_slice(b"NIL"),
    }
    out.push(b' ');
    if b.language.is_empty() {
        out.extend_from_slice(b"NIL");
    } else {
        out.push(b'(');
        for (i, l) in b.language.iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            write_nstring(out, Some(l));
        }
        out.push(b')');
    }
    out.push(b' ');
    write_nstring(out, b.location.as_deref());
}

/// The part Cyrus writes for a zero-part multipart.
fn zero_text() -> BodyPart {
    let mut z = BodyPart {
        media_type: b"TEXT".to_vec(),
        subtype: b"PLAIN".to_vec(),
        ..BodyPart::default()
    };
    z.params.push(Param {
        attribute: b"CHARSET".to_vec(),
        value: b"us-ascii".to_vec(),
    });
    z
}

/// `message_write_body`: `extended` selects BODYSTRUCTURE over BODY.
pub(crate) fn write_body(out: &mut Vec<u8>, b: &BodyPart, extended: bool) {
    if b.media_type == b"MULTIPART" {
        if b.parts.is_empty() {
            write_body(out, &zero_text(), extended);
            return;
        }
        out.push(b'(');
        for p in &b.parts {
            write_body(out, p, extended);
        }
        out.push(b' ');
        write_nstring(out, Some(&b.subtype));
        if extended {
            out.push(b' ');
            write_params(out, &b.params);
            out.push(b' ');
            write_ext_tail(out, b);
        }
        out.push(b')');
        return;
    }
    out.push(b'(');
    write_nstring(out, Some(&b.media_type));
    out.push(b' ');
    write_nstring(out, Some(&b.subtype));
    out.push(b' ');
    write_params(out, &b.params);
    out.push(b' ');
    write_nstring(out, b.id.as_deref());
    out.push(b' ');
    write_nstring(out, b.description.as_deref());
    out.push(b' ');
    write_nstring(out, Some(b.encoding.as_deref().unwrap_or(b"7BIT")));
    out.push(b' ');
    out.extend_from_slice(b.content_size.to_string().as_bytes());
    if b.media_type == b"TEXT" {
        out.push(b' ');
        out.extend_from_slice(b.content_lines.to_string().as_bytes());
    } else if b.is_rfc822() {
        let empty = BodyPart::default();
        let sub = b.message.as_deref().unwrap_or(&empty);
        out.push(b' ');
        write_envelope(out, sub);
        out.push(b' ');
        write_body(out, sub, extended);
        out.push(b' ');
        out.extend_from_slice(b.content_lines.to_string().as_bytes());
    }
    if extended {
        out.push(b' ');
        write_nstring(out, b.md5.as_deref());
        out.push(b' ');
        write_ext_tail(out, b);
    }
    out.push(b')');
}
