//! When EVENTS entries run, as pure arithmetic on Unix seconds: the clock
//! and the local time zone are parameters, so the tests use a fake clock.
//!
//! Cyrus (`master.c`: `add_event`, `spawn_schedule`): `period=N` runs the
//! command at start-up and then N minutes after each start; `period=0` (or
//! no period) runs it once at start-up; `at=HHMM` (a valid 24-hour time)
//! runs it daily at that local time, overrides `period`, and does not run
//! at start-up unless start-up is exactly then. A time already passed today
//! means tomorrow.
//!
//! Time zones: the arithmetic is on fixed offsets. `offset_at(t)` gives the
//! seconds local time is ahead of UTC at instant `t` (the caller asks the C
//! library; tests pass constants or a fake daylight-saving switch). A daily
//! slot is found with the offset in force where the search starts, then
//! checked against the offset in force at the slot: if they differ (a
//! daylight-saving change lies in between) the slot moves to the same wall
//! time under the new offset, so `at=0400` stays 04:00 on the clock across
//! the change, as Cyrus's "timezone shift" correction does. A wall time the
//! change skips (02:30 on a spring-forward night) runs at the slot computed
//! with the old offset, an hour late on the new clock; a wall time that
//! happens twice (autumn) runs once.

/// Seconds in a day; `at=` events repeat every day (Cyrus: period 1440).
const DAY: i64 = 86_400;

/// When one EVENTS entry runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventTiming {
    /// Once, when master starts (`period=0` or no period, no valid `at`).
    AtStart,
    /// At start-up and then every this many minutes after each start.
    Every {
        /// `period=`, in minutes (never 0).
        minutes: u32,
    },
    /// Every day at this local wall-clock time (`at=HHMM`).
    DailyAt {
        /// 0..=23.
        hour: u8,
        /// 0..=59.
        minute: u8,
    },
}

impl EventTiming {
    /// The timing of an entry with these `period=` and `at=` values, and a
    /// warning when a value is not what Cyrus accepts (it is then read as
    /// Cyrus reads it: an unusable `at` falls back to `period`, an unusable
    /// `period` counts as 0).
    pub fn from_values(period: Option<&str>, at: Option<&str>) -> (EventTiming, Option<String>) {
        let mut warning = None;
        if let Some(at) = at {
            match parse_hhmm(at) {
                Some((hour, minute)) => return (EventTiming::DailyAt { hour, minute }, None),
                None => warning = Some(format!("at={at} is not a time HHMM; using period")),
            }
        }
        let timing = match period.map(str::parse::<i64>) {
            None | Some(Ok(0)) => EventTiming::AtStart,
            Some(Ok(m)) if m > 0 => EventTiming::Every {
                minutes: u32::try_from(m).unwrap_or(u32::MAX),
            },
            Some(_) => {
                warning = Some(format!(
                    "period={} is not a number of minutes; running once at start-up",
                    period.unwrap_or_default()
                ));
                EventTiming::AtStart
            }
        };
        (timing, warning)
    }

    /// When the entry first runs, master having started at `now`.
    pub fn first_run(self, now: i64, offset_at: &dyn Fn(i64) -> i32) -> i64 {
        match self {
            EventTiming::AtStart | EventTiming::Every { .. } => now,
            EventTiming::DailyAt { hour, minute } => daily_slot(now, hour, minute, offset_at),
        }
    }

    /// When the entry runs next after a run that was started at `started`;
    /// `None` for a run-once entry.
    pub fn after_run(self, started: i64, offset_at: &dyn Fn(i64) -> i32) -> Option<i64> {
        match self {
            EventTiming::AtStart => None,
            EventTiming::Every { minutes } => Some(started + i64::from(minutes) * 60),
            EventTiming::DailyAt { hour, minute } => {
                Some(daily_slot(started + 1, hour, minute, offset_at))
            }
        }
    }
}

/// `at=` as Cyrus reads it: a number HHMM (`0400`, `30` = 00:30) with
/// HH ≤ 23 and MM ≤ 59.
fn parse_hhmm(at: &str) -> Option<(u8, u8)> {
    if at.is_empty() || at.len() > 4 || !at.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u16 = at.parse().ok()?;
    let (hour, minute) = (n / 100, n % 100);
    let hour = u8::try_from(hour).ok().filter(|&h| h <= 23)?;
    let minute = u8::try_from(minute).ok().filter(|&m| m <= 59)?;
    Some((hour, minute))
}

