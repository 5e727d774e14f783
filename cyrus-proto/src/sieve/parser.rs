//! RFC 5228 §8.2 grammar: tokens to the generic [`CommandNode`] tree,
//! with limits on script size and block/test nesting.

use super::ast::{Argument, CommandNode, TestNode};
use super::error::{ScriptError, Span};
use super::lexer::{tokenize, Token};

/// Resource limits applied while parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseLimits {
    /// Largest accepted script, in bytes.
    pub max_script_size: usize,
    /// Deepest nesting of blocks and tests.
    pub max_nesting: usize,
    /// Most strings in one string list.
    pub max_list_len: usize,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits {
            // ManageSieve enforces `sieve_maxscriptsize` (32K by default)
            // before we get here; this is a hard ceiling for any caller.
            max_script_size: 1 << 20,
            max_nesting: 32,
            max_list_len: 1024,
        }
    }
}

/// Parses `src` into its top-level commands.
pub fn parse(src: &str, limits: &ParseLimits) -> Result<Vec<CommandNode>, ScriptError> {
    if src.len() > limits.max_script_size {
        return Err(ScriptError::new(
            Span { line: 1, col: 1 },
            format!(
                "script too large ({} bytes, limit {})",
                src.len(),
                limits.max_script_size
            ),
        ));
    }
    let toks = tokenize(src)?;
    let end = end_span(src);
    let mut p = Parser {
        toks,
        pos: 0,
        end,
        limits,
    };
    let cmds = p.commands(0)?;
    if let Some((_, s)) = p.toks.get(p.pos) {
        return Err(ScriptError::new(*s, "unexpected '}'"));
    }
    Ok(cmds)
}

fn end_span(src: &str) -> Span {
    let line = src.bytes().filter(|&b| b == b'\n').count() as u32 + 1;
    let last = src.rsplit('\n').next().unwrap_or("");
    Span {
        line,
        col: last.chars().count() as u32 + 1,
    }
}

struct Parser<'l> {
    toks: Vec<(Token, Span)>,
    pos: usize,
    end: Span,
    limits: &'l ParseLimits,
}

