"""CONDSTORE, QRESYNC and OBJECTID through Python's imaplib, on a mailbox of
its own (created, then deleted), so it runs unchanged against our server
and against real Cyrus 3.6.

Usage: imap_condstore.py HOST PORT [USER PASSWORD]. Prints "all good".
"""
import imaplib
import re
import sys

host, port = sys.argv[1], int(sys.argv[2])
user, password = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else ("alice", "secret")
box = "wt-condstore-py"


def ok(res):
    typ, data = res
    assert typ == "OK", res
    return data


def untagged(c, name):
    return c.untagged_responses.pop(name, [])


c = imaplib.IMAP4(host, port)
ok(c.login(user, password))
caps = ok(c.capability())[0].split()
for cap in (b"CONDSTORE", b"QRESYNC", b"OBJECTID", b"SAVEDATE", b"PREVIEW"):
    assert cap in caps, caps
c.delete(box)
ok(c.create(box))
msg = b"Subject: condstore\r\n\r\nHello   from\r\n imaplib.\r\n"
for _ in range(3):
    ok(c.append(box, None, None, msg))

typ, data = c._simple_command("ENABLE", "QRESYNC")
assert typ == "OK", (typ, data)
enabled = untagged(c, "ENABLED")
assert enabled == [b"CONDSTORE QRESYNC"], enabled

ok(c.select(box))
uidvalidity = int(untagged(c, "UIDVALIDITY")[0])
hms = int(untagged(c, "HIGHESTMODSEQ")[0])
mailboxid = untagged(c, "MAILBOXID")[0]

data = ok(c.fetch("1:*", "(UID MODSEQ EMAILID THREADID SAVEDATE PREVIEW)"))
assert len(data) == 3, data
emailids = set()
for d in data:
    m = re.search(rb"MODSEQ \((\d+)\)", d)
    assert m and int(m.group(1)) <= hms, d
    e = re.search(rb"EMAILID \((M[0-9a-f]{24})\)", d)
    assert e, d
    emailids.add(e.group(1))
    assert b"THREADID (NIL)" in d, d
    assert re.search(rb'SAVEDATE "[ 0-9]{2}-[A-Z][a-z]{2}-\d{4} ', d), d
assert len(emailids) == 1, emailids

# STORE UNCHANGEDSINCE: message 1 changes first, so a store conditional on
# the old MODSEQ fails for it with [MODIFIED].
ok(c.store("1", "+FLAGS", r"(\Flagged)"))
typ, data = c._simple_command("STORE", "1:2", "(UNCHANGEDSINCE %d)" % hms, "+FLAGS", r"(\Answered)")
assert typ == "OK", (typ, data)
fetches = untagged(c, "FETCH")
assert any(b"\\Answered" in f for f in fetches), fetches
assert not any(f.startswith(b"1 ") and b"\\Answered" in f for f in fetches), fetches
assert data[0].startswith(b"[MODIFIED 1]"), data

# EXPUNGE under QRESYNC: VANISHED, not EXPUNGE.
ok(c.store("3", "+FLAGS", r"(\Deleted)"))
untagged(c, "FETCH")
ok(c.expunge())
assert untagged(c, "VANISHED") == [b"3"], c.untagged_responses
assert not untagged(c, "EXPUNGE")

# Resynchronise: what vanished and what changed since the first SELECT.
ok(c.close())
typ, data = c._simple_command(
    "SELECT", box, "(QRESYNC (%d %d 1:3))" % (uidvalidity, hms))
assert typ == "OK", (typ, data)
c.state = "SELECTED"  # imaplib does not know SELECT with parameters
assert untagged(c, "VANISHED") == [b"(EARLIER) 3"], c.untagged_responses
changed = untagged(c, "FETCH")
assert len(changed) == 2 and all(b"MODSEQ" in f and b"UID" in f for f in changed), changed

typ, data = c._simple_command("STATUS", box, "(MESSAGES MAILBOXID)")
assert typ == "OK", (typ, data)
status = untagged(c, "STATUS")[0]
assert b"MESSAGES 2" in status and b"MAILBOXID (" + mailboxid.strip(b"()") + b")" in status, (status, mailboxid)

ok(c.close())
ok(c.delete(box))
c.logout()
print("all good")
