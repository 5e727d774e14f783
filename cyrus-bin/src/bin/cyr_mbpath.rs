//! cyr_mbpath: print where mailboxes' files are.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Parser};
use cyrus_bin::tools::{load_config, mbpath, mbpath_target, open_store, PathKind, ToolError};

/// Print the filesystem paths of mailboxes (admin namespace names).
#[derive(Parser, Debug)]
#[command(name = "cyr_mbpath", version)]
#[command(group(ArgGroup::new("sel").args(["all", "archive", "data", "meta", "meta_m", "sieve", "user"])))]
struct Args {
    /// Alternate imapd.conf.
    #[arg(short = 'C', value_name = "imapd.conf")]
    config: Option<PathBuf>,
    /// All paths, each with its label.
    #[arg(short = 'a')]
    all: bool,
    /// Archive directory.
    #[arg(short = 'A')]
    archive: bool,
    /// Data directory (the default).
    #[arg(short = 'D')]
    data: bool,
    /// Metadata directory.
    #[arg(short = 'M')]
    meta: bool,
    /// Metadata directory (same as -M).
    #[arg(short = 'm')]
    meta_m: bool,
    /// The owner's Sieve directory.
    #[arg(short = 'S')]
    sieve: bool,
    /// The owner's per-user files directory (seen, sub, ...).
    #[arg(short = 'U')]
    user: bool,
    /// Arguments are userids, not mailbox names.
    #[arg(short = 'u')]
    userids: bool,
    /// Do not print errors (and exit 0).
    #[arg(short = 'q')]
    quiet: bool,
    /// Stop at the first error.
    #[arg(short = 's')]
    stop: bool,
    /// Local only (accepted; every mailbox is local here).
    #[arg(short = 'l')]
    local: bool,
    /// Mailboxes (or userids with -u).
    #[arg(required = true)]
    mailboxes: Vec<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let kind = match () {
        _ if args.all => PathKind::All,
        _ if args.archive => PathKind::Archive,
        _ if args.meta || args.meta_m => PathKind::Meta,
        _ if args.sieve => PathKind::Sieve,
        _ if args.user => PathKind::User,
        _ => PathKind::Data,
    };
    let setup = load_config(args.config.as_deref(), "mbpath")
        .and_then(|conf| open_store(&conf).map(|s| (conf, s)));
    let (conf, store) = match setup {
        Ok(x) => x,
        Err(e) => {
            eprintln!("cyr_mbpath: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut failed = false;
    for a in &args.mailboxes {
        let r = mbpath_target(&store, a, args.userids)
            .and_then(|name| mbpath(&conf, &store, &name))
            .map_err(|e| match e {
                ToolError::Usage(_) => ToolError::Usage(format!("Invalid mailbox name: '{a}'")),
                other => other,
            });
        match r {
            Ok(p) => print!("{}", p.render(kind)),
            Err(e) => {
                failed = true;
                if !args.quiet {
                    eprintln!("cyr_mbpath: {e}");
                }
                if args.stop {
                    break;
                }
            }
        }
    }
    if failed && !args.quiet {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
