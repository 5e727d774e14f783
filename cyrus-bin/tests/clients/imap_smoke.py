"""imaplib against cyr_master: login, create, append, select, fetch, search, store, expunge."""
import imaplib
import sys

port = int(sys.argv[1])
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
m.logout()
print("OK append-fetch")
