//! The expression language written inside scenario strings (`"x + 1"`,
//! `"len(ch) == 0"`, `"ctx.Done()"`): Go syntax and precedence.
//!
//! Precedence, loosest first: `||`, `&&`, `== != < <= > >=`, `+ -`,
//! `* / %`, unary `! - & *`, then postfix `.Done()`, `.Err()`, `.C` and
//! `[k]`. Atoms are integer literals, `true`, `false`, `nil`, `Canceled` /
//! `context.Canceled`, `DeadlineExceeded` / `context.DeadlineExceeded`,
//! `context.Background()`, names, `len(x)`, `cap(x)` and parentheses.
//!
//! Every node carries a file span: when the string literal had no escapes
//! (`exact`), offsets inside the string map one-to-one onto the file;
//! otherwise every node gets the span of the whole string.

use crate::diagnostic::Diagnostic;
use crate::ir::BinOp;
use crate::span::Span;
use crate::syntax::ExprSrc;

/// A parsed expression with its span in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Where it is written.
    pub span: Span,
}

/// Unary operators of the expression language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `!b`
    Not,
    /// `&x`: the handle of a shared variable.
    Addr,
    /// `*p`: the variable a pointer refers to.
    Deref,
}

impl UnaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Not => "!",
            UnaryOp::Addr => "&",
            UnaryOp::Deref => "*",
        }
    }
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprKind {
    /// An integer literal.
    Int(i64),
    /// `true` or `false`.
    Bool(bool),
    /// `nil`
    Nil,
    /// `context.Canceled`
    Canceled,
    /// `context.DeadlineExceeded`
    DeadlineExceeded,
    /// `context.Background()`
    Background,
    /// A name.
    Name(String),
    /// A unary operation.
    Unary(UnaryOp, Box<Expr>),
    /// A binary operation.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `len(x)`
    Len(Box<Expr>),
    /// `cap(x)`
    Cap(Box<Expr>),
    /// `x.Done()`
    Done(Box<Expr>),
    /// `x.Err()`
    Err(Box<Expr>),
    /// `x.C`
    TimerChan(Box<Expr>),
    /// `m[k]`
    Index(Box<Expr>, Box<Expr>),
    /// `xs[low:high]`, either bound optional: a slice sharing the
    /// elements of `xs` from `low` (0) up to `high` (its length).
    SlicePart(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// `errors.New("text")`: an error value (equal to every error made
    /// from the same text).
    ErrorNew(String),
    /// A string constant: `` `text` `` or `\"text\"`.
    Str(String),
    /// `rw.RLocker()`: a Locker whose `Lock`/`Unlock` are `RLock`/`RUnlock`.
    RLocker(Box<Expr>),
    /// `s.f`: a field of a record (the span is the field name's).
    Field(Box<Expr>, String, Span),
}

/// The symbol of a binary operator, for messages.
pub fn binop_symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Rem => "%",
        BinOp::Eq => "==",
        BinOp::Ne => "!=",
        BinOp::Lt => "<",
        BinOp::Le => "<=",
        BinOp::Gt => ">",
        BinOp::Ge => ">=",
        BinOp::And => "&&",
        BinOp::Or => "||",
    }
}

/// Parses an expression as written in a scenario. Syntax errors point into
/// the string when its offsets are exact.
pub fn parse(src: &ExprSrc) -> Result<Expr, Box<Diagnostic>> {
    match src {
        ExprSrc::Int(v, span) => Ok(Expr {
            kind: ExprKind::Int(*v),
            span: *span,
        }),
        ExprSrc::Bool(b, span) => Ok(Expr {
            kind: ExprKind::Bool(*b),
            span: *span,
        }),
        ExprSrc::Text { text, span, exact } => parse_text(text, *span, *exact),
    }
}

