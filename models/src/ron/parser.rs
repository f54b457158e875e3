//! Recursive-descent parser from tokens to [`Node`]s, with error recovery.
//!
//! Recovery strategy: inside `(...)`, `[...]` and `{...}`, a bad element is reported and
//! the parser skips to the next `,` or closing delimiter at the same depth; a missing
//! comma is reported and parsing continues with the next item; a mismatched closer that
//! belongs to an enclosing delimiter closes the inner one, otherwise it is consumed.

use super::lexer::{lex, Tok, Token};
use super::{Field, Ident, Node, NodeKind, MAX_DEPTH, MAX_ERRORS};
use crate::diagnostic::Diagnostic;
use crate::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Delim {
    Paren,
    Bracket,
    Brace,
}

impl Delim {
    fn open(self) -> &'static str {
        match self {
            Delim::Paren => "(",
            Delim::Bracket => "[",
            Delim::Brace => "{",
        }
    }

    fn close(self) -> &'static str {
        match self {
            Delim::Paren => ")",
            Delim::Bracket => "]",
            Delim::Brace => "}",
        }
    }

    fn opened_by(tok: &Tok) -> Option<Delim> {
        match tok {
            Tok::Punct('(') => Some(Delim::Paren),
            Tok::Punct('[') => Some(Delim::Bracket),
            Tok::Punct('{') => Some(Delim::Brace),
            _ => None,
        }
    }

    fn closed_by(tok: &Tok) -> Option<Delim> {
        match tok {
            Tok::Punct(')') => Some(Delim::Paren),
            Tok::Punct(']') => Some(Delim::Bracket),
            Tok::Punct('}') => Some(Delim::Brace),
            _ => None,
        }
    }
}

fn starts_value(tok: &Tok) -> bool {
    matches!(
        tok,
        Tok::Int(_)
            | Tok::Float(_)
            | Tok::Keyword(_)
            | Tok::Char(_)
            | Tok::Str { .. }
            | Tok::Ident(_)
            | Tok::Punct('(')
            | Tok::Punct('[')
            | Tok::Punct('{')
    )
}

/// See [`super::parse`].
pub(super) fn parse(text: &str) -> Result<Node, Vec<Diagnostic>> {
    if u32::try_from(text.len()).is_err() {
        return Err(vec![Diagnostic::new("file is too large", Span::new(0, 0))
            .with_label("files must be smaller than 4 GiB")]);
    }
    let lexed = lex(text);
    let end = text.len() as u32;
    let mut p = Parser {
        tokens: lexed.tokens,
        eof: Token {
            kind: Tok::Eof,
            span: Span::new(end, end),
        },
        pos: 0,
        errors: lexed.errors,
        open: Vec::new(),
        eof_error: lexed.eof_error,
        capped: false,
    };
    let value = p.document();
    let mut errors = p.errors;
    match value {
        Some(node) if errors.is_empty() => Ok(node),
        _ => {
            if errors.is_empty() {
                errors.push(Diagnostic::new("invalid input", Span::new(0, 0)));
            }
            errors.sort_by_key(|d| d.span.start);
            errors.truncate(MAX_ERRORS);
            if p.capped {
                if let Some(last) = errors.last_mut() {
                    last.notes
                        .push("too many errors; later ones are not reported".to_string());
                }
            }
            Err(errors)
        }
    }
}

struct Parser {
    tokens: Vec<Token>,
    /// Returned by `peek` past the end of `tokens`.
    eof: Token,
    pos: usize,
    errors: Vec<Diagnostic>,
    /// Currently open delimiters and their spans, innermost last.
    open: Vec<(Delim, Span)>,
    /// The rest of the input was swallowed by an already reported error (unterminated
    /// string or comment) or we stopped after too many errors: do not report
    /// "unclosed" or "found end of input" errors.
    eof_error: bool,
    capped: bool,
}

impl Parser {
    fn peek(&self) -> &Token {
        self.tokens.get(self.pos).unwrap_or(&self.eof)
    }

    fn peek_at(&self, n: usize) -> &Token {
        self.tokens.get(self.pos + n).unwrap_or(&self.eof)
    }

    fn bump(&mut self) -> Token {
        let tok = self.peek().clone();
        if self.pos < self.tokens.len() {
            self.pos += 1;
        }
        tok
    }

    /// End of the last consumed token.
    fn prev_end(&self) -> u32 {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .map_or(0, |t| t.span.end)
    }

    fn error(&mut self, d: Diagnostic) {
        if self.errors.len() >= MAX_ERRORS {
            // Give up: jump to the end so every loop terminates quickly.
            self.capped = true;
            self.eof_error = true;
            self.pos = self.tokens.len();
        } else {
            self.errors.push(d);
        }
    }

