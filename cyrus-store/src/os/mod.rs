//! The store's only door to the operating system.
//!
//! Every open, read, write, fsync, rename, link and lock the store does goes
//! through the [`Fs`] and [`File`] traits. [`RealFs`] is the production
//! implementation (POSIX, open-file-description locks); [`SimFs`] is an
//! in-memory filesystem that remembers what has reached "stable storage" and
//! can simulate an I/O error or a power cut at any numbered operation, so the
//! crash tests can check durability at every step. [`FileMap`] is a file
//! read through memory (a live `mmap` on the real filesystem).
//! [`utc_offset_at`] asks the C library for the local time zone (the one
//! other OS question asked here).

mod error;
mod fs;
mod localtime;
mod map;
mod real;
mod sim;

pub use error::OsError;
pub use fs::{File, FileId, FileStat, Fs, FsRef, LockKind, Metadata, OpenMode};
pub use localtime::utc_offset_at;
pub use map::FileMap;
pub use real::RealFs;
pub use sim::{Fault, SimFs};
