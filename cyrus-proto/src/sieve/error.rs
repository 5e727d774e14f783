//! Error types of the Sieve module: script errors (parse and validation,
//! always with a line:column position), compiled-form load errors, and
//! runtime errors.

use std::fmt;

/// A position in a script: 1-based line and column (columns count bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column number (in bytes).
    pub col: u32,
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A script that cannot be compiled: a syntax error, an unknown or
/// un-`require`d command/test/tag, a bad argument, or a limit exceeded.
///
/// `Display` prints `line:column: message`, which ManageSieve sends back
/// verbatim in its `NO` response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{span}: {message}")]
pub struct ScriptError {
    /// Where the problem is.
    pub span: Span,
    /// What the problem is.
    pub message: String,
}

impl ScriptError {
    /// Builds an error at `span`.
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        ScriptError {
            span,
            message: message.into(),
        }
    }
}

/// Compiled bytes that cannot be loaded (wrong magic, version, truncated,
/// checksum mismatch, or a tree that no longer validates).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The bytes do not start with the compiled-form magic.
    #[error("not a compiled sieve script (bad magic)")]
    BadMagic,
    /// The bytes are Cyrus's own bytecode (`CyrSBytecode`, version 0x1F in
    /// 3.6), which we do not execute: recompile from the script source.
    #[error("Cyrus sieve bytecode (version {version}); recompile from source")]
    CyrusBytecode {
        /// Cyrus bytecode version.
        version: u32,
    },
    /// The format version is not one this build reads.
    #[error("unsupported compiled sieve version {0}")]
    Version(u32),
    /// The bytes are damaged at the given offset.
    #[error("corrupt compiled sieve script at offset {offset}: {what}")]
    Corrupt {
        /// Byte offset where decoding failed.
        offset: usize,
        /// What was wrong there.
        what: &'static str,
    },
    /// The decoded tree does not validate (for instance an extension that
    /// is no longer enabled).
    #[error("compiled sieve script no longer valid: {0}")]
    Invalid(ScriptError),
}

/// An error while running a script.
///
/// RFC 5228 §2.10.6: when a runtime error occurs the caller MUST discard
/// all actions the script produced and perform an implicit keep into
/// INBOX. [`RuntimeError::fallback`] returns that keep.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("sieve runtime error: {message}")]
pub struct RuntimeError {
    /// Human-readable cause (logged by LMTP).
    pub message: String,
}

impl RuntimeError {
    /// Builds a runtime error.
    pub fn new(message: impl Into<String>) -> Self {
        RuntimeError {
            message: message.into(),
        }
    }

    /// The action the caller performs instead of the script's actions:
    /// an implicit keep with no flags (RFC 5228 §2.10.6).
    pub fn fallback(&self) -> super::Action {
        super::Action::Keep {
            flags: Vec::new(),
            implicit: true,
        }
    }
}
