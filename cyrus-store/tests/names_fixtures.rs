//! Golden tests: mailboxes.db records written by real Cyrus 3.6.1
//! (`shared/fixtures/cyrus-3.6/basic/expected`).

use std::path::PathBuf;

use cyrus_store::acl::{Rights, User};
use cyrus_store::db::{Db, MemDb, Walk};
use cyrus_store::ids::{Modseq, UniqueId};
use cyrus_store::mboxlist::{self, DumpScope, Intermediates, MbEntry, Pattern, Visibility};
use cyrus_store::mboxname::{MailboxName, Namespace, NamespaceConfig, UserId, Viewer};

fn expected(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/cyrus-3.6/basic/expected")
        .join(name)
}

fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'x') {
            let hex = std::str::from_utf8(&b[i + 2..i + 4]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("hex"));
            i += 4;
        } else if b[i] == b'\\' && b.get(i + 1) == Some(&b'\\') {
            out.push(b'\\');
            i += 2;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// Reads a `*.hex.txt` dump: a comment line, then `key<TAB>value`.
fn hex_records(name: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    let text = std::fs::read_to_string(expected(name)).expect("fixture");
    text.lines()
        .skip(1)
        .map(|l| {
            let (k, v) = l.split_once('\t').expect("tab");
            (unescape(k), unescape(v))
        })
        .collect()
}

fn fixture_db() -> MemDb {
    let mut db = MemDb::new();
    for (k, v) in hex_records("mailboxes.db.hex.txt") {
        db.store(&k, &v).expect("store");
    }
    db
}

fn n(s: &str) -> MailboxName {
    MailboxName::from_internal(s).expect("name")
}

#[test]
fn every_record_reencodes_byte_identically() {
    let recs = hex_records("mailboxes.db.hex.txt");
    assert_eq!(recs.len(), 25);
    for (k, v) in recs {
        let e = if k[0] == b'N' {
            let e = MbEntry::decode_name_record(&k, &v).expect("N");
            assert_eq!(MbEntry::name_key(&e.name), k);
            e.encode_name_value()
        } else {
            MbEntry::decode_id_record(&k, &v)
                .expect("I")
                .encode_id_value()
        };
        assert_eq!(String::from_utf8_lossy(&e), String::from_utf8_lossy(&v));
    }
}

#[test]
fn dump_matches_ctl_mboxlist_d() {
    let mut db = fixture_db();
    let want = std::fs::read_to_string(expected("ctl_mboxlist-d.txt")).expect("fixture");
    let got = mboxlist::dump(&mut db, DumpScope::Default, None).expect("dump");
    assert_eq!(got, want);
    let got_y = mboxlist::dump(&mut db, DumpScope::WithIntermediates, None).expect("dump");
    let want_y = std::fs::read_to_string(expected("ctl_mboxlist-d-y.txt")).expect("fixture");
    assert_eq!(got_y, want_y);
    // Undump into an empty db, dump again: same text.
    let mut db2 = MemDb::new();
    assert_eq!(
        mboxlist::undump(&mut db2, &want, 1795354276).expect("undump"),
        13
    );
    assert_eq!(
        mboxlist::dump(&mut db2, DumpScope::Default, None).expect("dump"),
        want
    );
    // And the name records are byte-identical to Cyrus's.
    let mut db = fixture_db();
    for e in mboxlist::all(&mut db, Visibility::WithTombstones).expect("all") {
        let k = MbEntry::name_key(&e.name);
        assert_eq!(
            db2.fetch(&k).expect("fetch"),
            db.fetch(&k).expect("fetch"),
            "{}",
            e.name
        );
    }
}

#[test]
fn lookups() {
    let mut db = fixture_db();
    let e = mboxlist::lookup(&mut db, &n("user.alice.a^b"))
        .expect("lookup")
        .expect("exists");
    assert_eq!(
        e.uniqueid.as_ref().map(UniqueId::as_str),
        Some("isuft3g680i7jpa7z7tyw659")
    );
    // The tombstone is hidden from lookup, visible to lookup_allow_all.
    assert!(mboxlist::lookup(&mut db, &n("user.alice.ToDelete"))
        .expect("lookup")
        .is_none());
    let t = mboxlist::lookup_allow_all(&mut db, &n("user.alice.ToDelete"))
        .expect("l")
        .expect("t");
    assert_eq!(t.mbtype.to_string(), "ed");
    let id = UniqueId::try_from("atglp0oegknwno8nc3dq5zsx").expect("id");
    let byid = mboxlist::lookup_by_uniqueid(&mut db, &id)
        .expect("l")
        .expect("e");
    assert_eq!(byid.name, n("DELETED.user.alice.ToDelete.6B02EEA4"));
    assert_eq!(byid.name_history[0].name, n("user.alice.ToDelete"));
    // Effective rights from the stored ACL.
    let e = mboxlist::lookup(&mut db, &n("user.alice.Archive.2024"))
        .expect("l")
        .expect("e");
    let acl = e.acl.expect("acl");
    assert_eq!(
        acl.rights_for(&User::new("bob"), false),
        Rights::try_from("lrs").expect("r")
    );
    let alice = UserId::try_from("alice").expect("u");
    let names: Vec<String> = mboxlist::user_mailboxes(&mut db, &alice, Visibility::Live)
        .expect("user")
        .iter()
        .map(|e| e.name.to_internal())
        .collect();
    assert_eq!(
        names,
        [
            "user.alice",
            "user.alice.#sieve",
            "user.alice.Archive",
            "user.alice.Archive.2024",
            "user.alice.Drafts",
            "user.alice.Entw&APw-rfe",
            "user.alice.Sent",
            "user.alice.a^b"
        ]
    );
}

fn list(db: &mut MemDb, who: &str, pat: &str) -> Vec<String> {
    let ns = Namespace::new(NamespaceConfig::default(), Viewer::User).expect("ns");
    let user = UserId::try_from(who).expect("u");
    let ident = User::new(who);
    let mut out = Vec::new();
    let p = Pattern::new("", pat, ns.separator());
    mboxlist::list_matching(db, &ns, Some(&user), &p, &mut |ext, e| {
        let owner = e.name.userid();
        let mut r = e
            .acl
            .as_ref()
            .map(|a| a.rights_for(&ident, false))
            .unwrap_or_default();
        if owner.as_ref() == Some(&user) {
            r |= Rights::LOOKUP;
        }
        // Cyrus hides `#sieve` (type `f`) from LIST.
        if r.contains(Rights::LOOKUP) && e.mbtype.to_string() == "e" {
            out.push(ext.to_string());
        }
        Ok(Walk::Continue)
    })
    .expect("list");
    out
}

#[test]
fn list_matches_fixture_imap_list() {
    let mut db = fixture_db();
    let alice = list(&mut db, "alice", "*");
    assert_eq!(
        alice,
        [
            "INBOX",
            "Archive",
            "Archive/2024",
            "Drafts",
            "Entw&APw-rfe",
            "Sent",
            "a.b",
            "Shared Folders/shared-news"
        ]
    );
    assert_eq!(
        list(&mut db, "bob", "*"),
        [
            "INBOX",
            "Work",
            "Other Users/alice/Archive",
            "Other Users/alice/Archive/2024",
            "Shared Folders/shared-news"
        ]
    );
    assert_eq!(list(&mut db, "alice", "Archive/%"), ["Archive/2024"]);
    assert_eq!(
        list(&mut db, "alice", "%"),
        ["INBOX", "Archive", "Drafts", "Entw&APw-rfe", "Sent", "a.b"]
    );
    assert_eq!(
        list(&mut db, "bob", "Other Users/alice/*"),
        [
            "Other Users/alice/Archive",
            "Other Users/alice/Archive/2024"
        ]
    );
}

#[test]
fn delayed_delete_reproduces_fixture_records() {
    // Build alice's ToDelete as Cyrus did, then delete it the delayed way:
    // the records must equal what real Cyrus wrote.
    let mut db = MemDb::new();
    let fixture = fixture_db();
    let live = r"%(T e I atglp0oegknwno8nc3dq5zsx P default V 1795354277 C 1 F 3 M 1795354276 A %(alice lrswipkxtecdan))";
    let e = MbEntry::decode_name_record(b"Nuser\x1falice\x1fToDelete", live.as_bytes()).expect("e");
    mboxlist::create(&mut db, &e, Intermediates::Report, 1795354276).expect("create");
    let old = n("user.alice.ToDelete");
    let new = old.to_deleted(0x6B02EEA4);
    mboxlist::rename(&mut db, &old, &new, None, Modseq(3), 1795354276).expect("rename");
    for k in [
        &b"Nuser\x1falice\x1fToDelete"[..],
        b"NDELETED\x1fuser\x1falice\x1fToDelete\x1f6B02EEA4",
        b"Iatglp0oegknwno8nc3dq5zsx",
    ] {
        let mut f = fixture.clone();
        assert_eq!(
            db.fetch(k)
                .expect("fetch")
                .map(|v| String::from_utf8_lossy(&v).into_owned()),
            f.fetch(k)
                .expect("fetch")
                .map(|v| String::from_utf8_lossy(&v).into_owned()),
            "{}",
            String::from_utf8_lossy(k)
        );
    }
}

#[test]
fn create_makes_intermediates_and_rejects_duplicates() {
    let mut db = fixture_db();
    let mut e = MbEntry::new(n("user.bob.a.b.c"));
    e.partition = Some("default".into());
    e.uniqueid = Some(UniqueId::try_from("newid0000000000000000000").expect("id"));
    e.acl = Some(cyrus_store::acl::Acl::for_new_inbox("bob"));
    let missing = mboxlist::create(&mut db, &e, Intermediates::Placeholders, 5).expect("create");
    assert_eq!(missing, [n("user.bob.a"), n("user.bob.a.b")]);
    let mid = mboxlist::lookup_allow_all(&mut db, &n("user.bob.a"))
        .expect("l")
        .expect("i");
    assert_eq!(mid.mbtype.to_string(), "ei");
    assert!(mboxlist::lookup(&mut db, &n("user.bob.a"))
        .expect("l")
        .is_none());
    assert!(matches!(
        mboxlist::create(&mut db, &e, Intermediates::Report, 5),
        Err(mboxlist::MboxlistError::Exists(_))
    ));
    let old = mboxlist::delete(&mut db, &n("user.bob.a.b.c"), Modseq(9), 6).expect("delete");
    assert_eq!(old.name, n("user.bob.a.b.c"));
    let t = mboxlist::lookup_allow_all(&mut db, &n("user.bob.a.b.c"))
        .expect("l")
        .expect("t");
    assert_eq!(t.mbtype.to_string(), "ed");
    assert!(mboxlist::delete(&mut db, &n("user.bob.nothing"), Modseq(1), 6).is_err());
}

#[test]
fn quota_fixture_and_reports() {
    use cyrus_store::quota::{self, QuotaResource};
    let mut db = MemDb::new();
    for (k, v) in hex_records("quotas.quotalegacy.hex.txt") {
        let q = quota::Quota::decode(std::str::from_utf8(&k).expect("utf8"), &v).expect("decode");
        assert_eq!(q.encode(), v);
        db.store(&k, &v).expect("store");
    }
    let qs = quota::all(&mut db, "").expect("all");
    let admin = Namespace::new(NamespaceConfig::default(), Viewer::Admin).expect("ns");
    let want = std::fs::read_to_string(expected("quota.txt")).expect("fixture");
    assert_eq!(quota::report(&admin, &qs), want);
    let want_j = std::fs::read_to_string(expected("quota-J.txt")).expect("fixture");
    assert_eq!(quota::report_json(&admin, &qs), want_j);
    let root = quota::find_root(&mut db, &n("user.alice.Archive.2024")).expect("root");
    assert_eq!(root.as_deref(), Some("user.alice"));
    assert_eq!(
        quota::find_root(&mut db, &n("shared-news")).expect("root"),
        None
    );
    let bob = quota::read(&mut db, "user.bob")
        .expect("read")
        .expect("bob");
    assert!(bob.check(QuotaResource::Storage, 50 * 1024).is_err());
}

#[test]
fn deliver_db_fixture_and_ctl_deliver_dump() {
    use cyrus_store::duplicate::{self, DuplicateKey, DuplicateMark};
    let mut db = MemDb::new();
    for (k, v) in hex_records("deliver.db.hex.txt") {
        let key = DuplicateKey::decode(&k).expect("key");
        assert_eq!(key.encode(), k);
        let m = DuplicateMark::decode(&v).expect("mark");
        assert_eq!(m.encode().as_slice(), v.as_slice());
        db.store(&k, &v).expect("store");
    }
    let want = std::fs::read_to_string(expected("ctl_deliver-d.txt")).expect("fixture");
    let now: i64 = want
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("it is NOW: "))
        .and_then(|n| n.parse().ok())
        .expect("now");
    assert_eq!(duplicate::dump(&mut db, now).expect("dump"), want);
    let k = DuplicateKey::new(
        b"<fixture-01-plain@example.org>",
        b"1h27n4nb8groy211tvj675ss",
        b"Mon, 01 Jan 2024 10:00:00 +0000",
    )
    .expect("k");
    assert_eq!(
        duplicate::check(&mut db, &k).expect("check").map(|m| m.uid),
        Some(1)
    );
}

