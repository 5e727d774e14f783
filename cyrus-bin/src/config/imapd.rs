//! `imapd.conf`: `key: value` lines, `#` comments, `\` continuation,
//! `@include:` files, service-specific `<service>_<option>` overrides.
//! Follows Cyrus `lib/libconfig.c`: an empty value, a repeated option or a
//! value of the wrong kind is an error naming the file and line; an unknown
//! option is a warning.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use super::error::ConfigError;
use super::spec::{self, Kind, OptionSpec, OVERFLOW_PREFIXES};

/// Something suspicious but not fatal (an unknown option).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// What.
    pub message: String,
}

#[derive(Debug, Clone)]
struct Value {
    text: String,
}

/// A parsed `imapd.conf`.
#[derive(Debug, Clone, Default)]
pub struct ImapdConf {
    values: BTreeMap<String, Value>,
    service: Option<String>,
    warnings: Vec<Warning>,
}

/// Deepest `@include` nesting (Cyrus includes each file at most once).
const MAX_INCLUDE_DEPTH: usize = 16;

impl ImapdConf {
    /// An empty configuration (every option at its default).
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads and validates `path` and everything it includes.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let mut conf = ImapdConf::new();
        let mut seen = HashSet::new();
        conf.read_file(path, &mut seen, 0)?;
        Ok(conf)
    }

    /// Parses text as if it were the file `path` (includes are read from disk).
    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let mut conf = ImapdConf::new();
        let mut seen = HashSet::new();
        seen.insert(path.to_path_buf());
        conf.read_text(path, text, &mut seen, 0)?;
        Ok(conf)
    }

    /// Makes `<ident>_<option>` entries take precedence (Cyrus passes the
    /// service name from `cyrus.conf` as the ident).
    pub fn with_service(mut self, ident: &str) -> Self {
        self.service = Some(ident.to_ascii_lowercase());
        self
    }

    /// Unknown options and similar findings.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    fn read_file(
        &mut self,
        path: &Path,
        seen: &mut HashSet<PathBuf>,
        depth: usize,
    ) -> Result<(), ConfigError> {
        let text = fs::read(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        seen.insert(path.to_path_buf());
        let text = String::from_utf8_lossy(&text).into_owned();
        self.read_text(path, &text, seen, depth)
    }

    fn read_text(
        &mut self,
        path: &Path,
        text: &str,
        seen: &mut HashSet<PathBuf>,
        depth: usize,
    ) -> Result<(), ConfigError> {
        let err = |line: usize, what: String| ConfigError::Line {
            path: path.to_path_buf(),
            line,
            what,
        };
        let mut pending = String::new();
        let mut start_line = 0;
        for (i, raw) in text.lines().enumerate() {
            let lineno = i + 1;
            if pending.is_empty() {
                start_line = lineno;
            }
            // A trailing backslash joins the next line, with nothing inserted.
            if let Some(stripped) = raw.strip_suffix('\\') {
                pending.push_str(stripped);
                continue;
            }
            pending.push_str(raw);
            let line = std::mem::take(&mut pending);
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let (key, value) = trimmed
                .split_once(':')
                .ok_or_else(|| err(start_line, "expected 'option: value'".into()))?;
            let key_ok = {
                let k = key.strip_prefix('@').unwrap_or(key);
                !k.is_empty()
                    && k.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            };
            if !key_ok {
                return Err(err(start_line, format!("invalid option name {key:?}")));
            }
            let key = key.to_ascii_lowercase();
            let value = value.trim();
            if value.is_empty() {
                return Err(err(start_line, format!("empty value for {key}")));
            }
            if key == "@include" {
                if depth >= MAX_INCLUDE_DEPTH {
                    return Err(err(start_line, "includes nested too deeply".into()));
                }
                let inc = Path::new(value);
                let inc = if inc.is_relative() {
                    path.parent().unwrap_or(Path::new(".")).join(inc)
                } else {
                    inc.to_path_buf()
                };
                if seen.contains(&inc) {
                    self.warnings.push(Warning {
                        path: path.to_path_buf(),
                        line: start_line,
                        message: format!("{} already included, skipped", inc.display()),
                    });
                    continue;
                }
                self.read_file(&inc, seen, depth + 1)?;
                continue;
            }
            if key.starts_with('@') {
                return Err(err(start_line, format!("invalid directive {key}")));
            }
            if self.values.contains_key(&key) {
                return Err(err(
                    start_line,
                    format!("option '{key}' was specified twice"),
                ));
            }
            match Self::spec_for_key(&key) {
                Some(spec) => {
                    check_value(spec, value).map_err(|what| err(start_line, what))?;
                }
                None if OVERFLOW_PREFIXES.iter().any(|p| key.starts_with(p)) => {}
                None => self.warnings.push(Warning {
                    path: path.to_path_buf(),
                    line: start_line,
                    message: format!("unknown option '{key}'"),
                }),
            }
            self.values.insert(
                key,
                Value {
                    text: value.to_string(),
                },
            );
        }
        if !pending.is_empty() {
            return Err(err(start_line, "file ends inside a continued line".into()));
        }
        Ok(())
    }

    /// The spec that governs `key`: the option itself, or for a
    /// service-specific `<ident>_<option>` the option after the ident.
    fn spec_for_key(key: &str) -> Option<&'static OptionSpec> {
        if let Some(s) = OptionSpec::lookup(key) {
            return Some(s);
        }
        let mut rest = key;
        while let Some((_, tail)) = rest.split_once('_') {
            if let Some(s) = OptionSpec::lookup(tail) {
                return Some(s);
            }
            rest = tail;
        }
        None
    }

    /// Sets an option programmatically (validated like a file line).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        let key = key.to_ascii_lowercase();
        if let Some(spec) = Self::spec_for_key(&key) {
            check_value(spec, value).map_err(ConfigError::Invalid)?;
        }
        self.values.insert(
            key,
            Value {
                text: value.to_string(),
            },
        );
        Ok(())
    }

    /// The text set for `name` (service override first), without defaults.
    pub fn raw(&self, name: &str) -> Option<&str> {
        if let Some(svc) = &self.service {
            if let Some(v) = self.values.get(&format!("{svc}_{name}")) {
                return Some(&v.text);
            }
        }
        self.values.get(name).map(|v| v.text.as_str())
    }

    /// The text of `name`, or its default.
    pub fn string(&self, name: &str) -> Option<String> {
        self.raw(name).map(str::to_string).or_else(|| {
            OptionSpec::lookup(name)
                .and_then(|s| s.default)
                .map(str::to_string)
        })
    }

    /// A switch option (unknown or unset without default = off).
    pub fn switch(&self, name: &str) -> bool {
        self.string(name)
            .and_then(|v| spec::parse_switch(&v))
            .unwrap_or(false)
    }

    /// An integer option (unset without default = 0).
    pub fn int(&self, name: &str) -> i64 {
        self.string(name).and_then(|v| v.parse().ok()).unwrap_or(0)
    }

    /// A duration option in seconds; a bare number counts in `unit`
    /// (`d`, `h`, `m` or `s`, per option as Cyrus documents it).
    pub fn duration(&self, name: &str, unit: char) -> i64 {
        self.string(name)
            .and_then(|v| spec::parse_duration(&v, unit))
            .unwrap_or(0)
    }

    /// An enum option, normalised (`yes` → `on`).
    pub fn enum_value(&self, name: &str) -> String {
        let v = self.string(name).unwrap_or_default();
        normalise_enum(&v).to_string()
    }

    /// A bitfield option's words.
    pub fn bitfield(&self, name: &str) -> Vec<String> {
        self.string(name)
            .map(|v| v.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default()
    }

    /// Options whose names start with `prefix`, as (rest-of-name, value),
    /// e.g. `partition-` → (`default`, `/var/spool/cyrus`).
    pub fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.values
            .iter()
            .filter_map(move |(k, v)| k.strip_prefix(prefix).map(|rest| (rest, v.text.as_str())))
    }
}

