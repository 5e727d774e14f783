//! cyr_expire: purge expunged messages, deleted mailboxes and old
//! deliver.db entries (Cyrus `cyr_expire`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use cyrus_bin::tools::{expire, load_config, now, open_store, ExpireRequest};

/// Cyrus's `EX_USAGE`.
const EX_USAGE: u8 = 64;

fn duration(s: &str) -> Result<u32, String> {
    cyrus_store::parse_duration(s).ok_or_else(|| format!("invalid duration '{s}'"))
}

/// Expire messages and duplicate delivery database entries.
#[derive(Parser, Debug)]
#[command(name = "cyr_expire", version)]
struct Args {
    /// Alternate imapd.conf.
    #[arg(short = 'C', value_name = "imapd.conf")]
    config: Option<PathBuf>,
    /// Archive messages older than this (not supported).
    #[arg(short = 'A', long = "archive-duration", value_parser = duration)]
    archive: Option<u32>,
    /// Remove deleted mailboxes older than this (<n>[d|h|m|s], days by default).
    #[arg(short = 'D', long = "delete-duration", value_parser = duration)]
    delete: Option<u32>,
    /// Prune deliver.db entries older than this.
    #[arg(short = 'E', long = "expire-duration", value_parser = duration)]
    expire: Option<u32>,
    /// Purge messages expunged longer ago than this.
    #[arg(short = 'X', long = "expunge-duration", value_parser = duration)]
    expunge: Option<u32>,
    /// Skip annotation lookup.
    #[arg(short = 'a', long = "ignore-annotations")]
    skip_annotations: bool,
    /// Do not expire conversations (we keep no conversations database).
    #[arg(short = 'c', long = "no-conversations")]
    no_conversations: bool,
    /// Only mailboxes whose name starts with this (admin namespace).
    #[arg(short = 'p', long = "prefix", conflicts_with = "user")]
    prefix: Option<String>,
    /// Remove user flags which are not used (not supported).
    #[arg(short = 't', long = "prune-userflags")]
    prune_userflags: bool,
    /// Only this user's mailboxes.
    #[arg(short = 'u', long = "userid")]
    user: Option<String>,
    /// Verbose output on stderr.
    #[arg(short = 'v', long = "verbose")]
    verbose: bool,
    /// Do not expunge messages.
    #[arg(short = 'x', long = "no-expunge")]
    skip_expunge: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    // -c needs no work: this store keeps no conversations database, so
    // there is never anything to expire there.
    let _ = args.no_conversations;
    let req = ExpireRequest {
        archive: args.archive,
        delete: args.delete,
        expire: args.expire,
        expunge: args.expunge,
        skip_annotations: args.skip_annotations,
        skip_expunge: args.skip_expunge,
        prune_userflags: args.prune_userflags,
        prefix: args.prefix,
        user: args.user,
    };
    if req.is_empty() {
        eprintln!("Missing arguments.");
        eprintln!("Usage: cyr_expire [OPTIONS] {{mailbox|users}} (see cyr_expire --help)");
        return ExitCode::from(EX_USAGE);
    }
    let result = load_config(args.config.as_deref(), "cyr_expire")
        .and_then(|conf| open_store(&conf))
        .and_then(|store| expire(&store, &req, now()));
    match result {
        Ok(out) => {
            eprint!("{}", out.notices);
            if args.verbose {
                eprint!("{}", out.verbose);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cyr_expire: {e}");
            ExitCode::FAILURE
        }
    }
}
