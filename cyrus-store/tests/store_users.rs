//! Deleting a whole user (`Store::delete_user`, an admin's `DELETE
//! user/x`): every mailbox of the user goes (to `DELETED.*` under delayed
//! delete), then their seen/subscription files, Sieve scripts and quota
//! roots; other users keep everything.

#![allow(clippy::unwrap_used)]

mod support;

use cyrus_store::mboxname::{user_conf_path, UserId};
use cyrus_store::quota::QuotaResource;
use cyrus_store::sieve::SieveLimits;
use cyrus_store::{Error, NewMailbox, Uid};
use support::{mbox, Site};

const NOW: u32 = 1_795_000_000;

/// A user `carol` with folders, a quota root, a seen record, a
/// subscription and an active Sieve script; and `dave` beside her.
fn populated() -> (Site, UserId, UserId) {
    let site = Site::with_sieve_user("carol");
    let s = &site.store;
    for name in ["user.carol.Work", "user.carol.Work.Old", "user.dave"] {
        s.create_mailbox(&mbox(name), &NewMailbox::default(), NOW)
            .unwrap();
    }
    let carol = UserId::try_from("carol").unwrap();
    let dave = UserId::try_from("dave").unwrap();
    s.set_quota(&mbox("user.carol"), &[(QuotaResource::Storage, Some(1000))])
        .unwrap();
    s.set_quota(
        &mbox("user.carol.Work"),
        &[(QuotaResource::Message, Some(5))],
    )
    .unwrap();
    s.set_quota(&mbox("user.dave"), &[(QuotaResource::Storage, Some(7))])
        .unwrap();
    let work = s.lookup(&mbox("user.carol.Work")).unwrap().unwrap();
    s.update_seen(&carol, &work.uniqueid.unwrap(), |sd| {
        sd.seenuids.add(Uid(1));
        sd.lastuid = Uid(1);
    })
    .unwrap();
    s.set_subscribed(&carol, &mbox("user.carol.Work"), true)
        .unwrap();
    s.set_subscribed(&dave, &mbox("user.dave"), true).unwrap();
    let lim = SieveLimits::default();
    s.sieve_put(&carol, "main", b"keep;\r\n", b"BC", &lim, "localhost", NOW)
        .unwrap();
    s.sieve_activate(&carol, Some("main"), None, NOW).unwrap();
    (site, carol, dave)
}

#[test]
fn deleting_a_user_removes_their_mailboxes_files_scripts_and_quota() {
    let (site, carol, dave) = populated();
    let s = &site.store;
    let inbox = s.lookup(&mbox("user.carol")).unwrap().unwrap();
    let userdir = user_conf_path(
        &site.root().join("lib"),
        inbox.uniqueid.as_ref().unwrap(),
        None,
    );
    let sieve_dir = s.sieve_dir(&carol).unwrap();
    assert!(userdir.join("seen.db").exists() && userdir.join("sub.db").exists());
    assert!(sieve_dir.join("defaultbc").exists() || sieve_dir.join("main.bc").exists());

    s.delete_user(&carol, NOW + 1).unwrap();

    for gone in [
        "user.carol",
        "user.carol.Work",
        "user.carol.Work.Old",
        "user.carol.#sieve",
    ] {
        assert!(
            s.lookup(&mbox(gone)).unwrap().is_none(),
            "{gone} still there"
        );
    }
    // Delayed delete (the default) keeps each mailbox under DELETED.
    for kept in ["user.carol", "user.carol.Work", "user.carol.Work.Old"] {
        let deleted = mbox(kept).to_deleted(NOW + 1);
        assert!(s.lookup(&deleted).unwrap().is_some(), "{deleted:?} missing");
    }
    assert!(!userdir.exists(), "per-user directory left: {userdir:?}");
    assert!(!sieve_dir.exists(), "sieve directory left: {sieve_dir:?}");
    assert!(s.quota(&mbox("user.carol")).unwrap().is_none());
    assert!(s.quota(&mbox("user.carol.Work")).unwrap().is_none());

    // dave is untouched.
    assert!(s.lookup(&mbox("user.dave")).unwrap().is_some());
    assert_eq!(
        s.quota(&mbox("user.dave"))
            .unwrap()
            .unwrap()
            .limit(QuotaResource::Storage),
        Some(7)
    );
    assert_eq!(s.subscriptions(&dave).unwrap(), vec![mbox("user.dave")]);

    // The name is free again: a new carol starts empty.
    s.create_mailbox(&mbox("user.carol"), &NewMailbox::default(), NOW + 2)
        .unwrap();
    assert_eq!(s.subscriptions(&carol).unwrap(), Vec::new());
    assert!(s.sieve_list(&carol).unwrap().is_empty());
}

#[test]
fn a_missing_user_is_nonexistent_and_a_parent_with_children_is_kept() {
    let (site, _, _) = populated();
    let s = &site.store;
    let nobody = UserId::try_from("nobody").unwrap();
    assert!(matches!(
        s.delete_user(&nobody, NOW),
        Err(Error::NonExistent(_))
    ));
    // DELETE of a mailbox with children is refused, as Cyrus's DELETE.
    assert!(matches!(
        s.delete_mailbox(&mbox("user.carol.Work"), NOW),
        Err(Error::HasChildren(_))
    ));
    assert!(s.lookup(&mbox("user.carol.Work")).unwrap().is_some());
}

#[test]
fn deleting_gives_back_every_quota_resource_including_annotations() {
    use cyrus_store::annotate::AnnotOwner;
    use cyrus_store::{AnnotChange, AnnotTarget};
    let (site, _, _) = populated();
    let s = &site.store;
    let work = s.lookup(&mbox("user.carol.Work.Old")).unwrap().unwrap();
    s.set_annotations(
        AnnotTarget::Mailbox(&work),
        &[AnnotChange {
            entry: "/comment",
            owner: AnnotOwner::Shared,
            value: b"twelve bytes",
        }],
    )
    .unwrap();
    let root = mbox("user.carol.Work");
    let before = s.quota(&root).unwrap().unwrap();
    assert_eq!(before.used(QuotaResource::AnnotationStorage), 12);
    s.delete_mailbox(&mbox("user.carol.Work.Old"), NOW).unwrap();
    let after = s.quota(&root).unwrap().unwrap();
    for r in [
        QuotaResource::Storage,
        QuotaResource::Message,
        QuotaResource::AnnotationStorage,
    ] {
        assert_eq!(after.used(r), 0, "{r:?} not given back");
    }
    assert_eq!(
        after.used(QuotaResource::NumFolders),
        before.used(QuotaResource::NumFolders) - 1
    );
}

#[test]
fn a_delete_whose_deleted_name_is_taken_leaves_the_mailbox_as_it_was() {
    let (site, _, _) = populated();
    let s = &site.store;
    let name = mbox("user.carol.Work.Old");
    // DELETE, CREATE, DELETE in the same second: the second DELETED name
    // is the first one's.
    s.delete_mailbox(&name, NOW).unwrap();
    s.create_mailbox(&name, &NewMailbox::default(), NOW)
        .unwrap();
    assert!(s.delete_mailbox(&name, NOW).is_err());
    let (entry, mb) = s
        .open_mailbox(&name, cyrus_store::os::LockKind::Shared)
        .unwrap();
    assert_eq!(entry.name, name);
    assert_eq!(mb.header().name, "user.carol.Work.Old");
    assert_eq!(mb.header().quotaroot.as_deref(), Some("user.carol.Work"));
}
