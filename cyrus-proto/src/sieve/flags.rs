//! RFC 5232 imap4flags: flag lists as space-separated, case-insensitive
//! sets.

use super::ir::FlagOp;

/// Splits strings into individual flags, dropping duplicates
/// (case-insensitively, first spelling wins).
pub fn normalise<S: AsRef<str>>(items: &[S]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in items {
        for f in s.as_ref().split_whitespace() {
            if !out.iter().any(|o| o.eq_ignore_ascii_case(f)) {
                out.push(f.to_string());
            }
        }
    }
    out
}

/// Applies a flag operation to a current flag list.
pub fn apply(current: &[String], op: FlagOp, flags: &[String]) -> Vec<String> {
    let given = normalise(flags);
    match op {
        FlagOp::Set => given,
        FlagOp::Add => {
            let mut all = current.to_vec();
            all.extend(given);
            normalise(&all)
        }
        FlagOp::Remove => current
            .iter()
            .filter(|c| !given.iter().any(|g| g.eq_ignore_ascii_case(c)))
            .cloned()
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc5232_ops() {
        let f = apply(&[], FlagOp::Set, &["\\Seen \\Flagged".into()]);
        let f = apply(&f, FlagOp::Add, &["\\Deleted".into(), "\\seen".into()]);
        assert_eq!(f, vec!["\\Seen", "\\Flagged", "\\Deleted"]);
        let f = apply(&f, FlagOp::Remove, &["\\FLAGGED".into()]);
        assert_eq!(f, vec!["\\Seen", "\\Deleted"]);
    }
}
