//! Tricky inputs for the message parser, with the outputs Cyrus 3.6's
//! algorithm produces for them (derived from `imap/message.c`).

use cyrus_store::message::parse;

fn s(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn groups_in_envelope_and_search_string() {
    let m = parse(b"From: a@b\r\nTo: Team: x@y, \"Q, R\" <q@r>;, undisclosed:;\r\n\r\nbody\r\n");
    let c = m.cache_items();
    assert_eq!(
        s(c.envelope()),
        "(NIL NIL ((NIL NIL \"a\" \"b\")) ((NIL NIL \"a\" \"b\")) ((NIL NIL \"a\" \"b\")) \
         ((NIL NIL \"Team\" NIL)(NIL NIL \"x\" \"y\")(\"Q, R\" NIL \"q\" \"r\")(NIL NIL NIL NIL)\
         (NIL NIL \"undisclosed\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL NIL)"
    );
    assert_eq!(s(c.to()), "Team:<x@y>,\"Q, R\" <q@r>;,undisclosed:;");
    assert_eq!(s(c.from()), "<a@b>");
}

#[test]
fn encoded_words_in_subject_and_names() {
    let m = parse(
        b"From: =?ISO-8859-1?Q?Andr=E9?= <A@Example.ORG>\r\n\
          Subject: =?UTF-8?Q?caf=C3=A9?= =?ISO-8859-1?Q?_cr=E8me?=\r\n\r\n",
    );
    let c = m.cache_items();
    let subj = "café crème";
    assert_eq!(s(c.subject()), format!("{{{}}}\r\n{subj}", subj.len()));
    assert_eq!(s(c.from()), "\"André\" <a@example.org>");
    // The envelope keeps the raw, encoded text.
    assert!(s(c.envelope()).contains("\"=?UTF-8?Q?caf=C3=A9?= =?ISO-8859-1?Q?_cr=E8me?=\""));
}

#[test]
fn rfc2231_continuations_in_bodystructure() {
    let m = parse(
        b"Content-Type: application/pdf; name*0=\"long \"; name*1=\"name.pdf\"\r\n\
          Content-Disposition: attachment; filename*0*=utf-8''%C3%A9t%C3%A9; filename*1=\".pdf\"\r\n\
          Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n",
    );
    let c = m.cache_items();
    assert_eq!(
        s(c.bodystructure()),
        "(\"APPLICATION\" \"PDF\" (\"NAME\" \"long name.pdf\") NIL NIL \"BASE64\" 10 NIL \
         (\"ATTACHMENT\" (\"FILENAME*\" {24}\r\nutf-8''%C3%A9t%C3%A9.pdf)) NIL NIL)"
    );
    let part = m.part(&[1]).expect("part 1");
    assert_eq!(part.decoded_content_size, 5);
}

#[test]
fn nested_message_rfc822() {
    let raw: &[u8] = b"Subject: outer\r\nContent-Type: message/rfc822\r\n\r\n\
Subject: inner\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
--b\r\n\r\none\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>two</p>\r\n--b--\r\n";
    let m = parse(raw);
    let c = m.cache_items();
    let body = s(c.body());
    assert!(
        body.starts_with("(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" "),
        "{body}"
    );
    assert!(body.contains("\"inner\""), "{body}");
    assert!(body.contains("\"MIXED\")"), "{body}");
    // BODY[1] is the enclosed message, BODY[1.2] its HTML part.
    let html = m.part(&[1, 2]).expect("part 1.2");
    assert_eq!(html.subtype, b"HTML");
    let text = &raw[html.content_offset as usize..][..html.content_size as usize];
    assert_eq!(text, b"<p>two</p>");
    assert!(m.part(&[1, 3]).is_none());
    assert!(m.part(&[2]).is_none());
}

#[test]
fn missing_headers() {
    let m = parse(b"\r\nbody");
    let c = m.cache_items();
    assert_eq!(s(c.envelope()), "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
    assert_eq!(
        s(c.bodystructure()),
        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 4 0 NIL NIL NIL NIL)"
    );
    assert_eq!(s(c.subject()), "NIL");
    assert_eq!(m.header_size(), 2);
    assert_eq!(m.index_dates(86_400 * 3 + 5), (86_400 * 3, 86_400 * 3 + 5));
}

#[test]
fn bare_lf_message_is_all_header() {
    // Cyrus only ends a header block at a line starting with CRLF.
    let raw: &[u8] = b"Subject: x\nTo: a@b\n\nbody\n";
    let m = parse(raw);
    assert_eq!(m.header_size() as usize, raw.len());
    let c = m.cache_items();
    assert_eq!(
        s(c.body()),
        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 0 0)"
    );
    assert_eq!(s(c.subject()), "\"x\"");
    assert_eq!(s(c.to()), "<a@b>");
}

#[test]
fn nul_byte_ends_header_text() {
    let m = parse(b"Subject: a\0b\r\n\r\nbody");
    assert_eq!(m.header_size(), 10);
    // Sizes come from the C string, offsets from the real bytes.
    assert_eq!(m.root.content_offset, 16);
    assert_eq!(s(m.cache_items().subject()), "\"a\"");
}

/// Line counts exclude the CRLF that belongs to the next boundary.
#[test]
fn multipart_sections_and_sizes() {
    let raw: &[u8] = b"Content-Type: multipart/alternative; boundary=\"xx\"\r\n\r\n\
pre\r\n--xx\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
caf=C3=A9\r\n--xx\r\n\r\nsecond\r\n--xx--\r\nepilogue\r\n";
    let m = parse(raw);
    let c = m.cache_items();
    assert_eq!(
        s(c.body()),
        "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 9 0)\
         (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 6 0) \"ALTERNATIVE\")"
    );
    let p1 = m.part(&[1]).expect("part 1");
    assert_eq!(
        cyrus_store::message::ParsedMessage::text_content(p1, raw).unwrap_or_default(),
        "café".as_bytes()
    );
    // SECTION: 3 entries at the top (header + 2 parts)...
    assert_eq!(&c.section()[..4], &3u32.to_be_bytes());
    // ...and the first part's charset word: len("utf-8") padded to 8, QP.
    let rec = c.encode();
    assert_eq!(rec.len() % 4, 0);
}

fn nested_multiparts(depth: usize) -> Vec<u8> {
    let mut raw = Vec::new();
    for i in 0..depth {
        raw.extend_from_slice(
            format!("Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n").as_bytes(),
        );
    }
    raw.extend_from_slice(b"\r\nleaf\r\n");
    for i in (0..depth).rev() {
        raw.extend_from_slice(format!("--b{i}--\r\n").as_bytes());
    }
    raw
}

#[test]
fn deep_nesting_is_bounded() {
    for depth in [5usize, 99, 100, 101, 3000] {
        let raw = nested_multiparts(depth);
        let m = parse(&raw);
        let c = m.cache_items();
        assert!(!c.bodystructure().is_empty());
    }
    let mut raw = Vec::new();
    for _ in 0..5000 {
        raw.extend_from_slice(b"Content-Type: message/rfc822\r\n\r\n");
    }
    raw.extend_from_slice(b"\r\nend\r\n");
    let m = parse(&raw);
    assert!(!m.cache_items().section().is_empty());
}

#[test]
fn zero_part_multipart_becomes_empty_text() {
    let m = parse(b"Content-Type: multipart/mixed\r\n\r\nno boundary here\r\n");
    assert_eq!(
        s(m.cache_items().body()),
        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 0 0)"
    );
}
