//! The POP3 maildrop facade: snapshot at login, update at QUIT (login
//! time, DELEted messages expunged with quota given back, `\Seen`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use cyrus_store::mailbox::SystemFlags;
use cyrus_store::mboxname::MailboxName;
use cyrus_store::os::{FsRef, LockKind, RealFs};
use cyrus_store::quota::QuotaResource;
use cyrus_store::{AppendRequest, NewMailbox, Pop3Update, Pop3View, Store, StoreOptions, Uid};

fn site() -> (tempfile::TempDir, Store, MailboxName) {
    let dir = tempfile::tempdir().unwrap();
    let opts = StoreOptions::new(dir.path().join("lib"), dir.path().join("spool"));
    let fs: FsRef = Arc::new(RealFs::new());
    let store = Store::open(fs, opts).unwrap();
    let inbox = MailboxName::from_internal("user.bob").unwrap();
    store
        .create_mailbox(&inbox, &NewMailbox::default(), 1_700_000_000)
        .unwrap();
    (dir, store, inbox)
}

fn append(store: &Store, inbox: &MailboxName, internaldate: u32, flags: &[&str]) -> Uid {
    let data = format!("Subject: m{internaldate}\r\n\r\nbody\r\n").into_bytes();
    store
        .append(
            inbox,
            &[AppendRequest {
                data,
                flags: flags.iter().map(|f| f.to_string()).collect(),
                internaldate: Some(internaldate),
            }],
            internaldate,
        )
        .unwrap()[0]
}

#[test]
fn update_expunges_the_deleted_marks_seen_and_records_the_login() {
    let (_d, store, inbox) = site();
    store
        .set_quota(&inbox, &[(QuotaResource::Storage, Some(1000))])
        .unwrap();
    let uids: Vec<Uid> = (0..3)
        .map(|i| append(&store, &inbox, 1_700_000_100 + i, &[]))
        .collect();
    let snap = store.pop3_snapshot(&inbox, Pop3View::default()).unwrap();
    assert_eq!(snap.messages.len(), 3);
    assert!(snap.new_uidl);
    assert_eq!(snap.last_login, 0);
    let gone = store
        .pop3_update(
            &inbox,
            Pop3Update {
                last_login: 1_700_000_500,
                delete: &uids[..1],
                seen: &uids[..2],
            },
            1_700_000_500,
        )
        .unwrap();
    assert_eq!(gone, vec![uids[0]]);
    let q = store.quota(&inbox).unwrap().unwrap();
    assert_eq!(q.used(QuotaResource::Message), 2, "quota released");
    let after = store.pop3_snapshot(&inbox, Pop3View::default()).unwrap();
    assert_eq!(after.last_login, 1_700_000_500);
    assert_eq!(
        after.messages.iter().map(|m| m.uid).collect::<Vec<_>>(),
        uids[1..].to_vec()
    );
    let (_, mbox) = store.open_mailbox(&inbox, LockKind::Shared).unwrap();
    let flags = |u: Uid| mbox.record(u).unwrap().system_flags;
    assert!(flags(uids[1]).contains(SystemFlags::SEEN));
    assert!(!flags(uids[2]).contains(SystemFlags::SEEN));
    assert!(mbox.record(uids[0]).unwrap().is_expunged());
    assert!(flags(uids[0]).contains(SystemFlags::DELETED));
    drop(mbox);
    assert!(store.pop3_read(&inbox, uids[1]).unwrap().is_some());
}

#[test]
fn snapshot_hides_deleted_under_popuseimapflags_only() {
    let (_d, store, inbox) = site();
    append(&store, &inbox, 1_700_000_100, &["\\Deleted"]);
    append(&store, &inbox, 1_700_000_200, &[]);
    let all = store.pop3_snapshot(&inbox, Pop3View::default()).unwrap();
    assert_eq!(all.messages.len(), 2);
    let visible = store
        .pop3_snapshot(&inbox, Pop3View { hide_deleted: true })
        .unwrap();
    assert_eq!(visible.messages.len(), 1);
}
