//! Property tests: the parser never panics, whatever the input, and its
//! offsets always stay inside the message.

use cyrus_store::message::{parse, BodyPart};
use proptest::prelude::*;

fn check_bounds(p: &BodyPart, len: usize) {
    assert!(p.content_offset as usize <= len);
    assert!(p.header_offset as usize <= len);
    for c in &p.parts {
        check_bounds(c, len);
    }
    if let Some(m) = &p.message {
        check_bounds(m, len);
    }
}

fn mime_fragment() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"Content-Type: multipart/mixed; boundary=a\r\n".to_vec()),
        Just(b"Content-Type: multipart/digest; boundary=\"b\"\r\n".to_vec()),
        Just(b"Content-Type: message/rfc822\r\n".to_vec()),
        Just(b"Content-Type: text/plain; charset*0*=utf-8''%C3; charset*1=x\r\n".to_vec()),
        Just(b"Content-Transfer-Encoding: base64\r\n".to_vec()),
        Just(b"Content-Transfer-Encoding: quoted-printable\r\n".to_vec()),
        Just(b"Subject: =?utf-8?b?w6k=?= =?x?q?a?=\r\n".to_vec()),
        Just(b"To: g: a@b, <@r:c@d>;, \"q\\\"\" <e@f>\r\n".to_vec()),
        Just(b"Date: Mon, 1 Jan 2024 10:00 +0100\r\n".to_vec()),
        Just(b" folded (comment\r\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"--a\r\n".to_vec()),
        Just(b"--b\r\n".to_vec()),
        Just(b"--a--\r\n".to_vec()),
        Just(b"=3D=\r\n".to_vec()),
        Just(b"\0".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..20),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let m = parse(&raw);
        let items = m.cache_items();
        let _ = items.encode();
        let _ = (m.header_size(), m.sent_date(), m.gmtime(), m.index_dates(1));
        check_bounds(&m.root, raw.len());
    }

    #[test]
    fn mime_shaped_input_never_panics(frags in proptest::collection::vec(mime_fragment(), 0..60)) {
        let raw: Vec<u8> = frags.concat();
        let m = parse(&raw);
        let items = m.cache_items();
        let _ = items.encode();
        check_bounds(&m.root, raw.len());
        for n in 1..4u32 {
            if let Some(p) = m.part(&[n]) {
                let _ = cyrus_store::message::ParsedMessage::text_content(p, &raw);
            }
        }
    }
}