#[test]
fn annotations_db_fixture() {
    use cyrus_store::annotate::{self, AnnotKey, AnnotOwner, AnnotScope, AnnotValue};
    let mut db = MemDb::new();
    for (k, v) in hex_records("annotations.db.hex.txt") {
        assert!(AnnotKey::decode(&k).is_some());
        let val = AnnotValue::decode(&v).expect("value");
        assert_eq!(val.encode(), v);
        db.store(&k, &v).expect("store");
    }
    let mut mdb = fixture_db();
    let archive = mboxlist::lookup(&mut mdb, &n("user.alice.Archive"))
        .expect("l")
        .expect("e");
    let id = archive.uniqueid.clone().expect("id");
    let scope = AnnotScope::Mailbox {
        id: &id,
        name: &archive.name,
    };
    let alice = UserId::try_from("alice").expect("u");
    let k = annotate::key(scope, "/comment", AnnotOwner::Private(&alice)).expect("k");
    let v = annotate::get(&mut db, &k).expect("get").expect("value");
    assert_eq!(v.value, b"Alice's private note on Archive");
    let shared = annotate::get(
        &mut db,
        &annotate::key(scope, "/comment", AnnotOwner::Shared).expect("k"),
    )
    .expect("get")
    .expect("v");
    assert_eq!(shared.value, b"Shared note on Archive");
    let server = annotate::list(
        &mut db,
        &annotate::prefix(AnnotScope::Server, "").expect("p"),
    )
    .expect("list");
    let entries: Vec<(String, String)> = server
        .iter()
        .map(|(k, _)| (k.entry.clone(), k.userid.clone()))
        .collect();
    assert_eq!(
        entries,
        [
            ("/admin".to_string(), String::new()),
            ("/comment".into(), String::new()),
            ("/comment".into(), "alice".into())
        ]
    );
}

