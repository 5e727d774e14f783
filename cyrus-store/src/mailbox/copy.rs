//! Copying messages in from another mailbox (Cyrus `append_copy`).
//!
//! A copied message keeps its file, GUID, cache entry, dates and flags;
//! it gets a new UID and MODSEQ here. As Cyrus's single-instance store
//! does, the message file is hard-linked when both mailboxes are on one
//! filesystem, and copied otherwise. The link (or copy) is made under a
//! temporary name and renamed to `<uid>.`, so a stale `<uid>.` above
//! `last_uid` left by a crash is replaced, never written through. The
//! directory is fsynced before the index commit refers to the files, so a
//! copy that returned `Ok` survives a power cut and an interrupted one
//! leaves nothing the index points at.

use std::path::PathBuf;

use crate::os::OpenMode;

use super::cache::{cache_crc, CacheItems};
use super::commit::Changes;
use super::error::MailboxError;
use super::flagbits::{InternalFlags, UserFlags};
use super::index_record::{IndexRecord, CACHE_VERSION};
use super::open::{os_err, Mailbox};
use crate::ids::Uid;

/// A message to copy in, as read from its source mailbox.
#[derive(Debug, Clone)]
pub struct CopySource {
    /// The source message file (`<uid>.` in the source mailbox).
    pub path: PathBuf,
    /// The source record: dates, size, GUID, system flags, conversation.
    pub record: IndexRecord,
    /// The source cache entry.
    pub cache: CacheItems,
    /// The source's user flags by name.
    pub user_flags: Vec<String>,
}

impl CopySource {
    /// Reads message `uid` of `mbox` for copying; `None` when it is not
    /// there (or expunged).
    pub fn read(mbox: &Mailbox, uid: Uid) -> Result<Option<CopySource>, MailboxError> {
        let Some(rec) = mbox.record(uid) else {
            return Ok(None);
        };
        if rec.is_expunged() {
            return Ok(None);
        }
        let cache = mbox.read_cache(rec)?;
        let user_flags = mbox
            .header()
            .user_flag_names(&rec.user_flags)
            .into_iter()
            .map(str::to_string)
            .collect();
        Ok(Some(CopySource {
            path: mbox.message_path(uid),
            record: rec.clone(),
            cache,
            user_flags,
        }))
    }
}

impl Mailbox {
    /// Copies `srcs` in with one group commit; returns the new UIDs in
    /// order. All or nothing.
    pub fn append_copies(
        &mut self,
        srcs: &[CopySource],
        now: u32,
    ) -> Result<Vec<Uid>, MailboxError> {
        self.add_messages(
            srcs,
            now,
            |mb, ch, uid, s| mb.link_or_copy(ch, uid, s),
            |mb, ch, s, uid| mb.stage_copy(ch, s, uid, now),
        )
    }

    /// Makes `<uid>.` a hard link to the source file, or a durable copy
    /// of it when linking fails (another filesystem, no link support).
    fn link_or_copy(&self, ch: &mut Changes, uid: Uid, s: &CopySource) -> Result<(), MailboxError> {
        if self.link_message_file(ch, uid, &s.path)? {
            return Ok(());
        }
        let data = {
            let f = self
                .fs
                .open(&s.path, OpenMode::Read)
                .map_err(os_err("open", &s.path))?;
            f.read_all().map_err(os_err("read", &s.path))?
        };
        if data.len() as u64 != u64::from(s.record.size) {
            return Err(MailboxError::bad_format(
                &s.path,
                data.len() as u64,
                "message file size differs from its index record",
            ));
        }
        self.write_message_file(ch, uid, &data)
    }

    /// The new record: the source's with a new UID, MODSEQ, cache offset
    /// and SAVEDATE; user flags mapped to this mailbox's slots.
    fn stage_copy(
        &self,
        ch: &mut Changes,
        s: &CopySource,
        uid: Uid,
        now: u32,
    ) -> Result<(), MailboxError> {
        let mut user_flags = UserFlags::default();
        if !s.user_flags.is_empty() {
            let names: Vec<&str> = s.user_flags.iter().map(String::as_str).collect();
            for slot in self.user_flag_slots(ch, &names, true)? {
                user_flags.set(slot, true);
            }
        }
        ch.index.highestmodseq = ch.index.highestmodseq.next();
        let entry = s.cache.encode();
        let rec = IndexRecord {
            uid,
            cache_offset: ch.cache_base + ch.cache_tail.len() as u64,
            last_updated: now,
            internal_flags: InternalFlags::EMPTY,
            user_flags,
            savedate: now,
            modseq: ch.index.highestmodseq,
            createdmodseq: ch.index.highestmodseq,
            cache_crc: cache_crc(&entry),
            cache_version: CACHE_VERSION,
            ..s.record.clone()
        };
        ch.cache_tail.extend_from_slice(&entry);
        self.stage_new_record(ch, rec);
        Ok(())
    }
}
