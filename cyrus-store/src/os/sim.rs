//! An in-memory filesystem that simulates stable storage, I/O errors and
//! power cuts, for crash tests.
//!
//! Model: every file keeps its *current* bytes and its *durable* bytes; a
//! `sync` copies current to durable. Every directory entry of a file or
//! symlink likewise exists in a current and a durable namespace; `sync_dir`
//! of a directory makes the durable view of that directory's entries match
//! the current one. Directories themselves are durable as soon as they are
//! created (a simplification: the store creates directories long before it
//! relies on them). [`SimFs::restart`] throws away everything that was not
//! durable, like a power cut followed by a reboot.
//!
//! Every mutating call (write, truncate, sync, rename, unlink, link, create,
//! directory sync) is numbered from 1. A [`Fault`] makes one of them fail
//! with `EIO`, or makes the machine "lose power" at one of them: that call
//! and every later one fail until `restart`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use parking_lot::{Condvar, Mutex};

use super::fs::{File, FileId, FileStat, Fs, LockKind, Metadata, OpenMode};

/// What to inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Nothing.
    None,
    /// Mutating call number `n` fails with `EIO`; later calls succeed.
    FailAt(u64),
    /// Power is lost at mutating call `n`: it and all later calls fail
    /// (nothing they would have written happens) until [`SimFs::restart`].
    CrashAt(u64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    Dir,
    File(u64),
    Symlink(u64),
}

#[derive(Debug, Default)]
struct Inode {
    current: Vec<u8>,
    durable: Vec<u8>,
    mtime: i64,
}

#[derive(Debug, Default)]
struct LockState {
    shared: HashSet<u64>,
    exclusive: Option<u64>,
}

#[derive(Debug)]
struct State {
    inodes: HashMap<u64, Inode>,
    current: BTreeMap<PathBuf, Node>,
    durable: BTreeMap<PathBuf, Node>,
    next_ino: u64,
    next_handle: u64,
    ops: u64,
    fault: Fault,
    down: bool,
    epoch: u64,
    locks: HashMap<u64, LockState>,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    lock_cv: Condvar,
}

/// The simulated filesystem; clones share one state.
#[derive(Debug, Clone)]
pub struct SimFs {
    shared: Arc<Shared>,
}

fn eio(what: &str) -> io::Error {
    io::Error::other(format!("simulated I/O error ({what})"))
}

fn not_found() -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, "no such file or directory")
}

