//! `redirect` validation with `:copy` (RFC 3894) and the DSN/DELIVERBY
//! tags of redirect-dsn and redirect-deliverby (RFC 6009).

use super::action::Action;
use super::args::{Param, TagSpec};
use super::ast::CommandNode;
use super::compile::Validator;
use super::error::{RuntimeError, ScriptError};
use super::extensions::Extension as E;
use super::interp::Interp;
use super::ir::{ByTime, Command, DeliverBy, Program, RedirectOptions};
use super::variables::Frame;

const TAGS: &[TagSpec] = &[
    ("copy", Param::None, Some(E::Copy), 0),
    ("list", Param::None, Some(E::Extlists), 0),
    ("notify", Param::Str, Some(E::RedirectDsn), 0),
    ("ret", Param::Str, Some(E::RedirectDsn), 0),
    ("bytimerelative", Param::Num, Some(E::RedirectDeliverBy), 6),
    ("bytimeabsolute", Param::Str, Some(E::RedirectDeliverBy), 6),
    ("bymode", Param::Str, Some(E::RedirectDeliverBy), 0),
    ("bytrace", Param::None, Some(E::RedirectDeliverBy), 0),
];

/// Validates `redirect`.
pub fn compile(v: &mut Validator, c: &CommandNode) -> Result<Command, ScriptError> {
    let a = v.read(c, &[TAGS])?;
    a.expect(&[Param::Str])?;
    let address = a.pos_str(0);
    let list = a.flag("list");
    if !list && !address.contains("${") && !super::address::is_valid_mailbox(&address) {
        return Err(ScriptError::new(
            a.pos_span(0),
            format!("invalid redirect address \"{address}\""),
        ));
    }
    let notify = a.string("notify");
    if let Some(n) = notify.as_deref().filter(|n| !n.contains("${")) {
        let up = n.to_ascii_uppercase();
        let ok = up == "NEVER"
            || up
                .split(',')
                .all(|p| matches!(p.trim(), "SUCCESS" | "FAILURE" | "DELAY"));
        if !ok {
            return Err(ScriptError::new(
                a.tag_span("notify"),
                format!(
                    ":notify must be \"NEVER\" or a list of SUCCESS, FAILURE, DELAY, not \"{n}\""
                ),
            ));
        }
    }
    let ret = a.string("ret");
    if let Some(r) = ret.as_deref().filter(|r| !r.contains("${")) {
        if !r.eq_ignore_ascii_case("FULL") && !r.eq_ignore_ascii_case("HDRS") {
            return Err(ScriptError::new(
                a.tag_span("ret"),
                format!(":ret must be \"FULL\" or \"HDRS\", not \"{r}\""),
            ));
        }
    }
    let time = match (a.number("bytimerelative"), a.string("bytimeabsolute")) {
        (Some(n), _) => Some(ByTime::Relative(n)),
        (_, Some(t)) => Some(ByTime::Absolute(t)),
        _ => None,
    };
    let mode = a.string("bymode");
    if let Some(m) = mode.as_deref().filter(|m| !m.contains("${")) {
        if !m.eq_ignore_ascii_case("notify") && !m.eq_ignore_ascii_case("return") {
            return Err(ScriptError::new(
                a.tag_span("bymode"),
                format!(":bymode must be \"notify\" or \"return\", not \"{m}\""),
            ));
        }
    }
    let deliver_by = match time {
        Some(time) => Some(DeliverBy {
            time,
            mode,
            trace: a.flag("bytrace"),
        }),
        None if mode.is_some() || a.flag("bytrace") => {
            let t = if mode.is_some() { "bymode" } else { "bytrace" };
            return Err(ScriptError::new(
                a.tag_span(t),
                format!(":{t} requires :bytimerelative or :bytimeabsolute"),
            ));
        }
        None => None,
    };
    Ok(Command::Redirect {
        address,
        list,
        copy: a.flag("copy"),
        options: RedirectOptions {
            notify,
            ret,
            deliver_by,
        },
    })
}

/// Expands variables in the options at run time.
pub(crate) fn expand(
    it: &Interp<'_>,
    p: &Program,
    frame: &Frame,
    o: &RedirectOptions,
) -> RedirectOptions {
    RedirectOptions {
        notify: o
            .notify
            .as_ref()
            .map(|s| it.ex(p, frame, s).to_ascii_uppercase()),
        ret: o
            .ret
            .as_ref()
            .map(|s| it.ex(p, frame, s).to_ascii_uppercase()),
        deliver_by: o.deliver_by.as_ref().map(|d| DeliverBy {
            time: match &d.time {
                ByTime::Relative(n) => ByTime::Relative(*n),
                ByTime::Absolute(t) => ByTime::Absolute(it.ex(p, frame, t)),
            },
            mode: d
                .mode
                .as_ref()
                .map(|s| it.ex(p, frame, s).to_ascii_lowercase()),
            trace: d.trace,
        }),
    }
}

/// Runs `redirect`: validates the address (or expands the `:list`),
/// applies loop protection, de-duplicates and counts against the limit.
pub(crate) fn run(
    it: &mut Interp<'_>,
    p: &Program,
    frame: &Frame,
    address: &str,
    list: bool,
    copy: bool,
    options: &RedirectOptions,
) -> Result<(), RuntimeError> {
    let written = it.ex(p, frame, address);
    let targets = if list {
        it.host
            .ext_list_members(&written)
            .ok_or_else(|| RuntimeError::new(format!("unknown list \"{written}\"")))?
    } else {
        vec![written]
    };
    let options = expand(it, p, frame, options);
    if !copy {
        it.implicit_keep = false;
    }
    for t in targets {
        // Hand LMTP the bare addr-spec, even if the script wrote a
        // display name ("Bart <bart@example.com>").
        let Some(address) = super::address::addr_spec(&t) else {
            return Err(RuntimeError::new(format!(
                "invalid redirect address \"{t}\""
            )));
        };
        if it.host.redirect_loops(&address) {
            return Err(RuntimeError::new(format!(
                "redirect to {address} would loop"
            )));
        }
        let dup = it.actions.iter().any(
            |a| matches!(a, Action::Redirect { address: x, .. } if x.eq_ignore_ascii_case(&address)),
        );
        if dup {
            continue;
        }
        it.redirects += 1;
        if it.redirects > it.opts.max_redirects {
            return Err(RuntimeError::new(format!(
                "too many redirect actions (limit {})",
                it.opts.max_redirects
            )));
        }
        it.push(Action::Redirect {
            address,
            copy,
            options: options.clone(),
        })?;
    }
    Ok(())
}
