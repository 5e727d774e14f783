//! `listen=` values of `cyrus.conf` services: a unix socket path, `port`,
//! `host:port` or `[v6addr]:port`, where the port may be a service name
//! looked up in /etc/services (names and aliases), falling back to the
//! ports Cyrus's packager notes list for its own services.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};

use cyrus_proto::runtime::ListenAddr;

use super::error::ConfigError;

/// Ports from Cyrus's packager notes, used when /etc/services lacks a name.
const FALLBACK_PORTS: &[(&str, u16)] = &[
    ("pop3", 110),
    ("nntp", 119),
    ("imap", 143),
    ("nntps", 563),
    ("imaps", 993),
    ("pop3s", 995),
    ("kpop", 1109),
    ("lmtp", 2003),
    ("smmap", 2004),
    ("csync", 2005),
    ("mupdate", 3905),
    ("sieve", 4190),
    ("http", 80),
    ("https", 443),
];

/// Looks a TCP service name up in a services(5) file's text.
fn lookup_services(text: &str, name: &str) -> Option<u16> {
    text.lines().find_map(|line| {
        let line = line.split('#').next().unwrap_or("");
        let mut words = line.split_whitespace();
        let primary = words.next()?;
        let (port, proto) = words.next()?.split_once('/')?;
        if proto != "tcp" {
            return None;
        }
        let matches = primary == name || words.any(|alias| alias == name);
        matches.then(|| port.parse().ok()).flatten()
    })
}

/// Resolves a port: a number, or a service name.
pub fn resolve_port(port: &str, services_file: &Path) -> Result<u16, ConfigError> {
    if let Ok(n) = port.parse::<u16>() {
        return Ok(n);
    }
    if let Ok(text) = std::fs::read_to_string(services_file) {
        if let Some(p) = lookup_services(&text, port) {
            return Ok(p);
        }
    }
    FALLBACK_PORTS
        .iter()
        .find(|(n, _)| *n == port)
        .map(|(_, p)| *p)
        .ok_or_else(|| ConfigError::Invalid(format!("unknown service or port {port:?}")))
}

/// Parses a `listen=` value. `proto` is the service's `proto=` (`tcp`,
/// `tcp4`, `tcp6`); a bare port listens on all addresses of that family.
pub fn parse_listen(
    value: &str,
    proto: &str,
    services_file: &Path,
) -> Result<ListenAddr, ConfigError> {
    if value.starts_with('/') {
        return Ok(ListenAddr::Unix(PathBuf::from(value)));
    }
    let (host, port) = if let Some(rest) = value.strip_prefix('[') {
        let (h, p) = rest
            .split_once("]:")
            .ok_or_else(|| ConfigError::Invalid(format!("bad listen address {value:?}")))?;
        (Some(h), p)
    } else {
        match value.rsplit_once(':') {
            Some((h, p)) => (Some(h), p),
            None => (None, value),
        }
    };
    let port = resolve_port(port, services_file)?;
    let ip: IpAddr = match host {
        None | Some("*") | Some("") => match proto {
            "tcp6" => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
            _ => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        },
        Some(h) => match h.parse() {
            Ok(ip) => ip,
            Err(_) => (h, port)
                .to_socket_addrs()
                .ok()
                .and_then(|mut it| it.next())
                .map(|sa| sa.ip())
                .ok_or_else(|| ConfigError::Invalid(format!("cannot resolve host {h:?}")))?,
        },
    };
    Ok(ListenAddr::Tcp(SocketAddr::new(ip, port)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_of_listen() {
        let dir = tempfile::tempdir().expect("tempdir");
        let svc = dir.path().join("services");
        std::fs::write(
            &svc,
            "imap2\t\t143/tcp\t\timap\t# IMAP\nsieve 4190/tcp\nlmtp 24/tcp # Fedora style\n",
        )
        .expect("write");
        let p = |v: &str| parse_listen(v, "tcp", &svc).expect(v).to_string();
        assert_eq!(p("imap"), "0.0.0.0:143", "alias in /etc/services");
        assert_eq!(
            p("lmtp"),
            "0.0.0.0:24",
            "/etc/services wins over the fallback"
        );
        assert_eq!(p("imaps"), "0.0.0.0:993", "fallback list");
        assert_eq!(p("csync"), "0.0.0.0:2005");
        assert_eq!(p("127.0.0.1:1143"), "127.0.0.1:1143");
        assert_eq!(p("localhost:sieve"), "127.0.0.1:4190");
        assert_eq!(p("[::1]:1993"), "[::1]:1993");
        assert_eq!(p("/run/cyrus/socket/lmtp"), "/run/cyrus/socket/lmtp");
        assert_eq!(
            parse_listen("2003", "tcp6", &svc).expect("v6").to_string(),
            "[::]:2003"
        );
        assert!(parse_listen("nosuchservice", "tcp", &svc).is_err());
        assert!(parse_listen("[::1:99", "tcp", &svc).is_err());
    }
}
