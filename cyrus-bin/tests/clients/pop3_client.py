"""Drives a POP3 server with Python's poplib; prints one JSON object.

usage: pop3_client.py PORT MODE [USER PASSWORD]   (MODE: plain | stls | pop3s | login)
plain: USER/PASS, STAT, LIST, UIDL, RETR 1, TOP 2 0, DELE 3, QUIT.
stls/pop3s: log in under TLS, STAT, QUIT. login: USER/PASS, STAT, QUIT.
USER and PASSWORD default to bob and pass.
"""
import json
import poplib
import ssl
import sys

port, mode = int(sys.argv[1]), sys.argv[2]
user, password = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else ("bob", "pass")
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
out = {}
if mode == "pop3s":
    p = poplib.POP3_SSL("127.0.0.1", port, context=ctx, timeout=10)
else:
    p = poplib.POP3("127.0.0.1", port, timeout=10)
out["welcome"] = p.getwelcome().decode()
out["capa"] = sorted(p.capa().keys())
if mode == "stls":
    out["stls"] = p.stls(context=ctx).decode()
    out["capa_tls"] = sorted(p.capa().keys())
out["user"] = p.user(user).decode()
out["pass"] = p.pass_(password).decode()
out["stat"] = list(p.stat())
if mode == "plain":
    out["list"] = [l.decode() for l in p.list()[1]]
    out["uidl"] = [l.decode() for l in p.uidl()[1]]
    out["uidl1"] = p.uidl(1).decode()
    out["retr1"] = [l.decode() for l in p.retr(1)[1]]
    out["top2"] = [l.decode() for l in p.top(2, 0)[1]]
    out["dele3"] = p.dele(3).decode()
out["quit"] = p.quit().decode()
print(json.dumps(out))
