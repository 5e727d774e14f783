//! The service flags every Cyrus daemon takes from `cyrus.conf`'s `cmd=`
//! or its command line (master(8), imapd(8)): `-s` (implicit TLS), `-a`
//! (lmtpd: trust TCP clients), `-T reuse-timeout`, `-U uses`, `-D`,
//! `-N`, `-p ssf`. Only what changes a standalone daemon is kept here;
//! the rest is read where it applies (`-s`, `-a`) or accepted.

use std::process::Command;
use std::time::Duration;

use crate::config::ImapdConf;
use crate::tools::ToolError;

/// What the flags ask of a standalone daemon.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceFlags {
    /// `-T seconds`: exit once no client has been connected this long
    /// (Cyrus: a service process waiting that long for a new connection
    /// exits).
    pub reuse_timeout: Option<Duration>,
    /// `-D`: run `debug_command` before serving.
    pub debugger: bool,
}

impl ServiceFlags {
    /// Reads the flags we act on; the others are accepted.
    pub fn parse(args: &[String]) -> Result<ServiceFlags, ToolError> {
        let mut f = ServiceFlags::default();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "-T" => {
                    let v = it
                        .next()
                        .ok_or_else(|| ToolError::Usage("-T needs a number of seconds".into()))?;
                    let secs: u64 = v
                        .parse()
                        .map_err(|_| ToolError::Usage(format!("-T {v}: not a number")))?;
                    // Cyrus: 0 means no timeout.
                    f.reuse_timeout = (secs > 0).then(|| Duration::from_secs(secs));
                }
                "-D" => f.debugger = true,
                // Flags with a value we accept and do not use.
                "-U" | "-p" | "-C" => {
                    it.next();
                }
                _ => {}
            }
        }
        Ok(f)
    }
}

/// `-D`: runs `debug_command` (a printf format given the program name, our
/// pid and the service name, as Cyrus's `service.c` does) through the
/// shell and waits for it; without `debug_command`, says so and goes on.
pub fn run_debugger(conf: &ImapdConf, service: &str) {
    let program = std::env::args()
        .next()
        .unwrap_or_else(|| "cyr_imapd".to_string());
    let Some(format) = conf.raw("debug_command") else {
        eprintln!("{service}: -D given but no debug_command in imapd.conf; continuing");
        tracing::info!("-D without debug_command: nothing to run");
        return;
    };
    let command = fill_format(format, &program, std::process::id(), service);
    tracing::info!(%command, "running external debugger");
    match Command::new("/bin/sh").arg("-c").arg(&command).status() {
        Ok(s) => tracing::info!(status = ?s.code(), "debugger returned"),
        Err(e) => eprintln!("{service}: cannot run debug_command: {e}"),
    }
}

/// Replaces the three C conversions of `debug_command` in order: the first
/// `%s` the program, `%d` the pid, the next `%s` the service; `%%` is `%`.
fn fill_format(format: &str, program: &str, pid: u32, service: &str) -> String {
    let mut out = String::new();
    let mut strings = [program, service].into_iter();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('s') => out.push_str(strings.next().unwrap_or("")),
            Some('d') => out.push_str(&pid.to_string()),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_reuse_timeout_and_debugger() {
        let f = ServiceFlags::parse(&args(&["-s", "-U", "30", "-T", "5", "-D"])).expect("ok");
        assert_eq!(f.reuse_timeout, Some(Duration::from_secs(5)));
        assert!(f.debugger);
        assert_eq!(
            ServiceFlags::parse(&args(&["-T", "0"]))
                .expect("ok")
                .reuse_timeout,
            None
        );
        assert!(ServiceFlags::parse(&args(&["-T", "soon"])).is_err());
        assert!(ServiceFlags::parse(&args(&["-T"])).is_err());
    }

    #[test]
    fn debug_command_format() {
        assert_eq!(
            fill_format(
                "gdb /usr/lib/cyrus/bin/%s %d # %s 100%%",
                "imapd",
                42,
                "imap"
            ),
            "gdb /usr/lib/cyrus/bin/imapd 42 # imap 100%"
        );
    }
}
