//! BINARY[section]<partial>, BINARY.PEEK and BINARY.SIZE (RFC 3516): a
//! body part with its Content-Transfer-Encoding undone. As Cyrus
//! (`index_fetchsection`): `BINARY[]` is the whole message as stored; a
//! part that does not exist is `NIL` (size 0); decoded data with a NUL is
//! sent as a literal8; an encoding other than 7bit, 8bit, binary,
//! quoted-printable or base64 fails the FETCH with `[UNKNOWN-CTE]`.
//! The items come after the BODY sections, BINARY ones first, then the
//! sizes, each in the order asked.

use std::num::NonZeroU32;

use cyrus_store::message::{decode_base64, decode_qp, ParsedMessage};
use imap_codec::imap_types::fetch::MessageDataItemName;

/// A part whose transfer encoding cannot be undone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct UnknownCte;

fn section_text(section: &[NonZeroU32]) -> String {
    section
        .iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(".")
}

/// The decoded bytes of `section`; `Ok(None)` when there is no such part.
fn decoded(
    raw: &[u8],
    parsed: &ParsedMessage,
    section: &[NonZeroU32],
) -> Result<Option<Vec<u8>>, UnknownCte> {
    if section.is_empty() {
        return Ok(Some(raw.to_vec()));
    }
    let nums: Vec<u32> = section.iter().map(|n| n.get()).collect();
    let Some(part) = parsed.part(&nums) else {
        return Ok(None);
    };
    let start = (part.content_offset as usize).min(raw.len());
    let end = start
        .saturating_add(part.content_size as usize)
        .min(raw.len());
    let body = &raw[start..end];
    let enc = part
        .encoding
        .as_deref()
        .map(|e| String::from_utf8_lossy(e).trim().to_ascii_lowercase());
    match enc.as_deref() {
        None | Some("7bit" | "8bit" | "binary") => Ok(Some(body.to_vec())),
        Some("base64") => Ok(Some(decode_base64(body))),
        Some("quoted-printable") => Ok(Some(decode_qp(body, false))),
        Some(_) => Err(UnknownCte),
    }
}

/// `{n}` or, with a NUL inside, `~{n}`; empty data is `""` (Cyrus
/// `index_fetchmsg`).
fn literal(out: &mut Vec<u8>, bytes: &[u8]) {
    if bytes.is_empty() {
        out.extend_from_slice(b"\"\"");
        return;
    }
    let tilde = if bytes.contains(&0) { "~" } else { "" };
    out.extend_from_slice(format!("{tilde}{{{}}}\r\n", bytes.len()).as_bytes());
    out.extend_from_slice(bytes);
}

/// The BINARY and BINARY.SIZE response items for `items`. An unknown
/// encoding leaves that item out and is reported once.
pub(super) fn binary_items(
    items: &[MessageDataItemName<'_>],
    raw: &[u8],
    parsed: &ParsedMessage,
) -> (Vec<Vec<u8>>, Option<UnknownCte>) {
    let mut out = Vec::new();
    let mut failed = None;
    for item in items {
        let MessageDataItemName::Binary {
            section, partial, ..
        } = item
        else {
            continue;
        };
        let mut p = format!("BINARY[{}]", section_text(section)).into_bytes();
        match decoded(raw, parsed, section) {
            Err(e) => {
                failed = Some(e);
                continue;
            }
            Ok(None) => p.extend_from_slice(b" NIL"),
            Ok(Some(bytes)) => {
                let bytes = match partial {
                    Some((off, len)) => {
                        p.extend_from_slice(format!("<{off}>").as_bytes());
                        let s = (*off as usize).min(bytes.len());
                        let e = s.saturating_add(len.get() as usize).min(bytes.len());
                        bytes[s..e].to_vec()
                    }
                    None => bytes,
                };
                p.push(b' ');
                literal(&mut p, &bytes);
            }
        }
        out.push(p);
    }
    for item in items {
        let MessageDataItemName::BinarySize { section } = item else {
            continue;
        };
        let size = match decoded(raw, parsed, section) {
            Err(e) => {
                failed = Some(e);
                continue;
            }
            Ok(d) => d.map_or(0, |d| d.len()),
        };
        out.push(format!("BINARY.SIZE[{}] {size}", section_text(section)).into_bytes());
    }
    (out, failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nz(v: &[u32]) -> Vec<NonZeroU32> {
        v.iter().filter_map(|&n| NonZeroU32::new(n)).collect()
    }

    #[test]
    fn decodes_and_sizes() {
        let raw = b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8gd29ybGQ=\r\n";
        let parsed = cyrus_store::message::parse(raw);
        let items = vec![
            MessageDataItemName::BinarySize { section: nz(&[1]) },
            MessageDataItemName::Binary {
                section: nz(&[1]),
                partial: Some((2, NonZeroU32::new(3).unwrap())),
                peek: true,
            },
            MessageDataItemName::Binary {
                section: nz(&[2]),
                partial: None,
                peek: true,
            },
        ];
        let (parts, failed) = binary_items(&items, raw, &parsed);
        assert!(failed.is_none());
        let parts: Vec<String> = parts
            .iter()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        assert_eq!(
            parts,
            vec![
                "BINARY[1]<2> {3}\r\nllo",
                "BINARY[2] NIL",
                "BINARY.SIZE[1] 11"
            ]
        );
    }

    #[test]
    fn nul_goes_as_literal8_and_unknown_cte_fails() {
        let raw = b"Content-Transfer-Encoding: base64\r\n\r\nYQBi\r\n";
        let parsed = cyrus_store::message::parse(raw);
        let items = vec![MessageDataItemName::Binary {
            section: nz(&[1]),
            partial: None,
            peek: true,
        }];
        let (parts, _) = binary_items(&items, raw, &parsed);
        assert_eq!(parts[0], b"BINARY[1] ~{3}\r\na\0b".to_vec());
        let raw = b"Content-Transfer-Encoding: x-uuencode\r\n\r\nabc\r\n";
        let parsed = cyrus_store::message::parse(raw);
        let (parts, failed) = binary_items(&items, raw, &parsed);
        assert!(parts.is_empty());
        assert_eq!(failed, Some(UnknownCte));
    }
}
