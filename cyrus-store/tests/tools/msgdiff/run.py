import socket, sys, os, re, struct, glob
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cases import CASES
HOST, PORT = '127.0.0.1', 25143
s = socket.create_connection((HOST, PORT))
f = s.makefile('rb')
def line():
    l = f.readline(); return l
print(line())
def cmd(tag, data, lit=None):
    s.sendall(data)
    while True:
        l = line()
        if l.startswith(b'+'):
            s.sendall(lit + b"\r\n"); lit = None; continue
        if l.startswith(tag): return l
s_tag = b'a1'
print(cmd(b'a1', b'a1 LOGIN alice pass\r\n'))
for i, (name, raw) in enumerate(CASES):
    tag = b'b%d' % i
    r = cmd(tag, tag + b' APPEND INBOX "02-Jan-2024 03:04:05 +0000" {%d}\r\n' % len(raw), raw)
    print(name, r)
cmd(b'z', b'z LOGOUT\r\n')
