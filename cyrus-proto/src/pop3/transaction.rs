//! The transaction state's commands (RFC 1939 §5): STAT, LIST, UIDL,
//! RETR, TOP, DELE, RSET, NOOP, with Cyrus's argument checks and texts.

use crate::runtime::Output;

use super::handler;
use super::session::{Pop3Session, State};
use super::wire::{number, stuffed, trim_start};

impl Pop3Session {
    pub(super) fn transaction(&mut self, verb: &str, arg: Option<&[u8]>, out: &mut Output) {
        let State::Transaction(t) = &mut self.state else {
            return;
        };
        let drop = &mut t.opened.maildrop;
        let format = self.cfg.uidl_format;
        let no_arg = |out: &mut Output, f: &dyn Fn() -> String| match arg {
            Some(_) => out.send("-ERR Unexpected extra argument\r\n"),
            None => out.send(f()),
        };
        match verb {
            "stat" => no_arg(out, &|| {
                let (n, size) = drop.stat();
                format!("+OK {n} {size}\r\n")
            }),
            "noop" => no_arg(out, &|| "+OK\r\n".into()),
            "rset" => match arg {
                Some(_) => out.send("-ERR Unexpected extra argument\r\n"),
                None => {
                    drop.reset();
                    out.send("+OK\r\n");
                }
            },
            "list" => match arg {
                Some(a) => match drop.parse(a) {
                    Ok(n) => out.send(format!("+OK {n} {}\r\n", drop.size(n))),
                    Err(e) => out.send(format!("-ERR {e}\r\n")),
                },
                None => {
                    let mut s = String::from("+OK scan listing follows\r\n");
                    for n in drop.live() {
                        s.push_str(&format!("{n} {}\r\n", drop.size(n)));
                    }
                    s.push_str(".\r\n");
                    out.send(s);
                }
            },
            "uidl" => match arg {
                Some(a) => match drop.parse(a) {
                    Ok(n) => out.send(format!("+OK {n} {}\r\n", drop.uidl(n, format))),
                    Err(e) => out.send(format!("-ERR {e}\r\n")),
                },
                None => {
                    let mut s = String::from("+OK unique-id listing follows\r\n");
                    for n in drop.live() {
                        s.push_str(&format!("{n} {}\r\n", drop.uidl(n, format)));
                    }
                    s.push_str(".\r\n");
                    out.send(s);
                }
            },
            "dele" => match arg {
                None => out.send("-ERR Missing argument\r\n"),
                Some(a) => match drop.parse(a) {
                    Ok(n) => {
                        drop.delete(n);
                        out.send("+OK message deleted\r\n");
                    }
                    Err(e) => out.send(format!("-ERR {e}\r\n")),
                },
            },
            "retr" => match arg {
                None => out.send("-ERR Missing argument\r\n"),
                Some(a) => match drop.parse(a) {
                    Ok(n) => {
                        if self.send_message(n, None, out) {
                            if let State::Transaction(t) = &mut self.state {
                                t.opened.maildrop.retrieved(n);
                            }
                        }
                    }
                    Err(e) => out.send(format!("-ERR {e}\r\n")),
                },
            },
            "top" => {
                // Cyrus: a message number followed by something, then a
                // line count and nothing else.
                let a = trim_start(arg.unwrap_or_default());
                match number(a) {
                    Some((n, rest)) if !rest.is_empty() => match number(trim_start(rest)) {
                        None => out.send("-ERR Invalid number of lines\r\n"),
                        Some((_, tail)) if !tail.is_empty() => {
                            out.send("-ERR Unexpected extra argument\r\n")
                        }
                        Some((lines, _)) => match drop.check(n) {
                            Ok(n) => {
                                self.send_message(n, Some(lines), out);
                            }
                            Err(e) => out.send(format!("-ERR {e}\r\n")),
                        },
                    },
                    _ => out.send("-ERR Missing argument\r\n"),
                }
            }
            _ => out.send("-ERR Unrecognized command\r\n"),
        }
    }

    /// Sends message `n` (all of it, or the header and `lines` body lines);
    /// false when it could not be read.
    fn send_message(&mut self, n: u32, lines: Option<u32>, out: &mut Output) -> bool {
        let State::Transaction(t) = &self.state else {
            return false;
        };
        let Some(uid) = t.opened.maildrop.uid(n) else {
            out.send("-ERR No such message\r\n");
            return false;
        };
        match handler::read(&self.store, &t.opened.mailbox, uid) {
            Ok(data) => {
                out.send("+OK Message follows\r\n");
                out.send(stuffed(&data, lines));
                true
            }
            Err(r) => {
                out.send(format!("{}\r\n", r.line));
                false
            }
        }
    }
}
