use crate::dlist::{self, Dlist};
use crate::ids::Modseq;

/// Errors from quota records and checks.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QuotaError {
    /// A quota value that does not parse (`IMAP_MAILBOX_BADFORMAT`).
    #[error("quota root {root}: bad value: {what}")]
    BadFormat {
        /// The quota root.
        root: String,
        /// What is wrong.
        what: String,
    },
    /// The change would exceed the limit (`IMAP_QUOTA_EXCEEDED`,
    /// "Over quota").
    #[error("Over quota")]
    Exceeded {
        /// The resource that is full.
        resource: QuotaResource,
    },
    /// The database failed.
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
}

/// A quota resource, in Cyrus's order (`enum quota_resource`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuotaResource {
    /// `STORAGE`: bytes used, limit in KiB.
    Storage,
    /// `MESSAGE`: message count.
    Message,
    /// `X-ANNOTATION-STORAGE`: annotation bytes, limit in KiB.
    AnnotationStorage,
    /// `X-NUM-FOLDERS`: number of mailboxes.
    NumFolders,
}

impl QuotaResource {
    /// All resources in Cyrus's order.
    pub const ALL: [QuotaResource; 4] = [
        QuotaResource::Storage,
        QuotaResource::Message,
        QuotaResource::AnnotationStorage,
        QuotaResource::NumFolders,
    ];

    fn index(self) -> usize {
        match self {
            QuotaResource::Storage => 0,
            QuotaResource::Message => 1,
            QuotaResource::AnnotationStorage => 2,
            QuotaResource::NumFolders => 3,
        }
    }

    /// The key in the quota DB value (`quota_db_names`).
    pub fn db_name(self) -> &'static str {
        ["S", "M", "AS", "NF"][self.index()]
    }

    /// The name in IMAP and the `quota` tool in 3.6 (`quota_names`).
    pub fn name(self) -> &'static str {
        [
            "STORAGE",
            "MESSAGE",
            "X-ANNOTATION-STORAGE",
            "X-NUM-FOLDERS",
        ][self.index()]
    }

    /// How many used units one limit unit is (`quota_units`).
    pub fn unit(self) -> i64 {
        [1024, 1, 1024, 1][self.index()]
    }

    /// Parses an IMAP resource name (case-insensitive; `ANNOTATION-STORAGE`
    /// and `MAILBOX` are accepted as later Cyrus versions spell them).
    pub fn from_name(s: &str) -> Option<QuotaResource> {
        let u = s.to_ascii_uppercase();
        Some(match u.as_str() {
            "STORAGE" => QuotaResource::Storage,
            "MESSAGE" => QuotaResource::Message,
            "X-ANNOTATION-STORAGE" | "ANNOTATION-STORAGE" => QuotaResource::AnnotationStorage,
            "X-NUM-FOLDERS" | "MAILBOX" => QuotaResource::NumFolders,
            _ => return None,
        })
    }
}

/// A half-done `quota -f` scan kept in the record (`SCAN`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaScan {
    /// The last mailbox scanned.
    pub mailbox: String,
    /// Usage counted so far.
    pub used: [i64; 4],
}

/// One quota root's record (Cyrus `struct quota`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quota {
    /// The root's internal name (the DB key).
    pub root: String,
    used: [i64; 4],
    limits: [Option<i64>; 4],
    /// A `quota -f` scan in progress.
    pub scan: Option<QuotaScan>,
    /// Quota modseq.
    pub modseq: Modseq,
}

impl Quota {
    /// A root with no usage and no limits.
    pub fn new(root: &str) -> Quota {
        Quota {
            root: root.to_string(),
            used: [0; 4],
            limits: [None; 4],
            scan: None,
            modseq: Modseq(0),
        }
    }

    /// Usage of `r` (bytes for the storage resources).
    pub fn used(&self, r: QuotaResource) -> i64 {
        self.used[r.index()]
    }

    /// The limit of `r` in its limit units; `None` is unlimited.
    pub fn limit(&self, r: QuotaResource) -> Option<i64> {
        self.limits[r.index()]
    }

    /// Sets usage.
    pub fn set_used(&mut self, r: QuotaResource, v: i64) {
        self.used[r.index()] = v;
    }

    /// Sets (or with `None` removes) a limit.
    pub fn set_limit(&mut self, r: QuotaResource, v: Option<i64>) {
        self.limits[r.index()] = v.filter(|&l| l >= 0);
    }

    /// Cyrus `quota_check`: fails iff there is a limit, `delta` is not
    /// negative, and `used + delta > limit × unit`. Reducing usage is
    /// always allowed.
    pub fn check(&self, r: QuotaResource, delta: i64) -> Result<(), QuotaError> {
        let Some(limit) = self.limit(r) else {
            return Ok(());
        };
        if delta < 0 {
            return Ok(());
        }
        let lim = limit.saturating_mul(r.unit());
        if self.used(r).saturating_add(delta) > lim {
            return Err(QuotaError::Exceeded { resource: r });
        }
        Ok(())
    }

    /// Cyrus `quota_use`: adds `delta`, clamping at zero on underflow.
    pub fn apply(&mut self, r: QuotaResource, delta: i64) {
        let u = &mut self.used[r.index()];
        *u = if delta < 0 && -delta > *u {
            0
        } else {
            u.saturating_add(delta)
        };
    }

