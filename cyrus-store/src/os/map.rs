//! Files read through memory: [`FileMap`], what [`File::map`] returns.
//!
//! A real mapping (`mmap(MAP_SHARED)`, see `real.rs`) is *live*: on Linux
//! the page cache is shared between `pwrite` and mappings, so writes made
//! through any handle to the file show up in it at once, and a mapping
//! longer than the file becomes readable as the file grows into it. That
//! lets a reader keep one mapping across many locks (Cyrus's
//! `mappedfile`/`map_refresh` rely on the same). A [`Snapshot`] is a copy
//! taken when mapped, for filesystems that cannot share memory (the
//! simulation, test wrappers); whoever reads one must map again after any
//! change to the file, its own writes included.
//!
//! [`File::map`]: super::File::map

use std::fmt;

/// A read-only view of the start of a file in memory.
///
/// Reading a live map at or past the file's *current* end is forbidden:
/// a real mapping raises `SIGBUS` there. Callers read only below a length
/// they learned under a lock that keeps the file from shrinking.
pub trait FileMap: Send + Sync + fmt::Debug {
    /// The mapped bytes: for a live map, as long as asked (possibly past
    /// the file's end); for a snapshot, the file's contents when mapped.
    fn bytes(&self) -> &[u8];
    /// True when later writes to the file appear in [`FileMap::bytes`]
    /// without mapping again.
    fn is_live(&self) -> bool;
}

/// A copy of a file's bytes, taken when it was "mapped".
pub(super) struct Snapshot(pub(super) Vec<u8>);

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snapshot").field("len", &self.0.len()).finish()
    }
}

impl FileMap for Snapshot {
    fn bytes(&self) -> &[u8] {
        &self.0
    }
    fn is_live(&self) -> bool {
        false
    }
}
