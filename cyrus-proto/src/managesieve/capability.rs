//! CAPABILITY (also the greeting), NOOP and LOGOUT.

use crate::runtime::Output;
use crate::sieve::Extension;

use super::config::ServerInfo;
use super::response::{write_string, Code, Response};
use super::session::{ManageSieveSession, State};

impl ManageSieveSession {
    /// The capability lines then `OK`, in Cyrus's order: IMPLEMENTATION,
    /// VERSION, SASL (before authentication), SIEVE, NOTIFY, EXTLISTS,
    /// STARTTLS (offered and not yet done, before authentication), OWNER
    /// (after authentication), UNAUTHENTICATE.
    pub(super) fn capability(&mut self, out: &mut Output) {
        let mut lines: Vec<(&str, Option<String>)> = Vec::new();
        let implementation = match self.cfg.server_info {
            ServerInfo::On => format!("Cyrus timsieved {}", self.cfg.version),
            ServerInfo::Min => "Cyrus timsieved".to_string(),
            ServerInfo::Off => "ManageSieve".to_string(),
        };
        lines.push(("IMPLEMENTATION", Some(implementation)));
        lines.push(("VERSION", Some("1.0".into())));
        let user = match &self.state {
            State::User(u) => Some(u.as_str().to_string()),
            _ => None,
        };
        if user.is_none() {
            let adv = self.sasl.advertise(self.transport(), self.auth.as_ref());
            if !adv.mechanisms.is_empty() {
                let mechs: Vec<&str> = adv.mechanisms.iter().map(|m| m.name()).collect();
                lines.push(("SASL", Some(mechs.join(" "))));
            }
        }
        let ext = self.cfg.extensions;
        lines.push(("SIEVE", Some(ext.capability_string())));
        if ext.contains(Extension::Enotify) {
            lines.push(("NOTIFY", Some("mailto".into())));
        }
        if ext.contains(Extension::Extlists) {
            lines.push(("EXTLISTS", Some("urn:ietf:params:sieve:addrbook".into())));
        }
        if self.cfg.starttls && !self.tls && user.is_none() {
            lines.push(("STARTTLS", None));
        }
        if let Some(u) = user {
            lines.push(("OWNER", Some(u)));
        }
        lines.push(("UNAUTHENTICATE", None));
        let mut buf = Vec::new();
        for (name, value) in lines {
            write_string(&mut buf, name.as_bytes());
            if let Some(v) = value {
                buf.push(b' ');
                write_string(&mut buf, v.as_bytes());
            }
            buf.extend_from_slice(b"\r\n");
        }
        buf.extend_from_slice(&Response::ok().to_bytes());
        out.send(buf);
    }

    /// `NOOP [tag]`: `OK (TAG {n}…) "Done"` echoes the tag.
    pub(super) fn noop(&mut self, tag: Option<Vec<u8>>) -> Response {
        match tag {
            Some(t) if !t.is_empty() => Response::ok_text("Done").with_code(Code::Tag(t)),
            _ => Response::ok_text("Done"),
        }
    }

    /// `LOGOUT`: `OK "Logout Complete"`, then close.
    pub(super) fn logout(&mut self, out: &mut Output) {
        out.send(Response::ok_text("Logout Complete").to_bytes());
        out.close();
        self.state = State::Closed;
    }
}
