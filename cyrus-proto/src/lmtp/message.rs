//! The message as lmtpd stores it (Cyrus `savemsg` and
//! `spool_fill_hdrcache`): header syntax checked, line ends made CRLF,
//! `Return-Path:`, `Received:`, `X-Cyrus-Session-Id:` and `X-Sieve:`
//! prepended, an incoming `Return-Path:` dropped, and `Message-ID:` and
//! `Date:` appended to the header block when missing.

use super::date::rfc5322;
use super::reply::Status;

/// What the trace headers say about the transaction.
#[derive(Debug, Clone)]
pub struct Trace<'a> {
    /// `MAIL FROM` path (without brackets).
    pub return_path: &'a str,
    /// The LHLO argument.
    pub lhlo: &'a str,
    /// `[1.2.3.4]` or `unix socket`.
    pub client_host: &'a str,
    /// `MAIL FROM … AUTH=` identity.
    pub auth_user: Option<&'a str>,
    /// `servername`.
    pub servername: &'a str,
    /// `Cyrus <version>` comment when `serverinfo` is on.
    pub version: Option<&'a str>,
    /// STARTTLS is active (`LMTPS`).
    pub tls: bool,
    /// The session is authenticated (`LMTPA`).
    pub authenticated: bool,
    /// Session id.
    pub session_id: &'a str,
    /// Arrival time (Unix seconds).
    pub now: i64,
    /// Distinguishes generated Message-IDs within a process.
    pub msg_number: u64,
}

/// The message ready to store, with what duplicate suppression needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The bytes to append, CRLF line ends.
    pub data: Vec<u8>,
    /// Message-ID value (given or generated).
    pub message_id: String,
    /// Date value (given or generated).
    pub date: String,
}

/// Bare LF and bare CR become CRLF.
pub fn to_crlf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 32);
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'\r' if raw.get(i + 1) == Some(&b'\n') => {
                out.extend_from_slice(b"\r\n");
                i += 2;
                continue;
            }
            b'\r' | b'\n' => out.extend_from_slice(b"\r\n"),
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// RFC 5322 `ftext`.
fn is_ftext(b: u8) -> bool {
    (33..=57).contains(&b) || (59..=126).contains(&b)
}

/// One header field: its name and its raw lines (with CRLFs).
struct Field<'a> {
    name: &'a [u8],
    raw: &'a [u8],
    /// Offset of the field in the message.
    start: usize,
}

impl Field<'_> {
    /// The unfolded value, trimmed.
    fn value(&self) -> String {
        let v = &self.raw[self.name.len()..];
        let v = String::from_utf8_lossy(v);
        let v = v.trim_start_matches([' ', '\t']);
        let v = v.strip_prefix(':').unwrap_or(v);
        v.replace("\r\n", "").trim().to_string()
    }
}

/// Splits the CRLF message into checked header fields and the rest
/// (starting with the blank line, or empty).
fn split_fields(msg: &[u8]) -> Result<(Vec<Field<'_>>, &[u8]), Status> {
    let mut fields: Vec<Field<'_>> = Vec::new();
    let mut pos = 0;
    while pos < msg.len() {
        let line_end = msg[pos..]
            .windows(2)
            .position(|w| w == b"\r\n")
            .map_or(msg.len(), |i| pos + i + 2);
        let line = &msg[pos..line_end];
        if line == b"\r\n" {
            return Ok((fields, &msg[pos..]));
        }
        if line[0] == b' ' || line[0] == b'\t' {
            // A continuation of the previous field; a header block that
            // starts with one is malformed.
            let Some(last) = fields.last_mut() else {
                return Err(Status::InvalidHeader);
            };
            last.raw = &msg[last.start..line_end];
        } else {
            let name_len = line.iter().take_while(|&&b| is_ftext(b)).count();
            let after = line[name_len..].iter().find(|&&b| b != b' ' && b != b'\t');
            if name_len == 0 || after != Some(&b':') {
                return Err(Status::InvalidHeader);
            }
            fields.push(Field {
                name: &line[..name_len],
                raw: line,
                start: pos,
            });
        }
        pos = line_end;
    }
    Ok((fields, &msg[msg.len()..]))
}

/// Builds the `Received:` field exactly as Cyrus folds it.
fn received(t: &Trace<'_>) -> String {
    let mut parts = vec![format!("from {} ({})", t.lhlo, t.client_host)];
    if let Some(u) = t.auth_user {
        parts.push(format!(" (authenticated user={u} bits=0)"));
    }
    let mut by = format!(" by {}", t.servername);
    if let Some(v) = t.version {
        by.push_str(&format!(" (Cyrus {v})"));
    }
    by.push_str(&format!(
        " with LMTP{}{};",
        if t.tls { "S" } else { "" },
        if t.authenticated { "A" } else { "" }
    ));
    parts.push(by);
    parts.push(format!(" {}", rfc5322(t.now)));
    format!("Received: {}\r\n", parts.join("\r\n\t"))
}

