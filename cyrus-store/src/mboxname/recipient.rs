//! LMTP recipients as mailbox names (Cyrus `mbname_from_recipient`,
//! `mbname_recipient`).

use super::error::NameError;
use super::mutf7;
use super::name::MailboxName;
use super::namespace::{Namespace, VirtDomains};

impl Namespace {
    /// The mailbox an LMTP recipient `local[+detail]@domain` names. The
    /// detail is UTF-8, converted to modified UTF-7 and split on the
    /// hierarchy separator (`alice+Archive/2024@x` → `user.alice.Archive.2024`).
    /// The domain is kept only with virtual domains and when it is not the
    /// default domain. An empty local part (`+shared-news@x`) names a
    /// shared mailbox, which Cyrus delivers to as the `postuser`.
    pub fn from_recipient(&self, recipient: &str) -> Result<MailboxName, NameError> {
        let fail = || NameError::NoInternalForm(recipient.to_string());
        let (local, domain) = match recipient.rfind('@') {
            Some(i) => {
                let d = &recipient[i + 1..];
                let keep = self.config().virtdomains != VirtDomains::Off
                    && Some(d) != self.config().default_domain.as_deref();
                (&recipient[..i], keep.then_some(d))
            }
            None => (recipient, None),
        };
        let (user, detail) = match local.find('+') {
            Some(i) => (&local[..i], Some(&local[i + 1..])),
            None => (local, None),
        };
        let boxes: Vec<String> = match detail {
            Some(d) => mutf7::encode(d)
                .split(self.separator())
                .map(str::to_string)
                .collect(),
            None => Vec::new(),
        };
        if boxes.iter().any(String::is_empty) {
            return Err(fail());
        }
        let refs: Vec<&str> = boxes.iter().map(String::as_str).collect();
        let localpart = (!user.is_empty()).then_some(user);
        MailboxName::from_parts(domain, localpart, &refs).map_err(|_| fail())
    }

    /// The LMTP address that delivers to `name` (Cyrus `mbname_recipient`):
    /// `local[+box/box]@domain`, shared mailboxes under `postuser`; `None`
    /// for `DELETED` names.
    pub fn recipient(
        &self,
        name: &MailboxName,
        postuser: &str,
        default_domain: &str,
    ) -> Option<String> {
        if name.is_deleted() {
            return None;
        }
        let mut out = name.localpart().unwrap_or(postuser).to_string();
        for (i, b) in name.boxes().iter().enumerate() {
            out.push(if i == 0 { '+' } else { self.separator() });
            out.push_str(b);
        }
        out.push('@');
        out.push_str(name.domain().unwrap_or(default_domain));
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::namespace::{NamespaceConfig, Viewer};
    use super::*;

    fn n(s: &str) -> MailboxName {
        MailboxName::from_internal(s).expect("name")
    }

    #[test]
    fn recipients() {
        let ns = Namespace::new(NamespaceConfig::default(), Viewer::User).expect("ns");
        assert_eq!(
            ns.from_recipient("alice@localhost").expect("r"),
            n("user.alice")
        );
        assert_eq!(
            ns.from_recipient("alice+Archive@localhost").expect("r"),
            n("user.alice.Archive")
        );
        assert_eq!(
            ns.from_recipient("bob+Work/Sub@localhost").expect("r"),
            n("user.bob.Work.Sub")
        );
        assert_eq!(
            ns.from_recipient("alice+Entwürfe@x").expect("r"),
            n("user.alice.Entw&APw-rfe")
        );
        assert_eq!(
            ns.from_recipient("+shared-news@localhost").expect("r"),
            n("shared-news")
        );
        assert!(ns.from_recipient("+@localhost").is_err());
        assert!(ns.from_recipient("a+x//y@h").is_err());
        assert_eq!(
            ns.recipient(&n("user.alice.Archive.2024"), "", "localhost")
                .as_deref(),
            Some("alice+Archive/2024@localhost")
        );
        assert_eq!(
            ns.recipient(&n("shared-news"), "", "h").as_deref(),
            Some("+shared-news@h")
        );
        let cfg = NamespaceConfig {
            virtdomains: VirtDomains::UserId,
            ..NamespaceConfig::default()
        };
        let vns = Namespace::new(cfg, Viewer::User).expect("ns");
        assert_eq!(
            vns.from_recipient("bob@ex.com").expect("r"),
            n("ex.com!user.bob")
        );
    }
}
