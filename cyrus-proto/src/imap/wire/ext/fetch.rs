//! FETCH items imap-codec does not know: `EMAILID`, `THREADID` (RFC 8474),
//! `SAVEDATE` (RFC 8514) and `PREVIEW` / `PREVIEW (LAZY)` (RFC 8970).
//! A FETCH is claimed only when its item list names one of them; those
//! items are taken out and the rest of the command (the other items and
//! the modifiers) is kept as bytes for imap-codec, so the handler has one
//! fetch path.

use super::{ExtCommand, Parsed, Parser, SyntaxError, MAX_DEPTH};

/// An item decoded here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchExtra {
    /// `EMAILID`.
    EmailId,
    /// `THREADID`.
    ThreadId,
    /// `SAVEDATE`.
    SaveDate,
    /// `PREVIEW`, with `(LAZY)` or not (the answer is the same: we always
    /// compute it).
    Preview {
        /// `PREVIEW (LAZY)`.
        lazy: bool,
    },
}

/// A FETCH with items of ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchExt {
    /// The command after `FETCH ` with our items removed, for imap-codec.
    pub rest: Vec<u8>,
    /// Our items, in the order asked.
    pub extra: Vec<FetchExtra>,
    /// No other item was asked: `rest` names `UID` only to be well
    /// formed, and the handler drops it again.
    pub placeholder: bool,
}

/// Skips a quoted string starting at `i` (on the quote); returns the
/// index after it.
fn skip_quoted(b: &[u8], mut i: usize) -> Parsed<usize> {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Ok(i + 1),
            b'\r' | b'\n' => break,
            _ => i += 1,
        }
    }
    Err(SyntaxError("Unterminated string"))
}

/// Skips a literal `{n}\r\n<n bytes>` starting at `i` (on `{`).
fn skip_literal(b: &[u8], i: usize) -> Parsed<usize> {
    let mut p = Parser::new(&b[i..]);
    p.literal()?;
    Ok(b.len() - p.rest().len())
}

/// The end of the fetch-att starting at `i`: it runs to a space or a
/// closing parenthesis outside brackets, parentheses, strings and
/// literals (`BODY[HEADER.FIELDS (A B)]<0.10>`).
fn token_end(b: &[u8], mut i: usize) -> Parsed<usize> {
    let mut depth = 0usize;
    while i < b.len() {
        match b[i] {
            b'[' | b'(' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(SyntaxError("Too deeply nested"));
                }
                i += 1;
            }
            b']' | b')' if depth > 0 => {
                depth -= 1;
                i += 1;
            }
            b' ' | b')' | b'\r' | b'\n' if depth == 0 => break,
            b'"' => i = skip_quoted(b, i)?,
            b'{' => i = skip_literal(b, i)?,
            _ => i += 1,
        }
    }
    if depth > 0 {
        return Err(SyntaxError("Missing ] or )"));
    }
    Ok(i)
}

fn ours(token: &[u8]) -> Option<FetchExtra> {
    let t = String::from_utf8_lossy(token).to_ascii_uppercase();
    Some(match t.as_str() {
        "EMAILID" => FetchExtra::EmailId,
        "THREADID" => FetchExtra::ThreadId,
        "SAVEDATE" => FetchExtra::SaveDate,
        "PREVIEW" => FetchExtra::Preview { lazy: false },
        _ => return None,
    })
}

/// `PREVIEW`'s modifier list: `(LAZY)` is the only one defined.
fn preview_modifiers(token: &[u8]) -> Parsed<bool> {
    let inner = token
        .strip_prefix(b"(")
        .and_then(|t| t.strip_suffix(b")"))
        .ok_or(SyntaxError("Invalid PREVIEW modifier"))?;
    let mut lazy = false;
    for m in inner.split(|&c| c == b' ') {
        if m.eq_ignore_ascii_case(b"LAZY") {
            lazy = true;
        } else {
            return Err(SyntaxError("Invalid PREVIEW modifier"));
        }
    }
    Ok(lazy)
}

