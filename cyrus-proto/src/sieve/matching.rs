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

/// A one-line description of a regex error (the `regex` crate's own
/// message spans several lines, which ManageSieve cannot send).
pub fn regex_error(e: &regex::Error) -> String {
    let text = e.to_string();
    let detail = text
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error:"))
        .map(str::trim)
        .unwrap_or("unsupported pattern");
    format!("invalid regex: {detail}")
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
    // Compile each pattern once, not once per value.
    let compiled: Vec<Option<regex::Regex>> = match m.kind {
        MatchKind::Matches => keys.iter().map(|k| glob_regex(m.comparator, k)).collect(),
        MatchKind::Regex => keys
            .iter()
            .map(|k| {
                compile_regex(k, m.comparator)
                    .map(Some)
                    .map_err(|e| regex_error(&e))
            })
            .collect::<Result<_, _>>()?,
        _ => Vec::new(),
    };
    let folded_keys: Vec<String> = match m.kind {
        MatchKind::Contains => keys.iter().map(|k| fold(m.comparator, k)).collect(),
        _ => Vec::new(),
    };
    for v in values {
        let folded_value = match m.kind {
            MatchKind::Contains => fold(m.comparator, v),
            _ => String::new(),
        };
        for (i, k) in keys.iter().enumerate() {
            match m.kind {
                MatchKind::Is => {
                    if compare(m.comparator, v, k) == Ordering::Equal {
                        return Ok(matched());
                    }
                }
                MatchKind::Contains => {
                    if folded_keys
                        .get(i)
                        .is_some_and(|k| folded_value.contains(k.as_str()))
                    {
                        return Ok(matched());
                    }
                }
                MatchKind::Value(op) => {
                    if rel(op, compare(m.comparator, v, k)) {
                        return Ok(matched());
                    }
                }
                MatchKind::Matches | MatchKind::Regex => {
                    let Some(re) = compiled.get(i).and_then(Option::as_ref) else {
                        continue;
                    };
                    if let Some(c) = re.captures(v) {
                        // RFC 5229 §3.2: only ${0}..${9} exist for :regex;
                        // :matches keeps one per wildcard.
                        let max = if m.kind == MatchKind::Regex {
                            10
                        } else {
                            usize::MAX
                        };
                        return Ok(MatchResult {
                            matched: true,
                            captures: Some(captures_of(&c, max)),
                        });
                    }
                }
                // Answered by the host (see `eval_test.rs`).
                MatchKind::Count(_) | MatchKind::List => {}
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

/// Longest `:matches` pattern (in bytes) evaluated; longer patterns
/// never match (no reasonable script has one).
pub const MAX_GLOB_PATTERN: usize = 4096;

/// Translates a `:matches` glob into an anchored regex: `*` becomes a
/// lazy `(.*?)`, `?` becomes `(.)`, `\` escapes the next character.
/// Lazy groups in leftmost-first order give exactly the RFC 5229 §3.2
/// captures (each wildcard as short as possible, left to right), and the
/// regex engine runs in linear time, so hostile patterns cannot make a
/// delivery quadratic.
fn glob_regex(c: Comparator, pattern: &str) -> Option<regex::Regex> {
    if pattern.len() > MAX_GLOB_PATTERN {
        return None;
    }
    let mut re = String::with_capacity(pattern.len() * 2 + 8);
    re.push_str("(?s)^");
    let mut it = pattern.chars();
    while let Some(ch) = it.next() {
        match ch {
            '*' => re.push_str("(.*?)"),
            '?' => re.push_str("(.)"),
            '\\' => {
                let lit = it.next().unwrap_or('\\');
                re.push_str(&regex::escape(lit.encode_utf8(&mut [0u8; 4])));
            }
            x => re.push_str(&regex::escape(x.encode_utf8(&mut [0u8; 4]))),
        }
    }
    re.push('$');
    regex::RegexBuilder::new(&re)
        // i;ascii-casemap folds ASCII only; the regex engine folds Unicode
        // simple case too, a harmless superset for real scripts.
        .case_insensitive(c == Comparator::AsciiCasemap)
        .size_limit(1 << 22)
        .build()
        .ok()
}

fn captures_of(c: &regex::Captures<'_>, max: usize) -> Vec<String> {
    (0..c.len().min(max))
        .map(|i| c.get(i).map(|g| g.as_str().to_string()).unwrap_or_default())
        .collect()
}

/// `:matches` glob: `*` any sequence, `?` one character, `\` escapes.
/// Returns the match variables (`${0}` the whole value, then one per
/// wildcard) on success.
#[cfg(test)]
fn glob(c: Comparator, pattern: &str, value: &str) -> Option<Vec<String>> {
    let re = glob_regex(c, pattern)?;
    re.captures(value)
        .map(|caps| captures_of(&caps, usize::MAX))
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
        // Linear time even on a hostile pattern and a long value.
        let long = "ab".repeat(100_000);
        assert!(glob(Comparator::AsciiCasemap, "*a*c*a*c*", &long).is_none());
        assert!(glob(Comparator::Octet, "a.c", "abc").is_none());
    }

    #[test]
    fn numeric() {
        assert_eq!(numeric_cmp("10", "9"), Ordering::Greater);
        assert_eq!(numeric_cmp("007", "7"), Ordering::Equal);
        assert_eq!(numeric_cmp("abc", "99999"), Ordering::Greater);
    }
}
