//! Base64 on the wire (RFC 4648 §4, with padding, no line breaks), and the
//! two special client responses: `*` cancels, `=` is an empty initial
//! response. Framing (continuation lines, quoting) is the protocol's job.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::outcome::Failure;
use super::secret::Secret;

/// A decoded client line during an exchange.
#[derive(Debug)]
pub enum ClientResponse {
    /// The client sent `*`: abort (RFC 3501 §6.2.2, RFC 4954 §4).
    Cancel,
    /// The decoded bytes; may carry a password.
    Data(Secret),
}

/// Encodes a challenge or success data for the wire.
pub fn encode(data: &[u8]) -> String {
    STANDARD.encode(data)
}

/// Decodes base64 strictly (canonical padding, no whitespace). The result
/// is a [`Secret`] because client responses may carry passwords.
pub fn decode(text: &[u8]) -> Result<Secret, Failure> {
    STANDARD
        .decode(text)
        .map(Secret::new)
        .map_err(|_| Failure::BadBase64)
}

/// Decodes a client's continuation line (without its CRLF): `*` cancels,
/// anything else must be base64 (an empty line is an empty response).
pub fn decode_response(line: &[u8]) -> Result<ClientResponse, Failure> {
    if line == b"*" {
        return Ok(ClientResponse::Cancel);
    }
    decode(line).map(ClientResponse::Data)
}

/// Decodes a SASL-IR initial response argument: `=` is an empty response
/// (RFC 4959 §3, RFC 4954 §4), anything else must be base64.
pub fn decode_initial_response(arg: &[u8]) -> Result<Secret, Failure> {
    if arg == b"=" {
        return Ok(Secret::default());
    }
    decode(arg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        assert_eq!(encode(b"\0bob\0pw"), "AGJvYgBwdw==");
        assert_eq!(decode(b"AGJvYgBwdw==").expect("ok").expose(), b"\0bob\0pw");
        assert_eq!(decode(b"AGJvYgBwdw").err(), Some(Failure::BadBase64));
        assert_eq!(decode(b"AGJv YgBwdw==").err(), Some(Failure::BadBase64));
        assert_eq!(decode(b"!!!!").err(), Some(Failure::BadBase64));
        assert!(matches!(decode_response(b"*"), Ok(ClientResponse::Cancel)));
        assert!(matches!(decode_response(b""), Ok(ClientResponse::Data(d)) if d.is_empty()));
        assert!(decode_initial_response(b"=").expect("ok").is_empty());
    }
}
