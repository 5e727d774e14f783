//! Content-Type, Content-Disposition, Content-Language and
//! Content-Transfer-Encoding values, with RFC 2231 continuation folding,
//! exactly as Cyrus 3.6 parses them (`message_parse_type`,
//! `message_parse_params`, `message_fold_params`, ... in `imap/message.c`).
//!
//! Inputs are header tails (see [`super::header`]); a value that Cyrus
//! would reject yields `None`, and the caller falls back to its default.

use super::header::{at, is_space, skip_cfws};
use super::rfc2047::decode_mimeheader;

/// A MIME parameter: upper-cased attribute and raw value bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// Attribute name, ASCII upper-cased (`CHARSET`, `FILENAME*`, ...).
    pub attribute: Vec<u8>,
    /// Value, unquoted; RFC 2231 extended values stay percent-encoded.
    pub value: Vec<u8>,
}

/// `MIME_TSPECIALS` from `imap/message.h`.
const TSPECIALS: &[u8] = b"()<>@,;:\\\"/[]?=";

/// Cyrus tests `*p < ' '` on a signed `char`, so 8-bit bytes count as
/// control characters there.
fn bad_token_char(c: u8) -> bool {
    !(0x20..0x80).contains(&c) || TSPECIALS.contains(&c)
}

fn upper(s: &[u8]) -> Vec<u8> {
    s.to_ascii_uppercase()
}

/// `message_parse_type`: returns (TYPE, SUBTYPE, params) upper-cased, or
/// `None` when the header is unusable.
pub(crate) fn parse_type(s: &[u8]) -> Option<(Vec<u8>, Vec<u8>, Vec<Param>)> {
    let p = skip_cfws(s, 0)?;
    // Very old Apple Mail encoded the whole Content-Type as an RFC 2047
    // word; Cyrus decodes it, parses that, and re-encodes 8-bit values.
    let rest = &s[p..];
    if rest.len() > 2 && rest.starts_with(b"=?") {
        let decoded = decode_mimeheader(rest);
        if decoded != rest {
            let (t, st, mut params) = parse_type_at(&decoded, 0)?;
            for param in &mut params {
                if !param.attribute.ends_with(b"*") && param.value.iter().any(|&c| c & 0x80 != 0) {
                    param.value = q_encode(&param.value);
                }
            }
            return Some((t, st, params));
        }
    }
    parse_type_at(s, p)
}

/// QPSAFECHAR of `lib/charset.c`: printable ASCII except `=`.
fn qp_safe(c: u8) -> bool {
    (33..=126).contains(&c) && c != b'='
}

/// `charset_encode_mimeheader` for a value that needs encoding: one or
/// more `=?UTF-8?Q?...?=` words, folded before 72 columns.
fn q_encode(v: &[u8]) -> Vec<u8> {
    const MAX_LINE: usize = 72;
    let mut out = b"=?UTF-8?Q?".to_vec();
    let mut cnt = 10usize;
    let mut n = 0;
    while n < v.len() {
        let c = v[n];
        let need = match c {
            0xc0..=0xdf => 3,
            0xe0..=0xef => 6,
            0xf0..=0xf7 => 9,
            _ => 0,
        };
        if cnt + need >= MAX_LINE {
            out.extend_from_slice(b"?=\r\n =?UTF-8?Q?");
            cnt = 11;
        }
        if qp_safe(c) && c != b'?' && c != b'_' {
            out.push(c);
            cnt += 1;
        } else if c == b' ' {
            out.push(b'_');
            cnt += 1;
        } else if c == b'\r' && v.get(n + 1) == Some(&b'\n') {
            if n + 2 < v.len() {
                if matches!(v[n + 2], b' ' | b'\t') {
                    n += 1;
                }
                out.extend_from_slice(b"?=\r\n =?UTF-8?Q?");
                cnt = 12;
            }
            n += 1;
        } else {
            out.extend_from_slice(format!("={c:02X}").as_bytes());
            cnt += 3;
        }
        n += 1;
    }
    out.extend_from_slice(b"?=");
    out
}

