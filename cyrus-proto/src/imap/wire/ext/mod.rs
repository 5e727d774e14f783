//! Commands and arguments imap-codec does not know, one file per
//! extension, on one shared [`Parser`]. [`decode`] is tried before
//! imap-codec: an extension's `parse` claims a command (returns `Some`)
//! or leaves it to imap-codec (`None`).

mod acl;
mod append;
mod create;
mod fetch;
mod list;
mod metadata;
mod parser;
mod quota;
mod search;
mod searchres;
mod status;

pub use acl::AclCommand;
pub use append::{AppendCommand, AppendData, CatPart};
pub use create::CreateCommand;
pub use fetch::{FetchExt, FetchExtra};
pub use list::{ListCommand, StatusItem};
pub use metadata::{Depth, MetadataCommand};
#[allow(unused_imports)]
pub use parser::{is_astring_char, is_atom_char, Parsed, Parser, SeqArg, SyntaxError, MAX_DEPTH};
pub use quota::QuotaCommand;
pub use search::{
    ReturnOpts, SearchCommand, SearchKey, SeqNum, SetArg, SortBy, SortKey, ThreadAlgorithm,
};
pub use searchres::{substitute_saved, Substituted};
pub use status::StatusExt;

/// A command decoded here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtCommand {
    /// RFC 4314 ACL commands.
    Acl(AclCommand),
    /// RFC 9208 QUOTA commands.
    Quota(QuotaCommand),
    /// RFC 5464 METADATA commands.
    Metadata(MetadataCommand),
    /// RFC 5258 extended LIST.
    List(ListCommand),
    /// CREATE with parameters (RFC 6154 USE).
    Create(CreateCommand),
    /// SEARCH, SORT, THREAD (RFC 3501, 4731, 5182, 5256, 5267).
    Search(SearchCommand),
    /// FETCH with OBJECTID / SAVEDATE / PREVIEW items.
    Fetch(FetchExt),
    /// STATUS with MAILBOXID (RFC 8474).
    Status(StatusExt),
    /// APPEND with MULTIAPPEND, CATENATE and literal8.
    Append(AppendCommand),
}

impl ExtCommand {
    /// The command's name, for logs.
    pub fn name(&self) -> &'static str {
        match self {
            ExtCommand::Acl(a) => a.name(),
            ExtCommand::Quota(q) => q.name(),
            ExtCommand::Metadata(m) => m.name(),
            ExtCommand::List(_) => "LIST",
            ExtCommand::Create(_) => "CREATE",
            ExtCommand::Search(s) => s.name(),
            ExtCommand::Fetch(_) => "FETCH",
            ExtCommand::Status(_) => "STATUS",
            ExtCommand::Append(_) => "APPEND",
        }
    }

    /// Whether it addresses messages by sequence number (then untagged
    /// EXPUNGE must wait, RFC 3501 §7.4.1).
    pub fn by_sequence(&self) -> bool {
        match self {
            ExtCommand::Acl(_) => false,
            ExtCommand::Quota(_)
            | ExtCommand::Metadata(_)
            | ExtCommand::List(_)
            | ExtCommand::Create(_) => false,
            ExtCommand::Status(_) => false,
            ExtCommand::Search(s) => s.by_sequence(),
            ExtCommand::Fetch(_) => true,
            ExtCommand::Append(_) => false,
        }
    }

    /// Whether it delivers into a mailbox (a missing one is `[TRYCREATE]`).
    pub fn delivers(&self) -> bool {
        match self {
            ExtCommand::Acl(_) => false,
            ExtCommand::Quota(_)
            | ExtCommand::Metadata(_)
            | ExtCommand::List(_)
            | ExtCommand::Create(_)
            | ExtCommand::Search(_)
            | ExtCommand::Fetch(_)
            | ExtCommand::Status(_) => false,
            ExtCommand::Append(_) => true,
        }
    }
}

/// A decoded extension command with its tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtMessage {
    /// The command's tag.
    pub tag: String,
    /// Whether it came as `UID <command>`.
    pub uid: bool,
    /// The command.
    pub command: ExtCommand,
}

/// Why an extension command was refused: its tag and the syntax error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtRejection {
    /// The command's tag.
    pub tag: String,
    /// What was wrong.
    pub error: SyntaxError,
}

/// The parsers, tried in order after the command name (and `UID`) has
/// been read; each sees the parser positioned after the name.
type ExtParse = fn(&str, bool, &mut Parser<'_>) -> Option<Parsed<ExtCommand>>;

const PARSERS: &[ExtParse] = &[
    acl::parse,
    quota::parse,
    metadata::parse,
    list::parse,
    create::parse,
    search::parse,
    fetch::parse,
    status::parse,
    append::parse,
];

/// Decodes `msg` when an extension claims it; `None` leaves it to
/// imap-codec.
pub fn decode(msg: &[u8]) -> Option<Result<ExtMessage, ExtRejection>> {
    let mut p = Parser::new(msg);
    let tag = p.tag().ok()?;
    p.sp().ok()?;
    let mut name = p.atom().ok()?.to_ascii_uppercase();
    let uid = name == "UID";
    if uid {
        p.sp().ok()?;
        name = p.atom().ok()?.to_ascii_uppercase();
    }
    let start = p.clone();
    for parse in PARSERS {
        let mut q = start.clone();
        if let Some(r) = parse(&name, uid, &mut q) {
            return Some(
                r.and_then(|command| {
                    q.end()?;
                    Ok(ExtMessage {
                        tag: tag.clone(),
                        uid,
                        command,
                    })
                })
                .map_err(|error| ExtRejection { tag, error }),
            );
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_only_its_commands() {
        assert!(decode(b"a FETCH 1 FLAGS\r\n").is_none());
        let m = decode(b"a MYRIGHTS INBOX\r\n").unwrap().unwrap();
        assert_eq!(
            m.command,
            ExtCommand::Acl(AclCommand::MyRights("INBOX".into()))
        );
        let e = decode(b"b GETACL\r\n").unwrap().unwrap_err();
        assert_eq!(e.tag, "b");
        assert!(decode(b"c GETACL INBOX extra\r\n").unwrap().is_err());
    }
}
