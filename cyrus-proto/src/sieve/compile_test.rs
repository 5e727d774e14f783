//! Validation of tests (RFC 5228 §5 and the extensions' tests).

use super::args::{Param, TagSpec, ADDRESS_PART_TAGS, INDEX_TAGS, MATCH_TAGS};
use super::ast::TestNode;
use super::compile::{check_var_name, Validator};
use super::error::ScriptError;
use super::extensions::Extension as E;
use super::ir::{AddressPart, BodyTransform, DuplicateKey, Match, MatchKind, Test, Zone};

impl Validator {
    /// Validates one test.
    pub fn test(&mut self, t: &TestNode) -> Result<Test, ScriptError> {
        let name = t.name.as_str();
        let test = match name {
            "true" | "false" => {
                let a = self.read_test(t, &[])?;
                a.expect(&[])?;
                if name == "true" {
                    Test::True
                } else {
                    Test::False
                }
            }
            "not" => {
                if !t.args.is_empty() || t.tests.len() != 1 || t.test_list {
                    return Err(ScriptError::new(t.span, "'not' takes exactly one test"));
                }
                Test::Not(Box::new(self.test(&t.tests[0])?))
            }
            "allof" | "anyof" => {
                if !t.args.is_empty() || !t.test_list {
                    return Err(ScriptError::new(
                        t.span,
                        format!("'{name}' takes a parenthesised test list"),
                    ));
                }
                let ts = t
                    .tests
                    .iter()
                    .map(|x| self.test(x))
                    .collect::<Result<Vec<_>, _>>()?;
                if name == "allof" {
                    Test::AllOf(ts)
                } else {
                    Test::AnyOf(ts)
                }
            }
            "exists" => {
                let a = self.read_test(t, &[])?;
                a.expect(&[Param::List])?;
                Test::Exists(a.pos_list(0))
            }
            "size" => {
                const SIZE: &[TagSpec] = &[
                    ("over", Param::None, None, 1),
                    ("under", Param::None, None, 1),
                ];
                let a = self.read_test(t, &[SIZE])?;
                a.expect(&[Param::Num])?;
                if !a.flag("over") && !a.flag("under") {
                    return Err(ScriptError::new(t.span, "'size' needs :over or :under"));
                }
                Test::Size {
                    over: a.flag("over"),
                    limit: a.pos_num(0),
                }
            }
            "header" => {
                let a = self.read_test(t, &[MATCH_TAGS, INDEX_TAGS])?;
                a.expect(&[Param::List, Param::List])?;
                let m = self.matcher_checked(&a)?;
                Test::Header {
                    m,
                    names: a.pos_list(0),
                    keys: a.pos_list(1),
                    index: a.index()?,
                }
            }
            "address" => {
                let a = self.read_test(t, &[MATCH_TAGS, INDEX_TAGS, ADDRESS_PART_TAGS])?;
                a.expect(&[Param::List, Param::List])?;
                let m = self.matcher_checked(&a)?;
                Test::Address {
                    m,
                    part: part(&a),
                    names: a.pos_list(0),
                    keys: a.pos_list(1),
                    index: a.index()?,
                }
            }
            "envelope" => {
                self.need(E::Envelope, name, t.span)?;
                let a = self.read_test(t, &[MATCH_TAGS, ADDRESS_PART_TAGS])?;
                a.expect(&[Param::List, Param::List])?;
                let m = self.matcher_checked(&a)?;
                let names: Vec<String> = a
                    .pos_list(0)
                    .iter()
                    .map(|s| s.to_ascii_lowercase())
                    .collect();
                for n in &names {
                    if n != "from" && n != "to" && !n.contains("${") {
                        return Err(ScriptError::new(
                            a.pos_span(0),
                            format!("unknown envelope part \"{n}\""),
                        ));
                    }
                }
                Test::Envelope {
                    m,
                    part: part(&a),
                    names,
                    keys: a.pos_list(1),
                }
            }
            "body" => {
                self.need(E::Body, name, t.span)?;
                const BODY: &[TagSpec] = &[
                    ("raw", Param::None, None, 3),
                    ("content", Param::List, None, 3),
                    ("text", Param::None, None, 3),
                ];
                let a = self.read_test(t, &[MATCH_TAGS, BODY])?;
                a.expect(&[Param::List])?;
                let m = self.matcher_checked(&a)?;
                let transform = if a.flag("raw") {
                    BodyTransform::Raw
                } else if let Some(c) = a.list("content") {
                    BodyTransform::Content(c)
                } else {
                    BodyTransform::Text
                };
                Test::Body {
                    m,
                    transform,
                    keys: a.pos_list(0),
                }
            }
            "date" | "currentdate" => {
                self.need(E::Date, name, t.span)?;
                const ZONE: &[TagSpec] = &[
                    ("zone", Param::Str, None, 4),
                    ("originalzone", Param::None, None, 4),
                ];
                let a = self.read_test(t, &[MATCH_TAGS, INDEX_TAGS, ZONE])?;
                let zone = match a.string("zone") {
                    Some(z) => {
                        if super::date::parse_zone(&z).is_none() {
                            return Err(ScriptError::new(
                                a.tag_span("zone"),
                                format!("invalid :zone \"{z}\""),
                            ));
                        }
                        Zone::Fixed(z)
                    }
                    None if a.flag("originalzone") => Zone::Original,
                    None => Zone::Local,
                };
                let m = self.matcher_checked(&a)?;
                if name == "date" {
                    a.expect(&[Param::Str, Param::Str, Param::List])?;
                    let part = a.pos_str(1).to_ascii_lowercase();
                    check_date_part(&part, &a)?;
                    Test::Date {
                        m,
                        zone,
                        header: a.pos_str(0),
                        part,
                        keys: a.pos_list(2),
                        index: a.index()?,
                    }
                } else {
                    if zone == Zone::Original || a.index()?.is_some() {
                        return Err(ScriptError::new(
                            t.span,
                            "currentdate takes neither :originalzone nor :index",
                        ));
                    }
                    a.expect(&[Param::Str, Param::List])?;
                    let part = a.pos_str(0).to_ascii_lowercase();
                    check_date_part(&part, &a)?;
                    Test::CurrentDate {
                        m,
                        zone,
                        part,
                        keys: a.pos_list(1),
                    }
                }
            }
            "hasflag" => {
                self.need(E::Imap4Flags, name, t.span)?;
                let a = self.read_test(t, &[MATCH_TAGS])?;
                let m = self.matcher_checked(&a)?;
                let (vars, keys) = if a.positional.len() == 2 {
                    a.expect(&[Param::List, Param::List])?;
                    self.need(E::Variables, "hasflag variable list", t.span)?;
                    for v in a.pos_list(0) {
                        check_var_name(&v, a.pos_span(0))?;
                    }
                    (a.pos_list(0), a.pos_list(1))
                } else {
                    a.expect(&[Param::List])?;
                    (Vec::new(), a.pos_list(0))
                };
                Test::HasFlag { m, vars, keys }
            }
            "string" => {
                self.need(E::Variables, name, t.span)?;
                let a = self.read_test(t, &[MATCH_TAGS])?;
                a.expect(&[Param::List, Param::List])?;
                let m = self.matcher_checked(&a)?;
                Test::String {
                    m,
                    sources: a.pos_list(0),
                    keys: a.pos_list(1),
                }
            }
            "environment" => {
                self.need(E::Environment, name, t.span)?;
                let a = self.read_test(t, &[MATCH_TAGS])?;
                a.expect(&[Param::Str, Param::List])?;
                let m = self.matcher_checked(&a)?;
                Test::Environment {
                    m,
                    name: a.pos_str(0).to_ascii_lowercase(),
                    keys: a.pos_list(1),
                }
            }
            "mailboxexists" => {
                self.need(E::Mailbox, name, t.span)?;
                let a = self.read_test(t, &[])?;
                a.expect(&[Param::List])?;
                Test::MailboxExists(a.pos_list(0))
            }
            "specialuse_exists" => {
                self.need(E::SpecialUse, name, t.span)?;
                let a = self.read_test(t, &[])?;
                if a.positional.len() == 2 {
                    a.expect(&[Param::Str, Param::List])?;
                    Test::SpecialUseExists {
                        mailbox: Some(a.pos_str(0)),
                        uses: a.pos_list(1),
                    }
                } else {
                    a.expect(&[Param::List])?;
                    Test::SpecialUseExists {
                        mailbox: None,
                        uses: a.pos_list(0),
                    }
                }
            }
            "mailboxidexists" => {
                self.need(E::MailboxId, name, t.span)?;
                let a = self.read_test(t, &[])?;
                a.expect(&[Param::List])?;
                Test::MailboxIdExists(a.pos_list(0))
            }
            "valid_notify_method" | "notify_method_capability" => {
                super::notify::compile_test(self, t)?
            }
            "metadata" | "metadataexists" | "servermetadata" | "servermetadataexists" => {
                super::notify::compile_metadata(self, t)?
            }
            "valid_ext_list" => {
                self.need(E::Extlists, name, t.span)?;
                let a = self.read_test(t, &[])?;
                a.expect(&[Param::List])?;
                Test::ValidExtList(a.pos_list(0))
            }
            "duplicate" => {
                self.need(E::Duplicate, name, t.span)?;
                const DUP: &[TagSpec] = &[
                    ("handle", Param::Str, None, 0),
                    ("header", Param::Str, None, 5),
                    ("uniqueid", Param::Str, None, 5),
                    ("seconds", Param::Num, None, 0),
                    ("last", Param::None, None, 0),
                ];
                let a = self.read_test(t, &[DUP])?;
                a.expect(&[])?;
                let key = match (a.string("header"), a.string("uniqueid")) {
                    (Some(h), _) => DuplicateKey::Header(h),
                    (_, Some(u)) => DuplicateKey::UniqueId(u),
                    _ => DuplicateKey::MessageId,
                };
                Test::Duplicate {
                    handle: a.string("handle"),
                    key,
                    seconds: a.number("seconds"),
                    last: a.flag("last"),
                }
            }
            "ihave" => {
                self.need(E::Ihave, name, t.span)?;
                let a = self.read_test(t, &[])?;
                a.expect(&[Param::List])?;
                // Scripts are compiled against the server's set, so the
                // answer is known now (RFC 5463 §4).
                let all = a.pos_list(0).iter().all(|n| {
                    super::extensions::Extension::from_name(n)
                        .is_some_and(|e| self.supported.contains(e))
                });
                if all {
                    Test::True
                } else {
                    Test::False
                }
            }
            _ => return Err(ScriptError::new(t.span, format!("unknown test '{name}'"))),
        };
        Ok(test)
    }

