//! Tagged/positional argument reader used by validation: checks which
//! tags a command accepts, which extension each tag needs, and the types
//! of tag parameters and positional arguments.

use super::ast::Argument;
use super::error::{ScriptError, Span};
use super::extensions::{Extension, ExtensionSet};
use super::ir::{Comparator, Match, MatchKind, RelOp};

/// What follows a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// Nothing.
    None,
    /// One string.
    Str,
    /// A string list (a single string is accepted too).
    List,
    /// A number.
    Num,
}

/// One accepted tag: name, parameter, extension needed (if any), and a
/// group: at most one tag of a non-zero group may appear.
pub type TagSpec = (&'static str, Param, Option<Extension>, u8);

/// Tags of the match-type/comparator family (group 1 = match type).
pub const MATCH_TAGS: &[TagSpec] = &[
    ("is", Param::None, None, 1),
    ("contains", Param::None, None, 1),
    ("matches", Param::None, None, 1),
    ("regex", Param::None, Some(Extension::Regex), 1),
    ("value", Param::Str, Some(Extension::Relational), 1),
    ("count", Param::Str, Some(Extension::Relational), 1),
    ("list", Param::None, Some(Extension::Extlists), 1),
    ("comparator", Param::Str, None, 0),
];

/// `:index n [:last]` (group 0) of the index extension.
pub const INDEX_TAGS: &[TagSpec] = &[
    ("index", Param::Num, Some(Extension::Index), 0),
    ("last", Param::Num, Some(Extension::Index), 0),
];

/// Address-part tags (group 2).
pub const ADDRESS_PART_TAGS: &[TagSpec] = &[
    ("all", Param::None, None, 2),
    ("localpart", Param::None, None, 2),
    ("domain", Param::None, None, 2),
    ("user", Param::None, Some(Extension::Subaddress), 2),
    ("detail", Param::None, Some(Extension::Subaddress), 2),
];

/// A parsed tag value.
#[derive(Debug, Clone)]
pub enum TagValue {
    /// A tag without parameter.
    Flag,
    /// Strings.
    Strings(Vec<String>),
    /// A number.
    Num(u64),
}

/// The arguments of one command or test, sorted into tags and positionals.
#[derive(Debug)]
pub struct Args {
    /// Tags found, with their values and positions.
    pub tags: Vec<(&'static str, TagValue, Span)>,
    /// Positional arguments, in order.
    pub positional: Vec<Argument>,
    /// Where the command or test is.
    pub span: Span,
    /// Its name, for messages.
    pub name: String,
}

/// Sorts `args` against the accepted `specs`. `:last` of the index
/// extension is parameterless; it is special-cased here.
pub fn read(
    name: &str,
    span: Span,
    args: &[Argument],
    specs: &[&[TagSpec]],
    required: ExtensionSet,
) -> Result<Args, ScriptError> {
    let mut out = Args {
        tags: Vec::new(),
        positional: Vec::new(),
        span,
        name: name.to_string(),
    };
    let mut groups_seen: Vec<(u8, &str)> = Vec::new();
    let mut it = args.iter().peekable();
    while let Some(arg) = it.next() {
        let Argument::Tag(tag, tspan) = arg else {
            out.positional.push(arg.clone());
            continue;
        };
        if !out.positional.is_empty() {
            return Err(ScriptError::new(
                *tspan,
                format!("tag ':{tag}' of '{name}' must come before positional arguments"),
            ));
        }
        let Some(spec) = specs.iter().flat_map(|s| s.iter()).find(|s| s.0 == tag) else {
            return Err(ScriptError::new(
                *tspan,
                format!("unknown tag ':{tag}' for '{name}'"),
            ));
        };
        if let Some(ext) = spec.2 {
            if !required.contains(ext) {
                return Err(ScriptError::new(
                    *tspan,
                    format!("tag ':{tag}' requires extension \"{ext}\" (missing require)"),
                ));
            }
        }
        if out.tags.iter().any(|t| t.0 == spec.0) {
            return Err(ScriptError::new(
                *tspan,
                format!("tag ':{tag}' given twice"),
            ));
        }
        if spec.3 != 0 {
            if let Some((_, other)) = groups_seen.iter().find(|g| g.0 == spec.3) {
                return Err(ScriptError::new(
                    *tspan,
                    format!("tags ':{other}' and ':{tag}' cannot be combined"),
                ));
            }
            groups_seen.push((spec.3, spec.0));
        }
        let param = if spec.0 == "last" {
            Param::None
        } else {
            spec.1
        };
        let value = match param {
            Param::None => TagValue::Flag,
            Param::Num => match it.next() {
                Some(Argument::Number(n, _)) => TagValue::Num(*n),
                _ => {
                    return Err(ScriptError::new(
                        *tspan,
                        format!("tag ':{tag}' needs a number"),
                    ))
                }
            },
            Param::Str | Param::List => match it.next() {
                Some(Argument::Strings { values, list, .. }) if param == Param::List || !list => {
                    TagValue::Strings(values.clone())
                }
                _ => {
                    let what = if param == Param::Str {
                        "a string"
                    } else {
                        "a string list"
                    };
                    return Err(ScriptError::new(
                        *tspan,
                        format!("tag ':{tag}' needs {what}"),
                    ));
                }
            },
        };
        out.tags.push((spec.0, value, *tspan));
    }
    Ok(out)
}

impl Args {
    /// Whether the parameterless tag was given.
    pub fn flag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t.0 == tag)
    }

    /// The single-string parameter of `tag`.
    pub fn string(&self, tag: &str) -> Option<String> {
        self.list(tag).and_then(|v| v.into_iter().next())
    }

    /// The string-list parameter of `tag`.
    pub fn list(&self, tag: &str) -> Option<Vec<String>> {
        self.tags
            .iter()
            .find(|t| t.0 == tag)
            .and_then(|t| match &t.1 {
                TagValue::Strings(v) => Some(v.clone()),
                _ => None,
            })
    }

    /// The numeric parameter of `tag`.
    pub fn number(&self, tag: &str) -> Option<u64> {
        self.tags
            .iter()
            .find(|t| t.0 == tag)
            .and_then(|t| match t.1 {
                TagValue::Num(n) => Some(n),
                _ => None,
            })
    }

    /// Position of `tag`, or of the command.
    pub fn tag_span(&self, tag: &str) -> Span {
        self.tags
            .iter()
            .find(|t| t.0 == tag)
            .map(|t| t.2)
            .unwrap_or(self.span)
    }

    /// Checks the positional arguments: `kinds[i]` is `Param::Str`,
    /// `Param::List` or `Param::Num`.
    pub fn expect(&self, kinds: &[Param]) -> Result<(), ScriptError> {
        if self.positional.len() != kinds.len() {
            let at = self
                .positional
                .get(kinds.len())
                .map(Argument::span)
                .unwrap_or(self.span);
            return Err(ScriptError::new(
                at,
                format!(
                    "'{}' takes {} positional argument(s), {} given",
                    self.name,
                    kinds.len(),
                    self.positional.len()
                ),
            ));
        }
        for (a, k) in self.positional.iter().zip(kinds) {
            let ok = matches!(
                (a, k),
                (Argument::Number(..), Param::Num)
                    | (Argument::Strings { list: false, .. }, Param::Str)
                    | (Argument::Strings { .. }, Param::List)
            );
            if !ok {
                let want = match k {
                    Param::Num => "a number",
                    Param::Str => "a string",
                    _ => "a string list",
                };
                return Err(ScriptError::new(
                    a.span(),
                    format!("'{}' expects {want} here", self.name),
                ));
            }
        }
        Ok(())
    }

    /// Positional string list number `i` (after [`Args::expect`]).
    pub fn pos_list(&self, i: usize) -> Vec<String> {
        match self.positional.get(i) {
            Some(Argument::Strings { values, .. }) => values.clone(),
            _ => Vec::new(),
        }
    }

    /// Positional single string number `i` (after [`Args::expect`]).
    pub fn pos_str(&self, i: usize) -> String {
        self.pos_list(i).into_iter().next().unwrap_or_default()
    }

    /// Where positional argument `i` is (the command's position if absent).
    pub fn pos_span(&self, i: usize) -> Span {
        self.positional
            .get(i)
            .map(Argument::span)
            .unwrap_or(self.span)
    }

    /// Positional number `i` (after [`Args::expect`]).
    pub fn pos_num(&self, i: usize) -> u64 {
        match self.positional.get(i) {
            Some(Argument::Number(n, _)) => *n,
            _ => 0,
        }
    }

    /// The `:index`/`:last` pair, checking `:last` needs `:index`.
    pub fn index(&self) -> Result<Option<super::ir::Index>, ScriptError> {
        match (self.number("index"), self.flag("last")) {
            (Some(0), _) => Err(ScriptError::new(
                self.tag_span("index"),
                ":index must be at least 1",
            )),
            (Some(n), last) => Ok(Some(super::ir::Index { n, last })),
            (None, true) => Err(ScriptError::new(
                self.tag_span("last"),
                ":last requires :index",
            )),
            (None, false) => Ok(None),
        }
    }

    /// The comparator and match type, validated (RFC 5228 §2.7, RFC 5231).
    pub fn matcher(&self, required: ExtensionSet) -> Result<Match, ScriptError> {
        let comparator = match self.string("comparator").as_deref() {
            None | Some("i;ascii-casemap") => Comparator::AsciiCasemap,
            Some("i;octet") => Comparator::Octet,
            Some("i;ascii-numeric") => {
                if !required.contains(Extension::ComparatorAsciiNumeric) {
                    return Err(ScriptError::new(
                        self.tag_span("comparator"),
                        "comparator \"i;ascii-numeric\" requires \"comparator-i;ascii-numeric\"",
                    ));
                }
                Comparator::AsciiNumeric
            }
            Some(other) => {
                return Err(ScriptError::new(
                    self.tag_span("comparator"),
                    format!("unknown comparator \"{other}\""),
                ))
            }
        };
        let rel = |tag: &str| -> Result<RelOp, ScriptError> {
            let s = self.string(tag).unwrap_or_default();
            Ok(match s.to_ascii_lowercase().as_str() {
                "gt" => RelOp::Gt,
                "ge" => RelOp::Ge,
                "lt" => RelOp::Lt,
                "le" => RelOp::Le,
                "eq" => RelOp::Eq,
                "ne" => RelOp::Ne,
                _ => {
                    return Err(ScriptError::new(
                        self.tag_span(tag),
                        format!("invalid relational operator \"{s}\""),
                    ))
                }
            })
        };
        let kind = if self.flag("contains") {
            MatchKind::Contains
        } else if self.flag("matches") {
            MatchKind::Matches
        } else if self.flag("list") {
            MatchKind::List
        } else if self.flag("regex") {
            MatchKind::Regex
        } else if self.string("value").is_some() {
            MatchKind::Value(rel("value")?)
        } else if self.string("count").is_some() {
            MatchKind::Count(rel("count")?)
        } else {
            MatchKind::Is
        };
        if comparator == Comparator::AsciiNumeric
            && matches!(
                kind,
                MatchKind::Contains | MatchKind::Matches | MatchKind::Regex
            )
        {
            return Err(ScriptError::new(
                self.span,
                "comparator \"i;ascii-numeric\" only supports :is, :value and :count",
            ));
        }
        Ok(Match { comparator, kind })
    }
}
