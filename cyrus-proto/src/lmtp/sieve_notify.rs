//! The message an enotify `mailto:` notification sends (RFC 5436).
//!
//! Cyrus 3.6 hands enotify to `notifyd`, whose mailto method writes a
//! bare "[SIEVE] New mail notification" without `Auto-Submitted:`; this
//! follows RFC 5436 instead: `Auto-Submitted: auto-notified`, the null
//! envelope sender, no notification about auto-submitted mail, and only
//! the URI header fields that are safe to take from a script.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::sieve::{percent_decode, HeaderField};

use super::date::rfc5322;

/// Header fields a `mailto:` URI may set (RFC 5436 §2.7: the rest,
/// e.g. `From`, `Auto-Submitted`, `Received`, are ignored).
const SAFE_URI_FIELDS: &[&str] = &[
    "subject",
    "cc",
    "keywords",
    "comments",
    "in-reply-to",
    "references",
];

/// Notifications sent by this process, so that two in the same second
/// get different Message-IDs (Cyrus's `global_outgoing_count`).
static SENT: AtomicU64 = AtomicU64::new(0);

/// Subject when neither `:message` nor the URI gives one.
const DEFAULT_SUBJECT: &str = "[SIEVE] New mail notification";

/// A parsed `mailto:` URI (RFC 6068).
#[derive(Debug, Default, PartialEq, Eq)]
struct Mailto {
    /// Recipients: the path, then any `to=` fields.
    to: Vec<String>,
    /// `cc=` recipients.
    cc: Vec<String>,
    /// Safe header fields other than `to`/`cc`, in URI order.
    fields: Vec<(String, String)>,
    /// `body=`.
    body: Option<String>,
}

fn addresses(list: &str) -> impl Iterator<Item = String> + '_ {
    list.split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
}

fn parse_mailto(uri: &str) -> Option<Mailto> {
    let (scheme, rest) = uri.split_once(':')?;
    if !scheme.eq_ignore_ascii_case("mailto") {
        return None;
    }
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut m = Mailto {
        to: addresses(&percent_decode(path)).collect(),
        ..Mailto::default()
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = percent_decode(name).to_ascii_lowercase();
        let value = percent_decode(value);
        match name.as_str() {
            "to" => m.to.extend(addresses(&value)),
            "cc" => m.cc.extend(addresses(&value)),
            "body" => m.body = Some(value),
            n if SAFE_URI_FIELDS.contains(&n) => m.fields.push((name, value)),
            _ => tracing::debug!(field = %name, "unsafe mailto header field ignored"),
        }
    }
    (!m.to.is_empty()).then_some(m)
}

/// Whether the triggering message was itself generated automatically
/// (`Auto-Submitted:` other than "no"), when RFC 5436 §2.7 forbids a
/// notification.
pub(super) fn auto_submitted(headers: &[HeaderField]) -> bool {
    headers.iter().any(|h| {
        h.name.eq_ignore_ascii_case("auto-submitted")
            && !h
                .value
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("no")
    })
}

/// What the notification is about and who sends it.
pub(super) struct NotifyInput<'a> {
    /// The `notify` URI.
    pub method: &'a str,
    /// `:from`.
    pub from: Option<&'a str>,
    /// `:importance`, "1" to "3".
    pub importance: &'a str,
    /// `:message`.
    pub message: Option<&'a str>,
    /// The script owner's address, the default `From:`.
    pub owner: &'a str,
    /// The triggering message's header.
    pub original: &'a [HeaderField],
    /// `servername`, for the Message-ID.
    pub servername: &'a str,
    /// Now, Unix seconds.
    pub now: u32,
}

/// A notification to hand to the MTA.
pub(super) struct Notification {
    /// Envelope recipients.
    pub to: Vec<String>,
    /// The whole message, CRLF line ends.
    pub data: Vec<u8>,
}

fn header<'h>(h: &'h [HeaderField], name: &str) -> &'h str {
    h.iter()
        .find(|f| f.name.eq_ignore_ascii_case(name))
        .map_or("", |f| f.value.trim())
}

/// RFC 2047 `B` encoding for a header value that is not ASCII.
fn encode_header(value: &str) -> String {
    use base64::Engine as _;
    if value.is_ascii() {
        return value.to_string();
    }
    format!(
        "=?UTF-8?B?{}?=",
        base64::engine::general_purpose::STANDARD.encode(value)
    )
}

