//! RFC 9208 QUOTA commands as Cyrus 3.6 reads them: GETQUOTA,
//! GETQUOTAROOT, and SETQUOTA with limits that may be `-1` (unlimited,
//! Cyrus bug #3559).

use super::{ExtCommand, Parsed, Parser, SyntaxError};

/// A QUOTA command; names are as the client sent them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuotaCommand {
    /// `GETQUOTA root`.
    Get(String),
    /// `GETQUOTAROOT mailbox`.
    GetRoot(String),
    /// `SETQUOTA root (resource limit …)`; resource names unchecked.
    Set {
        /// The quota root.
        root: String,
        /// `(resource, limit)`; a limit of -1 means unlimited.
        limits: Vec<(String, i64)>,
    },
}

impl QuotaCommand {
    /// The command's name.
    pub fn name(&self) -> &'static str {
        match self {
            QuotaCommand::Get(_) => "GETQUOTA",
            QuotaCommand::GetRoot(_) => "GETQUOTAROOT",
            QuotaCommand::Set { .. } => "SETQUOTA",
        }
    }
}

/// A signed 32-bit limit, `-1` or more.
fn limit(p: &mut Parser<'_>) -> Parsed<i64> {
    let neg = p.eat(b'-');
    let n = i64::from(p.number().map_err(|_| SyntaxError(BAD_LIST))?);
    let v = if neg { -n } else { n };
    if v < -1 || v > i64::from(i32::MAX) {
        return Err(SyntaxError(BAD_LIST));
    }
    Ok(v)
}

const BAD_LIST: &str = "Invalid quota list in Setquota";

/// Claims the QUOTA commands.
pub(super) fn parse(name: &str, uid: bool, p: &mut Parser<'_>) -> Option<Parsed<ExtCommand>> {
    if uid || !matches!(name, "GETQUOTA" | "GETQUOTAROOT" | "SETQUOTA") {
        return None;
    }
    let name = name.to_string();
    Some((|| {
        p.sp()?;
        let arg = p.mailbox()?;
        let c = match name.as_str() {
            "GETQUOTA" => QuotaCommand::Get(arg),
            "GETQUOTAROOT" => QuotaCommand::GetRoot(arg),
            _ => {
                p.sp()?;
                let limits = p
                    .list(|p| {
                        let r = p.atom()?.to_string();
                        p.sp()?;
                        Ok((r, limit(p)?))
                    })
                    .map_err(|_| SyntaxError(BAD_LIST))?;
                QuotaCommand::Set { root: arg, limits }
            }
        };
        Ok(ExtCommand::Quota(c))
    })())
}

#[cfg(test)]
mod tests {
    use super::super::decode;
    use super::*;

    #[test]
    fn parses_setquota() {
        let m = decode(b"a SETQUOTA user/bob (STORAGE 10 message -1)\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(
            m.command,
            ExtCommand::Quota(QuotaCommand::Set {
                root: "user/bob".into(),
                limits: vec![("STORAGE".into(), 10), ("message".into(), -1)],
            })
        );
        let e = decode(b"a SETQUOTA x (STORAGE -2)\r\n")
            .unwrap()
            .unwrap_err();
        assert_eq!(e.error.0, BAD_LIST);
        assert!(decode(b"a GETQUOTAROOT INBOX\r\n").unwrap().is_ok());
    }
}
