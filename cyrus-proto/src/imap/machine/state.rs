//! Session states (RFC 3501 §3) as an enum whose variants own their data,
//! and what the next client line means while a command is in progress.

use cyrus_store::mboxname::UserId;

use crate::sasl::{Authenticated, Exchange};

use super::view::View;

/// A logged-in user: the SASL proof (only SASL can build one) and the
/// user id derived from it.
#[derive(Debug)]
pub struct Login {
    /// How the user authenticated (kept as the proof that they did).
    #[allow(dead_code)]
    pub proof: Authenticated,
    /// Who the session acts as.
    pub user: UserId,
}

/// The session state.
#[derive(Debug)]
pub enum State {
    /// Before LOGIN/AUTHENTICATE.
    NotAuthenticated,
    /// Logged in, nothing selected.
    Authenticated(Login),
    /// A mailbox is selected.
    Selected(Login, Box<View>),
    /// LOGOUT done; the connection closes.
    Logout,
}

impl State {
    /// The logged-in user, if any.
    pub fn login(&self) -> Option<&Login> {
        match self {
            State::Authenticated(l) | State::Selected(l, _) => Some(l),
            _ => None,
        }
    }

    /// Leaves the selected state (CLOSE, UNSELECT, a new SELECT),
    /// keeping the login.
    pub fn deselect(self) -> State {
        match self {
            State::Selected(l, _) => State::Authenticated(l),
            other => other,
        }
    }
}

/// What the next client message is, when it is not a command.
#[derive(Debug, Default)]
pub enum Pending {
    /// A command.
    #[default]
    Command,
    /// A SASL response for `AUTHENTICATE` tagged `tag`.
    Authenticate {
        /// The command's tag.
        tag: String,
        /// The exchange in progress (boxed: SCRAM state is large).
        exchange: Box<Exchange>,
    },
    /// `DONE` ends the `IDLE` tagged `tag` (RFC 2177).
    Idle {
        /// The command's tag.
        tag: String,
    },
}