/// The end of a token starting at `p` that stops at NUL, white space,
/// `(` or `stop`; `None` if it holds a character a token may not.
fn token_end(s: &[u8], mut p: usize, stop: u8) -> Option<usize> {
    while at(s, p) != 0 && !is_space(at(s, p)) && at(s, p) != stop && at(s, p) != b'(' {
        if bad_token_char(at(s, p)) {
            return None;
        }
        p += 1;
    }
    Some(p)
}

/// What may follow a value at `p`: nothing (comments and white space
/// only), or `;` and parameters; `None` for anything else.
fn params_after(s: &[u8], p: usize) -> Option<Vec<Param>> {
    match skip_cfws(s, p) {
        Some(r) if at(s, r) != b';' => None,
        Some(r) => Some(fold_params(parse_params(s, r + 1))),
        None => Some(Vec::new()),
    }
}

fn parse_type_at(s: &[u8], p: usize) -> Option<(Vec<u8>, Vec<u8>, Vec<Param>)> {
    let tend = token_end(s, p, b'/')?;
    let ty = &s[p..tend];
    let p = skip_cfws(s, tend)?;
    if at(s, p) != b'/' {
        return None;
    }
    let sstart = skip_cfws(s, p + 1)?;
    let send = token_end(s, sstart, b';')?;
    let params = params_after(s, send)?;
    Some((upper(ty), upper(&s[sstart..send]), params))
}

/// `message_parse_disposition`: (DISPOSITION, params).
pub(crate) fn parse_disposition(s: &[u8]) -> Option<(Vec<u8>, Vec<Param>)> {
    let start = skip_cfws(s, 0)?;
    let end = token_end(s, start, b';')?;
    let params = params_after(s, end)?;
    Some((upper(&s[start..end]), params))
}

/// Skip a malformed parameter: to the next `;` (past it) or line end.
fn skip_param(s: &[u8], mut p: usize) -> usize {
    while !matches!(at(s, p), 0 | b';' | b'\r' | b'\n') {
        p += 1;
    }
    if at(s, p) == b';' {
        p += 1;
    }
    p
}

/// `message_parse_params`, starting at `s[p]` (just after a `;`).
fn parse_params(s: &[u8], mut p: usize) -> Vec<Param> {
    let mut out = Vec::new();
    loop {
        let Some(np) = skip_cfws(s, p) else {
            return out;
        };
        p = np;
        let astart = p;
        let mut bad = false;
        while at(s, p) != 0 && !is_space(at(s, p)) && at(s, p) != b'=' && at(s, p) != b'(' {
            if bad_token_char(at(s, p)) {
                bad = true;
                break;
            }
            p += 1;
        }
        if bad {
            p = skip_param(s, p);
            continue;
        }
        let aend = p;
        let Some(np) = skip_cfws(s, p) else {
            return out;
        };
        p = np;
        let c = at(s, p);
        p += 1;
        if c != b'=' {
            p = skip_param(s, p);
            continue;
        }
        let Some(np) = skip_cfws(s, p) else {
            return out;
        };
        p = np;
        let vstart = p;
        let quoted = at(s, p) == b'"';
        if quoted {
            p += 1;
            while at(s, p) != 0 && at(s, p) != b'"' {
                if at(s, p) == b'\\' {
                    p += 1;
                    if at(s, p) == 0 {
                        return out;
                    }
                }
                if at(s, p) == b'\r' {
                    if at(s, p + 1) == b'\n' && matches!(at(s, p + 2), b' ' | b'\t') {
                        p += 2;
                    } else {
                        return out;
                    }
                }
                p += 1;
            }
            let c = at(s, p);
            p += 1;
            if c == 0 {
                return out;
            }
        } else {
            let mut endval = p;
            while at(s, p) != 0 && at(s, p) != b';' && at(s, p) != b'(' {
                let c = at(s, p);
                if c == b'\r' {
                    if at(s, p + 1) == b'\n' && matches!(at(s, p + 2), b' ' | b'\t') {
                        p += 2;
                        continue;
                    }
                    break;
                }
                if c & 0x80 == 0 && c < b' ' && c != b'\t' {
                    bad = true;
                    break;
                }
                if c != b' ' && c != b'\t' {
                    endval = p;
                }
                p += 1;
            }
            if bad {
                p = skip_param(s, p);
                continue;
            }
            // Cyrus right-strips by keeping the last non-WSP byte; an empty
            // value therefore keeps the byte it stopped at.
            p = endval + 1;
        }
        let vend = p;
        let next = skip_cfws(s, p);
        if let Some(np) = next {
            let c = at(s, np);
            if c != b';' {
                p = skip_param(s, np + 1);
                continue;
            }
        }
        let raw = &s[vstart.min(s.len())..vend.min(s.len())];
        let value = if quoted { unquote(raw) } else { raw.to_vec() };
        out.push(Param {
            attribute: upper(&s[astart..aend]),
            value,
        });
        match next {
            Some(np) => p = np + 1,
            None => return out,
        }
    }
}

