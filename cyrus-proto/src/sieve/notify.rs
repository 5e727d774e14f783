//! RFC 5435 enotify (`notify`, `valid_notify_method`,
//! `notify_method_capability`, with the `mailto:` method of RFC 5436) and
//! RFC 5490 mboxmetadata/servermetadata tests.

use super::args::{Param, TagSpec, MATCH_TAGS};
use super::ast::{CommandNode, TestNode};
use super::compile::Validator;
use super::error::ScriptError;
use super::extensions::Extension;
use super::ir::{Command, Test};

/// Whether `uri` names a method we can deliver: `mailto:` with at least
/// one valid address (RFC 5436 §2).
pub fn valid_method(uri: &str) -> bool {
    let Some((scheme, rest)) = uri.split_once(':') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("mailto") {
        return false;
    }
    let to = rest.split('?').next().unwrap_or("");
    let to = percent_decode(to);
    !to.is_empty() && to.split(',').all(super::address::is_valid_mailbox)
}

/// RFC 5435 §6 / RFC 5436 §2.1: for `mailto:` the only capability is
/// "online", whose value is "maybe".
pub fn method_capability(uri: &str, capability: &str) -> Option<String> {
    (valid_method(uri) && capability.eq_ignore_ascii_case("online")).then(|| "maybe".to_string())
}

/// Decodes `%XX` escapes of a URI part (RFC 3986 §2.1); bad escapes stay
/// as written.
pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (b[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Validates `notify`.
pub fn compile(v: &mut Validator, c: &CommandNode) -> Result<Command, ScriptError> {
    v.need(Extension::Enotify, "notify", c.span)?;
    if let Some(t) = c.tests.first() {
        return Err(ScriptError::new(t.span, "'notify' does not take a test"));
    }
    if c.block.is_some() {
        return Err(ScriptError::new(c.span, "'notify' does not take a block"));
    }
    const TAGS: &[TagSpec] = &[
        ("from", Param::Str, None, 0),
        ("importance", Param::Str, None, 0),
        ("options", Param::List, None, 0),
        ("message", Param::Str, None, 0),
    ];
    let a = super::args::read(
        &c.name,
        c.span,
        &c.args,
        &[TAGS, super::fcc::TAGS],
        v.required,
    )?;
    a.expect(&[Param::Str])?;
    let method = a.pos_str(0);
    if !method.contains("${") && !valid_method(&method) {
        return Err(ScriptError::new(
            a.pos_span(0),
            format!("unsupported or invalid notification method \"{method}\""),
        ));
    }
    let importance = a.string("importance");
    if let Some(i) = &importance {
        if !matches!(i.as_str(), "1" | "2" | "3") && !i.contains("${") {
            return Err(ScriptError::new(
                a.tag_span("importance"),
                format!(":importance must be \"1\", \"2\" or \"3\", not \"{i}\""),
            ));
        }
    }
    Ok(Command::Notify {
        method,
        from: a.string("from"),
        importance,
        options: a.list("options").unwrap_or_default(),
        message: a.string("message"),
        fcc: super::fcc::read(&a)?,
    })
}

/// Validates `valid_notify_method` and `notify_method_capability`.
pub fn compile_test(v: &mut Validator, t: &TestNode) -> Result<Test, ScriptError> {
    v.need(Extension::Enotify, &t.name, t.span)?;
    if t.name == "valid_notify_method" {
        let a = v.read_test(t, &[])?;
        a.expect(&[Param::List])?;
        return Ok(Test::ValidNotifyMethod(a.pos_list(0)));
    }
    let a = v.read_test(t, &[MATCH_TAGS])?;
    a.expect(&[Param::Str, Param::Str, Param::List])?;
    Ok(Test::NotifyMethodCapability {
        m: a.matcher(v.required)?,
        uri: a.pos_str(0),
        capability: a.pos_str(1),
        keys: a.pos_list(2),
    })
}

/// Validates the four metadata tests of RFC 5490.
pub fn compile_metadata(v: &mut Validator, t: &TestNode) -> Result<Test, ScriptError> {
    let server = t.name.starts_with("server");
    let ext = if server {
        Extension::ServerMetadata
    } else {
        Extension::MboxMetadata
    };
    v.need(ext, &t.name, t.span)?;
    Ok(match (t.name.ends_with("exists"), server) {
        (true, false) => {
            let a = v.read_test(t, &[])?;
            a.expect(&[Param::Str, Param::List])?;
            Test::MetadataExists {
                mailbox: Some(a.pos_str(0)),
                names: a.pos_list(1),
            }
        }
        (true, true) => {
            let a = v.read_test(t, &[])?;
            a.expect(&[Param::List])?;
            Test::MetadataExists {
                mailbox: None,
                names: a.pos_list(0),
            }
        }
        (false, false) => {
            let a = v.read_test(t, &[MATCH_TAGS])?;
            a.expect(&[Param::Str, Param::Str, Param::List])?;
            Test::Metadata {
                m: a.matcher(v.required)?,
                mailbox: Some(a.pos_str(0)),
                name: a.pos_str(1),
                keys: a.pos_list(2),
            }
        }
        (false, true) => {
            let a = v.read_test(t, &[MATCH_TAGS])?;
            a.expect(&[Param::Str, Param::List])?;
            Test::Metadata {
                m: a.matcher(v.required)?,
                mailbox: None,
                name: a.pos_str(0),
                keys: a.pos_list(1),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailto_methods() {
        assert!(valid_method("mailto:alm@example.com"));
        assert!(valid_method(
            "mailto:a@example.com,b%40example.org?subject=hi"
        ));
        assert!(!valid_method("xmpp:a@example.com"));
        assert!(!valid_method("mailto:"));
        assert_eq!(
            method_capability("mailto:a@example.com", "Online").as_deref(),
            Some("maybe")
        );
    }
}
