//! The MIME body-part tree with byte offsets, built exactly as Cyrus 3.6's
//! `message_parse_body` / `message_parse_headers` / `message_parse_multipart`
//! / `message_parse_content` (`imap/message.c`) build `struct body`.
//!
//! Cyrus quirks kept on purpose, because the cache must match: the header
//! block ends only at a line starting with CRLF (a bare-LF message is all
//! header), header values stop at the first NUL byte, boundary lines may
//! appear inside a header block, and sizes/line counts exclude the CRLF
//! before a boundary.

use super::address::{parse_address_list, Address};
use super::header::{self, Field};
use super::params::{self, Param};
use super::transfer::{self, TransferEncoding};
use sha1::{Digest, Sha1};

/// Cyrus's `DEFAULT_CONTENT_TYPE`.
const DEFAULT_TYPE: &[u8] = b"TEXT/PLAIN; CHARSET=us-ascii";
/// Default type of the parts of a multipart/digest.
const DIGEST_TYPE: &[u8] = b"MESSAGE/RFC822";
/// `boundary_limit` (imapd.conf default): deepest multipart nesting.
const BOUNDARY_LIMIT: usize = 1000;
/// `maxheaderlines` (imapd.conf default).
const MAX_HEADER_LINES: u32 = 1000;
/// Our own bound on multipart + message/rfc822 nesting, so hostile input
/// cannot exhaust the stack. Cyrus has none for message/rfc822; deeper
/// parts are treated as opaque leaves.
pub const MAX_NESTING: usize = 100;

/// One body part (or the whole message), with what Cyrus records about it.
#[derive(Clone, Debug, Default)]
pub struct BodyPart {
    /// Media type, upper-cased (`TEXT`, `MULTIPART`, ...).
    pub media_type: Vec<u8>,
    /// Media subtype, upper-cased.
    pub subtype: Vec<u8>,
    /// Content-Type parameters, in header order after RFC 2231 folding.
    pub params: Vec<Param>,
    /// Content-ID, unfolded.
    pub id: Option<Vec<u8>>,
    /// Content-Description, unfolded.
    pub description: Option<Vec<u8>>,
    /// Content-Transfer-Encoding token, upper-cased.
    pub encoding: Option<Vec<u8>>,
    /// Content-MD5, unfolded.
    pub md5: Option<Vec<u8>>,
    /// Content-Disposition (upper-cased) and its parameters.
    pub disposition: Option<(Vec<u8>, Vec<Param>)>,
    /// Content-Language tags, upper-cased.
    pub language: Vec<Vec<u8>>,
    /// Content-Location, unfolded.
    pub location: Option<Vec<u8>>,
    /// Date header, unfolded.
    pub date: Option<Vec<u8>>,
    /// Subject header, unfolded (still RFC 2047 encoded).
    pub subject: Option<Vec<u8>>,
    /// From addresses.
    pub from: Vec<Address>,
    /// Sender addresses.
    pub sender: Vec<Address>,
    /// Reply-To addresses.
    pub reply_to: Vec<Address>,
    /// To addresses.
    pub to: Vec<Address>,
    /// Cc addresses.
    pub cc: Vec<Address>,
    /// Bcc addresses.
    pub bcc: Vec<Address>,
    /// In-Reply-To, unfolded.
    pub in_reply_to: Option<Vec<u8>>,
    /// Message-ID, unfolded.
    pub message_id: Option<Vec<u8>>,
    /// References, unfolded.
    pub references: Option<Vec<u8>>,
    /// Byte offset of this part's header in the message.
    pub header_offset: u32,
    /// Header size in bytes (including the blank line).
    pub header_size: u32,
    /// Number of header lines.
    pub header_lines: u32,
    /// Byte offset of the content.
    pub content_offset: u32,
    /// Content size in bytes (excluding the CRLF before a boundary).
    pub content_size: u32,
    /// Content line count.
    pub content_lines: u32,
    pub(crate) boundary_size: u32,
    pub(crate) boundary_lines: u32,
    /// SHA-1 of the transfer-decoded content (zeros if not computed).
    pub content_guid: [u8; 20],
    /// Length of the transfer-decoded content.
    pub decoded_content_size: u32,
    /// Sub-parts of a multipart.
    pub parts: Vec<BodyPart>,
    /// The enclosed message of a message/rfc822 part.
    pub message: Option<Box<BodyPart>>,
    /// Cached header lines (top level only): the HEADERS cache item.
    pub cached_headers: Vec<u8>,
}

impl BodyPart {
    /// `true` if this is `type/subtype` (both given upper-case).
    pub fn is(&self, ty: &[u8], sub: &[u8]) -> bool {
        self.media_type == ty && self.subtype == sub
    }