/// Undo quoting the way Cyrus copies a quoted value: drop backslashes and
/// the CR LF of folds.
fn unquote(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 1usize;
    while i < raw.len() && raw[i] != b'"' {
        if raw[i] == b'\\' {
            i += 1;
        } else if raw[i] == b'\r' {
            i += 2;
        }
        if let Some(&c) = raw.get(i) {
            out.push(c);
        }
        i += 1;
    }
    out
}

/// Percent-encode a simple value for joining it with an extended one.
fn encode_ext(v: &[u8], out: &mut Vec<u8>) {
    for &c in v {
        if c <= b' ' || c >= 0x7f || c == b'*' || c == b'\'' || c == b'%' || TSPECIALS.contains(&c)
        {
            out.extend_from_slice(format!("%{c:02X}").as_bytes());
        } else {
            out.push(c);
        }
    }
}

/// `message_fold_params`: join RFC 2231 `name*0`, `name*1*`, ... sections.
///
/// Same result as Cyrus's list walk (the first remaining parameter with the
/// wanted section name wins), but with a name index so that a header with
/// thousands of parameters cannot make it quadratic.
pub(crate) fn fold_params(params: Vec<Param>) -> Vec<Param> {
    use std::collections::{HashMap, VecDeque};
    let mut slots: Vec<Option<Param>> = params.into_iter().map(Some).collect();
    let mut by_name: HashMap<Vec<u8>, VecDeque<usize>> = HashMap::new();
    for (i, p) in slots.iter().enumerate() {
        if let Some(p) = p {
            by_name.entry(p.attribute.clone()).or_default().push_back(i);
        }
    }
    for i in 0..slots.len() {
        let Some(attr) = slots[i].as_ref().map(|p| p.attribute.clone()) else {
            continue;
        };
        let Some(star) = attr.iter().position(|&c| c == b'*') else {
            continue;
        };
        let tail = &attr[star + 1..];
        if !(tail == b"0" || tail == b"0*") {
            continue;
        }
        let base = &attr[..star];
        let mut extended = tail == b"0*";
        for section in 1..100u32 {
            let mut simple_name = base.to_vec();
            simple_name.extend_from_slice(format!("*{section}").as_bytes());
            let mut ext_name = simple_name.clone();
            ext_name.push(b'*');
            let first = |name: &Vec<u8>| by_name.get(name).and_then(|q| q.front().copied());
            let (j, name) = match (first(&simple_name), first(&ext_name)) {
                (Some(a), Some(b)) if b < a => (b, ext_name),
                (Some(a), _) => (a, simple_name),
                (None, Some(b)) => (b, ext_name),
                (None, None) => break,
            };
            if let Some(q) = by_name.get_mut(&name) {
                q.pop_front();
            }
            let Some(cont) = slots[j].take() else { break };
            let cont_ext = cont.attribute.ends_with(b"*");
            let Some(this) = slots[i].as_mut().map(|p| &mut p.value) else {
                break;
            };
            match (extended, cont_ext) {
                (true, false) => encode_ext(&cont.value, this),
                (false, true) => {
                    let mut v = b"''".to_vec();
                    encode_ext(this, &mut v);
                    v.extend_from_slice(&cont.value);
                    *this = v;
                    extended = true;
                }
                _ => this.extend_from_slice(&cont.value),
            }
        }
        let mut name = base.to_vec();
        if extended {
            name.push(b'*');
        }
        if let Some(p) = slots[i].as_mut() {
            p.attribute = name;
        }
    }
    slots.into_iter().flatten().collect()
}

