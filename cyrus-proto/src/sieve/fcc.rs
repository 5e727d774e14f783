//! RFC 8580 `:fcc` on `vacation` and `notify`: file a copy of the
//! generated message, with the `fileinto` companions `:flags`,
//! `:create`, `:specialuse` and `:mailboxid`.

use super::action::Fcc;
use super::args::{Args, Param, TagSpec};
use super::error::ScriptError;
use super::extensions::Extension as E;
use super::flags;
use super::interp::Interp;
use super::ir::{FccArgs, Program};
use super::variables::Frame;

/// The tags `:fcc` brings along.
pub const TAGS: &[TagSpec] = &[
    ("fcc", Param::Str, Some(E::Fcc), 0),
    ("flags", Param::List, Some(E::Imap4Flags), 0),
    ("create", Param::None, Some(E::Mailbox), 0),
    ("specialuse", Param::Str, Some(E::SpecialUse), 0),
    ("mailboxid", Param::Str, Some(E::MailboxId), 0),
];

/// Reads `:fcc` and companions; the companions without `:fcc` are an
/// error (RFC 8580 §3).
pub fn read(a: &Args) -> Result<Option<FccArgs>, ScriptError> {
    let Some(mailbox) = a.string("fcc") else {
        for t in ["flags", "create", "specialuse", "mailboxid"] {
            if a.tags.iter().any(|x| x.0 == t) {
                return Err(ScriptError::new(
                    a.tag_span(t),
                    format!("tag ':{t}' of '{}' requires :fcc", a.name),
                ));
            }
        }
        return Ok(None);
    };
    Ok(Some(FccArgs {
        mailbox,
        flags: a.list("flags"),
        create: a.flag("create"),
        special_use: a.string("specialuse"),
        mailbox_id: a.string("mailboxid"),
    }))
}

/// Expands variables of an `:fcc` at run time.
pub(crate) fn expand(it: &Interp<'_>, p: &Program, frame: &Frame, f: &FccArgs) -> Fcc {
    Fcc {
        mailbox: it.ex(p, frame, &f.mailbox),
        flags: f
            .flags
            .as_ref()
            .map(|l| flags::normalise(&it.ex_list(p, frame, l)))
            .unwrap_or_default(),
        create: f.create,
        special_use: f.special_use.as_ref().map(|s| it.ex(p, frame, s)),
        mailbox_id: f.mailbox_id.as_ref().map(|s| it.ex(p, frame, s)),
    }
}
