/// Who is asking, for ACL matching (Cyrus `auth_state` and
/// `auth_memberof`). Implement it over a group source (unix groups,
/// ptloader, LDAP); [`User`] is the plain `auth_unix` case with a fixed
/// group list.
pub trait Identity {
    /// The authenticated user id (`anonymous` for anonymous sessions).
    fn userid(&self) -> Option<&str>;

    /// True if the ACL identifier `id` (without a leading `-`) applies.
    fn is_member_of(&self, id: &str) -> bool;
}

/// A user with a known list of groups, matched as `auth_unix` does:
/// `anyone` always, the exact user id, and `group:NAME` for each group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    userid: String,
    groups: Vec<String>,
}

impl User {
    /// A user in no groups.
    pub fn new(userid: &str) -> User {
        User {
            userid: userid.to_string(),
            groups: Vec::new(),
        }
    }

    /// The same user in `groups` (names without `group:`).
    pub fn with_groups(mut self, groups: Vec<String>) -> User {
        self.groups = groups;
        self
    }
}

impl Identity for User {
    fn userid(&self) -> Option<&str> {
        Some(&self.userid)
    }

    fn is_member_of(&self, id: &str) -> bool {
        id == "anyone"
            || id == self.userid
            || id
                .strip_prefix("group:")
                .is_some_and(|g| self.groups.iter().any(|x| x == g))
    }
}