/// The first instant at or after `from` whose local wall-clock time is
/// `hour:minute:00` (see the module comment for daylight saving).
fn daily_slot(from: i64, hour: u8, minute: u8, offset_at: &dyn Fn(i64) -> i32) -> i64 {
    let wall = i64::from(hour) * 3600 + i64::from(minute) * 60;
    let off = i64::from(offset_at(from));
    let local = from + off;
    let mut slot = local.div_euclid(DAY) * DAY + wall - off;
    if slot < from {
        slot += DAY;
    }
    let off_at_slot = i64::from(offset_at(slot));
    if off_at_slot == off {
        return slot;
    }
    // The same wall time on the slot's own (local) day under the offset in
    // force there.
    let moved = (slot + off_at_slot).div_euclid(DAY) * DAY + wall - off_at_slot;
    if moved >= from && i64::from(offset_at(moved)) == off_at_slot {
        moved
    } else {
        slot
    }
}

/// What to do with an entry that is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueAction {
    /// Start the command.
    Run,
    /// The previous run is still going: leave it, start nothing this time.
    /// Cyrus starts another copy regardless (`spawn_schedule` does not
    /// look); we skip, so a slow `cyr_expire` never runs twice at once.
    SkipStillRunning,
}

/// The next run of every EVENTS entry.
#[derive(Debug, Clone)]
pub struct Schedule {
    timings: Vec<EventTiming>,
    next: Vec<Option<i64>>,
}

impl Schedule {
    /// The schedule of entries with these timings, master having started
    /// at `now`.
    pub fn new(timings: Vec<EventTiming>, now: i64, offset_at: &dyn Fn(i64) -> i32) -> Schedule {
        let next = timings
            .iter()
            .map(|t| Some(t.first_run(now, offset_at)))
            .collect();
        Schedule { timings, next }
    }

    /// The earliest time an entry is due; `None` when nothing will ever be.
    pub fn next_due(&self) -> Option<i64> {
        self.next.iter().flatten().copied().min()
    }

