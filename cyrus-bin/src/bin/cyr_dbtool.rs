//! cyr_dbtool: show, get, set, delete, check or repack one cyrusdb file.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use cyrus_bin::tools::{dbtool, load_config, DbAction, DbOutcome, ToolError};
use cyrus_store::db::DbBackend;

/// Read or change a Cyrus database file directly.
///
/// Actions: `show [prefix]`, `get <key>`, `set <key> <value>`,
/// `delete <key>`, `consistent`, `repack`. Without the key (and value),
/// `get` and `delete` read keys from stdin, one a line, and `set` reads
/// `key TAB value` lines.
#[derive(Parser, Debug)]
#[command(name = "cyr_dbtool", version)]
struct Args {
    /// Alternate imapd.conf.
    #[arg(short = 'C', value_name = "imapd.conf")]
    config: Option<PathBuf>,
    /// Create the database if it does not exist.
    #[arg(short = 'n')]
    create: bool,
    /// The database file (for quotalegacy: <configdirectory>/quotas.db).
    db: PathBuf,
    /// Backend: twoskip, skiplist, flat or quotalegacy.
    backend: String,
    /// show | get | set | delete | consistent | repack
    action: String,
    /// Key and value, or the prefix for show.
    rest: Vec<OsString>,
}

fn action(name: &str, mut rest: Vec<Vec<u8>>) -> Result<DbAction, ToolError> {
    let usage = |m: &str| Err(ToolError::Usage(m.to_string()));
    let too_many = rest.len() > 2 || (rest.len() > 1 && name != "set");
    if too_many {
        return usage("too many arguments");
    }
    let mut next = || (!rest.is_empty()).then(|| rest.remove(0));
    Ok(match name {
        "show" => DbAction::Show(next()),
        "get" => next().map_or(DbAction::GetEach, DbAction::Get),
        "delete" => next().map_or(DbAction::DeleteEach, DbAction::Delete),
        "set" => match (next(), next()) {
            (Some(k), Some(v)) => DbAction::Set(k, v),
            (None, _) => DbAction::SetEach,
            (Some(_), None) => return usage("set needs a key and a value"),
        },
        "consistent" | "consistency" => DbAction::Consistent,
        "repack" => DbAction::Repack,
        other => return usage(&format!("Unknown action {other}")),
    })
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = (|| {
        load_config(args.config.as_deref(), "cyr_dbtool")?;
        let backend: DbBackend = args
            .backend
            .parse()
            .map_err(|_| ToolError::Usage(format!("unknown backend {}", args.backend)))?;
        let rest = args.rest.into_iter().map(OsString::into_vec).collect();
        let act = action(&args.action, rest)?;
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        dbtool(&args.db, backend, args.create, &act, &mut input, &mut out)
    })();
    match result {
        Ok(DbOutcome::Ok) => ExitCode::SUCCESS,
        Ok(DbOutcome::Inconsistent) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("cyr_dbtool: {e}");
            ExitCode::FAILURE
        }
    }
}