    /// `true` for MESSAGE/RFC822.
    pub fn is_rfc822(&self) -> bool {
        self.is(b"MESSAGE", b"RFC822")
    }

    fn default_typed(default: &[u8]) -> BodyPart {
        let mut b = BodyPart::default();
        b.set_type(default);
        b
    }

    fn set_type(&mut self, v: &[u8]) {
        if let Some((t, s, p)) = params::parse_type(v) {
            self.media_type = t;
            self.subtype = s;
            self.params = p;
        }
    }

    /// Transfer encoding and charset as Cyrus's `message_parse_charset`
    /// derives them: (encoding, charset name if known).
    pub fn encoding_and_charset(&self) -> (TransferEncoding, Option<Vec<u8>>) {
        let mut enc = match self.encoding.as_deref() {
            None | Some(b"7BIT") | Some(b"8BIT") | Some(b"BINARY") => TransferEncoding::Identity,
            Some(b"BASE64") => TransferEncoding::Base64,
            Some(b"QUOTED-PRINTABLE") => TransferEncoding::QuotedPrintable,
            Some(_) => TransferEncoding::Unknown,
        };
        let ascii = Some(b"us-ascii".to_vec());
        let cs = if self.media_type.is_empty() || self.media_type == b"TEXT" {
            let mut cs = ascii;
            for p in &self.params {
                if p.attribute == b"CHARSET"
                    && !p.value.is_empty()
                    && super::charset::lookup(&p.value).is_some()
                {
                    cs = Some(p.value.clone());
                }
            }
            cs
        } else if self.media_type == b"MESSAGE" {
            enc = TransferEncoding::Identity;
            if self.subtype == b"RFC822" {
                None
            } else {
                ascii
            }
        } else {
            None
        };
        (enc, cs)
    }

    fn add_content_guid(&mut self, content: &[u8]) {
        let (enc, _) = self.encoding_and_charset();
        match transfer::decode(content, enc) {
            Some(d) => {
                self.content_guid = Sha1::digest(&d).into();
                self.decoded_content_size = u32::try_from(d.len()).unwrap_or(u32::MAX);
            }
            None => {
                self.content_guid = [0; 20];
                self.decoded_content_size = 0;
            }
        }
    }
}

/// The message being parsed and the read position.
pub(crate) struct Cursor<'a> {
    base: &'a [u8],
    offset: usize,
}

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// `message_pendingboundary`: is `line` (with its line end) a delimiter for
/// any open boundary? A closing delimiter pops that boundary and all
/// deeper ones.
fn pending_boundary(line: &[u8], boundaries: &mut Vec<Vec<u8>>) -> bool {
    if line.len() < 2 || line[0] != b'-' || line[1] != b'-' {
        return false;
    }
    let b = &line[2..];
    for i in 0..boundaries.len() {
        let id = &boundaries[i];
        let len = id.len();
        if b.len() < len || &b[..len] != id.as_slice() {
            continue;
        }
        if b.len() >= len + 2 && b[len] == b'-' && b[len + 1] == b'-' {
            boundaries.truncate(i);
        } else if b.len() > len + 1 && b[len] != 0 && !header::is_space(b[len]) {
            // Not strict RFC 2046: a longer boundary is a different one.
            continue;
        }
        return true;
    }
    false
}

/// Parse the whole message.
pub(crate) fn parse_message(raw: &[u8]) -> BodyPart {
    let mut cur = Cursor {
        base: raw,
        offset: 0,
    };
    let mut boundaries = Vec::new();
    parse_body(&mut cur, DEFAULT_TYPE, &mut boundaries, true, 0)
}

fn parse_body(
    cur: &mut Cursor<'_>,
    default: &[u8],
    boundaries: &mut Vec<Vec<u8>>,
    top: bool,
    depth: usize,
) -> BodyPart {
    let mut body = BodyPart::default();
    let saw_boundary = parse_headers(cur, &mut body, default, boundaries, top);
    let leaf = depth >= MAX_NESTING;
    if body.media_type == b"MULTIPART" && !leaf {
        if !saw_boundary {
            parse_multipart(cur, &mut body, boundaries, depth);
        }
    } else if body.is_rfc822() {
        let base = cur.offset;
        if saw_boundary || leaf {
            body.message = Some(Box::new(BodyPart::default_typed(DEFAULT_TYPE)));
            if leaf && !saw_boundary {
                parse_content(cur, &mut body, boundaries);
            }
        } else {
            let sub = parse_body(cur, DEFAULT_TYPE, boundaries, false, depth + 1);
            body.content_size = sub.header_size.wrapping_add(sub.content_size);
            body.content_lines = sub.header_lines.wrapping_add(sub.content_lines);
            body.boundary_size = sub.boundary_size;
            body.boundary_lines = sub.boundary_lines;
            body.message = Some(Box::new(sub));
            let end = base
                .saturating_add(body.content_size as usize)
                .min(cur.base.len());
            let content = cur.base.get(base..end).unwrap_or(&[]);
            body.add_content_guid(content);
        }
    } else if !saw_boundary {
        parse_content(cur, &mut body, boundaries);
    }
    body
}

