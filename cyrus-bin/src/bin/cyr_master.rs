//! cyr_master: serve the services of cyrus.conf from one process.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use cyrus_bin::master::{dev_site, run};
use cyrus_bin::tools::DEFAULT_CONFIG;

/// Serve the built-in services named in cyrus.conf (SERVICES section).
#[derive(Parser, Debug)]
#[command(name = "cyr_master", version)]
struct Args {
    /// imapd.conf to use.
    #[arg(short = 'C', value_name = "imapd.conf")]
    config: Option<PathBuf>,
    /// cyrus.conf to use.
    #[arg(
        short = 'M',
        value_name = "cyrus.conf",
        default_value = "/etc/cyrus.conf"
    )]
    master_config: PathBuf,
    /// Write the process id to this file.
    #[arg(short = 'p', value_name = "pidfile")]
    pidfile: Option<PathBuf>,
    /// services(5) file for service-name ports.
    #[arg(long, default_value = "/etc/services")]
    services: PathBuf,
    /// Make (on first start) and serve a private site in DIR: loopback
    /// ports, a generated user and password, a self-signed certificate.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["config"])]
    dev: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let (imapd, master) = match &args.dev {
        Some(dir) => match dev_site(dir) {
            Ok(site) => {
                println!("cyr_master: dev site in {}", site.root.display());
                println!("  user {}  password {}", site.user, site.password);
                println!("  IMAP   127.0.0.1:1143 (STARTTLS)   IMAPS 127.0.0.1:1993 (self-signed)");
                println!(
                    "  LMTP   127.0.0.1:1024 and {}/lib/socket/lmtp",
                    site.root.display()
                );
                println!("  POP3   127.0.0.1:1110 (STLS)       POP3S 127.0.0.1:1995 (self-signed)");
                println!("  ManageSieve 127.0.0.1:4190 (STARTTLS; sieve-connect --notlsverify)");
                println!(
                    "  try: python3 -c \"import imaplib; m=imaplib.IMAP4('127.0.0.1',1143); print(m.login('{}','{}'))\"",
                    site.user, site.password
                );
                (site.imapd_conf, site.cyrus_conf)
            }
            Err(e) => {
                eprintln!("cyr_master: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => (
            args.config
                .clone()
                .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG)),
            args.master_config.clone(),
        ),
    };
    if let Some(p) = &args.pidfile {
        if let Err(e) = std::fs::write(p, format!("{}\n", std::process::id())) {
            eprintln!("cyr_master: {}: {e}", p.display());
            return ExitCode::FAILURE;
        }
    }
    let result = run(&imapd, &master, &args.services, &mut |name, addr| {
        println!("cyr_master: {name} listening on {addr}");
    });
    if let Some(p) = &args.pidfile {
        let _ = std::fs::remove_file(p);
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cyr_master: {e}");
            ExitCode::FAILURE
        }
    }
}
