//! Sieve (RFC 5228 and extensions): a pure leaf module that parses,
//! validates and compiles scripts, stores the compiled form, and
//! evaluates a script against a message to a list of [`Action`]s. It
//! performs nothing itself: LMTP carries the actions out, ManageSieve
//! uses [`Script::compile`] to check scripts and [`supported_extensions`]
//! for its `SIEVE` capability.

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
mod flags;
mod host;
mod interp;
mod ir;
mod lexer;
mod matching;
mod message;
mod mime;
mod parser;
mod script;
mod vacation;
mod variables;

pub use action::{Action, DuplicateId, Outcome, Vacation};
pub use date::DateTime;
pub use error::{LoadError, RuntimeError, ScriptError, Span};
pub use extensions::{supported_extensions, Extension, ExtensionSet};
pub use host::{EvalOptions, Host, NoHost};
pub use ir::{
    AddressPart, BodyTransform, Command, Comparator, DuplicateKey, FlagOp, IncludeLocation, Index,
    Match, MatchKind, Modifier, Program, RelOp, Test, VacationArgs, Zone,
};
pub use message::{BodyPart, HeaderField, MessageView, ParsedMessage};
pub use parser::ParseLimits;
pub use script::{CompileOptions, Script};
