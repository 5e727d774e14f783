//! `cyrus.conf`: master's START, SERVICES, EVENTS and DAEMON sections
//! (Cyrus `master/masterconf.c`). Each entry is `name key=value …` on one
//! line; values may be double-quoted; `#` starts a comment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::error::ConfigError;

/// A section of `cyrus.conf`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// Run to completion before services start.
    Start,
    /// Listening services.
    Services,
    /// Periodic or timed commands.
    Events,
    /// Long-running daemons master starts and stops.
    Daemon,
}

impl Section {
    fn from_name(s: &str) -> Option<Section> {
        match s.to_ascii_uppercase().as_str() {
            "START" => Some(Section::Start),
            "SERVICES" => Some(Section::Services),
            "EVENTS" => Some(Section::Events),
            "DAEMON" => Some(Section::Daemon),
            _ => None,
        }
    }
}

/// One entry line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The entry's name (alphanumeric).
    pub name: String,
    /// Line number in the file.
    pub line: usize,
    args: BTreeMap<String, String>,
}

impl Entry {
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.args.get(key).map(String::as_str)
    }

    /// `cmd` split into words (double quotes group words).
    pub fn argv(&self) -> Vec<String> {
        split_words(self.get("cmd").unwrap_or(""))
    }
}

/// A parsed `cyrus.conf`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CyrusConf {
    /// START entries, in file order.
    pub start: Vec<Entry>,
    /// SERVICES entries.
    pub services: Vec<Entry>,
    /// EVENTS entries.
    pub events: Vec<Entry>,
    /// DAEMON entries.
    pub daemon: Vec<Entry>,
    /// The file.
    pub path: PathBuf,
}

fn split_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_q = false;
    let mut have = false;
    for c in s.chars() {
        match c {
            '"' => {
                in_q = !in_q;
                have = true;
            }
            c if c.is_whitespace() && !in_q => {
                if have {
                    out.push(std::mem::take(&mut cur));
                    have = false;
                }
            }
            c => {
                cur.push(c);
                have = true;
            }
        }
    }
    if have {
        out.push(cur);
    }
    out
}

impl CyrusConf {
    /// Reads `path`.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &text)
    }

    /// Parses text as the file `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let err = |line: usize, what: String| ConfigError::Line {
            path: path.to_path_buf(),
            line,
            what,
        };
        let mut conf = CyrusConf {
            path: path.to_path_buf(),
            ..CyrusConf::default()
        };
        let mut section: Option<Section> = None;
        for (i, raw) in text.lines().enumerate() {
            let lineno = i + 1;
            let line = strip_comment(raw);
            let mut rest = line.trim();
            if rest.is_empty() {
                continue;
            }
            if section.is_none() {
                let (name, tail) = rest
                    .split_once('{')
                    .ok_or_else(|| err(lineno, format!("expected a section, got {rest:?}")))?;
                let s = Section::from_name(name.trim())
                    .ok_or_else(|| err(lineno, format!("unknown section {:?}", name.trim())))?;
                section = Some(s);
                rest = tail.trim();
                if rest.is_empty() {
                    continue;
                }
            }
            let mut close = false;
            if let Some(body) = rest.strip_suffix('}') {
                rest = body.trim();
                close = true;
            }
            if !rest.is_empty() {
                let entry = parse_entry(rest).map_err(|w| err(lineno, w))?;
                let entry = Entry {
                    line: lineno,
                    ..entry
                };
                let all = [&conf.start, &conf.services, &conf.events, &conf.daemon];
                if all.iter().any(|v| v.iter().any(|e| e.name == entry.name)) {
                    return Err(err(
                        lineno,
                        format!("duplicate entry name {:?}", entry.name),
                    ));
                }
                let list = match section {
                    Some(Section::Start) => &mut conf.start,
                    Some(Section::Services) => &mut conf.services,
                    Some(Section::Events) => &mut conf.events,
                    Some(Section::Daemon) | None => &mut conf.daemon,
                };
                list.push(entry);
            }
            if close {
                section = None;
            }
        }
        if section.is_some() {
            return Err(err(text.lines().count(), "unclosed section".into()));
        }
        Ok(conf)
    }
}

/// Drops a `#` comment that is not inside double quotes.
fn strip_comment(line: &str) -> &str {
    let mut in_q = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_q = !in_q,
            '#' if !in_q => return &line[..i],
            _ => {}
        }
    }
    line
}

fn parse_entry(s: &str) -> Result<Entry, String> {
    let name_end = s.find(char::is_whitespace).unwrap_or(s.len());
    let name = &s[..name_end];
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!("entry name {name:?} must be alphanumeric"));
    }
    let mut args = BTreeMap::new();
    let mut rest = s[name_end..].trim_start();
    while !rest.is_empty() {
        let eq = rest
            .find('=')
            .ok_or_else(|| format!("expected key=value in {rest:?}"))?;
        let key = rest[..eq].trim().to_ascii_lowercase();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("bad key {key:?}"));
        }
        rest = &rest[eq + 1..];
        let (value, tail) = if let Some(q) = rest.strip_prefix('"') {
            let end = q
                .find('"')
                .ok_or_else(|| format!("unterminated string for {key}"))?;
            (&q[..end], &q[end + 1..])
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            (&rest[..end], &rest[end..])
        };
        if args.insert(key.clone(), value.to_string()).is_some() {
            return Err(format!("{key} given twice"));
        }
        rest = tail.trim_start();
    }
    Ok(Entry {
        name: name.to_string(),
        line: 0,
        args,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_install_guide_sample() {
        let text = super::super::test_seeds::normal_cyrus_conf();
        let c = CyrusConf::parse(Path::new("cyrus.conf"), &text).expect("sample parses");
        assert_eq!(c.start.len(), 1);
        assert_eq!(c.start[0].argv(), vec!["ctl_cyrusdb", "-r"]);
        let names: Vec<&str> = c.services.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            ["imap", "imaps", "pop3", "pop3s", "sieve", "http", "https", "lmtpunix"]
        );
        assert_eq!(c.services[1].argv(), vec!["imapd", "-s"]);
        assert_eq!(c.services[7].get("listen"), Some("/run/cyrus/socket/lmtp"));
        assert_eq!(c.events.len(), 5);
        assert_eq!(c.events[1].get("at"), Some("0400"));
        assert!(c.daemon.is_empty());
    }

    #[test]
    fn one_line_sections_and_errors() {
        let c = CyrusConf::parse(
            Path::new("c"),
            "SERVICES { imap cmd=\"imapd -C /x # not a comment\" listen=127.0.0.1:1143 }\n",
        )
        .expect("parse");
        assert_eq!(
            c.services[0].argv(),
            vec!["imapd", "-C", "/x", "#", "not", "a", "comment"]
        );
        assert_eq!(c.services[0].get("listen"), Some("127.0.0.1:1143"));
        let e = CyrusConf::parse(Path::new("c"), "SERVICES {\n im-ap cmd=x\n}\n")
            .expect_err("bad name");
        assert!(e.to_string().starts_with("c:2:"));
        let e = CyrusConf::parse(Path::new("c"), "SERVICES {\n a cmd=x\n a cmd=y\n}\n")
            .expect_err("dup");
        assert!(e.to_string().contains("duplicate"));
        assert!(CyrusConf::parse(Path::new("c"), "SERVICES {\n").is_err());
    }
}
