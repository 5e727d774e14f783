//! What the `embed` example does, as a function the example's `main` and
//! the crate's test both call.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use cyrus_store::mailbox::SystemFlags;
use cyrus_store::mboxname::MailboxName;
use cyrus_store::os::{FsRef, LockKind, RealFs};
use cyrus_store::{AppendRequest, Error, NewMailbox, Store, StoreOptions};

/// The message the example appends (CRLF line ends, as stored).
pub const MESSAGE: &[u8] = b"From: Alice <alice@example.org>\r\n\
To: Demo User <demo@example.org>\r\n\
Subject: Hello from an embedded cyrus-store\r\n\
Date: Tue, 1 Jul 2025 10:00:00 +0000\r\n\
Message-ID: <embed-1@example.org>\r\n\
\r\n\
This message was appended through the Store API.\r\n";

/// Opens (or creates) a store rooted at `dir` (`dir/lib` is the
/// configuration directory, `dir/spool` the one partition), makes sure
/// `user.demo` exists, appends [`MESSAGE`] with `\Seen` and `$Demo`, and
/// returns a printable report of what it reads back.
pub fn run(dir: &Path) -> Result<String, Error> {
    let fs: FsRef = Arc::new(RealFs::new());
    let store = Store::open(fs, StoreOptions::new(dir.join("lib"), dir.join("spool")))?;
    let name = MailboxName::from_internal("user.demo")?;
    let now = now();
    match store.create_mailbox(&name, &NewMailbox::default(), now) {
        Ok(_) | Err(Error::Exists(_)) => {}
        Err(e) => return Err(e),
    }
    let uids = store.append(
        &name,
        &[AppendRequest {
            data: MESSAGE.to_vec(),
            flags: vec!["\\Seen".into(), "$Demo".into()],
            internaldate: None,
        }],
        now,
    )?;
    let uid = *uids
        .first()
        .ok_or_else(|| Error::Invalid("append of one message returned no UID".into()))?;

    let (_, mb) = store.open_mailbox(&name, LockKind::Shared)?;
    let record = mb
        .record(uid)
        .ok_or_else(|| Error::Invalid(format!("no index record for UID {}", uid.0)))?
        .clone();
    let bytes = mb.read_message(uid)?;
    let cache = mb.read_cache(&record)?;

    let mut flags: Vec<String> = [
        (SystemFlags::ANSWERED, "\\Answered"),
        (SystemFlags::FLAGGED, "\\Flagged"),
        (SystemFlags::DELETED, "\\Deleted"),
        (SystemFlags::DRAFT, "\\Draft"),
        (SystemFlags::SEEN, "\\Seen"),
    ]
    .iter()
    .filter(|(bit, _)| record.system_flags.contains(*bit))
    .map(|(_, n)| (*n).to_string())
    .collect();
    flags.extend(
        mb.header()
            .user_flag_names(&record.user_flags)
            .into_iter()
            .map(str::to_string),
    );

    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "store:    {}", dir.display());
    let _ = writeln!(
        out,
        "mailbox:  {} (UIDVALIDITY {}, {} message(s))",
        name.to_internal(),
        mb.index().uidvalidity.0,
        mb.index().exists
    );
    let _ = writeln!(out, "UID:      {}", uid.0);
    let _ = writeln!(out, "size:     {} bytes", record.size);
    let _ = writeln!(out, "flags:    ({})", flags.join(" "));
    let _ = writeln!(
        out,
        "ENVELOPE: {}",
        String::from_utf8_lossy(cache.envelope())
    );
    let _ = writeln!(out, "bytes identical: {}", bytes == MESSAGE);
    let _ = writeln!(out, "--- message ---");
    out.push_str(&String::from_utf8_lossy(&bytes).replace("\r\n", "\n"));
    Ok(out)
}

/// Seconds since the epoch, as the store's `now` arguments take it.
fn now() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| u32::try_from(d.as_secs()).ok())
        .unwrap_or(0)
}