/// Splits `b` (what follows `FETCH`) into our items and the rest.
fn split(b: &[u8]) -> Parsed<Option<FetchExt>> {
    let missing = SyntaxError("Missing required argument to Fetch");
    if b.first() != Some(&b' ') {
        return Err(missing);
    }
    let seq_end = b[1..]
        .iter()
        .position(|&c| c == b' ')
        .map(|p| p + 1)
        .ok_or(missing.clone())?;
    let items_start = seq_end + 1;
    let listed = b.get(items_start) == Some(&b'(');
    let mut i = if listed { items_start + 1 } else { items_start };
    // (start, end) of each item.
    let mut tokens: Vec<(usize, usize)> = Vec::new();
    loop {
        let end = token_end(b, i)?;
        if end == i {
            if listed && b.get(i) == Some(&b')') && tokens.is_empty() {
                break;
            }
            return Err(missing);
        }
        tokens.push((i, end));
        i = end;
        if !listed || b.get(i) != Some(&b' ') {
            break;
        }
        i += 1;
    }
    let items_end = if listed {
        if b.get(i) != Some(&b')') {
            return Err(SyntaxError("Missing )"));
        }
        i + 1
    } else {
        i
    };
    let mut extra = Vec::new();
    let mut kept: Vec<&[u8]> = Vec::new();
    let mut k = 0;
    while k < tokens.len() {
        let (s, e) = tokens[k];
        let word = &b[s..e];
        match ours(word) {
            Some(FetchExtra::Preview { .. }) => {
                let mut lazy = false;
                if let Some(&(ns, ne)) = tokens.get(k + 1) {
                    if b[ns] == b'(' {
                        lazy = preview_modifiers(&b[ns..ne])?;
                        k += 1;
                    }
                }
                extra.push(FetchExtra::Preview { lazy });
            }
            Some(x) => extra.push(x),
            None => kept.push(word),
        }
        k += 1;
    }
    if extra.is_empty() {
        return Ok(None);
    }
    let placeholder = kept.is_empty();
    let mut rest = b[..items_start].to_vec();
    rest.push(b'(');
    if placeholder {
        rest.extend_from_slice(b"UID");
    } else {
        rest.extend_from_slice(&kept.join(&b' '));
    }
    rest.push(b')');
    rest.extend_from_slice(&b[items_end..]);
    Ok(Some(FetchExt {
        rest,
        extra,
        placeholder,
    }))
}

/// Claims `FETCH` / `UID FETCH` with items of ours.
pub(super) fn parse(name: &str, _uid: bool, p: &mut Parser<'_>) -> Option<Parsed<ExtCommand>> {
    if name != "FETCH" {
        return None;
    }
    let rest = p.rest();
    let r = match split(rest) {
        Ok(None) => return None,
        Ok(Some(f)) => Ok(ExtCommand::Fetch(f)),
        Err(e) => {
            // Not ours to judge unless our items are in it.
            let upper = String::from_utf8_lossy(rest).to_ascii_uppercase();
            if !["EMAILID", "THREADID", "SAVEDATE", "PREVIEW"]
                .iter()
                .any(|w| upper.contains(w))
            {
                return None;
            }
            Err(e)
        }
    };
    // The handler re-reads the kept bytes; consume the command here.
    for &c in rest {
        if p.at_end() {
            break;
        }
        p.eat(c);
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(b: &str) -> Option<FetchExt> {
        split(b.as_bytes()).unwrap()
    }

    #[test]
    fn takes_out_only_our_items() {
        assert_eq!(s(" 1:* (FLAGS BODY[HEADER.FIELDS (A B)])\r\n"), None);
        let f = s(
            " 1:* (FLAGS EMAILID BODY[HEADER.FIELDS (A B)] PREVIEW (LAZY)) (CHANGEDSINCE 4)\r\n",
        )
        .unwrap();
        assert_eq!(
            f.extra,
            vec![FetchExtra::EmailId, FetchExtra::Preview { lazy: true }]
        );
        assert_eq!(
            String::from_utf8_lossy(&f.rest),
            " 1:* (FLAGS BODY[HEADER.FIELDS (A B)]) (CHANGEDSINCE 4)\r\n"
        );
        assert!(!f.placeholder);
        let f = s(" 2 savedate\r\n").unwrap();
        assert_eq!(f.extra, vec![FetchExtra::SaveDate]);
        assert_eq!(String::from_utf8_lossy(&f.rest), " 2 (UID)\r\n");
        assert!(f.placeholder);
        let f = s(" 2 (THREADID BODY.PEEK[HEADER.FIELDS ({4}\r\nA)B))])\r\n").unwrap();
        assert_eq!(
            String::from_utf8_lossy(&f.rest),
            " 2 (BODY.PEEK[HEADER.FIELDS ({4}\r\nA)B))])\r\n"
        );
    }

    #[test]
    fn bad_input_is_refused() {
        assert!(split(b" 1 (EMAILID").is_err());
        assert!(split(b" 1 (PREVIEW (FAST))\r\n").is_err());
        let deep = format!(" 1 (EMAILID X{})\r\n", "[".repeat(MAX_DEPTH + 2));
        assert!(split(deep.as_bytes()).is_err());
        assert!(split(b" 1 (EMAILID \"x)\r\n").is_err());
    }
}
