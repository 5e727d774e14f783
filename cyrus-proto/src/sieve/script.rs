//! [`Script`]: the entry points ManageSieve and LMTP use — compile from
//! source, store/load the compiled form, evaluate against a message.

use super::action::Outcome;
use super::ast::CommandNode;
use super::bytecode;
use super::compile;
use super::error::{LoadError, RuntimeError, ScriptError};
use super::extensions::{supported_extensions, ExtensionSet};
use super::host::{EvalOptions, Host};
use super::interp;
use super::ir::Program;
use super::message::MessageView;
use super::parser::{self, ParseLimits};

/// How scripts are compiled: which extensions are enabled and the
/// parser limits.
#[derive(Debug, Clone)]
pub struct CompileOptions {
    /// Extensions a script may `require` (Cyrus `sieve_extensions`).
    pub extensions: ExtensionSet,
    /// Size and nesting limits.
    pub limits: ParseLimits,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            extensions: supported_extensions(),
            limits: ParseLimits::default(),
        }
    }
}

/// A compiled, validated Sieve script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    tree: Vec<CommandNode>,
    program: Program,
    required: ExtensionSet,
}

impl Script {
    /// Parses and validates `source` (ManageSieve PUTSCRIPT/CHECKSCRIPT).
    /// The error's `Display` is `line:column: message`.
    pub fn compile(source: &str, opts: &CompileOptions) -> Result<Script, ScriptError> {
        let tree = parser::parse(source, &opts.limits)?;
        Self::from_tree(tree, opts)
    }

    fn from_tree(tree: Vec<CommandNode>, opts: &CompileOptions) -> Result<Script, ScriptError> {
        let program = compile::validate(tree.clone(), opts.extensions)?;
        let required = required_of(&tree);
        Ok(Script {
            tree,
            program,
            required,
        })
    }

    /// The compiled form (see the `bytecode` module docs for the layout).
    pub fn to_bytes(&self) -> Vec<u8> {
        bytecode::encode(&self.tree, self.required.to_bits())
    }

    /// Loads a compiled form, re-validating it against `opts`. Never
    /// panics, whatever the bytes.
    pub fn from_bytes(bytes: &[u8], opts: &CompileOptions) -> Result<Script, LoadError> {
        let (tree, _bits) = bytecode::decode(bytes)?;
        Self::from_tree(tree, opts).map_err(LoadError::Invalid)
    }

    /// Extensions the script `require`s.
    pub fn required_extensions(&self) -> ExtensionSet {
        self.required
    }

    /// The validated program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Runs the script. On `Err`, the caller discards everything and
    /// does an implicit keep ([`RuntimeError::fallback`], RFC 5228
    /// §2.10.6).
    pub fn evaluate(
        &self,
        msg: &dyn MessageView,
        host: &dyn Host,
        opts: &EvalOptions,
    ) -> Result<Outcome, RuntimeError> {
        interp::run(&self.program, msg, host, opts)
    }
}

fn required_of(tree: &[CommandNode]) -> ExtensionSet {
    let mut set = ExtensionSet::empty();
    for c in tree.iter().filter(|c| c.name == "require") {
        for a in &c.args {
            if let super::ast::Argument::Strings { values, .. } = a {
                values
                    .iter()
                    .filter_map(|v| super::extensions::Extension::from_name(v))
                    .for_each(|e| set.insert(e));
            }
        }
    }
    set
}