/// Lexically normalises a path (no symlink resolution) so that `a/./b` and
/// `a/b` name one entry.
fn norm(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn parent_of(p: &Path) -> PathBuf {
    p.parent().map(Path::to_path_buf).unwrap_or_default()
}

impl Default for SimFs {
    fn default() -> Self {
        Self::new()
    }
}

impl SimFs {
    /// An empty filesystem with the root directory `/`.
    pub fn new() -> Self {
        let mut current = BTreeMap::new();
        current.insert(PathBuf::from("/"), Node::Dir);
        let durable = current.clone();
        SimFs {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    inodes: HashMap::new(),
                    current,
                    durable,
                    next_ino: 1,
                    next_handle: 1,
                    ops: 0,
                    fault: Fault::None,
                    down: false,
                    epoch: 0,
                    locks: HashMap::new(),
                }),
                lock_cv: Condvar::new(),
            }),
        }
    }

    /// Sets the fault to inject, counting mutating calls from now (the
    /// counter is reset to 0).
    pub fn set_fault(&self, fault: Fault) {
        let mut st = self.shared.state.lock();
        st.fault = fault;
        st.ops = 0;
    }

    /// Number of mutating calls since the last `set_fault` or `restart`.
    pub fn op_count(&self) -> u64 {
        self.shared.state.lock().ops
    }

    /// True once a simulated power cut has happened.
    pub fn is_down(&self) -> bool {
        self.shared.state.lock().down
    }

    /// Simulates a reboot after a power cut (or a clean one): everything not
    /// durable is lost, all locks are released, open handles become invalid,
    /// and no fault is armed.
    pub fn restart(&self) {
        let mut st = self.shared.state.lock();
        for ino in st.inodes.values_mut() {
            ino.current = ino.durable.clone();
        }
        st.current = st.durable.clone();
        st.locks.clear();
        st.down = false;
        st.fault = Fault::None;
        st.ops = 0;
        st.epoch += 1;
        self.shared.lock_cv.notify_all();
    }

    /// Makes everything durable, as if every file and directory were synced.
    pub fn sync_all(&self) {
        let mut st = self.shared.state.lock();
        for ino in st.inodes.values_mut() {
            ino.durable = ino.current.clone();
        }
        st.durable = st.current.clone();
    }

    /// Counts a mutating call and applies the armed fault.
    fn tick(st: &mut State, what: &str) -> io::Result<()> {
        if st.down {
            return Err(eio(what));
        }
        st.ops += 1;
        match st.fault {
            Fault::FailAt(n) if n == st.ops => Err(eio(what)),
            Fault::CrashAt(n) if n <= st.ops => {
                st.down = true;
                Err(eio(what))
            }
            _ => Ok(()),
        }
    }

    fn check_parent_dir(st: &State, p: &Path) -> io::Result<()> {
        match st.current.get(&parent_of(p)) {
            Some(Node::Dir) => Ok(()),
            _ => Err(not_found()),
        }
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[derive(Debug)]
struct SimFile {
    shared: Arc<Shared>,
    ino: u64,
    handle: u64,
    epoch: u64,
    writable: bool,
}

impl SimFile {
    fn with_inode<T>(
        &self,
        mutating: Option<&str>,
        f: impl FnOnce(&mut Inode) -> io::Result<T>,
    ) -> io::Result<T> {
        let mut st = self.shared.state.lock();
        if st.epoch != self.epoch {
            return Err(eio("stale handle after restart"));
        }
        if let Some(what) = mutating {
            if !self.writable {
                return Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    "file opened read-only",
                ));
            }
            SimFs::tick(&mut st, what)?;
        }
        let ino = st.inodes.get_mut(&self.ino).ok_or_else(not_found)?;
        f(ino)
    }

    fn compatible(ls: &LockState, me: u64, kind: LockKind) -> bool {
        match kind {
            LockKind::Shared => ls.exclusive.is_none_or(|h| h == me),
            LockKind::Exclusive => {
                ls.exclusive.is_none_or(|h| h == me) && ls.shared.iter().all(|&h| h == me)
            }
        }
    }

    fn grant(ls: &mut LockState, me: u64, kind: LockKind) {
        ls.shared.remove(&me);
        if ls.exclusive == Some(me) {
            ls.exclusive = None;
        }
        match kind {
            LockKind::Shared => {
                ls.shared.insert(me);
            }
            LockKind::Exclusive => ls.exclusive = Some(me),
        }
    }

    fn take_lock(&self, kind: LockKind, wait: bool) -> io::Result<bool> {
        let mut st = self.shared.state.lock();
        loop {
            if st.epoch != self.epoch {
                return Err(eio("stale handle after restart"));
            }
            let ls = st.locks.entry(self.ino).or_default();
            if Self::compatible(ls, self.handle, kind) {
                Self::grant(ls, self.handle, kind);
                return Ok(true);
            }
            if !wait {
                return Ok(false);
            }
            self.shared.lock_cv.wait(&mut st);
        }
    }

    fn release(&self) {
        let mut st = self.shared.state.lock();
        if st.epoch != self.epoch {
            return;
        }
        if let Some(ls) = st.locks.get_mut(&self.ino) {
            ls.shared.remove(&self.handle);
            if ls.exclusive == Some(self.handle) {
                ls.exclusive = None;
            }
        }
        self.shared.lock_cv.notify_all();
    }
}

impl Drop for SimFile {
    fn drop(&mut self) {
        self.release();
    }
}

