//! The interpreter: runs a [`Program`] against a message and returns the
//! actions. It performs nothing; every outside fact comes from
//! [`MessageView`] and [`Host`].
//!
//! Errors: any [`RuntimeError`] means the caller discards the partial
//! actions and does an implicit keep (RFC 5228 §2.10.6), see
//! [`RuntimeError::fallback`].

use std::collections::{HashMap, HashSet};

use super::action::{Action, Outcome};
use super::error::RuntimeError;
use super::flags;
use super::host::{EvalOptions, Host};
use super::ir::{Command, IncludeLocation, Program};
use super::message::{BodyPart, HeaderField, MessageView};
use super::variables::{self, Frame};

/// What a block's execution asks of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Carry on.
    Next,
    /// `stop`: end the whole run.
    Stop,
    /// `return`: end the current (included) script.
    Return,
}

/// One run of a script.
pub struct Interp<'a> {
    pub(crate) msg: &'a dyn MessageView,
    pub(crate) host: &'a dyn Host,
    pub(crate) opts: &'a EvalOptions,
    /// Current header block (editheader changes it).
    pub(crate) headers: Vec<HeaderField>,
    pub(crate) headers_edited: bool,
    pub(crate) body_parts: Option<Vec<BodyPart>>,
    pub(crate) actions: Vec<Action>,
    pub(crate) implicit_keep: bool,
    /// The imap4flags internal variable.
    pub(crate) flags: Vec<String>,
    /// Variables shared through `global` (RFC 6609 §3.3).
    pub(crate) shared: HashMap<String, String>,
    steps: usize,
    pub(crate) redirects: usize,
    include_stack: Vec<(IncludeLocation, String)>,
    included_once: HashSet<(IncludeLocation, String)>,
    vacation_done: bool,
}

/// Runs `program` (the top-level script).
pub fn run(
    program: &Program,
    msg: &dyn MessageView,
    host: &dyn Host,
    opts: &EvalOptions,
) -> Result<Outcome, RuntimeError> {
    let mut it = Interp {
        msg,
        host,
        opts,
        headers: msg.headers(),
        headers_edited: false,
        body_parts: None,
        actions: Vec::new(),
        implicit_keep: true,
        flags: Vec::new(),
        shared: HashMap::new(),
        steps: 0,
        redirects: 0,
        include_stack: Vec::new(),
        included_once: HashSet::new(),
        vacation_done: false,
    };
    let mut frame = Frame::default();
    it.block(program, &program.commands, &mut frame)?;
    it.finish()
}