    /// Reports "expected {what}, found {tok}" at the current token, unless it is an end of
    /// input that an earlier error already explains.
    fn expected(&mut self, what: &str, label: &str) {
        let tok = self.peek();
        if tok.kind == Tok::Eof && self.eof_error {
            return;
        }
        let d = Diagnostic::new(
            format!("expected {what}, found {}", tok.kind.describe()),
            tok.span,
        )
        .with_label(label);
        self.error(d);
    }

    fn document(&mut self) -> Option<Node> {
        while self.peek().kind == Tok::Punct('#') {
            self.attribute();
        }
        let value = self.value()?;
        let tok = self.peek();
        if tok.kind != Tok::Eof {
            let mut d = Diagnostic::new(
                format!("expected end of input, found {}", tok.kind.describe()),
                tok.span,
            )
            .with_label("unexpected after the value")
            .with_secondary(value.span, "the file's value");
            d = if tok.kind == Tok::Punct(',') {
                d.with_help("remove the trailing `,`")
            } else {
                d.with_note("a RON file holds exactly one value")
            };
            self.error(d);
        }
        Some(value)
    }

    /// `#![...]`: parsed and ignored.
    fn attribute(&mut self) {
        self.bump();
        if self.peek().kind == Tok::Punct('!') {
            self.bump();
        } else {
            self.expected("`!` after `#`", "attributes look like `#![enable(...)]`");
        }
        if self.peek().kind == Tok::Punct('[') {
            let _ = self.value();
        } else {
            self.expected("`[`", "attributes look like `#![enable(...)]`");
        }
    }

    fn value(&mut self) -> Option<Node> {
        let tok = self.peek().clone();
        let kind = match tok.kind {
            Tok::Int(v) => NodeKind::Int(v),
            Tok::Float(v) => NodeKind::Float(v),
            Tok::Keyword("true") => NodeKind::Bool(true),
            Tok::Keyword("false") => NodeKind::Bool(false),
            Tok::Keyword("inf") => NodeKind::Float(f64::INFINITY),
            // The lexer makes keywords of these four words only: this is `NaN`.
            Tok::Keyword(_) => NodeKind::Float(f64::NAN),
            Tok::Char(v) => NodeKind::Char(v),
            Tok::Str {
                value,
                content_span,
                exact,
            } => NodeKind::Str {
                value,
                content_span,
                exact,
            },
            Tok::Ident(name) => {
                self.bump();
                let ident = Ident {
                    name,
                    span: tok.span,
                };
                if self.peek().kind == Tok::Punct('(') {
                    return self.parens(Some(ident));
                }
                NodeKind::Ident(ident)
            }
            Tok::Punct('(') => return self.parens(None),
            Tok::Punct('[') => return self.list(),
            Tok::Punct('{') => return self.map(),
            _ => {
                self.expected("a value", "expected a value here");
                return None;
            }
        };
        if !matches!(kind, NodeKind::Ident(_)) {
            self.bump();
        }
        Some(Node {
            kind,
            span: tok.span,
        })
    }

    /// Consumes an opening delimiter and pushes it, or reports excessive nesting and
    /// skips the whole group.
    fn open(&mut self, delim: Delim) -> Option<Span> {
        let span = self.bump().span;
        if self.open.len() >= MAX_DEPTH {
            self.error(
                Diagnostic::new("too deeply nested", span)
                    .with_label(format!("more than {MAX_DEPTH} nested `(`, `[` or `{{`")),
            );
            self.skip_group();
            return None;
        }
        self.open.push((delim, span));
        Some(span)
    }

    /// After an opener: skips to just past its balanced closer (or to the end).
    fn skip_group(&mut self) {
        let mut depth = 1usize;
        loop {
            let kind = &self.peek().kind;
            if *kind == Tok::Eof {
                return;
            }
            if Delim::opened_by(kind).is_some() {
                depth += 1;
            } else if Delim::closed_by(kind).is_some() {
                depth -= 1;
            }
            self.bump();
            if depth == 0 {
                return;
            }
        }
    }

    /// Skips to the next `,`, closing delimiter or end of input at the current depth.
    fn skip_to_sep(&mut self) {
        let mut depth = 0usize;
        loop {
            let kind = &self.peek().kind;
            if *kind == Tok::Eof || (depth == 0 && *kind == Tok::Punct(',')) {
                return;
            }
            if Delim::opened_by(kind).is_some() {
                depth += 1;
            } else if Delim::closed_by(kind).is_some() {
                if depth == 0 {
                    return;
                }
                depth -= 1;
            }
            self.bump();
        }
    }

