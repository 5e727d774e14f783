//! `cyr_sievec`: Cyrus `sievec` — compile a Sieve script (a file or `-`
//! for stdin) into our compiled form, with the extensions `imapd.conf`'s
//! `sieve_extensions` enables (all we support without `-C`). Messages and
//! exit codes as `sievec`: `Unable to parse script: <error>` and 1.

use std::io::Read;
use std::io::Write;
use std::path::Path;

use cyrus_proto::sieve::{supported_extensions, CompileOptions, ExtensionSet, Script};

use crate::config::ImapdConf;

/// Why compiling failed; `Display` is the line `sievec` prints.
#[derive(Debug, thiserror::Error)]
pub enum SievecError {
    /// Bad command line.
    #[error("Syntax: {0} [-C <altconfig>] <filename> <outputfile>")]
    Usage(String),
    /// The input cannot be read.
    #[error("Unable to open {0} for reading")]
    Open(String),
    /// The configuration cannot be read.
    #[error("{0}")]
    Config(String),
    /// The script does not compile.
    #[error("Unable to parse script: {0}")]
    Parse(String),
    /// The output cannot be written.
    #[error("couldn't open bytecode output file")]
    Output,
}

/// Runs `sievec` with `args` (without the program name).
pub fn sievec(program: &str, args: &[String]) -> Result<(), SievecError> {
    let mut config: Option<&str> = None;
    let mut files: Vec<&str> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-C" => {
                config = Some(
                    it.next()
                        .ok_or_else(|| SievecError::Usage(program.into()))?,
                )
            }
            s if s.starts_with("-C") => config = Some(&s[2..]),
            s if s.starts_with('-') && s != "-" => return Err(SievecError::Usage(program.into())),
            s => files.push(s),
        }
    }
    let [input, output, ..] = files.as_slice() else {
        return Err(SievecError::Usage(program.into()));
    };
    let source = if *input == "-" {
        let mut s = Vec::new();
        std::io::stdin()
            .read_to_end(&mut s)
            .map_err(|_| SievecError::Open((*input).into()))?;
        s
    } else {
        std::fs::read(input).map_err(|_| SievecError::Open((*input).into()))?
    };
    let extensions = match config {
        Some(c) => {
            let conf =
                ImapdConf::load(Path::new(c)).map_err(|e| SievecError::Config(e.to_string()))?;
            match conf.string("sieve_extensions") {
                Some(list) => ExtensionSet::from_cyrus_option(&list).0,
                None => supported_extensions(),
            }
        }
        None => supported_extensions(),
    };
    let opts = CompileOptions {
        extensions,
        ..CompileOptions::default()
    };
    let text = std::str::from_utf8(&source)
        .map_err(|_| SievecError::Parse("line 1: script is not valid UTF-8".into()))?;
    let script = Script::compile(text, &opts).map_err(|e| {
        SievecError::Parse(format!(
            "line {}: {} (column {})",
            e.span.line, e.message, e.span.col
        ))
    })?;
    let mut f = std::fs::File::create(output).map_err(|_| SievecError::Output)?;
    f.write_all(&script.to_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|_| SievecError::Output)
}
