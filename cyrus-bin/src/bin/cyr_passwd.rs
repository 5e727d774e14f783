//! cyr_passwd: set, delete or list users of the password file the
//! `sasl_pwcheck_method: auxprop` source reads.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use cyrus_bin::tools::{load_config, passwd, PasswdAction};

/// Manage the password file (like saslpasswd2): the new password is read
/// from the first line of standard input.
#[derive(Parser, Debug)]
#[command(name = "cyr_passwd", version)]
struct Args {
    /// Alternate imapd.conf.
    #[arg(short = 'C', value_name = "imapd.conf")]
    config: Option<PathBuf>,
    /// Delete the user.
    #[arg(short, long, conflicts_with = "list")]
    delete: bool,
    /// List the users.
    #[arg(short, long)]
    list: bool,
    /// The user.
    user: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let action = if args.list {
        PasswdAction::List
    } else if args.delete {
        PasswdAction::Delete
    } else {
        PasswdAction::Set
    };
    let stdin = std::io::stdin();
    let result = load_config(args.config.as_deref(), "passwd")
        .and_then(|conf| passwd(&conf, &action, args.user.as_deref(), &mut stdin.lock()));
    match result {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cyr_passwd: {e}");
            ExitCode::FAILURE
        }
    }
}