    /// The matcher, with `:regex` patterns compiled when constant.
    fn matcher_checked(&self, a: &super::args::Args) -> Result<Match, ScriptError> {
        let m = a.matcher(self.required)?;
        if m.kind == MatchKind::Regex {
            if let Some(super::ast::Argument::Strings { values, span, .. }) = a.positional.last() {
                for k in values {
                    if !(self.required.contains(E::Variables) && k.contains("${")) {
                        super::matching::compile_regex(k, m.comparator).map_err(|e| {
                            ScriptError::new(*span, super::matching::regex_error(&e))
                        })?;
                    }
                }
            }
        }
        Ok(m)
    }
}

fn part(a: &super::args::Args) -> AddressPart {
    if a.flag("localpart") {
        AddressPart::LocalPart
    } else if a.flag("domain") {
        AddressPart::Domain
    } else if a.flag("user") {
        AddressPart::User
    } else if a.flag("detail") {
        AddressPart::Detail
    } else {
        AddressPart::All
    }
}

fn check_date_part(part: &str, a: &super::args::Args) -> Result<(), ScriptError> {
    if super::date::PARTS.contains(&part) || part.contains("${") {
        Ok(())
    } else {
        Err(ScriptError::new(
            a.span,
            format!("unknown date-part \"{part}\""),
        ))
    }
}
