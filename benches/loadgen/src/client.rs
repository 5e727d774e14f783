//! A minimal IMAP client over tokio: tagged commands, responses read up to
//! the tagged completion (literals included), synchronizing literals for
//! APPEND. Enough to drive Cyrus, Dovecot and us the same way.

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::error::LoadError;
use crate::target::Target;

/// Longest response line or literal accepted (a runaway server must not
/// exhaust our memory).
const MAX_LITERAL: usize = 64 << 20;

/// One IMAP connection.
pub struct Imap {
    r: BufReader<TcpStream>,
    n: u64,
    target: String,
}

impl Imap {
    /// Connects and reads the greeting.
    pub async fn connect(t: &Target) -> Result<Imap, LoadError> {
        let s = TcpStream::connect(&t.addr)
            .await
            .map_err(|source| LoadError::Io {
                target: t.name.clone(),
                source,
            })?;
        let _ = s.set_nodelay(true);
        let mut c = Imap {
            r: BufReader::new(s),
            n: 0,
            target: t.name.clone(),
        };
        let g = c.line().await?;
        if !g.starts_with("* OK") && !g.starts_with("* PREAUTH") {
            return Err(c.protocol(format!("greeting: {g}")));
        }
        Ok(c)
    }

    /// Connects and logs in.
    pub async fn login(t: &Target) -> Result<Imap, LoadError> {
        let mut c = Imap::connect(t).await?;
        c.ok(&format!("LOGIN {} {}", quote(&t.user), quote(&t.pass)))
            .await?;
        Ok(c)
    }

    fn protocol(&self, what: String) -> LoadError {
        LoadError::Protocol {
            target: self.target.clone(),
            what,
        }
    }

    fn io(&self, source: std::io::Error) -> LoadError {
        LoadError::Io {
            target: self.target.clone(),
            source,
        }
    }

    async fn line(&mut self) -> Result<String, LoadError> {
        let mut buf = Vec::new();
        let n = self
            .r
            .read_until(b'\n', &mut buf)
            .await
            .map_err(|e| self.io(e))?;
        if n == 0 {
            return Err(self.protocol("connection closed".into()));
        }
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }

    async fn send(&mut self, bytes: &[u8]) -> Result<(), LoadError> {
        let r = self.r.get_mut().write_all(bytes).await;
        r.map_err(|e| self.io(e))
    }

    fn next_tag(&mut self) -> String {
        self.n += 1;
        format!("L{}", self.n)
    }

    /// Reads up to the completion of `tag`; returns (all text, tagged line).
    async fn complete(&mut self, tag: &str) -> Result<(String, String), LoadError> {
        let mut all = String::new();
        loop {
            let line = self.line().await?;
            if let Some(n) = literal_len(&line) {
                if n > MAX_LITERAL {
                    return Err(self.protocol(format!("literal of {n} bytes")));
                }
                let mut lit = vec![0; n];
                self.r.read_exact(&mut lit).await.map_err(|e| self.io(e))?;
                all.push_str(&line);
                all.push_str(&String::from_utf8_lossy(&lit));
                continue;
            }
            if line.starts_with(tag) && line.as_bytes().get(tag.len()) == Some(&b' ') {
                return Ok((all, line));
            }
            all.push_str(&line);
        }
    }

    /// Sends a command; returns the untagged text when it completes OK.
    pub async fn ok(&mut self, command: &str) -> Result<String, LoadError> {
        let tag = self.next_tag();
        self.send(format!("{tag} {command}\r\n").as_bytes()).await?;
        let (all, done) = self.complete(&tag).await?;
        if done[tag.len() + 1..].starts_with("OK") {
            Ok(all)
        } else {
            Err(self.protocol(format!("{command}: {}", done.trim_end())))
        }
    }

    /// Sends a command; `true` when it completed OK (NO/BAD are answers).
    pub async fn try_cmd(&mut self, command: &str) -> Result<bool, LoadError> {
        let tag = self.next_tag();
        self.send(format!("{tag} {command}\r\n").as_bytes()).await?;
        let (_, done) = self.complete(&tag).await?;
        Ok(done[tag.len() + 1..].starts_with("OK"))
    }

