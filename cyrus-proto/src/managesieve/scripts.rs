//! The script commands: PUTSCRIPT, CHECKSCRIPT, GETSCRIPT, LISTSCRIPTS,
//! SETACTIVE, DELETESCRIPT, RENAMESCRIPT, HAVESPACE. Scripts are checked
//! with the Sieve compiler against the configured extensions and stored
//! with `cyrus_store::sieve` (source in `#sieve`, compiled `.bc`).

use cyrus_store::mboxname::UserId;
use cyrus_store::sieve::{valid_script_name, SieveError};

use crate::runtime::Output;
use crate::sieve::{CompileOptions, Script};

use super::response::{write_literal, write_string, Code, Response};
use super::session::ManageSieveSession;

/// A store failure as the `NO` Cyrus sends; `doing` names the operation
/// for unexpected errors (`"Error putting script"`).
fn refusal(e: SieveError, doing: &str) -> Response {
    match e {
        SieveError::InvalidName => Response::no("Invalid script name"),
        SieveError::NonExistent(_) => {
            Response::no("Script does not exist").with_code(Code::NonExistent)
        }
        SieveError::AlreadyExists(n) => {
            Response::no(format!("Script {n} already exists.")).with_code(Code::AlreadyExists)
        }
        SieveError::Active => {
            Response::no("Active script cannot be deleted").with_code(Code::Active)
        }
        SieveError::TooManyScripts(n) => {
            Response::no(format!("You are only allowed {n} scripts on this server"))
                .with_code(Code::MaxScripts)
        }
        SieveError::TooLarge(n) => Response::no(format!(
            "Script size is too large. Max script size is {n} bytes"
        ))
        .with_code(Code::MaxSize),
        other => {
            tracing::warn!(error = %other, "{doing}");
            Response::no(format!("{doing}: {other}"))
        }
    }
}

fn name_of(raw: &[u8]) -> Result<String, Response> {
    std::str::from_utf8(raw)
        .ok()
        .filter(|n| valid_script_name(n))
        .map(str::to_string)
        .ok_or_else(|| Response::no("Invalid script name"))
}

impl ManageSieveSession {
    fn compile_options(&self) -> CompileOptions {
        CompileOptions {
            extensions: self.cfg.extensions,
            ..CompileOptions::default()
        }
    }

    /// Compiles `source`; a failure is the `NO` with Cyrus's
    /// `line <n>: <message>` text.
    fn compile(&self, source: &[u8]) -> Result<Script, Response> {
        let text = std::str::from_utf8(source)
            .map_err(|_| Response::no("line 1: script is not valid UTF-8\r\n"))?;
        Script::compile(text, &self.compile_options()).map_err(|e| {
            Response::no(format!(
                "line {}: {} (column {})\r\n",
                e.span.line, e.message, e.span.col
            ))
        })
    }

    /// `PUTSCRIPT name script`.
    pub(super) fn putscript(
        &mut self,
        user: &UserId,
        name: &[u8],
        script: &[u8],
        now: u32,
    ) -> Response {
        let name = match name_of(name) {
            Ok(n) => n,
            Err(r) => return r,
        };
        let lim = self.cfg.limits;
        if let Err(e) = self
            .store
            .sieve_check_space(user, &name, script.len(), &lim)
        {
            return refusal(e, "Error putting script");
        }
        let compiled = match self.compile(script) {
            Ok(s) => s.to_bytes(),
            Err(r) => return r,
        };
        match self.store.sieve_put(
            user,
            &name,
            script,
            &compiled,
            &lim,
            &self.cfg.servername,
            now,
        ) {
            Ok(()) => Response::ok(),
            Err(e) => refusal(e, "Error putting script"),
        }
    }

    /// `CHECKSCRIPT script`: compile only.
    pub(super) fn checkscript(&mut self, script: &[u8]) -> Response {
        match self.compile(script) {
            Ok(_) => Response::ok(),
            Err(r) => r,
        }
    }

