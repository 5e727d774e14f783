//! Address parsing for the `address` and `envelope` tests (RFC 5228
//! §2.7.4) and subaddress parts (RFC 5233, separator `+`).

use super::ir::AddressPart;

/// One parsed address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// Local part, unquoted.
    pub local: String,
    /// Domain, if any.
    pub domain: Option<String>,
}

/// Parses an address-list header value (mailboxes, groups, display
/// names, comments). Unparseable pieces are skipped.
pub fn parse_list(value: &str) -> Vec<Address> {
    let mut out = Vec::new();
    let mut seg = String::new();
    let mut in_angle: Option<String> = None;
    let mut chars = value.chars().peekable();
    let flush = |seg: &mut String, angle: &mut Option<String>, out: &mut Vec<Address>| {
        let text = angle.take().unwrap_or_else(|| seg.clone());
        if let Some(a) = parse_one(&text) {
            out.push(a);
        }
        seg.clear();
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let target = in_angle.as_mut().unwrap_or(&mut seg);
                target.push('"');
                while let Some(q) = chars.next() {
                    match q {
                        '\\' => {
                            if let Some(n) = chars.next() {
                                target.push(n);
                            }
                        }
                        '"' => break,
                        _ => target.push(q),
                    }
                }
                target.push('"');
            }
            '(' => {
                let mut depth = 1;
                for q in chars.by_ref() {
                    match q {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            '<' => in_angle = Some(String::new()),
            '>' => {
                let a = in_angle.take().unwrap_or_default();
                seg = a.clone();
                in_angle = None;
                // Keep the angle content as the address of this segment.
                seg.insert(0, '\u{0}');
            }
            ':' if in_angle.is_none() => seg.clear(), // group display name
            ',' | ';' if in_angle.is_none() => flush(&mut seg, &mut in_angle, &mut out),
            _ => match in_angle.as_mut() {
                Some(a) => a.push(c),
                None => {
                    if !seg.starts_with('\u{0}') {
                        seg.push(c);
                    }
                }
            },
        }
    }
    flush(&mut seg, &mut in_angle, &mut out);
    out
}

fn parse_one(text: &str) -> Option<Address> {
    let t = text.trim_start_matches('\u{0}').trim();
    // Source routes `@a,@b:user@dom` are obsolete; drop them.
    let t = match t.rfind(':') {
        Some(i) if t.starts_with('@') => &t[i + 1..],
        _ => t,
    };
    if t.is_empty() {
        return None;
    }
    let (local, domain) = match t.rfind('@') {
        Some(i) => (&t[..i], Some(t[i + 1..].trim().to_string())),
        None => (t, None),
    };
    let local = local.trim();
    let local = local
        .strip_prefix('"')
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or(local)
        .to_string();
    if local.chars().any(char::is_whitespace) && !text.contains('"') {
        return None;
    }
    Some(Address { local, domain })
}

/// Whether `s` is exactly one address with a local part and a domain
/// (the check `redirect` applies).
pub fn is_valid_mailbox(s: &str) -> bool {
    let l = parse_list(s);
    l.len() == 1 && !l[0].local.is_empty() && l[0].domain.as_deref().is_some_and(|d| !d.is_empty())
}

/// The single `local@domain` in `s`, if it is exactly one valid address.
pub fn addr_spec(s: &str) -> Option<String> {
    if !is_valid_mailbox(s) {
        return None;
    }
    parse_list(s)
        .first()
        .and_then(|a| part(a, AddressPart::All))
}

/// The requested part of an address; `None` when the part does not
/// exist (`:detail` without a `+`), in which case the test does not
/// match that address (RFC 5233 §4).
pub fn part(a: &Address, p: AddressPart) -> Option<String> {
    let (user, detail) = match a.local.find('+') {
        Some(i) => (&a.local[..i], Some(&a.local[i + 1..])),
        None => (a.local.as_str(), None),
    };
    match p {
        AddressPart::All => Some(match &a.domain {
            Some(d) => format!("{}@{}", a.local, d),
            None => a.local.clone(),
        }),
        AddressPart::LocalPart => Some(a.local.clone()),
        AddressPart::Domain => Some(a.domain.clone().unwrap_or_default()),
        AddressPart::User => Some(user.to_string()),
        AddressPart::Detail => detail.map(str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_groups() {
        let l = parse_list(
            "\"Doe, J\" <j.doe@example.com>, team: a@x.org, b@y.org;, c (comment) @z.net",
        );
        let all: Vec<_> = l.iter().filter_map(|a| part(a, AddressPart::All)).collect();
        assert_eq!(
            all,
            vec!["j.doe@example.com", "a@x.org", "b@y.org", "c@z.net"]
        );
    }

    #[test]
    fn subaddress() {
        let a = &parse_list("ken+sieve@example.org")[0];
        assert_eq!(part(a, AddressPart::User).as_deref(), Some("ken"));
        assert_eq!(part(a, AddressPart::Detail).as_deref(), Some("sieve"));
        let b = &parse_list("ken@example.org")[0];
        assert_eq!(part(b, AddressPart::Detail), None);
        assert!(is_valid_mailbox("bart@example.com"));
        assert_eq!(
            addr_spec("Bart <bart@example.com>").as_deref(),
            Some("bart@example.com")
        );
        assert!(!is_valid_mailbox("bart"));
    }
}
