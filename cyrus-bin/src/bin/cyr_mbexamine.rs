//! cyr_mbexamine: print a mailbox's header, index and cache as Cyrus's
//! mbexamine does.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use cyrus_bin::tools::{load_config, mbexamine, open_store, ExamineMode};

/// Examine mailboxes (admin namespace names, e.g. user/alice/Sent, or
/// LIST patterns; all mailboxes when none is given).
#[derive(Parser, Debug)]
#[command(name = "cyr_mbexamine", version)]
struct Args {
    /// Alternate imapd.conf.
    #[arg(short = 'C', value_name = "imapd.conf")]
    config: Option<PathBuf>,
    /// Check the quota usage against the message files.
    #[arg(short = 'q', conflicts_with = "compare")]
    quota: bool,
    /// Compare the index with the message files.
    #[arg(short = 'c')]
    compare: bool,
    /// Show only the message with this UID.
    #[arg(short = 'u', value_name = "uid")]
    uid: Option<u32>,
    /// Ignored (Cyrus: use this partition).
    #[arg(short = 'p', value_name = "partition", hide = true)]
    partition: Option<String>,
    /// Mailboxes.
    mailboxes: Vec<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mode = if args.quota {
        ExamineMode::Quota
    } else if args.compare {
        ExamineMode::Compare
    } else {
        ExamineMode::Full
    };
    let names = if args.mailboxes.is_empty() {
        vec!["*".to_string()]
    } else {
        args.mailboxes
    };
    let result = load_config(args.config.as_deref(), "mbexamine")
        .and_then(|conf| open_store(&conf))
        .and_then(|store| mbexamine(&store, &names, mode, args.uid));
    match result {
        Ok(out) => {
            let mut so = std::io::stdout().lock();
            if let Err(e) = so.write_all(&out).and_then(|()| so.flush()) {
                eprintln!("cyr_mbexamine: stdout: {e}");
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cyr_mbexamine: {e}");
            ExitCode::FAILURE
        }
    }
}
