//! cyr_quota: report quota roots, or recount their usage (-f).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use cyrus_bin::tools::{load_config, open_store, quota_tool, QuotaRequest};

/// Report quota roots and usage, or recount usage from the mailboxes.
#[derive(Parser, Debug)]
#[command(name = "cyr_quota", version)]
struct Args {
    /// Alternate imapd.conf.
    #[arg(short = 'C', value_name = "imapd.conf")]
    config: Option<PathBuf>,
    /// Recount usage from the mailboxes and fix the records.
    #[arg(short = 'f')]
    fix: bool,
    /// With -f: only report what would be fixed.
    #[arg(short = 'n', requires = "fix")]
    dry_run: bool,
    /// With -f: print only the fixes, no report.
    #[arg(short = 'q')]
    quiet: bool,
    /// Report as JSON.
    #[arg(short = 'J')]
    json: bool,
    /// The prefixes are userids.
    #[arg(short = 'u')]
    userids: bool,
    /// Quota root prefixes (admin namespace, e.g. user/alice).
    prefixes: Vec<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let req = QuotaRequest {
        prefixes: args.prefixes,
        userids: args.userids,
        json: args.json,
        fix: args.fix,
        dry_run: args.dry_run,
        quiet: args.quiet,
    };
    let result = load_config(args.config.as_deref(), "quota")
        .and_then(|conf| open_store(&conf))
        .and_then(|store| quota_tool(&store, &req));
    match result {
        Ok(out) => {
            // As Cyrus: fixes on stderr, the report on stdout.
            eprint!("{}", out.fixes);
            print!("{}", out.report);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cyr_quota: {e}");
            ExitCode::FAILURE
        }
    }
}
