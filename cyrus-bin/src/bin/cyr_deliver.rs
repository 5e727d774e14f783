//! cyr_deliver: deliver a message from stdin (or a file) into users'
//! mailboxes.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use cyrus_bin::tools::{
    deliver, load_config, now, open_store, DeliverRequest, Delivered, ToolError,
};

/// Deliver a message (stdin, or --file) into each user's INBOX, or into
/// INBOX/<folder> with -m when the poster may post there.
#[derive(Parser, Debug)]
#[command(name = "cyr_deliver", version)]
struct Args {
    /// Alternate imapd.conf.
    #[arg(short = 'C', value_name = "imapd.conf")]
    config: Option<PathBuf>,
    /// Folder below the INBOX (e.g. Archive/2024); falls back to INBOX.
    #[arg(short = 'm', value_name = "folder")]
    folder: Option<String>,
    /// Authorization id whose rights count for posting to the folder.
    #[arg(short = 'a', value_name = "authid")]
    authid: Option<String>,
    /// Deliver even when the user is over quota.
    #[arg(short = 'q')]
    ignore_quota: bool,
    /// Envelope sender, written as a Return-Path: header.
    #[arg(short = 'r', short_alias = 'f', value_name = "address")]
    return_path: Option<String>,
    /// Read the message from this file instead of stdin.
    #[arg(long, value_name = "path")]
    file: Option<PathBuf>,
    /// Print where each copy went.
    #[arg(short = 'v', long)]
    verbose: bool,
    /// Recipients: userid, or userid+folder (the folder as with -m).
    #[arg(required = true)]
    users: Vec<String>,
}

fn read_message(file: Option<&PathBuf>) -> Result<Vec<u8>, ToolError> {
    let mut data = Vec::new();
    match file {
        Some(p) => {
            data = std::fs::read(p).map_err(|source| ToolError::Io {
                path: p.display().to_string(),
                source,
            })?;
        }
        None => {
            std::io::stdin()
                .read_to_end(&mut data)
                .map_err(|source| ToolError::Io {
                    path: "stdin".into(),
                    source,
                })?;
        }
    }
    Ok(data)
}

fn main() -> ExitCode {
    let args = Args::parse();
    let setup = load_config(args.config.as_deref(), "deliver").and_then(|conf| {
        let switches = (
            conf.switch("autocreate_post"),
            conf.switch("lmtp_downcase_rcpt"),
        );
        open_store(&conf).map(|s| (s, switches))
    });
    let (store, (autocreate_post, downcase)) = match setup {
        Ok(x) => x,
        Err(e) => {
            eprintln!("cyr_deliver: {e}");
            return ExitCode::FAILURE;
        }
    };
    let data = match read_message(args.file.as_ref()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("cyr_deliver: {e}");
            return ExitCode::FAILURE;
        }
    };
    let req = DeliverRequest {
        users: args.users.clone(),
        folder: args.folder,
        authid: args.authid,
        ignore_quota: args.ignore_quota,
        autocreate_post,
        downcase,
        return_path: args.return_path,
    };
    let mut failed = false;
    for (user, r) in args.users.iter().zip(deliver(&store, &req, &data, now())) {
        match r {
            Ok(Delivered::Stored(m, uid)) if args.verbose => println!("{user}: {m} UID {uid}"),
            Ok(Delivered::Duplicate(m)) if args.verbose => {
                println!("{user}: {m} duplicate, dropped")
            }
            Ok(_) => {}
            Err(e) => {
                failed = true;
                eprintln!("cyr_deliver: {user}: {e}");
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
