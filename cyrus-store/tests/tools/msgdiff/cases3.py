def nest(n):
    return b"".join(b"Subject: level %d\r\nContent-Type: message/rfc822\r\n\r\n" % i for i in range(n)) + b"Subject: leaf\r\n\r\nleaf\r\n"
CASES3 = [
("bare-lf", b"Subject: x\nTo: a@b\n\nbody\n"),
("nul-header", b"Subject: a\0b\r\nFrom: c@d\r\n\r\nbody\r\n"),
("nul-body", b"Subject: x\r\nContent-Type: text/plain\r\n\r\na\0b\r\nc\r\n"),
("mbox-from", b"From someone@x Mon Jan  1 00:00:00 2024\r\nSubject: mbox\r\n\r\nbody\r\n"),
("starts-blank", b"\r\nSubject: not a header\r\n"),
("no-blank-no-nl", b"Subject: x\r\nFrom: a@b"),
("crlf-hdr-lf-body", b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\nContent-Type: text/html\n\nx\n--b\n\ny\n--b--\n"),
("cr-only", b"Subject: x\rFrom: a@b\r\rbody\r"),
("nest20", nest(20)),
("empty-boundary", b"Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n\r\none\r\n--x\r\n\r\ntwo\r\n----\r\nend\r\n"),
("nul-boundary", b"Content-Type: multipart/mixed; boundary=q\r\n\r\n--q\0junk\r\n\r\none\r\n--q\r\n\r\ntwo\r\n--q--\r\n"),
("colon-start", b":bad\r\nSubject: after\r\n\r\nbody\r\n"),
("8bit-name", b"X-\xc3\xa9: v\r\nCaf\xc3\xa9: v\r\nSubject: s\r\n\r\nbody\r\n"),
("hdr-8bit-raw", b"From: J\xfcrgen <j@x>\r\nSubject: caf\xe9 \xe2\x82\xac\r\nTo: \"\xc3\xa9\" <e@x>\r\n\r\nbody\r\n"),
("long-header-lines", b"".join(b"X-H%d: v\r\n" % i for i in range(1100)) + b"Subject: after many\r\nReferences: <r@x>\r\n\r\nbody\r\n"),
("trailing-ws-boundary", b"Content-Type: multipart/mixed; boundary=\"b \"\r\n\r\n--b \r\n\r\none\r\n--b --\r\n"),
]
