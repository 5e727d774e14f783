//! Responses (RFC 5804 §1.3): `OK`/`NO`/`BYE`, an optional response code,
//! an optional human-readable string, written the way Cyrus does (a
//! quoted string, or a literal when the text has CR, LF, `"` or `\`, or
//! is long).

/// The response codes Cyrus uses.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Code {
    /// `NONEXISTENT`
    NonExistent,
    /// `ACTIVE`
    Active,
    /// `ALREADYEXISTS`
    AlreadyExists,
    /// `QUOTA/MAXSCRIPTS`
    MaxScripts,
    /// `QUOTA/MAXSIZE`
    MaxSize,
    /// `SASL "<base64>"` (final server data)
    Sasl(String),
    /// `TAG <string>` (NOOP)
    Tag(Vec<u8>),
}

/// One final response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    kind: &'static str,
    code: Option<Code>,
    text: Option<Vec<u8>>,
}

impl Response {
    /// `OK` without text.
    pub fn ok() -> Self {
        Response {
            kind: "OK",
            code: None,
            text: None,
        }
    }

    /// `OK "<text>"`.
    pub fn ok_text(text: &str) -> Self {
        Response {
            text: Some(text.as_bytes().to_vec()),
            ..Self::ok()
        }
    }

    /// `NO "<text>"`.
    pub fn no(text: impl Into<Vec<u8>>) -> Self {
        Response {
            kind: "NO",
            code: None,
            text: Some(text.into()),
        }
    }

    /// `BYE "<text>"`.
    pub fn bye(text: &str) -> Self {
        Response {
            kind: "BYE",
            code: None,
            text: Some(text.as_bytes().to_vec()),
        }
    }

    /// Adds a response code.
    pub fn with_code(mut self, code: Code) -> Self {
        self.code = Some(code);
        self
    }

    /// The wire form, CRLF included.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.kind.as_bytes().to_vec();
        if let Some(code) = &self.code {
            out.extend_from_slice(b" (");
            match code {
                Code::NonExistent => out.extend_from_slice(b"NONEXISTENT"),
                Code::Active => out.extend_from_slice(b"ACTIVE"),
                Code::AlreadyExists => out.extend_from_slice(b"ALREADYEXISTS"),
                Code::MaxScripts => out.extend_from_slice(b"QUOTA/MAXSCRIPTS"),
                Code::MaxSize => out.extend_from_slice(b"QUOTA/MAXSIZE"),
                Code::Sasl(b64) => {
                    out.extend_from_slice(b"SASL ");
                    write_string(&mut out, b64.as_bytes());
                }
                Code::Tag(t) => {
                    out.extend_from_slice(b"TAG ");
                    write_literal(&mut out, t);
                }
            }
            out.push(b')');
        }
        if let Some(t) = &self.text {
            out.push(b' ');
            write_string(&mut out, t);
        }
        out.extend_from_slice(b"\r\n");
        out
    }
}

/// Appends `s` as a quoted string, or as a literal when it cannot be
/// quoted (Cyrus `prot_printstring`).
pub(super) fn write_string(out: &mut Vec<u8>, s: &[u8]) {
    let quotable = s.len() < 1024
        && s.iter()
            .all(|&b| b != b'\r' && b != b'\n' && b != b'"' && b != b'\\' && b != 0 && b < 0x80);
    if quotable {
        out.push(b'"');
        out.extend_from_slice(s);
        out.push(b'"');
    } else {
        write_literal(out, s);
    }
}

/// Appends `s` as a literal `{n}` CRLF bytes.
pub(super) fn write_literal(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(format!("{{{}}}\r\n", s.len()).as_bytes());
    out.extend_from_slice(s);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(Response::ok().to_bytes(), b"OK\r\n");
        assert_eq!(
            Response::no("Script does not exist")
                .with_code(Code::NonExistent)
                .to_bytes(),
            b"NO (NONEXISTENT) \"Script does not exist\"\r\n"
        );
        assert_eq!(
            Response::no("line 1: syntax error\r\n").to_bytes(),
            b"NO {22}\r\nline 1: syntax error\r\n\r\n"
        );
        assert_eq!(
            Response::ok_text("Done")
                .with_code(Code::Tag(b"hi".to_vec()))
                .to_bytes(),
            b"OK (TAG {2}\r\nhi) \"Done\"\r\n"
        );
    }
}
