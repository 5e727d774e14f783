//! RFC 5230 vacation (and RFC 6131 `:seconds`): decides whether a reply
//! is due and builds it. Response tracking ("already replied to this
//! sender within the interval") is the caller's, keyed by
//! [`Vacation::handle`] and [`Vacation::to`].

use super::action::Vacation;
use super::address;
use super::interp::Interp;
use super::ir::{AddressPart, Program, VacationArgs};
use super::variables::Frame;

/// Builds the reply, or `None` when RFC 5230 §4.5–4.6 say not to reply.
pub(crate) fn build(
    it: &Interp<'_>,
    p: &Program,
    frame: &Frame,
    v: &VacationArgs,
) -> Option<Vacation> {
    let sender = it.msg.envelope_from()?;
    let sender = sender
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_string();
    if sender.is_empty() {
        return None;
    }
    // §4.6: never reply to mailing-list or system senders.
    let local = sender.split('@').next().unwrap_or("").to_ascii_lowercase();
    if local == "mailer-daemon"
        || local == "listserv"
        || local == "majordomo"
        || local.starts_with("owner-")
        || local.ends_with("-request")
    {
        return None;
    }
    // §5 (RFC 3834): not to automatic or bulk mail.
    if it
        .header_values("auto-submitted", None)
        .iter()
        .any(|v| !v.eq_ignore_ascii_case("no"))
    {
        return None;
    }
    if !it.header_values("list-id", None).is_empty() {
        return None;
    }
    if it
        .header_values("precedence", None)
        .iter()
        .any(|v| matches!(v.to_ascii_lowercase().as_str(), "bulk" | "list" | "junk"))
    {
        return None;
    }
    let mut own: Vec<String> = it.opts.user_addresses.clone();
    own.extend(it.ex_list(p, frame, &v.addresses));
    if let Some(to) = it.msg.envelope_to() {
        own.push(to.trim_start_matches('<').trim_end_matches('>').to_string());
    }
    let own: Vec<String> = own
        .iter()
        .flat_map(|a| address::parse_list(a))
        .filter_map(|a| address::part(&a, AddressPart::All))
        .map(|a| a.to_ascii_lowercase())
        .collect();
    // §4.5: only reply if one of our addresses is a visible recipient.
    // With no known address at all we cannot tell, and reply.
    if !own.is_empty() {
        let mine = ["to", "cc", "bcc", "resent-to", "resent-cc"]
            .iter()
            .any(|h| {
                it.header_values(h, None).iter().any(|val| {
                    address::parse_list(val)
                        .iter()
                        .filter_map(|a| address::part(a, AddressPart::All))
                        .any(|a| own.contains(&a.to_ascii_lowercase()))
                })
            });
        if !mine {
            return None;
        }
    }
    // Never reply to ourselves.
    if own.contains(&sender.to_ascii_lowercase()) {
        return None;
    }
    let subject = match &v.subject {
        Some(s) => it.ex(p, frame, s),
        None => {
            let orig = it
                .header_values("subject", None)
                .into_iter()
                .next()
                .unwrap_or_default();
            format!("Auto: {orig}")
        }
    };
    let from = v.from.as_ref().map(|f| it.ex(p, frame, f));
    let body = it.ex(p, frame, &v.reason);
    let seconds = v.seconds.unwrap_or(it.opts.vacation_default_seconds).clamp(
        it.opts.vacation_min_seconds,
        it.opts
            .vacation_max_seconds
            .max(it.opts.vacation_min_seconds),
    );
    // §4.2: without :handle, replies with the same parameters share one.
    let handle = match &v.handle {
        Some(h) => it.ex(p, frame, h),
        None => {
            let key = format!(
                "{}\0{}\0{}\0{}",
                v.reason,
                v.subject.as_deref().unwrap_or(""),
                v.from.as_deref().unwrap_or(""),
                v.mime
            );
            format!("{:016x}", fnv1a64(key.as_bytes()))
        }
    };
    Some(Vacation {
        to: sender,
        subject,
        from,
        body,
        mime: v.mime,
        seconds,
        handle,
        addresses: own,
        in_reply_to: it.header_values("message-id", None).into_iter().next(),
        fcc: v.fcc.as_ref().map(|f| super::fcc::expand(it, p, frame, f)),
    })
}

/// FNV-1a, 64 bit (stable across builds, unlike `DefaultHasher`).
pub fn fnv1a64(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