fn describe(t: &Token) -> String {
    match t {
        Token::Identifier(s) => format!("identifier '{s}'"),
        Token::Tag(s) => format!("tag ':{s}'"),
        Token::Number(n) => format!("number {n}"),
        Token::Str(_) => "string".to_string(),
        Token::LBracket => "'['".into(),
        Token::RBracket => "']'".into(),
        Token::LParen => "'('".into(),
        Token::RParen => "')'".into(),
        Token::LBrace => "'{'".into(),
        Token::RBrace => "'}'".into(),
        Token::Comma => "','".into(),
        Token::Semicolon => "';'".into(),
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn span(&self) -> Span {
        self.toks.get(self.pos).map(|(_, s)| *s).unwrap_or(self.end)
    }

    fn next(&mut self) -> Option<(Token, Span)> {
        // Always advance, so `pos - 1` undoes a `next()` even at the end.
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn unexpected(&self, expected: &str) -> ScriptError {
        match self.peek() {
            Some(t) => ScriptError::new(
                self.span(),
                format!("expected {expected}, found {}", describe(t)),
            ),
            None => ScriptError::new(
                self.end,
                format!("expected {expected}, found end of script"),
            ),
        }
    }

    fn check_depth(&self, depth: usize) -> Result<(), ScriptError> {
        if depth > self.limits.max_nesting {
            return Err(ScriptError::new(
                self.span(),
                format!("nesting too deep (limit {})", self.limits.max_nesting),
            ));
        }
        Ok(())
    }

    fn commands(&mut self, depth: usize) -> Result<Vec<CommandNode>, ScriptError> {
        let mut out = Vec::new();
        while let Some(t) = self.peek() {
            if *t == Token::RBrace {
                break;
            }
            out.push(self.command(depth)?);
        }
        Ok(out)
    }

    fn command(&mut self, depth: usize) -> Result<CommandNode, ScriptError> {
        let (name, span) = match self.next() {
            Some((Token::Identifier(n), s)) => (n, s),
            _ => {
                self.pos = self.pos.saturating_sub(1);
                return Err(self.unexpected("a command name"));
            }
        };
        let args = self.arguments()?;
        let (tests, test_list) = self.tests_opt(depth)?;
        let block = match self.peek() {
            Some(Token::Semicolon) => {
                self.pos += 1;
                None
            }
            Some(Token::LBrace) => {
                self.check_depth(depth + 1)?;
                let open = self.span();
                self.pos += 1;
                let body = self.commands(depth + 1)?;
                match self.next() {
                    Some((Token::RBrace, _)) => Some(body),
                    _ => {
                        return Err(ScriptError::new(
                            open,
                            "block opened here is not closed by '}'",
                        ))
                    }
                }
            }
            _ => return Err(self.unexpected(&format!("';' or '{{' to end command '{name}'"))),
        };
        Ok(CommandNode {
            name,
            span,
            args,
            tests,
            test_list,
            block,
        })
    }

    fn arguments(&mut self) -> Result<Vec<Argument>, ScriptError> {
        let mut args = Vec::new();
        loop {
            let span = self.span();
            match self.peek() {
                Some(Token::Tag(t)) => {
                    args.push(Argument::Tag(t.clone(), span));
                    self.pos += 1;
                }
                Some(Token::Number(n)) => {
                    args.push(Argument::Number(*n, span));
                    self.pos += 1;
                }
                Some(Token::Str(s)) => {
                    args.push(Argument::Strings {
                        values: vec![s.clone()],
                        list: false,
                        span,
                    });
                    self.pos += 1;
                }
                Some(Token::LBracket) => {
                    self.pos += 1;
                    let values = self.string_list(span)?;
                    args.push(Argument::Strings {
                        values,
                        list: true,
                        span,
                    });
                }
                _ => return Ok(args),
            }
        }
    }

    fn string_list(&mut self, open: Span) -> Result<Vec<String>, ScriptError> {
        let mut out = Vec::new();
        loop {
            match self.next() {
                Some((Token::Str(s), _)) => out.push(s),
                _ => {
                    self.pos = self.pos.saturating_sub(1);
                    return Err(self.unexpected("a string in string list"));
                }
            }
            if out.len() > self.limits.max_list_len {
                return Err(ScriptError::new(open, "string list too long"));
            }
            match self.next() {
                Some((Token::Comma, _)) => continue,
                Some((Token::RBracket, _)) => return Ok(out),
                _ => {
                    self.pos = self.pos.saturating_sub(1);
                    return Err(self.unexpected("',' or ']' in string list"));
                }
            }
        }
    }

    fn tests_opt(&mut self, depth: usize) -> Result<(Vec<TestNode>, bool), ScriptError> {
        match self.peek() {
            Some(Token::Identifier(_)) => Ok((vec![self.test(depth + 1)?], false)),
            Some(Token::LParen) => Ok((self.test_list(depth + 1)?, true)),
            _ => Ok((Vec::new(), false)),
        }
    }

    fn test_list(&mut self, depth: usize) -> Result<Vec<TestNode>, ScriptError> {
        self.check_depth(depth)?;
        self.pos += 1; // '('
        let mut out = Vec::new();
        loop {
            out.push(self.test(depth)?);
            match self.next() {
                Some((Token::Comma, _)) => continue,
                Some((Token::RParen, _)) => return Ok(out),
                _ => {
                    self.pos = self.pos.saturating_sub(1);
                    return Err(self.unexpected("',' or ')' in test list"));
                }
            }
        }
    }

    fn test(&mut self, depth: usize) -> Result<TestNode, ScriptError> {
        self.check_depth(depth)?;
        let (name, span) = match self.next() {
            Some((Token::Identifier(n), s)) => (n, s),
            _ => {
                self.pos = self.pos.saturating_sub(1);
                return Err(self.unexpected("a test"));
            }
        };
        let args = self.arguments()?;
        let (tests, test_list) = self.tests_opt(depth)?;
        Ok(TestNode {
            name,
            span,
            args,
            tests,
            test_list,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_blocks_and_lists() {
        let s = "if anyof (header :is \"a\" [\"b\", \"c\"], true) { stop; } else { keep; }";
        let c = parse(s, &ParseLimits::default()).expect("should succeed");
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].tests[0].tests.len(), 2);
        assert!(c[0].tests[0].test_list);
    }

    #[test]
    fn error_positions() {
        let e = parse("keep;\n  fileinto \"x\"", &ParseLimits::default()).expect_err("should fail");
        assert_eq!(e.span, Span { line: 2, col: 15 });
    }

    #[test]
    fn depth_limit() {
        let s = "if true {".repeat(40) + &"}".repeat(40);
        assert!(parse(&s, &ParseLimits::default()).is_err());
    }
}
