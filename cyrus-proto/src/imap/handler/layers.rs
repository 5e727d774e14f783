//! STARTTLS (RFC 3501 §6.2.1) and COMPRESS=DEFLATE (RFC 4978): the
//! tagged OK goes out before the driver switches the layer, so these
//! answer themselves.

use crate::imap::machine::State;
use crate::imap::wire::Tagged;
use crate::runtime::Output;

use super::error::Failure;
use super::session::ImapSession;

impl ImapSession {
    /// `STARTTLS`: only before login, only once, only where configured.
    pub(super) fn cmd_starttls(
        &mut self,
        tag: &str,
        out: &mut Output,
    ) -> Result<Option<Tagged>, Failure> {
        if !matches!(self.state, State::NotAuthenticated) {
            return Err(Failure::Bad("Already authenticated".into()));
        }
        if !self.config.starttls || self.conn.tls {
            return Err(Failure::Bad("Unrecognized command".into()));
        }
        out.send(Tagged::ok("Begin TLS negotiation now").line(tag));
        out.start_tls();
        // Whatever the client sent after STARTTLS in plaintext is dropped.
        self.framer.reset();
        self.discard_input = true;
        Ok(None)
    }

    /// `COMPRESS DEFLATE`.
    pub(super) fn cmd_compress(
        &mut self,
        tag: &str,
        out: &mut Output,
    ) -> Result<Option<Tagged>, Failure> {
        if self.compressed {
            return Err(Failure::No("DEFLATE active via COMPRESS".into()));
        }
        out.send(std::mem::take(&mut self.out));
        out.send(Tagged::ok("DEFLATE active").line(tag));
        out.compress();
        self.compressed = true;
        Ok(None)
    }
}
