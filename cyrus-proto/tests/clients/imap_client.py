"""Drives our IMAP server with Python's imaplib, as a real client would.

Usage: imap_client.py HOST PORT. Exits non-zero (with a traceback) on the
first unexpected answer; prints "all good" at the end.
"""
import imaplib
import socket
import sys
import time

host, port = sys.argv[1], int(sys.argv[2])


def ok(res):
    typ, data = res
    assert typ == "OK", res
    return data


c = imaplib.IMAP4(host, port)
assert "IMAP4REV1" in c.capabilities, c.capabilities
assert b"Cyrus IMAP" in c.welcome, c.welcome
ok(c.login("alice", "secret"))
caps = ok(c.capability())[0].split()
assert b"IDLE" in caps and b"UIDPLUS" in caps, caps

# LIST / CREATE
ok(c.create("Projects"))
ok(c.create("Projects/2026"))
lines = ok(c.list())
assert b'(\\HasNoChildren) "/" INBOX' in lines, lines
assert b'(\\HasChildren) "/" Projects' in lines, lines
typ, _ = c.create("Projects")
assert typ == "NO"

# SELECT / APPEND / FETCH
data = ok(c.select("INBOX"))
assert data == [b"0"], data
msg = b"From: Zed <zed@example.org>\r\nSubject: imaplib test\r\n\r\nHello from imaplib.\r\n"
typ, data = c.append("INBOX", r"(\Flagged)", imaplib.Time2Internaldate(1704535200), msg)
assert typ == "OK" and b"APPENDUID" in data[0], data
c.noop()
data = ok(c.fetch("1", "(FLAGS RFC822.SIZE INTERNALDATE)"))
assert b"FLAGS (\\Recent \\Flagged)" in data[0] and b"RFC822.SIZE %d" % len(msg) in data[0], data
data = ok(c.fetch("1", "(BODY[])"))
assert data[0][1] == msg, data
data = ok(c.fetch("1", "(FLAGS)"))
assert b"\\Seen" in data[0], data  # BODY[] set \Seen
data = ok(c.uid("FETCH", "1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])"))
assert data[0][1] == b"Subject: imaplib test\r\n\r\n", data

# SEARCH / STORE
assert ok(c.search(None, "SUBJECT", "imaplib")) == [b"1"]
assert ok(c.search(None, "UNSEEN")) == [b""]
data = ok(c.store("1", "+FLAGS", r"(\Deleted $Done)"))
assert b"\\Deleted" in data[0] and b"$Done" in data[0], data
assert ok(c.uid("SEARCH", "DELETED")) == [b"1"]

# IDLE by hand on a second connection, woken by an APPEND on the first.
d = imaplib.IMAP4(host, port)
ok(d.login("alice", "secret"))
ok(d.select("INBOX"))
d.send(b"i1 IDLE\r\n")
line = d.readline()
assert line.startswith(b"+ "), line
ok(c.append("INBOX", None, None, msg))
d.sock.settimeout(10)
line = d.readline()
assert line == b"* 2 EXISTS\r\n", line
line = d.readline()
# Only one session sees it as \\Recent: whichever looked first.
assert line in (b"* 0 RECENT\r\n", b"* 1 RECENT\r\n"), line
d.send(b"DONE\r\n")
line = d.readline()
assert line == b"i1 OK Completed\r\n", line
d.sock.settimeout(None)
assert d.logout()[0] == "BYE"

# EXPUNGE, STATUS, LOGOUT
data = ok(c.expunge())
assert data == [b"1"], data
data = ok(c.status("INBOX", "(MESSAGES UIDNEXT)"))
assert b"MESSAGES 1" in data[0] and b"UIDNEXT 3" in data[0], data
ok(c.close())

# COPY with COPYUID (RFC 4315), UID MOVE (RFC 6851)
assert b"MOVE" in caps and b"MULTIAPPEND" in caps, caps
ok(c.select("INBOX"))
typ, data = c.copy("1", "Projects")
assert typ == "OK" and data[0].startswith(b"[COPYUID "), data
uidvalidity, src, dst = data[0][1:].split(b"]")[0].split()[1:]
assert (src, dst) == (b"2", b"1"), data
typ, data = c.copy("7", "Nowhere")
assert typ == "NO" and b"TRYCREATE" in data[0], data
typ, data = c.uid("MOVE", "2", "Projects")
assert typ == "OK", (typ, data)
moved = c.response("COPYUID")[1][-1].split()  # the COPY's code is queued too
assert moved[1:] == [b"2", b"2"], moved
assert c.response("EXPUNGE")[1] == [b"1"]
data = ok(c.status("INBOX", "(MESSAGES)"))
assert b"MESSAGES 0" in data[0], data
ok(c.select("Projects", readonly=True))
data = ok(c.fetch("1:2", "(UID BODY.PEEK[])"))
bodies = [d[1] for d in data if isinstance(d, tuple)]
assert bodies == [msg, msg], data
ok(c.close())
ok(c.delete("Projects/2026"))
typ, data = c.logout()
assert typ == "BYE", (typ, data)
print("all good")