/// Checks and rewrites a received message for storing.
pub fn prepare(raw: &[u8], t: &Trace<'_>) -> Result<Prepared, Status> {
    if raw.contains(&0) {
        return Err(Status::ContainsNul);
    }
    let msg = to_crlf(raw);
    let (fields, rest) = split_fields(&msg)?;
    let first = |name: &str| {
        fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name.as_bytes()))
    };
    let message_id = match first("Message-ID") {
        Some(f) if f.value().is_empty() => return Err(Status::InvalidHeader),
        Some(f) => Some(f.value()),
        None => None,
    };
    let date = first("Date").map(|f| f.value());

    let mut out = Vec::with_capacity(msg.len() + 512);
    let rp = t.return_path;
    let rp = if !rp.is_empty() && !rp.contains('@') {
        format!("{rp}@{}", t.servername)
    } else {
        rp.to_string()
    };
    out.extend_from_slice(format!("Return-Path: <{rp}>\r\n").as_bytes());
    out.extend_from_slice(received(t).as_bytes());
    out.extend_from_slice(format!("X-Cyrus-Session-Id: {}\r\n", t.session_id).as_bytes());
    out.extend_from_slice(b"X-Sieve: CMU Sieve 3.0\r\n");
    for f in fields
        .iter()
        .filter(|f| !f.name.eq_ignore_ascii_case(b"Return-Path"))
    {
        out.extend_from_slice(f.raw);
    }
    let message_id = match message_id {
        Some(id) => id,
        None => {
            let id = format!(
                "<cmu-lmtpd-{}-{}-{}@{}>",
                std::process::id(),
                t.now,
                t.msg_number,
                t.servername
            );
            out.extend_from_slice(format!("Message-ID: {id}\r\n").as_bytes());
            id
        }
    };
    let date = match date {
        Some(d) => d,
        None => {
            let d = rfc5322(t.now);
            out.extend_from_slice(format!("Date: {d}\r\n").as_bytes());
            d
        }
    };
    out.extend_from_slice(rest);
    Ok(Prepared {
        data: out,
        message_id,
        date,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trace() -> Trace<'static> {
        Trace {
            return_path: "fixture@example.org",
            lhlo: "fixture.example",
            client_host: "localhost [127.0.0.1]",
            auth_user: None,
            servername: "localhost",
            version: Some("3.6.1-Debian-3.6.1-4+deb12u5"),
            tls: false,
            authenticated: true,
            session_id: "sid-1",
            now: 1_795_354_276,
            msg_number: 0,
        }
    }

    #[test]
    fn trace_headers_like_cyrus() {
        let p = prepare(
            b"Return-Path: <x@y>\nSubject: hi\nMessage-ID: <a@b>\nDate: D\n\nbody\n",
            &trace(),
        )
        .expect("ok");
        let want = "Return-Path: <fixture@example.org>\r\n\
            Received: from fixture.example (localhost [127.0.0.1])\r\n\
            \t by localhost (Cyrus 3.6.1-Debian-3.6.1-4+deb12u5) with LMTPA;\r\n\
            \t Sun, 22 Nov 2026 13:31:16 +0000\r\n\
            X-Cyrus-Session-Id: sid-1\r\n\
            X-Sieve: CMU Sieve 3.0\r\n\
            Subject: hi\r\nMessage-ID: <a@b>\r\nDate: D\r\n\r\nbody\r\n";
        assert_eq!(String::from_utf8_lossy(&p.data), want);
        assert_eq!((p.message_id.as_str(), p.date.as_str()), ("<a@b>", "D"));
    }

    #[test]
    fn missing_ids_are_appended_to_the_header() {
        let p = prepare(b"Subject: x\r\n folded\r\n\r\nb\r\n", &trace()).expect("ok");
        let s = String::from_utf8_lossy(&p.data);
        assert!(s.contains("Subject: x\r\n folded\r\nMessage-ID: <cmu-lmtpd-"));
        assert!(s.contains("\r\nDate: Sun, 22 Nov 2026 13:31:16 +0000\r\n\r\nb\r\n"));
    }

    #[test]
    fn invalid_messages() {
        assert_eq!(
            prepare(b"From someone Mon\r\nX: y\r\n\r\n", &trace()),
            Err(Status::InvalidHeader)
        );
        assert_eq!(
            prepare(b"just text here\r\n\r\n", &trace()),
            Err(Status::InvalidHeader)
        );
        assert_eq!(
            prepare(b" cont\r\n\r\n", &trace()),
            Err(Status::InvalidHeader)
        );
        assert_eq!(
            prepare(b"Message-ID:\r\n\r\n", &trace()),
            Err(Status::InvalidHeader)
        );
        assert_eq!(
            prepare(b"A: \0\r\n\r\n", &trace()),
            Err(Status::ContainsNul)
        );
    }
}
