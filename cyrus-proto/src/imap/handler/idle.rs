//! IDLE (RFC 2177): `+ idling`, then updates whenever the runtime wakes
//! the session (another session's change, or the poll interval), until
//! `DONE`.

use std::time::SystemTime;

use crate::imap::machine::{Pending, State};
use crate::imap::wire::Tagged;
use crate::runtime::Output;

use super::error::Failure;
use super::session::ImapSession;

impl ImapSession {
    /// `IDLE`.
    pub(super) fn cmd_idle(
        &mut self,
        tag: &str,
        now: SystemTime,
        out: &mut Output,
    ) -> Result<Option<Tagged>, Failure> {
        if let State::Selected(..) = self.state {
            self.sync_view(true, now)?;
        }
        out.send(std::mem::take(&mut self.out));
        out.send("+ idling\r\n");
        self.pending = Pending::Idle {
            tag: tag.to_string(),
        };
        Ok(None)
    }

    /// A wake-up: while idling, send what changed.
    pub(super) fn idle_wake(&mut self, now: SystemTime, out: &mut Output) {
        if !matches!(self.pending, Pending::Idle { .. }) {
            return;
        }
        if let State::Selected(..) = self.state {
            if let Err(e) = self.sync_view(true, now) {
                tracing::warn!(error = %e, "IDLE update failed");
            }
        }
        out.send(std::mem::take(&mut self.out));
    }

    /// The line after IDLE: `DONE` ends it.
    pub(super) fn idle_done(&mut self, tag: &str, line: &[u8], now: SystemTime, out: &mut Output) {
        let t = if line.eq_ignore_ascii_case(b"DONE") {
            Tagged::ok("Completed")
        } else {
            Tagged::bad("Invalid Idle continuation")
        };
        if let State::Selected(..) = self.state {
            if let Err(e) = self.sync_view(true, now) {
                tracing::warn!(error = %e, "IDLE update failed");
            }
        }
        out.send(std::mem::take(&mut self.out));
        out.send(t.line(tag));
    }
}