    /// The DB value, as Cyrus `quota_write` prints it:
    /// `%(S (used [limit]) M (…) AS (…) NF (…) [SCAN %(…)] MODSEQ n)`.
    pub fn encode(&self) -> Vec<u8> {
        let mut kv = Vec::new();
        for r in QuotaResource::ALL {
            let mut item = vec![Dlist::snum(self.used(r))];
            if let Some(l) = self.limit(r) {
                item.push(Dlist::snum(l));
            }
            kv.push((r.db_name().to_string(), Dlist::List(item)));
        }
        if let Some(s) = &self.scan {
            let mut sk = vec![("MBOX".to_string(), Dlist::atom(&s.mailbox))];
            for r in QuotaResource::ALL {
                sk.push((r.db_name().to_string(), Dlist::snum(s.used[r.index()])));
            }
            kv.push(("SCAN".into(), Dlist::KvList(sk)));
        }
        kv.push(("MODSEQ".into(), Dlist::num(self.modseq.0)));
        Dlist::KvList(kv).to_bytes()
    }

    /// Parses a DB value: the dlist, or the old text form
    /// `used limit [RES used limit …]` (Cyrus `quota_parseval`).
    pub fn decode(root: &str, value: &[u8]) -> Result<Quota, QuotaError> {
        let bad = |what: &str| QuotaError::BadFormat {
            root: root.to_string(),
            what: what.to_string(),
        };
        let mut q = Quota::new(root);
        if value.first() == Some(&b'%') {
            let d = dlist::parse(value).map_err(|e| bad(&e.to_string()))?;
            for r in QuotaResource::ALL {
                let Some(item) = d.get(r.db_name()) else {
                    continue;
                };
                let items = item.as_list().ok_or_else(|| bad("resource not a list"))?;
                if let Some(u) = items.first() {
                    q.used[r.index()] = u.as_i64().ok_or_else(|| bad("bad used"))?;
                }
                if let Some(l) = items.get(1) {
                    q.set_limit(r, Some(l.as_i64().ok_or_else(|| bad("bad limit"))?));
                }
            }
            if let Some(scan) = d.get("SCAN") {
                if let Some(mbox) = scan.get_str("MBOX") {
                    let mut used = [0; 4];
                    for r in QuotaResource::ALL {
                        used[r.index()] =
                            scan.get(r.db_name()).and_then(Dlist::as_i64).unwrap_or(0);
                    }
                    q.scan = Some(QuotaScan {
                        mailbox: mbox.to_string(),
                        used,
                    });
                }
            }
            q.modseq = Modseq(d.get_u64("MODSEQ").unwrap_or(0));
            return Ok(q);
        }
        let text = std::str::from_utf8(value).map_err(|_| bad("not UTF-8"))?;
        let fields: Vec<&str> = text.split_whitespace().collect();
        let mut i = 0;
        let mut res = QuotaResource::Storage;
        loop {
            if i + 2 > fields.len() {
                return Err(bad("short text value"));
            }
            let used: i64 = fields[i].parse().map_err(|_| bad("bad used"))?;
            let limit: i64 = fields[i + 1].parse().map_err(|_| bad("bad limit"))?;
            q.used[res.index()] = used;
            q.set_limit(res, Some(limit));
            i += 2;
            // A third number is left over from an interrupted `quota -f`.
            if fields.get(i).is_some_and(|f| f.parse::<i64>().is_ok()) {
                i += 1;
            }
            if i == fields.len() {
                break;
            }
            res = QuotaResource::ALL
                .into_iter()
                .find(|r| r.db_name().eq_ignore_ascii_case(fields[i]))
                .ok_or_else(|| bad("unknown resource"))?;
            i += 1;
        }
        Ok(q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_values_round_trip() {
        for v in [
            &b"%(S (240230 100000) M (28 500) AS (94) NF (8) MODSEQ 12)"[..],
            b"%(S (2648 50) M (3) AS (0) NF (2) MODSEQ 3)",
            b"%(S (1 2) M (3) AS (0) NF (2) SCAN %(MBOX user.a.b S 1 M 2 AS 0 NF 1) MODSEQ 3)",
        ] {
            let q = Quota::decode("user.alice", v).expect("decode");
            assert_eq!(q.encode(), v);
        }
        let q =
            Quota::decode("user.bob", b"%(S (2648 50) M (3) AS (0) NF (2) MODSEQ 3)").expect("q");
        assert_eq!(q.limit(QuotaResource::Storage), Some(50));
        assert_eq!(q.limit(QuotaResource::Message), None);
        assert_eq!(q.modseq, Modseq(3));
    }

    #[test]
    fn old_text_format() {
        let q = Quota::decode("r", b"1000 20 M 5 10").expect("text");
        assert_eq!(q.used(QuotaResource::Storage), 1000);
        assert_eq!(q.limit(QuotaResource::Storage), Some(20));
        assert_eq!(q.used(QuotaResource::Message), 5);
        let q = Quota::decode("r", b"1000 -1 1200").expect("text with scan leftover");
        assert_eq!(q.limit(QuotaResource::Storage), None);
        assert!(Quota::decode("r", b"1000").is_err());
        assert!(Quota::decode("r", b"1 2 ZZ 1 2").is_err());
        assert!(Quota::decode("r", b"%(S (x))").is_err());
    }

    #[test]
    fn check_rule() {
        let mut q = Quota::new("user.bob");
        q.set_limit(QuotaResource::Storage, Some(50));
        q.set_used(QuotaResource::Storage, 2648);
        assert!(q.check(QuotaResource::Storage, 50 * 1024 - 2648).is_ok());
        assert!(q.check(QuotaResource::Storage, 50 * 1024 - 2647).is_err());
        assert!(q.check(QuotaResource::Storage, -1).is_ok());
        assert!(q.check(QuotaResource::Message, 1_000_000).is_ok());
        q.set_limit(QuotaResource::Message, Some(0));
        assert!(q.check(QuotaResource::Message, 0).is_ok());
        assert!(q.check(QuotaResource::Message, 1).is_err());
        q.apply(QuotaResource::Storage, -10_000);
        assert_eq!(q.used(QuotaResource::Storage), 0);
    }
}
