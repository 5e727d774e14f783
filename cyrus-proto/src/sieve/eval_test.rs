//! Evaluation of tests against the message, the host and the variables.

use super::action::{Action, DuplicateId};
use super::address::{self, Address};
use super::date::{self, DateTime};
use super::error::RuntimeError;
use super::flags;
use super::interp::Interp;
use super::ir::{
    AddressPart, BodyTransform, DuplicateKey, Index, Match, MatchKind, Program, Test, Zone,
};
use super::matching::{self, MatchResult};
use super::mime::decode_header;
use super::variables::Frame;

impl Interp<'_> {
    /// Header values of `name` (decoded, trimmed), after `:index`.
    pub(crate) fn header_values(&self, name: &str, index: Option<Index>) -> Vec<String> {
        let all: Vec<String> = self
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| decode_header(&h.value).trim().to_string())
            .collect();
        pick(all, index)
    }

    fn matched(
        &self,
        p: &Program,
        frame: &mut Frame,
        m: Match,
        values: &[String],
        keys: &[String],
    ) -> Result<bool, RuntimeError> {
        let keys = self.ex_list(p, frame, keys);
        if m.kind == MatchKind::List {
            // RFC 6134 §2.2: true if any value is in any named list.
            return Ok(values
                .iter()
                .any(|v| keys.iter().any(|l| self.host.ext_list_contains(l, v))));
        }
        let MatchResult { matched, captures } =
            matching::match_values(m, values, &keys).map_err(RuntimeError::new)?;
        if let (true, Some(c)) = (matched, captures) {
            if p.variables {
                frame.captures = c;
            }
        }
        Ok(matched)
    }

    /// Evaluates a test.
    pub(crate) fn test(
        &mut self,
        p: &Program,
        t: &Test,
        frame: &mut Frame,
    ) -> Result<bool, RuntimeError> {
        Ok(match t {
            Test::True => true,
            Test::False => false,
            Test::Not(t) => !self.test(p, t, frame)?,
            Test::AllOf(ts) => {
                for t in ts {
                    if !self.test(p, t, frame)? {
                        return Ok(false);
                    }
                }
                true
            }
            Test::AnyOf(ts) => {
                for t in ts {
                    if self.test(p, t, frame)? {
                        return Ok(true);
                    }
                }
                false
            }
            Test::Exists(names) => self
                .ex_list(p, frame, names)
                .iter()
                .all(|n| self.headers.iter().any(|h| h.name.eq_ignore_ascii_case(n))),
            Test::Size { over, limit } => {
                let s = self.msg.size();
                if *over {
                    s > *limit
                } else {
                    s < *limit
                }
            }
            Test::Header {
                m,
                names,
                keys,
                index,
                ..
            } => {
                let mut values = Vec::new();
                for n in self.ex_list(p, frame, names) {
                    values.extend(self.header_values(&n, *index));
                }
                self.matched(p, frame, *m, &values, keys)?
            }
            Test::Address {
                m,
                part,
                names,
                keys,
                index,
            } => {
                let mut addrs: Vec<Address> = Vec::new();
                for n in self.ex_list(p, frame, names) {
                    for v in self.header_values(&n, *index) {
                        addrs.extend(address::parse_list(&v));
                    }
                }
                let values = parts(&addrs, *part);
                self.matched(p, frame, *m, &values, keys)?
            }
            Test::Envelope {
                m,
                part,
                names,
                keys,
            } => {
                let mut values = Vec::new();
                for n in self.ex_list(p, frame, names) {
                    let v = match n.to_ascii_lowercase().as_str() {
                        "from" => self.msg.envelope_from(),
                        "to" => self.msg.envelope_to(),
                        _ => None,
                    };
                    match v
                        .as_deref()
                        .map(|s| s.trim().trim_start_matches('<').trim_end_matches('>'))
                    {
                        // The null reverse-path is the empty string
                        // (RFC 5228 §5.4).
                        Some("") if *part != AddressPart::Detail => values.push(String::new()),
                        Some("") => {}
                        Some(s) => values.extend(parts(&address::parse_list(s), *part)),
                        None => {}
                    }
                }
                self.matched(p, frame, *m, &values, keys)?
            }
            Test::Body { m, transform, keys } => {
                let values = self.body_values(p, frame, transform);
                self.matched(p, frame, *m, &values, keys)?
            }
            Test::Date {
                m,
                zone,
                header,
                part,
                keys,
                index,
            } => {
                let header = self.ex(p, frame, header);
                let part = self.ex(p, frame, part).to_ascii_lowercase();
                let values: Vec<String> = self
                    .header_values(&header, *index)
                    .iter()
                    .filter_map(|v| {
                        // Received: the date follows the last ';'.
                        let v = if header.eq_ignore_ascii_case("received") {
                            v.rsplit(';').next().unwrap_or(v)
                        } else {
                            v
                        };
                        date::parse_rfc5322(v)
                    })
                    .take(if index.is_some() { 1 } else { usize::MAX })
                    .filter_map(|d| self.zoned(p, frame, d, zone).part(&part))
                    .collect();
                if values.is_empty() && !matches!(m.kind, MatchKind::Count(_)) {
                    false
                } else {
                    self.matched(p, frame, *m, &values, keys)?
                }
            }
            Test::CurrentDate {
                m,
                zone,
                part,
                keys,
            } => {
                let part = self.ex(p, frame, part).to_ascii_lowercase();
                let values: Vec<String> = self
                    .zoned(p, frame, self.opts.now, zone)
                    .part(&part)
                    .into_iter()
                    .collect();
                self.matched(p, frame, *m, &values, keys)?
            }
            Test::HasFlag { m, vars, keys } => {
                let values = if vars.is_empty() {
                    self.flags.clone()
                } else {
                    let vals: Vec<String> = vars
                        .iter()
                        .map(|v| frame.get(&self.shared, v).unwrap_or("").to_string())
                        .collect();
                    flags::normalise(&vals)
                };
                let keys: Vec<String> = if matches!(m.kind, MatchKind::Count(_)) {
                    keys.clone()
                } else {
                    flags::normalise(&self.ex_list(p, frame, keys))
                };
                self.matched(p, frame, *m, &values, &keys)?
            }
            Test::String { m, sources, keys } => {
                let mut values = self.ex_list(p, frame, sources);
                if matches!(m.kind, MatchKind::Count(_)) {
                    // RFC 5229 §5: empty strings are not counted.
                    values.retain(|v| !v.is_empty());
                }
                self.matched(p, frame, *m, &values, keys)?
            }
            Test::Environment { m, name, keys } => {
                let name = self.ex(p, frame, name).to_ascii_lowercase();
                let values: Vec<String> = self.environment(&name).into_iter().collect();
                if values.is_empty() {
                    false
                } else {
                    self.matched(p, frame, *m, &values, keys)?
                }
            }
            Test::MailboxExists(names) => self
                .ex_list(p, frame, names)
                .iter()
                .all(|n| self.host.mailbox_exists(n)),
            Test::SpecialUseExists { mailbox, uses } => {
                let mb = mailbox.as_ref().map(|s| self.ex(p, frame, s));
                let uses = self.ex_list(p, frame, uses);
                self.host.special_use_exists(mb.as_deref(), &uses)
            }
            Test::MailboxIdExists(ids) => self
                .ex_list(p, frame, ids)
                .iter()
                .all(|i| self.host.mailbox_id_exists(i)),
            Test::ValidNotifyMethod(uris) => self
                .ex_list(p, frame, uris)
                .iter()
                .all(|u| super::notify::valid_method(u)),
            Test::NotifyMethodCapability {
                m,
                uri,
                capability,
                keys,
            } => {
                let uri = self.ex(p, frame, uri);
                let cap = self.ex(p, frame, capability);
                match super::notify::method_capability(&uri, &cap) {
                    Some(v) => self.matched(p, frame, *m, &[v], keys)?,
                    None => false,
                }
            }
            Test::Metadata {
                m,
                mailbox,
                name,
                keys,
            } => {
                let mb = mailbox.as_ref().map(|s| self.ex(p, frame, s));
                let name = self.ex(p, frame, name);
                match self.host.metadata(mb.as_deref(), &name) {
                    Some(v) => self.matched(p, frame, *m, &[v], keys)?,
                    None => false,
                }
            }
            Test::MetadataExists { mailbox, names } => {
                let mb = mailbox.as_ref().map(|s| self.ex(p, frame, s));
                self.ex_list(p, frame, names)
                    .iter()
                    .all(|n| self.host.metadata(mb.as_deref(), n).is_some())
            }
            Test::ValidExtList(names) => self
                .ex_list(p, frame, names)
                .iter()
                .all(|n| self.host.ext_list_members(n).is_some()),
            Test::Duplicate {
                handle,
                key,
                seconds,
                last,
            } => self.duplicate(p, frame, handle.as_deref(), key, *seconds, *last)?,
        })
    }

    fn zoned(&self, p: &Program, frame: &Frame, d: DateTime, zone: &Zone) -> DateTime {
        match zone {
            Zone::Original => d,
            Zone::Local => d.with_offset(self.opts.now.offset_minutes),
            Zone::Fixed(z) => {
                let z = self.ex(p, frame, z);
                d.with_offset(date::parse_zone(&z).unwrap_or(self.opts.now.offset_minutes))
            }
        }
    }

    fn body_values(
        &mut self,
        p: &Program,
        frame: &Frame,
        transform: &BodyTransform,
    ) -> Vec<String> {
        if *transform == BodyTransform::Raw {
            return vec![self.msg.raw_body()];
        }
        let parts = self
            .body_parts
            .get_or_insert_with(|| self.msg.body_parts())
            .clone();
        let types: Vec<String> = match transform {
            BodyTransform::Content(t) => self
                .ex_list(p, frame, t)
                .iter()
                .map(|s| s.to_ascii_lowercase())
                .collect(),
            _ => vec!["text".into()],
        };
        parts
            .into_iter()
            .filter(|part| {
                types.iter().any(|t| {
                    t.is_empty()
                        || *t == part.content_type
                        || (!t.contains('/')
                            && part.content_type.split('/').next() == Some(t.as_str()))
                })
            })
            .map(|part| part.text)
            .collect()
    }

    fn environment(&self, name: &str) -> Option<String> {
        let builtin = match name {
            "domain" => self
                .opts
                .host_name
                .split_once('.')
                .map(|(_, d)| d.to_string()),
            "host" => Some(self.opts.host_name.clone()),
            "location" => Some("MDA".into()),
            "name" => Some("Cyrus IMAP".into()),
            "phase" => Some("during".into()),
            "version" => Some(env!("CARGO_PKG_VERSION").into()),
            _ => None,
        };
        builtin.or_else(|| self.host.environment(name))
    }

    fn duplicate(
        &mut self,
        p: &Program,
        frame: &Frame,
        handle: Option<&str>,
        key: &DuplicateKey,
        seconds: Option<u64>,
        last: bool,
    ) -> Result<bool, RuntimeError> {
        let value = match key {
            DuplicateKey::MessageId => self.header_values("message-id", None).into_iter().next(),
            DuplicateKey::Header(h) => {
                let h = self.ex(p, frame, h);
                self.header_values(&h, None).into_iter().next()
            }
            DuplicateKey::UniqueId(u) => Some(self.ex(p, frame, u)),
        };
        // RFC 7352 §3.1: without the field there is nothing to track.
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            return Ok(false);
        };
        let id = DuplicateId {
            handle: handle.map(|h| self.ex(p, frame, h)).unwrap_or_default(),
            value,
        };
        let seen = self.host.duplicate_seen(&id);
        let seconds = seconds
            .unwrap_or(7 * 86_400)
            .min(self.opts.duplicate_max_seconds);
        let already = self
            .actions
            .iter()
            .any(|a| matches!(a, Action::TrackDuplicate { id: x, .. } if *x == id));
        if (!seen || last) && !already {
            self.push(Action::TrackDuplicate { id, seconds })?;
        }
        Ok(seen)
    }
}

fn pick(all: Vec<String>, index: Option<Index>) -> Vec<String> {
    match index {
        None => all,
        Some(Index { n, last }) => {
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            let i = if last {
                all.len().checked_sub(n)
            } else {
                n.checked_sub(1)
            };
            i.and_then(|i| all.get(i).cloned()).into_iter().collect()
        }
    }
}

fn parts(addrs: &[Address], part: AddressPart) -> Vec<String> {
    addrs
        .iter()
        .filter_map(|a| address::part(a, part))
        .collect()
}
