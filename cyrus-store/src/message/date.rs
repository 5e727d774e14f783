//! RFC 5322 date parsing for the index record's SENTDATE and GMTIME
//! fields, reproducing Cyrus 3.6's `time_from_rfc5322` (`lib/times.c`),
//! including its leniency (`-` or spaces as separators, `.` in times,
//! two-digit years, military and North American zones) and its failures
//! (a weekday not followed by `,`, a missing time).

/// How much of the date to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// SENTDATE: the calendar date only, at midnight.
    DateOnly,
    /// GMTIME: the full timestamp in UTC.
    Full,
}

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];
const WDAYS: [&[u8; 3]; 7] = [b"Sun", b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat"];
/// `RFC5322_DATETIME_MAX`: longest token.
const TOKEN_MAX: usize = 50;

/// Reader with Cyrus's odd end-of-buffer behaviour: moving onto the
/// terminating NUL yields 0, moving past it yields "end of buffer".
struct Buf<'a> {
    s: &'a [u8],
    off: usize,
}

const EOB: i32 = -1;

impl Buf<'_> {
    fn byte(&self, i: usize) -> i32 {
        i32::from(self.s.get(i).copied().unwrap_or(0))
    }
    fn next(&mut self) -> i32 {
        if self.off < self.s.len() {
            self.off += 1;
            self.byte(self.off)
        } else {
            EOB
        }
    }
    fn cur(&self) -> i32 {
        if self.off < self.s.len() {
            self.byte(self.off)
        } else {
            EOB
        }
    }
    fn skip_ws(&mut self) {
        let mut c = self.byte(self.off);
        while is_special(c) {
            c = self.next();
        }
    }
    /// `get_next_token`: `None` when already past the end.
    fn token(&mut self) -> Option<Vec<u8>> {
        let mut c = self.cur();
        if c == EOB {
            return None;
        }
        let mut tok = Vec::new();
        while !is_special(c)
            && !is_separator(c)
            && (is_alpha(c) || is_digit(c))
            && tok.len() < TOKEN_MAX
        {
            tok.push(u8::try_from(c).unwrap_or(0));
            c = self.next();
            if c == EOB {
                return None;
            }
        }
        Some(tok)
    }
}

fn is_special(c: i32) -> bool {
    matches!(c, 0x20 | 0x09 | 0x0d | 0x0a)
}
fn is_separator(c: i32) -> bool {
    matches!(c, 0x20 | 0x2c | 0x2d | 0x2b | 0x3a)
}
fn is_alpha(c: i32) -> bool {
    (0..=255).contains(&c) && (c as u8).is_ascii_alphabetic()
}
fn is_digit(c: i32) -> bool {
    (0..=255).contains(&c) && (c as u8).is_ascii_digit()
}

fn to_int(t: &[u8]) -> Option<i64> {
    let mut n: i64 = 0;
    for &c in t {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n.saturating_mul(10).saturating_add(i64::from(c - b'0'));
    }
    Some(n)
}

