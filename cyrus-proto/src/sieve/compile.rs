//! Validation: the generic tree to a typed [`Program`]. Every command,
//! test and tag is checked against the extensions the script `require`s,
//! and `require` itself against the extensions enabled on the server.

use super::args::{self, Param, TagSpec};
use super::ast::{CommandNode, TestNode};
use super::encoded;
use super::error::{ScriptError, Span};
use super::extensions::{Extension, ExtensionSet};
use super::ir::{Command, FlagOp, IncludeLocation, Modifier, Program, Test, VacationArgs};

/// Validation state.
pub struct Validator {
    /// Extensions enabled on the server.
    pub supported: ExtensionSet,
    /// Extensions `require`d so far (grows inside `ihave` blocks).
    pub required: ExtensionSet,
}

/// Compiles a parsed tree against the `supported` set.
pub fn validate(
    mut cmds: Vec<CommandNode>,
    supported: ExtensionSet,
) -> Result<Program, ScriptError> {
    let mut v = Validator {
        supported,
        required: ExtensionSet::empty(),
    };
    let mut seen_other = false;
    for c in &cmds {
        if c.name == "require" {
            if seen_other {
                return Err(ScriptError::new(
                    c.span,
                    "require must come before any other command",
                ));
            }
            v.require(c)?;
        } else {
            seen_other = true;
        }
    }
    if v.required.contains(Extension::EncodedCharacter) {
        encoded::decode_tree(&mut cmds)?;
    }
    let span = cmds
        .first()
        .map(|c| c.span)
        .unwrap_or(Span { line: 1, col: 1 });
    let commands = v.block(&cmds, false)?;
    Ok(Program {
        commands,
        variables: v.required.contains(Extension::Variables),
        span,
    })
}

impl Validator {
    fn require(&mut self, c: &CommandNode) -> Result<(), ScriptError> {
        let a = args::read(&c.name, c.span, &c.args, &[], self.required)?;
        a.expect(&[Param::List])?;
        no_block(c)?;
        for name in a.pos_list(0) {
            match Extension::from_name(&name) {
                Some(e) if self.supported.contains(e) => self.required.insert(e),
                _ => {
                    return Err(ScriptError::new(
                        a.pos_span(0),
                        format!("unsupported extension \"{name}\""),
                    ))
                }
            }
        }
        Ok(())
    }

    /// Checks that `ext` was required, for the command/test `what`.
    pub fn need(&self, ext: Extension, what: &str, span: Span) -> Result<(), ScriptError> {
        if self.required.contains(ext) {
            Ok(())
        } else {
            Err(ScriptError::new(
                span,
                format!("'{what}' requires extension \"{ext}\" (missing require)"),
            ))
        }
    }

