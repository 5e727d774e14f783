//! Property tests for the mailbox codecs: decoders never panic on any
//! bytes, and encode → decode is the identity.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::Path;

use cyrus_store::ids::{Guid, Modseq, Uid, UniqueId};
use cyrus_store::mailbox::{
    CacheItems, IndexHeader, IndexRecord, InternalFlags, MailboxHeader, SystemFlags, UserFlags,
};
use proptest::prelude::*;

fn record() -> impl Strategy<Value = IndexRecord> {
    (
        (
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
        ),
        (
            0u64..(1 << 48),
            any::<u32>(),
            any::<u32>(),
            any::<[u32; 4]>(),
            any::<u32>(),
        ),
        (
            any::<[u8; 20]>(),
            any::<u64>(),
            any::<u64>(),
            any::<u64>(),
            any::<u32>(),
            0u32..0x10000,
        ),
    )
        .prop_map(|(a, b, c)| IndexRecord {
            uid: Uid(a.0),
            internaldate: a.1,
            sentdate: a.2,
            size: a.3,
            header_size: a.4,
            gmtime: a.5,
            cache_offset: b.0,
            last_updated: b.1,
            system_flags: SystemFlags::from_bits_truncate(b.2),
            internal_flags: InternalFlags::from_bits_truncate(b.2),
            user_flags: UserFlags(b.3),
            savedate: b.4,
            guid: Guid(c.0),
            modseq: Modseq(c.1),
            cid: c.2,
            createdmodseq: Modseq(c.3),
            cache_crc: c.4,
            cache_version: c.5,
        })
}

proptest! {
    #[test]
    fn record_round_trips(r in record(), v in prop::sample::select(vec![12u32, 13, 14, 15, 16, 17, 19])) {
        let r = r.for_version(v);
        let b = r.encode(v).unwrap();
        prop_assert_eq!(IndexRecord::decode(&b, v, Path::new("x"), 0).unwrap(), r);
    }

    #[test]
    fn decoders_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400), v in 0u32..25, off in 0u64..500) {
        let _ = IndexRecord::decode(&bytes, v, Path::new("x"), 0);
        let _ = IndexHeader::decode(&bytes, Path::new("x"));
        let _ = MailboxHeader::decode(&bytes, Path::new("x"));
        let _ = CacheItems::decode_at(&bytes, off, Path::new("x"));
    }

    #[test]
    fn header_with_valid_version_never_panics(mut bytes in prop::collection::vec(any::<u8>(), 160..200),
                                              v in prop::sample::select(vec![6u32, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 19])) {
        bytes[8..12].copy_from_slice(&v.to_be_bytes());
        let _ = IndexHeader::decode(&bytes, Path::new("x"));
    }

    #[test]
    fn cache_items_round_trip(items in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 10)) {
        let mut c = CacheItems::default();
        for (slot, it) in c.0.iter_mut().zip(items) {
            *slot = it;
        }
        let mut file = vec![0, 0, 0, 0];
        let e = c.encode();
        file.extend_from_slice(&e);
        let (d, n) = CacheItems::decode_at(&file, 4, Path::new("x")).unwrap();
        prop_assert_eq!(d, c);
        prop_assert_eq!(n, e.len());
    }

    #[test]
    fn cyrus_header_round_trips(flags in prop::collection::vec(prop::option::of("[A-Za-z$][A-Za-z0-9_$]{0,10}"), 0..20),
                                name in "[a-z][a-z0-9.^]{0,20}", rights in "[a-z]{1,14}") {
        let mut flags = flags;
        while flags.last() == Some(&None) {
            flags.pop();
        }
        let h = MailboxHeader {
            mbtype: "e".into(),
            name,
            uniqueid: Some(UniqueId::try_from("abcdefghijklmnopqrstuvwx").unwrap()),
            quotaroot: None,
            acl: format!("anyone\t{rights}\t"),
            user_flags: flags,
        };
        prop_assert_eq!(MailboxHeader::decode(&h.encode(), Path::new("x")).unwrap(), h);
    }
}
