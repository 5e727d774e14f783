//! Torn transactions: after a crash, any subset of the writes made since
//! the last fsync may have reached the disk, in any combination. Whatever
//! subset survives, recovery must give back exactly the last committed
//! state (the guarantee behind twoskip's two level-0 pointers).

mod db_common;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cyrus_store::db::{Db, Twoskip, TwoskipOptions};
use cyrus_store::os::{File, FileId, FileStat, Fs, FsRef, LockKind, Metadata, OpenMode, SimFs};
use parking_lot::Mutex;
use rand::{Rng, SeedableRng};

#[derive(Debug, Default)]
struct Log {
    /// File contents at the last fsync.
    synced: Vec<u8>,
    /// Writes since then, in order.
    pending: Vec<(u64, Vec<u8>)>,
}

/// Wraps a filesystem and records writes to one file.
#[derive(Debug)]
struct Recording {
    inner: FsRef,
    target: PathBuf,
    log: Arc<Mutex<Log>>,
}

#[derive(Debug)]
struct RecFile {
    inner: Box<dyn File>,
    log: Option<Arc<Mutex<Log>>>,
}

impl File for RecFile {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        self.inner.read_at(buf, offset)
    }
    fn write_all_at(&self, buf: &[u8], offset: u64) -> io::Result<()> {
        if let Some(l) = &self.log {
            l.lock().pending.push((offset, buf.to_vec()));
        }
        self.inner.write_all_at(buf, offset)
    }
    fn len(&self) -> io::Result<u64> {
        self.inner.len()
    }
    fn stat(&self) -> io::Result<FileStat> {
        self.inner.stat()
    }
    fn set_len(&self, len: u64) -> io::Result<()> {
        self.inner.set_len(len)
    }
    fn sync(&self) -> io::Result<()> {
        self.inner.sync()?;
        if let Some(l) = &self.log {
            let mut l = l.lock();
            l.synced = self.inner.read_all()?;
            l.pending.clear();
        }
        Ok(())
    }
    fn lock(&self, kind: LockKind) -> io::Result<()> {
        self.inner.lock(kind)
    }
    fn try_lock(&self, kind: LockKind) -> io::Result<bool> {
        self.inner.try_lock(kind)
    }
    fn unlock(&self) -> io::Result<()> {
        self.inner.unlock()
    }
}

impl Fs for Recording {
    fn open(&self, path: &Path, mode: OpenMode) -> io::Result<Box<dyn File>> {
        let inner = self.inner.open(path, mode)?;
        let log = (path == self.target).then(|| self.log.clone());
        Ok(Box::new(RecFile { inner, log }))
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.inner.rename(from, to)
    }
    fn remove_file(&self, path: &Path) -> io::Result<()> {
        self.inner.remove_file(path)
    }
    fn remove_dir(&self, path: &Path) -> io::Result<()> {
        self.inner.remove_dir(path)
    }
    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        self.inner.create_dir_all(path)
    }
    fn sync_dir(&self, path: &Path) -> io::Result<()> {
        self.inner.sync_dir(path)
    }
    fn hard_link(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.inner.hard_link(from, to)
    }
    fn symlink(&self, target: &Path, link: &Path) -> io::Result<()> {
        self.inner.symlink(target, link)
    }
    fn read_link(&self, path: &Path) -> io::Result<PathBuf> {
        self.inner.read_link(path)
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        self.inner.read_dir(path)
    }
    fn metadata(&self, path: &Path) -> io::Result<Option<Metadata>> {
        self.inner.metadata(path)
    }
    fn file_id(&self, path: &Path) -> io::Result<FileId> {
        self.inner.file_id(path)
    }
}

fn opts() -> TwoskipOptions {
    TwoskipOptions {
        create: true,
        no_compact: true,
        seed: Some(77),
        ..TwoskipOptions::default()
    }
}

#[test]
fn any_subset_of_unsynced_writes_recovers_to_the_last_commit() {
    let target = PathBuf::from("/t.db");
    let log = Arc::new(Mutex::new(Log::default()));
    let fs: FsRef = Arc::new(Recording {
        inner: Arc::new(SimFs::new()),
        target: target.clone(),
        log: log.clone(),
    });
    let mut db = Twoskip::open(fs, &target, opts()).expect("open");
    for t in 0..5u32 {
        db.begin().expect("begin");
        for i in 0..30u32 {
            let k = format!("k{:03}", (i * 37 + t * 11) % 90);
            db.store(k.as_bytes(), format!("v{t}-{i}").as_bytes())
                .expect("store");
        }
        db.delete(format!("k{:03}", t * 5).as_bytes())
            .expect("delete");
        db.commit().expect("commit");
    }
    let committed: BTreeMap<Vec<u8>, Vec<u8>> = db_common::dump(&mut db).into_iter().collect();
    // A transaction that replaces, inserts and deletes, never committed.
    db.begin().expect("begin");
    for i in 0..60u32 {
        let k = format!("k{:03}", (i * 53) % 120);
        if i % 3 == 0 {
            db.delete(k.as_bytes()).expect("delete");
        } else {
            db.store(k.as_bytes(), b"torn").expect("store");
        }
    }
    let (synced, pending) = {
        let l = log.lock();
        (l.synced.clone(), l.pending.clone())
    };
    assert!(pending.len() > 100, "{} pending writes", pending.len());
    let mut rng = rand::rngs::StdRng::seed_from_u64(2024);
    for trial in 0..150 {
        let keep_p: f64 = [0.0, 0.1, 0.5, 0.9, 1.0][trial % 5];
        let mut bytes = synced.clone();
        for (off, data) in &pending {
            if rng.gen_bool(keep_p) {
                let end = *off as usize + data.len();
                if bytes.len() < end {
                    bytes.resize(end, 0);
                }
                bytes[*off as usize..end].copy_from_slice(data);
            }
        }
        let sim = SimFs::new();
        let f = sim
            .open(Path::new("/t.db"), OpenMode::Create)
            .expect("create");
        f.write_all_at(&bytes, 0).expect("write");
        f.sync().expect("sync");
        drop(f);
        let fs: FsRef = Arc::new(sim);
        let mut db = Twoskip::open(fs, Path::new("/t.db"), opts())
            .unwrap_or_else(|e| panic!("trial {trial}: open failed: {e}"));
        db.consistent()
            .unwrap_or_else(|e| panic!("trial {trial}: inconsistent: {e}"));
        let got: BTreeMap<Vec<u8>, Vec<u8>> = db_common::dump(&mut db).into_iter().collect();
        assert!(
            got == committed,
            "trial {trial} (p={keep_p}): wrong contents"
        );
    }
}