    /// The entries due at `now` (by index, in file order) and what to do
    /// with each; each is rescheduled as if it started now, whether it runs
    /// or is skipped. `running(i)` says whether entry `i`'s previous run is
    /// still going.
    pub fn take_due(
        &mut self,
        now: i64,
        offset_at: &dyn Fn(i64) -> i32,
        running: &dyn Fn(usize) -> bool,
    ) -> Vec<(usize, DueAction)> {
        let mut due = Vec::new();
        for (i, next) in self.next.iter_mut().enumerate() {
            if next.is_some_and(|t| t <= now) {
                let action = if running(i) {
                    DueAction::SkipStillRunning
                } else {
                    DueAction::Run
                };
                due.push((i, action));
                *next = self.timings[i].after_run(now, offset_at);
            }
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-03-28 00:00:00 UTC, a Saturday; the EU switches to summer time
    /// at 01:00 UTC the next day.
    const SAT: i64 = 1_774_656_000;
    const H: i64 = 3600;

    fn utc(_: i64) -> i32 {
        0
    }

    /// Central European time: +1, +2 from Sunday 2026-03-29 01:00 UTC.
    fn cet_spring(t: i64) -> i32 {
        if t >= SAT + DAY + H {
            7200
        } else {
            3600
        }
    }

    /// Central European summer time ending: +2, +1 from Sunday 01:00 UTC.
    fn cet_autumn(t: i64) -> i32 {
        if t >= SAT + DAY + H {
            3600
        } else {
            7200
        }
    }

    #[test]
    fn reads_period_and_at_as_cyrus_does() {
        use EventTiming::*;
        assert_eq!(EventTiming::from_values(None, None), (AtStart, None));
        assert_eq!(EventTiming::from_values(Some("0"), None), (AtStart, None));
        assert_eq!(
            EventTiming::from_values(Some("30"), None),
            (Every { minutes: 30 }, None)
        );
        assert_eq!(
            EventTiming::from_values(Some("30"), Some("0400")),
            (DailyAt { hour: 4, minute: 0 }, None),
            "at= wins over period= (Cyrus sets period 1440)"
        );
        assert_eq!(
            EventTiming::from_values(None, Some("30")).0,
            DailyAt {
                hour: 0,
                minute: 30
            }
        );
        let (t, w) = EventTiming::from_values(Some("5"), Some("2460"));
        assert_eq!(t, Every { minutes: 5 });
        assert!(w.expect("warning").contains("at=2460"));
        let (t, w) = EventTiming::from_values(Some("-3"), None);
        assert_eq!(t, AtStart);
        assert!(w.is_some());
        assert!(EventTiming::from_values(Some("soon"), None).1.is_some());
        assert!(EventTiming::from_values(None, Some("4:00")).1.is_some());
    }

    #[test]
    fn periodic_runs_at_start_then_every_period_after_each_start() {
        let t = EventTiming::Every { minutes: 30 };
        assert_eq!(t.first_run(SAT + 17, &utc), SAT + 17);
        assert_eq!(t.after_run(SAT + 100, &utc), Some(SAT + 100 + 1800));
        assert_eq!(EventTiming::AtStart.first_run(SAT, &utc), SAT);
        assert_eq!(EventTiming::AtStart.after_run(SAT, &utc), None);
    }

    #[test]
    fn daily_today_tomorrow_and_exactly_now() {
        let at4 = EventTiming::DailyAt { hour: 4, minute: 0 };
        assert_eq!(at4.first_run(SAT + H, &utc), SAT + 4 * H, "later today");
        assert_eq!(at4.first_run(SAT + 4 * H, &utc), SAT + 4 * H, "now");
        assert_eq!(
            at4.first_run(SAT + 4 * H + 1, &utc),
            SAT + DAY + 4 * H,
            "missed: tomorrow"
        );
        assert_eq!(at4.after_run(SAT + 4 * H, &utc), Some(SAT + DAY + 4 * H));
        // Started late (the machine slept): the next slot after the start.
        assert_eq!(at4.after_run(SAT + 9 * H, &utc), Some(SAT + DAY + 4 * H));
    }

    #[test]
    fn daily_wraps_midnight_in_local_time() {
        let t = EventTiming::DailyAt {
            hour: 0,
            minute: 15,
        };
        // 23:30 local at UTC+1 is 22:30 UTC: the slot is 45 minutes on.
        let now = SAT + 22 * H + 1800;
        assert_eq!(t.first_run(now, &|_| 3600), now + 45 * 60);
        // UTC-5: 23:30 local is 04:30 UTC the next day.
        let now = SAT + DAY + 4 * H + 1800;
        assert_eq!(t.first_run(now, &|_| -5 * 3600), now + 45 * 60);
        let late = EventTiming::DailyAt {
            hour: 23,
            minute: 59,
        };
        assert_eq!(
            late.first_run(SAT + 23 * H + 59 * 60 + 30, &utc),
            SAT + DAY + 23 * H + 59 * 60
        );
    }

    #[test]
    fn daily_keeps_wall_time_across_daylight_saving() {
        let at4 = EventTiming::DailyAt { hour: 4, minute: 0 };
        // Spring: Saturday 04:00 CET is 03:00 UTC; Sunday 04:00 CEST is
        // 02:00 UTC.
        assert_eq!(
            at4.after_run(SAT + 3 * H, &cet_spring),
            Some(SAT + DAY + 2 * H)
        );
        // Autumn: Saturday 04:00 CEST is 02:00 UTC; Sunday 04:00 CET is
        // 03:00 UTC.
        assert_eq!(
            at4.after_run(SAT + 2 * H, &cet_autumn),
            Some(SAT + DAY + 3 * H)
        );
        // 02:30 does not exist on the spring Sunday: it runs at 01:30 UTC
        // (03:30 CEST), the slot computed with the old offset.
        let at0230 = EventTiming::DailyAt {
            hour: 2,
            minute: 30,
        };
        assert_eq!(
            at0230.after_run(SAT + H + 1800, &cet_spring),
            Some(SAT + DAY + H + 1800)
        );
    }

    #[test]
    fn schedule_runs_due_entries_and_skips_one_still_running() {
        let timings = vec![
            EventTiming::AtStart,
            EventTiming::Every { minutes: 1 },
            EventTiming::DailyAt { hour: 4, minute: 0 },
        ];
        let mut s = Schedule::new(timings, SAT + H, &utc);
        assert_eq!(s.next_due(), Some(SAT + H));
        let first = s.take_due(SAT + H, &utc, &|_| false);
        assert_eq!(first, vec![(0, DueAction::Run), (1, DueAction::Run)]);
        // The run-once entry is gone; the periodic one is a minute on.
        assert_eq!(s.next_due(), Some(SAT + H + 60));
        assert!(s.take_due(SAT + H + 59, &utc, &|_| false).is_empty());
        // Its previous run is still going: skipped, and rescheduled.
        let second = s.take_due(SAT + H + 60, &utc, &|i| i == 1);
        assert_eq!(second, vec![(1, DueAction::SkipStillRunning)]);
        assert_eq!(s.next_due(), Some(SAT + H + 120));
        let third = s.take_due(SAT + 4 * H, &utc, &|_| false);
        assert_eq!(third, vec![(1, DueAction::Run), (2, DueAction::Run)]);
        assert_eq!(s.next_due(), Some(SAT + 4 * H + 60));
    }
}