    /// If the current token ends the sequence opened by `delim` at `open`, consumes it
    /// (when it is ours), pops the delimiter and returns the end offset of the sequence.
    fn close(&mut self, delim: Delim, open: Span) -> Option<u32> {
        let tok = self.peek().clone();
        match Delim::closed_by(&tok.kind) {
            Some(d) if d == delim => {
                self.bump();
                self.open.pop();
                Some(tok.span.end)
            }
            Some(d) => {
                self.error(
                    Diagnostic::new(
                        format!("mismatched closing delimiter `{}`", d.close()),
                        tok.span,
                    )
                    .with_label(format!("expected `{}`", delim.close()))
                    .with_secondary(open, format!("unclosed `{}` opened here", delim.open())),
                );
                self.open.pop();
                if self.open.iter().any(|&(o, _)| o == d) {
                    // It closes an enclosing delimiter: leave it for that one.
                    Some(self.prev_end())
                } else {
                    self.bump();
                    Some(tok.span.end)
                }
            }
            None if tok.kind == Tok::Eof => {
                if !self.eof_error {
                    self.error(
                        Diagnostic::new(format!("unclosed `{}`", delim.open()), open)
                            .with_label(format!("unclosed `{}` opened here", delim.open()))
                            .with_help(format!(
                                "add a closing `{}` before the end of the file",
                                delim.close()
                            )),
                    );
                }
                self.open.pop();
                Some(self.prev_end())
            }
            None => None,
        }
    }

    /// Parses comma-separated elements until the closer of `delim`; `elem` parses one
    /// element and returns false after reporting an error. Returns the end offset.
    fn seq(&mut self, delim: Delim, open: Span, mut elem: impl FnMut(&mut Self) -> bool) -> u32 {
        loop {
            if let Some(end) = self.close(delim, open) {
                return end;
            }
            if !elem(self) {
                self.skip_to_sep();
            }
            let tok = self.peek();
            let kind = &tok.kind;
            if *kind == Tok::Punct(',') {
                self.bump();
            } else if *kind != Tok::Eof && Delim::closed_by(kind).is_none() {
                let msg = format!(
                    "expected `,` or `{}`, found {}",
                    delim.close(),
                    kind.describe()
                );
                let mut d = Diagnostic::new(msg, tok.span);
                if starts_value(kind) {
                    // Most likely a missing comma: keep going with this item.
                    d = d
                        .with_label("expected `,` before this")
                        .with_help("separate items with `,`");
                    self.error(d);
                } else {
                    d = d.with_label(format!("expected `,` or `{}`", delim.close()));
                    self.error(d);
                    self.bump();
                    self.skip_to_sep();
                    if self.peek().kind == Tok::Punct(',') {
                        self.bump();
                    }
                }
            }
        }
    }

    /// `(...)` after an optional name: unit, tuple, struct or mixed.
    fn parens(&mut self, name: Option<Ident>) -> Option<Node> {
        let open = self.open(Delim::Paren)?;
        let start = name.as_ref().map_or(open.start, |n| n.span.start);
        let mut items: Vec<Node> = Vec::new();
        let mut fields: Vec<Field> = Vec::new();
        let end = self.seq(Delim::Paren, open, |p| {
            // A field name is any identifier, keywords included: `(true: 1)`.
            let field = match (&p.peek().kind, &p.peek_at(1).kind) {
                (Tok::Ident(field), Tok::Punct(':')) => Some(field.clone()),
                (Tok::Keyword(word), Tok::Punct(':')) => Some(word.to_string()),
                _ => None,
            };
            if let Some(field) = field {
                let name = Ident {
                    name: field,
                    span: p.peek().span,
                };
                p.bump();
                p.bump();
                let Some(value) = p.value() else {
                    return false;
                };
                fields.push(Field { name, value });
                return true;
            }
            let Some(value) = p.value() else {
                return false;
            };
            if let Some(first) = fields.first() {
                p.error(
                    Diagnostic::new("positional argument after named field", value.span)
                        .with_label("positional arguments must come first")
                        .with_secondary(first.name.span, "first named field"),
                );
            }
            items.push(value);
            true
        });
        let kind = match (items.is_empty(), fields.is_empty(), name) {
            (true, true, None) => NodeKind::Unit,
            (_, true, name) => NodeKind::Tuple { name, items },
            (true, false, name) => NodeKind::Struct { name, fields },
            (false, false, name) => NodeKind::Mixed {
                name,
                items,
                fields,
            },
        };
        Some(Node {
            kind,
            span: Span::new(start, end),
        })
    }

    fn list(&mut self) -> Option<Node> {
        let open = self.open(Delim::Bracket)?;
        let mut items = Vec::new();
        let end = self.seq(Delim::Bracket, open, |p| {
            p.value().map(|v| items.push(v)).is_some()
        });
        Some(Node {
            kind: NodeKind::List(items),
            span: Span::new(open.start, end),
        })
    }

    fn map(&mut self) -> Option<Node> {
        let open = self.open(Delim::Brace)?;
        let mut entries = Vec::new();
        let end = self.seq(Delim::Brace, open, |p| {
            let Some(key) = p.value() else {
                return false;
            };
            if p.peek().kind != Tok::Punct(':') {
                p.expected("`:` after map key", "expected `:`");
                return false;
            }
            p.bump();
            let Some(value) = p.value() else {
                return false;
            };
            entries.push((key, value));
            true
        });
        Some(Node {
            kind: NodeKind::Map(entries),
            span: Span::new(open.start, end),
        })
    }
}
