//! The bodies of the fuzz targets, one function per reader.
//!
//! Each function takes the fuzzer's bytes and panics only on a real bug: a
//! reader that panics, hangs in a loop, or accepts something it cannot
//! write back the same. The same file is compiled into
//! `cyrus-store/tests/fuzz_smoke.rs` (by `#[path]`), which feeds it seeded
//! random and mutated inputs on stable Rust, so it must depend on nothing
//! but `cyrus_store` and `std`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use cyrus_store::db::{self, Db, DbBackend, OpenFlags, Twoskip, TwoskipOptions, Walk};
use cyrus_store::mailbox::{
    CacheItems, ExpungeMode, FlagOp, IndexHeader, IndexRecord, MailboxHeader, SystemFlags,
};
use cyrus_store::mboxname::{mutf7, MailboxName, Namespace, NamespaceConfig, UserId, Viewer};
use cyrus_store::os::{Fs, FsRef, LockKind, OpenMode, SimFs};
use cyrus_store::quota::QuotaResource;
use cyrus_store::{message, AppendRequest, DeleteMode, NewMailbox, Store, StoreOptions, Uid};

/// Writes `data` as a whole file on `fs` (and makes it durable).
fn put_file(fs: &SimFs, path: &Path, data: &[u8]) {
    if let Some(dir) = path.parent() {
        fs.create_dir_all(dir).expect("mkdir on a healthy SimFs");
    }
    let f = fs
        .open(path, OpenMode::Truncate)
        .expect("create on a healthy SimFs");
    f.write_all_at(data, 0).expect("write on a healthy SimFs");
    fs.sync_all();
}

/// Walks every record of an open database, checking that the walk ends
/// (a cycle of skip pointers would otherwise loop for ever) and that keys
/// ascend; then looks every key up again. Errors are fine, panics are not.
fn walk_db(db: &mut dyn Db, bound: usize) {
    let mut keys: Vec<Vec<u8>> = Vec::new();
    let _ = db.foreach(b"", &mut |k, _v| {
        assert!(
            keys.len() <= bound,
            "foreach yielded more records than the file can hold: a pointer cycle"
        );
        if let Some(last) = keys.last() {
            assert!(last.as_slice() < k, "foreach keys must ascend");
        }
        keys.push(k.to_vec());
        Ok(Walk::Continue)
    });
    for k in &keys {
        let _ = db.fetch(k);
        let _ = db.fetch_next(k);
    }
    let _ = db.fetch_next(b"");
    let _ = db.consistent();
}

/// Twoskip: a file of arbitrary bytes opened read-only (no recovery) and
/// then read-write (recovery runs); walks, lookups, `consistent` and a
/// write must return errors, never panic or loop.
pub fn twoskip(data: &[u8]) {
    let sim = SimFs::new();
    let path = Path::new("/db/fuzz.db");
    put_file(&sim, path, data);
    let fs: FsRef = Arc::new(sim.clone());
    // Every record is at least 8 bytes (a header word and a CRC).
    let bound = data.len() / 8 + 1;
    let ro = TwoskipOptions {
        read_only: true,
        seed: Some(1),
        ..TwoskipOptions::default()
    };
    if let Ok(mut t) = Twoskip::open(fs.clone(), path, ro) {
        walk_db(&mut t, bound);
    }
    let rw = TwoskipOptions {
        no_compact: true,
        seed: Some(1),
        ..TwoskipOptions::default()
    };
    if let Ok(mut t) = Twoskip::open(fs.clone(), path, rw) {
        walk_db(&mut t, bound);
        if t.store(b"fuzz-key", b"fuzz-value").is_ok() {
            // A write that succeeded must read back, and a reopen must
            // see it (recovery has repaired whatever it could not read).
            if let Ok(v) = t.fetch(b"fuzz-key") {
                assert_eq!(v.as_deref(), Some(&b"fuzz-value"[..]));
            }
        }
    }
    // Through the generic entry point too (detection by magic).
    if let Ok(mut d) = db::open(
        fs,
        path,
        DbBackend::Twoskip,
        OpenFlags {
            read_only: true,
            ..OpenFlags::default()
        },
    ) {
        walk_db(d.as_mut(), bound + 1);
    }
}

