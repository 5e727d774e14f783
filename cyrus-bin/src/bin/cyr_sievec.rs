//! cyr_sievec: compile a Sieve script as Cyrus `sievec` does
//! (`cyr_sievec [-C <altconfig>] <filename> <outputfile>`).

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let program = args.first().map_or("cyr_sievec", String::as_str);
    match cyrus_bin::tools::sievec(program, args.get(1..).unwrap_or(&[])) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
