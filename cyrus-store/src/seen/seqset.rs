use std::fmt;

use crate::ids::Uid;

/// A sequence set that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad sequence set {0:?}")]
pub struct BadSeqSet(pub String);

/// A set of UIDs as IMAP writes it (`1:50,53`; RFC 3501 `sequence-set`),
/// kept as sorted, merged, inclusive ranges.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct SeqSet {
    ranges: Vec<(u32, u32)>,
}

impl SeqSet {
    /// The empty set.
    pub fn new() -> SeqSet {
        SeqSet::default()
    }

    /// Parses a set; `*` stands for `max` (an error when `max` is `None`).
    /// Ranges may be given backwards (`5:3`) and in any order.
    pub fn parse_with_max(s: &str, max: Option<u32>) -> Result<SeqSet, BadSeqSet> {
        let bad = || BadSeqSet(s.to_string());
        let num = |t: &str| -> Result<u32, BadSeqSet> {
            if t == "*" {
                return max.ok_or_else(bad);
            }
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            t.parse::<u32>().ok().filter(|&n| n > 0).ok_or_else(bad)
        };
        let mut set = SeqSet::new();
        if s.is_empty() {
            return Ok(set);
        }
        for part in s.split(',') {
            let (a, b) = match part.split_once(':') {
                Some((a, b)) => (num(a)?, num(b)?),
                None => {
                    let n = num(part)?;
                    (n, n)
                }
            };
            set.add_range(a.min(b), a.max(b));
        }
        Ok(set)
    }

    /// The ranges, sorted and merged.
    pub fn ranges(&self) -> &[(u32, u32)] {
        &self.ranges
    }

    /// True if there are no UIDs.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The number of UIDs.
    pub fn len(&self) -> u64 {
        self.ranges
            .iter()
            .map(|&(a, b)| u64::from(b) - u64::from(a) + 1)
            .sum()
    }

    /// The highest UID, if any.
    pub fn last(&self) -> Option<u32> {
        self.ranges.last().map(|r| r.1)
    }

    /// True if `uid` is in the set.
    pub fn contains(&self, uid: Uid) -> bool {
        let u = uid.0;
        self.ranges
            .binary_search_by(|&(a, b)| {
                if b < u {
                    std::cmp::Ordering::Less
                } else if a > u {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }

    /// Adds `lo..=hi`, merging with touching ranges.
    pub fn add_range(&mut self, lo: u32, hi: u32) {
        if lo > hi {
            return;
        }
        let mut lo = lo;
        let mut hi = hi;
        let mut out = Vec::with_capacity(self.ranges.len() + 1);
        let mut placed = false;
        for &(a, b) in &self.ranges {
            if b.saturating_add(1) < lo {
                out.push((a, b));
            } else if hi.saturating_add(1) < a {
                if !placed {
                    out.push((lo, hi));
                    placed = true;
                }
                out.push((a, b));
            } else {
                lo = lo.min(a);
                hi = hi.max(b);
            }
        }
        if !placed {
            out.push((lo, hi));
        }
        out.sort_unstable();
        self.ranges = out;
    }

    /// Adds one UID.
    pub fn add(&mut self, uid: Uid) {
        self.add_range(uid.0, uid.0);
    }

    /// Removes `lo..=hi`.
    pub fn remove_range(&mut self, lo: u32, hi: u32) {
        if lo > hi {
            return;
        }
        let mut out = Vec::with_capacity(self.ranges.len() + 1);
        for &(a, b) in &self.ranges {
            if b < lo || a > hi {
                out.push((a, b));
                continue;
            }
            if a < lo {
                out.push((a, lo - 1));
            }
            if b > hi {
                out.push((hi + 1, b));
            }
        }
        self.ranges = out;
    }

    /// Removes one UID.
    pub fn remove(&mut self, uid: Uid) {
        self.remove_range(uid.0, uid.0);
    }

    /// Iterates the UIDs in order.
    pub fn iter(&self) -> impl Iterator<Item = Uid> + '_ {
        self.ranges.iter().flat_map(|&(a, b)| (a..=b).map(Uid))
    }

    /// Joins ranges across gaps holding no existing message (Cyrus
    /// compacts seen sets this way): `exists(uid)` says whether a UID is
    /// still in the mailbox.
    pub fn compact(&mut self, exists: impl Fn(u32) -> bool) {
        let mut out: Vec<(u32, u32)> = Vec::new();
        for &(a, b) in &self.ranges {
            if let Some(last) = out.last_mut() {
                if ((last.1 + 1)..a).all(|u| !exists(u)) {
                    last.1 = b;
                    continue;
                }
            }
            out.push((a, b));
        }
        self.ranges = out;
    }
}

impl TryFrom<&str> for SeqSet {
    type Error = BadSeqSet;
    fn try_from(s: &str) -> Result<SeqSet, BadSeqSet> {
        SeqSet::parse_with_max(s, None)
    }
}

impl fmt::Display for SeqSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, &(a, b)) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if a == b {
                write!(f, "{a}")?;
            } else {
                write!(f, "{a}:{b}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for SeqSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SeqSet({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> SeqSet {
        SeqSet::try_from(x).expect("seqset")
    }

    #[test]
    fn parse_print_ops() {
        assert_eq!(s("1:2").to_string(), "1:2");
        assert_eq!(s("5,1:3,4,9").to_string(), "1:5,9");
        assert_eq!(s("7:3").to_string(), "3:7");
        assert_eq!(s("").to_string(), "");
        assert!(SeqSet::try_from("1:*").is_err());
        assert_eq!(
            SeqSet::parse_with_max("3:*", Some(5))
                .expect("max")
                .to_string(),
            "3:5"
        );
        for bad in ["a", "0", "1,,2", "1:", ":2", "-1"] {
            assert!(SeqSet::try_from(bad).is_err(), "{bad}");
        }
        let mut x = s("1:10");
        x.remove_range(4, 6);
        assert_eq!(x.to_string(), "1:3,7:10");
        assert!(x.contains(Uid(2)) && !x.contains(Uid(5)) && x.contains(Uid(10)));
        x.add(Uid(5));
        assert_eq!(x.to_string(), "1:3,5,7:10");
        assert_eq!(x.len(), 8);
        x.compact(|u| u != 4);
        assert_eq!(x.to_string(), "1:5,7:10");
        assert_eq!(x.iter().count(), 9);
    }
}
