//! From `cyrus.conf` START, EVENTS and DAEMON entries to the commands
//! master runs beside its services.

use crate::config::{CyrusConf, Entry};

use super::schedule::EventTiming;

/// A `cmd=` split into words: the program word and its arguments (never
/// empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine(Vec<String>);

impl CommandLine {
    /// `cmd` of `entry`, `None` when it is missing or blank.
    fn of(entry: &Entry) -> Option<CommandLine> {
        let argv = entry.argv();
        (!argv.is_empty()).then_some(CommandLine(argv))
    }

    /// The first word: the program as the entry names it.
    pub fn program(&self) -> &str {
        // Invariant: built only from a non-empty argv (`of`).
        self.0.first().map_or("", String::as_str)
    }

    /// The words after the program.
    pub fn args(&self) -> &[String] {
        self.0.get(1..).unwrap_or(&[])
    }
}

/// A START entry: run to completion before anything else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartPlan {
    /// Entry name (`recover`).
    pub name: String,
    /// What to run.
    pub cmd: CommandLine,
}

/// An EVENTS entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPlan {
    /// Entry name (`checkpoint`, `delprune`).
    pub name: String,
    /// What to run.
    pub cmd: CommandLine,
    /// When.
    pub timing: EventTiming,
}

/// A DAEMON entry: kept running while master runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonPlan {
    /// Entry name (`idled`).
    pub name: String,
    /// What to run.
    pub cmd: CommandLine,
    /// `wait=y`: master goes on only once the daemon wrote `ok\r\n` to
    /// file descriptor 3.
    pub wait: bool,
}

/// Everything master runs besides its services, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChildPlans {
    /// START entries.
    pub start: Vec<StartPlan>,
    /// EVENTS entries.
    pub events: Vec<EventPlan>,
    /// DAEMON entries.
    pub daemons: Vec<DaemonPlan>,
}

/// The START, EVENTS and DAEMON entries of `conf`, and a warning for each
/// entry or value that cannot be used as written. An entry without `cmd`
/// is left out (Cyrus refuses to start; we skip it, as for SERVICES).
pub fn plan_children(conf: &CyrusConf) -> (ChildPlans, Vec<String>) {
    let mut plans = ChildPlans::default();
    let mut warnings = Vec::new();
    let mut cmd_of = |section: &str, e: &Entry| {
        let cmd = CommandLine::of(e);
        if cmd.is_none() {
            warnings.push(format!(
                "{}:{}: {section} entry {} has no cmd; ignored",
                conf.path.display(),
                e.line,
                e.name
            ));
        }
        cmd
    };
    for e in &conf.start {
        if let Some(cmd) = cmd_of("START", e) {
            plans.start.push(StartPlan {
                name: e.name.clone(),
                cmd,
            });
        }
    }
    let mut timing_warnings = Vec::new();
    for e in &conf.events {
        if let Some(cmd) = cmd_of("EVENTS", e) {
            let (timing, warning) = EventTiming::from_values(e.get("period"), e.get("at"));
            if let Some(w) = warning {
                timing_warnings.push(format!(
                    "{}:{}: event {}: {w}",
                    conf.path.display(),
                    e.line,
                    e.name
                ));
            }
            plans.events.push(EventPlan {
                name: e.name.clone(),
                cmd,
                timing,
            });
        }
    }
    for e in &conf.daemon {
        if let Some(cmd) = cmd_of("DAEMON", e) {
            plans.daemons.push(DaemonPlan {
                name: e.name.clone(),
                cmd,
                wait: e.get("wait").is_some_and(switch_on),
            });
        }
    }
    warnings.extend(timing_warnings);
    (plans, warnings)
}

/// A cyrus.conf switch as Cyrus reads it (`masterconf_getswitch`): `1`,
/// `y…`, `t…`, `on` are on; anything else is off.
fn switch_on(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    v.starts_with('1') || v.starts_with('y') || v.starts_with('t') || v.starts_with("on")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn plans_the_install_guide_sample_without_warnings() {
        let text = crate::config::test_seeds::normal_cyrus_conf();
        let conf = CyrusConf::parse(Path::new("cyrus.conf"), &text).expect("parse");
        let (plans, warnings) = plan_children(&conf);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(plans.start.len(), 1);
        assert_eq!(plans.start[0].name, "recover");
        assert_eq!(plans.start[0].cmd.program(), "ctl_cyrusdb");
        assert_eq!(plans.start[0].cmd.args(), ["-r"]);
        let events: Vec<(&str, EventTiming)> = plans
            .events
            .iter()
            .map(|e| (e.name.as_str(), e.timing))
            .collect();
        assert_eq!(
            events,
            [
                ("checkpoint", EventTiming::Every { minutes: 30 }),
                ("delprune", EventTiming::DailyAt { hour: 4, minute: 0 }),
                (
                    "deleteprune",
                    EventTiming::DailyAt {
                        hour: 4,
                        minute: 30
                    }
                ),
                (
                    "expungeprune",
                    EventTiming::DailyAt {
                        hour: 4,
                        minute: 45
                    }
                ),
                ("tlsprune", EventTiming::DailyAt { hour: 4, minute: 0 }),
            ]
        );
        assert_eq!(plans.events[2].cmd.args(), ["-E", "4", "-D", "28"]);
        // The guide's DAEMON section only has `idled` commented out.
        assert!(plans.daemons.is_empty());
    }

    #[test]
    fn daemons_wait_switch_and_missing_cmd() {
        let conf = CyrusConf::parse(
            Path::new("c"),
            "DAEMON {\n idled cmd=\"idled\"\n sync cmd=\"sync_client -r\" wait=y\n \
             other cmd=\"x\" wait=no\n bare wait=1\n}\n\
             EVENTS {\n odd cmd=\"x\" period=often\n}\n",
        )
        .expect("parse");
        let (plans, warnings) = plan_children(&conf);
        let daemons: Vec<(&str, bool)> = plans
            .daemons
            .iter()
            .map(|d| (d.name.as_str(), d.wait))
            .collect();
        assert_eq!(
            daemons,
            [("idled", false), ("sync", true), ("other", false)]
        );
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("bare has no cmd"), "{warnings:?}");
        assert!(warnings[1].contains("period=often"), "{warnings:?}");
        assert_eq!(plans.events[0].timing, EventTiming::AtStart);
    }
}
