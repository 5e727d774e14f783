//! RFC 5322 address lists, parsed the way Cyrus 3.6 does it
//! (`lib/parseaddr.c`, `parseaddr_list`): lenient, never failing, with
//! groups represented as a start marker (mailbox = group name, no domain)
//! and an end marker (no mailbox, no domain).

use super::header::{at, is_space};

/// One entry of a parsed address list, as it appears in an IMAP ENVELOPE.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Address {
    /// Display name (or the comment after a bare `addr-spec`).
    pub name: Option<Vec<u8>>,
    /// Obsolete source route (`@a,@b`).
    pub route: Option<Vec<u8>>,
    /// Local part; for a group start, the group name; `None` for a group end.
    pub mailbox: Option<Vec<u8>>,
    /// Domain; `None` marks a group start or end.
    pub domain: Option<Vec<u8>>,
}

impl Address {
    /// True for the entries that open or close a group.
    pub fn is_group_marker(&self) -> bool {
        self.domain.is_none()
    }
}

/// What Cyrus substitutes for an empty domain.
const UNSPECIFIED_DOMAIN: &[u8] = b"unspecified-domain";

/// `SKIPWHITESPACE`: whitespace and comments (unterminated comments run to
/// the end of the string).
fn skip_ws(s: &[u8], mut p: usize) -> usize {
    loop {
        let c = at(s, p);
        if c == 0 {
            return p;
        }
        if c == b'(' {
            let mut depth = 1u32;
            p += 1;
            while depth > 0 {
                let c = at(s, p);
                if c == 0 {
                    break;
                }
                p += 1;
                if c == b'\\' && at(s, p) != 0 {
                    p += 1;
                } else if c == b'(' {
                    depth += 1;
                } else if c == b')' {
                    depth -= 1;
                }
            }
            if depth > 0 {
                return p;
            }
        } else if !is_space(c) {
            return p;
        } else {
            p += 1;
        }
    }
}

/// C `iscntrl` in the "C" locale.
fn is_cntrl(c: u8) -> bool {
    c < 0x20 || c == 0x7f
}

/// `parseaddr_phrase`: returns (terminator, phrase, new position). A
/// terminator of 0 means end of input (or an unbalanced quote).
fn phrase(s: &[u8], p: usize, specials: &[u8]) -> (u8, Vec<u8>, usize) {
    let mut src = skip_ws(s, p);
    let mut dst = Vec::new();
    loop {
        let mut c = at(s, src);
        src += 1;
        if c == b'"' {
            loop {
                c = at(s, src);
                if c == 0 {
                    break;
                }
                src += 1;
                if c == b'\\' && at(s, src) == b'\r' && at(s, src + 1) == b'\n' {
                    c = b'\r';
                    src += 1;
                }
                if c == b'\r' && at(s, src) == b'\n' {
                    src += 1;
                    let n = at(s, src);
                    if n == b' ' || n == b'\t' {
                        continue;
                    }
                    return (0, Vec::new(), src);
                } else if is_cntrl(c) {
                    if c == b'\r' || c == b'\n' {
                        c = b' ';
                    } else if c != b'\t' {
                        continue;
                    }
                }
                if c == b'"' {
                    break;
                }
                if c == b'\\' {
                    c = at(s, src);
                    if c == 0 {
                        return (0, Vec::new(), src);
                    }
                    src += 1;
                }
                dst.push(c);
            }
            if c != b'"' {
                return (0, Vec::new(), src);
            }
        } else if is_space(c) || c == b'(' {
            src = skip_ws(s, src - 1);
            dst.push(b' ');
        } else if c == 0 || specials.contains(&c) {
            if dst.last() == Some(&b' ') {
                dst.pop();
            }
            return (c, dst, src);
        } else {
            dst.push(c);
        }
    }
}

/// `parseaddr_domain`: returns (terminator, domain, comment, position).
fn domain(
    s: &[u8],
    p: usize,
    want_comment: bool,
    invalid: &mut bool,
) -> (u8, Vec<u8>, Option<Vec<u8>>, usize) {
    let mut src = skip_ws(s, p);
    let mut dst: Vec<u8> = Vec::new();
    let mut comment: Option<Vec<u8>> = None;
    loop {
        let c = at(s, src);
        src += 1;
        if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'[' | b']' | b':') {
            dst.push(c);
            comment = None;
        } else if c == b'.' {
            if dst.last().is_some_and(|&l| l != b'.') {
                dst.push(c);
            }
            comment = None;
        } else if c == b'(' {
            if want_comment {
                let mut text = Vec::new();
                let mut depth = 1u32;
                while depth > 0 {
                    let mut c = at(s, src);
                    if c == 0 {
                        break;
                    }
                    src += 1;
                    if c == b'(' {
                        depth += 1;
                    } else if c == b')' {
                        depth -= 1;
                    } else if c == b'\\' && at(s, src) != 0 {
                        c = at(s, src);
                        src += 1;
                    }
                    if depth > 0 {
                        text.push(c);
                    }
                }
                comment = Some(text);
            } else {
                src = skip_ws(s, src - 1);
            }
        } else if c == b'@' {
            *invalid = true;
            dst.push(c);
            comment = None;
        } else if !is_space(c) {
            if dst.last() == Some(&b'.') {
                dst.pop();
            }
            return (c, dst, comment, src);
        }
    }
}

/// `parseaddr_route`: returns (terminator, route, position).
fn route(s: &[u8], p: usize) -> (u8, Vec<u8>, usize) {
    let mut src = skip_ws(s, p);
    let mut dst: Vec<u8> = Vec::new();
    loop {
        let c = at(s, src);
        src += 1;
        if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'[' | b']' | b',' | b'@') {
            dst.push(c);
        } else if c == b'.' {
            if dst.last().is_some_and(|&l| l != b'.') {
                dst.push(c);
            }
        } else if is_space(c) || c == b'(' {
            src = skip_ws(s, src - 1);
        } else {
            while dst.last().is_some_and(|&l| matches!(l, b'.' | b',' | b'@')) {
                dst.pop();
            }
            return (c, dst, src);
        }
    }
}

