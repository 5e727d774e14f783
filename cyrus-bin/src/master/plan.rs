//! From `cyrus.conf` SERVICES entries to services we can run.

use std::path::Path;

use cyrus_proto::runtime::ListenAddr;

use crate::config::{parse_listen, ConfigError, CyrusConf};

/// The Cyrus programs a SERVICES entry may name (by the basename of its
/// `cmd`, with or without the packagers' `cyr_` prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Program {
    /// `imapd` (IMAP; `-s` for implicit TLS).
    Imapd,
    /// `pop3d`.
    Pop3d,
    /// `lmtpd`.
    Lmtpd,
    /// `timsieved` (ManageSieve).
    Timsieved,
    /// `httpd`, `nntpd`, `sync_server`, `mupdate`, `notifyd`, ... (named for
    /// the message that says they are not served here).
    Other,
}

impl Program {
    fn from_cmd(cmd0: &str) -> Program {
        let base = Path::new(cmd0)
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or(cmd0);
        let base = base.strip_prefix("cyr_").unwrap_or(base);
        match base {
            "imapd" | "proxyd" => Program::Imapd,
            "pop3d" | "pop3proxyd" => Program::Pop3d,
            "lmtpd" | "lmtpproxyd" => Program::Lmtpd,
            "timsieved" => Program::Timsieved,
            _ => Program::Other,
        }
    }
}

/// One service to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePlan {
    /// Entry name (`imap`, `imaps`, `lmtpunix`, ...), used as the ident for
    /// service-specific options.
    pub name: String,
    /// What serves it.
    pub program: Program,
    /// The command's arguments after the program name.
    pub args: Vec<String>,
    /// Where it listens.
    pub listen: ListenAddr,
    /// `-s`: TLS from the first byte.
    pub implicit_tls: bool,
    /// `maxchild` (`None` = unlimited).
    pub max_connections: Option<usize>,
}

/// The services of `conf`, and a warning for each entry that cannot be
/// planned (bad `listen=`, missing `cmd`).
pub fn plan_services(conf: &CyrusConf, services_file: &Path) -> (Vec<ServicePlan>, Vec<String>) {
    let mut plans = Vec::new();
    let mut warnings = Vec::new();
    for e in &conf.services {
        let argv = e.argv();
        let Some(cmd0) = argv.first() else {
            warnings.push(format!(
                "{}:{}: service {} has no cmd",
                conf.path.display(),
                e.line,
                e.name
            ));
            continue;
        };
        let Some(listen) = e.get("listen") else {
            warnings.push(format!(
                "{}:{}: service {} has no listen",
                conf.path.display(),
                e.line,
                e.name
            ));
            continue;
        };
        let proto = e.get("proto").unwrap_or("tcp");
        let listen = match parse_listen(listen, proto, services_file) {
            Ok(l) => l,
            Err(ConfigError::Invalid(why)) | Err(ConfigError::Line { what: why, .. }) => {
                warnings.push(format!(
                    "{}:{}: service {}: {why}",
                    conf.path.display(),
                    e.line,
                    e.name
                ));
                continue;
            }
            Err(other) => {
                warnings.push(format!("service {}: {other}", e.name));
                continue;
            }
        };
        let args: Vec<String> = argv[1..].to_vec();
        let implicit_tls = args.iter().any(|a| a == "-s");
        let max_connections = e
            .get("maxchild")
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|&n| n > 0)
            .map(|n| n as usize);
        plans.push(ServicePlan {
            name: e.name.clone(),
            program: Program::from_cmd(cmd0),
            args,
            listen,
            implicit_tls,
            max_connections,
        });
    }
    (plans, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_the_install_guide_sample() {
        let text = crate::config::test_seeds::normal_cyrus_conf();
        let conf = CyrusConf::parse(Path::new("cyrus.conf"), &text).expect("parse");
        let dir = tempfile::tempdir().expect("tempdir");
        let services = dir.path().join("services");
        std::fs::write(&services, "imap2 143/tcp imap\nhttp 80/tcp www\n").expect("write");
        let (plans, warnings) = plan_services(&conf, &services);
        assert!(warnings.is_empty(), "{warnings:?}");
        let summary: Vec<(String, Program, String, bool)> = plans
            .iter()
            .map(|p| {
                (
                    p.name.clone(),
                    p.program,
                    p.listen.to_string(),
                    p.implicit_tls,
                )
            })
            .collect();
        assert_eq!(
            summary[0],
            ("imap".into(), Program::Imapd, "0.0.0.0:143".into(), false)
        );
        assert_eq!(
            summary[1],
            ("imaps".into(), Program::Imapd, "0.0.0.0:993".into(), true)
        );
        assert_eq!(summary[2].1, Program::Pop3d);
        assert_eq!(
            summary[4],
            (
                "sieve".into(),
                Program::Timsieved,
                "0.0.0.0:4190".into(),
                false
            )
        );
        assert_eq!(summary[5].1, Program::Other, "httpd is not ours");
        assert_eq!(
            summary[7],
            (
                "lmtpunix".into(),
                Program::Lmtpd,
                "/run/cyrus/socket/lmtp".into(),
                false
            )
        );
    }

    #[test]
    fn cyr_prefix_and_paths() {
        assert_eq!(
            Program::from_cmd("/usr/lib/cyrus/bin/imapd"),
            Program::Imapd
        );
        assert_eq!(Program::from_cmd("cyr_lmtpd"), Program::Lmtpd);
        assert_eq!(Program::from_cmd("ctl_cyrusdb"), Program::Other);
    }
}
