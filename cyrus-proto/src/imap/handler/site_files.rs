//! The files under `configdirectory` that change what a session says
//! (imapd(8)): `msg/motd`, `msg/shutdown` (and `msg/shutdown.<service>`),
//! and the telemetry directories `log/<user>/`.
//!
//! Cyrus 3.6 (`imapd.c` `cmdloop`, `global.c` `shutdown_file`,
//! `telemetry.c`): the motd's first line follows the greeting as
//! `* OK [ALERT] …`; the shutdown file is looked at before each command
//! once a non-admin user is logged in (so right after a successful login,
//! and while idling), and its first line goes out as `* BYE [ALERT] …`
//! before the connection closes; leading `[` are dropped from both so the
//! text cannot forge a response code. When `log/<user>/` exists, the
//! session's input and output after the login are appended to
//! `<service>-<pid>` there (`<service>-<sessionid>` under
//! `telemetry_bysessionid`), each chunk prefixed by `<time<` or `>time>`.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The longest first line read from a message file (Cyrus reads into a
/// buffer of about this size).
const MAX_LINE: u64 = 4096;

/// Where the site's message and telemetry files are.
#[derive(Debug, Clone, Default)]
pub struct SiteFiles {
    /// `configdirectory`; `None` turns all three features off.
    pub config_dir: Option<PathBuf>,
    /// `admins`: the shutdown file does not turn them away.
    pub admins: Vec<String>,
    /// `telemetry_bysessionid`: name telemetry files by session id
    /// instead of process id.
    pub telemetry_by_session_id: bool,
}

impl SiteFiles {
    /// `msg/motd`'s first line, ready to follow `* OK [ALERT] `.
    pub(super) fn motd(&self) -> Option<String> {
        let dir = self.config_dir.as_ref()?;
        first_line(&dir.join("msg/motd"))
    }

    /// The shutdown text for a session of `user` on `service`, when a
    /// shutdown file applies to it. The per-service file wins.
    pub(super) fn shutdown(&self, user: &str, service: &str) -> Option<String> {
        let dir = self.config_dir.as_ref()?;
        if self.admins.iter().any(|a| a == user) {
            return None;
        }
        let msg = dir.join("msg");
        let per_service = msg.join(format!("shutdown.{service}"));
        let file = if per_service.exists() {
            per_service
        } else {
            msg.join("shutdown")
        };
        // An empty file still shuts down, with an empty reason.
        file.exists().then(|| first_line(&file).unwrap_or_default())
    }

    /// Opens the telemetry log of `user`'s session when `log/<user>/`
    /// exists; `None` otherwise (or when it cannot be opened: telemetry
    /// never stops a login).
    pub(super) fn telemetry(
        &self,
        user: &str,
        service: &str,
        session_id: &str,
        now: SystemTime,
    ) -> Option<Telemetry> {
        let dir = self.config_dir.as_ref()?.join("log").join(user);
        // A user id never holds a `/` (UserId rules), but the path must
        // not leave log/ whatever it holds.
        if user.is_empty() || user.contains('/') || user.starts_with('.') || !dir.is_dir() {
            return None;
        }
        let name = if self.telemetry_by_session_id {
            format!("{service}-{session_id}")
        } else {
            format!("{service}-{}", std::process::id())
        };
        let path = dir.join(name);
        let mut file = match OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o644)
            .open(&path)
        {
            Ok(f) => f,
            Err(e) => {
                tracing::error!(path = %path.display(), error = %e, "cannot open telemetry log");
                return None;
            }
        };
        let head = format!("---------- {user} {}\n", ctime(now));
        if let Err(e) = file.write_all(head.as_bytes()) {
            tracing::error!(path = %path.display(), error = %e, "cannot write telemetry log");
        }
        Some(Telemetry { file, path })
    }
}

/// An open telemetry log.
#[derive(Debug)]
pub(super) struct Telemetry {
    file: File,
    path: PathBuf,
}

impl Telemetry {
    /// Client bytes, as `<secs<` and the bytes.
    pub(super) fn input(&mut self, data: &[u8], now: SystemTime) {
        self.write(b'<', data, now);
    }

    /// Server bytes, as `>secs>` and the bytes.
    pub(super) fn output(&mut self, data: &[u8], now: SystemTime) {
        self.write(b'>', data, now);
    }

    fn write(&mut self, mark: u8, data: &[u8], now: SystemTime) {
        if data.is_empty() {
            return;
        }
        let secs = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut buf = format!("{}{secs}{}", mark as char, mark as char).into_bytes();
        buf.extend_from_slice(data);
        // One write per chunk: sessions of one process share the file.
        if let Err(e) = self.file.write_all(&buf) {
            tracing::error!(path = %self.path.display(), error = %e, "telemetry write failed");
        }
    }
}

/// The first line of `path` without its line end and leading `[`s.
fn first_line(path: &Path) -> Option<String> {
    let f = File::open(path).ok()?;
    let mut buf = Vec::new();
    f.take(MAX_LINE).read_to_end(&mut buf).ok()?;
    let line = buf.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.split(|&b| b == b'\r').next().unwrap_or_default();
    let text = String::from_utf8_lossy(line);
    Some(text.trim_start_matches('[').to_string())
}

/// `now` as C's `ctime` prints it, in UTC: `Sun Nov 22 17:45:46 2026`.
fn ctime(now: SystemTime) -> String {
    let secs = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = secs / 86_400;
    let rem = secs % 86_400;
    // 1970-01-01 was a Thursday.
    const WEEK: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, d) = civil_from_days(days);
    format!(
        "{} {} {:2} {:02}:{:02}:{:02} {y}",
        WEEK[(days % 7) as usize],
        MONTHS[(m - 1) as usize],
        d,
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month 1-12, day 1-31) in the proleptic
/// Gregorian calendar (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn ctime_matches_c() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000);
        assert_eq!(ctime(t), "Wed Nov 18 11:06:40 2026");
        assert_eq!(ctime(SystemTime::UNIX_EPOCH), "Thu Jan  1 00:00:00 1970");
        let leap = SystemTime::UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(ctime(leap), "Tue Feb 29 00:00:00 2000");
    }

    #[test]
    fn first_line_drops_brackets_and_line_end() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("motd");
        std::fs::write(&p, "[[ALERT] fake code\r\nsecond line\n").expect("write");
        assert_eq!(first_line(&p).as_deref(), Some("ALERT] fake code"));
        assert_eq!(first_line(&dir.path().join("none")), None);
    }

    #[test]
    fn admins_are_not_shut_out_and_per_service_file_wins() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("msg")).expect("mkdir");
        let files = SiteFiles {
            config_dir: Some(dir.path().to_path_buf()),
            admins: vec!["cyrus".into()],
            telemetry_by_session_id: false,
        };
        assert_eq!(files.shutdown("alice", "imap"), None);
        std::fs::write(dir.path().join("msg/shutdown"), "all down\n").expect("write");
        assert_eq!(files.shutdown("alice", "imap").as_deref(), Some("all down"));
        assert_eq!(files.shutdown("cyrus", "imap"), None);
        std::fs::write(dir.path().join("msg/shutdown.imaps"), "tls down\n").expect("write");
        assert_eq!(
            files.shutdown("alice", "imaps").as_deref(),
            Some("tls down")
        );
        assert_eq!(files.shutdown("alice", "imap").as_deref(), Some("all down"));
    }
}