    /// `APPEND mailbox (flags) {n}` with a synchronizing literal.
    pub async fn append(&mut self, mailbox: &str, message: &[u8]) -> Result<(), LoadError> {
        let tag = self.next_tag();
        self.send(
            format!(
                "{tag} APPEND {} (\\Seen) {{{}}}\r\n",
                quote(mailbox),
                message.len()
            )
            .as_bytes(),
        )
        .await?;
        let cont = self.line().await?;
        if !cont.starts_with('+') {
            return Err(self.protocol(format!("APPEND: {}", cont.trim_end())));
        }
        self.send(message).await?;
        self.send(b"\r\n").await?;
        let (_, done) = self.complete(&tag).await?;
        if done[tag.len() + 1..].starts_with("OK") {
            Ok(())
        } else {
            Err(self.protocol(format!("APPEND: {}", done.trim_end())))
        }
    }

    /// `IDLE`, waiting for the continuation.
    pub async fn idle(&mut self) -> Result<String, LoadError> {
        let tag = self.next_tag();
        self.send(format!("{tag} IDLE\r\n").as_bytes()).await?;
        loop {
            let l = self.line().await?;
            if l.starts_with('+') {
                return Ok(tag);
            }
            if l.starts_with(&tag) {
                return Err(self.protocol(format!("IDLE: {}", l.trim_end())));
            }
        }
    }

    /// Ends an IDLE started with `tag`.
    pub async fn done(&mut self, tag: &str) -> Result<(), LoadError> {
        self.send(b"DONE\r\n").await?;
        self.complete(tag).await.map(|_| ())
    }
}

/// `{n}` (or `{n+}`) at the end of a response line.
fn literal_len(line: &str) -> Option<usize> {
    let l = line.trim_end_matches(['\r', '\n']);
    let inner = l.strip_suffix('}')?;
    let (_, n) = inner.rsplit_once('{')?;
    n.trim_end_matches('+').parse().ok()
}

/// An IMAP quoted string.
pub fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// One LMTP connection.
pub struct Lmtp {
    r: BufReader<TcpStream>,
    target: String,
}

impl Lmtp {
    /// Connects, reads the greeting and says LHLO.
    pub async fn connect(t: &Target) -> Result<Lmtp, LoadError> {
        let s = TcpStream::connect(&t.addr)
            .await
            .map_err(|source| LoadError::Io {
                target: t.name.clone(),
                source,
            })?;
        let _ = s.set_nodelay(true);
        let mut c = Lmtp {
            r: BufReader::new(s),
            target: t.name.clone(),
        };
        c.reply().await?;
        c.send(b"LHLO loadgen.example\r\n").await?;
        c.reply().await?;
        Ok(c)
    }

    async fn send(&mut self, bytes: &[u8]) -> Result<(), LoadError> {
        let r = self.r.get_mut().write_all(bytes).await;
        r.map_err(|source| LoadError::Io {
            target: self.target.clone(),
            source,
        })
    }

    /// Reads one (possibly multi-line) reply; returns its last line.
    async fn reply(&mut self) -> Result<String, LoadError> {
        loop {
            let mut l = String::new();
            let n = self
                .r
                .read_line(&mut l)
                .await
                .map_err(|source| LoadError::Io {
                    target: self.target.clone(),
                    source,
                })?;
            if n == 0 {
                return Err(LoadError::Protocol {
                    target: self.target.clone(),
                    what: "connection closed".into(),
                });
            }
            if l.as_bytes().get(3) != Some(&b'-') {
                return Ok(l);
            }
        }
    }

    /// Delivers one message to `rcpt`; `true` when it was accepted.
    pub async fn deliver(&mut self, rcpt: &str, message: &[u8]) -> Result<bool, LoadError> {
        self.send(
            format!("MAIL FROM:<loadgen@example.org>\r\nRCPT TO:<{rcpt}>\r\nDATA\r\n").as_bytes(),
        )
        .await?;
        let mail = self.reply().await?;
        let rcpt_reply = self.reply().await?;
        let data = self.reply().await?;
        if !mail.starts_with('2') || !rcpt_reply.starts_with('2') || !data.starts_with("354") {
            // DATA was refused (no valid recipient): nothing to send.
            if data.starts_with("354") {
                self.send(b".\r\n").await?;
                self.reply().await?;
            }
            self.send(b"RSET\r\n").await?;
            self.reply().await?;
            return Ok(false);
        }
        self.send(message).await?;
        self.send(b".\r\n").await?;
        let done = self.reply().await?;
        Ok(done.starts_with('2'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_lengths() {
        assert_eq!(literal_len("* 1 FETCH (BODY[] {42}\r\n"), Some(42));
        assert_eq!(literal_len("a APPEND x {7+}\r\n"), Some(7));
        assert_eq!(literal_len("* OK done\r\n"), None);
        assert_eq!(quote("a\"b"), "\"a\\\"b\"");
    }
}
