#!/usr/bin/env python3
"""Sieve differential: the same scripts (uploaded over ManageSieve) and the
same messages (delivered over LMTP) on two servers; prints, per message,
the folder it ended in and its flags, and exits 1 when the servers differ.

usage: sieve_differential.py OURS_LMTP OURS_SIEVE OURS_IMAP REF_LMTP REF_SIEVE REF_IMAP
All on 127.0.0.1, user alice / pass. Folders and scripts are prefixed
"wt-sieve-" and removed afterwards. If the reference is unreachable it
prints "SKIP: <reason>" and exits 0."""
import base64, imaplib, re, smtplib, socket, sys, uuid

USER, PASSWORD = "alice", "pass"
PREFIX = "wt-sieve-"
FOLDERS = [PREFIX + "Lists", PREFIX + "Boss"]

SCRIPTS = {
    PREFIX + "diff1": r'''require ["fileinto", "imap4flags", "envelope", "subaddress", "variables", "relational", "comparator-i;ascii-numeric", "copy"];
if header :contains "subject" "[list]" {
  fileinto :flags "\\Flagged" "wt-sieve-Lists";
} elsif header :contains "subject" "junk" {
  discard;
} elsif address :is :localpart "from" "boss" {
  addflag "\\Seen";
  addflag "$Boss";
  fileinto :copy "wt-sieve-Boss";
} elsif header :value "gt" :comparator "i;ascii-numeric" "x-priority" "3" {
  setflag "\\Answered";
} elsif header :matches "subject" "tag: *" {
  set "t" "${1}";
  addflag "${t}";
}
''',
    PREFIX + "diff2": r'''require ["fileinto", "mailbox", "imap4flags", "body"];
if body :text :contains "unsubscribe" {
  fileinto "wt-sieve-Lists";
  stop;
}
if exists "x-spam" {
  fileinto :create "wt-sieve-Nonexistent-Never";
}
if header :is "subject" "missing" {
  fileinto "wt-sieve-DoesNotExist";
}
keep;
'''
}

MESSAGES = [
    ("list", "From: a@example.org\r\nSubject: [list] weekly\r\n"),
    ("junk", "From: a@example.org\r\nSubject: buy junk now\r\n"),
    ("boss", "From: The Boss <boss@example.org>\r\nSubject: meeting\r\n"),
    ("prio", "From: a@example.org\r\nX-Priority: 5\r\nSubject: urgent\r\n"),
    ("tag", "From: a@example.org\r\nSubject: tag: Project7\r\n"),
    ("plain", "From: a@example.org\r\nSubject: hello\r\n"),
    ("body", "From: a@example.org\r\nSubject: newsletter\r\nContent-Type: text/plain\r\n", "click to unsubscribe\r\n"),
    ("missing", "From: a@example.org\r\nSubject: missing\r\n"),
]


def reachable(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=3).close()
        return True
    except OSError:
        return False


class Sieve:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=20)
        self.f = self.s.makefile("rb")
        self.response()

    def response(self):
        lines = []
        while True:
            l = self.f.readline()
            if not l:
                raise RuntimeError("connection closed")
            m = re.search(rb"\{(\d+)\+?\}\r\n$", l)
            if m:
                l += self.f.read(int(m.group(1)))
                l += self.f.readline()
            lines.append(l)
            if l.startswith((b"OK", b"NO", b"BYE")):
                if not l.startswith(b"OK"):
                    raise RuntimeError(b"".join(lines).decode(errors="replace"))
                return lines

    def cmd(self, text):
        self.s.sendall(text)
        return self.response()

    def login(self):
        ir = base64.b64encode(b"\0" + USER.encode() + b"\0" + PASSWORD.encode())
        self.cmd(b'AUTHENTICATE "PLAIN" "' + ir + b'"\r\n')

    def put(self, name, script):
        data = script.replace("\r\n", "\n").replace("\n", "\r\n").encode()
        self.cmd(b'PUTSCRIPT "%s" {%d+}\r\n' % (name.encode(), len(data)) + data + b"\r\n")

    def activate(self, name):
        self.cmd(b'SETACTIVE "%s"\r\n' % name.encode())

    def delete(self, name):
        try:
            self.cmd(b'DELETESCRIPT "%s"\r\n' % name.encode())
        except RuntimeError:
            pass

    def close(self):
        try:
            self.cmd(b"LOGOUT\r\n")
        except Exception:
            pass