#[test]
fn seen_and_subs_fixtures() {
    use cyrus_store::seen;
    use cyrus_store::subs;
    let mut db = MemDb::new();
    for (k, v) in hex_records("bob.seen.db.hex.txt") {
        let sd = seen::SeenData::decode(std::str::from_utf8(&k).expect("k"), &v).expect("seen");
        assert_eq!(sd.encode(), v);
        db.store(&k, &v).expect("store");
    }
    let news = UniqueId::try_from("f6kqqnb7r1o4m1itqypn2s30").expect("id");
    let sd = seen::read(&mut db, &news).expect("read").expect("sd");
    assert_eq!(sd.seenuids.to_string(), "1:2");
    assert_eq!(seen::all(&mut db).expect("all").len(), 2);

    let alice = UserId::try_from("alice").expect("u");
    let mut mine = MemDb::new();
    for name in [
        "user.alice.Sent",
        "user.alice.Archive",
        "user.alice.Archive.2024",
    ] {
        subs::subscribe(&mut mine, &alice, &n(name)).expect("sub");
    }
    let want = hex_records("alice.sub.db.hex.txt");
    let got: Vec<(Vec<u8>, Vec<u8>)> = mine.committed().clone().into_iter().collect();
    assert_eq!(got, want);
}

#[test]
fn subtree_rename_and_new_acls() {
    let mut db = fixture_db();
    let root = n("user.alice.Archive");
    let moved = mboxlist::rename_subtree(
        &mut db,
        &root,
        &|m| m.to_deleted(0x6C000000),
        None,
        Modseq(10),
        7,
    )
    .expect("rename tree");
    let names: Vec<String> = moved.iter().map(|e| e.name.to_internal()).collect();
    assert_eq!(
        names,
        [
            "DELETED.user.alice.Archive.6C000000",
            "DELETED.user.alice.Archive.2024.6C000000"
        ]
    );
    for old in ["user.alice.Archive", "user.alice.Archive.2024"] {
        let t = mboxlist::lookup_allow_all(&mut db, &n(old))
            .expect("l")
            .expect("t");
        assert_eq!(t.mbtype.to_string(), "ed", "{old}");
    }
    let e = mboxlist::lookup(&mut db, &n("DELETED.user.alice.Archive.2024.6C000000"))
        .expect("l")
        .expect("e");
    assert_eq!(
        e.acl.map(|a| a.to_string()).as_deref(),
        Some("alice lrswipkxtecdan bob lrsw -bob w")
    );
    let acl =
        mboxlist::acl_for_new_mailbox(&mut db, &n("user.bob.Work.Sub"), "anyone lrs").expect("acl");
    assert_eq!(acl.to_string(), "bob lrswipkxtecdan");
    let acl = mboxlist::acl_for_new_mailbox(&mut db, &n("user.carol"), "anyone lrs").expect("acl");
    assert_eq!(acl.to_string(), "carol lrswipkxtecdan");
    let acl =
        mboxlist::acl_for_new_mailbox(&mut db, &n("shared-news.sub"), "anyone lrs").expect("acl");
    assert_eq!(acl.to_string(), "anyone lr bob lrswipkxtecdan");
    let acl = mboxlist::acl_for_new_mailbox(&mut db, &n("newtop"), "anyone lrs").expect("acl");
    assert_eq!(acl.to_string(), "anyone lrs");
}