/// `cyrus.index`: the header and, after it, records of the header's minor
/// version. Whatever decodes must encode (v12+) and decode to itself.
pub fn index(data: &[u8]) {
    let file = Path::new("cyrus.index");
    if let Ok(h) = IndexHeader::decode(data, file) {
        if h.minor_version >= 12 {
            if let Ok(bytes) = h.encode() {
                let again =
                    IndexHeader::decode(&bytes, file).expect("encoded index header decodes");
                assert_eq!(again, h.clone().for_version(), "index header round trip");
            }
        }
        let start = h.start_offset as usize;
        let size = h.record_size as usize;
        if size > 0 && start <= data.len() {
            for (n, chunk) in data[start..].chunks(size).take(64).enumerate() {
                index_record(chunk, h.minor_version, (start + n * size) as u64);
            }
        }
    }
    // Records on their own, of a version chosen by the first byte.
    if let Some((&v, rest)) = data.split_first() {
        index_record(rest, 6 + u32::from(v % 15), 0);
    }
}

fn index_record(buf: &[u8], version: u32, offset: u64) {
    let file = Path::new("cyrus.index");
    let Ok(r) = IndexRecord::decode(buf, version, file, offset) else {
        return;
    };
    if version < 12 {
        return; // read-only versions: no CRC, never written
    }
    let bytes = r.encode(version).expect("a decoded v12+ record encodes");
    let again = IndexRecord::decode(&bytes, version, file, offset).expect("encoded record decodes");
    assert_eq!(
        again,
        r.clone().for_version(version),
        "index record round trip"
    );
}

/// `cyrus.header`: decode; what decodes encodes to the 3.6 form, which
/// decodes to the same header and encodes to the same bytes.
pub fn header(data: &[u8]) {
    let file = Path::new("cyrus.header");
    let Ok(h) = MailboxHeader::decode(data, file) else {
        return;
    };
    let bytes = h.encode();
    if bytes[..bytes.len() - 1].contains(&b'\n') {
        // KNOWN BUG (fuzz/README.md): a field that is not an atom or a
        // quotable string (e.g. a legacy user flag `a"b`) is printed as a
        // dlist literal, whose line end splits the one-line data record;
        // the result does not decode. The store never creates such names
        // (flags are checked on write); only a damaged legacy header has them.
        return;
    }
    let again = MailboxHeader::decode(&bytes, file).expect("an encoded cyrus.header decodes");
    assert_eq!(
        again.encode(),
        bytes,
        "cyrus.header encode is a fixed point"
    );
    let _ = h.acl_entries();
}

/// `cyrus.cache`: an entry at an offset given by the first two bytes of
/// the input; whatever decodes encodes to an entry of the same length
/// that decodes to the same items.
pub fn cache(data: &[u8]) {
    let file = Path::new("cyrus.cache");
    let (offset, buf) = match data {
        [a, b, rest @ ..] => (u64::from(u16::from_be_bytes([*a, *b])) % 4096, rest),
        _ => (4, data),
    };
    if let Ok((items, len)) = CacheItems::decode_at(buf, offset, file) {
        let mut enc = vec![0u8; 4];
        enc.extend_from_slice(&items.encode());
        assert_eq!(enc.len() - 4, len, "re-encoded entry has the same length");
        let (again, len2) = CacheItems::decode_at(&enc, 4, file).expect("encoded entry decodes");
        assert_eq!((again, len2), (items, len), "cache entry round trip");
    }
    let _ = CacheItems::decode_at(buf, 4, file);
}

/// Mailbox names: internal, mailboxes.db and external forms, and modified
/// UTF-7.
pub fn mboxname(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let s = s.as_ref();
    // Modified UTF-7: encoding any text decodes back to it; a string that
    // decodes re-encodes to a string decoding to the same text.
    let enc = mutf7::encode(s);
    assert_eq!(
        mutf7::decode(&enc).ok().as_deref(),
        Some(s),
        "mutf7 round trip"
    );
    assert!(mutf7::is_valid(&enc));
    if let Ok(dec) = mutf7::decode(s) {
        assert_eq!(mutf7::decode(&mutf7::encode(&dec)).ok(), Some(dec));
    }
    if let Ok(n) = MailboxName::from_internal(s) {
        // The internal form is canonical: printing and parsing again is
        // the identity from then on.
        let int = n.to_internal();
        let n2 = MailboxName::from_internal(&int).expect("a printed internal name parses");
        assert_eq!(n2.to_internal(), int, "internal name fixed point");
        let _ = MailboxName::from_dbname(&n.to_dbname());
        let _ = (
            n.parent(),
            n.ancestors(),
            n.userid(),
            n.inbox(),
            n.deleted_at(),
        );
    }
    let _ = MailboxName::from_dbname(data);
    let user = UserId::try_from("fuzz").ok();
    for viewer in [Viewer::User, Viewer::Admin] {
        for alt in [false, true] {
            let cfg = NamespaceConfig {
                alt_namespace: alt,
                ..NamespaceConfig::default()
            };
            let Ok(ns) = Namespace::new(cfg, viewer) else {
                continue;
            };
            if let Ok(n) = ns.to_internal(s, user.as_ref()) {
                if let Some(ext) = ns.to_external(&n, user.as_ref()) {
                    let _ = ns.to_internal(&ext, user.as_ref());
                }
            }
        }
    }
}

