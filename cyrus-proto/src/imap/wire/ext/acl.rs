//! RFC 4314 ACL commands: SETACL, DELETEACL, GETACL, LISTRIGHTS,
//! MYRIGHTS.

use super::{ExtCommand, Parsed, Parser, SyntaxError};

/// One ACL command; mailbox names are as the client sent them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AclCommand {
    /// `SETACL mailbox identifier rights` (rights may start with `+`/`-`).
    SetAcl {
        /// Mailbox.
        mailbox: String,
        /// Who.
        identifier: String,
        /// The rights text.
        rights: String,
    },
    /// `DELETEACL mailbox identifier`.
    DeleteAcl {
        /// Mailbox.
        mailbox: String,
        /// Who.
        identifier: String,
    },
    /// `GETACL mailbox`.
    GetAcl(String),
    /// `LISTRIGHTS mailbox identifier`.
    ListRights {
        /// Mailbox.
        mailbox: String,
        /// Who.
        identifier: String,
    },
    /// `MYRIGHTS mailbox`.
    MyRights(String),
}

impl AclCommand {
    /// The command's name.
    pub fn name(&self) -> &'static str {
        match self {
            AclCommand::SetAcl { .. } => "SETACL",
            AclCommand::DeleteAcl { .. } => "DELETEACL",
            AclCommand::GetAcl(_) => "GETACL",
            AclCommand::ListRights { .. } => "LISTRIGHTS",
            AclCommand::MyRights(_) => "MYRIGHTS",
        }
    }
}

fn text(p: &mut Parser<'_>) -> Parsed<String> {
    String::from_utf8(p.astring()?).map_err(|_| SyntaxError("Invalid identifier"))
}

/// Claims the ACL commands.
pub(super) fn parse(name: &str, uid: bool, p: &mut Parser<'_>) -> Option<Parsed<ExtCommand>> {
    if uid {
        return None;
    }
    let cmd = match name {
        "SETACL" | "DELETEACL" | "GETACL" | "LISTRIGHTS" | "MYRIGHTS" => name,
        _ => return None,
    };
    Some((|| {
        p.sp()?;
        let mailbox = p.mailbox()?;
        let c = match cmd {
            "SETACL" => {
                p.sp()?;
                let identifier = text(p)?;
                p.sp()?;
                let rights = text(p)?;
                AclCommand::SetAcl {
                    mailbox,
                    identifier,
                    rights,
                }
            }
            "DELETEACL" => {
                p.sp()?;
                AclCommand::DeleteAcl {
                    mailbox,
                    identifier: text(p)?,
                }
            }
            "LISTRIGHTS" => {
                p.sp()?;
                AclCommand::ListRights {
                    mailbox,
                    identifier: text(p)?,
                }
            }
            "GETACL" => AclCommand::GetAcl(mailbox),
            _ => AclCommand::MyRights(mailbox),
        };
        Ok(ExtCommand::Acl(c))
    })())
}