/// Parses expression text whose contents are at `span` in the file.
pub fn parse_text(text: &str, span: Span, exact: bool) -> Result<Expr, Box<Diagnostic>> {
    let exact = exact && span.len() as usize == text.len();
    let tokens = lex(text, span, exact)?;
    let end = Span::new(if exact { span.end } else { span.start }, span.end);
    let mut p = Parser {
        tokens,
        pos: 0,
        end,
        depth: 0,
    };
    if p.tokens.is_empty() {
        return Err(Box::new(
            Diagnostic::new("empty expression", span).with_label("expected an expression"),
        ));
    }
    let e = p.expr(0)?;
    if let Some(tok) = p.tokens.get(p.pos) {
        let extra = match tok.tok {
            Tok::Op("=") => Some("use `==` to compare"),
            _ => None,
        };
        let mut d = Diagnostic::new(
            format!("unexpected {} after the expression", tok.tok.describe()),
            tok.span,
        )
        .with_label("expected an operator or the end of the expression");
        if let Some(h) = extra {
            d = d.with_help(h);
        }
        return Err(Box::new(d));
    }
    Ok(e)
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// An integer literal (up to 2^63, which only fits when negated).
    Int(u64),
    Ident(String),
    Op(&'static str),
    /// A Go string literal, `"..."` or `` `...` `` (its contents).
    Str(String),
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Int(v) => format!("`{v}`"),
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Op(s) => format!("`{s}`"),
            Tok::Str(s) => format!("the string {s:?}"),
        }
    }
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    span: Span,
}

/// Operators, longest first.
const OPS: [&str; 25] = [
    "&&", "||", "==", "!=", "<=", ">=", "<-", "<", ">", "+", "-", "*", "/", "%", "!", "&", "|",
    "^", "=", "(", ")", "[", "]", ".", ":",
];

fn lex(text: &str, span: Span, exact: bool) -> Result<Vec<Token>, Box<Diagnostic>> {
    let sp = |a: usize, b: usize| -> Span {
        if exact {
            Span::new(
                span.start.saturating_add(a as u32),
                span.start.saturating_add(b as u32),
            )
        } else {
            span
        }
    };
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b.is_ascii_digit() {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let lit = &text[start..i];
            let value = int_literal(lit).ok_or_else(|| {
                Box::new(
                    Diagnostic::new(format!("invalid integer literal `{lit}`"), sp(start, i))
                        .with_label("not an integer"),
                )
            })?;
            if value > 1u64 << 63 {
                return Err(Box::new(
                    Diagnostic::new(
                        format!("integer literal `{lit}` is too large"),
                        sp(start, i),
                    )
                    .with_label("does not fit in 64 bits"),
                ));
            }
            out.push(Token {
                tok: Tok::Int(value),
                span: sp(start, i),
            });
            continue;
        }
        if b.is_ascii_alphabetic() || b == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Ident(text[start..i].to_string()),
                span: sp(start, i),
            });
            continue;
        }
        if b == b'"' || b == b'`' {
            // A Go string literal: `...` is raw; "..." allows \" and \\.
            let start = i;
            let mut lit = String::new();
            i += 1;
            let mut closed = false;
            while let Some(c) = text[i..].chars().next() {
                i += c.len_utf8();
                if c as u32 == u32::from(b) {
                    closed = true;
                    break;
                }
                if c == '\\' && b == b'"' {
                    match text[i..].chars().next() {
                        Some(e @ ('"' | '\\')) => {
                            lit.push(e);
                            i += 1;
                        }
                        _ => {
                            return Err(Box::new(
                                Diagnostic::new("unsupported escape in a string", sp(i - 1, i))
                                    .with_label("only `\\\"` and `\\\\` are supported")
                                    .with_help("write the text between backquotes: `text`"),
                            ))
                        }
                    }
                    continue;
                }
                lit.push(c);
            }
            if !closed {
                return Err(Box::new(
                    Diagnostic::new("unterminated string", sp(start, i))
                        .with_label("no closing quote")
                        .with_help("close the string: `text`"),
                ));
            }
            out.push(Token {
                tok: Tok::Str(lit),
                span: sp(start, i),
            });
            continue;
        }
        if let Some(op) = OPS.iter().find(|op| text[i..].starts_with(**op)) {
            out.push(Token {
                tok: Tok::Op(op),
                span: sp(i, i + op.len()),
            });
            i += op.len();
            continue;
        }
        let c = text[i..].chars().next().unwrap_or('?');
        return Err(Box::new(
            Diagnostic::new(
                format!("unexpected character `{c}`"),
                sp(i, i + c.len_utf8()),
            )
            .with_label("not part of the expression language"),
        ));
    }
    Ok(out)
}