impl File for SimFile {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        self.with_inode(None, |ino| {
            let off = usize::try_from(offset).unwrap_or(usize::MAX);
            if off >= ino.current.len() {
                return Ok(0);
            }
            let n = buf.len().min(ino.current.len() - off);
            buf[..n].copy_from_slice(&ino.current[off..off + n]);
            Ok(n)
        })
    }
    fn write_all_at(&self, buf: &[u8], offset: u64) -> io::Result<()> {
        self.with_inode(Some("write"), |ino| {
            let off = usize::try_from(offset).map_err(|_| eio("offset"))?;
            let end = off + buf.len();
            if ino.current.len() < end {
                ino.current.resize(end, 0);
            }
            ino.current[off..end].copy_from_slice(buf);
            ino.mtime = now();
            Ok(())
        })
    }
    fn len(&self) -> io::Result<u64> {
        self.with_inode(None, |ino| Ok(ino.current.len() as u64))
    }
    // `map` keeps the default (a snapshot): memory cannot be shared with
    // the simulated page cache.
    fn stat(&self) -> io::Result<FileStat> {
        let len = self.len()?;
        Ok(FileStat {
            id: FileId {
                dev: 0,
                ino: self.ino,
            },
            len,
        })
    }
    fn set_len(&self, len: u64) -> io::Result<()> {
        self.with_inode(Some("truncate"), |ino| {
            let len = usize::try_from(len).map_err(|_| eio("length"))?;
            ino.current.resize(len, 0);
            Ok(())
        })
    }
    fn sync(&self) -> io::Result<()> {
        self.with_inode(Some("fsync"), |ino| {
            ino.durable = ino.current.clone();
            Ok(())
        })
    }
    // The simulation keeps contents and length durable, not times, so
    // fdatasync is fsync here (and the same fault point).
    fn sync_data(&self) -> io::Result<()> {
        self.sync()
    }
    fn lock(&self, kind: LockKind) -> io::Result<()> {
        self.take_lock(kind, true).map(|_| ())
    }
    fn try_lock(&self, kind: LockKind) -> io::Result<bool> {
        self.take_lock(kind, false)
    }
    fn unlock(&self) -> io::Result<()> {
        self.release();
        Ok(())
    }
}

impl Fs for SimFs {
    fn open(&self, path: &Path, mode: OpenMode) -> io::Result<Box<dyn File>> {
        let path = norm(path);
        let mut st = self.shared.state.lock();
        let existing = st.current.get(&path).copied();
        let ino = match (existing, mode) {
            (Some(Node::Dir), OpenMode::Read) => {
                return Err(io::Error::other("is a directory"));
            }
            (Some(Node::Dir), _) => return Err(io::Error::other("is a directory")),
            (Some(Node::Symlink(_)), _) => {
                return Err(io::Error::other("symlinks are not followed by SimFs"))
            }
            (Some(Node::File(_)), OpenMode::CreateNew) => {
                return Err(io::Error::new(io::ErrorKind::AlreadyExists, "file exists"))
            }
            (Some(Node::File(ino)), OpenMode::Truncate) => {
                SimFs::tick(&mut st, "truncate")?;
                if let Some(i) = st.inodes.get_mut(&ino) {
                    i.current.clear();
                }
                ino
            }
            (Some(Node::File(ino)), _) => ino,
            (None, OpenMode::Read | OpenMode::ReadWrite) => return Err(not_found()),
            (None, _) => {
                SimFs::check_parent_dir(&st, &path)?;
                SimFs::tick(&mut st, "create")?;
                let ino = st.next_ino;
                st.next_ino += 1;
                st.inodes.insert(
                    ino,
                    Inode {
                        mtime: now(),
                        ..Inode::default()
                    },
                );
                st.current.insert(path.clone(), Node::File(ino));
                ino
            }
        };
        let handle = st.next_handle;
        st.next_handle += 1;
        Ok(Box::new(SimFile {
            shared: Arc::clone(&self.shared),
            ino,
            handle,
            epoch: st.epoch,
            writable: mode != OpenMode::Read,
        }))
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        let (from, to) = (norm(from), norm(to));
        let mut st = self.shared.state.lock();
        let node = st.current.get(&from).copied().ok_or_else(not_found)?;
        if node == Node::Dir {
            // Directory renames move a whole subtree; durable at once
            // (see the module comment on directories).
            SimFs::check_parent_dir(&st, &to)?;
            SimFs::tick(&mut st, "rename")?;
            let st = &mut *st;
            for ns in [&mut st.current, &mut st.durable] {
                let moved: Vec<(PathBuf, Node)> = ns
                    .range(from.clone()..)
                    .take_while(|(p, _)| p.starts_with(&from))
                    .map(|(p, n)| (p.clone(), *n))
                    .collect();
                for (p, n) in moved {
                    ns.remove(&p);
                    let rest = p.strip_prefix(&from).unwrap_or(Path::new(""));
                    ns.insert(to.join(rest), n);
                }
            }
            return Ok(());
        }
        SimFs::check_parent_dir(&st, &to)?;
        if matches!(st.current.get(&to), Some(Node::Dir)) {
            return Err(io::Error::other("target is a directory"));
        }
        SimFs::tick(&mut st, "rename")?;
        st.current.remove(&from);
        st.current.insert(to, node);
        Ok(())
    }

