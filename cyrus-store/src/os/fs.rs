use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::map::{FileMap, Snapshot};

/// How a file is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Read only; the file must exist.
    Read,
    /// Read and write; the file must exist.
    ReadWrite,
    /// Read and write, creating the file if it is missing.
    Create,
    /// Read and write, creating the file; fails if it already exists.
    CreateNew,
    /// Read and write, creating the file or truncating it to zero length.
    Truncate,
}

/// Kind of advisory lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockKind {
    /// Many readers.
    Shared,
    /// One writer.
    Exclusive,
}

/// What `metadata` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metadata {
    /// Length in bytes (files).
    pub len: u64,
    /// True for directories.
    pub is_dir: bool,
    /// Number of hard links.
    pub nlink: u64,
    /// Modification time, seconds since the epoch.
    pub mtime: i64,
}

/// Which file a handle or a name refers to: device and inode, as `stat`
/// reports them. A name whose id differs from an open handle's has been
/// replaced (renamed over) since the handle was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileId {
    /// `st_dev`.
    pub dev: u64,
    /// `st_ino`.
    pub ino: u64,
}

/// What `fstat` on an open handle reports that the store uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStat {
    /// The file the handle refers to.
    pub id: FileId,
    /// Its current length.
    pub len: u64,
}

/// An open file. Positioned I/O only, so a handle can be shared between
/// threads. Locks are whole-file, advisory, and belong to this handle
/// (open-file-description semantics): two handles in one process exclude
/// each other just as two processes do.
pub trait File: Send + Sync + fmt::Debug {
    /// Reads up to `buf.len()` bytes at `offset`; returns the count (0 at end).
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize>;
    /// Writes all of `buf` at `offset`, extending the file as needed.
    fn write_all_at(&self, buf: &[u8], offset: u64) -> io::Result<()>;
    /// Current length.
    fn len(&self) -> io::Result<u64>;
    /// Identity and length in one call (`fstat`).
    fn stat(&self) -> io::Result<FileStat>;
    /// Truncates or extends to `len`.
    fn set_len(&self, len: u64) -> io::Result<()>;
    /// Flushes data and metadata to stable storage (`fsync`).
    fn sync(&self) -> io::Result<()>;
    /// Flushes the data and the metadata needed to read it back (length,
    /// block map) to stable storage (`fdatasync`): as durable as
    /// [`File::sync`] for the file's contents, but an in-place rewrite
    /// (a flag change rewriting index records) does not wait for a
    /// filesystem journal commit just to store the new modification time.
    fn sync_data(&self) -> io::Result<()> {
        self.sync()
    }
    /// Takes a lock, waiting for it.
    fn lock(&self, kind: LockKind) -> io::Result<()>;
    /// Takes a lock if it is free now; returns whether it was taken.
    fn try_lock(&self, kind: LockKind) -> io::Result<bool>;
    /// Releases this handle's lock.
    fn unlock(&self) -> io::Result<()>;

    /// A read-only view of the file's first `len` bytes; `len` may exceed
    /// the file's length, leaving room for it to grow (see [`FileMap`] for
    /// what may be read). The default is a [`Snapshot`] of the whole file,
    /// correct for any implementation; the real filesystem maps memory.
    fn map(&self, len: u64) -> io::Result<Box<dyn FileMap>> {
        let mut bytes = self.read_all()?;
        bytes.truncate(usize::try_from(len).unwrap_or(usize::MAX));
        Ok(Box::new(Snapshot(bytes)))
    }

    /// Fills `buf` from `offset`; an early end of file is `UnexpectedEof`.
    fn read_exact_at(&self, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
        while !buf.is_empty() {
            let n = self.read_at(buf, offset)?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "file shorter than expected",
                ));
            }
            buf = &mut buf[n..];
            offset += n as u64;
        }
        Ok(())
    }

    /// Reads the whole file.
    fn read_all(&self) -> io::Result<Vec<u8>> {
        let len = self.len()?;
        let len = usize::try_from(len)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "file too large"))?;
        let mut buf = vec![0u8; len];
        let mut done = 0;
        while done < len {
            let n = self.read_at(&mut buf[done..], done as u64)?;
            if n == 0 {
                buf.truncate(done);
                break;
            }
            done += n;
        }
        Ok(buf)
    }
}

/// A filesystem. All paths are absolute or relative to the process's
/// working directory, exactly as `std::fs` takes them.
pub trait Fs: Send + Sync + fmt::Debug {
    /// Opens a file.
    fn open(&self, path: &Path, mode: OpenMode) -> io::Result<Box<dyn File>>;
    /// Atomically replaces `to` with `from` (POSIX `rename`). Durable only
    /// after `sync_dir` of the directories involved.
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    /// Removes a file name.
    fn remove_file(&self, path: &Path) -> io::Result<()>;
    /// Removes an empty directory.
    fn remove_dir(&self, path: &Path) -> io::Result<()>;
    /// Creates a directory and its missing parents.
    fn create_dir_all(&self, path: &Path) -> io::Result<()>;
    /// Makes the directory's entries (creates, renames, unlinks) durable.
    fn sync_dir(&self, path: &Path) -> io::Result<()>;
    /// Creates a hard link `to` naming the file `from`.
    fn hard_link(&self, from: &Path, to: &Path) -> io::Result<()>;
    /// Creates a symbolic link at `link` pointing to `target`.
    fn symlink(&self, target: &Path, link: &Path) -> io::Result<()>;
    /// Reads a symbolic link.
    fn read_link(&self, path: &Path) -> io::Result<PathBuf>;
    /// Names in a directory (not `.`/`..`), in no particular order.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<String>>;
    /// Metadata, or `None` when nothing is there.
    fn metadata(&self, path: &Path) -> io::Result<Option<Metadata>>;
    /// The identity of the file a name refers to now (`stat`, following
    /// symbolic links); `NotFound` when nothing is there.
    fn file_id(&self, path: &Path) -> io::Result<FileId>;

    /// True when something exists at `path`.
    fn exists(&self, path: &Path) -> bool {
        matches!(self.metadata(path), Ok(Some(_)))
    }
}

/// A shared handle on a filesystem.
pub type FsRef = Arc<dyn Fs>;