/// `message_parse_headers`; returns whether a boundary ended the header.
fn parse_headers(
    cur: &mut Cursor<'_>,
    body: &mut BodyPart,
    default: &[u8],
    boundaries: &mut Vec<Vec<u8>>,
    top: bool,
) -> bool {
    body.header_offset = u32_of(cur.offset);
    // `hbuf` mirrors Cyrus's header buffer: a priming LF, then the lines.
    let mut hbuf: Vec<u8> = vec![b'\n'];
    let mut saw_boundary = false;
    while cur.offset < cur.base.len() {
        let rest = &cur.base[cur.offset..];
        let n = rest
            .iter()
            .position(|&c| c == b'\n')
            .map_or(rest.len(), |p| p + 1);
        let line_start = hbuf.len();
        hbuf.extend_from_slice(&rest[..n]);
        cur.offset += n;
        let line = &hbuf[line_start..];
        if line.first() == Some(&b'\r') && line.get(1) == Some(&b'\n') {
            break;
        }
        // The boundary test sees the line up to its first NUL (strlen).
        let clen = line.iter().position(|&c| c == 0).unwrap_or(line.len());
        if line.first() == Some(&b'-') && pending_boundary(&line[..clen], boundaries) {
            body.boundary_size = u32_of(clen);
            body.boundary_lines += 1;
            // Cyrus cuts its header buffer by writing a NUL over the CR
            // before the boundary line (or over the line itself).
            if line_start > 1 {
                body.boundary_size += 2;
                body.boundary_lines += 1;
                hbuf[line_start - 2] = 0;
            } else {
                hbuf[line_start] = 0;
            }
            saw_boundary = true;
            break;
        }
    }
    body.content_offset = u32_of(cur.offset);
    // From here on Cyrus reads C strings: the size is strlen() from the
    // first real byte, the scan runs from the priming LF to the first NUL.
    let nul_from = |start: usize| {
        hbuf.get(start..)
            .and_then(|t| t.iter().position(|&c| c == 0))
            .map_or(hbuf.len(), |p| p + start)
    };
    body.header_size = u32_of(nul_from(1).saturating_sub(1));
    let cstr = &hbuf[..nul_from(0)];
    // Starts at -1 to discount the priming LF (C unsigned arithmetic).
    let mut lines: u32 = u32::MAX;
    let mut have_max = false;
    for i in 0..cstr.len() {
        if cstr[i] != b'\n' {
            continue;
        }
        lines = lines.wrapping_add(1);
        if have_max {
            continue;
        }
        if lines > MAX_HEADER_LINES {
            have_max = true;
            continue;
        }
        let line = &cstr[i + 1..];
        let first = header::at(line, 0);
        if top && first != b' ' && first != b'\t' && header::is_cached(line) {
            header::cache_line(line, &mut body.cached_headers);
        }
        let Some((field, vstart)) = header::lookup(line) else {
            continue;
        };
        let v = &line[vstart..];
        apply_field(body, field, v);
    }
    body.header_lines = lines;
    if body.media_type.is_empty() {
        body.set_type(default);
    }
    saw_boundary
}

fn apply_field(body: &mut BodyPart, field: Field, v: &[u8]) {
    let addr = |v: &[u8]| parse_address_list(header::field_value(v));
    let s = || Some(header::parse_string(v));
    match field {
        Field::Bcc => body.bcc = addr(v),
        Field::Cc => body.cc = addr(v),
        Field::ContentDescription => body.description = s(),
        Field::ContentDisposition => body.disposition = params::parse_disposition(v),
        Field::ContentId => body.id = s(),
        Field::ContentLanguage => body.language = params::parse_language(v),
        Field::ContentLocation => body.location = s(),
        Field::ContentMd5 => body.md5 = s(),
        Field::ContentTransferEncoding => body.encoding = params::parse_encoding(v),
        Field::ContentType => {
            // A later Content-Type replaces an earlier one even if invalid.
            body.media_type.clear();
            body.subtype.clear();
            body.params.clear();
            body.set_type(v);
        }
        Field::Date => body.date = s(),
        Field::From => body.from = addr(v),
        Field::InReplyTo => body.in_reply_to = s(),
        Field::MessageId => body.message_id = s(),
        Field::ReplyTo => body.reply_to = addr(v),
        Field::References => body.references = s(),
        Field::Subject => body.subject = s(),
        Field::Sender => body.sender = addr(v),
        Field::To => body.to = addr(v),
        Field::Received | Field::XDeliveredInternalDate | Field::XMeMessageId => {}
    }
}

