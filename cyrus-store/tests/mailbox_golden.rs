//! Golden tests: every mailbox of the Cyrus 3.6.1 fixture is read by our
//! codecs and reported exactly as Cyrus's `mbexamine` and `unexpunge -l`
//! did, and re-encoding every header and record reproduces the file bytes.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cyrus_store::mailbox::examine_check::FileParse;
use cyrus_store::mailbox::{
    synccrc, CacheItems, IndexHeader, IndexRecord, Mailbox, MailboxHeader, CACHE_FILE, HEADER_FILE,
    INDEX_FILE,
};
use cyrus_store::os::{FsRef, LockKind, RealFs};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/cyrus-3.6/basic")
}

/// (expected file stem, external name, "@ROOT@/spool/…" path, real dir)
fn cases() -> Vec<(String, String, String, PathBuf)> {
    let dir = fixture().join("expected/mbexamine");
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).expect("fixture present") {
        let name = e.unwrap().file_name().into_string().unwrap();
        if !name.ends_with(".txt") || name.ends_with(".q.txt") || name.ends_with(".c.txt") {
            continue;
        }
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        let first = text.lines().next().unwrap();
        let ext = first
            .strip_prefix("Examining ")
            .unwrap()
            .split("...")
            .next()
            .unwrap()
            .to_string();
        let path = text
            .lines()
            .find_map(|l| l.strip_prefix("  Path to mailbox: "))
            .unwrap()
            .to_string();
        let real = fixture().join(path.strip_prefix("@ROOT@/").unwrap());
        out.push((name.trim_end_matches(".txt").to_string(), ext, path, real));
    }
    out.sort();
    assert_eq!(out.len(), 12);
    out
}

fn fs() -> FsRef {
    Arc::new(RealFs::new())
}

#[test]
fn mbexamine_output_matches_cyrus_for_every_mailbox() {
    let mut matched = 0;
    for (stem, ext, path, dir) in cases() {
        let mb =
            Mailbox::open(fs(), &dir, LockKind::Shared).unwrap_or_else(|e| panic!("{stem}: {e}"));
        let got = mb.mbexamine_report(&ext, &path);
        let want = std::fs::read(fixture().join(format!("expected/mbexamine/{stem}.txt"))).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want),
            "{stem}"
        );
        matched += 1;
    }
    assert_eq!(matched, 12);
}

#[test]
fn unexpunge_list_matches_cyrus_for_every_mailbox() {
    for (stem, _, _, dir) in cases() {
        let mb = Mailbox::open(fs(), &dir, LockKind::Shared).unwrap();
        let got = mb.unexpunge_report();
        let want = std::fs::read(fixture().join(format!("expected/unexpunge/{stem}.txt"))).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want),
            "{stem}"
        );
    }
}

#[test]
fn every_header_and_record_re_encodes_to_the_file_bytes() {
    let mut records = 0;
    for (stem, _, _, dir) in cases() {
        let hbytes = std::fs::read(dir.join(HEADER_FILE)).unwrap();
        let h = MailboxHeader::decode(&hbytes, &dir.join(HEADER_FILE)).unwrap();
        assert_eq!(h.encode(), hbytes, "{stem} cyrus.header");
        let ibytes = std::fs::read(dir.join(INDEX_FILE)).unwrap();
        let ih = IndexHeader::decode(&ibytes, Path::new("i")).unwrap();
        assert_eq!(ih.encode().unwrap(), ibytes[..160], "{stem} index header");
        assert_eq!(
            ih.header_file_crc,
            crc32fast::hash(&hbytes),
            "{stem} header_file_crc"
        );
        assert_eq!(
            ibytes.len() as u64,
            ih.record_offset(ih.num_records + 1),
            "{stem} size"
        );
        let cache = std::fs::read(dir.join(CACHE_FILE)).unwrap_or_default();
        let mut basic = 0u32;
        let (mut exists, mut deleted, mut answered, mut flagged, mut unseen, mut used) =
            (0, 0, 0, 0, 0, 0u64);
        for n in 1..=ih.num_records {
            let off = ih.record_offset(n) as usize;
            let raw = &ibytes[off..off + 112];
            let r = IndexRecord::decode(raw, 17, Path::new("i"), off as u64).unwrap();
            assert_eq!(r.encode(17).unwrap(), raw, "{stem} record {n}");
            let (items, len) =
                CacheItems::decode_at(&cache, r.cache_offset, Path::new("c")).unwrap();
            let start = r.cache_offset as usize;
            assert_eq!(
                items.encode(),
                cache[start..start + len],
                "{stem} cache entry {n}"
            );
            assert_eq!(
                crc32fast::hash(&cache[start..start + len]),
                r.cache_crc,
                "{stem} cache crc {n}"
            );
            basic ^= synccrc::crc_basic(&h, &r);
            if !r.is_expunged() {
                use cyrus_store::mailbox::SystemFlags as F;
                exists += 1;
                used += u64::from(r.size);
                deleted += u32::from(r.system_flags.contains(F::DELETED));
                answered += u32::from(r.system_flags.contains(F::ANSWERED));
                flagged += u32::from(r.system_flags.contains(F::FLAGGED));
                unseen += u32::from(!r.system_flags.contains(F::SEEN));
            }
            records += 1;
        }
        assert_eq!(basic, ih.sync_crc_basic, "{stem} sync_crc_basic");
        assert_eq!(
            (exists, deleted, answered, flagged, unseen, used),
            (
                ih.exists,
                ih.deleted,
                ih.answered,
                ih.flagged,
                ih.unseen,
                ih.quota_mailbox_used
            ),
            "{stem} counts"
        );
    }
    assert_eq!(records, 25 + 4 + 2 + 2 + 1 + 1 + 1 + 3 + 3);
}

#[test]
fn annot_sync_crc_matches_where_only_virtual_annotations_exist() {
    // INBOX of alice has one real per-message annotation (kept in
    // cyrus.annotations, not read here); every other mailbox has none, so
    // its annot CRC is the virtual annotations alone.
    let mut checked = 0;
    for (stem, _, _, dir) in cases() {
        if stem == "user.alice" {
            continue;
        }
        let mb = Mailbox::open(fs(), &dir, LockKind::Shared).unwrap();
        let mut crc = cyrus_store::mailbox::index_header::CRC_INIT_ANNOT;
        for r in mb.records() {
            crc ^= synccrc::crc_virtannot(17, r);
        }
        assert_eq!(crc, mb.index().sync_crc_annot, "{stem}");
        checked += 1;
    }
    assert_eq!(checked, 11);
}

#[test]
fn mbexamine_q_and_c_outputs_match_cyrus_for_every_mailbox() {
    let mut matched = 0;
    for (stem, ext, path, dir) in cases() {
        let mb = Mailbox::open(fs(), &dir, LockKind::Shared).unwrap();
        let want =
            std::fs::read(fixture().join(format!("expected/mbexamine/{stem}.q.txt"))).unwrap();
        let got = mb.mbexamine_quota_report(&ext).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want),
            "{stem} -q"
        );
        // Every file matches its record here, so the parser is never shown.
        let parse = |_: &[u8]| Some(FileParse::default());
        let want =
            std::fs::read(fixture().join(format!("expected/mbexamine/{stem}.c.txt"))).unwrap();
        let got = mb.mbexamine_compare_report(&ext, &path, &parse).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want),
            "{stem} -c"
        );
        matched += 2;
    }
    assert_eq!(matched, 24);
}
