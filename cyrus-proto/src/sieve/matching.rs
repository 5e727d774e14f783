//! Comparators (RFC 4790: `i;octet`, `i;ascii-casemap`,
//! `i;ascii-numeric`), match types (`:is`, `:contains`, `:matches`,
//! `:regex`) and relational `:value`/`:count` (RFC 5231), with the
//! match-variable captures of RFC 5229 §3.2.

use std::cmp::Ordering;

use super::ir::{Comparator, Match, MatchKind, RelOp};

/// Compiles a `:regex` pattern (POSIX extended syntax is close enough to
/// the `regex` crate's for the patterns scripts use).
pub fn compile_regex(pat: &str, c: Comparator) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(pat)
        .case_insensitive(c == Comparator::AsciiCasemap)
        .size_limit(1 << 20)
        .build()
}

fn fold(c: Comparator, s: &str) -> String {
    match c {
        Comparator::AsciiCasemap => s.to_ascii_lowercase(),
        _ => s.to_string(),
    }
}

/// Orders two strings under a comparator.
pub fn compare(c: Comparator, a: &str, b: &str) -> Ordering {
    match c {
        Comparator::Octet => a.as_bytes().cmp(b.as_bytes()),
        Comparator::AsciiCasemap => a.to_ascii_lowercase().cmp(&b.to_ascii_lowercase()),
        Comparator::AsciiNumeric => numeric_cmp(a, b),
    }
}

/// RFC 4790 §9.1: the value is the leading digits; a string with none is
/// positive infinity.
fn numeric_cmp(a: &str, b: &str) -> Ordering {
    fn digits(s: &str) -> Option<&str> {
        let end = s
            .bytes()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(s.len());
        if end == 0 {
            return None;
        }
        let d = s[..end].trim_start_matches('0');
        Some(d)
    }
    match (digits(a), digits(b)) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
    }
}

fn rel(op: RelOp, o: Ordering) -> bool {
    match op {
        RelOp::Gt => o == Ordering::Greater,
        RelOp::Ge => o != Ordering::Less,
        RelOp::Lt => o == Ordering::Less,
        RelOp::Le => o != Ordering::Greater,
        RelOp::Eq => o == Ordering::Equal,
        RelOp::Ne => o != Ordering::Equal,
    }
}

/// Result of matching: whether it matched, and the captures of the
/// first successful `:matches`/`:regex` match (`${0}`..).
#[derive(Debug, Default)]
pub struct MatchResult {
    /// Whether any value matched any key.
    pub matched: bool,
    /// Match variables, if the match type sets them.
    pub captures: Option<Vec<String>>,
}

/// Matches `values` against `keys`. Errors are bad regexes built from
/// variables at run time.
pub fn match_values(m: Match, values: &[String], keys: &[String]) -> Result<MatchResult, String> {
    if let MatchKind::Count(op) = m.kind {
        let n = values.len().to_string();
        let matched = keys.iter().any(|k| rel(op, compare(m.comparator, &n, k)));
        return Ok(MatchResult {
            matched,
            captures: None,
        });
    }
    for v in values {
        for k in keys {
            match m.kind {
                MatchKind::Is => {
                    if compare(m.comparator, v, k) == Ordering::Equal {
                        return Ok(matched());
                    }
                }
                MatchKind::Contains => {
                    if fold(m.comparator, v).contains(&fold(m.comparator, k)) {
                        return Ok(matched());
                    }
                }
                MatchKind::Value(op) => {
                    if rel(op, compare(m.comparator, v, k)) {
                        return Ok(matched());
                    }
                }
                MatchKind::Matches => {
                    if let Some(caps) = glob(m.comparator, k, v) {
                        return Ok(MatchResult {
                            matched: true,
                            captures: Some(caps),
                        });
                    }
                }
                MatchKind::Regex => {
                    let re = compile_regex(k, m.comparator)
                        .map_err(|e| format!("invalid regex: {e}"))?;
                    if let Some(c) = re.captures(v) {
                        let caps = (0..c.len().min(10))
                            .map(|i| c.get(i).map(|g| g.as_str().to_string()).unwrap_or_default())
                            .collect();
                        return Ok(MatchResult {
                            matched: true,
                            captures: Some(caps),
                        });
                    }
                }
                MatchKind::Count(_) => {}
            }
        }
    }
    Ok(MatchResult::default())
}

