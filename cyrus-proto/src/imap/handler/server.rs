//! Commands about the server rather than a mailbox: CAPABILITY, LOGOUT,
//! ID, NAMESPACE.

use crate::imap::machine::State;
use crate::imap::wire::Tagged;

use super::error::Failure;
use super::session::ImapSession;

impl ImapSession {
    /// `CAPABILITY`.
    pub(super) fn cmd_capability(&mut self) -> Result<Tagged, Failure> {
        let line = format!("* CAPABILITY {}", self.capabilities());
        self.untagged(&line);
        Ok(Tagged::ok("Completed"))
    }

    /// `LOGOUT`: Cyrus says `* BYE LOGOUT received`.
    pub(super) fn cmd_logout(&mut self) -> Result<Tagged, Failure> {
        self.untagged("* BYE LOGOUT received");
        self.state = State::Logout;
        Ok(Tagged::ok("Completed"))
    }

    /// `ID`: Cyrus's fields (`id_response`), without the build details.
    pub(super) fn cmd_id(&mut self) -> Result<Tagged, Failure> {
        let line = format!(
            "* ID (\"name\" \"Cyrus IMAPD\" \"version\" \"{}\" \"vendor\" \"Project Cyrus\" \"support-url\" \"https://www.cyrusimap.org\")",
            self.config.version.replace(['"', '\\'], "")
        );
        self.untagged(&line);
        Ok(Tagged::ok("Completed"))
    }

    /// `NAMESPACE`: personal at the top (altnamespace), other users and
    /// shared folders under their prefixes.
    pub(super) fn cmd_namespace(&mut self) -> Result<Tagged, Failure> {
        let (ns, _, _) = self.user_ns()?;
        let sep = ns.separator();
        let cfg = ns.config();
        let line = if ns.is_alt() {
            format!(
                "* NAMESPACE ((\"\" \"{sep}\")) ((\"{}{sep}\" \"{sep}\")) ((\"{}{sep}\" \"{sep}\"))",
                cfg.user_prefix, cfg.shared_prefix
            )
        } else {
            format!("* NAMESPACE ((\"INBOX{sep}\" \"{sep}\")) ((\"user{sep}\" \"{sep}\")) ((\"\" \"{sep}\"))")
        };
        self.untagged(&line);
        Ok(Tagged::ok("Completed"))
    }
}
