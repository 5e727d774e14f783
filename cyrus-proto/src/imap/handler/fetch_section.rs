//! BODY[section]<partial>: finding the bytes of a section in a parsed
//! message (RFC 3501 §6.4.5) and naming it in the response as Cyrus does
//! (field names echoed as the client sent them).

use cyrus_store::message::{header_fields, BodyPart, ParsedMessage};
use imap_codec::imap_types::fetch::{Part, Section};

fn part_numbers(p: &Part) -> Vec<u32> {
    p.0.as_ref().iter().map(|n| n.get()).collect()
}

fn part_text(p: &Part) -> String {
    part_numbers(p)
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// The section's name inside `BODY[...]`.
pub(super) fn section_name(section: Option<&Section<'_>>) -> String {
    let prefixed = |p: &Option<Part>, what: &str| match p {
        Some(p) => format!("{}.{what}", part_text(p)),
        None => what.to_string(),
    };
    let fields = |names: &[imap_codec::imap_types::core::AString<'_>]| {
        names
            .iter()
            .map(|n| String::from_utf8_lossy(n.as_ref()).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    };
    match section {
        None => String::new(),
        Some(Section::Part(p)) => part_text(p),
        Some(Section::Header(p)) => prefixed(p, "HEADER"),
        Some(Section::HeaderFields(p, n)) => {
            prefixed(p, &format!("HEADER.FIELDS ({})", fields(n.as_ref())))
        }
        Some(Section::HeaderFieldsNot(p, n)) => {
            prefixed(p, &format!("HEADER.FIELDS.NOT ({})", fields(n.as_ref())))
        }
        Some(Section::Text(p)) => prefixed(p, "TEXT"),
        Some(Section::Mime(p)) => format!("{}.MIME", part_text(p)),
    }
}

fn slice(raw: &[u8], off: u32, len: u32) -> &[u8] {
    let start = (off as usize).min(raw.len());
    let end = start.saturating_add(len as usize).min(raw.len());
    &raw[start..end]
}

/// The message a HEADER/TEXT section refers to: the whole message, or
/// the message inside a message/rfc822 part.
fn message_of<'p>(parsed: &'p ParsedMessage, p: &Option<Part>) -> Option<&'p BodyPart> {
    match p {
        None => Some(&parsed.root),
        Some(p) => parsed.part(&part_numbers(p))?.message.as_deref(),
    }
}

fn header_of<'r>(raw: &'r [u8], m: &BodyPart) -> &'r [u8] {
    slice(raw, m.header_offset, m.header_size)
}

fn filter_fields(
    block: &[u8],
    names: &[imap_codec::imap_types::core::AString<'_>],
    keep: bool,
) -> Vec<u8> {
    let mut out = Vec::new();
    for f in header_fields(block) {
        let hit = names
            .iter()
            .any(|n| n.as_ref().eq_ignore_ascii_case(f.name));
        if hit == keep {
            out.extend_from_slice(f.raw);
        }
    }
    // The blank line that ends a header (RFC 3501: included).
    out.extend_from_slice(b"\r\n");
    out
}

/// Whether the message has the part `section` names (Cyrus answers NIL
/// for a part that does not exist, e.g. `BODY[2]` of a single-part
/// message).
pub(super) fn section_exists(parsed: &ParsedMessage, section: Option<&Section<'_>>) -> bool {
    match section {
        None => true,
        Some(Section::Part(p)) | Some(Section::Mime(p)) => parsed.part(&part_numbers(p)).is_some(),
        Some(Section::Header(p))
        | Some(Section::Text(p))
        | Some(Section::HeaderFields(p, _))
        | Some(Section::HeaderFieldsNot(p, _)) => message_of(parsed, p).is_some(),
    }
}

/// The bytes of `section` of the message `raw`; empty if there is no
/// such part.
pub(super) fn section_bytes(
    raw: &[u8],
    parsed: &ParsedMessage,
    section: Option<&Section<'_>>,
) -> Vec<u8> {
    let found = match section {
        None => Some(raw.to_vec()),
        Some(Section::Part(p)) => parsed
            .part(&part_numbers(p))
            .map(|b| slice(raw, b.content_offset, b.content_size).to_vec()),
        Some(Section::Mime(p)) => parsed
            .part(&part_numbers(p))
            .map(|b| header_of(raw, b).to_vec()),
        Some(Section::Header(p)) => message_of(parsed, p).map(|m| header_of(raw, m).to_vec()),
        Some(Section::Text(p)) => {
            message_of(parsed, p).map(|m| slice(raw, m.content_offset, m.content_size).to_vec())
        }
        Some(Section::HeaderFields(p, n)) => {
            message_of(parsed, p).map(|m| filter_fields(header_of(raw, m), n.as_ref(), true))
        }
        Some(Section::HeaderFieldsNot(p, n)) => {
            message_of(parsed, p).map(|m| filter_fields(header_of(raw, m), n.as_ref(), false))
        }
    };
    found.unwrap_or_default()
}