fn matched() -> MatchResult {
    MatchResult {
        matched: true,
        captures: None,
    }
}

/// Longest `:matches` pattern (in wildcards and characters) evaluated.
pub const MAX_GLOB_PATTERN: usize = 2048;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Pat {
    Star,
    One,
    Lit(char),
}

/// `:matches` glob: `*` any sequence, `?` one character, `\` escapes.
/// Wildcards match shortest-first, left to right (RFC 5229 §3.2), and
/// each wildcard's text becomes a capture; `${0}` is the whole value.
pub fn glob(c: Comparator, pattern: &str, value: &str) -> Option<Vec<String>> {
    let mut pat = Vec::new();
    let mut it = pattern.chars();
    while let Some(ch) = it.next() {
        pat.push(match ch {
            '*' => Pat::Star,
            '?' => Pat::One,
            '\\' => Pat::Lit(it.next().unwrap_or('\\')),
            x => Pat::Lit(x),
        });
    }
    // Recursion depth is bounded by the pattern length; refuse patterns
    // long enough to threaten the stack (they cannot come from a
    // reasonable script).
    if pat.len() > MAX_GLOB_PATTERN {
        return None;
    }
    let s: Vec<char> = value.chars().collect();
    let mut failed = vec![false; (pat.len() + 1).saturating_mul(s.len() + 1).min(1 << 22)];
    let width = s.len() + 1;
    let mut caps = vec![value.to_string()];
    if glob_at(c, &pat, 0, &s, 0, &mut caps, &mut failed, width) {
        Some(caps)
    } else {
        None
    }
}

#[allow(clippy::too_many_arguments)]
fn glob_at(
    c: Comparator,
    pat: &[Pat],
    pi: usize,
    s: &[char],
    si: usize,
    caps: &mut Vec<String>,
    failed: &mut [bool],
    width: usize,
) -> bool {
    let memo = pi.saturating_mul(width).saturating_add(si);
    if failed.get(memo).copied().unwrap_or(false) {
        return false;
    }
    let ok = match pat.get(pi) {
        None => si == s.len(),
        Some(Pat::Lit(p)) => match s.get(si) {
            Some(ch) if eq_char(c, *p, *ch) => {
                glob_at(c, pat, pi + 1, s, si + 1, caps, failed, width)
            }
            _ => false,
        },
        Some(Pat::One) => {
            if si < s.len() {
                caps.push(s[si].to_string());
                let r = glob_at(c, pat, pi + 1, s, si + 1, caps, failed, width);
                if !r {
                    caps.pop();
                }
                r
            } else {
                false
            }
        }
        Some(Pat::Star) => {
            let mut found = false;
            for end in si..=s.len() {
                caps.push(s[si..end].iter().collect());
                if glob_at(c, pat, pi + 1, s, end, caps, failed, width) {
                    found = true;
                    break;
                }
                caps.pop();
            }
            found
        }
    };
    if !ok {
        if let Some(f) = failed.get_mut(memo) {
            *f = true;
        }
    }
    ok
}

fn eq_char(c: Comparator, a: char, b: char) -> bool {
    match c {
        Comparator::AsciiCasemap => a.eq_ignore_ascii_case(&b),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_captures_rfc5229() {
        let c = glob(
            Comparator::AsciiCasemap,
            "[*] *",
            "[acme-users] [fwd] version 1.0 is out",
        )
        .expect("should succeed");
        assert_eq!(c[1], "acme-users");
        assert_eq!(c[2], "[fwd] version 1.0 is out");
        let c = glob(
            Comparator::AsciiCasemap,
            "coyote@**.com",
            "coyote@ACME.Example.COM",
        )
        .expect("should succeed");
        assert_eq!(c[1], "");
        assert_eq!(c[2], "ACME.Example");
        assert!(glob(Comparator::Octet, "a\\*", "a*").is_some());
        assert!(glob(Comparator::Octet, "a?c", "abc").is_some());
        assert!(glob(Comparator::Octet, &"*a".repeat(30), &"a".repeat(20)).is_none());
    }

    #[test]
    fn numeric() {
        assert_eq!(numeric_cmp("10", "9"), Ordering::Greater);
        assert_eq!(numeric_cmp("007", "7"), Ordering::Equal);
        assert_eq!(numeric_cmp("abc", "99999"), Ordering::Greater);
    }
}
