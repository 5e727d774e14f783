use super::value::Dlist;

/// Longest string Cyrus prints quoted; longer ones become literals
/// (`MAXQSTRING` in `lib/prot.c`).
const MAX_QSTRING: usize = 1024;

/// Cyrus `imparse_isnatom`: note that 0x1F (used as the hierarchy separator
/// in mailboxes.db keys) *is* allowed, everything below it is not.
fn is_atom(s: &[u8]) -> bool {
    !s.is_empty()
        && s.len() < 1024
        && s.iter().all(|&c| {
            !(c & 0x80 != 0
                || c < 0x1f
                || c == 0x7f
                || matches!(c, b' ' | b'{' | b'(' | b')' | b'"' | b'%' | b'*' | b'\\'))
        })
}

fn is_qchar(c: u8) -> bool {
    !(c & 0x80 != 0 || matches!(c, b'\r' | b'\n' | b'"' | b'%' | b'\\' | 0))
}

/// Appends `s` as Cyrus's `prot_printastring` (server side) would.
pub(crate) fn print_astring(out: &mut Vec<u8>, s: &[u8]) {
    if s.is_empty() {
        out.extend_from_slice(b"\"\"");
    } else if is_atom(s) && s != b"NIL" {
        out.extend_from_slice(s);
    } else if s.len() < MAX_QSTRING && s.iter().all(|&c| is_qchar(c)) {
        out.push(b'"');
        out.extend_from_slice(s);
        out.push(b'"');
    } else {
        out.extend_from_slice(format!("{{{}}}\r\n", s.len()).as_bytes());
        out.extend_from_slice(s);
    }
}

impl Dlist {
    /// Appends the printed form (without a top-level name) to `out`.
    pub fn print_to(&self, out: &mut Vec<u8>) {
        match self {
            Dlist::Nil => out.extend_from_slice(b"NIL"),
            Dlist::Atom(b) => print_astring(out, b),
            Dlist::Raw(s) => out.extend_from_slice(s.as_bytes()),
            Dlist::List(items) => {
                out.push(b'(');
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    it.print_to(out);
                }
                out.push(b')');
            }
            Dlist::KvList(items) => {
                out.extend_from_slice(b"%(");
                for (i, (k, v)) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    print_astring(out, k.as_bytes());
                    out.push(b' ');
                    v.print_to(out);
                }
                out.push(b')');
            }
            Dlist::File(f) => {
                out.extend_from_slice(b"%{");
                print_astring(out, f.partition.as_bytes());
                out.push(b' ');
                out.extend_from_slice(f.guid.to_hex().as_bytes());
                out.extend_from_slice(format!(" {}}}\r\n", f.data.len()).as_bytes());
                out.extend_from_slice(&f.data);
            }
        }
    }

    /// The printed form.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.print_to(&mut v);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_cyrus() {
        let d = Dlist::KvList(vec![
            ("T".into(), Dlist::atom("e")),
            ("N".into(), Dlist::atom(b"user\x1falice")),
            ("V".into(), Dlist::num(1795354277u64)),
            (
                "A".into(),
                Dlist::KvList(vec![("alice".into(), Dlist::atom("lrswipkxtecdan"))]),
            ),
            ("H".into(), Dlist::List(vec![])),
            ("X".into(), Dlist::atom("")),
            ("Y".into(), Dlist::atom("NIL")),
            ("Z".into(), Dlist::atom("a b")),
        ]);
        assert_eq!(
            d.to_bytes(),
            b"%(T e N user\x1falice V 1795354277 A %(alice lrswipkxtecdan) H () X \"\" Y \"NIL\" Z \"a b\")"
        );
    }

    #[test]
    fn non_qchar_becomes_literal() {
        let mut v = Vec::new();
        print_astring(&mut v, b"a\r\nb");
        assert_eq!(v, b"{4}\r\na\r\nb");
    }
}