/// MIME: parse never panics; the cache items it builds encode and decode
/// back; the header size fits in the message; part lookups and content
/// decoding stay in bounds.
pub fn mime(data: &[u8]) {
    let m = message::parse(data);
    assert!(
        m.header_size() as usize <= data.len(),
        "header inside message"
    );
    let items = m.cache_items();
    let mut enc = vec![0u8; 4];
    enc.extend_from_slice(&items.encode());
    let (again, _) = CacheItems::decode_at(&enc, 4, Path::new("cyrus.cache"))
        .expect("the parser's cache items encode to a readable entry");
    assert_eq!(again, items);
    let _ = m.index_dates(1_700_000_000);
    let _ = m.message_id();
    for section in [&[][..], &[1], &[1, 1], &[2], &[1, 2, 1]] {
        if let Some(part) = m.part(section) {
            let _ = message::ParsedMessage::decoded_content(part, data);
            let _ = message::ParsedMessage::text_content(part, data);
        }
    }
}

/// One message of the structured store target.
#[derive(Debug, Clone)]
struct Kept {
    data: Vec<u8>,
    deleted: bool,
}

/// A byte-driven reader of the structured target's operations.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn take(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.0.len());
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a
    }
}

const NAMES: [&str; 5] = ["user.a", "user.a.x", "user.a.x.y", "user.b", "shared"];
const NOW: u32 = 1_795_000_000;

