//! The message that carries a script in the `#sieve` mailbox, as Cyrus
//! 3.6 `sieve_script_store` writes it: `From: <user@server>`,
//! `Subject:` the script name (RFC 2047 when not ASCII), `Date:`,
//! `Message-ID: <sha1-of-script@server>`, an `application/sieve`
//! attachment header block, and the script as the body.

use sha1::{Digest, Sha1};

use crate::mailbox::examine::rfc5322_utc;
use crate::message::{decode_mimeheader, header_fields, parse};

/// A script read back from its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptMessage {
    /// The script name (`Subject:`).
    pub name: String,
    /// The script source (the body).
    pub content: Vec<u8>,
    /// The script's id: the attachment's file name without `.sieve`
    /// (Cyrus keys its `dav.db` row on it and keeps it across
    /// replacements and renames). `None` when the message has none.
    pub id: Option<String>,
}

/// What names the attachment: `<id>.sieve`.
const SIEVE_EXTENSION: &str = ".sieve";

/// SHA-1 of the script, lower-case hex (Cyrus's `contentid`).
pub(super) fn content_id(content: &[u8]) -> String {
    Sha1::digest(content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `name` as a header value: as is when it is printable ASCII, else one
/// RFC 2047 `Q` encoded word.
fn encode_name(name: &str) -> String {
    if name.bytes().all(|b| (0x20..0x7f).contains(&b)) && !name.contains("=?") {
        return name.to_string();
    }
    let mut s = String::from("=?UTF-8?Q?");
    for b in name.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' => s.push(char::from(b)),
            b' ' => s.push('_'),
            _ => s.push_str(&format!("={b:02X}")),
        }
    }
    s.push_str("?=");
    s
}

/// The message for script `name` of `userid` on `servername`; `file_id`
/// names the attachment (`<file_id>.sieve`).
pub fn script_message(
    userid: &str,
    servername: &str,
    name: &str,
    content: &[u8],
    file_id: &str,
    now: u32,
) -> Vec<u8> {
    let from = if userid.contains('@') {
        format!("<{userid}>")
    } else {
        format!("<{userid}@{servername}>")
    };
    let mut m = format!(
        "From: {from}\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: <{}@{servername}>\r\n\
         Content-Type: application/sieve; charset=utf-8\r\nContent-Length: {}\r\n\
         Content-Disposition: attachment;\r\n\tfilename=\"{file_id}{SIEVE_EXTENSION}\"\r\n\
         MIME-Version: 1.0\r\n\r\n",
        encode_name(name),
        rfc5322_utc(i64::from(now)),
        content_id(content),
        content.len()
    )
    .into_bytes();
    m.extend_from_slice(content);
    m
}

/// Reads a script message back; `None` when it has no `Subject:`.
pub fn parse_script_message(raw: &[u8]) -> Option<ScriptMessage> {
    let body_at = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n").map(|i| i + 2))
        .unwrap_or(raw.len());
    let subject = header_fields(&raw[..body_at])
        .into_iter()
        .find(|f| f.name.eq_ignore_ascii_case(b"subject"))?;
    let unfolded: Vec<u8> = subject
        .value
        .iter()
        .copied()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect();
    let decoded = decode_mimeheader(unfolded.trim_ascii());
    let name = String::from_utf8_lossy(&decoded).trim().to_string();
    Some(ScriptMessage {
        name,
        content: raw[body_at..].to_vec(),
        id: script_id(raw),
    })
}

/// The `filename` parameter of `Content-Disposition` minus `.sieve`, read
/// from the parsed MIME structure as Cyrus's `mailbox_update_sieve` does
/// (the last such parameter wins, as in its loop).
fn script_id(raw: &[u8]) -> Option<String> {
    let (_, params) = parse(raw).root.disposition?;
    params
        .iter()
        .rev()
        .filter(|p| p.attribute == b"FILENAME")
        .filter_map(|p| std::str::from_utf8(&p.value).ok())
        .filter_map(|v| v.strip_suffix(SIEVE_EXTENSION))
        .find(|id| !id.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_fixture() {
        let m = script_message("alice", "localhost", "fixture", b"keep;\r\n", "x", 0);
        let text = String::from_utf8_lossy(&m);
        assert!(text.starts_with("From: <alice@localhost>\r\nSubject: fixture\r\n"));
        assert!(text.contains("Content-Length: 7\r\n"));
        let back = parse_script_message(&m).expect("parse");
        assert_eq!(back.name, "fixture");
        assert_eq!(back.content, b"keep;\r\n");
        assert_eq!(back.id.as_deref(), Some("x"));
        let m = script_message("alice", "h", "Ferien ä/x", b"", "x", 0);
        assert_eq!(parse_script_message(&m).expect("p").name, "Ferien ä/x");
        // Written by real Cyrus 3.6.
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/fixtures/cyrus-3.6/basic/spool/uuid/q/t")
            .join("qtpm498sbm20kjbl61gcodah/1.");
        let raw = std::fs::read(path).expect("fixture message");
        let s = parse_script_message(&raw).expect("fixture");
        assert_eq!(s.name, "fixture");
        assert_eq!(s.content.len(), 100);
        assert_eq!(s.id.as_deref(), Some("u3iyno7crbmz3dlmd654rs5o"));
        assert_eq!(
            content_id(&s.content),
            "aa76581ca021edf08b8e5c096a175986ef711b80"
        );
    }
}
