//! CREATE with RFC 4466 parameters, as RFC 6154 CREATE-SPECIAL-USE uses
//! them: `CREATE mailbox (USE (\Drafts …))`. A plain CREATE stays with
//! imap-codec.

use super::{ExtCommand, Parsed, Parser, SyntaxError};

/// `CREATE mailbox (USE (attrs))`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateCommand {
    /// Mailbox as sent.
    pub mailbox: String,
    /// The special-use attributes asked for, as sent (`\Drafts`).
    pub use_attrs: Vec<String>,
}

fn flag(p: &mut Parser<'_>) -> Parsed<String> {
    if !p.eat(b'\\') {
        return Err(SyntaxError("Invalid USE attribute"));
    }
    Ok(format!("\\{}", p.atom()?))
}

/// Claims CREATE when it has parameters.
pub(super) fn parse(name: &str, uid: bool, p: &mut Parser<'_>) -> Option<Parsed<ExtCommand>> {
    if uid || name != "CREATE" {
        return None;
    }
    let mut probe = p.clone();
    let has_params = probe.sp().is_ok() && probe.mailbox().is_ok() && probe.peek() == Some(b' ');
    if !has_params {
        return None;
    }
    Some((|| {
        p.sp()?;
        let mailbox = p.mailbox()?;
        p.sp()?;
        let mut use_attrs = Vec::new();
        p.list(|p| {
            if !p.keyword("USE") {
                return Err(SyntaxError("Invalid CREATE parameter"));
            }
            p.sp()?;
            use_attrs.extend(p.list(flag)?);
            Ok(())
        })?;
        Ok(ExtCommand::Create(CreateCommand { mailbox, use_attrs }))
    })())
}

#[cfg(test)]
mod tests {
    use super::super::decode;
    use super::*;

    #[test]
    fn parses_use() {
        assert!(decode(b"a CREATE foo\r\n").is_none());
        let m = decode(b"a CREATE Drafts (USE (\\Drafts))\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(
            m.command,
            ExtCommand::Create(CreateCommand {
                mailbox: "Drafts".into(),
                use_attrs: vec!["\\Drafts".into()],
            })
        );
        assert!(decode(b"a CREATE x (FOO 1)\r\n").unwrap().is_err());
    }
}
