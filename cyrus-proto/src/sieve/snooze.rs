//! Cyrus's `vnd.cyrus.snooze`: validation of the `snooze` command and its
//! run-time expansion. Carrying it out (parking the message in the
//! snoozed mailbox and waking it up) is the delivery agent's job.

use super::args::{Param, TagSpec};
use super::ast::CommandNode;
use super::compile::Validator;
use super::error::{RuntimeError, ScriptError};
use super::extensions::Extension as E;
use super::flags;
use super::interp::Interp;
use super::ir::{Command, Program, SnoozeArgs};
use super::variables::Frame;

const TAGS: &[TagSpec] = &[
    ("mailbox", Param::Str, None, 7),
    ("mailboxid", Param::Str, Some(E::MailboxId), 0),
    ("create", Param::None, Some(E::Mailbox), 0),
    ("specialuse", Param::Str, Some(E::SpecialUse), 0),
    ("addflags", Param::List, Some(E::Imap4Flags), 0),
    ("removeflags", Param::List, Some(E::Imap4Flags), 0),
    ("weekdays", Param::List, None, 0),
    ("tzid", Param::Str, None, 0),
];

/// "HH:MM" or "HH:MM:SS" normalised to "HH:MM:SS".
fn normalise_time(t: &str) -> Option<String> {
    let parts: Vec<&str> = t.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || !parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n = |i: usize| {
        parts
            .get(i)
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let (h, m, s) = (n(0), n(1), n(2));
    (h < 24 && m < 60 && s < 60).then(|| format!("{h:02}:{m:02}:{s:02}"))
}

fn valid_weekday(d: &str) -> bool {
    matches!(d, "0" | "1" | "2" | "3" | "4" | "5" | "6")
}

/// Validates `snooze`.
pub fn compile(v: &mut Validator, c: &CommandNode) -> Result<Command, ScriptError> {
    v.need(E::Snooze, "snooze", c.span)?;
    let a = v.read(c, &[TAGS])?;
    a.expect(&[Param::List])?;
    let times = a.pos_list(0);
    for t in times.iter().filter(|t| !t.contains("${")) {
        if normalise_time(t).is_none() {
            return Err(ScriptError::new(
                a.pos_span(0),
                format!("invalid snooze time \"{t}\" (want HH:MM or HH:MM:SS)"),
            ));
        }
    }
    let weekdays = a.list("weekdays").unwrap_or_default();
    for d in weekdays.iter().filter(|d| !d.contains("${")) {
        if !valid_weekday(d) {
            return Err(ScriptError::new(
                a.tag_span("weekdays"),
                format!("invalid weekday \"{d}\" (want \"0\" for Sunday to \"6\")"),
            ));
        }
    }
    Ok(Command::Snooze(Box::new(SnoozeArgs {
        mailbox: a.string("mailbox"),
        mailbox_id: a.string("mailboxid"),
        create: a.flag("create"),
        special_use: a.string("specialuse"),
        add_flags: a.list("addflags").unwrap_or_default(),
        remove_flags: a.list("removeflags").unwrap_or_default(),
        weekdays,
        tzid: a.string("tzid"),
        times,
    })))
}

/// Expands variables and normalises times and weekdays.
pub(crate) fn expand(
    it: &Interp<'_>,
    p: &Program,
    frame: &Frame,
    s: &SnoozeArgs,
) -> Result<SnoozeArgs, RuntimeError> {
    let mut times = Vec::new();
    for t in it.ex_list(p, frame, &s.times) {
        let n = normalise_time(&t)
            .ok_or_else(|| RuntimeError::new(format!("invalid snooze time \"{t}\"")))?;
        times.push(n);
    }
    times.sort();
    times.dedup();
    let mut weekdays = it.ex_list(p, frame, &s.weekdays);
    if let Some(bad) = weekdays.iter().find(|d| !valid_weekday(d)) {
        return Err(RuntimeError::new(format!("invalid weekday \"{bad}\"")));
    }
    weekdays.sort();
    weekdays.dedup();
    Ok(SnoozeArgs {
        mailbox: s.mailbox.as_ref().map(|m| it.ex(p, frame, m)),
        mailbox_id: s.mailbox_id.as_ref().map(|m| it.ex(p, frame, m)),
        create: s.create,
        special_use: s.special_use.as_ref().map(|m| it.ex(p, frame, m)),
        add_flags: flags::normalise(&it.ex_list(p, frame, &s.add_flags)),
        remove_flags: flags::normalise(&it.ex_list(p, frame, &s.remove_flags)),
        weekdays,
        tzid: s.tzid.as_ref().map(|m| it.ex(p, frame, m)),
        times,
    })
}

#[cfg(test)]
mod tests {
    use super::normalise_time;

    #[test]
    fn times() {
        assert_eq!(normalise_time("09:30").as_deref(), Some("09:30:00"));
        assert_eq!(normalise_time("23:59:59").as_deref(), Some("23:59:59"));
        assert_eq!(normalise_time("24:00"), None);
        assert_eq!(normalise_time("9:30"), None);
    }
}
