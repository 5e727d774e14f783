//! The result of parsing one message, and the values the mailbox and IMAP
//! layers take from it.

use super::cache_items;
use super::date;
use super::mime::{self, BodyPart};
use super::transfer;
use crate::mailbox::CacheItems;

/// A parsed message: the body-part tree over the raw bytes.
#[derive(Clone, Debug)]
pub struct ParsedMessage {
    /// The top-level part (the whole message).
    pub root: BodyPart,
    /// Size of the raw message in bytes.
    pub size: u32,
}

/// SENTDATE and GMTIME as stored, from the `Date:` values (0 = missing
/// or unparseable): see [`ParsedMessage::index_dates`].
pub(crate) fn index_dates(sent: u32, gm: u32, internaldate: u32) -> (u32, u32) {
    let gm = if gm == 0 { internaldate } else { gm };
    let sent = if sent == 0 {
        internaldate - internaldate % 86_400
    } else {
        sent
    };
    (sent, gm)
}

/// Parse a message the way Cyrus 3.6 does when appending it.
pub fn parse(raw: &[u8]) -> ParsedMessage {
    ParsedMessage {
        root: mime::parse_message(raw),
        size: u32::try_from(raw.len()).unwrap_or(u32::MAX),
    }
}

impl ParsedMessage {
    /// The ten cyrus.cache items.
    pub fn cache_items(&self) -> CacheItems {
        cache_items::build(&self.root)
    }

    /// HEADER_SIZE for the index record.
    pub fn header_size(&self) -> u32 {
        self.root.header_size
    }

    /// SENTDATE for the index record (Date: header, day only, UTC).
    pub fn sent_date(&self) -> u32 {
        date::sent_date(self.root.date.as_deref())
    }

    /// GMTIME for the index record (Date: header as UTC time).
    pub fn gmtime(&self) -> u32 {
        date::gm_time(self.root.date.as_deref())
    }

    /// SENTDATE and GMTIME as Cyrus finally stores them when appending
    /// (`mailbox_append_index_record`): if the Date header is missing or
    /// unparseable, GMTIME is the INTERNALDATE and SENTDATE that day at
    /// midnight (UTC here; Cyrus uses the server's local zone).
    pub fn index_dates(&self, internaldate: u32) -> (u32, u32) {
        index_dates(self.sent_date(), self.gmtime(), internaldate)
    }

    /// The Message-ID header, unfolded, as Cyrus stores it in ENVELOPE.
    pub fn message_id(&self) -> Option<&[u8]> {
        self.root.message_id.as_deref()
    }

    /// Find a part by IMAP section number (`[1, 2]` is `BODY[1.2]`),
    /// following the section map Cyrus writes: the children of a multipart
    /// are its parts; the children of a message/rfc822 part (and of the
    /// message itself) are the parts of the enclosed multipart, or, if the
    /// enclosed body is not multipart, that body alone as part 1.
    /// Returns `None` if there is no such part.
    pub fn part(&self, section: &[u32]) -> Option<&BodyPart> {
        fn message_children(m: &BodyPart) -> &[BodyPart] {
            if m.parts.is_empty() {
                std::slice::from_ref(m)
            } else {
                &m.parts
            }
        }
        let mut children = message_children(&self.root);
        let mut cur = None;
        for &n in section {
            let n = usize::try_from(n).ok()?.checked_sub(1)?;
            let part = children.get(n)?;
            cur = Some(part);
            children = if part.is_rfc822() {
                message_children(part.message.as_deref()?)
            } else {
                &part.parts
            };
        }
        cur
    }

    /// Transfer-decoded content of `part`, taken from `raw` (the same bytes
    /// given to [`parse`]); `None` for an unknown transfer encoding.
    pub fn decoded_content(part: &BodyPart, raw: &[u8]) -> Option<Vec<u8>> {
        let start = part.content_offset as usize;
        let end = start
            .saturating_add(part.content_size as usize)
            .min(raw.len());
        let content = raw.get(start..end).unwrap_or(&[]);
        transfer::decode(content, part.encoding_and_charset().0)
    }

    /// Text of `part` converted to UTF-8 for SEARCH (transfer-decoded, then
    /// charset-converted); `None` if undecodable or the charset is unknown.
    pub fn text_content(part: &BodyPart, raw: &[u8]) -> Option<Vec<u8>> {
        let bytes = Self::decoded_content(part, raw)?;
        let (_, cs) = part.encoding_and_charset();
        super::charset::decode_to_utf8(&bytes, &cs?)
    }
}