impl Interp<'_> {
    /// Expands variables in `s` if the script uses them.
    pub(crate) fn ex(&self, p: &Program, frame: &Frame, s: &str) -> String {
        if p.variables {
            variables::expand(s, frame, &self.shared)
        } else {
            s.to_string()
        }
    }

    pub(crate) fn ex_list(&self, p: &Program, frame: &Frame, l: &[String]) -> Vec<String> {
        l.iter().map(|s| self.ex(p, frame, s)).collect()
    }

    pub(crate) fn push(&mut self, a: Action) -> Result<(), RuntimeError> {
        if self.actions.len() >= self.opts.max_actions {
            return Err(RuntimeError::new(format!(
                "too many actions (limit {})",
                self.opts.max_actions
            )));
        }
        self.actions.push(a);
        Ok(())
    }

    fn block(
        &mut self,
        p: &Program,
        cmds: &[Command],
        frame: &mut Frame,
    ) -> Result<Flow, RuntimeError> {
        for c in cmds {
            self.steps += 1;
            if self.steps > self.opts.max_steps {
                return Err(RuntimeError::new("script ran too long"));
            }
            let flow = self.command(p, c, frame)?;
            if flow != Flow::Next {
                return Ok(flow);
            }
        }
        Ok(Flow::Next)
    }

    fn command(
        &mut self,
        p: &Program,
        c: &Command,
        frame: &mut Frame,
    ) -> Result<Flow, RuntimeError> {
        match c {
            Command::If {
                branches,
                otherwise,
            } => {
                for (t, body) in branches {
                    if self.test(p, t, frame)? {
                        return self.block(p, body, frame);
                    }
                }
                if let Some(body) = otherwise {
                    return self.block(p, body, frame);
                }
            }
            Command::Stop => return Ok(Flow::Stop),
            Command::Return => return Ok(Flow::Return),
            Command::Keep { flags } => {
                let flags = self.flag_arg(p, frame, flags.as_deref());
                self.implicit_keep = false;
                if !self
                    .actions
                    .iter()
                    .any(|a| matches!(a, Action::Keep { .. }))
                {
                    self.push(Action::Keep {
                        flags,
                        implicit: false,
                    })?;
                }
            }
            Command::Discard => {
                self.implicit_keep = false;
                if !self.actions.contains(&Action::Discard) {
                    self.push(Action::Discard)?;
                }
            }
            Command::FileInto {
                mailbox,
                flags,
                copy,
                create,
                special_use,
                mailbox_id,
            } => {
                let mailbox = self.ex(p, frame, mailbox);
                let flags = self.flag_arg(p, frame, flags.as_deref());
                if !copy {
                    self.implicit_keep = false;
                }
                // RFC 5228 §4.1: filing twice into one mailbox files once.
                let dup = self
                    .actions
                    .iter()
                    .any(|a| matches!(a, Action::FileInto { mailbox: m, .. } if *m == mailbox));
                if !dup {
                    let special_use = special_use.as_ref().map(|s| self.ex(p, frame, s));
                    let mailbox_id = mailbox_id.as_ref().map(|s| self.ex(p, frame, s));
                    self.push(Action::FileInto {
                        mailbox,
                        flags,
                        copy: *copy,
                        create: *create,
                        special_use,
                        mailbox_id,
                    })?;
                }
            }
            Command::Redirect {
                address,
                list,
                copy,
                options,
            } => super::redirect::run(self, p, frame, address, *list, *copy, options)?,
            Command::Reject(r) | Command::Ereject(r) => {
                let reason = self.ex(p, frame, r);
                self.implicit_keep = false;
                let a = if matches!(c, Command::Reject(_)) {
                    Action::Reject { reason }
                } else {
                    Action::Ereject { reason }
                };
                if self
                    .actions
                    .iter()
                    .any(|x| matches!(x, Action::Reject { .. } | Action::Ereject { .. }))
                {
                    return Err(RuntimeError::new("more than one reject"));
                }
                self.push(a)?;
            }
            Command::Vacation(v) => {
                if self.vacation_done {
                    return Err(RuntimeError::new("vacation used more than once"));
                }
                self.vacation_done = true;
                if let Some(a) = super::vacation::build(self, p, frame, v) {
                    self.push(Action::Vacation(a))?;
                }
            }
            Command::Notify {
                method,
                from,
                importance,
                options,
                message,
                fcc,
            } => {
                let method = self.ex(p, frame, method);
                if !super::notify::valid_method(&method) {
                    return Err(RuntimeError::new(format!(
                        "invalid notification method \"{method}\""
                    )));
                }
                let a = Action::Notify {
                    method,
                    from: from.as_ref().map(|s| self.ex(p, frame, s)),
                    importance: importance
                        .as_ref()
                        .map(|s| self.ex(p, frame, s))
                        .unwrap_or_else(|| "2".into()),
                    options: self.ex_list(p, frame, options),
                    message: message.as_ref().map(|s| self.ex(p, frame, s)),
                    fcc: fcc.as_ref().map(|f| super::fcc::expand(self, p, frame, f)),
                };
                if !self.actions.contains(&a) {
                    self.push(a)?;
                }
            }
            Command::LegacyNotify { .. } | Command::Denotify { .. } => {
                super::legacy_notify::run(self, p, frame, c)?;
            }
            Command::Snooze(args) => {
                let a = super::snooze::expand(self, p, frame, args)?;
                self.implicit_keep = false;
                self.push(Action::Snooze(a))?;
            }
            Command::Flags {
                op,
                var,
                flags: list,
            } => {
                let list = self.ex_list(p, frame, list);
                match var {
                    None => self.flags = flags::apply(&self.flags, *op, &list),
                    Some(v) => {
                        let cur = flags::normalise(&[frame.get(&self.shared, v).unwrap_or("")]);
                        let new = flags::apply(&cur, *op, &list).join(" ");
                        frame.set(&mut self.shared, v, new);
                    }
                }
            }
            Command::Set {
                name,
                value,
                modifiers,
            } => {
                let v = variables::apply_modifiers(self.ex(p, frame, value), modifiers);
                frame.set(&mut self.shared, name, v);
            }
            Command::Global(names) => {
                for n in names {
                    frame.globals.insert(n.clone());
                    // A local of the same name is superseded (RFC 6609 §3.3).
                    frame.vars.remove(n);
                }
            }
            Command::AddHeader { .. } | Command::DeleteHeader { .. } => {
                super::editheader::run(self, p, frame, c)?;
            }
            Command::Include {
                location,
                once,
                optional,
                name,
            } => {
                let name = self.ex(p, frame, name);
                return self.include(*location, *once, *optional, name);
            }
            Command::Error(msg) => {
                return Err(RuntimeError::new(format!(
                    "script error: {}",
                    self.ex(p, frame, msg)
                )));
            }
        }
        Ok(Flow::Next)
    }

    fn flag_arg(&self, p: &Program, frame: &Frame, given: Option<&[String]>) -> Vec<String> {
        match given {
            Some(l) => flags::normalise(&self.ex_list(p, frame, l)),
            None => self.flags.clone(),
        }
    }

    fn include(
        &mut self,
        loc: IncludeLocation,
        once: bool,
        optional: bool,
        name: String,
    ) -> Result<Flow, RuntimeError> {
        let key = (loc, name.clone());
        if once && self.included_once.contains(&key) {
            return Ok(Flow::Next);
        }
        if self.include_stack.contains(&key) {
            return Err(RuntimeError::new(format!(
                "include loop on script \"{name}\""
            )));
        }
        if self.include_stack.len() >= self.opts.max_include_depth {
            return Err(RuntimeError::new(format!(
                "includes nested too deeply (limit {})",
                self.opts.max_include_depth
            )));
        }
        let script = match self.host.include(loc, &name) {
            Ok(Some(s)) => s,
            Ok(None) if optional => return Ok(Flow::Next),
            Ok(None) => {
                return Err(RuntimeError::new(format!(
                    "included script \"{name}\" not found"
                )))
            }
            Err(e) => return Err(RuntimeError::new(format!("cannot include \"{name}\": {e}"))),
        };
        self.included_once.insert(key.clone());
        self.include_stack.push(key);
        let mut frame = Frame::default();
        let prog = script.program();
        let flow = self.block(prog, &prog.commands, &mut frame);
        self.include_stack.pop();
        match flow? {
            Flow::Stop => Ok(Flow::Stop),
            _ => Ok(Flow::Next),
        }
    }

    fn finish(mut self) -> Result<Outcome, RuntimeError> {
        let rejecting = self
            .actions
            .iter()
            .any(|a| matches!(a, Action::Reject { .. } | Action::Ereject { .. }));
        if rejecting {
            // RFC 5429 §2.3; Cyrus: "Reject can not be used with any other action".
            let other = self.actions.iter().any(|a| {
                matches!(
                    a,
                    Action::Keep { .. }
                        | Action::FileInto { .. }
                        | Action::Redirect { .. }
                        | Action::Vacation(_)
                )
            });
            if other {
                return Err(RuntimeError::new(
                    "reject cannot be combined with keep, fileinto, redirect or vacation",
                ));
            }
        }
        if self.implicit_keep {
            // RFC 5232 §3: the implicit keep takes the internal flags.
            let flags = self.flags.clone();
            // The implicit keep is not counted against max_actions.
            self.actions.push(Action::Keep {
                flags,
                implicit: true,
            });
        }
        let edited_headers = self.headers_edited.then_some(self.headers);
        Ok(Outcome {
            actions: self.actions,
            edited_headers,
        })
    }
}
