//! RFC 5229 variables: `${name}` expansion, match variables `${0}`..
//! `${9}`, and the `set` modifiers.

use std::collections::{HashMap, HashSet};

use super::ir::Modifier;

/// Longest value a variable may hold (RFC 5229 §6 lets us truncate).
pub const MAX_VALUE_LEN: usize = 64 * 1024;

/// Variables visible to one script (RFC 6609: each included script has
/// its own local variables; `global` ones are shared).
#[derive(Debug, Default, Clone)]
pub struct Frame {
    /// Local variables, names lower-cased.
    pub vars: HashMap<String, String>,
    /// Names this script declared `global`.
    pub globals: HashSet<String>,
    /// Match variables from the last successful `:matches`/`:regex`.
    pub captures: Vec<String>,
}

impl Frame {
    /// Reads a variable (local, global, or match variable).
    pub fn get<'a>(&'a self, shared: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
        if name.bytes().all(|b| b.is_ascii_digit()) {
            let i: usize = name.parse().ok()?;
            return Some(self.captures.get(i).map(String::as_str).unwrap_or(""));
        }
        let lower = name.to_ascii_lowercase();
        if let Some(g) = lower.strip_prefix("global.") {
            return shared.get(g).map(String::as_str);
        }
        if self.globals.contains(&lower) {
            return shared.get(&lower).map(String::as_str);
        }
        self.vars.get(&lower).map(String::as_str)
    }

    /// Writes a variable.
    pub fn set(&mut self, shared: &mut HashMap<String, String>, name: &str, mut value: String) {
        if value.len() > MAX_VALUE_LEN {
            let mut cut = MAX_VALUE_LEN;
            while !value.is_char_boundary(cut) {
                cut -= 1;
            }
            value.truncate(cut);
        }
        let lower = name.to_ascii_lowercase();
        if let Some(g) = lower.strip_prefix("global.") {
            shared.insert(g.to_string(), value);
        } else if self.globals.contains(&lower) {
            shared.insert(lower, value);
        } else {
            self.vars.insert(lower, value);
        }
    }
}

fn valid_ref(name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    if name.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    name.split('.').all(|part| {
        part.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

/// Replaces `${name}` references (RFC 5229 §3). Unknown variables expand
/// to the empty string; text that is not a valid reference is kept.
pub fn expand(s: &str, frame: &Frame, shared: &HashMap<String, String>) -> String {
    if !s.contains("${") {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find('}') {
            Some(end) if valid_ref(&after[..end]) => {
                out.push_str(frame.get(shared, &after[..end]).unwrap_or(""));
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("${");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Applies `set` modifiers, already sorted by precedence (RFC 5229 §4.1).
pub fn apply_modifiers(value: String, mods: &[Modifier]) -> String {
    let mut v = value;
    for m in mods {
        v = match m {
            Modifier::Lower => v.to_lowercase(),
            Modifier::Upper => v.to_uppercase(),
            Modifier::LowerFirst => first_with(&v, |c| c.to_lowercase().collect()),
            Modifier::UpperFirst => first_with(&v, |c| c.to_uppercase().collect()),
            Modifier::QuoteWildcard => quote(&v, "*?\\"),
            Modifier::QuoteRegex => quote(&v, "\\^$.[]|()*+?{}"),
            Modifier::Length => v.chars().count().to_string(),
            Modifier::EncodeUrl => encode_url(&v),
        };
    }
    v
}

/// RFC 5435 §4.1 `:encodeurl`: percent-encode all but RFC 3986
/// unreserved characters.
fn encode_url(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn first_with(v: &str, f: impl Fn(char) -> String) -> String {
    let mut c = v.chars();
    match c.next() {
        Some(first) => f(first) + c.as_str(),
        None => String::new(),
    }
}

fn quote(v: &str, special: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        if special.contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc5229_modifiers() {
        let m = |v: &str, mods: &[Modifier]| apply_modifiers(v.into(), mods);
        assert_eq!(
            m("juMBlEd lETteRS", &[Modifier::Lower, Modifier::UpperFirst]),
            "Jumbled letters"
        );
        assert_eq!(m("Ya*?\\", &[Modifier::QuoteWildcard]), "Ya\\*\\?\\\\");
        assert_eq!(m("$", &[Modifier::Length]), "1");
        assert_eq!(m("", &[Modifier::Length]), "0");
        let mut f = Frame::default();
        let mut g = HashMap::new();
        f.set(&mut g, "company", "ACME".into());
        assert_eq!(
            expand("${company} ${Company} ${unknown}x ${bad-name}", &f, &g),
            "ACME ACME x ${bad-name}"
        );
    }
}