/// Control characters (a CR/LF from a script) must not end a field early.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn crlf(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\n', "\r\n")
}

/// Builds the notification for `n`, or `None` when the URI is not a
/// usable `mailto:`.
pub(super) fn notification(n: &NotifyInput<'_>) -> Option<Notification> {
    let m = parse_mailto(n.method)?;
    let subject = n
        .message
        .map(str::to_string)
        .or_else(|| {
            m.fields
                .iter()
                .find(|(k, _)| k == "subject")
                .map(|(_, v)| v.clone())
        })
        .unwrap_or_else(|| DEFAULT_SUBJECT.to_string());
    // A recipient given without a domain (`RCPT TO:<alice>`) is
    // qualified with the server's name: a From without one is unusable.
    let owner = if n.owner.contains('@') {
        n.owner.to_string()
    } else {
        format!("{}@{}", n.owner, n.servername)
    };
    let from = n.from.unwrap_or(&owner);
    let from = if from.contains('<') {
        one_line(from)
    } else {
        format!("<{}>", one_line(from))
    };
    let mut out = format!(
        "Message-ID: <cmu-sieve-notify-{}-{}-{}@{}>\r\nDate: {}\r\nFrom: {from}\r\nTo: {}\r\n",
        std::process::id(),
        n.now,
        SENT.fetch_add(1, Ordering::Relaxed),
        n.servername,
        rfc5322(i64::from(n.now)),
        m.to.iter()
            .map(|a| format!("<{}>", one_line(a)))
            .collect::<Vec<_>>()
            .join(", "),
    );
    if !m.cc.is_empty() {
        let cc: Vec<String> = m.cc.iter().map(|a| format!("<{}>", one_line(a))).collect();
        out.push_str(&format!("Cc: {}\r\n", cc.join(", ")));
    }
    out.push_str(&format!(
        "Subject: {}\r\n",
        encode_header(&one_line(&subject))
    ));
    for (k, v) in m.fields.iter().filter(|(k, _)| k != "subject") {
        out.push_str(&format!("{k}: {}\r\n", encode_header(&one_line(v))));
    }
    match n.importance {
        "1" => out.push_str("Importance: high\r\nX-Priority: 1\r\n"),
        "3" => out.push_str("Importance: low\r\nX-Priority: 5\r\n"),
        _ => {}
    }
    out.push_str(
        "Auto-Submitted: auto-notified\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
    );
    let body = m.body.clone().unwrap_or_else(|| {
        // RFC 5436 §2.7: the default body summarises the message.
        let o = n.original;
        format!(
            "You have received a new message.\n\nFrom: {}\nTo: {}\nSubject: {}\nDate: {}\n",
            header(o, "from"),
            header(o, "to"),
            header(o, "subject"),
            header(o, "date"),
        )
    });
    out.push_str(&crlf(&body));
    if !out.ends_with("\r\n") {
        out.push_str("\r\n");
    }
    let mut to = m.to;
    to.extend(m.cc);
    Some(Notification {
        to,
        data: out.into_bytes(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailto_uri_keeps_only_safe_fields() {
        let m = parse_mailto(
            "mailto:a@example.com,b%40example.org?subject=Hi%20there&from=evil@x&cc=c@example.net&body=line",
        )
        .expect("mailto");
        assert_eq!(m.to, vec!["a@example.com", "b@example.org"]);
        assert_eq!(m.cc, vec!["c@example.net"]);
        assert_eq!(
            m.fields,
            vec![("subject".to_string(), "Hi there".to_string())]
        );
        assert_eq!(m.body.as_deref(), Some("line"));
        assert!(parse_mailto("xmpp:a@example.com").is_none());
    }

    #[test]
    fn auto_submitted_other_than_no() {
        let f = |v: &str| {
            vec![HeaderField {
                name: "Auto-Submitted".into(),
                value: v.into(),
            }]
        };
        assert!(auto_submitted(&f(" auto-replied")));
        assert!(auto_submitted(&f("auto-notified; owner-email=x@y")));
        assert!(!auto_submitted(&f(" No")));
        assert!(!auto_submitted(&[]));
    }
}
