"""POP3 differential: the same messages delivered over LMTP to bob on two
servers (ours, then the real Cyrus 3.6 anchor), then the same POP3
session against both. Prints one JSON object per server:

  {"greeting", "capa_pre", "capa_post", "pass", "stat", "n",
   "last": [{"size", "uidl", "retr_octets", "body"}...]}

usage: pop3_differential.py POP3_PORT LMTP_PORT [POP3_PORT LMTP_PORT ...]
"""
import json
import poplib
import smtplib
import sys
import time

MESSAGES = [
    b"From: a@example.org\r\nTo: bob@localhost\r\nDate: Sun, 22 Nov 2026 12:00:00 +0000\r\nSubject: diff one\r\n"
    b"Message-ID: <diff-1-%d@example.org>\r\n\r\nplain body\r\n",
    b"From: a@example.org\r\nTo: bob@localhost\r\nDate: Sun, 22 Nov 2026 12:00:00 +0000\r\nSubject: diff two\r\n"
    b"Message-ID: <diff-2-%d@example.org>\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nend\r\n",
    b"From: a@example.org\r\nTo: bob@localhost\r\nDate: Sun, 22 Nov 2026 12:00:00 +0000\r\nSubject: diff three\r\n"
    b"Message-ID: <diff-3-%d@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    + b"".join(b"line %02d\r\n" % i for i in range(40)),
]

stamp = int(time.time() * 1000)
args = [int(a) for a in sys.argv[1:]]
result = []
for pop_port, lmtp_port in zip(args[0::2], args[1::2]):
    with smtplib.LMTP("127.0.0.1", lmtp_port) as l:
        for m in MESSAGES:
            l.sendmail("a@example.org", ["bob"], m.replace(b"%d", str(stamp).encode()))
    p = poplib.POP3("127.0.0.1", pop_port, timeout=20)
    out = {"greeting": p.getwelcome().decode()}
    out["capa_pre"] = [l.decode() for l in p._longcmd("CAPA")[1]]
    p.user("bob")
    out["pass"] = p.pass_("pass").decode()
    out["capa_post"] = [l.decode() for l in p._longcmd("CAPA")[1]]
    n, total = p.stat()
    out["stat"] = [n, total]
    sizes = {int(a): int(b) for a, b in (l.split() for l in p.list()[1])}
    out["list_total"] = sum(sizes.values())
    uidls = {int(a): b.decode() for a, b in (l.split() for l in p.uidl()[1])}
    last = []
    for i in range(n - len(MESSAGES) + 1, n + 1):
        resp, lines, octets = p.retr(i)
        body = b"".join(line + b"\r\n" for line in lines)
        last.append({
            "size": sizes[i],
            "uidl": uidls[i],
            "uidl_one": p.uidl(i).decode(),
            "retr_len": len(body),
            "body": body.decode("utf-8", "replace"),
        })
    out["last"] = last
    out["quit"] = p.quit().decode()
    result.append(out)
print(json.dumps(result))