fn normalise_enum(v: &str) -> &str {
    match v {
        "1" | "yes" | "t" | "true" => "on",
        "0" | "no" | "f" | "false" => "off",
        other => other,
    }
}

/// Checks `value` against the option's kind; the error text names the
/// option and the bad value.
fn check_value(spec: &OptionSpec, value: &str) -> Result<(), String> {
    let bad = || format!("invalid value '{value}' for {}", spec.name);
    match spec.kind {
        Kind::String => Ok(()),
        Kind::Switch => spec::parse_switch(value).map(|_| ()).ok_or_else(bad),
        Kind::Int => value.parse::<i64>().map(|_| ()).map_err(|_| bad()),
        Kind::Duration => spec::parse_duration(value, 's').map(|_| ()).ok_or_else(bad),
        Kind::Enum(allowed) => {
            let v = normalise_enum(value);
            allowed.contains(&v).then_some(()).ok_or_else(bad)
        }
        Kind::StringList(allowed) => allowed.contains(&value).then_some(()).ok_or_else(bad),
        Kind::Bitfield(allowed) => {
            let names: Vec<&str> = allowed.iter().flat_map(|a| a.split('=')).collect();
            value
                .split_whitespace()
                .all(|w| names.contains(&w))
                .then_some(())
                .ok_or_else(bad)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ImapdConf, ConfigError> {
        ImapdConf::parse(Path::new("/etc/imapd.conf"), text)
    }

    #[test]
    fn reads_values_comments_and_continuations() {
        let c = parse(
            "# comment\n\nconfigdirectory: /var/lib/cyrus\nadmins: cyrus \\\nroot\n  # indented comment\npartition-default: /var/spool/cyrus/mail\n",
        )
        .expect("parse");
        assert_eq!(c.raw("configdirectory"), Some("/var/lib/cyrus"));
        assert_eq!(c.raw("admins"), Some("cyrus root"));
        assert_eq!(
            c.with_prefix("partition-").collect::<Vec<_>>(),
            vec![("default", "/var/spool/cyrus/mail")]
        );
        assert!(c.warnings().is_empty());
    }

    #[test]
    fn defaults_and_types() {
        let c = parse("virtdomains: yes\ntimeout: 45\n").expect("parse");
        assert_eq!(c.enum_value("virtdomains"), "on");
        assert_eq!(c.enum_value("expunge_mode"), "delayed");
        assert!(c.switch("altnamespace"));
        assert_eq!(c.duration("timeout", 'm'), 45 * 60);
        assert_eq!(c.string("userprefix").as_deref(), Some("Other Users"));
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("admins: a\nexpunge_mode: sometimes\n").expect_err("bad enum");
        assert_eq!(
            e.to_string(),
            "/etc/imapd.conf:2: invalid value 'sometimes' for expunge_mode"
        );
        let e = parse("admins: a\nadmins: b\n").expect_err("dup");
        assert!(e
            .to_string()
            .contains(":2: option 'admins' was specified twice"));
        let e = parse("admins:\n").expect_err("empty");
        assert!(e.to_string().contains(":1: empty value"));
        let e = parse("altnamespace: maybe\n").expect_err("switch");
        assert!(e.to_string().contains(":1: invalid value 'maybe'"));
    }

    #[test]
    fn unknown_options_warn_and_service_overrides_apply() {
        let c = parse(
            "frobnicate: 1\nimap_admins: root\nadmins: cyrus\nsasl_pwcheck_method: saslauthd\n",
        )
        .expect("parse");
        assert_eq!(c.warnings().len(), 1);
        assert!(c.warnings()[0].message.contains("frobnicate"));
        assert_eq!(c.raw("admins"), Some("cyrus"));
        let c = c.with_service("imap");
        assert_eq!(c.raw("admins"), Some("root"));
    }

    #[test]
    fn seed_normal_conf_is_accepted_without_warnings() {
        let text = super::super::test_seeds::normal_imapd_conf();
        let c = parse(&text).expect("normal.conf parses");
        assert!(c.warnings().is_empty(), "{:?}", c.warnings());
        assert!(c.switch("hashimapspool"));
    }

    #[test]
    fn includes_are_read_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a.conf");
        let b = dir.path().join("b.conf");
        fs::write(&a, "@include: b.conf\nadmins: x\n@include: b.conf\n").expect("write");
        fs::write(&b, "servername: mail\n").expect("write");
        let c = ImapdConf::load(&a).expect("load");
        assert_eq!(c.raw("servername"), Some("mail"));
        assert_eq!(c.warnings().len(), 1);
    }
}
