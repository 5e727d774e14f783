from cases import m
CS = ["ISO-8859-1", "gb2312", "big5", "koi8-r", "x-mac-roman", "cp1252", "latin1", "utf8", "UTF-16", "x-user-defined",
      "iso-8859-16", "windows-874", "tis-620", "euc-jp", "shift_jis", "x-sjis", "ks_c_5601-1987", "iso-2022-jp", "utf-7",
      "unicode-1-1-utf-7", "ibm850", "cp850", "macintosh", "x-mac-cyrillic", "hz-gb-2312", "gb18030", "ucs-2", "latin2",
      "l1", "iso8859-15", "ISO_8859-1:1987", "windows-1250", "cp-1252", "UTF_8", "us ascii", "ascii", "iso-ir-100", "csISOLatin1",
      "x-unknown", "unknown", "default", "charset", "binary", "iso-8859-8-i", "euc-kr", "cp936", "x-gbk", "gbk", "utf-16le", "ISO-10646-UCS-2"]
parts = b"".join(b"--cs\r\nContent-Type: text/plain; charset=\"" + c.encode() + b"\"\r\n\r\nx\r\n" for c in CS)
CASES2 = [
("charsets", m("Content-Type: multipart/mixed; boundary=cs", "Subject: " + " ".join("=?%s?q?a?=" % c for c in CS if " " not in c), body=parts + b"--cs--\r\n")),
("nontext-charset", m("Content-Type: multipart/mixed; boundary=n", body=b"--n\r\nContent-Type: application/x-foo; charset=utf-8\r\n\r\nx\r\n--n\r\nContent-Type: message/partial; id=1\r\nContent-Transfer-Encoding: base64\r\n\r\nabc\r\n--n\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\nU3ViamVjdDogeA0KDQp5DQo=\r\n--n\r\nContent-Type: message/external-body; access-type=URL\r\n\r\n\r\n--n--\r\n")),
("deep", m("Content-Type: multipart/mixed; boundary=L0", body=b"".join(b"--L%d\r\nContent-Type: multipart/mixed; boundary=L%d\r\n\r\n" % (i, i+1) for i in range(30)) + b"--L30\r\n\r\nleaf\r\n" + b"".join(b"--L%d--\r\n" % i for i in range(30, -1, -1)))),
("boundary-ws", m("Content-Type: multipart/mixed; boundary=b", body=b"--b  \r\n\r\none\r\n--b--junk\r\nafter\r\n--b\t\r\n\r\ntwo\r\n--bb\r\nstill two\r\n--b--\r\n")),
("ctype-encoded", m("Content-Type: =?utf-8?q?text/plain=3B_name=3Dcaf=C3=A9?=", "Subject: enc ctype")),
("addr-edge", m("From: \"john doe\"@example.com, a@[1.2.3.4], b@c., d@e..f, (c1 (nested)) g@h (trailing comment)", "To: undisclosed-recipients: ;", "Cc: Group: ; , x@y", "Bcc: \"unterminated <a@b>")),
("addr-edge2", m("From: <a@b> garbage, Name <c@d> more, <e@f", "To: a@b; c@d", "Cc: :;, ;, ,,, a", "Reply-To: =?utf-8?q?=22Q=22_=5C?= <r@x>, =?utf-8?q?plain?= <p@x>, ab.cd <e@f>, a(b)c <g@h>")),
("subject-nul", m("Subject: =?utf-8?q?a=00b?= c", "From: =?utf-8?q?n=00m?= <n@x>")),
("subject-encoded-only-ws", m("Subject: =?utf-8?q?a?=\r\n =?utf-8?q?b?=  =?utf-8?b?Yw==?=d =?utf-8?q?e?=")),
("dates6", m("Date: Tue, 2 Jan 2024 08:30:00 +0000 (UTC)")),
("dates7", m("Date: Tuesday, 02-Jan-24 08:30:00 GMT")),
("dates8", m("Date: 2024-01-02T08:30:00Z")),
("dates9", m("Date: Tue, 2 Jan 2024 08:30:00 +05:30")),
("dates10", m("Date: Tue,2 Jan 2024 8:30 -0130", "Date: Wed, 3 Jan 2024 08:30 +0000")),
("dates11", m("Date: Fri, 30 Feb 2024 25:61:61 +9999")),
("dates12", m("Date: 1 jAN 2024 10:00 a")),
("lang-loc", m("Content-Type: text/plain", "Content-Language: en-US,fr (comment), x_bad", "Content-Disposition: inline", "Content-Disposition: INLINE; filename=\"a b.txt\"; modification-date=x")),
("qp-long", m("Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", body=b"x" * 1500 + b"=\r\n" + b"y" * 10 + b"\r\n")),
("b64-message", m("Content-Type: text/plain", "Content-Transfer-Encoding: BASE64", body=b"////\r\n")),
]