    fn remove_file(&self, path: &Path) -> io::Result<()> {
        let path = norm(path);
        let mut st = self.shared.state.lock();
        match st.current.get(&path) {
            Some(Node::File(_)) | Some(Node::Symlink(_)) => {}
            Some(Node::Dir) => return Err(io::Error::other("is a directory")),
            None => return Err(not_found()),
        }
        SimFs::tick(&mut st, "unlink")?;
        st.current.remove(&path);
        Ok(())
    }

    fn remove_dir(&self, path: &Path) -> io::Result<()> {
        let path = norm(path);
        let mut st = self.shared.state.lock();
        if st.current.get(&path) != Some(&Node::Dir) {
            return Err(not_found());
        }
        let has_children = st
            .current
            .range(path.clone()..)
            .nth(1)
            .is_some_and(|(p, _)| p.starts_with(&path));
        if has_children {
            return Err(io::Error::other("directory not empty"));
        }
        SimFs::tick(&mut st, "rmdir")?;
        st.current.remove(&path);
        st.durable.remove(&path);
        Ok(())
    }

    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        let path = norm(path);
        let mut st = self.shared.state.lock();
        let mut missing = Vec::new();
        let mut p = path.as_path();
        loop {
            match st.current.get(p) {
                Some(Node::Dir) => break,
                Some(_) => return Err(io::Error::other("not a directory")),
                None => missing.push(p.to_path_buf()),
            }
            match p.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => p = parent,
                _ => break,
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        SimFs::tick(&mut st, "mkdir")?;
        for m in missing {
            st.current.insert(m.clone(), Node::Dir);
            st.durable.insert(m, Node::Dir);
        }
        Ok(())
    }

    fn sync_dir(&self, path: &Path) -> io::Result<()> {
        let path = norm(path);
        let mut st = self.shared.state.lock();
        if st.current.get(&path) != Some(&Node::Dir) {
            return Err(not_found());
        }
        SimFs::tick(&mut st, "fsync dir")?;
        let is_entry = |p: &Path, n: &Node| *n != Node::Dir && p.parent() == Some(path.as_path());
        let stale: Vec<PathBuf> = st
            .durable
            .iter()
            .filter(|(p, n)| is_entry(p, n))
            .map(|(p, _)| p.clone())
            .collect();
        for p in stale {
            st.durable.remove(&p);
        }
        let fresh: Vec<(PathBuf, Node)> = st
            .current
            .iter()
            .filter(|(p, n)| is_entry(p, n))
            .map(|(p, n)| (p.clone(), *n))
            .collect();
        for (p, n) in fresh {
            st.durable.insert(p, n);
        }
        Ok(())
    }

