//! The generic syntax tree of RFC 5228 §8.2: commands and tests with
//! positional arguments, before any knowledge of what a command means.

use super::error::Span;

/// One argument of a command or test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Argument {
    /// A `:tag` (stored without the colon, lower-cased).
    Tag(String, Span),
    /// A number, with its K/M/G quantifier already applied.
    Number(u64, Span),
    /// A single string (`list == false`) or a bracketed string list.
    Strings {
        /// The strings, escapes already removed.
        values: Vec<String>,
        /// Whether the source used `[...]` brackets.
        list: bool,
        /// Where the argument starts.
        span: Span,
    },
}

impl Argument {
    /// Where the argument starts.
    pub fn span(&self) -> Span {
        match self {
            Argument::Tag(_, s) | Argument::Number(_, s) => *s,
            Argument::Strings { span, .. } => *span,
        }
    }
}

/// A test: `identifier arguments [test / test-list]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestNode {
    /// Lower-cased identifier.
    pub name: String,
    /// Where the identifier is.
    pub span: Span,
    /// Positional arguments.
    pub args: Vec<Argument>,
    /// Nested tests.
    pub tests: Vec<TestNode>,
    /// Whether the nested tests were written as a parenthesised list.
    pub test_list: bool,
}

/// A command: `identifier arguments (";" / block)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandNode {
    /// Lower-cased identifier.
    pub name: String,
    /// Where the identifier is.
    pub span: Span,
    /// Positional arguments.
    pub args: Vec<Argument>,
    /// Tests (for `if`/`elsif`).
    pub tests: Vec<TestNode>,
    /// Whether the tests were a parenthesised list.
    pub test_list: bool,
    /// The `{ ... }` block, if the command ended with one.
    pub block: Option<Vec<CommandNode>>,
}
