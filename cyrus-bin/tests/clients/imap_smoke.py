"""imaplib and smtplib.LMTP against cyr_master: login, create, append, select,
fetch, search, store, expunge; then an LMTP delivery seen by a session in IDLE."""
import imaplib
import smtplib
import socket
import sys

port = int(sys.argv[1])
lmtp_port = int(sys.argv[2])
m = imaplib.IMAP4("127.0.0.1", port)
assert b"test.example" in m.welcome, m.welcome
typ, _ = m.login("alice", "wonderland")
assert typ == "OK"
print("OK login")
typ, data = m.select("INBOX")
assert typ == "OK" and data[0] == b"1", data
typ, data = m.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
assert b"welcome" in data[0][1], data
assert m.create("Projects")[0] == "OK"
typ, data = m.list('""', "*")
names = b" ".join(data)
assert b"INBOX" in names and b"Projects" in names, data
msg = b"From: carol@example.org\r\nTo: alice@example.org\r\nSubject: quarterly report\r\n\r\nNumbers inside.\r\n"
typ, data = m.append("Projects", "(\\Flagged)", None, msg)
assert typ == "OK" and b"APPENDUID" in data[0], data
typ, data = m.select("Projects")
assert typ == "OK" and data[0] == b"1", data
typ, data = m.fetch("1", "(FLAGS BODY.PEEK[])")
assert typ == "OK" and data[0][1] == msg and b"\\Flagged" in data[0][0], data
typ, data = m.search(None, "SUBJECT", '"quarterly report"')
assert data == [b"1"], data
assert m.store("1", "+FLAGS", "\\Deleted")[0] == "OK"
typ, data = m.expunge()
assert data == [b"1"], data
print("OK append-fetch")

# IDLE on INBOX, deliver over LMTP, expect "* 2 EXISTS" without polling.
assert m.select("INBOX")[0] == "OK"
tag = b"i1"
m.send(tag + b" IDLE\r\n")
assert m.readline().startswith(b"+"), "IDLE continuation"
with smtplib.LMTP("127.0.0.1", lmtp_port) as l:
    l.ehlo("client.example")
    refused = l.sendmail("dave@example.org", ["alice"], b"From: dave@example.org\r\nSubject: via lmtp\r\n\r\nhello\r\n")
    assert refused == {}, refused
m.sock.settimeout(5)
line = m.readline()
assert line.strip() == b"* 2 EXISTS", line
m.send(b"DONE\r\n")
while not m.readline().startswith(tag + b" OK"):
    pass
m.sock.settimeout(None)
typ, data = m.fetch("2", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
assert b"via lmtp" in data[0][1], data
m.logout()
print("OK lmtp-idle")