#[test]
fn mbpath_fixture_paths() {
    use cyrus_store::mboxname::{DirHash::FirstLetter, SpoolHash};
    let mut db = fixture_db();
    let admin = Namespace::new(NamespaceConfig::default(), Viewer::Admin).expect("ns");
    let text = std::fs::read_to_string(expected("mbpath.txt")).expect("fixture");
    let root = std::path::Path::new("@ROOT@");
    let mut checked = 0;
    let mut current: Option<MbEntry> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# mbpath -C @ROOT@/etc/imapd.conf -a ") {
            let name = admin.to_internal(rest, None).expect("internal");
            current = mboxlist::lookup(&mut db, &name).expect("lookup");
            assert!(current.is_some(), "{rest}");
        } else if let (Some(e), Some(p)) = (&current, line.strip_prefix("Data: ")) {
            let got = e.data_dir(&root.join("spool"), SpoolHash::Hashed(FirstLetter));
            assert_eq!(got.to_str(), Some(p));
            checked += 1;
        } else if let (Some(e), Some(p)) = (&current, line.strip_prefix("User: ")) {
            let got = mboxlist::conf_path(&mut db, &root.join("lib"), &e.name, None, FirstLetter)
                .expect("conf");
            assert_eq!(got.to_str(), Some(p), "{}", e.name);
            checked += 1;
        }
    }
    assert_eq!(checked, 24);
    let alice = n("user.alice.Sent");
    let seen = mboxlist::conf_path(
        &mut db,
        std::path::Path::new("/c"),
        &alice,
        Some("seen"),
        FirstLetter,
    )
    .expect("conf");
    assert_eq!(
        seen.to_str(),
        Some("/c/user/uuid/1/h/1h27n4nb8groy211tvj675ss/seen.db")
    );
    let legacy = mboxlist::conf_path(
        &mut db,
        std::path::Path::new("/c"),
        &n("user.zed"),
        Some("seen"),
        FirstLetter,
    )
    .expect("conf");
    assert_eq!(legacy.to_str(), Some("/c/user/z/zed.seen"));
}