    /// `LISTSCRIPTS`: one line per script, `ACTIVE` on the active one.
    pub(super) fn listscripts(&mut self, user: &UserId, out: &mut Output) {
        match self.store.sieve_list(user) {
            Ok(list) => {
                let mut buf = Vec::new();
                for s in list {
                    write_string(&mut buf, s.name.as_bytes());
                    if s.active {
                        buf.extend_from_slice(b" ACTIVE");
                    }
                    buf.extend_from_slice(b"\r\n");
                }
                buf.extend_from_slice(&Response::ok().to_bytes());
                out.send(buf);
            }
            Err(e) => out.send(refusal(e, "Error listing scripts").to_bytes()),
        }
    }

    /// `GETSCRIPT name`: the source as a literal, then `OK`.
    pub(super) fn getscript(&mut self, user: &UserId, name: &[u8], out: &mut Output) {
        let r = name_of(name).and_then(|n| {
            self.store
                .sieve_get(user, &n)
                .map_err(|e| refusal(e, "Error getting script"))
        });
        match r {
            Ok(content) => {
                let mut buf = Vec::new();
                write_literal(&mut buf, &content);
                buf.extend_from_slice(b"\r\n");
                buf.extend_from_slice(&Response::ok().to_bytes());
                out.send(buf);
            }
            Err(r) => out.send(r.to_bytes()),
        }
    }

    /// `SETACTIVE name` (`""` deactivates).
    pub(super) fn setactive(&mut self, user: &UserId, name: &[u8], now: u32) -> Response {
        if name.is_empty() {
            return match self.store.sieve_activate(user, None, None, now) {
                Ok(()) => Response::ok(),
                Err(e) => refusal(e, "Error deactivating script"),
            };
        }
        let name = match name_of(name) {
            Ok(n) => n,
            Err(r) => return r,
        };
        // A script that came without a compiled file (migrated) gets one.
        let compiled = self
            .store
            .sieve_get(user, &name)
            .ok()
            .and_then(|src| self.compile(&src).ok())
            .map(|s| s.to_bytes());
        match self
            .store
            .sieve_activate(user, Some(&name), compiled.as_deref(), now)
        {
            Ok(()) => Response::ok(),
            Err(e) => refusal(e, "Error activating script"),
        }
    }

    /// `DELETESCRIPT name` (not the active one).
    pub(super) fn deletescript(&mut self, user: &UserId, name: &[u8], now: u32) -> Response {
        let name = match name_of(name) {
            Ok(n) => n,
            Err(r) => return r,
        };
        match self.store.sieve_delete(user, &name, now) {
            Ok(()) => Response::ok(),
            Err(e) => refusal(e, "Error deleting script"),
        }
    }

    /// `RENAMESCRIPT old new`.
    pub(super) fn renamescript(
        &mut self,
        user: &UserId,
        old: &[u8],
        new: &[u8],
        now: u32,
    ) -> Response {
        let Ok(old) = name_of(old) else {
            return Response::no("Invalid old script name");
        };
        let Ok(new) = name_of(new) else {
            return Response::no("Invalid new script name");
        };
        match self
            .store
            .sieve_rename(user, &old, &new, &self.cfg.servername, now)
        {
            Ok(()) => Response::ok(),
            Err(SieveError::NonExistent(n)) => {
                Response::no(format!("Script {n} does not exist")).with_code(Code::NonExistent)
            }
            Err(e) => refusal(e, "Error renaming script"),
        }
    }

    /// `HAVESPACE name size`.
    pub(super) fn havespace(&mut self, user: &UserId, name: &[u8], size: u64) -> Response {
        let name = match name_of(name) {
            Ok(n) => n,
            Err(r) => return r,
        };
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        match self
            .store
            .sieve_check_space(user, &name, size, &self.cfg.limits)
        {
            Ok(()) => Response::ok(),
            Err(e) => refusal(e, "Error checking space"),
        }
    }
}