/// Decimal, `0x`, `0o` and `0b` literals with `_` separators.
fn int_literal(lit: &str) -> Option<u64> {
    let lower = lit.to_ascii_lowercase();
    let (digits, radix) = if let Some(r) = lower.strip_prefix("0x") {
        (r.to_string(), 16)
    } else if let Some(r) = lower.strip_prefix("0o") {
        (r.to_string(), 8)
    } else if let Some(r) = lower.strip_prefix("0b") {
        (r.to_string(), 2)
    } else {
        (lower, 10)
    };
    let digits: String = digits.chars().filter(|&c| c != '_').collect();
    if digits.is_empty() {
        return None;
    }
    u64::from_str_radix(&digits, radix).ok()
}

/// Binding power of a binary operator (higher binds tighter).
fn binary(tok: &Tok) -> Option<(BinOp, u8)> {
    let Tok::Op(op) = tok else { return None };
    Some(match *op {
        "||" => (BinOp::Or, 1),
        "&&" => (BinOp::And, 2),
        "==" => (BinOp::Eq, 3),
        "!=" => (BinOp::Ne, 3),
        "<" => (BinOp::Lt, 3),
        "<=" => (BinOp::Le, 3),
        ">" => (BinOp::Gt, 3),
        ">=" => (BinOp::Ge, 3),
        "+" => (BinOp::Add, 4),
        "-" => (BinOp::Sub, 4),
        "*" => (BinOp::Mul, 5),
        "/" => (BinOp::Div, 5),
        "%" => (BinOp::Rem, 5),
        _ => return None,
    })
}

