//! The FROM/TO/CC/BCC cache items (`message_write_searchaddr` in
//! `imap/message.c`): decoded display names, quoted unless they are pure
//! atext and spaces, `<local@domain>` lower-cased, groups as `name:` and
//! `;`, entries joined with `,`.

use super::address::Address;
use super::rfc2047::decode_mimeheader;

const ATEXT_SPECIALS: &[u8] = b"!#$%&'*+-/=?^_`{|}~";

/// C `isspace` ("C" locale).
fn c_isspace(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// Render an address list as Cyrus's search string.
pub(crate) fn search_addresses(list: &[Address]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut prev = false;
    for a in list {
        let Some(domain) = &a.domain else {
            match &a.mailbox {
                Some(group) => {
                    if prev {
                        out.push(b',');
                    }
                    out.extend(cstr(&decode_mimeheader(group)));
                    out.push(b':');
                    prev = false;
                }
                None => {
                    out.push(b';');
                    prev = true;
                }
            }
            continue;
        };
        if prev {
            out.push(b',');
        }
        if let Some(name) = &a.name {
            let name = cstr(&decode_mimeheader(name));
            let plain = name
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || c_isspace(c) || ATEXT_SPECIALS.contains(&c));
            if plain {
                out.extend_from_slice(&name);
            } else {
                out.push(b'"');
                for &c in &name {
                    if c == b'\\' || c == b'"' {
                        out.push(b'\\');
                    }
                    out.push(c);
                }
                out.push(b'"');
            }
            out.push(b' ');
        }
        out.push(b'<');
        if let Some(route) = &a.route {
            out.extend(route.iter().map(u8::to_ascii_lowercase));
            out.push(b':');
        }
        if let Some(m) = &a.mailbox {
            out.extend(m.iter().map(u8::to_ascii_lowercase));
        }
        out.push(b'@');
        out.extend(domain.iter().map(u8::to_ascii_lowercase));
        out.push(b'>');
        prev = true;
    }
    out
}

/// Cyrus handles these as C strings: stop at the first NUL.
fn cstr(s: &[u8]) -> Vec<u8> {
    match s.iter().position(|&c| c == 0) {
        Some(n) => s[..n].to_vec(),
        None => s.to_vec(),
    }
}
