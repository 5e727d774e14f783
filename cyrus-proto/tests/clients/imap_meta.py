"""ACL, QUOTA, METADATA, extended LIST, SPECIAL-USE and admin user
provisioning through Python's
imaplib against our server.

Usage: imap_meta.py HOST PORT. Exits non-zero (with a traceback) on the
first unexpected answer; prints "all good" at the end.
"""
import imaplib
import sys

host, port = sys.argv[1], int(sys.argv[2])
for verb in ("LISTRIGHTS", "GETMETADATA", "SETMETADATA"):
    imaplib.Commands[verb] = ("AUTH", "SELECTED")


def ok(res):
    typ, data = res
    assert typ == "OK", res
    return data


def caps(c):
    return ok(c.capability())[0].split()


alice = imaplib.IMAP4(host, port)
ok(alice.login("alice", "secret"))
have = caps(alice)
for cap in [b"ACL", b"RIGHTS=kxten", b"QUOTA", b"METADATA", b"LIST-EXTENDED",
            b"LIST-STATUS", b"LIST-MYRIGHTS", b"SPECIAL-USE",
            b"CREATE-SPECIAL-USE", b"STATUS=SIZE", b"LIST-METADATA"]:
    assert cap in have, (cap, have)

# ACL
ok(alice.create("Team"))
ok(alice.setacl("Team", "bob", "lrs"))
acl = ok(alice.getacl("Team"))
assert acl == [b"Team alice lrswipkxtecdan bob lrs"], acl
assert ok(alice.myrights("Team")) == [b"Team lrswipkxtecdan"]
typ, data = alice._simple_command("LISTRIGHTS", "Team", "bob")
assert typ == "OK", data
lr = alice.untagged_responses.pop("LISTRIGHTS")
assert lr == [b'Team bob "" l r s w i p k x t e c d a n 0 1 2 3 4 5 6 7 8 9'], lr
try:
    alice.setacl("Team", "bob", "lrq")
    raise AssertionError("SETACL with an unknown right succeeded")
except imaplib.IMAP4.error as e:
    assert "The q right is not supported" in str(e), e
ok(alice.deleteacl("Team", "bob"))
assert ok(alice.getacl("Team")) == [b"Team alice lrswipkxtecdan"]

bob = imaplib.IMAP4(host, port)
ok(bob.login("bob", "secret"))
typ, data = bob.myrights('"Other Users/alice/Team"')
assert typ == "NO", (typ, data)
ok(alice.setacl("Team", "bob", "lr"))
assert ok(bob.myrights('"Other Users/alice/Team"')) == [b'"Other Users/alice/Team" lr']

# QUOTA: set by the admin, seen by the owner.
admin = imaplib.IMAP4(host, port)
ok(admin.login("cyrus", "secret"))
ok(admin.setquota("user/alice", "(STORAGE 100 MESSAGE 5)"))
q = ok(admin.getquota("user/alice"))
assert q == [b"user/alice (STORAGE 0 100 MESSAGE 0 5)"], q
typ, data = alice.getquotaroot("INBOX")
assert typ == "OK", data
assert data == [[b"INBOX INBOX"], [b"INBOX (STORAGE 0 100 MESSAGE 0 5)"]], data
typ, data = alice.setquota("user/alice", "(STORAGE 1)")
assert typ == "NO", data

# METADATA (imaplib has no verb for it: send the command as is).
typ, data = alice._simple_command("SETMETADATA", "Team",
                                  '(/shared/comment "team mailbox")')
assert typ == "OK", data
typ, data = alice._simple_command("GETMETADATA", "Team", "/shared/comment")
assert typ == "OK", data
md = alice.untagged_responses.pop("METADATA")
assert md == [b'Team ("/shared/comment" "team mailbox")'], md

# SPECIAL-USE and the extended LIST.
typ, data = alice._simple_command("CREATE", "Junk", "(USE (\\Junk))")
assert typ == "OK", data
lines = ok(alice.list())
assert b'(\\HasNoChildren \\Junk) "/" Junk' in lines, lines
typ, data = alice._simple_command("LIST", "(SPECIAL-USE)", '""', '"*"')
assert typ == "OK", data
lines = alice.untagged_responses.pop("LIST")
assert lines == [b'(\\HasNoChildren \\Junk) "/" Junk'], lines
typ, data = alice._simple_command("LIST", '""', "INBOX", "RETURN",
                                  "(STATUS (MESSAGES SIZE))")
assert typ == "OK", data
st = alice.untagged_responses.pop("STATUS")
assert st == [b"INBOX (MESSAGES 0 SIZE 0)"], st
typ, data = alice.status("INBOX", "(SIZE)")
assert data == [b"INBOX (SIZE 0)"], data

# The admin provisions and removes a user, as cyradm's cm/sam/dm do.
data = ok(admin.create("user/carol"))
assert data[0].startswith(b"[MAILBOXID ("), data
ok(admin.create("user/carol/Work"))
typ, data = admin.delete("user/carol")
assert typ == "NO" and b"Permission denied" in data[0], (typ, data)
ok(admin.setacl("user/carol", "cyrus", "x"))
ok(admin.delete("user/carol"))
typ, data = admin.list('""', "user/carol*")
assert data == [None], data
# Nobody deletes their own INBOX; a folder with children stays.
typ, data = alice.delete("INBOX")
assert typ == "NO" and b"not supported" in data[0], (typ, data)
ok(alice.create("Parent/Child"))
typ, data = alice.delete("Parent")
assert typ == "NO" and b"[HASCHILDREN]" in data[0], (typ, data)

for c in (alice, bob, admin):
    c.logout()
print("all good")
