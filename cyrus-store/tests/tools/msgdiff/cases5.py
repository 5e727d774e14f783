from cases import m
def subj(cs, enc, text):
    return "=?%s?%s?%s?=" % (cs, enc, text)
CASES5 = [
("cs-win1252-undef", m("Subject: " + subj("windows-1252", "Q", "=81=8D=8F=90=9D=80=9F"), "From: " + subj("iso-8859-1", "Q", "=81=FF") + " <a@b>")),
("cs-sjis-bad", m("Subject: " + subj("shift_jis", "Q", "=82=A0=82=FF=FF=80a"))),
("cs-euckr-bad", m("Subject: " + subj("euc-kr", "Q", "=B0=A1=B0=FFa=C9"))),
("cs-gb18030", m("Subject: " + subj("gb18030", "Q", "=81=30=81=30=81=30a=FF"))),
("cs-iso2022jp", m("Subject: " + subj("iso-2022-jp", "Q", "=1B$B$3$s=1B(Bx=1B$Bzz"))),
("cs-utf8-bad", m("Subject: " + subj("utf-8", "Q", "=C3=28=E2=82=ED=A0=80=F0=9F=98=80=F4=90=80=80=C0=AF=ED=BF=BF=EF=BF=BE"))),
("cs-utf7", m("Subject: " + subj("utf-7", "Q", "Hi_Mom_-+Jjo--!_+ZeVnLIqe-"))),
("cs-utf16", m("Subject: " + subj("utf-16", "B", "//5oAGkA") + " " + subj("utf-16be", "B", "AGgAaQ==") + " " + subj("utf-16le", "B", "aABpAAA="))),
("cs-koi8u", m("Subject: " + subj("koi8-u", "Q", "=A4=A6=A7=AD=B4=B6=B7=BD"))),
("cs-big5", m("Subject: " + subj("big5", "Q", "=A4=A4=87=40=FE=FEa=A1"))),
("cs-mac", m("Subject: " + subj("macintosh", "Q", "=80=DB=F0=FF"))),
("cs-latin2", m("Subject: " + subj("iso-8859-2", "Q", "=A1=B1=FF"), "To: " + subj("iso-8859-7", "Q", "=AE=D2=FF") + " <g@r>, " + subj("iso-8859-8", "Q", "=BF=E0=FB") + " <h@e>")),
("cs-win1251", m("Subject: " + subj("windows-1251", "Q", "=98=C0=FF"), "Cc: " + subj("windows-874", "Q", "=80=DB=A1") + " <t@h>")),
("cs-split-b64", m("Subject: " + subj("utf-8", "B", "w") + " " + subj("utf-8", "B", "6k=") + " " + subj("utf-8", "B", "4oKs") + "x")),
("name-quoting", m("From: a.b <a@b>, \"a b\" <c@d>, \"a\\\\b\" <e@f>, tab\there <g@h>, \"x(y)\" <i@j>, \"\" <k@l>, =?utf-8?q?=22q=22?= <m@n>")),
]
