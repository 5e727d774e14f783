# Tricky messages for differential testing against real Cyrus 3.6.
def m(*lines, body=b"body\r\n"):
    hdr = b"".join((l if isinstance(l, bytes) else l.encode()) + b"\r\n" for l in lines)
    return hdr + b"\r\n" + body

CASES = [
("groups", m("From: joe@example.com (Joe Q. Public)", "To: Team: x@y, \"Q, R\" <q@r>;, undisclosed-recipients:;", "Cc: <@r1,@r2:u@d>, \"a\\\"b\" <A@B.example>", "Bcc: joe, <>, \"x\" <y>, @, a@b@c", "Subject: groups")),
("sender-replyto", m("From: a@b", "Sender: Sec <sec@b>", "Reply-To: ", "To: undisclosed:;", "Subject: sender")),
("encwords", m("From: =?UTF-8?Q?J=C3=BCrgen?= <j@x>, \"=?utf-8?b?w6k=?=\" <e@x>", "To: =?x-unknown?q?abc?= <u@x>", "Cc: =?iso-2022-jp?B?GyRCJEgkYiQ3GyhC?= <jp@x>", "Subject: =?utf-8?q?a=C3?= =?utf-8?q?=A9b?= plain =?UTF-8?B?w6k=?=  =?ISO-8859-1?Q?caf=E9?= tail =?bogus", "Date: Tue, 2 Jan 2024 08:30 EST")),
("encwords2", m("From: \"quoted =?utf-8?q?x?= name\" <a@b>", "Subject: =?utf-8?q?under_score?==?utf-8?q?adjacent?= x=?utf-8?q?y?=", "Date: 2 Jan 24 08:30:00 GMT")),
("rfc2231", m("MIME-Version: 1.0", "Content-Type: application/octet-stream; name*1=\"second\"; name*0=\"first \"; title*0*=us-ascii'en'This%20is; title*1*=%20%2A%2A%2Afun; title*2=\"*** \"", "Content-Disposition: attachment (comment); filename*=UTF-8''%E2%82%AC%20rates.txt; size=123; creation-date=\"Wed, 12 Feb 1997 16:29:51 -0500\"", "Content-Transfer-Encoding: base64", "Subject: 2231", body=b"aGVsbG8gd29ybGQ=\r\n")),
("params-odd", m("Content-Type: text/plain (c) ; charset = \"utf-8\" ; format=flowed; empty=; bad param; quoted=\"a\\\"b\\\\c\"; 8bit=caf\xc3\xa9; delsp=yes", "Content-Language: en, de-DE (x)", "Content-Location: http://example.org/x", "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==", "Content-ID: <id@x>", "Content-Description: =?utf-8?q?d=C3=A9sc?=", "Subject: params")),
("multipart-nested", m("Content-Type: multipart/mixed; boundary=\"outer\"", "Subject: nested", body=(
 b"preamble\r\n--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n--inner\r\nContent-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=E9 =\r\nsoft\r\n--inner\r\nContent-Type: text/html\r\n\r\n<b>x</b>\r\n--inner--\r\ninner epilogue\r\n--outer\r\nContent-Type: message/rfc822\r\n\r\nFrom: in@x\r\nSubject: inner msg\r\nDate: Wed, 03 Jan 2024 01:02:03 +0200\r\n\r\ninner body\r\n\r\n--outer\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n--outer--\r\nepilogue\r\n"))),
("boundary-substring", m("Content-Type: multipart/mixed; boundary=a", body=(
 b"--a\r\nContent-Type: multipart/mixed; boundary=ab\r\n\r\n--ab\r\n\r\nin ab\r\n--ab--\r\n--a\r\n\r\nsecond\r\n--a--\r\n"))),
("missing-final-boundary", m("Content-Type: multipart/mixed; boundary=zz", body=b"--zz\r\n\r\nonly part, no end\r\n")),
("boundary-in-header", m("Content-Type: multipart/mixed; boundary=hb", body=b"--hb\r\nContent-Type: text/plain\r\n--hb\r\n\r\nafter\r\n--hb--\r\n")),
("digest", m("Content-Type: multipart/digest; boundary=d", body=b"--d\r\n\r\nFrom: d1@x\r\nSubject: d1\r\n\r\nd1 body\r\n--d\r\nContent-Type: text/plain\r\n\r\nd2\r\n--d--\r\n")),
("rfc822-leaf", m("Content-Type: message/rfc822", "Subject: wrapper", body=b"Subject: enclosed\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nenclosed body\r\n")),
("zero-part", m("Content-Type: multipart/mixed", body=b"no boundary\r\n")),
("zero-part-inside", m("Content-Type: multipart/mixed; boundary=q", body=b"--q\r\nContent-Type: multipart/related\r\n\r\nstuff\r\n--q\r\n\r\nx\r\n--q--\r\n")),
("cte-odd", m("Content-Type: text/plain; charset=unknown-xyz", "Content-Transfer-Encoding: x-uuencode", body=b"begin 644 x\r\n")),
("cte-odd2", m("Content-Type: text/plain; charset=\"UTF-8\"", "Content-Transfer-Encoding: 7bit (comment)", "Content-Transfer-Encoding: base64 junk", body=b"x\r\n")),
("cte-8bits", m("Content-Type: TEXT/Plain; CHARSET=unknown-8bit", "Content-Transfer-Encoding: 8BIT", body=b"caf\xe9\r\n")),
("bad-ctype", m("Content-Type: text", "Subject: bad ctype", body=b"x\r\n")),
("two-ctypes", m("Content-Type: text/html", "Content-Type: image/png; name=x", "Content-Type: garbage")),
("two-ctypes2", m("Content-Type: text/html", "Content-Type: image/png; name=x")),
("dates1", m("Date: Mon 01 Jan 2024 10:00:00 +0000", "Subject: no comma")),
("dates2", m("Date: Thu, 01 Jan 1970 00:00:00 +0100")),
("dates3", m("Date: 31-Dec-1999 23:59:59.9 -0800")),
("dates4", m("Date:   Sat, 6 Jan 2024 5:4:3 z")),
("dates5", m("Date: Sat, 6 Jan 2024 10:00:00 PDT (comment)")),
("long-subject", m("Subject: " + "x" * 1100)),
("subject-specials", m("Subject: 100% \"quoted\" back\\slash")),
("8bit-header", m(b"Subject: caf\xc3\xa9 raw", b"From: J\xc3\xbcrgen <j@x>")),
("odd-headers", m("Subject : spaced", "NoColonLine", "Some-Very-Long-Header-Name-Exceeding-Limit: v", "Short-Enough-Header-Name-Here-31: v", "X-Mailer: test", "X-Other: no", "Priority: urgent", "Keywords: a,", " folded", "References: <a@b>\r\n\t<c@d>", "In-Reply-To: <a@b>", "Message-ID: <id@host>")),
("folded", m("Subject: folded\r\n  subject\r\n\tline", "To: a@b,\r\n c@d", "Content-Type: text/plain;\r\n charset=\"utf-8\";\r\n format=flowed")),
("header-only", b"Subject: header only\r\nFrom: a@b\r\n"),
("empty-body", m("Subject: empty", body=b"")),
("no-final-newline", m("Subject: nonl", body=b"a\r\nb")),
("qp-edge", m("Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", body=b"a=\r\nb=3d=3D=zz=\r\n=4\r\ntrailing   \r\nlast=")),
("b64-edge", m("Content-Type: image/gif", "Content-Transfer-Encoding: base64", body=b"R0lG\r\nOD lh*AQ==AB\r\n=\r\n")),
]
CASES = [c for c in CASES if c[0] != "odd-headers"] + [
("odd-headers", m("Some-Very-Long-Header-Name-Exceeding-Limit: v", "Short-Enough-Header-Name-Here-31: v", "X-Mailer: test", "X-Other: no", "Priority: urgent", "Keywords: a,", " folded", "References: <a@b>\r\n\t<c@d>", "In-Reply-To: <a@b>", "Message-ID: <id@host>", "Message-ID: <second@host>", "Subject: first", "subject: second")),
("boundary-rfc2231", m("Content-Type: multipart/mixed; boundary*=us-ascii''b%20c", body=b"--b c\r\n\r\npart\r\n--b c--\r\n")),
]
