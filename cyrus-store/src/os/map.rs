//! Files read through memory: [`FileMap`], what [`File::map`] returns.
//!
//! A real mapping (`mmap(MAP_SHARED)`, see `real.rs`) is *live*: on Linux
//! the page cache is shared between `pwrite` and mappings, so writes made
//! through any handle to the file show up in it at once, and a mapping
//! longer than the file becomes readable as the file grows into it. That
//! lets a reader keep one mapping across many locks (Cyrus's
//! `mappedfile`/`map_refresh` rely on the same). A [`Snapshot`] is a copy
//! taken when mapped, for filesystems that cannot share memory (the
//! simulation, test wrappers): its owner passes its own writes on to it
//! ([`FileMap::note_write`]) and maps again after each lock, so the copy
//! equals the file while the owner's lock keeps other writers out.
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
    /// Tells the map about a write made through the handle it came from:
    /// a snapshot copies it in; a live map already shows it.
    fn note_write(&mut self, _offset: u64, _data: &[u8]) {}
    /// Tells the map the file was truncated (or extended) to `len`.
    fn note_set_len(&mut self, _len: u64) {}
}

/// A copy of a file's bytes, taken when it was "mapped".
pub(super) struct Snapshot(pub(super) Vec<u8>);

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snapshot")
            .field("len", &self.0.len())
            .finish()
    }
}

impl FileMap for Snapshot {
    fn bytes(&self) -> &[u8] {
        &self.0
    }
    fn is_live(&self) -> bool {
        false
    }
    fn note_write(&mut self, offset: u64, data: &[u8]) {
        // Offsets come from a file held in memory, so they fit a usize.
        let at = offset as usize;
        let end = at + data.len();
        if self.0.len() < end {
            self.0.resize(end, 0);
        }
        self.0[at..end].copy_from_slice(data);
    }
    fn note_set_len(&mut self, len: u64) {
        self.0.resize(len as usize, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_follows_the_writes_it_is_told_about() {
        let mut s = Snapshot(b"abcd".to_vec());
        s.note_write(2, b"XYZ");
        assert_eq!(s.bytes(), b"abXYZ");
        s.note_write(7, b"!");
        assert_eq!(s.bytes(), b"abXYZ\0\0!");
        s.note_set_len(3);
        assert_eq!(s.bytes(), b"abX");
        assert!(!s.is_live());
    }
}