    fn hard_link(&self, from: &Path, to: &Path) -> io::Result<()> {
        let (from, to) = (norm(from), norm(to));
        let mut st = self.shared.state.lock();
        let node = match st.current.get(&from) {
            Some(n @ Node::File(_)) => *n,
            Some(_) => return Err(io::Error::other("not a file")),
            None => return Err(not_found()),
        };
        SimFs::check_parent_dir(&st, &to)?;
        if st.current.contains_key(&to) {
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, "file exists"));
        }
        SimFs::tick(&mut st, "link")?;
        st.current.insert(to, node);
        Ok(())
    }

    fn symlink(&self, target: &Path, link: &Path) -> io::Result<()> {
        let link = norm(link);
        let mut st = self.shared.state.lock();
        SimFs::check_parent_dir(&st, &link)?;
        if st.current.contains_key(&link) {
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, "file exists"));
        }
        SimFs::tick(&mut st, "symlink")?;
        let ino = st.next_ino;
        st.next_ino += 1;
        let bytes = target.as_os_str().as_encoded_bytes().to_vec();
        st.inodes.insert(
            ino,
            Inode {
                current: bytes.clone(),
                durable: bytes,
                mtime: now(),
            },
        );
        st.current.insert(link, Node::Symlink(ino));
        Ok(())
    }

    fn read_link(&self, path: &Path) -> io::Result<PathBuf> {
        let path = norm(path);
        let st = self.shared.state.lock();
        match st.current.get(&path) {
            Some(Node::Symlink(ino)) => {
                let bytes = &st.inodes[ino].current;
                Ok(PathBuf::from(String::from_utf8_lossy(bytes).into_owned()))
            }
            Some(_) => Err(io::Error::other("not a symlink")),
            None => Err(not_found()),
        }
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        let path = norm(path);
        let st = self.shared.state.lock();
        if st.current.get(&path) != Some(&Node::Dir) {
            return Err(not_found());
        }
        Ok(st
            .current
            .range(path.clone()..)
            .skip(1)
            .take_while(|(p, _)| p.starts_with(&path))
            .filter(|(p, _)| p.parent() == Some(path.as_path()))
            .filter_map(|(p, _)| p.file_name().map(|s| s.to_string_lossy().into_owned()))
            .collect())
    }

    fn metadata(&self, path: &Path) -> io::Result<Option<Metadata>> {
        let path = norm(path);
        let st = self.shared.state.lock();
        Ok(st.current.get(&path).map(|n| match n {
            Node::Dir => Metadata {
                len: 0,
                is_dir: true,
                nlink: 1,
                mtime: 0,
            },
            Node::File(ino) | Node::Symlink(ino) => {
                let nlink = st.current.values().filter(|v| *v == n).count() as u64;
                let i = &st.inodes[ino];
                Metadata {
                    len: i.current.len() as u64,
                    is_dir: false,
                    nlink,
                    mtime: i.mtime,
                }
            }
        }))
    }

    fn file_id(&self, path: &Path) -> io::Result<FileId> {
        let path = norm(path);
        let st = self.shared.state.lock();
        match st.current.get(&path) {
            Some(Node::File(ino)) => Ok(FileId { dev: 0, ino: *ino }),
            Some(_) => Err(io::Error::other("not a file (SimFs follows no links)")),
            None => Err(not_found()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PathBuf {
        PathBuf::from(s)
    }

    #[test]
    fn unsynced_data_and_names_vanish_on_restart() {
        let fs = SimFs::new();
        fs.create_dir_all(&p("/d")).expect("mkdir");
        let f = fs.open(&p("/d/a"), OpenMode::Create).expect("create");
        f.write_all_at(b"hello", 0).expect("write");
        f.sync().expect("sync");
        drop(f);
        fs.restart();
        // the data was synced but the name was not
        assert!(!fs.exists(&p("/d/a")));

        let f = fs.open(&p("/d/a"), OpenMode::Create).expect("create");
        f.write_all_at(b"hello", 0).expect("write");
        f.sync().expect("sync");
        fs.sync_dir(&p("/d")).expect("sync dir");
        f.write_all_at(b"HELLO world", 0).expect("write 2");
        drop(f);
        fs.restart();
        let f = fs.open(&p("/d/a"), OpenMode::Read).expect("open");
        assert_eq!(f.read_all().expect("read"), b"hello");
    }

    #[test]
    fn sync_data_keeps_rewrites_and_growth() {
        let fs = SimFs::new();
        fs.create_dir_all(&p("/d")).expect("mkdir");
        let f = fs.open(&p("/d/i"), OpenMode::Create).expect("create");
        f.write_all_at(b"0123", 0).expect("write");
        f.sync().expect("sync");
        fs.sync_dir(&p("/d")).expect("sync dir");
        // An in-place rewrite and an append, as a flag change and an
        // append make in cyrus.index.
        f.write_all_at(b"ab", 1).expect("rewrite");
        f.write_all_at(b"45", 4).expect("grow");
        f.sync_data().expect("sync_data");
        f.write_all_at(b"lost", 0).expect("unsynced");
        drop(f);
        fs.restart();
        let f = fs.open(&p("/d/i"), OpenMode::Read).expect("open");
        assert_eq!(f.read_all().expect("read"), b"0ab345");
    }

    #[test]
    fn rename_is_durable_only_after_dir_sync() {
        let fs = SimFs::new();
        fs.create_dir_all(&p("/d")).expect("mkdir");
        let f = fs.open(&p("/d/x"), OpenMode::Create).expect("create");
        f.write_all_at(b"old", 0).expect("w");
        f.sync().expect("s");
        fs.sync_dir(&p("/d")).expect("sd");
        let g = fs
            .open(&p("/d/x.NEW"), OpenMode::Create)
            .expect("create new");
        g.write_all_at(b"new", 0).expect("w");
        g.sync().expect("s");
        fs.rename(&p("/d/x.NEW"), &p("/d/x")).expect("rename");
        drop((f, g));
        fs.restart();
        let f = fs.open(&p("/d/x"), OpenMode::Read).expect("open");
        assert_eq!(f.read_all().expect("read"), b"old");
    }

    #[test]
    fn crash_at_stops_everything_after() {
        let fs = SimFs::new();
        fs.create_dir_all(&p("/d")).expect("mkdir");
        fs.set_fault(Fault::CrashAt(2));
        let f = fs.open(&p("/d/a"), OpenMode::Create).expect("op 1 works");
        assert!(f.write_all_at(b"x", 0).is_err());
        assert!(f.sync().is_err());
        assert!(fs.is_down());
        drop(f);
        fs.restart();
        assert!(!fs.exists(&p("/d/a")));
    }

    #[test]
    fn locks_exclude_handles() {
        let fs = SimFs::new();
        let a = fs.open(&p("/f"), OpenMode::Create).expect("a");
        let b = fs.open(&p("/f"), OpenMode::Create).expect("b");
        a.lock(LockKind::Shared).expect("a shared");
        assert!(b.try_lock(LockKind::Shared).expect("b shared"));
        assert!(!b.try_lock(LockKind::Exclusive).expect("b excl blocked"));
        drop(a);
        assert!(b
            .try_lock(LockKind::Exclusive)
            .expect("b excl after a dropped"));
    }

    #[test]
    fn hard_links_share_data() {
        let fs = SimFs::new();
        let a = fs.open(&p("/a"), OpenMode::Create).expect("a");
        a.write_all_at(b"data", 0).expect("w");
        fs.hard_link(&p("/a"), &p("/b")).expect("link");
        assert_eq!(fs.metadata(&p("/b")).expect("md").map(|m| m.nlink), Some(2));
        let b = fs.open(&p("/b"), OpenMode::Read).expect("b");
        assert_eq!(b.read_all().expect("r"), b"data");
    }
}
