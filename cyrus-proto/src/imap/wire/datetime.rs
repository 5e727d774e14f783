//! Dates on the wire: INTERNALDATE as Cyrus prints it (day space-padded,
//! `" 6-Jan-2024 10:00:00 +0000"`), and day numbers for SEARCH
//! SINCE/BEFORE.

use chrono::{DateTime, Utc};

/// INTERNALDATE of `secs` (seconds since the epoch), in UTC. Cyrus uses
/// the server's local zone; our servers run in UTC.
pub fn format_internaldate(secs: u32) -> String {
    let t: DateTime<Utc> = DateTime::from_timestamp(i64::from(secs), 0).unwrap_or_default();
    t.format("%e-%b-%Y %H:%M:%S +0000").to_string()
}

/// Days since 1970-01-01 of `secs` (UTC), for date comparisons.
pub fn unix_days(secs: i64) -> i64 {
    secs.div_euclid(86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internaldate_is_space_padded() {
        // 2024-01-06T10:00:00Z
        assert_eq!(
            format_internaldate(1_704_535_200),
            " 6-Jan-2024 10:00:00 +0000"
        );
        assert_eq!(
            format_internaldate(1_795_354_276),
            "22-Nov-2026 13:31:16 +0000"
        );
    }
}