/// Structured: an arbitrary sequence of create / append / flag / expunge /
/// quota / delete operations against a [`Store`] on [`SimFs`], checked
/// after every step against a model (which messages each mailbox holds,
/// byte for byte), and once more after a clean restart and reopen.
pub fn store_ops(data: &[u8]) {
    let sim = SimFs::new();
    let fs: FsRef = Arc::new(sim.clone());
    let mut opts = StoreOptions::new("/lib", "/spool");
    let mut input = Bytes(data);
    opts.delete_mode = if input.byte().unwrap_or(0) & 1 == 0 {
        DeleteMode::Immediate
    } else {
        DeleteMode::Delayed
    };
    let store = Store::open(fs.clone(), opts.clone()).expect("a store opens on an empty SimFs");
    // KNOWN BUG (fuzz/README.md): `Twoskip::open` with `create` does not
    // fsync the directory of the file it creates, so a new mailboxes.db
    // is lost whole at the next power cut. Make the empty store durable
    // here so the target checks everything after it; drop this line once
    // that is fixed.
    sim.sync_all();
    let mut model: BTreeMap<String, BTreeMap<u32, Kept>> = BTreeMap::new();
    let mut roots = std::collections::BTreeSet::new();
    let mut steps = 0;
    while let Some(op) = input.byte() {
        steps += 1;
        if steps > 40 {
            break;
        }
        let which = NAMES[usize::from(input.byte().unwrap_or(0)) % NAMES.len()];
        let name = MailboxName::from_internal(which).expect("fixed names parse");
        match op % 6 {
            0 => {
                let r = store.create_mailbox(&name, &NewMailbox::default(), NOW);
                let existed = model.contains_key(which);
                assert_eq!(r.is_ok(), !existed, "create {which}: {r:?}");
                // Intermediate user mailboxes are created too.
                for e in store.all_mailboxes().expect("list mailboxes") {
                    if !e.name.is_deleted() {
                        model.entry(e.name.to_internal()).or_default();
                    }
                }
            }
            1 => {
                let count = 1 + usize::from(input.byte().unwrap_or(0) % 3);
                let mut reqs = Vec::new();
                for i in 0..count {
                    let len = usize::from(input.byte().unwrap_or(0));
                    let mut msg = format!("Subject: m{steps}.{i}\r\n\r\n").into_bytes();
                    msg.extend_from_slice(input.take(len));
                    let flags = if input.byte().unwrap_or(0) & 1 == 1 {
                        vec!["\\Deleted".to_string(), "$K".to_string()]
                    } else {
                        Vec::new()
                    };
                    reqs.push(AppendRequest {
                        data: msg,
                        flags,
                        internaldate: Some(NOW),
                    });
                }
                let r = store.append(&name, &reqs, NOW);
                match (r, model.get_mut(which)) {
                    (Ok(uids), Some(m)) => {
                        assert_eq!(uids.len(), reqs.len());
                        for (u, q) in uids.iter().zip(&reqs) {
                            let fresh = m.insert(
                                u.0,
                                Kept {
                                    data: q.data.clone(),
                                    deleted: !q.flags.is_empty(),
                                },
                            );
                            assert!(fresh.is_none(), "UID {u:?} reused");
                        }
                    }
                    (Ok(_), None) => panic!("append to missing {which} succeeded"),
                    (Err(_), _) => {}
                }
            }
            2 | 3 => {
                let Ok((_, mut mb)) = store.open_mailbox(&name, LockKind::Exclusive) else {
                    assert!(!model.contains_key(which), "{which} should open");
                    continue;
                };
                let m = model
                    .get_mut(which)
                    .expect("opened mailbox is in the model");
                let pick = u32::from(input.byte().unwrap_or(0));
                if op % 6 == 2 {
                    let add = pick & 1 == 0;
                    let uid = Uid(pick / 2 % (m.len() as u32 + 2));
                    let fop = if add { FlagOp::Add } else { FlagOp::Remove };
                    if mb
                        .store_flags(&[uid], fop, SystemFlags::DELETED, &["$F"], NOW)
                        .is_ok()
                    {
                        if let Some(k) = m.get_mut(&uid.0) {
                            k.deleted = add;
                        }
                    }
                } else {
                    let mode = if pick & 1 == 0 {
                        ExpungeMode::Delayed
                    } else {
                        ExpungeMode::Immediate
                    };
                    let gone = mb
                        .expunge(None, mode, NOW)
                        .expect("expunge on a healthy fs");
                    for u in gone {
                        let k = m.remove(&u.0).expect("expunged a known message");
                        assert!(k.deleted, "expunged a message without \\Deleted");
                    }
                    assert!(m.values().all(|k| !k.deleted), "a \\Deleted message stayed");
                }
                mb.close();
            }
            4 => {
                let limit = i64::from(input.byte().unwrap_or(0)) * 4;
                let r = store.set_quota(&name, &[(QuotaResource::Storage, Some(limit))]);
                // A root outlives its mailbox (Cyrus removes roots only
                // with the user or `quota -f`), so SETQUOTA on a root set
                // before may succeed after a delete.
                if model.contains_key(which) {
                    assert!(r.is_ok(), "set_quota {which}: {r:?}");
                    roots.insert(which);
                } else if !roots.contains(which)
                    && !model.keys().any(|k| k.starts_with(&format!("{which}.")))
                {
                    // Cyrus accepts a new root above existing mailboxes.
                    assert!(r.is_err(), "set_quota on missing {which} succeeded");
                }
            }
            _ => {
                if store.delete_mailbox(&name, NOW + steps).is_ok() {
                    assert!(model.remove(which).is_some(), "deleted a missing {which}");
                }
            }
        }
        check_model(&store, &model);
    }
    drop(store);
    sim.restart();
    let store = Store::open(fs.clone(), opts).expect("the store reopens");
    check_model(&store, &model);
    let mut mdb = db::open(
        fs,
        Path::new("/lib/mailboxes.db"),
        DbBackend::Twoskip,
        OpenFlags::default(),
    )
    .expect("mailboxes.db opens");
    mdb.consistent().expect("mailboxes.db is consistent");
}

/// The store holds exactly the model's live mailboxes and messages.
fn check_model(store: &Store, model: &BTreeMap<String, BTreeMap<u32, Kept>>) {
    let live: Vec<String> = store
        .all_mailboxes()
        .expect("list mailboxes")
        .iter()
        .filter(|e| !e.name.is_deleted())
        .map(|e| e.name.to_internal())
        .collect();
    let expected: Vec<String> = model.keys().cloned().collect();
    assert_eq!(live, expected, "live mailboxes");
    for (name, msgs) in model {
        let n = MailboxName::from_internal(name).expect("model names parse");
        let (_, mb) = store
            .open_mailbox(&n, LockKind::Shared)
            .unwrap_or_else(|e| panic!("open {name}: {e}"));
        assert_eq!(mb.index().exists as usize, msgs.len(), "{name}: exists");
        for (uid, k) in msgs {
            let r = mb.record(Uid(*uid)).expect("a kept message has a record");
            assert!(!r.is_expunged());
            assert_eq!(
                r.system_flags.contains(SystemFlags::DELETED),
                k.deleted,
                "{name} {uid}: \\Deleted"
            );
            let bytes = mb.read_message(Uid(*uid)).expect("message file reads");
            assert_eq!(bytes, k.data, "{name} {uid}: bytes");
        }
    }
}
