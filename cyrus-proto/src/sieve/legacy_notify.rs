//! Cyrus's legacy `notify`/`denotify` (draft-martin-sieve-notify-01,
//! advertised by Cyrus 3.6 as "notify"), kept so that scripts written
//! for old Cyrus servers still compile and run.

use super::action::Action;
use super::args::{Param, TagSpec};
use super::ast::{Argument, CommandNode};
use super::compile::Validator;
use super::error::{RuntimeError, ScriptError};
use super::extensions::Extension as E;
use super::interp::Interp;
use super::ir::{Command, Comparator, Match, MatchKind, Program};
use super::matching;
use super::variables::Frame;

fn priority_of(tag: &str) -> Option<&'static str> {
    match tag {
        "high" => Some("1"),
        "normal" => Some("2"),
        "low" => Some("3"),
        _ => None,
    }
}

/// Validates legacy `notify [:id s] [:method s] [:options l]
/// [:low|:normal|:high] [:message s]`.
pub fn compile_notify(v: &mut Validator, c: &CommandNode) -> Result<Command, ScriptError> {
    v.need(E::Notify, "notify", c.span)?;
    const TAGS: &[TagSpec] = &[
        ("id", Param::Str, None, 0),
        ("method", Param::Str, None, 0),
        ("options", Param::List, None, 0),
        ("message", Param::Str, None, 0),
        ("high", Param::None, None, 1),
        ("normal", Param::None, None, 1),
        ("low", Param::None, None, 1),
    ];
    let a = v.read(c, &[TAGS])?;
    a.expect(&[])?;
    let priority = ["high", "normal", "low"]
        .into_iter()
        .find(|t| a.flag(t))
        .and_then(priority_of)
        .unwrap_or("2");
    Ok(Command::LegacyNotify {
        id: a.string("id"),
        method: a.string("method").unwrap_or_else(|| "default".into()),
        options: a.list("options").unwrap_or_default(),
        priority: priority.into(),
        message: a.string("message"),
    })
}

/// Validates `denotify [:is|:contains|:matches|:regex "id"]
/// [:low|:normal|:high]`; the match tag takes the id pattern directly,
/// so this does not go through the generic tag reader.
pub fn compile_denotify(v: &mut Validator, c: &CommandNode) -> Result<Command, ScriptError> {
    v.need(E::Notify, "denotify", c.span)?;
    if let Some(t) = c.tests.first() {
        return Err(ScriptError::new(t.span, "'denotify' does not take a test"));
    }
    if c.block.is_some() {
        return Err(ScriptError::new(c.span, "'denotify' does not take a block"));
    }
    let mut pattern = None;
    let mut priority = None;
    let mut it = c.args.iter();
    while let Some(arg) = it.next() {
        let Argument::Tag(tag, span) = arg else {
            return Err(ScriptError::new(arg.span(), "'denotify' takes only tags"));
        };
        let kind = match tag.as_str() {
            "is" => Some(MatchKind::Is),
            "contains" => Some(MatchKind::Contains),
            "matches" => Some(MatchKind::Matches),
            "regex" => {
                v.need(E::Regex, ":regex", *span)?;
                Some(MatchKind::Regex)
            }
            _ => None,
        };
        if let Some(kind) = kind {
            let Some(Argument::Strings {
                values,
                list: false,
                ..
            }) = it.next()
            else {
                return Err(ScriptError::new(
                    *span,
                    format!("':{tag}' needs an id string"),
                ));
            };
            if pattern.is_some() {
                return Err(ScriptError::new(*span, "only one match type allowed"));
            }
            let m = Match {
                comparator: Comparator::AsciiCasemap,
                kind,
            };
            pattern = Some((m, values.first().cloned().unwrap_or_default()));
        } else if let Some(p) = priority_of(tag) {
            if priority.is_some() {
                return Err(ScriptError::new(*span, "only one priority allowed"));
            }
            priority = Some(p.to_string());
        } else {
            return Err(ScriptError::new(
                *span,
                format!("unknown tag ':{tag}' for 'denotify'"),
            ));
        }
    }
    Ok(Command::Denotify { pattern, priority })
}

/// Runs `notify` (legacy) and `denotify`.
pub(crate) fn run(
    it: &mut Interp<'_>,
    p: &Program,
    frame: &Frame,
    c: &Command,
) -> Result<(), RuntimeError> {
    match c {
        Command::LegacyNotify {
            id,
            method,
            options,
            priority,
            message,
        } => {
            let a = Action::LegacyNotify {
                id: id.as_ref().map(|s| it.ex(p, frame, s)),
                method: it.ex(p, frame, method),
                options: it.ex_list(p, frame, options),
                priority: priority.clone(),
                message: message.as_ref().map(|s| it.ex(p, frame, s)),
            };
            it.push(a)
        }
        Command::Denotify { pattern, priority } => {
            let pattern = pattern.as_ref().map(|(m, s)| (*m, it.ex(p, frame, s)));
            let mut keep = Vec::with_capacity(it.actions.len());
            for a in std::mem::take(&mut it.actions) {
                let cancel = match &a {
                    Action::LegacyNotify {
                        id, priority: pr, ..
                    } => {
                        let prio_ok = priority.as_ref().is_none_or(|want| want == pr);
                        let id_ok = match (&pattern, id) {
                            (None, _) => true,
                            (Some(_), None) => false,
                            (Some((m, pat)), Some(id)) => {
                                matching::match_values(
                                    *m,
                                    std::slice::from_ref(id),
                                    std::slice::from_ref(pat),
                                )
                                .map_err(RuntimeError::new)?
                                .matched
                            }
                        };
                        prio_ok && id_ok
                    }
                    _ => false,
                };
                if !cancel {
                    keep.push(a);
                }
            }
            it.actions = keep;
            Ok(())
        }
        _ => Ok(()),
    }
}
