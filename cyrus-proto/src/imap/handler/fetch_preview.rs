//! FETCH PREVIEW (RFC 8970 §4): up to 256 characters of the message's
//! first text part, transfer- and charset-decoded to UTF-8, with every
//! run of white space (line ends included) folded to one space and the
//! ends trimmed. `text/plain` is preferred; an HTML-only message has its
//! tags dropped. No text part → `NIL`.

use cyrus_store::message::{BodyPart, ParsedMessage};

/// RFC 8970 §3: a preview is at most 256 characters.
pub(super) const PREVIEW_CHARS: usize = 256;

fn first_leaf<'p>(p: &'p BodyPart, sub: &[u8]) -> Option<&'p BodyPart> {
    if !p.parts.is_empty() {
        return p.parts.iter().find_map(|c| first_leaf(c, sub));
    }
    if p.message.is_some() {
        // An attached message is not this message's text.
        return None;
    }
    p.is(b"TEXT", sub).then_some(p)
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The preview text of a parsed message, `None` when it has no text.
pub(super) fn preview(raw: &[u8], parsed: &ParsedMessage) -> Option<String> {
    let (part, html) = match first_leaf(&parsed.root, b"PLAIN") {
        Some(p) => (p, false),
        None => (first_leaf(&parsed.root, b"HTML")?, true),
    };
    let bytes = ParsedMessage::text_content(part, raw)
        .or_else(|| ParsedMessage::decoded_content(part, raw))?;
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    if html {
        text = strip_tags(&text);
    }
    let folded: Vec<&str> = text.split_whitespace().collect();
    let joined = folded.join(" ");
    Some(joined.chars().take(PREVIEW_CHARS).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cyrus_store::message::parse;

    fn pv(m: &str) -> Option<String> {
        let raw = m.as_bytes();
        preview(raw, &parse(raw))
    }

    #[test]
    fn folds_white_space_and_decodes() {
        assert_eq!(
            pv("Subject: x\r\n\r\nHello   world\r\n  second\tline.\r\n").as_deref(),
            Some("Hello world second line.")
        );
        let qp = "Content-Type: text/plain; charset=iso-8859-1\r\n\
                  Content-Transfer-Encoding: quoted-printable\r\n\r\nGr=FC=DFe\r\n";
        assert_eq!(pv(qp).as_deref(), Some("Grüße"));
        let long = format!("Subject: x\r\n\r\n{}\r\n", "é".repeat(300));
        assert_eq!(pv(&long).map(|p| p.chars().count()), Some(PREVIEW_CHARS));
    }

    #[test]
    fn multipart_prefers_plain_then_html() {
        let m = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
                 Content-Type: image/png\r\n\r\nxx\r\n--b\r\n\
                 Content-Type: text/html\r\n\r\n<p>Hi <b>there</b></p>\r\n--b--\r\n";
        assert_eq!(pv(m).as_deref(), Some("Hi there"));
        let m = "Content-Type: image/png\r\n\r\nxx\r\n";
        assert_eq!(pv(m), None);
    }
}
