//! Framing on imap-codec's [`Fragmentizer`]: lines and literals become
//! whole messages, with a maximum line length and literal size, and
//! memory bounded by both.
//!
//! A synchronising literal that is too large is refused before the client
//! sends it (the message is skipped, so the literal is never read); a
//! non-synchronising one (`LITERAL+`) cannot be refused, so its bytes are
//! consumed and dropped (the Fragmentizer stops buffering past its
//! maximum message size) and the command is answered when it ends.

use imap_codec::fragmentizer::{FragmentInfo, Fragmentizer, LiteralAnnouncement};
use imap_codec::imap_types::core::LiteralMode;

/// Size limits of one client message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest line (without literals) accepted.
    pub max_line: usize,
    /// Largest literal accepted (Cyrus: `maxmessagesize`, APPENDLIMIT).
    pub max_literal: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line: 64 * 1024,
            max_literal: 64 * 1024 * 1024,
        }
    }
}

/// Why a message was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// A line exceeded [`Limits::max_line`].
    LineTooLong,
    /// A literal exceeded [`Limits::max_literal`].
    LiteralTooBig,
}

/// What the framer found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A complete message (lines and literals, line endings included).
    Message(Vec<u8>),
    /// The client waits for `+ go ahead` before sending a literal.
    GoAhead,
    /// A message was refused; `tag` is its tag if one could be read.
    Rejected {
        /// The message's tag, if any.
        tag: Option<String>,
        /// Why.
        why: Rejection,
    },
}

/// Splits client bytes into messages.
#[derive(Debug)]
pub struct Framer {
    frag: Fragmentizer,
    limits: Limits,
    refused: Option<Rejection>,
}

impl Framer {
    /// A framer with `limits`.
    pub fn new(limits: Limits) -> Self {
        // A message holds its lines and literals; capping it bounds memory
        // even when the individual checks below are evaded by many
        // fragments.
        let line = u32::try_from(limits.max_line).unwrap_or(u32::MAX);
        let cap = limits.max_literal.saturating_add(line.saturating_mul(2));
        Framer {
            frag: Fragmentizer::new(cap),
            limits,
            refused: None,
        }
    }

    /// Discards everything buffered (after STARTTLS, RFC 3501 §6.2.1).
    pub fn reset(&mut self) {
        *self = Framer::new(self.limits);
    }

    fn tag(&self) -> Option<String> {
        self.frag
            .decode_tag()
            .map(|t| String::from_utf8_lossy(AsRef::<str>::as_ref(&t).as_bytes()).into_owned())
    }

    /// Feeds bytes; returns the events they complete, in order.
    pub fn push(&mut self, data: &[u8]) -> Vec<Event> {
        self.frag.enqueue_bytes(data);
        let mut events = Vec::new();
        while let Some(info) = self.frag.progress() {
            if let FragmentInfo::Line {
                start,
                end,
                announcement,
                ..
            } = info
            {
                if end - start > self.limits.max_line && self.refused.is_none() {
                    self.refused = Some(Rejection::LineTooLong);
                }
                if let Some(LiteralAnnouncement { mode, length }) = announcement {
                    if length > self.limits.max_literal && self.refused.is_none() {
                        self.refused = Some(Rejection::LiteralTooBig);
                    }
                    if mode == LiteralMode::Sync {
                        if let Some(why) = self.refused.take() {
                            // The client waits for a continuation: refuse
                            // now and never read the literal.
                            events.push(Event::Rejected {
                                tag: self.tag(),
                                why,
                            });
                            self.frag.skip_message();
                        } else {
                            events.push(Event::GoAhead);
                        }
                        continue;
                    }
                }
            }
            if self.frag.is_message_complete() {
                let why = self.refused.take().or_else(|| {
                    self.frag
                        .is_max_message_size_exceeded()
                        .then_some(Rejection::LiteralTooBig)
                });
                match why {
                    Some(why) => events.push(Event::Rejected {
                        tag: self.tag(),
                        why,
                    }),
                    None => events.push(Event::Message(self.frag.message_bytes().to_vec())),
                }
            }
        }
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Framer {
        Framer::new(Limits {
            max_line: 100,
            max_literal: 10,
        })
    }

    #[test]
    fn lines_and_literals() {
        let mut f = small();
        assert_eq!(
            f.push(b"a NOOP\r\nb LOGIN {3}\r\n"),
            vec![Event::Message(b"a NOOP\r\n".to_vec()), Event::GoAhead]
        );
        assert_eq!(
            f.push(b"bob x\r\n"),
            vec![Event::Message(b"b LOGIN {3}\r\nbob x\r\n".to_vec())]
        );
    }

    #[test]
    fn too_big_sync_literal_is_refused_unread() {
        let mut f = small();
        let ev = f.push(b"a APPEND x {11}\r\nb NOOP\r\n");
        assert_eq!(
            ev,
            vec![
                Event::Rejected {
                    tag: Some("a".into()),
                    why: Rejection::LiteralTooBig
                },
                Event::Message(b"b NOOP\r\n".to_vec())
            ]
        );
    }

    #[test]
    fn too_big_nonsync_literal_is_skipped() {
        let mut f = small();
        let mut ev = f.push(b"a APPEND x {20+}\r\n");
        ev.extend(f.push(&[b'x'; 20]));
        ev.extend(f.push(b"\r\nb NOOP\r\n"));
        assert_eq!(
            ev,
            vec![
                Event::Rejected {
                    tag: Some("a".into()),
                    why: Rejection::LiteralTooBig
                },
                Event::Message(b"b NOOP\r\n".to_vec())
            ]
        );
    }

    #[test]
    fn long_line() {
        let mut f = small();
        let mut line = b"a ".to_vec();
        line.extend([b'x'; 200]);
        line.extend(b"\r\n");
        assert!(matches!(
            f.push(&line)[0],
            Event::Rejected {
                why: Rejection::LineTooLong,
                ..
            }
        ));
    }
}