    fn block(&mut self, cmds: &[CommandNode], nested: bool) -> Result<Vec<Command>, ScriptError> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < cmds.len() {
            let c = &cmds[i];
            i += 1;
            match c.name.as_str() {
                "require" if !nested => continue,
                "require" => {
                    return Err(ScriptError::new(
                        c.span,
                        "require is only allowed at the top of a script",
                    ))
                }
                "if" => {
                    let mut branches = vec![self.branch(c)?];
                    let mut otherwise = None;
                    while let Some(n) = cmds.get(i) {
                        match n.name.as_str() {
                            "elsif" => branches.push(self.branch(n)?),
                            "else" => {
                                no_args(n)?;
                                otherwise = Some(self.body(n)?);
                                i += 1;
                                break;
                            }
                            _ => break,
                        }
                        i += 1;
                    }
                    out.push(Command::If {
                        branches,
                        otherwise,
                    });
                }
                "elsif" | "else" => {
                    return Err(ScriptError::new(
                        c.span,
                        format!("'{}' without a preceding 'if'", c.name),
                    ))
                }
                _ => out.push(self.command(c)?),
            }
        }
        Ok(out)
    }

    fn body(&mut self, c: &CommandNode) -> Result<Vec<Command>, ScriptError> {
        match &c.block {
            Some(b) => self.block(b, true),
            None => Err(ScriptError::new(
                c.span,
                format!("'{}' needs a {{ block }}", c.name),
            )),
        }
    }

    fn branch(&mut self, c: &CommandNode) -> Result<(Test, Vec<Command>), ScriptError> {
        if !c.args.is_empty() {
            return Err(ScriptError::new(
                c.args[0].span(),
                format!("'{}' takes no arguments", c.name),
            ));
        }
        if c.tests.len() != 1 || c.test_list {
            return Err(ScriptError::new(
                c.span,
                format!("'{}' needs exactly one test", c.name),
            ));
        }
        let t = &c.tests[0];
        // RFC 5463 §4: a block guarded by `ihave` may use extensions the
        // server lacks; such a block is dropped, since the test is false.
        if t.name == "ihave" && self.required.contains(Extension::Ihave) {
            let a = self.read_test(t, &[])?;
            a.expect(&[Param::List])?;
            let exts: Option<Vec<Extension>> = a
                .pos_list(0)
                .iter()
                .map(|n| Extension::from_name(n).filter(|e| self.supported.contains(*e)))
                .collect();
            return match exts {
                None => Ok((Test::False, Vec::new())),
                Some(exts) => {
                    let saved = self.required;
                    exts.into_iter().for_each(|e| self.required.insert(e));
                    let body = self.body(c);
                    self.required = saved;
                    Ok((Test::True, body?))
                }
            };
        }
        let test = self.test(t)?;
        Ok((test, self.body(c)?))
    }

    /// Reads a command's arguments (no tests, no block allowed).
    pub fn read(&self, c: &CommandNode, specs: &[&[TagSpec]]) -> Result<args::Args, ScriptError> {
        no_tests(c)?;
        no_block(c)?;
        args::read(&c.name, c.span, &c.args, specs, self.required)
    }

    fn command(&mut self, c: &CommandNode) -> Result<Command, ScriptError> {
        use Extension as E;
        const COPY: &[TagSpec] = &[("copy", Param::None, Some(E::Copy), 0)];
        const FLAGS: &[TagSpec] = &[("flags", Param::List, Some(E::Imap4Flags), 0)];
        const FILEINTO: &[TagSpec] = &[
            ("create", Param::None, Some(E::Mailbox), 0),
            ("specialuse", Param::Str, Some(E::SpecialUse), 0),
            ("mailboxid", Param::Str, Some(E::MailboxId), 0),
        ];
        let name = c.name.as_str();
        let cmd = match name {
            "stop" | "discard" | "return" => {
                let a = self.read(c, &[])?;
                a.expect(&[])?;
                match name {
                    "stop" => Command::Stop,
                    "discard" => Command::Discard,
                    _ => {
                        self.need(E::Include, name, c.span)?;
                        Command::Return
                    }
                }
            }
            "keep" => {
                let a = self.read(c, &[FLAGS])?;
                a.expect(&[])?;
                Command::Keep {
                    flags: a.list("flags"),
                }
            }
            "fileinto" => {
                self.need(E::FileInto, name, c.span)?;
                let a = self.read(c, &[COPY, FLAGS, FILEINTO])?;
                a.expect(&[Param::Str])?;
                Command::FileInto {
                    mailbox: a.pos_str(0),
                    flags: a.list("flags"),
                    copy: a.flag("copy"),
                    create: a.flag("create"),
                    special_use: a.string("specialuse"),
                    mailbox_id: a.string("mailboxid"),
                }
            }
            "redirect" => super::redirect::compile(self, c)?,
            "reject" | "ereject" => {
                self.need(
                    if name == "reject" {
                        E::Reject
                    } else {
                        E::Ereject
                    },
                    name,
                    c.span,
                )?;
                let a = self.read(c, &[])?;
                a.expect(&[Param::Str])?;
                if name == "reject" {
                    Command::Reject(a.pos_str(0))
                } else {
                    Command::Ereject(a.pos_str(0))
                }
            }
            "vacation" => self.vacation(c)?,
            "setflag" | "addflag" | "removeflag" => {
                self.need(E::Imap4Flags, name, c.span)?;
                let a = self.read(c, &[])?;
                let op = match name {
                    "setflag" => FlagOp::Set,
                    "addflag" => FlagOp::Add,
                    _ => FlagOp::Remove,
                };
                let var = if a.positional.len() == 2 {
                    a.expect(&[Param::Str, Param::List])?;
                    self.need(E::Variables, "variable-name argument", c.span)?;
                    let v = a.pos_str(0);
                    check_var_name(&v, a.pos_span(0))?;
                    Some(v)
                } else {
                    a.expect(&[Param::List])?;
                    None
                };
                let flags = a.pos_list(a.positional.len() - 1);
                Command::Flags { op, var, flags }
            }
            "set" => {
                self.need(E::Variables, name, c.span)?;
                const MODS: &[TagSpec] = &[
                    ("lower", Param::None, None, 1),
                    ("upper", Param::None, None, 1),
                    ("lowerfirst", Param::None, None, 2),
                    ("upperfirst", Param::None, None, 2),
                    ("quotewildcard", Param::None, None, 0),
                    ("quoteregex", Param::None, Some(E::Regex), 0),
                    ("length", Param::None, None, 0),
                    ("encodeurl", Param::None, Some(E::Enotify), 0),
                ];
                let a = self.read(c, &[MODS])?;
                a.expect(&[Param::Str, Param::Str])?;
                let var = a.pos_str(0);
                check_var_name(&var, a.pos_span(0))?;
                let mut modifiers: Vec<Modifier> = a
                    .tags
                    .iter()
                    .map(|t| match t.0 {
                        "lower" => Modifier::Lower,
                        "upper" => Modifier::Upper,
                        "lowerfirst" => Modifier::LowerFirst,
                        "upperfirst" => Modifier::UpperFirst,
                        "quotewildcard" => Modifier::QuoteWildcard,
                        "quoteregex" => Modifier::QuoteRegex,
                        "encodeurl" => Modifier::EncodeUrl,
                        _ => Modifier::Length,
                    })
                    .collect();
                modifiers.sort_by_key(|m| std::cmp::Reverse(m.precedence()));
                Command::Set {
                    name: var.to_ascii_lowercase(),
                    value: a.pos_str(1),
                    modifiers,
                }
            }
            "global" => {
                self.need(E::Include, name, c.span)?;
                self.need(E::Variables, name, c.span)?;
                let a = self.read(c, &[])?;
                a.expect(&[Param::List])?;
                let names = a.pos_list(0);
                for n in &names {
                    check_var_name(n, a.pos_span(0))?;
                }
                Command::Global(names.iter().map(|n| n.to_ascii_lowercase()).collect())
            }
            "include" => {
                self.need(E::Include, name, c.span)?;
                const INC: &[TagSpec] = &[
                    ("personal", Param::None, None, 1),
                    ("global", Param::None, None, 1),
                    ("once", Param::None, None, 0),
                    ("optional", Param::None, None, 0),
                ];
                let a = self.read(c, &[INC])?;
                a.expect(&[Param::Str])?;
                let script = a.pos_str(0);
                if script.is_empty() || script.contains('/') {
                    return Err(ScriptError::new(
                        a.pos_span(0),
                        format!("invalid script name \"{script}\""),
                    ));
                }
                Command::Include {
                    location: if a.flag("global") {
                        IncludeLocation::Global
                    } else {
                        IncludeLocation::Personal
                    },
                    once: a.flag("once"),
                    optional: a.flag("optional"),
                    name: script,
                }
            }
            "addheader" | "deleteheader" => super::editheader::compile(self, c)?,
            // RFC 5435 notify when "enotify" is required, else Cyrus's
            // legacy one.
            "notify"
                if !self.required.contains(E::Enotify) && self.required.contains(E::Notify) =>
            {
                super::legacy_notify::compile_notify(self, c)?
            }
            "notify" => super::notify::compile(self, c)?,
            "denotify" => super::legacy_notify::compile_denotify(self, c)?,
            "snooze" => super::snooze::compile(self, c)?,
            "error" => {
                self.need(E::Ihave, name, c.span)?;
                let a = self.read(c, &[])?;
                a.expect(&[Param::Str])?;
                Command::Error(a.pos_str(0))
            }
            _ => {
                return Err(ScriptError::new(
                    c.span,
                    format!("unknown command '{name}'"),
                ))
            }
        };
        Ok(cmd)
    }

    fn vacation(&mut self, c: &CommandNode) -> Result<Command, ScriptError> {
        use Extension as E;
        self.need(E::Vacation, "vacation", c.span)?;
        const VAC: &[TagSpec] = &[
            ("days", Param::Num, None, 1),
            ("seconds", Param::Num, Some(E::VacationSeconds), 1),
            ("subject", Param::Str, None, 0),
            ("from", Param::Str, None, 0),
            ("addresses", Param::List, None, 0),
            ("mime", Param::None, None, 0),
            ("handle", Param::Str, None, 0),
        ];
        let a = self.read(c, &[VAC, super::fcc::TAGS])?;
        a.expect(&[Param::Str])?;
        if let Some(from) = a.string("from") {
            if !from.contains("${") && super::address::parse_list(&from).is_empty() {
                return Err(ScriptError::new(
                    a.tag_span("from"),
                    format!("invalid :from address \"{from}\""),
                ));
            }
        }
        let seconds = a
            .number("seconds")
            .or_else(|| a.number("days").map(|d| d.saturating_mul(86_400)));
        Ok(Command::Vacation(Box::new(VacationArgs {
            seconds,
            subject: a.string("subject"),
            from: a.string("from"),
            addresses: a.list("addresses").unwrap_or_default(),
            mime: a.flag("mime"),
            handle: a.string("handle"),
            reason: a.pos_str(0),
            fcc: super::fcc::read(&a)?,
        })))
    }

    /// Reads a test's arguments; tests have no nested tests unless the
    /// caller handles them.
    pub fn read_test(&self, t: &TestNode, specs: &[&[TagSpec]]) -> Result<args::Args, ScriptError> {
        if let Some(n) = t.tests.first() {
            return Err(ScriptError::new(
                n.span,
                format!("'{}' does not take nested tests", t.name),
            ));
        }
        args::read(&t.name, t.span, &t.args, specs, self.required)
    }
}

/// Variable names (RFC 5229 §3): identifier, no namespace for `set`.
pub fn check_var_name(v: &str, span: Span) -> Result<(), ScriptError> {
    let ok = v
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ScriptError::new(
            span,
            format!("invalid variable name \"{v}\""),
        ))
    }
}

fn no_block(c: &CommandNode) -> Result<(), ScriptError> {
    if c.block.is_some() {
        return Err(ScriptError::new(
            c.span,
            format!("'{}' does not take a block", c.name),
        ));
    }
    Ok(())
}

fn no_tests(c: &CommandNode) -> Result<(), ScriptError> {
    if let Some(t) = c.tests.first() {
        return Err(ScriptError::new(
            t.span,
            format!(
                "'{}' does not take a test (missing ';' before '{}'?)",
                c.name, t.name
            ),
        ));
    }
    Ok(())
}

fn no_args(c: &CommandNode) -> Result<(), ScriptError> {
    if let Some(a) = c.args.first() {
        return Err(ScriptError::new(
            a.span(),
            format!("'{}' takes no arguments", c.name),
        ));
    }
    if let Some(t) = c.tests.first() {
        return Err(ScriptError::new(
            t.span,
            format!("'{}' takes no test", c.name),
        ));
    }
    Ok(())
}
