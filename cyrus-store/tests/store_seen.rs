//! Per-user seen state through the store: the database lives where Cyrus
//! 3.6 puts it (`<config>/user/uuid/<h>/<h>/<inbox uniqueid>/seen.db`),
//! holds Cyrus's value format, and one update is one committed change.

#![allow(clippy::unwrap_used)]

mod support;

use cyrus_store::mboxname::{user_conf_path, UserId};
use cyrus_store::{Error, NewMailbox, Uid};
use support::{mbox, Site};

const NOW: u32 = 1_795_000_000;

#[test]
fn seen_db_where_cyrus_keeps_it() {
    let site = Site::new();
    let s = &site.store;
    let bob_inbox = s
        .create_mailbox(&mbox("user.bob"), &NewMailbox::default(), NOW)
        .unwrap();
    let shared = s
        .create_mailbox(&mbox("user.alice"), &NewMailbox::default(), NOW)
        .unwrap();
    let bob = UserId::try_from("bob").unwrap();
    let key = shared.uniqueid.clone().unwrap();
    assert_eq!(s.seen(&bob, &key).unwrap(), None);
    let sd = s
        .update_seen(&bob, &key, |sd| {
            sd.seenuids.add(Uid(1));
            sd.seenuids.add(Uid(2));
            sd.seenuids.add(Uid(5));
            sd.lastuid = Uid(5);
            sd.lastread = 7;
            sd.lastchange = 6;
        })
        .unwrap();
    assert_eq!(sd.encode(), b"1 7 5 6 1:2,5");
    assert_eq!(s.seen(&bob, &key).unwrap(), Some(sd));
    let path = user_conf_path(
        &s.options().config_dir,
        bob_inbox.uniqueid.as_ref().unwrap(),
        Some("seen"),
    );
    assert!(path.ends_with("seen.db"), "{path:?}");
    assert!(std::fs::metadata(&path).unwrap().len() > 0);
    // Someone without an INBOX has no seen.db.
    let carol = UserId::try_from("carol").unwrap();
    assert!(matches!(s.seen(&carol, &key), Err(Error::NonExistent(_))));
}