/// `compute_tzoffset`, in minutes.
fn tz_offset(t: &[u8], sign: i32) -> i64 {
    let up = |c: u8| c.to_ascii_uppercase();
    match t.len() {
        1 => {
            let ch = up(t[0]);
            let raw = i64::from(t[0]);
            if ch < b'J' {
                (raw - i64::from(b'A') + 1) * 60
            } else if ch == b'J' {
                0
            } else if ch <= b'M' {
                (raw - i64::from(b'A')) * 60
            } else if ch < b'Z' {
                (i64::from(b'M') - raw) * 60
            } else {
                0
            }
        }
        2 if up(t[0]) == b'U' && up(t[1]) == b'T' => 0,
        3 => {
            if up(t[2]) != b'T' {
                return 0;
            }
            const ZONES: &[u8] = b"AECMPYHB";
            let Some(pos) = ZONES.iter().position(|&z| z == up(t[0])) else {
                return 0;
            };
            let offset = (ZONES.len() - pos) as i64 - 12;
            match up(t[1]) {
                b'D' => offset * 60 + 60,
                b'S' => offset * 60,
                _ => 0,
            }
        }
        4 if t.iter().all(u8::is_ascii_digit) => {
            let d = |i: usize| i64::from(t[i] - b'0');
            let off = (d(0) * 10 + d(1)) * 60 + d(2) * 10 + d(3);
            if sign == i32::from(b'+') {
                off
            } else {
                -off
            }
        }
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date; `mday` may be out
/// of range (it is normalised like `timegm` does).
fn days_from_civil(year: i64, month0: i64, mday: i64) -> i64 {
    let y = if month0 < 2 { year - 1 } else { year };
    let m = month0 + 1;
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    let doy_first = doy + 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy_first - 1;
    era * 146_097 + doe - 719_468 + (mday - 1)
}

fn parse(s: &[u8], mode: Mode) -> Option<i64> {
    let s = match s.iter().position(|&c| c == 0) {
        Some(n) => &s[..n],
        None => s,
    };
    let mut b = Buf { s, off: 0 };
    b.skip_ws();
    let c = b.cur();
    if c == EOB {
        return None;
    }
    if is_alpha(c) {
        let t = b.token()?;
        if t.len() != 3 {
            return None;
        }
        let _ = WDAYS.iter().any(|w| w.eq_ignore_ascii_case(&t));
        if b.cur() != i32::from(b',') {
            return None;
        }
        b.next();
        b.skip_ws();
    }
    let t = b.token()?;
    if t.is_empty() || t.len() > 2 || !t[0].is_ascii_digit() {
        return None;
    }
    let mday = to_int(&t)?;
    if is_special(b.next()) {
        b.skip_ws();
    }
    let t = b.token()?;
    if t.len() != 3 || !t[0].is_ascii_alphabetic() {
        return None;
    }
    let mon = MONTHS.iter().position(|m| {
        m[0] == t[0].to_ascii_uppercase()
            && m[1] == t[1].to_ascii_lowercase()
            && m[2] == t[2].to_ascii_lowercase()
    })? as i64;
    if is_special(b.next()) {
        b.skip_ws();
    }
    let t = b.token()?;
    let mut year = to_int(&t)?;
    if t.len() == 2 {
        if year < 70 {
            year += 100;
        }
        year += 1900;
    } else if !(1900..=100_000).contains(&year) {
        // Cyrus overflows an int beyond this; we simply refuse.
        return None;
    }
    let days = days_from_civil(year, mon, mday);
    if mode == Mode::DateOnly {
        let t = days * 86_400;
        return (t >= 0).then_some(t);
    }
    b.skip_ws();
    let t = b.token()?;
    if t.is_empty() || t.len() > 2 || !t[0].is_ascii_digit() {
        return None;
    }
    let hour = to_int(&t)?;
    if b.cur() != i32::from(b':') && b.cur() != i32::from(b'.') {
        return None;
    }
    b.next();
    let t = b.token()?;
    if t.is_empty() || t.len() > 2 || !t[0].is_ascii_digit() {
        return None;
    }
    let min = to_int(&t)?;
    let mut sec = 0;
    if b.cur() == i32::from(b':') || b.cur() == i32::from(b'.') {
        b.next();
        let t = b.token()?;
        if t.is_empty() || t.len() > 2 || !t[0].is_ascii_digit() {
            return None;
        }
        sec = to_int(&t)?;
    }
    b.skip_ws();
    let c = b.cur();
    if c == i32::from(b'+') || c == i32::from(b'-') {
        b.next();
    }
    let tz = match b.token() {
        Some(t) => tz_offset(&t, c),
        None => 0,
    };
    let t = days * 86_400 + hour * 3600 + min * 60 + sec;
    if t < 0 {
        return None;
    }
    Some(t - tz * 60)
}

/// Store as the index record does: a `time_t` truncated to 32 bits (a
/// date just before the epoch in a positive zone wraps around, as in
/// Cyrus).
fn to_u32(t: Option<i64>) -> u32 {
    t.and_then(|t| u32::try_from(t.rem_euclid(1 << 32)).ok())
        .unwrap_or(0)
}

/// SENTDATE: the Date header's calendar day at 00:00 UTC, or 0 if it does
/// not parse. (Cyrus uses `mktime`, i.e. the server's local zone; the
/// reference instance ran in UTC.)
pub fn sent_date(date: Option<&[u8]>) -> u32 {
    to_u32(date.and_then(|d| parse(d, Mode::DateOnly)))
}

/// GMTIME: the Date header as a UTC timestamp, or 0 if it does not parse.
pub fn gm_time(date: Option<&[u8]>) -> u32 {
    to_u32(date.and_then(|d| parse(d, Mode::Full)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            sent_date(Some(b"Mon, 01 Jan 2024 10:00:00 +0000")),
            1_704_067_200
        );
        assert_eq!(
            gm_time(Some(b"Mon, 01 Jan 2024 10:05:00 +0100")),
            1_704_099_900
        );
        assert_eq!(gm_time(Some(b"1 Jan 2024 10:00 EST")), 1_704_121_200);
        assert_eq!(gm_time(Some(b"Mon 01 Jan 2024 10:00:00 +0000")), 0);
        assert_eq!(sent_date(Some(b"01-Jan-99")), 915_148_800);
        assert_eq!(gm_time(Some(b"garbage")), 0);
        assert_eq!(gm_time(None), 0);
    }
}