#[test]
fn admin_list_matches_fixture_server_txt() {
    let mut db = fixture_db();
    let admin = Namespace::new(NamespaceConfig::default(), Viewer::Admin).expect("ns");
    let text = std::fs::read_to_string(expected("imap/server.txt")).expect("fixture");
    let want: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("* LIST "))
        .map(str::to_string)
        .collect();
    let mut got = Vec::new();
    let p = Pattern::new("", "*", '/');
    let mut entries = Vec::new();
    mboxlist::list_matching(&mut db, &admin, None, &p, &mut |ext, e| {
        entries.push((ext.to_string(), e.name.clone()));
        Ok(Walk::Continue)
    })
    .expect("list");
    for (ext, name) in entries {
        let kids = mboxlist::has_children(&mut db, &name).expect("children");
        let flag = if kids {
            "\\HasChildren"
        } else {
            "\\HasNoChildren"
        };
        got.push(format!("({flag}) \"/\" {ext}"));
    }
    assert_eq!(got, want);
}

#[test]
fn myrights_match_fixture_list_txt() {
    use cyrus_store::acl::{RightsPolicy, Role};
    let mut db = fixture_db();
    let ns = Namespace::new(NamespaceConfig::default(), Viewer::User).expect("ns");
    let pol = RightsPolicy::default();
    let text = std::fs::read_to_string(expected("imap/list.txt")).expect("fixture");
    let mut who = "alice";
    let mut checked = 0;
    for line in text.lines() {
        if line.starts_with("alice5") {
            who = "bob";
        }
        let Some(rest) = line.strip_prefix("* MYRIGHTS ") else {
            continue;
        };
        let (ext, rights) = rest.rsplit_once(' ').expect("rights");
        let ext = ext.trim_matches('"');
        let user = UserId::try_from(who).expect("u");
        let name = ns.to_internal(ext, Some(&user)).expect("internal");
        let e = mboxlist::lookup(&mut db, &name).expect("l").expect("e");
        let owner = e.name.userid();
        let r = pol.effective_rights(
            &e.acl.clone().unwrap_or_default(),
            &User::new(who),
            owner.as_ref().map(UserId::as_str),
            Role::User,
        );
        assert_eq!(r.to_string(), rights, "{who} {ext}");
        checked += 1;
    }
    assert_eq!(checked, 13);
}

