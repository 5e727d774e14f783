//! Access control lists: rights letters and bits, parsing and printing
//! Cyrus ACL strings, negative rights, and effective rights.

#[allow(clippy::module_inception)]
mod acl;
mod identity;
mod rights;

pub use acl::{
    Acl, AclEntry, AclError, AclMode, RightsPolicy, Role, DEFAULT_ACL,
    DEFAULT_IMPLICIT_OWNER_RIGHTS,
};
pub use identity::{Identity, User};
pub use rights::{BadRights, DeleteRight, Rights};
