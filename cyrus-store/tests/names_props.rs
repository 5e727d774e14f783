//! Property tests: encode/decode round trips and set algebra for names,
//! modified UTF-7, ACLs, sequence sets and record formats.

use proptest::prelude::*;

use cyrus_store::acl::{Acl, Rights};
use cyrus_store::annotate::AnnotValue;
use cyrus_store::ids::{Modseq, Uid};
use cyrus_store::mboxname::{mutf7, MailboxName, Namespace, NamespaceConfig, UserId, Viewer};
use cyrus_store::seen::SeqSet;

fn component() -> impl Strategy<Value = String> {
    "[A-Za-z0-9 #.'_-]{1,12}".prop_filter("no dots at the ends", |s| {
        !s.starts_with('.') && !s.ends_with('.') && s != "user" && s != "DELETED"
    })
}

proptest! {
    #[test]
    fn mutf7_round_trips(s in "\\PC{0,30}") {
        let e = mutf7::encode(&s);
        prop_assert!(e.bytes().all(|b| (0x20..0x7f).contains(&b)));
        prop_assert_eq!(mutf7::decode(&e).expect("decode"), s);
    }

    #[test]
    fn mutf7_decode_never_panics(s in "[ -~]{0,40}") {
        let _ = mutf7::decode(&s);
    }

    #[test]
    fn names_round_trip_through_all_forms(
        user in "[a-z][a-z0-9.]{0,8}",
        boxes in proptest::collection::vec(component(), 0..4),
    ) {
        let refs: Vec<&str> = boxes.iter().map(String::as_str).collect();
        let name = MailboxName::from_parts(None, Some(&user), &refs).expect("name");
        prop_assert_eq!(MailboxName::from_internal(&name.to_internal()).expect("int"), name.clone());
        prop_assert_eq!(MailboxName::from_dbname(&name.to_dbname()).expect("db"), name.clone());
        let me = UserId::try_from(user.as_str()).expect("user");
        let other = UserId::try_from("zz-other").expect("user");
        for (alt, unix) in [(true, true), (false, true), (true, false), (false, false)] {
            let cfg = NamespaceConfig { alt_namespace: alt, unix_hierarchy_sep: unix, ..NamespaceConfig::default() };
            let ns = Namespace::new(cfg, Viewer::User).expect("ns");
            for who in [&me, &other] {
                if let Some(ext) = ns.to_external(&name, Some(who)) {
                    // Components that collide with prefixes are re-homed;
                    // whatever is shown must map back to the same mailbox.
                    prop_assert_eq!(ns.to_internal(&ext, Some(who)).expect("back"), name.clone(), "{}", ext);
                }
            }
        }
    }

    #[test]
    fn rights_print_parse(bits in 0u32..0x40_0000) {
        let r = Rights::from_bits(bits);
        prop_assert_eq!(Rights::try_from(r.to_string().as_str()).expect("parse"), r);
    }

    #[test]
    fn acl_text_and_dlist_round_trip(entries in proptest::collection::vec(("-?[a-z]{1,6}", 1u32..0xfff), 0..5)) {
        let mut text = String::new();
        let mut seen = std::collections::HashSet::new();
        for (id, bits) in &entries {
            if seen.insert(id.clone()) {
                text.push_str(&format!("{id}\t{}\t", Rights::from_bits(*bits)));
            }
        }
        let acl = Acl::parse(&text).expect("acl");
        prop_assert_eq!(acl.to_cyrus_string(), text);
        prop_assert_eq!(Acl::from_dlist(&acl.to_dlist()).expect("dlist"), acl);
    }

    #[test]
    fn seqset_matches_a_model(ops in proptest::collection::vec((any::<bool>(), 1u32..60, 0u32..5), 0..30)) {
        let mut set = SeqSet::new();
        let mut model = std::collections::BTreeSet::new();
        for (add, lo, len) in ops {
            let hi = lo + len;
            if add { set.add_range(lo, hi); } else { set.remove_range(lo, hi); }
            for u in lo..=hi { if add { model.insert(u); } else { model.remove(&u); } }
        }
        let got: Vec<u32> = set.iter().map(|u| u.0).collect();
        let want: Vec<u32> = model.iter().copied().collect();
        prop_assert_eq!(&got, &want);
        for u in 1..70 { prop_assert_eq!(set.contains(Uid(u)), model.contains(&u)); }
        prop_assert_eq!(SeqSet::try_from(set.to_string().as_str()).expect("parse"), set);
    }

    #[test]
    fn annotation_values_round_trip(v in proptest::collection::vec(any::<u8>(), 0..64), m in any::<u64>()) {
        let a = AnnotValue::new(&v, Modseq(m));
        prop_assert_eq!(AnnotValue::decode(&a.encode()).expect("decode"), a);
    }

    #[test]
    fn annotation_decode_never_panics(v in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = AnnotValue::decode(&v);
    }
}
