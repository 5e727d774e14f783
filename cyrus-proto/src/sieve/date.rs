//! RFC 5260 `date`/`currentdate`: a small civil date-time type, RFC 5322
//! date parsing, zone conversion and the date-part extraction table.

/// A date-time with its UTC offset. The interpreter gets "now" as one
/// of these (time is a parameter, never read from the clock here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub unix: i64,
    /// Offset from UTC in minutes (east positive).
    pub offset_minutes: i32,
}

/// The date-parts RFC 5260 §4.2 defines.
pub const PARTS: &[&str] = &[
    "year", "month", "day", "date", "julian", "hour", "minute", "second", "time", "iso8601",
    "std11", "zone", "weekday",
];

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

impl DateTime {
    /// Builds a date-time from civil fields in the given offset; `None`
    /// for out-of-range fields.
    pub fn from_civil(
        y: i64,
        mo: u32,
        d: u32,
        h: u32,
        mi: u32,
        s: u32,
        offset_minutes: i32,
    ) -> Option<Self> {
        // Four-digit years only (RFC 5322 §3.3), which also keeps every
        // computation below far from overflow.
        if !(0..=9999).contains(&y)
            || !(1..=12).contains(&mo)
            || !(1..=31).contains(&d)
            || h > 23
            || mi > 59
            || s > 60
            || offset_minutes.abs() > 99 * 60 + 59
        {
            return None;
        }
        let days = days_from_civil(y, mo, d);
        let local = days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s);
        Some(DateTime {
            unix: local - i64::from(offset_minutes) * 60,
            offset_minutes,
        })
    }

    /// The same instant seen in another offset.
    pub fn with_offset(self, offset_minutes: i32) -> Self {
        DateTime {
            unix: self.unix,
            offset_minutes,
        }
    }

    /// Extracts an RFC 5260 §4.2 date-part; `None` for an unknown part.
    pub fn part(&self, part: &str) -> Option<String> {
        // Saturating: `now` comes from the caller and may be anything.
        let local = self
            .unix
            .clamp(-(1 << 40), 1 << 40)
            .saturating_add(i64::from(self.offset_minutes.clamp(-6000, 6000)) * 60);
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let (h, mi, s) = (secs / 3600, secs / 60 % 60, secs % 60);
        let off = self.offset_minutes.clamp(-6000, 6000);
        let zone = format!(
            "{}{:02}{:02}",
            if off < 0 { '-' } else { '+' },
            off.abs() / 60,
            off.abs() % 60
        );
        Some(match part {
            "year" => format!("{y:04}"),
            "month" => format!("{m:02}"),
            "day" => format!("{d:02}"),
            "date" => format!("{y:04}-{m:02}-{d:02}"),
            // Modified Julian Day: days since 1858-11-17.
            "julian" => (days + 40_587).to_string(),
            "hour" => format!("{h:02}"),
            "minute" => format!("{mi:02}"),
            "second" => format!("{s:02}"),
            "time" => format!("{h:02}:{mi:02}:{s:02}"),
            "iso8601" => format!(
                "{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}{}{:02}:{:02}",
                if off < 0 { '-' } else { '+' },
                off.abs() / 60,
                off.abs() % 60
            ),
            "std11" => format!(
                "{}, {d} {} {y:04} {h:02}:{mi:02}:{s:02} {zone}",
                DAYS[(days + 4).rem_euclid(7) as usize],
                capitalise(MONTHS[(m as usize).saturating_sub(1) % 12]),
            ),
            "zone" => zone,
            "weekday" => ((days + 4).rem_euclid(7)).to_string(),
            _ => return None,
        })
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// Parses a `:zone` argument `+hhmm`/`-hhmm` into minutes.
pub fn parse_zone(z: &str) -> Option<i32> {
    let b = z.as_bytes();
    if b.len() != 5 || !(b[0] == b'+' || b[0] == b'-') || !b[1..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let h: i32 = z[1..3].parse().ok()?;
    let m: i32 = z[3..5].parse().ok()?;
    if m > 59 {
        return None;
    }
    Some(if b[0] == b'-' {
        -(h * 60 + m)
    } else {
        h * 60 + m
    })
}

/// Parses an RFC 5322 date (`[day ","] d mon yyyy hh:mm[:ss] zone`),
/// tolerating comments and obsolete zone names.
pub fn parse_rfc5322(s: &str) -> Option<DateTime> {
    let s = strip_comments(s);
    let s = match s.find(',') {
        Some(i) => &s[i + 1..],
        None => &s[..],
    };
    let mut w = s.split_whitespace();
    let d: u32 = w.next()?.parse().ok()?;
    let mon = w.next()?.to_ascii_lowercase();
    let mo = MONTHS.iter().position(|m| mon.starts_with(m))? as u32 + 1;
    let mut y: i64 = w.next()?.parse().ok()?;
    if y < 50 {
        y += 2000;
    } else if y < 1000 {
        y += 1900;
    }
    let time = w.next()?;
    let mut t = time.split(':');
    let h: u32 = t.next()?.parse().ok()?;
    let mi: u32 = t.next()?.parse().ok()?;
    let sec: u32 = match t.next() {
        Some(x) => x.parse().ok()?,
        None => 0,
    };
    let off = match w.next() {
        None => 0,
        Some(z) => parse_zone(z).unwrap_or(match z.to_ascii_uppercase().as_str() {
            "EST" => -300,
            "EDT" => -240,
            "CST" => -360,
            "CDT" => -300,
            "MST" => -420,
            "MDT" => -360,
            "PST" => -480,
            "PDT" => -420,
            _ => 0,
        }),
    };
    DateTime::from_civil(y, mo, d, h, mi, sec, off)
}

fn strip_comments(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0u32;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_dates() {
        assert!(parse_rfc5322("1 Jan 99999999999999 00:00 +0000").is_none());
        let d = DateTime {
            unix: i64::MAX,
            offset_minutes: i32::MIN,
        };
        assert!(d.part("std11").is_some());
    }

    #[test]
    fn parts() {
        let d = parse_rfc5322("Fri, 12 Jan 2024 12:00:00 +0000").expect("should succeed");
        assert_eq!(d.part("date").expect("should succeed"), "2024-01-12");
        assert_eq!(d.part("weekday").expect("should succeed"), "5");
        assert_eq!(d.part("julian").expect("should succeed"), "60321");
        assert_eq!(
            d.part("std11").expect("should succeed"),
            "Fri, 12 Jan 2024 12:00:00 +0000"
        );
        let z = d.with_offset(-300);
        assert_eq!(
            z.part("iso8601").expect("should succeed"),
            "2024-01-12T07:00:00-05:00"
        );
        assert_eq!(z.part("zone").expect("should succeed"), "-0500");
    }
}