/// The per-message annotation alice stored (`UID STORE 13 ANNOTATION
/// (/comment (value.priv "alice private note" value.shared "shared
/// note"))`) reads back from INBOX's `cyrus.annotations` (twoskip): a
/// shared value and the owner's private one, which Cyrus stores under the
/// `[.OwNeR.]` token, with the modseqs of the STORE.
#[test]
fn per_message_annotations_in_cyrus_annotations() {
    use cyrus_store::annotate;
    use cyrus_store::db::{open, DbBackend, OpenFlags};
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/cyrus-3.6/basic/spool/uuid/1/h/1h27n4nb8groy211tvj675ss/cyrus.annotations");
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = dir.path().join("cyrus.annotations");
    std::fs::copy(&src, &copy).expect("copy");
    let fs: cyrus_store::os::FsRef = std::sync::Arc::new(cyrus_store::os::RealFs::new());
    let mut db = open(
        fs,
        &copy,
        DbBackend::Twoskip,
        OpenFlags {
            read_only: true,
            ..OpenFlags::default()
        },
    )
    .expect("open cyrus.annotations");
    let all = annotate::list(db.as_mut(), b"").expect("list");
    let mut found: Vec<(String, String, String, String, u64)> = all
        .iter()
        .map(|(k, v)| {
            (
                k.part1.clone(),
                k.entry.clone(),
                k.userid.clone(),
                String::from_utf8_lossy(&v.value).into_owned(),
                v.modseq.get(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            (
                "13".into(),
                "/comment".into(),
                "".into(),
                "shared note".into(),
                44
            ),
            (
                "13".into(),
                "/comment".into(),
                annotate::OWNER_TOKEN.into(),
                "alice private note".into(),
                45
            ),
        ],
        "{all:?}"
    );
}