def imap(port):
    m = imaplib.IMAP4("127.0.0.1", port)
    m.login(USER, PASSWORD)
    return m


def setup(imap_port):
    m = imap(imap_port)
    for f in FOLDERS:
        m.create(f)
    m.logout()


def cleanup(sieve_port, imap_port):
    s = Sieve(sieve_port)
    s.login()
    s.cmd(b'SETACTIVE ""\r\n')
    for name in SCRIPTS:
        s.delete(name)
    s.close()
    m = imap(imap_port)
    for f in FOLDERS + [PREFIX + "Nonexistent-Never", PREFIX + "DoesNotExist"]:
        m.delete(f)
    m.logout()


def where(imap_port, ids):
    """Message-ID -> sorted list of (folder, flags)."""
    m = imap(imap_port)
    found = {i: [] for i in ids}
    for folder in ["INBOX"] + FOLDERS:
        typ, _ = m.select(folder, readonly=True)
        if typ != "OK":
            continue
        for i in ids:
            typ, data = m.uid("SEARCH", None, "HEADER", "Message-ID", i)
            for uid in (data[0] or b"").split():
                typ, f = m.uid("FETCH", uid, "(FLAGS)")
                flags = re.search(rb"FLAGS \(([^)]*)\)", f[0]).group(1).decode().split()
                flags = sorted(x for x in flags if x != "\\Recent")
                found[i].append((folder, flags))
    m.logout()
    return {i: sorted(v) for i, v in found.items()}


def run(lmtp_port, sieve_port, imap_port, script, run_id):
    s = Sieve(sieve_port)
    s.login()
    s.put(script, SCRIPTS[script])
    s.activate(script)
    s.close()
    ids = []
    c = smtplib.LMTP("127.0.0.1", lmtp_port)
    for entry in MESSAGES:
        key, headers = entry[0], entry[1]
        body = entry[2] if len(entry) > 2 else "hello\r\n"
        mid = "<%s-%s-%s@example.org>" % (key, script, run_id)
        ids.append(mid)
        msg = headers + "Message-ID: %s\r\nTo: alice@localhost\r\n\r\n%s" % (mid, body)
        refused = c.sendmail("sender@example.org", ["alice"], msg.encode())
        assert refused == {}, refused
    c.quit()
    return where(imap_port, ids), ids


def main():
    ours = [int(x) for x in sys.argv[1:4]]
    ref = [int(x) for x in sys.argv[4:7]]
    for p in ref:
        if not reachable(p):
            print("SKIP: reference Cyrus not reachable on 127.0.0.1:%d" % p)
            return 0
    differ = 0
    for name, ports in (("ours", ours), ("cyrus", ref)):
        try:
            cleanup(ports[1], ports[2])
        except Exception:
            pass
        setup(ports[2])
    try:
        for script in SCRIPTS:
            run_id = uuid.uuid4().hex[:12]
            a, ids = run(*ours, script, run_id)
            b, _ = run(*ref, script, run_id)
            for i in ids:
                same = a[i] == b[i]
                differ += not same
                print("%s %-40s ours=%s cyrus=%s" % ("SAME" if same else "DIFF", i, a[i], b[i]))
    finally:
        for ports in (ours, ref):
            try:
                cleanup(ports[1], ports[2])
            except Exception as e:
                print("cleanup failed:", e)
    print("differences:", differ)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
