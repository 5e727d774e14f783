//! Property: whatever bytes arrive, in whatever pieces, the session
//! never panics and every reply line is CRLF-terminated.
#![allow(clippy::unwrap_used)]

mod lmtp_common;

use cyrus_proto::lmtp::LmtpConfig;
use cyrus_proto::runtime::{Output, PeerAddr, Session};
use lmtp_common::{now, Site};
use proptest::prelude::*;

fn words() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"LHLO x\r\n".to_vec()),
        Just(b"MAIL FROM:<a@b>\r\n".to_vec()),
        Just(b"RCPT TO:<alice@localhost>\r\n".to_vec()),
        Just(b"RCPT TO:<alice+x@localhost> IGNOREQUOTA\r\n".to_vec()),
        Just(b"DATA\r\n".to_vec()),
        Just(b"BDAT 5\r\n".to_vec()),
        Just(b"BDAT 3 LAST\r\n".to_vec()),
        Just(b".\r\n".to_vec()),
        Just(b"RSET\r\n".to_vec()),
        Just(b"Subject: x\r\n\r\n".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..40),
    ];
    proptest::collection::vec(piece, 0..20).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn random_input_never_panics(input in words(), cuts in proptest::collection::vec(0usize..64, 0..8)) {
        let site = Site::new();
        site.user("alice");
        let mut s = site.session(LmtpConfig { max_line: 64, max_message_size: Some(200), ..LmtpConfig::default() }, PeerAddr::Unix);
        let mut rest: &[u8] = &input;
        let mut sent = Vec::new();
        for c in cuts {
            let n = c.min(rest.len());
            let mut out = Output::new();
            s.input(&rest[..n], now(), &mut out);
            sent.extend(out.sent_bytes());
            rest = &rest[n..];
        }
        let mut out = Output::new();
        s.input(rest, now(), &mut out);
        sent.extend(out.sent_bytes());
        prop_assert!(sent.is_empty() || sent.ends_with(b"\r\n"));
    }
}
