//! What the interpreter may read of a message: the [`MessageView`] trait,
//! and [`ParsedMessage`], a small RFC 5322/MIME reader implementing it
//! (LMTP may use it directly on the spooled message).

/// One header field, name as written, value unfolded (CRLF+WSP removed)
/// and not yet RFC 2047-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderField {
    /// Field name.
    pub name: String,
    /// Unfolded raw value, leading white space removed.
    pub value: String,
}

/// One leaf MIME part, for the `body` test (RFC 5173).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyPart {
    /// `type/subtype`, lower case (`text/plain` when absent).
    pub content_type: String,
    /// Decoded text of the part (transfer encoding removed).
    pub text: String,
}

/// Read access to the message being delivered.
pub trait MessageView {
    /// All header fields of the top-level header, in order.
    fn headers(&self) -> Vec<HeaderField>;
    /// The body as it is on the wire (for `body :raw`).
    fn raw_body(&self) -> String;
    /// Leaf MIME parts (for `body :text` / `:content`).
    fn body_parts(&self) -> Vec<BodyPart>;
    /// Envelope sender (`MAIL FROM`), `""` for the null path.
    fn envelope_from(&self) -> Option<String>;
    /// Envelope recipient (`RCPT TO`) this delivery is for.
    fn envelope_to(&self) -> Option<String>;
    /// Message size in octets.
    fn size(&self) -> u64;
}

/// A message parsed from its bytes, plus the envelope.
#[derive(Debug, Clone)]
pub struct ParsedMessage {
    headers: Vec<HeaderField>,
    body: Vec<u8>,
    size: u64,
    envelope_from: Option<String>,
    envelope_to: Option<String>,
}

impl ParsedMessage {
    /// Parses `raw` (CRLF or LF line ends). Never fails: a message
    /// without a blank line is all header.
    pub fn parse(raw: &[u8], envelope_from: Option<&str>, envelope_to: Option<&str>) -> Self {
        let (headers, body) = split_header_bytes(raw);
        ParsedMessage {
            headers,
            body: body.to_vec(),
            size: raw.len() as u64,
            envelope_from: envelope_from.map(str::to_string),
            envelope_to: envelope_to.map(str::to_string),
        }
    }
}

/// Splits raw bytes at the first empty line; the header is read as
/// (lossy) UTF-8, the body is returned untouched.
pub fn split_header_bytes(raw: &[u8]) -> (Vec<HeaderField>, &[u8]) {
    let mut pos = 0;
    let end = loop {
        let line_end = raw[pos..].iter().position(|&b| b == b'\n').map(|i| pos + i);
        let line = &raw[pos..line_end.unwrap_or(raw.len())];
        if line.is_empty() || line == b"\r" {
            break (pos, line_end.map_or(raw.len(), |e| e + 1));
        }
        match line_end {
            Some(e) => pos = e + 1,
            None => break (raw.len(), raw.len()),
        }
    };
    let text = String::from_utf8_lossy(&raw[..end.0]);
    let (headers, _) = split_header(&text);
    (headers, &raw[end.1..])
}

/// Splits `body` into the parts between `--boundary` delimiter lines,
/// stopping at the closing `--boundary--`.
fn multipart_sections<'a>(body: &'a [u8], boundary: &str) -> Vec<&'a [u8]> {
    let delim = format!("--{boundary}").into_bytes();
    let mut starts = Vec::new();
    let mut pos = 0;
    let mut closed = None;
    while pos < body.len() {
        let line_end = body[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(body.len(), |i| pos + i);
        let line = &body[pos..line_end];
        if line.starts_with(&delim) {
            let rest = &line[delim.len()..];
            if rest.starts_with(b"--") {
                closed = Some(pos);
                break;
            }
            starts.push((pos, (line_end + 1).min(body.len())));
        }
        pos = line_end + 1;
    }
    let mut out = Vec::new();
    for (i, &(_, content_start)) in starts.iter().enumerate() {
        let end = starts
            .get(i + 1)
            .map(|s| s.0)
            .or(closed)
            .unwrap_or(body.len());
        let mut sec = &body[content_start..end.max(content_start)];
        // The CRLF before a delimiter belongs to the delimiter.
        if let Some(s) = sec.strip_suffix(b"\n") {
            sec = s.strip_suffix(b"\r").unwrap_or(s);
        }
        out.push(sec);
    }
    out
}

/// Splits a header block from its body and unfolds the fields.
pub fn split_header(text: &str) -> (Vec<HeaderField>, &str) {
    let mut headers: Vec<HeaderField> = Vec::new();
    let mut rest = text;
    loop {
        let (line, next) = match rest.find('\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            return (headers, next);
        }
        if line.starts_with([' ', '\t']) {
            if let Some(h) = headers.last_mut() {
                h.value.push_str(line);
            }
        } else if let Some(i) = line.find(':') {
            headers.push(HeaderField {
                name: line[..i].trim_end().to_string(),
                value: line[i + 1..].trim_start().to_string(),
            });
        }
        if next.is_empty() {
            return (headers, "");
        }
        rest = next;
    }
}

fn header<'a>(h: &'a [HeaderField], name: &str) -> Option<&'a str> {
    h.iter()
        .find(|f| f.name.eq_ignore_ascii_case(name))
        .map(|f| f.value.as_str())
}

/// `type/subtype` and a named parameter of a Content-Type value.
fn content_type(h: &[HeaderField], param: &str) -> (String, Option<String>) {
    let Some(v) = header(h, "content-type") else {
        return ("text/plain".into(), None);
    };
    let mut parts = v.split(';');
    let ty = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let value = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(param)
            .then(|| v.trim().trim_matches('"').to_string())
    });
    let ty = if ty.contains('/') {
        ty
    } else {
        "text/plain".into()
    };
    (ty, value)
}

fn collect_parts(headers: &[HeaderField], body: &[u8], depth: usize, out: &mut Vec<BodyPart>) {
    let (ty, boundary) = content_type(headers, "boundary");
    if let (true, Some(b)) = (ty.starts_with("multipart/") && depth < 20, boundary) {
        for sec in multipart_sections(body, &b) {
            let (h, b) = split_header_bytes(sec);
            collect_parts(&h, b, depth + 1, out);
        }
        return;
    }
    if ty == "message/rfc822" && depth < 20 {
        let (h, b) = split_header_bytes(body);
        collect_parts(&h, b, depth + 1, out);
        return;
    }
    let cte = header(headers, "content-transfer-encoding")
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let bytes = match cte.as_str() {
        "base64" => super::mime::base64_decode(body),
        "quoted-printable" => super::mime::qp_decode(body),
        _ => body.to_vec(),
    };
    let (_, charset) = content_type(headers, "charset");
    let text = super::mime::decode_charset(&bytes, charset.as_deref());
    out.push(BodyPart {
        content_type: ty,
        text,
    });
}

impl MessageView for ParsedMessage {
    fn headers(&self) -> Vec<HeaderField> {
        self.headers.clone()
    }
    fn raw_body(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn body_parts(&self) -> Vec<BodyPart> {
        let mut out = Vec::new();
        collect_parts(&self.headers, &self.body, 0, &mut out);
        out
    }
    fn envelope_from(&self) -> Option<String> {
        self.envelope_from.clone()
    }
    fn envelope_to(&self) -> Option<String> {
        self.envelope_to.clone()
    }
    fn size(&self) -> u64 {
        self.size
    }
}
