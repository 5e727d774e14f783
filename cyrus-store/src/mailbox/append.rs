//! Appending messages (Cyrus `append_fromstage` + `mailbox_append_index_record`).
//!
//! A batch shares one group commit: every message file is written under a
//! temporary name, fsynced and renamed to `<uid>.`, then the directory is
//! fsynced once, then the cache entries and index records go through one
//! [`Mailbox::commit`](super::commit). The call returns only after the
//! index fsync, so an `Ok` append survives a power cut.

use std::path::{Path, PathBuf};

use crate::ids::{Guid, Uid};
use crate::os::OpenMode;

use super::cache::{cache_crc, CacheItems};
use super::commit::Changes;
use super::error::MailboxError;
use super::flagbits::{InternalFlags, SystemFlags, UserFlags};
use super::index_record::{IndexRecord, CACHE_VERSION};
use super::open::{os_err, Mailbox};

/// A message to append.
#[derive(Debug, Clone, Default)]
pub struct NewMessage {
    /// The message bytes, exactly as stored (CRLF line ends).
    pub data: Vec<u8>,
    /// INTERNALDATE; 0 means `now`.
    pub internaldate: u32,
    /// `Date:` truncated to the day; 0 means INTERNALDATE's day (UTC).
    pub sentdate: u32,
    /// `Date:` as UTC seconds; 0 means INTERNALDATE.
    pub gmtime: u32,
    /// Bytes of the header block including the blank line.
    pub header_size: u32,
    /// The ten cache items (from the message parser).
    pub cache: CacheItems,
    /// Initial system flags.
    pub system_flags: SystemFlags,
    /// Initial user flags by name (created in the header if new).
    pub user_flags: Vec<String>,
    /// SAVEDATE; 0 means `now`.
    pub savedate: u32,
    /// Conversation id (0 without conversations).
    pub cid: u64,
    /// A durable file that already holds exactly `data` on this
    /// mailbox's partition (a delivery's stage file): the message is
    /// hard-linked from it instead of written again (single-instance
    /// store), and written from `data` only when linking fails.
    pub staged_file: Option<PathBuf>,
}

impl Mailbox {
    /// Appends one message; returns its UID.
    pub fn append(&mut self, msg: &NewMessage, now: u32) -> Result<Uid, MailboxError> {
        let uids = self.append_batch(std::slice::from_ref(msg), now)?;
        uids.first().copied().ok_or(MailboxError::BadMessageSize(0))
    }

    /// Appends `msgs` in one group commit; returns their UIDs in order.
    /// Either all are appended or (on error) none is.
    pub fn append_batch(
        &mut self,
        msgs: &[NewMessage],
        now: u32,
    ) -> Result<Vec<Uid>, MailboxError> {
        let refs: Vec<&NewMessage> = msgs.iter().collect();
        self.append_refs(&refs, now)
    }

    /// [`Mailbox::append_batch`] over borrowed messages (a group commit
    /// gathers several callers' messages without copying them).
    pub fn append_refs(
        &mut self,
        msgs: &[&NewMessage],
        now: u32,
    ) -> Result<Vec<Uid>, MailboxError> {
        for m in msgs {
            if m.data.is_empty() || u32::try_from(m.data.len()).is_err() {
                return Err(MailboxError::BadMessageSize(m.data.len()));
            }
        }
        self.add_messages(
            msgs,
            now,
            |mb, ch, uid, m| {
                let linked = match &m.staged_file {
                    Some(src) => mb.link_message_file(ch, uid, src)?,
                    None => false,
                };
                if linked {
                    Ok(())
                } else {
                    mb.write_message_file(ch, uid, &m.data)
                }
            },
            |mb, ch, m, uid| mb.stage_append(ch, m, uid, now),
        )
    }

    /// The one way new messages enter a mailbox (appends and copies): give
    /// each item the next UID and its file (`place`), fsync the directory
    /// once, build the records (`record`), commit cache and index in one
    /// go, then clear what an interrupted batch left above `last_uid`. All
    /// or nothing: on error the files made so far are removed.
    pub(super) fn add_messages<T>(
        &mut self,
        items: &[T],
        now: u32,
        place: impl Fn(&Self, &mut Changes, Uid, &T) -> Result<(), MailboxError>,
        record: impl Fn(&Self, &mut Changes, &T, Uid) -> Result<(), MailboxError>,
    ) -> Result<Vec<Uid>, MailboxError> {
        let mut ch = self.begin()?;
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let first_uid = ch.index.last_uid.0.wrapping_add(1);
        if u32::try_from(items.len())
            .ok()
            .and_then(|n| ch.index.last_uid.0.checked_add(n))
            .is_none()
        {
            return Err(MailboxError::UidsExhausted);
        }
        let uids: Vec<Uid> = (0..items.len() as u32)
            .map(|n| Uid(first_uid + n))
            .collect();
        let built = items
            .iter()
            .zip(&uids)
            .try_for_each(|(item, uid)| place(self, &mut ch, *uid, item))
            .and_then(|()| {
                self.fs
                    .sync_dir(&self.dir)
                    .map_err(os_err("fsync", &self.dir))
            })
            .and_then(|()| {
                items
                    .iter()
                    .zip(&uids)
                    .try_for_each(|(item, uid)| record(self, &mut ch, item, *uid))
            });
        if let Err(e) = built {
            self.remove_files(&ch);
            return Err(e);
        }
        ch.index.last_appenddate = now;
        self.commit(ch)?;
        self.remove_files_above_last_uid();
        Ok(uids)
    }

