//! RFC 5228 §2.4.2.4 `encoded-character`: `${hex:...}` and
//! `${unicode:...}` sequences in strings, decoded at compile time when
//! the extension is required.

use super::ast::{Argument, CommandNode, TestNode};

/// Decodes every `${hex:..}` / `${unicode:..}` in `s`. Malformed
/// sequences are left as written (RFC 5228 §2.4.2.4); `None` means a
/// sequence decodes to invalid UTF-8 or a non-scalar code point, which
/// is an error.
pub fn decode(s: &str) -> Option<String> {
    if !s.contains("${") {
        return Some(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match decode_one(after) {
            Some((text, used)) => {
                out.push_str(&text?);
                rest = &after[used..];
            }
            None => {
                out.push_str("${");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Some(out)
}

/// Tries to decode one sequence after `${`; returns the text (or `None`
/// for an invalid value) and the bytes consumed including `}`.
fn decode_one(after: &str) -> Option<(Option<String>, usize)> {
    let colon = after.find(':')?;
    let kind = after[..colon].to_ascii_lowercase();
    if kind != "hex" && kind != "unicode" {
        return None;
    }
    let close = after.find('}')?;
    if close < colon {
        return None;
    }
    let body = &after[colon + 1..close];
    let words: Vec<&str> = body
        .split([' ', '\t', '\r', '\n'])
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty()
        || !words
            .iter()
            .all(|w| w.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return None;
    }
    let text = if kind == "hex" {
        let mut bytes = Vec::new();
        for w in &words {
            if w.len() > 2 {
                return None;
            }
            bytes.push(u8::from_str_radix(w, 16).ok()?);
        }
        String::from_utf8(bytes).ok()
    } else {
        let mut s = String::new();
        let mut ok = true;
        for w in &words {
            match u32::from_str_radix(w, 16).ok().and_then(char::from_u32) {
                Some(c) => s.push(c),
                None => ok = false,
            }
        }
        ok.then_some(s)
    };
    Some((text, close + 1))
}

fn args(a: &mut [Argument]) -> Result<(), super::error::ScriptError> {
    for arg in a {
        if let Argument::Strings { values, span, .. } = arg {
            for v in values.iter_mut() {
                *v = decode(v).ok_or_else(|| {
                    super::error::ScriptError::new(*span, "invalid encoded character")
                })?;
            }
        }
    }
    Ok(())
}

fn test(t: &mut TestNode) -> Result<(), super::error::ScriptError> {
    args(&mut t.args)?;
    t.tests.iter_mut().try_for_each(test)
}

/// Decodes the strings of a whole tree in place.
pub fn decode_tree(cmds: &mut [CommandNode]) -> Result<(), super::error::ScriptError> {
    for c in cmds {
        args(&mut c.args)?;
        c.tests.iter_mut().try_for_each(test)?;
        if let Some(b) = &mut c.block {
            decode_tree(b)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn rfc5228_examples() {
        assert_eq!(
            decode("$${hex:24 24}{unicode:41}").as_deref(),
            Some("$$${unicode:41}")
        );
        assert_eq!(decode("${hex:40}").as_deref(), Some("@"));
        assert_eq!(decode("${unicode:40}").as_deref(), Some("@"));
        assert_eq!(decode("${hex: 40 }").as_deref(), Some("@"));
        assert_eq!(decode("${HEX:40}").as_deref(), Some("@"));
        assert_eq!(decode("${hex:400}").as_deref(), Some("${hex:400}"));
        assert_eq!(decode("${hex:4${hex:30}}").as_deref(), Some("${hex:40}"));
        assert_eq!(decode("${unicode:Dd00}"), None);
    }
}
