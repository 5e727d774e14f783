//! What kinds of values `imapd.conf` options take, and the lookup of an
//! option's spec by name.

use super::options_table::OPTIONS;

/// The kind of an option's value (Cyrus `OPT_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `yes/on/t/true/1` or `no/off/f/false/0`.
    Switch,
    /// A decimal integer (may be negative).
    Int,
    /// Any text.
    String,
    /// `1d2h30m15s`, or a bare number in the option's default unit.
    Duration,
    /// One of the listed values (`yes`/`no` normalised to `on`/`off`).
    Enum(&'static [&'static str]),
    /// One of the listed values.
    StringList(&'static [&'static str]),
    /// Space-separated subset of the listed values (`a=b` lists aliases).
    Bitfield(&'static [&'static str]),
}

/// One known option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSpec {
    /// Name as written in `imapd.conf` (lower case).
    pub name: &'static str,
    /// Value kind.
    pub kind: Kind,
    /// Default value as text, `None` when unset.
    pub default: Option<&'static str>,
    /// Deprecated in Cyrus 3.6 (still accepted).
    pub deprecated: bool,
}

impl OptionSpec {
    /// The spec of a known option.
    pub fn lookup(name: &str) -> Option<&'static OptionSpec> {
        OPTIONS
            .binary_search_by(|o| o.name.cmp(name))
            .ok()
            .map(|i| &OPTIONS[i])
    }
}

/// Prefixes of option families Cyrus keeps in its "overflow" table and
/// passes on (partitions, SASL options, per-channel sync settings, ...).
pub(super) const OVERFLOW_PREFIXES: &[&str] = &[
    "partition-",
    "metapartition-",
    "archivepartition-",
    "searchpartition-",
    "metadir-",
    "sasl_",
    "xlist-",
];

/// Parses a switch value.
pub(super) fn parse_switch(v: &str) -> Option<bool> {
    match v {
        "1" | "yes" | "on" | "t" | "true" => Some(true),
        "0" | "no" | "off" | "f" | "false" => Some(false),
        _ => None,
    }
}

/// Parses a duration (`1d2h30m15s`, `-1`, or a bare number in `unit`)
/// into seconds.
pub(super) fn parse_duration(v: &str, unit: char) -> Option<i64> {
    let (neg, body) = match v.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, v),
    };
    if body.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    let mut acc: i64 = 0;
    let mut saw_digit = false;
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(d) = c.to_digit(10) {
            acc = acc.checked_mul(10)?.checked_add(i64::from(d))?;
            saw_digit = true;
            if chars.peek().is_none() {
                total = total.checked_add(acc.checked_mul(unit_seconds(unit)?)?)?;
            }
        } else {
            if !saw_digit {
                return None;
            }
            total = total.checked_add(acc.checked_mul(unit_seconds(c)?)?)?;
            acc = 0;
            saw_digit = false;
        }
    }
    Some(if neg { -total } else { total })
}

fn unit_seconds(c: char) -> Option<i64> {
    match c {
        'd' => Some(86400),
        'h' => Some(3600),
        'm' => Some(60),
        's' => Some(1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_has_core_options() {
        assert!(OPTIONS.windows(2).all(|w| w[0].name < w[1].name));
        let e = OptionSpec::lookup("expunge_mode").expect("expunge_mode");
        assert_eq!(e.default, Some("delayed"));
        assert!(OptionSpec::lookup("no_such_option").is_none());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("32m", 's'), Some(1920));
        assert_eq!(
            parse_duration("1d2h30m15s", 's'),
            Some(86400 + 7200 + 1800 + 15)
        );
        assert_eq!(parse_duration("30", 'm'), Some(1800));
        assert_eq!(parse_duration("-1", 's'), Some(-1));
        assert_eq!(parse_duration("1x", 's'), None);
        assert_eq!(parse_duration("m", 's'), None);
    }
}
