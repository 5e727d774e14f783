//! The ten cyrus.cache items of a message and their on-disk record layout
//! (`message_write_cache` and `message_write_xdrstring` in
//! `imap/message.c`).

use super::bodystructure::write_body;
use super::envelope::{write_envelope, write_nstring};
use super::mime::BodyPart;
use super::rfc2047::decode_mimeheader;
use super::search_addr::search_addresses;
use super::section::section_item;
use crate::mailbox::CacheItems;

/// Builds the ten cache items of a parsed message, in cache order.
pub(crate) fn build(top: &BodyPart) -> CacheItems {
    let mut envelope = Vec::new();
    write_envelope(&mut envelope, top);
    let mut bodystructure = Vec::new();
    write_body(&mut bodystructure, top, true);
    let mut body = Vec::new();
    write_body(&mut body, top, false);
    let mut subject = Vec::new();
    let decoded = top.subject.as_deref().map(decode_mimeheader).map(|mut s| {
        // charset_parse_mimeheader returns a C string.
        if let Some(n) = s.iter().position(|&c| c == 0) {
            s.truncate(n);
        }
        s
    });
    write_nstring(&mut subject, decoded.as_deref());
    CacheItems([
        envelope,
        bodystructure,
        body,
        section_item(top),
        top.cached_headers.clone(),
        search_addresses(&top.from),
        search_addresses(&top.to),
        search_addresses(&top.cc),
        search_addresses(&top.bcc),
        subject,
    ])
}
