//! The extensions a client has turned on (RFC 5161 ENABLE, and the
//! implicit enabling of RFC 7162 §3.1): one typed set. Cyrus keeps the
//! same set (`client_capa`) for the whole connection.

/// An extension that changes what the server sends once enabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Extension {
    /// CONDSTORE (RFC 7162 §3.1): MODSEQ in untagged FETCH.
    CondStore,
    /// QRESYNC (RFC 7162 §3.2): VANISHED instead of EXPUNGE, UID in
    /// untagged FETCH; implies CONDSTORE.
    QResync,
}

impl Extension {
    fn bit(self) -> u8 {
        match self {
            Extension::CondStore => 1,
            Extension::QResync => 2,
        }
    }

    /// The name ENABLE takes and `* ENABLED` prints.
    pub fn name(self) -> &'static str {
        match self {
            Extension::CondStore => "CONDSTORE",
            Extension::QResync => "QRESYNC",
        }
    }

    /// The extension an ENABLE argument names, if we support it.
    pub fn from_name(name: &str) -> Option<Extension> {
        [Extension::CondStore, Extension::QResync]
            .into_iter()
            .find(|e| e.name().eq_ignore_ascii_case(name))
    }
}

/// The set of enabled extensions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Enabled(u8);

impl Enabled {
    /// Whether `e` is on.
    pub fn has(self, e: Extension) -> bool {
        self.0 & e.bit() != 0
    }

    /// Turns `e` on (QRESYNC brings CONDSTORE, RFC 7162 §3.2.3); returns
    /// the extensions that were not on before, in Cyrus's print order.
    pub fn enable(&mut self, e: Extension) -> Vec<Extension> {
        let wanted: &[Extension] = match e {
            Extension::CondStore => &[Extension::CondStore],
            Extension::QResync => &[Extension::CondStore, Extension::QResync],
        };
        let mut new = Vec::new();
        for &w in wanted {
            if !self.has(w) {
                self.0 |= w.bit();
                new.push(w);
            }
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qresync_implies_condstore() {
        let mut e = Enabled::default();
        assert!(!e.has(Extension::CondStore));
        assert_eq!(
            e.enable(Extension::QResync),
            vec![Extension::CondStore, Extension::QResync]
        );
        assert!(e.has(Extension::CondStore));
        assert!(e.enable(Extension::CondStore).is_empty());
        assert_eq!(Extension::from_name("qresync"), Some(Extension::QResync));
        assert_eq!(Extension::from_name("UTF8=ACCEPT"), None);
    }
}
