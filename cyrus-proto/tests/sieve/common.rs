//! Shared helpers for the Sieve integration tests.
#![allow(dead_code)]

use std::collections::HashMap;

use cyrus_proto::sieve::{
    Action, CompileOptions, DateTime, DuplicateId, EvalOptions, Host, IncludeLocation, Outcome,
    ParsedMessage, RuntimeError, Script,
};

/// A host with in-memory mailboxes, duplicates and scripts.
#[derive(Default)]
pub struct TestHost {
    pub mailboxes: Vec<String>,
    pub special_uses: Vec<(String, String)>,
    pub mailbox_ids: Vec<String>,
    pub seen: Vec<DuplicateId>,
    pub personal: HashMap<String, String>,
    pub global: HashMap<String, String>,
    pub env: HashMap<String, String>,
    /// (mailbox or "" for server, annotation) -> value
    pub metadata: HashMap<(String, String), String>,
    pub lists: HashMap<String, Vec<String>>,
}

impl Host for TestHost {
    fn mailbox_exists(&self, m: &str) -> bool {
        self.mailboxes.iter().any(|x| x == m)
    }
    fn special_use_exists(&self, mailbox: Option<&str>, uses: &[String]) -> bool {
        uses.iter().all(|u| {
            self.special_uses
                .iter()
                .any(|(m, su)| su.eq_ignore_ascii_case(u) && mailbox.is_none_or(|x| x == m))
        })
    }
    fn mailbox_id_exists(&self, id: &str) -> bool {
        self.mailbox_ids.iter().any(|x| x == id)
    }
    fn duplicate_seen(&self, id: &DuplicateId) -> bool {
        self.seen.contains(id)
    }
    fn include(&self, loc: IncludeLocation, name: &str) -> Result<Option<Script>, String> {
        let map = match loc {
            IncludeLocation::Personal => &self.personal,
            IncludeLocation::Global => &self.global,
        };
        match map.get(name) {
            None => Ok(None),
            Some(src) => Script::compile(src, &CompileOptions::default())
                .map(Some)
                .map_err(|e| e.to_string()),
        }
    }
    fn metadata(&self, mailbox: Option<&str>, name: &str) -> Option<String> {
        self.metadata
            .get(&(mailbox.unwrap_or("").to_string(), name.to_string()))
            .cloned()
    }
    fn ext_list_members(&self, list: &str) -> Option<Vec<String>> {
        self.lists.get(list).cloned()
    }
    fn environment(&self, name: &str) -> Option<String> {
        self.env.get(name).cloned()
    }
}

pub fn compile(src: &str) -> Script {
    match Script::compile(src, &CompileOptions::default()) {
        Ok(s) => s,
        Err(e) => panic!("script should compile: {e}\n{src}"),
    }
}

pub fn message(text: &str) -> ParsedMessage {
    let raw = text.replace("\r\n", "\n").replace('\n', "\r\n");
    ParsedMessage::parse(
        raw.as_bytes(),
        Some("sender@example.org"),
        Some("me@example.com"),
    )
}

pub fn options() -> EvalOptions {
    EvalOptions {
        user: "me".into(),
        user_addresses: vec!["me@example.com".into()],
        // 2007-07-01T12:00:00Z, a Sunday.
        now: DateTime::from_civil(2007, 7, 1, 12, 0, 0, 0).expect("valid date"),
        ..EvalOptions::default()
    }
}

pub fn eval_full(src: &str, msg: &str, host: &TestHost) -> Result<Outcome, RuntimeError> {
    compile(src).evaluate(&message(msg), host, &options())
}

pub fn eval(src: &str, msg: &str) -> Vec<Action> {
    eval_with(src, msg, &TestHost::default())
}

pub fn eval_with(src: &str, msg: &str, host: &TestHost) -> Vec<Action> {
    match eval_full(src, msg, host) {
        Ok(o) => o.actions,
        Err(e) => panic!("runtime error: {e}"),
    }
}

pub fn implicit_keep() -> Action {
    Action::Keep {
        flags: vec![],
        implicit: true,
    }
}

pub fn keep_flags(flags: &[&str]) -> Action {
    Action::Keep {
        flags: flags.iter().map(|s| s.to_string()).collect(),
        implicit: true,
    }
}

pub fn explicit_keep() -> Action {
    Action::Keep {
        flags: vec![],
        implicit: false,
    }
}

pub fn fileinto(mb: &str) -> Action {
    fileinto_flags(mb, &[])
}

pub fn fileinto_flags(mb: &str, flags: &[&str]) -> Action {
    Action::FileInto {
        mailbox: mb.into(),
        flags: flags.iter().map(|s| s.to_string()).collect(),
        copy: false,
        create: false,
        special_use: None,
        mailbox_id: None,
    }
}

pub fn redirect(a: &str) -> Action {
    Action::Redirect {
        address: a.into(),
        copy: false,
        options: Default::default(),
    }
}

/// A plain test message.
pub const MSG: &str = "From: Coyote <coyote@desert.example.org>\n\
To: me@example.com\n\
Subject: I have a present for you\n\
Date: Tue, 1 Apr 1997 09:06:31 -0800\n\
Message-ID: <1234@local.machine.example>\n\
\n\
Look, I'm sorry about the whole anvil thing, and I really\n\
didn't mean to try and drop it on you from the top of the\n\
cliff.  I want to try to make it up to you.  I've got some\n\
great birdseed over here at my place--top of the line\n\
stuff--and if you come by, I'll have it all wrapped\n\
up for you.  I'm really sorry for all the problems.\n";

/// The vacation action among `actions`, if any.
pub fn vacation(actions: &[Action]) -> Option<&cyrus_proto::sieve::Vacation> {
    actions.iter().find_map(|a| match a {
        Action::Vacation(v) => Some(v),
        _ => None,
    })
}
