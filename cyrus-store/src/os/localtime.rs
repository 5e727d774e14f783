//! The local time zone's offset from UTC, from the C library (`TZ`, then
//! `/etc/localtime`), for the few things Cyrus schedules or prints in
//! local time (`cyrus.conf` EVENTS `at=HHMM`).
#![allow(unsafe_code)]

/// Seconds east of UTC that local time is at the instant `unix_seconds`
/// (daylight saving included); 0 (UTC) when the C library cannot say.
pub fn utc_offset_at(unix_seconds: i64) -> i32 {
    // `time_t` is 64 bits on every platform we build for.
    let t = unix_seconds as libc::time_t;
    // SAFETY: `tm` is a plain C struct for which all-zero bytes are a valid
    // value; `localtime_r` only writes into it.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are to live locals for the whole call;
    // `localtime_r` is the thread-safe form (it writes only into `tm`).
    let filled = unsafe { libc::localtime_r(&t, &mut tm) };
    if filled.is_null() {
        return 0;
    }
    i32::try_from(tm.tm_gmtoff).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_is_within_a_day() {
        // The zone of the machine running the tests is unknown; any real
        // zone is within ±14 hours of UTC and a whole number of minutes.
        let off = utc_offset_at(1_700_000_000);
        assert!(off.abs() <= 14 * 3600, "{off}");
        assert_eq!(off % 60, 0);
    }
}
