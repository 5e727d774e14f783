//! The production filesystem: `std::fs` plus open-file-description locks.
#![allow(unsafe_code)]

use std::fs;
use std::io;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

use super::fs::{File, FileId, FileStat, Fs, LockKind, Metadata, OpenMode};
use super::map::FileMap;

/// The real filesystem.
#[derive(Debug, Default, Clone, Copy)]
pub struct RealFs;

impl RealFs {
    /// A new handle (it has no state).
    pub fn new() -> Self {
        RealFs
    }
}

#[derive(Debug)]
struct RealFile {
    file: fs::File,
}

/// Issues an open-file-description lock command (`F_OFD_SETLK[W]`). OFD locks
/// conflict with classic `fcntl` locks held by other processes (which is what
/// Cyrus uses), and unlike those they belong to the open file, so two threads
/// of one process exclude each other too.
fn ofd_lock(file: &fs::File, cmd: libc::c_int, typ: libc::c_short) -> io::Result<bool> {
    // SAFETY: `flock` is a plain C struct for which all-zero bytes are a
    // valid value; every field the kernel reads is set below.
    let mut fl: libc::flock = unsafe { std::mem::zeroed() };
    fl.l_type = typ;
    fl.l_whence = libc::SEEK_SET as libc::c_short;
    fl.l_start = 0;
    fl.l_len = 0; // whole file
    fl.l_pid = 0; // required to be 0 for OFD locks
    loop {
        // SAFETY: the descriptor is valid for the lifetime of `file`, and
        // `fl` is a live, initialised `flock` the kernel may read and write.
        let rc = unsafe { libc::fcntl(file.as_raw_fd(), cmd, &mut fl as *mut libc::flock) };
        if rc == 0 {
            return Ok(true);
        }
        let err = io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EINTR) => continue,
            Some(libc::EAGAIN) | Some(libc::EACCES) if cmd == libc::F_OFD_SETLK => {
                return Ok(false)
            }
            _ => return Err(err),
        }
    }
}

/// A shared, read-only memory mapping of a file (live: see `map.rs`).
#[derive(Debug)]
struct RealMap(memmap2::Mmap);

impl FileMap for RealMap {
    fn bytes(&self) -> &[u8] {
        &self.0
    }
    fn is_live(&self) -> bool {
        true
    }
}

fn file_id(m: &fs::Metadata) -> FileId {
    FileId {
        dev: m.dev(),
        ino: m.ino(),
    }
}

fn lock_type(kind: LockKind) -> libc::c_short {
    match kind {
        LockKind::Shared => libc::F_RDLCK as libc::c_short,
        LockKind::Exclusive => libc::F_WRLCK as libc::c_short,
    }
}

impl File for RealFile {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        FileExt::read_at(&self.file, buf, offset)
    }
    fn write_all_at(&self, buf: &[u8], offset: u64) -> io::Result<()> {
        FileExt::write_all_at(&self.file, buf, offset)
    }
    fn len(&self) -> io::Result<u64> {
        Ok(self.file.metadata()?.len())
    }
    fn stat(&self) -> io::Result<FileStat> {
        let m = self.file.metadata()?;
        Ok(FileStat {
            id: file_id(&m),
            len: m.len(),
        })
    }
    fn set_len(&self, len: u64) -> io::Result<()> {
        self.file.set_len(len)
    }
    fn map(&self, len: u64) -> io::Result<Box<dyn FileMap>> {
        let len = usize::try_from(len)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "map too large"))?;
        // SAFETY: the mapping is read-only and shared, and `RealMap` hands
        // out only shared slices of it. What `Mmap` cannot promise is that
        // the bytes stay put: other handles may write or truncate the file.
        // The `FileMap` contract puts that on the caller, who reads only
        // below a length learned under a lock that excludes writers (the
        // lock protocol Cyrus shares), so no byte changes or vanishes
        // while it is read. A mapping past the end of the file is allowed
        // by mmap; those pages become readable once the file grows.
        let m = unsafe { memmap2::MmapOptions::new().len(len).map(&self.file)? };
        Ok(Box::new(RealMap(m)))
    }
    fn sync(&self) -> io::Result<()> {
        self.file.sync_all()
    }
    fn sync_data(&self) -> io::Result<()> {
        self.file.sync_data()
    }
    fn lock(&self, kind: LockKind) -> io::Result<()> {
        ofd_lock(&self.file, libc::F_OFD_SETLKW, lock_type(kind)).map(|_| ())
    }
    fn try_lock(&self, kind: LockKind) -> io::Result<bool> {
        ofd_lock(&self.file, libc::F_OFD_SETLK, lock_type(kind))
    }
    fn unlock(&self) -> io::Result<()> {
        ofd_lock(
            &self.file,
            libc::F_OFD_SETLK,
            libc::F_UNLCK as libc::c_short,
        )
        .map(|_| ())
    }
}

