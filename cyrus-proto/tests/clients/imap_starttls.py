"""STARTTLS with imaplib under allowplaintext: no.

Usage: imap_starttls.py HOST PORT. LOGIN is refused in plaintext,
STARTTLS upgrades the connection, then LOGIN works.
"""
import imaplib
import ssl
import sys

host, port = sys.argv[1], int(sys.argv[2])
c = imaplib.IMAP4(host, port)
assert "STARTTLS" in c.capabilities and "LOGINDISABLED" in c.capabilities, c.capabilities
try:
    c.login("alice", "secret")
    raise AssertionError("LOGIN allowed without TLS")
except imaplib.IMAP4.error as e:
    assert "Login only available under a layer" in str(e), e
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
typ, _ = c.starttls(ssl_context=ctx)
assert typ == "OK"
assert "STARTTLS" not in c.capabilities and "AUTH=PLAIN" in c.capabilities, c.capabilities
typ, _ = c.login("alice", "secret")
assert typ == "OK"
typ, data = c.select("INBOX")
assert typ == "OK" and data == [b"0"], data
assert c.logout()[0] == "BYE"
print("all good")
