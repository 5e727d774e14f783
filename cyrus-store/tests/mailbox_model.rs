//! Model-based test: random sequences of mailbox operations on SimFs are
//! checked against a simple model after every step, and a power cut at a
//! random point of the last operation leaves either the state before it
//! or the state after it.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

#[path = "mailbox_util.rs"]
mod util;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use cyrus_store::ids::Uid;
use cyrus_store::mailbox::{ExpungeMode, FlagOp, Mailbox, SystemFlags};
use cyrus_store::os::{Fault, FsRef, LockKind, SimFs};
use proptest::prelude::*;

const DIR: &str = "/spool/uuid/a/b/abcdefghijklmnopqrstuvwx";

#[derive(Debug, Clone)]
enum Op {
    Append(u8),
    Store(u8, bool, u8),
    Expunge(u8),
    Unexpunge(u8),
    Repack,
    Expire,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1u8..4).prop_map(Op::Append),
        3 => (any::<u8>(), any::<bool>(), 0u8..32).prop_map(|(u, a, f)| Op::Store(u, a, f)),
        1 => (0u8..3).prop_map(Op::Expunge),
        1 => any::<u8>().prop_map(Op::Unexpunge),
        1 => Just(Op::Repack),
        1 => Just(Op::Expire),
    ]
}

/// What a client can see: live messages (flags, body) and restorable ones.
#[derive(Debug, Clone, PartialEq, Default)]
struct Model {
    live: BTreeMap<u32, (u32, Vec<u8>)>,
    restorable: BTreeMap<u32, (u32, Vec<u8>)>,
    last_uid: u32,
}

fn observe(mb: &Mailbox) -> Model {
    let mut m = Model {
        last_uid: mb.index().last_uid.0,
        ..Default::default()
    };
    for r in mb.records() {
        if r.is_unlinked() {
            continue;
        }
        let body = mb.read_message(r.uid).unwrap();
        let entry = (r.system_flags.bits(), body);
        if r.is_expunged() {
            m.restorable.insert(r.uid.0, entry);
        } else {
            m.live.insert(r.uid.0, entry);
        }
    }
    m
}

fn pick(keys: Vec<u32>, n: u8) -> Option<u32> {
    (!keys.is_empty()).then(|| keys[n as usize % keys.len()])
}

/// Applies `op` to the model (always) and to the mailbox; returns whether
/// the mailbox call returned Ok.
fn apply(m: &mut Model, mb: &mut Mailbox, op: &Op, now: u32) -> bool {
    match op {
        Op::Append(k) => {
            let msgs: Vec<_> = (0..*k)
                .map(|i| util::message(m.last_uid + 1 + u32::from(i)))
                .collect();
            for msg in &msgs {
                m.last_uid += 1;
                m.live
                    .insert(m.last_uid, (msg.system_flags.bits(), msg.data.clone()));
            }
            mb.append_batch(&msgs, now).is_ok()
        }
        Op::Store(u, add, f) => {
            let Some(uid) = pick(m.live.keys().copied().collect(), *u) else {
                return true;
            };
            let flags = SystemFlags::from_bits_truncate(u32::from(*f));
            let e = m.live.get_mut(&uid).unwrap();
            e.0 = if *add {
                e.0 | flags.bits()
            } else {
                e.0 & !flags.bits()
            };
            let how = if *add { FlagOp::Add } else { FlagOp::Remove };
            mb.store_flags(&[Uid(uid)], how, flags, &[], now).is_ok()
        }
        Op::Expunge(mode) => {
            let mode = [
                ExpungeMode::Delayed,
                ExpungeMode::SemiDelayed,
                ExpungeMode::Immediate,
            ][*mode as usize];
            let gone: Vec<u32> = m
                .live
                .iter()
                .filter(|(_, (f, _))| f & SystemFlags::DELETED.bits() != 0)
                .map(|(u, _)| *u)
                .collect();
            for u in gone {
                let e = m.live.remove(&u).unwrap();
                if mode == ExpungeMode::Delayed {
                    m.restorable.insert(u, e);
                }
            }
            mb.expunge(None, mode, now).is_ok()
        }
        Op::Unexpunge(u) => {
            let Some(uid) = pick(m.restorable.keys().copied().collect(), *u) else {
                return true;
            };
            let (f, body) = m.restorable.remove(&uid).unwrap();
            m.last_uid += 1;
            m.live
                .insert(m.last_uid, (f & !SystemFlags::DELETED.bits(), body));
            mb.unexpunge(&[Uid(uid)], true, now).is_ok()
        }
        Op::Repack => mb.repack(now).is_ok(),
        Op::Expire => {
            m.restorable.clear();
            mb.expire_expunged(u32::MAX, now).is_ok()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn operations_match_the_model_and_survive_a_cut(ops in prop::collection::vec(op(), 1..14), cut in 1u64..60) {
        let sim = SimFs::new();
        let fs: FsRef = Arc::new(sim.clone());
        util::create(&fs, Path::new(DIR)).close();
        let mut model = Model::default();
        let (last, init) = ops.split_last().unwrap();
        let mut now = 1_000;
        for op in init {
            let mut mb = Mailbox::open(fs.clone(), Path::new(DIR), LockKind::Exclusive).unwrap();
            now += 1;
            prop_assert!(apply(&mut model, &mut mb, op, now), "{op:?} failed");
            util::check_consistent(&mb);
            prop_assert_eq!(observe(&mb), model.clone());
            mb.close();
        }
        let before = model.clone();
        let mut mb = Mailbox::open(fs.clone(), Path::new(DIR), LockKind::Exclusive).unwrap();
        sim.set_fault(Fault::CrashAt(cut));
        let ok = apply(&mut model, &mut mb, last, now + 1);
        drop(mb);
        sim.restart();
        let mb = Mailbox::open(fs.clone(), Path::new(DIR), LockKind::Shared).unwrap();
        util::check_consistent(&mb);
        let seen = observe(&mb);
        if ok {
            prop_assert_eq!(seen, model, "an Ok operation was lost ({:?})", last);
        } else {
            // last_uid may have been spent by a half-done append; compare the rest.
            let same = |a: &Model, b: &Model| a.live == b.live && a.restorable == b.restorable;
            prop_assert!(same(&seen, &before) || same(&seen, &model), "{last:?} cut at {cut}: neither before nor after");
        }
    }
}