impl Fs for RealFs {
    fn open(&self, path: &Path, mode: OpenMode) -> io::Result<Box<dyn File>> {
        let mut o = fs::OpenOptions::new();
        o.read(true);
        match mode {
            OpenMode::Read => {}
            OpenMode::ReadWrite => {
                o.write(true);
            }
            OpenMode::Create => {
                o.write(true).create(true);
            }
            OpenMode::CreateNew => {
                o.write(true).create_new(true);
            }
            OpenMode::Truncate => {
                o.write(true).create(true).truncate(true);
            }
        }
        Ok(Box::new(RealFile {
            file: o.open(path)?,
        }))
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        fs::rename(from, to)
    }
    fn remove_file(&self, path: &Path) -> io::Result<()> {
        fs::remove_file(path)
    }
    fn remove_dir(&self, path: &Path) -> io::Result<()> {
        fs::remove_dir(path)
    }
    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        fs::create_dir_all(path)
    }
    fn sync_dir(&self, path: &Path) -> io::Result<()> {
        fs::File::open(path)?.sync_all()
    }
    fn hard_link(&self, from: &Path, to: &Path) -> io::Result<()> {
        fs::hard_link(from, to)
    }
    fn symlink(&self, target: &Path, link: &Path) -> io::Result<()> {
        std::os::unix::fs::symlink(target, link)
    }
    fn read_link(&self, path: &Path) -> io::Result<PathBuf> {
        fs::read_link(path)
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        let mut out = Vec::new();
        for e in fs::read_dir(path)? {
            out.push(e?.file_name().to_string_lossy().into_owned());
        }
        Ok(out)
    }
    fn metadata(&self, path: &Path) -> io::Result<Option<Metadata>> {
        match fs::symlink_metadata(path) {
            Ok(m) => Ok(Some(Metadata {
                len: m.len(),
                is_dir: m.is_dir(),
                nlink: m.nlink(),
                mtime: m.mtime(),
            })),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
    fn file_id(&self, path: &Path) -> io::Result<FileId> {
        Ok(file_id(&fs::metadata(path)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ofd_locks_exclude_two_handles_in_one_process() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("f");
        let fs = RealFs::new();
        let a = fs.open(&p, OpenMode::Create).expect("open a");
        let b = fs.open(&p, OpenMode::Create).expect("open b");
        a.lock(LockKind::Exclusive).expect("lock a");
        assert!(!b.try_lock(LockKind::Shared).expect("try b"));
        a.unlock().expect("unlock a");
        assert!(b.try_lock(LockKind::Shared).expect("try b again"));
        assert!(a.try_lock(LockKind::Shared).expect("shared a"));
        assert!(!a
            .try_lock(LockKind::Exclusive)
            .expect("upgrade a blocked by b"));
    }

    /// A map longer than the file shows what is later written through
    /// another handle, including the part the file grew into.
    #[test]
    fn map_is_live_and_has_room_to_grow() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("f");
        let fs = RealFs::new();
        let w = fs.open(&p, OpenMode::Create).expect("open w");
        w.write_all_at(b"abcd", 0).expect("write");
        let r = fs.open(&p, OpenMode::Read).expect("open r");
        let m = r.map(8192).expect("map");
        assert!(m.is_live());
        assert_eq!(&m.bytes()[..4], b"abcd");
        w.write_all_at(b"XY", 2).expect("rewrite");
        w.write_all_at(b"efgh", 4).expect("append");
        assert_eq!(&m.bytes()[..8], b"abXYefgh");
    }

    #[test]
    fn file_id_tells_a_renamed_over_file_apart() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (p, q) = (dir.path().join("db"), dir.path().join("db.NEW"));
        let fs = RealFs::new();
        let old = fs.open(&p, OpenMode::Create).expect("open");
        assert_eq!(old.stat().expect("stat").id, fs.file_id(&p).expect("id"));
        let new = fs.open(&q, OpenMode::Create).expect("open new");
        fs.rename(&q, &p).expect("rename");
        assert_ne!(old.stat().expect("stat").id, fs.file_id(&p).expect("id"));
        assert_eq!(new.stat().expect("stat").id, fs.file_id(&p).expect("id"));
    }
}