/// Deeper nesting is rejected (keeps recursion bounded on any input).
const MAX_DEPTH: u32 = 64;

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// Where "end of expression" errors point.
    end: Span,
    depth: u32,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Op(o), .. }) if *o == op)
    }

    fn bump(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn expected(&self, what: &str) -> Diagnostic {
        match self.peek() {
            Some(t) => Diagnostic::new(
                format!("expected {what}, found {}", t.tok.describe()),
                t.span,
            )
            .with_label(format!("expected {what}")),
            None => Diagnostic::new(
                format!("expected {what}, found the end of the expression"),
                self.end,
            )
            .with_label(format!("expected {what}")),
        }
    }

    fn expect_op(&mut self, op: &str, open: Option<Span>) -> Result<Span, Box<Diagnostic>> {
        if self.peek_op(op) {
            return Ok(self.bump().map(|t| t.span).unwrap_or(self.end));
        }
        let mut d = self.expected(&format!("`{op}`"));
        if let Some(open) = open {
            d = d.with_secondary(open, "opened here");
        }
        Err(Box::new(d))
    }

    fn expr(&mut self, min: u8) -> Result<Expr, Box<Diagnostic>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let span = self.peek().map_or(self.end, |t| t.span);
            return Err(Box::new(Diagnostic::new(
                "expression is too deeply nested",
                span,
            )));
        }
        let mut lhs = self.unary()?;
        while let Some((op, prec)) = self.peek().and_then(|t| binary(&t.tok)) {
            if prec <= min {
                break;
            }
            self.bump();
            let rhs = self.expr(prec)?;
            let span = lhs.span.join(rhs.span);
            lhs = Expr {
                kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                span,
            };
        }
        if let Some(Token {
            tok: Tok::Op(op @ ("|" | "^" | "<-")),
            span,
        }) = self.peek()
        {
            let msg = if *op == "<-" {
                format!("`{op}` is not an expression here: receive with `Recv`")
            } else {
                format!("bitwise operator `{op}` is not supported")
            };
            return Err(Box::new(
                Diagnostic::new(msg, *span).with_label("not supported"),
            ));
        }
        self.depth -= 1;
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<Expr, Box<Diagnostic>> {
        let Some(tok) = self.peek().cloned() else {
            return Err(Box::new(self.expected("an expression")));
        };
        let op = match tok.tok {
            Tok::Op("-") => UnaryOp::Neg,
            Tok::Op("!") => UnaryOp::Not,
            Tok::Op("&") => UnaryOp::Addr,
            Tok::Op("*") => UnaryOp::Deref,
            _ => return self.postfix(),
        };
        self.bump();
        if op == UnaryOp::Neg {
            if let Some(Token {
                tok: Tok::Int(v),
                span,
            }) = self.peek().cloned()
            {
                if v == 1u64 << 63 {
                    self.bump();
                    return Ok(Expr {
                        kind: ExprKind::Int(i64::MIN),
                        span: tok.span.join(span),
                    });
                }
            }
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Box::new(Diagnostic::new(
                "expression is too deeply nested",
                tok.span,
            )));
        }
        let inner = self.unary()?;
        self.depth -= 1;
        let span = tok.span.join(inner.span);
        Ok(Expr {
            kind: ExprKind::Unary(op, Box::new(inner)),
            span,
        })
    }

    /// What follows `e[`: an index `e[k]` or a part `e[low:high]`.
    fn index_or_part(&mut self, e: Expr, open: Span) -> Result<Expr, Box<Diagnostic>> {
        let low = if self.peek_op(":") {
            None
        } else {
            Some(Box::new(self.expr(0)?))
        };
        let low = match low {
            Some(key) if !self.peek_op(":") => {
                let close = self.expect_op("]", Some(open))?;
                let span = e.span.join(close);
                return Ok(Expr {
                    kind: ExprKind::Index(Box::new(e), key),
                    span,
                });
            }
            low => low,
        };
        self.bump();
        let high = if self.peek_op("]") {
            None
        } else {
            Some(Box::new(self.expr(0)?))
        };
        if self.peek_op(":") {
            let span = self.peek().map_or(self.end, |t| t.span);
            return Err(Box::new(
                Diagnostic::new("a slice part with a capacity is not supported", span)
                    .with_label("third index")
                    .with_help(
                        "weft's slices have no capacity beyond their length; write `xs[low:high]`",
                    ),
            ));
        }
        let close = self.expect_op("]", Some(open))?;
        let span = e.span.join(close);
        Ok(Expr {
            kind: ExprKind::SlicePart(Box::new(e), low, high),
            span,
        })
    }

    fn postfix(&mut self) -> Result<Expr, Box<Diagnostic>> {
        let mut e = self.primary()?;
        loop {
            if self.peek_op("[") {
                let open = self.bump().map_or(self.end, |t| t.span);
                e = self.index_or_part(e, open)?;
            } else if self.peek_op(".") {
                self.bump();
                let Some(Token {
                    tok: Tok::Ident(name),
                    span: name_span,
                }) = self.peek().cloned()
                else {
                    return Err(Box::new(self.expected("a method name after `.`")));
                };
                self.bump();
                e = self.selector(e, &name, name_span)?;
            } else if self.peek_op("(") {
                let span = self.peek().map_or(self.end, |t| t.span);
                return Err(Box::new(Diagnostic::new("function calls are not allowed in expressions", span)
                    .with_label("call")
                    .with_help(
                        "only `len(x)`, `cap(x)`, `x.Done()` and `x.Err()` can be called here; \
                         call functions with the `Call` statement",
                    )));
            } else {
                return Ok(e);
            }
        }
    }

    /// `e.name` or `e.name()`.
    fn selector(&mut self, e: Expr, name: &str, name_span: Span) -> Result<Expr, Box<Diagnostic>> {
        let wrap = |kind: fn(Box<Expr>) -> ExprKind, e: Expr, end: Span| {
            let span = e.span.join(end);
            Expr {
                kind: kind(Box::new(e)),
                span,
            }
        };
        match name {
            "Done" | "Err" | "RLocker" => {
                if !self.peek_op("(") {
                    return Err(Box::new(
                        Diagnostic::new(
                            format!("`{name}` is a method: write `{name}()`"),
                            name_span,
                        )
                        .with_label("missing `()`"),
                    ));
                }
                let open = self.bump().map_or(self.end, |t| t.span);
                let close = self.expect_op(")", Some(open))?;
                let kind = match name {
                    "Done" => ExprKind::Done,
                    "RLocker" => ExprKind::RLocker,
                    _ => ExprKind::Err,
                };
                Ok(wrap(kind, e, close))
            }
            "C" => Ok(wrap(ExprKind::TimerChan, e, name_span)),
            _ if self.peek_op("(") => Err(Box::new(
                Diagnostic::new(format!("unknown method `{name}`"), name_span)
                    .with_label("not supported")
                    .with_help(
                        "expressions support `x.Done()`, `x.Err()`, `t.C`, `rw.RLocker()` and\
                         fields `s.f` (`c.L` of a Cond); call functions with the `Call` statement",
                    ),
            )),
            _ => {
                let span = e.span.join(name_span);
                Ok(Expr {
                    kind: ExprKind::Field(Box::new(e), name.to_string(), name_span),
                    span,
                })
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, Box<Diagnostic>> {
        let Some(tok) = self.peek().cloned() else {
            return Err(Box::new(self.expected("an expression")));
        };
        match tok.tok {
            Tok::Int(v) => {
                self.bump();
                let Ok(v) = i64::try_from(v) else {
                    return Err(Box::new(
                        Diagnostic::new(format!("integer literal `{v}` is too large"), tok.span)
                            .with_label("does not fit in 64 bits"),
                    ));
                };
                Ok(Expr {
                    kind: ExprKind::Int(v),
                    span: tok.span,
                })
            }
            Tok::Op("(") => {
                self.bump();
                let inner = self.expr(0)?;
                let close = self.expect_op(")", Some(tok.span))?;
                Ok(Expr {
                    kind: inner.kind,
                    span: tok.span.join(close),
                })
            }
            Tok::Ident(name) => {
                self.bump();
                self.ident(name, tok.span)
            }
            Tok::Op(_) => Err(Box::new(self.expected("an expression"))),
            Tok::Str(text) => {
                self.bump();
                Ok(Expr {
                    kind: ExprKind::Str(text),
                    span: tok.span,
                })
            }
        }
    }

    fn ident(&mut self, name: String, span: Span) -> Result<Expr, Box<Diagnostic>> {
        let simple = |kind| Ok(Expr { kind, span });
        match name.as_str() {
            "true" => simple(ExprKind::Bool(true)),
            "false" => simple(ExprKind::Bool(false)),
            "nil" => simple(ExprKind::Nil),
            "Canceled" => simple(ExprKind::Canceled),
            "DeadlineExceeded" => simple(ExprKind::DeadlineExceeded),
            "len" | "cap" => {
                let open = self.expect_op("(", None)?;
                let arg = self.expr(0)?;
                let close = self.expect_op(")", Some(open))?;
                let arg = Box::new(arg);
                let kind = if name == "len" {
                    ExprKind::Len(arg)
                } else {
                    ExprKind::Cap(arg)
                };
                Ok(Expr {
                    kind,
                    span: span.join(close),
                })
            }
            "errors" => {
                self.expect_op(".", None)?;
                match self.peek().cloned() {
                    Some(Token {
                        tok: Tok::Ident(m), ..
                    }) if m == "New" => {
                        self.bump();
                    }
                    Some(Token {
                        tok: Tok::Ident(m),
                        span: mspan,
                    }) => {
                        return Err(Box::new(
                            Diagnostic::new(format!("unknown `errors.{m}`"), mspan)
                                .with_label("not supported")
                                .with_help("expressions support errors.New(`text`)"),
                        ))
                    }
                    _ => return Err(Box::new(self.expected("`New`"))),
                }
                let open = self.expect_op("(", None)?;
                let text = match self.peek().map(|t| t.tok.clone()) {
                    Some(Tok::Str(t)) => {
                        self.bump();
                        t
                    }
                    _ => {
                        return Err(Box::new(
                            self.expected("the error's text in quotes: errors.New(`text`)"),
                        ))
                    }
                };
                let close = self.expect_op(")", Some(open))?;
                Ok(Expr {
                    kind: ExprKind::ErrorNew(text),
                    span: span.join(close),
                })
            }
            "context" => {
                self.expect_op(".", None)?;
                let Some(Token {
                    tok: Tok::Ident(member),
                    span: mspan,
                }) = self.bump()
                else {
                    return Err(Box::new(
                        self.expected("`Canceled`, `DeadlineExceeded` or `Background()`"),
                    ));
                };
                let full = span.join(mspan);
                match member.as_str() {
                    "Canceled" => Ok(Expr {
                        kind: ExprKind::Canceled,
                        span: full,
                    }),
                    "DeadlineExceeded" => Ok(Expr {
                        kind: ExprKind::DeadlineExceeded,
                        span: full,
                    }),
                    "Background" | "TODO" => {
                        let open = self.expect_op("(", None)?;
                        let close = self.expect_op(")", Some(open))?;
                        Ok(Expr {
                            kind: ExprKind::Background,
                            span: span.join(close),
                        })
                    }
                    _ => Err(Box::new(
                        Diagnostic::new(format!("unknown `context.{member}`"), mspan)
                            .with_label("not supported")
                            .with_help(
                                "expressions support `context.Canceled`, \
                             `context.DeadlineExceeded` and `context.Background()`",
                            ),
                    )),
                }
            }
            _ => simple(ExprKind::Name(name)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Expr, Box<Diagnostic>> {
        parse_text(text, Span::new(10, 10 + text.len() as u32), true)
    }

    fn show(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Int(v) => v.to_string(),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Nil => "nil".into(),
            ExprKind::Canceled => "Canceled".into(),
            ExprKind::DeadlineExceeded => "DeadlineExceeded".into(),
            ExprKind::Background => "Background".into(),
            ExprKind::Name(n) => n.clone(),
            ExprKind::Unary(op, x) => format!("({}{})", op.symbol(), show(x)),
            ExprKind::Binary(op, a, b) => {
                format!("({} {} {})", show(a), binop_symbol(*op), show(b))
            }
            ExprKind::Len(x) => format!("len({})", show(x)),
            ExprKind::Cap(x) => format!("cap({})", show(x)),
            ExprKind::Done(x) => format!("{}.Done()", show(x)),
            ExprKind::Err(x) => format!("{}.Err()", show(x)),
            ExprKind::TimerChan(x) => format!("{}.C", show(x)),
            ExprKind::Index(m, k) => format!("{}[{}]", show(m), show(k)),
            ExprKind::SlicePart(x, l, h) => format!(
                "{}[{}:{}]",
                show(x),
                l.as_deref().map(show).unwrap_or_default(),
                h.as_deref().map(show).unwrap_or_default()
            ),
            ExprKind::ErrorNew(t) => format!("errors.New({t:?})"),
            ExprKind::Str(t) => format!("{t:?}"),
            ExprKind::RLocker(x) => format!("{}.RLocker()", show(x)),
            ExprKind::Field(x, f, _) => format!("{}.{f}", show(x)),
        }
    }

    fn ok(text: &str) -> String {
        match p(text) {
            Ok(e) => show(&e),
            Err(d) => panic!("{text}: {}", d.message),
        }
    }

    fn err(text: &str) -> (String, String) {
        match p(text) {
            Ok(e) => panic!("{text} parsed as {}", show(&e)),
            Err(d) => {
                let a = (d.span.start - 10) as usize;
                let b = (d.span.end - 10) as usize;
                (d.message, text.get(a..b).unwrap_or("?").to_string())
            }
        }
    }

    #[test]
    fn precedence_follows_go() {
        assert_eq!(ok("a || b && c"), "(a || (b && c))");
        assert_eq!(ok("a + b * c == d - 1"), "((a + (b * c)) == (d - 1))");
        assert_eq!(ok("-x * y"), "((-x) * y)");
        assert_eq!(ok("!ok && n < 3"), "((!ok) && (n < 3))");
        assert_eq!(ok("a - b - c"), "((a - b) - c)");
        assert_eq!(ok("(a + b) * c"), "((a + b) * c)");
        assert_eq!(ok("*p + 1"), "((*p) + 1)");
        assert_eq!(ok("&x"), "(&x)");
        assert_eq!(ok("m[k + 1] % 2"), "(m[(k + 1)] % 2)");
    }

    #[test]
    fn atoms_and_postfix() {
        assert_eq!(ok("len(ch) == cap(ch)"), "(len(ch) == cap(ch))");
        assert_eq!(ok("ctx.Done()"), "ctx.Done()");
        assert_eq!(
            ok("ctx.Err() == context.Canceled"),
            "(ctx.Err() == Canceled)"
        );
        assert_eq!(
            ok("ctx.Err() != DeadlineExceeded"),
            "(ctx.Err() != DeadlineExceeded)"
        );
        assert_eq!(ok("t.C"), "t.C");
        assert_eq!(ok("context.Background()"), "Background");
        assert_eq!(ok("nil"), "nil");
        assert_eq!(ok("true != false"), "(true != false)");
        assert_eq!(ok("0x10 + 1_000"), "(16 + 1000)");
        assert_eq!(ok("-9223372036854775808"), "-9223372036854775808");
    }

    #[test]
    fn slice_parts_take_either_bound() {
        assert_eq!(ok("xs[1:]"), "xs[1:]");
        assert_eq!(ok("xs[:n - 1]"), "xs[:(n - 1)]");
        assert_eq!(
            ok("q.items[i + 1:len(q.items)]"),
            "q.items[(i + 1):len(q.items)]"
        );
        assert_eq!(ok("xs[:]"), "xs[:]");
        assert_eq!(ok("xs[1:][0]"), "xs[1:][0]");
        assert_eq!(
            err("xs[1:2:3]"),
            (
                "a slice part with a capacity is not supported".into(),
                ":".into()
            )
        );
        assert_eq!(
            err("xs[]"),
            ("expected an expression, found `]`".into(), "]".into())
        );
    }

    #[test]
    fn spans_point_into_the_string() {
        let e = p("a + bb").expect("parses");
        let ExprKind::Binary(_, _, rhs) = &e.kind else {
            panic!("not binary")
        };
        assert_eq!(rhs.span, Span::new(14, 16));
        assert_eq!(e.span, Span::new(10, 16));
        let inexact = parse_text("a + b", Span::new(3, 12), false).expect("parses");
        let ExprKind::Binary(_, lhs, _) = &inexact.kind else {
            panic!("not binary")
        };
        assert_eq!(lhs.span, Span::new(3, 12));
    }

    #[test]
    fn syntax_errors_point_precisely() {
        assert_eq!(
            err("a +"),
            (
                "expected an expression, found the end of the expression".into(),
                "".into()
            )
        );
        assert_eq!(
            err("a + )"),
            ("expected an expression, found `)`".into(), ")".into())
        );
        assert_eq!(
            err("(a + b"),
            (
                "expected `)`, found the end of the expression".into(),
                "".into()
            )
        );
        assert_eq!(
            err("a b"),
            ("unexpected `b` after the expression".into(), "b".into())
        );
        assert_eq!(
            err("x = 1"),
            ("unexpected `=` after the expression".into(), "=".into())
        );
        assert_eq!(
            err("a $ b"),
            ("unexpected character `$`".into(), "$".into())
        );
        assert_eq!(
            err("a | b"),
            ("bitwise operator `|` is not supported".into(), "|".into())
        );
        assert_eq!(
            err("f(x)"),
            (
                "function calls are not allowed in expressions".into(),
                "(".into()
            )
        );
        assert_eq!(
            err("ctx.Done"),
            ("`Done` is a method: write `Done()`".into(), "Done".into())
        );
        assert_eq!(
            err("x.Foo()"),
            ("unknown method `Foo`".into(), "Foo".into())
        );
        // A field: resolved against the record's type by validation.
        assert_eq!(ok("s.mu"), "s.mu");
        assert_eq!(ok("s.jobs[i].ch"), "s.jobs[i].ch");
        assert_eq!(
            err("99999999999999999999"),
            (
                "invalid integer literal `99999999999999999999`".into(),
                "99999999999999999999".into()
            )
        );
        assert_eq!(
            err("9223372036854775808"),
            (
                "integer literal `9223372036854775808` is too large".into(),
                "9223372036854775808".into()
            )
        );
        assert_eq!(
            err("12ab"),
            ("invalid integer literal `12ab`".into(), "12ab".into())
        );
        assert_eq!(
            err("context.Foo"),
            ("unknown `context.Foo`".into(), "Foo".into())
        );
        assert_eq!(err(""), ("empty expression".into(), "".into()));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "(".repeat(500) + "1" + &")".repeat(500);
        assert!(p(&deep).is_err());
        let neg = "-".repeat(500) + "1";
        assert!(p(&neg).is_err());
    }
}
