//! Sieve (RFC 5228 and extensions): a pure leaf module that parses,
//! validates and compiles scripts, stores the compiled form, and
//! evaluates a script against a message to a list of [`Action`]s. It
//! performs nothing itself. ManageSieve checks a script with
//! [`Script::compile`] (the error prints as `line:column: message`),
//! stores [`Script::to_bytes`] next to the source, and advertises
//! [`ExtensionSet::capability_string`] of its configured set (default
//! [`supported_extensions`]). LMTP loads the active script with
//! [`Script::from_bytes`] (recompiling from source on a [`LoadError`]),
//! wraps the message in a [`MessageView`] such as [`ParsedMessage`],
//! answers lookups through its [`Host`], and calls [`Script::evaluate`]
//! with [`EvalOptions`] (user, addresses, the current time, limits): on
//! `Ok` it carries out [`Outcome::actions`] in order (the last one is the
//! implicit keep when it applies) and records `TrackDuplicate` ids after
//! delivery; on `Err` it discards them all and files into INBOX, as
//! [`RuntimeError::fallback`] says (RFC 5228 §2.10.6).

#![warn(missing_docs)]

mod action;
mod address;
mod args;
mod ast;
mod bytecode;
mod compile;
mod compile_test;
mod date;
mod editheader;
mod encoded;
mod error;
mod eval_test;
mod extensions;
mod fcc;
mod flags;
mod host;
mod interp;
mod ir;
mod legacy_notify;
mod lexer;
mod matching;
mod message;
mod mime;
mod notify;
mod parser;
mod redirect;
mod script;
mod snooze;
mod vacation;
mod variables;

pub use action::{Action, DuplicateId, Fcc, Outcome, Vacation};
pub use date::DateTime;
pub use error::{LoadError, RuntimeError, ScriptError, Span};
pub use extensions::{supported_extensions, Extension, ExtensionSet};
pub use host::{EvalOptions, Host, NoHost};
pub use ir::{
    AddressPart, BodyTransform, ByTime, Command, Comparator, DeliverBy, DuplicateKey, FccArgs,
    FlagOp, IncludeLocation, Index, Match, MatchKind, Modifier, Program, RedirectOptions, RelOp,
    SnoozeArgs, Test, VacationArgs, Zone,
};
pub use message::{BodyPart, HeaderField, MessageView, ParsedMessage};
pub(crate) use notify::percent_decode;
pub use parser::ParseLimits;
pub use script::{CompileOptions, Script};
