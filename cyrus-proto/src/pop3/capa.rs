//! CAPA (RFC 2449 §5) with Cyrus's lines and order.

use crate::runtime::Output;

use super::session::{Pop3Session, State};

impl Pop3Session {
    /// `CAPA`: SASL (before login), STLS (offered, not yet done, before
    /// login), EXPIRE, LOGIN-DELAY, TOP, UIDL, PIPELINING, RESP-CODES,
    /// AUTH-RESP-CODE, USER (when plaintext logins are allowed, before
    /// login), IMPLEMENTATION (after login, or with `serverinfo: on`).
    pub(super) fn capa(&mut self, out: &mut Output) {
        let logged_in = matches!(self.state, State::Transaction(_));
        let mut s = String::from("+OK List of capabilities follows\r\n");
        if !logged_in {
            let adv = self.sasl.advertise(self.transport(), self.auth.as_ref());
            if !adv.mechanisms.is_empty() {
                let names: Vec<&str> = adv.mechanisms.iter().map(|m| m.name()).collect();
                s.push_str(&format!("SASL {}\r\n", names.join(" ")));
            }
            if self.cfg.starttls && !self.tls {
                s.push_str("STLS\r\n");
            }
        }
        match self.cfg.expire_days {
            None => s.push_str("EXPIRE NEVER\r\n"),
            Some(d) => s.push_str(&format!("EXPIRE {d}\r\n")),
        }
        s.push_str(&format!("LOGIN-DELAY {}\r\n", self.cfg.min_poll));
        s.push_str("TOP\r\nUIDL\r\nPIPELINING\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n");
        if !logged_in && !self.sasl.login_disabled(self.transport()) {
            s.push_str("USER\r\n");
        }
        if logged_in || self.cfg.server_info {
            s.push_str(&format!(
                "IMPLEMENTATION Cyrus POP3 {}\r\n",
                self.cfg.version
            ));
        }
        s.push_str(".\r\n");
        out.send(s);
    }
}