fn push(
    out: &mut Vec<Address>,
    name: Option<Vec<u8>>,
    route: Option<Vec<u8>>,
    mailbox: Option<Vec<u8>>,
    domain: Option<Vec<u8>>,
) {
    let nonempty = |v: Option<Vec<u8>>| v.filter(|v| !v.is_empty());
    let domain = domain.map(|d| {
        if d.is_empty() {
            UNSPECIFIED_DOMAIN.to_vec()
        } else {
            d
        }
    });
    out.push(Address {
        name: nonempty(name),
        route: nonempty(route),
        mailbox,
        domain,
    });
}

/// Skip to the next `>` (or the end), as Cyrus does after an angle address.
fn skip_to_gt(s: &[u8], mut p: usize, mut tok: u8) -> (u8, usize) {
    while tok != 0 && tok != b'>' {
        tok = at(s, p);
        p += 1;
    }
    (tok, p)
}

/// Parse an address-list field value (`parseaddr_list`). The input is the
/// unterminated field value; a NUL byte ends it.
pub fn parse_address_list(input: &[u8]) -> Vec<Address> {
    let s = match input.iter().position(|&c| c == 0) {
        Some(n) => &input[..n],
        None => input,
    };
    let mut out = Vec::new();
    let mut ingroup = false;
    let mut invalid = false;
    let mut p = 0usize;
    let mut tok = b' ';
    while tok != 0 {
        let specials: &[u8] = if ingroup { b",@<;" } else { b",@<:" };
        let (t, ph, np) = phrase(s, p, specials);
        tok = t;
        p = np;
        match tok {
            b',' | 0 | b';' => {
                if !ph.is_empty() {
                    push(&mut out, None, None, Some(ph), Some(Vec::new()));
                }
                if tok == b';' {
                    push(&mut out, None, None, None, None);
                    ingroup = false;
                }
            }
            b':' => {
                push(&mut out, None, None, Some(ph), None);
                ingroup = true;
            }
            b'@' => {
                let (t, dom, comment, np) = domain(s, p, true, &mut invalid);
                tok = t;
                p = np;
                push(&mut out, comment, None, Some(ph), Some(dom));
                if tok == b';' {
                    push(&mut out, None, None, None, None);
                    ingroup = false;
                }
            }
            b'<' => {
                let (t, mbox, np) = phrase(s, p, b"@>");
                tok = t;
                p = np;
                if tok == b'@' {
                    let mut rt = None;
                    let mut mbox = mbox;
                    if mbox.is_empty() {
                        // Cyrus puts the '@' back and reads a source route.
                        let (t, r, np) = route(s, p - 1);
                        tok = t;
                        p = np;
                        if tok != b':' {
                            push(
                                &mut out,
                                Some(ph),
                                Some(r),
                                Some(Vec::new()),
                                Some(Vec::new()),
                            );
                            (tok, p) = skip_to_gt(s, p, tok);
                            continue;
                        }
                        rt = Some(r);
                        let (t, m, np) = phrase(s, p, b"@>");
                        tok = t;
                        p = np;
                        if tok != b'@' {
                            push(&mut out, Some(ph), rt, Some(m), Some(Vec::new()));
                            continue;
                        }
                        mbox = m;
                    }
                    let (t, dom, _, np) = domain(s, p, false, &mut invalid);
                    tok = t;
                    p = np;
                    push(&mut out, Some(ph), rt, Some(mbox), Some(dom));
                    (tok, p) = skip_to_gt(s, p, tok);
                } else {
                    push(&mut out, Some(ph), None, Some(mbox), Some(Vec::new()));
                }
            }
            _ => {}
        }
    }
    if ingroup {
        push(&mut out, None, None, None, None);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(name: Option<&str>, mbox: Option<&str>, dom: Option<&str>) -> Address {
        Address {
            name: name.map(|s| s.as_bytes().to_vec()),
            route: None,
            mailbox: mbox.map(|s| s.as_bytes().to_vec()),
            domain: dom.map(|s| s.as_bytes().to_vec()),
        }
    }

    #[test]
    fn simple_and_quoted() {
        assert_eq!(
            parse_address_list(b"\"Doe, John\" <jd@Example.COM>, x@y (Comment)"),
            vec![
                a(Some("Doe, John"), Some("jd"), Some("Example.COM")),
                a(Some("Comment"), Some("x"), Some("y"))
            ]
        );
    }

    #[test]
    fn groups() {
        assert_eq!(
            parse_address_list(b"Team: a@b, C <c@d>;, undisclosed-recipients:;"),
            vec![
                a(None, Some("Team"), None),
                a(None, Some("a"), Some("b")),
                a(Some("C"), Some("c"), Some("d")),
                a(None, None, None),
                a(None, Some("undisclosed-recipients"), None),
                a(None, None, None),
            ]
        );
    }

    #[test]
    fn bare_word_and_route() {
        assert_eq!(
            parse_address_list(b"joe"),
            vec![a(None, Some("joe"), Some("unspecified-domain"))]
        );
        let r = parse_address_list(b"<@r1,@r2:u@d>");
        assert_eq!(r[0].route.as_deref(), Some(&b"@r1,@r2"[..]));
        assert_eq!(r[0].mailbox.as_deref(), Some(&b"u"[..]));
        assert!(parse_address_list(b"").is_empty());
        assert!(parse_address_list(b"\"unbalanced").is_empty());
    }
}