/// `message_parse_multipart`.
fn parse_multipart(
    cur: &mut Cursor<'_>,
    body: &mut BodyPart,
    boundaries: &mut Vec<Vec<u8>>,
    depth: usize,
) {
    let default = if body.subtype == b"DIGEST" {
        DIGEST_TYPE
    } else {
        DEFAULT_TYPE
    };
    let Some(bparam) = body
        .params
        .iter()
        .find(|p| p.attribute == b"BOUNDARY" || p.attribute == b"BOUNDARY*")
    else {
        // Invalid MIME: a zero-part multipart.
        parse_content(cur, body, boundaries);
        return;
    };
    let id = if bparam.attribute == b"BOUNDARY*" {
        super::charset::decode_ext_value(&bparam.value).unwrap_or_else(|| bparam.value.clone())
    } else {
        bparam.value.clone()
    };
    // Cyrus keeps boundaries as C strings.
    let id = match id.iter().position(|&c| c == 0) {
        Some(n) => id[..n].to_vec(),
        None => id,
    };
    boundaries.push(id);
    let level = boundaries.len();
    let mut preamble = BodyPart::default();
    parse_content(cur, &mut preamble, boundaries);
    while boundaries.len() == level && boundaries.len() < BOUNDARY_LIMIT {
        let part = parse_body(cur, default, boundaries, false, depth + 1);
        if cur.offset == cur.base.len() && part.boundary_size == 0 {
            boundaries.clear();
        }
        body.parts.push(part);
    }
    let mut epilogue = BodyPart::default();
    if boundaries.len() + 1 == level {
        parse_content(cur, &mut epilogue, boundaries);
    } else if let Some(last) = body.parts.last_mut() {
        body.boundary_size = std::mem::take(&mut last.boundary_size);
        body.boundary_lines = std::mem::take(&mut last.boundary_lines);
    } else {
        body.boundary_size = std::mem::take(&mut preamble.boundary_size);
        body.boundary_lines = std::mem::take(&mut preamble.boundary_lines);
    }
    let mut size = preamble.content_size.wrapping_add(preamble.boundary_size);
    let mut lines = preamble.content_lines.wrapping_add(preamble.boundary_lines);
    for p in &body.parts {
        size = size
            .wrapping_add(p.header_size)
            .wrapping_add(p.content_size)
            .wrapping_add(p.boundary_size);
        lines = lines
            .wrapping_add(p.header_lines)
            .wrapping_add(p.content_lines)
            .wrapping_add(p.boundary_lines);
    }
    body.content_size = size.wrapping_add(epilogue.content_size);
    body.content_lines = lines.wrapping_add(epilogue.content_lines);
    body.boundary_size = body.boundary_size.wrapping_add(epilogue.boundary_size);
    body.boundary_lines = body.boundary_lines.wrapping_add(epilogue.boundary_lines);
}

/// `message_parse_content`: consume lines up to a boundary.
fn parse_content(cur: &mut Cursor<'_>, body: &mut BodyPart, boundaries: &mut Vec<Vec<u8>>) {
    let start = cur.offset;
    while cur.offset < cur.base.len() {
        let rest = &cur.base[cur.offset..];
        let n = rest
            .iter()
            .position(|&c| c == b'\n')
            .map_or(rest.len(), |p| p + 1);
        let line = &rest[..n];
        cur.offset += n;
        if line.len() >= 2
            && line[0] == b'-'
            && line[1] == b'-'
            && pending_boundary(line, boundaries)
        {
            body.boundary_size = u32_of(n);
            body.boundary_lines += 1;
            if body.content_lines > 0 {
                body.content_lines -= 1;
                body.boundary_lines += 1;
            }
            if body.content_size > 1 {
                body.content_size -= 2;
                body.boundary_size += 2;
            }
            break;
        }
        body.content_size = body.content_size.wrapping_add(u32_of(n));
        if line.last() == Some(&b'\n') {
            body.content_lines = body.content_lines.saturating_add(1);
        }
    }
    let end = start
        .saturating_add(body.content_size as usize)
        .min(cur.base.len());
    let content = cur.base.get(start..end).unwrap_or(&[]);
    body.add_content_guid(content);
}
