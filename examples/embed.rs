//! Embedding the store: open a store in a directory, create `user.demo`,
//! append a message, and read it back — its bytes, the ENVELOPE Cyrus
//! caches for it, and its flags.
//!
//! ```sh
//! cargo run -p cyrus-examples --example embed            # in a fresh temporary directory
//! cargo run -p cyrus-examples --example embed -- ./demo  # in ./demo (kept)
//! ```
//!
//! The logic is in [`run`], which `examples/tests/embed.rs` also calls.

#[path = "embed_lib.rs"]
mod embed_lib;

fn main() {
    let arg = std::env::args_os().nth(1).map(std::path::PathBuf::from);
    let result = match arg {
        Some(dir) => embed_lib::run(&dir).map(|report| (report, None)),
        None => tempfile_dir().and_then(|tmp| embed_lib::run(&tmp).map(|r| (r, Some(tmp)))),
    };
    match result {
        Ok((report, tmp)) => {
            print!("{report}");
            if let Some(tmp) = tmp {
                // The store was only for the demonstration.
                let _ = std::fs::remove_dir_all(tmp);
            }
        }
        Err(e) => {
            eprintln!("embed: {e}");
            std::process::exit(1);
        }
    }
}

/// A fresh directory under the system's temporary directory.
fn tempfile_dir() -> Result<std::path::PathBuf, cyrus_store::Error> {
    let dir = std::env::temp_dir().join(format!("cyrus-embed-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| cyrus_store::Error::Invalid(format!("{}: {e}", dir.display())))?;
    Ok(dir)
}