    /// Removes message files above `last_uid`: what a batch cut before
    /// its index commit (a crash) left beyond the UIDs just reused. Such
    /// files were never acknowledged and nothing refers to them, but
    /// `reconstruct` would take them for lost messages. They lie in one
    /// run from `last_uid + 1` (a batch writes its files in UID order), so
    /// this costs one failed lookup when there are none. Best effort: a
    /// file left here is removed by a later append.
    pub(super) fn remove_files_above_last_uid(&self) {
        let mut uid = self.index.last_uid.0;
        while let Some(next) = uid.checked_add(1) {
            let path = self.message_path(Uid(next));
            if self.fs.remove_file(&path).is_err() {
                break;
            }
            tracing::info!(path = %path.display(), "removed a message file an interrupted append left");
            uid = next;
        }
    }

    /// Writes `data` to a temporary file, fsyncs it, renames it to `<uid>.`.
    pub(super) fn write_message_file(
        &self,
        ch: &mut Changes,
        uid: Uid,
        data: &[u8],
    ) -> Result<(), MailboxError> {
        let tmp = self.dir.join(format!(".tmp.{}", uid.0));
        // A stale temporary left by an interrupted COPY is a hard link to
        // another mailbox's message: truncating it would destroy that
        // message, so it goes first.
        let _ = self.fs.remove_file(&tmp);
        let f = self
            .fs
            .open(&tmp, OpenMode::Truncate)
            .map_err(os_err("open", &tmp))?;
        let r = f
            .write_all_at(data, 0)
            .and_then(|()| f.sync())
            .map_err(os_err("write", &tmp));
        drop(f);
        if let Err(e) = r {
            let _ = self.fs.remove_file(&tmp);
            return Err(e);
        }
        self.put_in_place(ch, uid, &tmp)
    }

    /// Makes `<uid>.` a hard link to `src` (through a temporary name, so
    /// a stale `<uid>.` above `last_uid` left by a crash is replaced,
    /// never written through). `Ok(false)` when the link cannot be made
    /// (another filesystem, no link support, `src` gone): nothing was
    /// created and the caller writes the bytes instead. The caller fsyncs
    /// the directory before the index refers to the file.
    pub(super) fn link_message_file(
        &self,
        ch: &mut Changes,
        uid: Uid,
        src: &Path,
    ) -> Result<bool, MailboxError> {
        let tmp = self.dir.join(format!(".tmp.{}", uid.0));
        // A stale temporary may be a link to some other message: never
        // write through it.
        let _ = self.fs.remove_file(&tmp);
        if self.fs.hard_link(src, &tmp).is_err() {
            return Ok(false);
        }
        self.put_in_place(ch, uid, &tmp).map(|()| true)
    }

    /// Renames the temporary `tmp` to `<uid>.` (removing it if that
    /// fails) and records the new file in `ch`.
    fn put_in_place(&self, ch: &mut Changes, uid: Uid, tmp: &Path) -> Result<(), MailboxError> {
        let path = self.message_path(uid);
        if let Err(e) = self.fs.rename(tmp, &path) {
            let _ = self.fs.remove_file(tmp);
            return Err(os_err("rename", tmp)(e));
        }
        ch.new_files.push(path);
        Ok(())
    }

    pub(super) fn remove_files(&self, ch: &Changes) {
        for f in &ch.new_files {
            let _ = self.fs.remove_file(f);
        }
    }

    /// Builds the record for an appended message and adds it to `ch`.
    fn stage_append(
        &self,
        ch: &mut Changes,
        m: &NewMessage,
        uid: Uid,
        now: u32,
    ) -> Result<(), MailboxError> {
        let mut user_flags = UserFlags::default();
        if !m.user_flags.is_empty() {
            let names: Vec<&str> = m.user_flags.iter().map(String::as_str).collect();
            for slot in self.user_flag_slots(ch, &names, true)? {
                user_flags.set(slot, true);
            }
        }
        let internaldate = if m.internaldate == 0 {
            now
        } else {
            m.internaldate
        };
        ch.index.highestmodseq = ch.index.highestmodseq.next();
        let entry = m.cache.encode();
        let rec = IndexRecord {
            uid,
            internaldate,
            sentdate: if m.sentdate == 0 {
                internaldate - internaldate % 86_400
            } else {
                m.sentdate
            },
            size: m.data.len() as u32,
            header_size: m.header_size,
            gmtime: if m.gmtime == 0 {
                internaldate
            } else {
                m.gmtime
            },
            cache_offset: ch.cache_base + ch.cache_tail.len() as u64,
            last_updated: now,
            system_flags: m.system_flags,
            internal_flags: InternalFlags::EMPTY,
            user_flags,
            savedate: if m.savedate == 0 { now } else { m.savedate },
            cache_version: CACHE_VERSION,
            guid: Guid::of(&m.data),
            modseq: ch.index.highestmodseq,
            cid: m.cid,
            createdmodseq: ch.index.highestmodseq,
            cache_crc: cache_crc(&entry),
        };
        ch.cache_tail.extend_from_slice(&entry);
        self.stage_new_record(ch, rec);
        Ok(())
    }

    /// Adds a fully built record at the end of the index in `ch`.
    pub(crate) fn stage_new_record(&self, ch: &mut Changes, rec: IndexRecord) {
        ch.account(&self.header, &rec, true);
        if rec.is_expunged()
            && (ch.index.first_expunged == 0 || ch.index.first_expunged > rec.last_updated)
        {
            ch.index.first_expunged = rec.last_updated;
        }
        let pos = ch.index.num_records as usize;
        ch.index.last_uid = rec.uid;
        ch.index.num_records += 1;
        ch.records.insert(pos, rec);
    }
}