/// `message_parse_language`: upper-cased language tags.
pub(crate) fn parse_language(s: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut p = 0usize;
    loop {
        let Some(np) = skip_cfws(s, p) else {
            return out;
        };
        p = np;
        let start = p;
        while at(s, p) != 0 && !is_space(at(s, p)) && at(s, p) != b',' && at(s, p) != b'(' {
            let c = at(s, p);
            if c != b'-' && !c.is_ascii_alphabetic() {
                return out;
            }
            p += 1;
        }
        let v = upper(&s[start..p]);
        match skip_cfws(s, p) {
            Some(np) => {
                if at(s, np) != b',' {
                    return out;
                }
                out.push(v);
                p = np + 1;
            }
            None => {
                out.push(v);
                return out;
            }
        }
    }
}

/// `message_parse_encoding`: the upper-cased token, or `None`.
pub(crate) fn parse_encoding(s: &[u8]) -> Option<Vec<u8>> {
    let start = skip_cfws(s, 0)?;
    let mut p = start;
    while at(s, p) != 0 && !is_space(at(s, p)) && at(s, p) != b'(' {
        if bad_token_char(at(s, p)) {
            return None;
        }
        p += 1;
    }
    if skip_cfws(s, p).is_some() {
        return None;
    }
    Some(upper(&s[start..p]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pv(p: &[Param]) -> Vec<(String, String)> {
        p.iter()
            .map(|p| {
                (
                    String::from_utf8_lossy(&p.attribute).into(),
                    String::from_utf8_lossy(&p.value).into(),
                )
            })
            .collect()
    }

    #[test]
    fn content_type() {
        let (t, s, p) =
            parse_type(b" text/plain; charset=\"utf-8\"; format=flowed\r\n").unwrap_or_default();
        assert_eq!((t.as_slice(), s.as_slice()), (&b"TEXT"[..], &b"PLAIN"[..]));
        assert_eq!(
            pv(&p),
            vec![
                ("CHARSET".into(), "utf-8".into()),
                ("FORMAT".into(), "flowed".into())
            ]
        );
        assert!(parse_type(b" text\r\n").is_none());
    }

    #[test]
    fn rfc2231_fold() {
        let (_, p) = parse_disposition(
            b" attachment; filename*0*=utf-8''a%20b; filename*1=\"c d\"; name*0=x; name*1=y\r\n",
        )
        .unwrap_or_default();
        assert_eq!(
            pv(&p),
            vec![
                ("FILENAME*".into(), "utf-8''a%20bc%20d".into()),
                ("NAME".into(), "xy".into())
            ]
        );
    }

    #[test]
    fn many_params_stay_fast() {
        let mut h = b" x/y".to_vec();
        for _ in 0..20_000 {
            h.extend_from_slice(b"; a*0=v");
        }
        h.extend_from_slice(b"\r\n");
        let (_, _, p) = parse_type(&h).unwrap_or_default();
        assert_eq!(p.len(), 20_000);
    }

    #[test]
    fn encoding_and_language() {
        assert_eq!(parse_encoding(b" base64\r\n"), Some(b"BASE64".to_vec()));
        assert_eq!(parse_encoding(b" base64 junk\r\n"), None);
        assert_eq!(
            parse_language(b" en, de-DE\r\n"),
            vec![b"EN".to_vec(), b"DE-DE".to_vec()]
        );
    }
}
