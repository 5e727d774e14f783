//! What the interpreter asks of its caller: the [`Host`] callbacks (the
//! only way it learns about mailboxes, duplicates and included scripts)
//! and the [`EvalOptions`] (user, current time, limits).

use super::action::DuplicateId;
use super::date::DateTime;
use super::ir::IncludeLocation;
use super::Script;

/// Callbacks into the delivery agent. All have conservative defaults.
pub trait Host {
    /// Whether `mailbox` exists and may be filed into (RFC 5490 §3.1).
    fn mailbox_exists(&self, _mailbox: &str) -> bool {
        false
    }
    /// Whether `mailbox` (or, with `None`, any mailbox) has all `uses`
    /// (RFC 8579 §4).
    fn special_use_exists(&self, _mailbox: Option<&str>, _uses: &[String]) -> bool {
        false
    }
    /// Whether a mailbox with this id exists (RFC 9042 §3.2).
    fn mailbox_id_exists(&self, _id: &str) -> bool {
        false
    }
    /// Whether `id` was already recorded and has not expired (RFC 7352).
    fn duplicate_seen(&self, _id: &DuplicateId) -> bool {
        false
    }
    /// Loads and compiles an included script; `Ok(None)` if it does not
    /// exist (RFC 6609).
    fn include(&self, _location: IncludeLocation, _name: &str) -> Result<Option<Script>, String> {
        Ok(None)
    }
    /// Value of an `environment` item (RFC 5183), beyond the built-ins.
    fn environment(&self, _name: &str) -> Option<String> {
        None
    }
    /// A mailbox annotation (`mailbox = Some`) or server annotation
    /// (`None`), e.g. `/private/comment` (RFC 5490 §3–4).
    fn metadata(&self, _mailbox: Option<&str>, _name: &str) -> Option<String> {
        None
    }
    /// Members of an external list such as `:addrbook:default`
    /// (RFC 6134); `None` if the list does not exist.
    fn ext_list_members(&self, _list: &str) -> Option<Vec<String>> {
        None
    }
    /// Whether `value` is in the external list (RFC 6134 §2.2); by
    /// default a case-insensitive look-up in [`Host::ext_list_members`].
    fn ext_list_contains(&self, list: &str, value: &str) -> bool {
        self.ext_list_members(list)
            .is_some_and(|m| m.iter().any(|x| x.eq_ignore_ascii_case(value)))
    }
    /// Loop protection: whether redirecting to `address` would loop
    /// (for instance the message already carries our own trace header
    /// for it). A looping redirect is a runtime error.
    fn redirect_loops(&self, _address: &str) -> bool {
        false
    }
}

/// A host that knows nothing (every lookup fails).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoHost;

impl Host for NoHost {}

/// Per-run parameters.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// The script owner (userid).
    pub user: String,
    /// The user's own addresses (for vacation's "is this for me").
    pub user_addresses: Vec<String>,
    /// Current time (for `currentdate` and the date tests' local zone).
    pub now: DateTime,
    /// Most `redirect` actions per run (Cyrus `sieve_maxredirects`...
    /// default 5 here).
    pub max_redirects: usize,
    /// Most actions per run.
    pub max_actions: usize,
    /// Deepest `include` nesting.
    pub max_include_depth: usize,
    /// Most commands executed (guards against pathological scripts).
    pub max_steps: usize,
    /// Vacation interval bounds in seconds (3 days and 90 days in Cyrus).
    pub vacation_min_seconds: u64,
    /// Upper bound of the vacation interval.
    pub vacation_max_seconds: u64,
    /// Default vacation interval (7 days, RFC 5230 §4.1).
    pub vacation_default_seconds: u64,
    /// Longest duplicate tracking period (90 days in Cyrus).
    pub duplicate_max_seconds: u64,
    /// Server name reported by `environment "host"`/`"domain"`.
    pub host_name: String,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            user: String::new(),
            user_addresses: Vec::new(),
            now: DateTime {
                unix: 0,
                offset_minutes: 0,
            },
            max_redirects: 5,
            max_actions: 64,
            max_include_depth: 5,
            max_steps: 100_000,
            vacation_min_seconds: 3 * 86_400,
            vacation_max_seconds: 90 * 86_400,
            vacation_default_seconds: 7 * 86_400,
            duplicate_max_seconds: 90 * 86_400,
            host_name: "localhost".into(),
        }
    }
}
