//! Shared plumbing of the `cyr_*` command-line tools: loading the
//! configuration named by `-C`, opening the site, and the tools' own
//! logic, one file each, so the binaries in `src/bin/` stay thin and the
//! logic is testable.
//!
//! | binary | Cyrus tool | file |
//! |---|---|---|
//! | `cyr_mkimap` | `tools/mkimap` | `mkimap.rs` |
//! | `cyr_dbtool` | `cyr_dbtool` | `dbtool.rs` |
//! | `cyr_expire` | `cyr_expire` | `expire.rs` |
//! | `cyr_ctl_cyrusdb` | `ctl_cyrusdb -r/-c` | `ctl_cyrusdb.rs` |
//! | `cyr_mbexamine` | `mbexamine` | `mbexamine.rs` |
//! | `cyr_mboxlist` | `ctl_mboxlist -d/-u` | `mboxlist.rs` |
//! | `cyr_mbpath` | `mbpath` | `mbpath.rs` |
//! | `cyr_quota` | `quota` | `quota.rs` |
//! | `cyr_deliver`, `cyr_ctl_deliver` | `deliver` + `lmtpd`, `ctl_deliver -d` | `deliver.rs` |
//! | `cyr_passwd` | `saslpasswd2` | `passwd.rs` |
//! | `cyr_reconstruct` | `reconstruct` | `reconstruct.rs` |
//! | `cyr_sievec` | `sievec` | `sievec.rs` |
//!
//! Mailbox names on the command line are in the admin namespace
//! (`site.rs`), as Cyrus's tools take them.

mod common;
mod ctl_cyrusdb;
mod dbtool;
mod deliver;
mod expire;
mod mbexamine;
mod mboxlist;
mod mbpath;
mod mkimap;
mod passwd;
mod quota;
mod reconstruct;
mod sievec;
mod site;

pub use common::{load_config, ToolError, DEFAULT_CONFIG};
pub use ctl_cyrusdb::{ctl_cyrusdb, CyrusDbAction, CyrusDbOutcome};
pub use dbtool::{dbtool, DbAction, DbOutcome};
pub use deliver::{check_headers, deliver, deliver_dump, to_crlf, DeliverRequest, Delivered};
pub use expire::{expire, ExpireOutput, ExpireRequest};
pub use mbexamine::{mbexamine, ExamineMode};
pub use mboxlist::{mboxlist_dump, mboxlist_undump};
pub use mbpath::{mbpath, mbpath_target, MailboxPaths, PathKind};
pub use mkimap::mkimap;
pub use passwd::{passwd, PasswdAction};
pub use quota::{quota_tool, QuotaOutput, QuotaRequest};
pub use reconstruct::{reconstruct, ReconstructRequest, ReconstructSummary};
pub use sievec::{sievec, SievecError};
pub use site::{admin_name, db_path, external_name, now, open_store, resolve_mailboxes};
