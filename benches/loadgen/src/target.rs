//! `--target name=host:port[,user,pass]`.

use std::str::FromStr;

/// One server to drive.
#[derive(Debug, Clone)]
pub struct Target {
    /// Its name in the report.
    pub name: String,
    /// `host:port`.
    pub addr: String,
    /// Login (IMAP) or recipient (LMTP).
    pub user: String,
    /// Password.
    pub pass: String,
}

impl FromStr for Target {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, rest) = s
            .split_once('=')
            .ok_or_else(|| format!("{s}: expected name=host:port[,user,pass]"))?;
        let mut parts = rest.split(',');
        let addr = parts.next().unwrap_or_default().to_string();
        if !addr.contains(':') {
            return Err(format!("{s}: expected host:port"));
        }
        let user = parts.next().unwrap_or("alice").to_string();
        let pass = parts.next().unwrap_or("pass").to_string();
        if parts.next().is_some() {
            return Err(format!("{s}: too many fields"));
        }
        Ok(Target {
            name: name.to_string(),
            addr,
            user,
            pass,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_and_without_credentials() {
        let t: Target = "cyrus=127.0.0.1:21143".parse().expect("ok");
        assert_eq!((t.user.as_str(), t.pass.as_str()), ("alice", "pass"));
        let t: Target = "us=127.0.0.1:1143,demo,secret".parse().expect("ok");
        assert_eq!(
            (t.name.as_str(), t.addr.as_str(), t.user.as_str()),
            ("us", "127.0.0.1:1143", "demo")
        );
        assert!("nope".parse::<Target>().is_err());
        assert!("x=host".parse::<Target>().is_err());
    }
}
