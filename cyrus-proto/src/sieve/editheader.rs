//! RFC 5293 editheader: `addheader` and `deleteheader`, validated at
//! compile time and applied to the interpreter's copy of the header.

use super::action::Action;
use super::args::{Param, TagSpec, MATCH_TAGS};
use super::ast::CommandNode;
use super::compile::Validator;
use super::error::{RuntimeError, ScriptError};
use super::extensions::Extension;
use super::interp::Interp;
use super::ir::{Command, Index, Program};
use super::matching;
use super::message::HeaderField;
use super::mime::decode_header;
use super::variables::Frame;

/// Fields a script may not add or delete (RFC 5293 §6 lets the server
/// protect them; Cyrus protects trace fields).
const PROTECTED: &[&str] = &["received", "auto-submitted"];

fn valid_name(n: &str) -> bool {
    !n.is_empty() && n.bytes().all(|b| (33..=126).contains(&b) && b != b':')
}

/// Validates `addheader` / `deleteheader`.
pub fn compile(v: &mut Validator, c: &CommandNode) -> Result<Command, ScriptError> {
    v.need(Extension::EditHeader, &c.name, c.span)?;
    if let Some(t) = c.tests.first() {
        return Err(ScriptError::new(
            t.span,
            format!("'{}' does not take a test", c.name),
        ));
    }
    if c.block.is_some() {
        return Err(ScriptError::new(
            c.span,
            format!("'{}' does not take a block", c.name),
        ));
    }
    if c.name == "addheader" {
        const LAST: &[TagSpec] = &[("last", Param::None, None, 0)];
        let a = super::args::read(&c.name, c.span, &c.args, &[LAST], v.required)?;
        a.expect(&[Param::Str, Param::Str])?;
        let name = a.pos_str(0);
        if !name.contains("${") && !valid_name(&name) {
            return Err(ScriptError::new(
                a.pos_span(0),
                format!("invalid header field name \"{name}\""),
            ));
        }
        return Ok(Command::AddHeader {
            last: a.flag("last"),
            name,
            value: a.pos_str(1),
        });
    }
    // deleteheader's :index/:last belong to editheader itself (RFC 5293
    // §5), not to the index extension.
    const DEL_INDEX: &[TagSpec] = &[
        ("index", Param::Num, None, 0),
        ("last", Param::Num, None, 0),
    ];
    let a = super::args::read(
        &c.name,
        c.span,
        &c.args,
        &[MATCH_TAGS, DEL_INDEX],
        v.required,
    )?;
    let values = match a.positional.len() {
        1 => {
            a.expect(&[Param::Str])?;
            Vec::new()
        }
        _ => {
            a.expect(&[Param::Str, Param::List])?;
            a.pos_list(1)
        }
    };
    let name = a.pos_str(0);
    if !name.contains("${") && !valid_name(&name) {
        return Err(ScriptError::new(
            a.pos_span(0),
            format!("invalid header field name \"{name}\""),
        ));
    }
    let m = a.matcher(v.required)?;
    Ok(Command::DeleteHeader {
        index: a.index()?,
        m,
        name,
        values,
    })
}

/// Applies an edit to the interpreter's header copy and records it.
pub(crate) fn run(
    it: &mut Interp<'_>,
    p: &Program,
    frame: &mut Frame,
    c: &Command,
) -> Result<(), RuntimeError> {
    match c {
        Command::AddHeader { last, name, value } => {
            let name = it.ex(p, frame, name);
            let value = it.ex(p, frame, value);
            if !valid_name(&name) || PROTECTED.contains(&name.to_ascii_lowercase().as_str()) {
                return Ok(());
            }
            let field = HeaderField {
                name: name.clone(),
                value: value.clone(),
            };
            if *last {
                it.headers.push(field);
            } else {
                it.headers.insert(0, field);
            }
            it.headers_edited = true;
            it.push(Action::AddHeader {
                name,
                value,
                last: *last,
            })
        }
        Command::DeleteHeader {
            index,
            m,
            name,
            values,
        } => {
            let name = it.ex(p, frame, name);
            if PROTECTED.contains(&name.to_ascii_lowercase().as_str()) {
                return Ok(());
            }
            let keys = it.ex_list(p, frame, values);
            let positions: Vec<usize> = it
                .headers
                .iter()
                .enumerate()
                .filter(|(_, h)| h.name.eq_ignore_ascii_case(&name))
                .map(|(i, _)| i)
                .collect();
            let chosen: Vec<(usize, usize)> = match index {
                None => positions.iter().copied().enumerate().collect(),
                Some(Index { n, last }) => {
                    let n = usize::try_from(*n).unwrap_or(usize::MAX);
                    let i = if *last {
                        positions.len().checked_sub(n)
                    } else {
                        n.checked_sub(1)
                    };
                    i.and_then(|i| positions.get(i).map(|p| (i, *p)))
                        .into_iter()
                        .collect()
                }
            };
            let mut doomed = Vec::new();
            for (occ, pos) in chosen {
                let hit = keys.is_empty() || {
                    let v = decode_header(&it.headers[pos].value).trim().to_string();
                    matching::match_values(*m, &[v], &keys)
                        .map_err(RuntimeError::new)?
                        .matched
                };
                if hit {
                    doomed.push((occ, pos));
                }
            }
            // Delete from the end so earlier occurrence numbers stay valid.
            for (occ, pos) in doomed.into_iter().rev() {
                it.headers.remove(pos);
                it.headers_edited = true;
                it.push(Action::DeleteHeader {
                    name: name.clone(),
                    occurrence: occ + 1,
                })?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
