//! Tokenizer for RON.
//!
//! The lexer never fails: malformed literals are reported and still produce a token
//! (so the parser does not pile follow-up errors on top), and unexpected characters are
//! reported and skipped.

use super::MAX_ERRORS;
use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// The kind of a token.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// One of `( ) [ ] { } , : # !`.
    Punct(char),
    Int(i64),
    Float(f64),
    /// `true`, `false`, `inf` or `NaN` written as a bare word: a value, except as a
    /// field name (`(true: 1)` is a struct with a field named `true`).
    Keyword(&'static str),
    Char(char),
    Str {
        value: String,
        content_span: Span,
        exact: bool,
    },
    Ident(String),
    Eof,
}

impl Tok {
    /// How the token is named in "found ..." messages.
    pub(crate) fn describe(&self) -> String {
        let s = match self {
            Tok::Punct(c) => return format!("`{c}`"),
            Tok::Int(_) => "integer",
            Tok::Float(_) => "float",
            Tok::Keyword(word) => return format!("`{word}`"),
            Tok::Char(_) => "character",
            Tok::Str { .. } => "string",
            Tok::Ident(name) => return format!("identifier `{name}`"),
            Tok::Eof => "end of input",
        };
        s.to_string()
    }
}

/// A token and its source span.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub(crate) kind: Tok,
    pub(crate) span: Span,
}

/// Tokenizes `text`: the result's `tokens` always end with [`Tok::Eof`].
/// The caller guarantees `text.len() <= u32::MAX`.
pub(crate) fn lex(text: &str) -> Lexer<'_> {
    let mut lx = Lexer {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        tokens: Vec::new(),
        errors: Vec::new(),
        eof_error: false,
    };
    lx.run();
    lx
}

fn sp(start: usize, end: usize) -> Span {
    Span::new(start as u32, end as u32)
}

/// A diagnostic at `[start, end)` with a label.
fn diag(start: usize, end: usize, msg: impl Into<String>, label: impl Into<String>) -> Diagnostic {
    Diagnostic::new(msg, sp(start, end)).with_label(label)
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

/// RON whitespace: space, tab and line breaks. Other Unicode white space (a
/// no-break space pasted from a web page, a form feed) is not RON.
fn is_ron_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Characters that can never start a token (reported in runs).
fn is_junk(c: char) -> bool {
    !is_ron_whitespace(c) && !c.is_ascii_alphanumeric() && !"_()[]{},:#!\"'/+-.".contains(c)
}

/// Lexer state; after [`lex`], holds the tokens and errors.
pub(crate) struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    pub(crate) tokens: Vec<Token>,
    pub(crate) errors: Vec<Diagnostic>,
    /// An unterminated string or comment swallowed the rest of the input.
    pub(crate) eof_error: bool,
}

impl Lexer<'_> {
    fn byte(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    fn digit_at(&self, at: usize) -> bool {
        self.byte(at).is_some_and(|b| b.is_ascii_digit())
    }

    fn peek_char(&self) -> Option<char> {
        self.text.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn eat_while(&mut self, f: impl Fn(u8) -> bool) {
        while self.byte(self.pos).is_some_and(&f) {
            self.pos += 1;
        }
    }

    fn push(&mut self, kind: Tok, start: usize) {
        let span = sp(start, self.pos);
        self.tokens.push(Token { kind, span });
    }

    fn push_str(&mut self, start: usize, value: String, content: (usize, usize), exact: bool) {
        let content_span = sp(content.0, content.1);
        let kind = Tok::Str {
            value,
            content_span,
            exact,
        };
        self.push(kind, start);
    }

    fn error(&mut self, d: Diagnostic) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(d);
        }
    }

    /// `word` is at `at` and not followed by an identifier character.
    fn keyword_at(&self, at: usize, word: &str) -> bool {
        self.bytes[at.min(self.bytes.len())..].starts_with(word.as_bytes())
            && !self.byte(at + word.len()).is_some_and(is_ident_byte)
    }

    fn run(&mut self) {
        while let Some(c) = self.peek_char() {
            let start = self.pos;
            let next = self.byte(start + 1);
            match c {
                c if is_ron_whitespace(c) => self.pos += c.len_utf8(),
                '/' if next == Some(b'/') => {
                    let line = self.text[start..].find('\n');
                    self.pos = line.map_or(self.text.len(), |i| start + i);
                }
                '/' if next == Some(b'*') => self.block_comment(start),
                '"' => self.string(start),
                '\'' => self.char_lit(start),
                'r' if self.raw_string_hashes(start).is_some() => self.raw_string(start),
                'r' if next == Some(b'#') && self.byte(start + 2).is_some_and(is_ident_start) => {
                    self.pos += 2;
                    self.eat_while(is_ident_byte);
                    let name = self.text[start + 2..self.pos].to_string();
                    self.push(Tok::Ident(name), start);
                }
                '0'..='9' => self.number(start),
                '.' if self.digit_at(start + 1) => self.number(start),
                '+' | '-'
                    if self.digit_at(start + 1)
                        || (next == Some(b'.') && self.digit_at(start + 2))
                        || self.keyword_at(start + 1, "inf")
                        || self.keyword_at(start + 1, "NaN") =>
                {
                    self.number(start)
                }
                c if c.is_ascii_alphabetic() || c == '_' => self.ident(start),
                c => {
                    self.pos += c.len_utf8();
                    if "()[]{},:#!".contains(c) {
                        self.push(Tok::Punct(c), start);
                        continue;
                    }
                    while let Some(c) = self.peek_char().filter(|&c| is_junk(c)) {
                        self.pos += c.len_utf8();
                    }
                    let junk = &self.text[start..self.pos];
                    let shown: String = junk.chars().flat_map(char::escape_debug).collect();
                    let s = if junk.chars().nth(1).is_some() {
                        "s"
                    } else {
                        ""
                    };
                    let msg = format!("unexpected character{s} `{shown}`");
                    let mut d = diag(start, self.pos, msg, "not valid here");
                    if junk.chars().any(char::is_whitespace) {
                        d = d.with_help("RON white space is spaces, tabs and line breaks only");
                    }
                    self.error(d);
                }
            }
        }
        self.push(Tok::Eof, self.text.len());
    }

    fn block_comment(&mut self, start: usize) {
        let mut depth = 0usize;
        loop {
            let rest = &self.bytes[self.pos..];
            if rest.starts_with(b"/*") {
                depth += 1;
                self.pos += 2;
            } else if rest.starts_with(b"*/") {
                depth -= 1;
                self.pos += 2;
                if depth == 0 {
                    return;
                }
            } else if let Some(c) = self.peek_char() {
                self.pos += c.len_utf8();
            } else {
                let note = "block comments nest: each `/*` needs its own `*/`";
                self.unterminated("block comment", start, start + 2, Some(note));
                return;
            }
        }
    }

    fn unterminated(&mut self, what: &str, start: usize, end: usize, note: Option<&str>) {
        self.eof_error = true;
        let label = format!("{what} starts here and is never closed");
        let mut d = diag(start, end, format!("unterminated {what}"), label);
        d.notes.extend(note.map(str::to_string));
        self.error(d);
    }

    fn ident(&mut self, start: usize) {
        self.eat_while(is_ident_byte);
        let word = &self.text[start..self.pos];
        let kind = match ["true", "false", "inf", "NaN"]
            .into_iter()
            .find(|&k| k == word)
        {
            Some(keyword) => Tok::Keyword(keyword),
            None => Tok::Ident(word.to_string()),
        };
        self.push(kind, start);
    }

    /// At `\`: consumes one escape sequence and returns its character, or `None` after
    /// reporting an error (or at end of input, which the caller reports).
    fn escape(&mut self) -> Option<char> {
        let start = self.pos;
        self.pos += 1;
        let c = self.peek_char()?;
        self.pos += c.len_utf8();
        let out = match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '0' => '\0',
            '\\' | '"' | '\'' => c,
            'u' => return self.unicode_escape(start),
            'x' => return self.ascii_escape(start),
            _ => {
                let msg = format!("invalid escape `\\{}`", c.escape_debug());
                let help = r#"valid escapes are `\n`, `\t`, `\r`, `\0`, `\\`, `\"`, `\'`, `\x7F` and `\u{...}`"#;
                self.error(diag(start, self.pos, msg, "unknown escape sequence").with_help(help));
                return None;
            }
        };
        Some(out)
    }

    /// After `\x` (which started at `start`): exactly 2 hex digits, at most `7F` (as in
    /// Rust; the ron crate reads `\x80`..`\xFF` as U+0080..U+00FF, which is rejected
    /// here because it is easily mistaken for a UTF-8 byte).
    fn ascii_escape(&mut self, start: usize) -> Option<char> {
        let digits_start = self.pos;
        while self.pos < digits_start + 2
            && self.byte(self.pos).is_some_and(|b| b.is_ascii_hexdigit())
        {
            self.pos += 1;
        }
        let shown = &self.text[start..self.pos];
        let value = u8::from_str_radix(&self.text[digits_start..self.pos], 16)
            .ok()
            .filter(|_| self.pos == digits_start + 2);
        let label = match value {
            Some(v) if v <= 0x7F => return Some(char::from(v)),
            Some(_) => "`\\x` escapes go up to `\\x7F`",
            None => "expected exactly 2 hex digits",
        };
        let msg = format!("invalid ASCII escape `{shown}`");
        let d = diag(start, self.pos, msg, label);
        self.error(d.with_help(r"write ASCII escapes like `\x41`, other characters like `\u{E9}`"));
        None
    }

    /// After `\u` (which started at `start`): `{X..}` with 1-6 hex digits, or exactly 4 hex digits.
    fn unicode_escape(&mut self, start: usize) -> Option<char> {
        let braced = self.byte(self.pos) == Some(b'{');
        self.pos += usize::from(braced);
        let digits_start = self.pos;
        let max = if braced { usize::MAX } else { digits_start + 4 };
        while self.pos < max && self.byte(self.pos).is_some_and(|b| b.is_ascii_hexdigit()) {
            self.pos += 1;
        }
        let digits = &self.text[digits_start..self.pos];
        let closed = !braced || self.byte(self.pos) == Some(b'}');
        self.pos += usize::from(braced && closed);
        let ok_len = if braced {
            digits.len() <= 6
        } else {
            digits.len() == 4
        };
        let value = u32::from_str_radix(digits, 16)
            .ok()
            .filter(|_| ok_len && closed);
        let ch = value.and_then(char::from_u32);
        if ch.is_none() {
            let label = match (value, braced) {
                (Some(_), _) => "not a unicode scalar value",
                (None, true) => "expected 1 to 6 hex digits and a closing `}`",
                (None, false) => "expected exactly 4 hex digits",
            };
            let msg = format!("invalid unicode escape `{}`", &self.text[start..self.pos]);
            let d = diag(start, self.pos, msg, label);
            self.error(d.with_help(r"write unicode escapes like `\u{1F600}`"));
        }
        ch
    }

    fn string(&mut self, start: usize) {
        self.pos += 1;
        let content_start = self.pos;
        let mut value = String::new();
        let mut exact = true;
        let content_end = loop {
            match self.peek_char() {
                None => {
                    self.unterminated("string", start, start + 1, None);
                    break self.pos;
                }
                Some('"') => {
                    self.pos += 1;
                    break self.pos - 1;
                }
                Some('\\') => {
                    exact = false;
                    value.extend(self.escape());
                }
                Some(c) => {
                    value.push(c);
                    self.pos += c.len_utf8();
                }
            }
        };
        self.push_str(start, value, (content_start, content_end), exact);
    }

    /// If a raw string `r#*"` starts at `at`, the number of `#`.
    fn raw_string_hashes(&self, at: usize) -> Option<usize> {
        let hashes = self.bytes[at + 1..]
            .iter()
            .take_while(|&&b| b == b'#')
            .count();
        (self.byte(at + 1 + hashes) == Some(b'"')).then_some(hashes)
    }

    fn raw_string(&mut self, start: usize) {
        let hashes = self.raw_string_hashes(start).unwrap_or(0);
        let content_start = start + hashes + 2;
        let closing = format!("\"{}", "#".repeat(hashes));
        let content_end = match self.text[content_start..].find(&closing) {
            Some(i) => {
                self.pos = content_start + i + closing.len();
                content_start + i
            }
            None => {
                self.pos = self.text.len();
                self.unterminated("raw string", start, content_start, None);
                self.pos
            }
        };
        let value = self.text[content_start..content_end].to_string();
        self.push_str(start, value, (content_start, content_end), true);
    }

    fn char_lit(&mut self, start: usize) {
        self.pos += 1;
        let content_start = self.pos;
        let mut value = String::new();
        let mut exact = true;
        let mut count = 0;
        loop {
            match self.peek_char() {
                None | Some('\n') => {
                    // Only the quote is consumed; the rest is lexed normally.
                    self.pos = content_start;
                    let msg = "unterminated character literal";
                    let d = diag(start, content_start, msg, "this quote is never closed");
                    self.error(d.with_help("strings use double quotes"));
                    return;
                }
                Some('\'') => break,
                Some('\\') => {
                    exact = false;
                    value.extend(self.escape());
                }
                Some(c) => {
                    value.push(c);
                    self.pos += c.len_utf8();
                }
            }
            count += 1;
        }
        let content_end = self.pos;
        self.pos += 1;
        let mut chars = value.chars();
        let kind = match (count, chars.next(), chars.next()) {
            (1, Some(c), None) => Tok::Char(c),
            (1, _, _) => Tok::Char('\0'), // bad escape, already reported
            (0, _, _) => {
                let label = "expected one character between the quotes";
                self.error(diag(start, self.pos, "empty character literal", label));
                Tok::Char('\0')
            }
            _ => {
                let msg = "character literal may only contain one character";
                let d = diag(start, self.pos, msg, "single quotes are for characters");
                self.error(d.with_help("strings use double quotes"));
                self.push_str(start, value, (content_start, content_end), exact);
                return;
            }
        };
        self.push(kind, start);
    }

    fn number(&mut self, start: usize) {
        let neg = self.byte(self.pos) == Some(b'-');
        self.pos += usize::from(matches!(self.byte(self.pos), Some(b'+' | b'-')));
        for (word, v) in [("inf", f64::INFINITY), ("NaN", f64::NAN)] {
            if self.keyword_at(self.pos, word) {
                self.pos += word.len();
                self.push(Tok::Float(if neg { -v } else { v }), start);
                return;
            }
        }
        let radix = match (self.byte(self.pos), self.byte(self.pos + 1)) {
            (Some(b'0'), Some(b'x')) => 16,
            (Some(b'0'), Some(b'o')) => 8,
            (Some(b'0'), Some(b'b')) => 2,
            _ => 10,
        };
        if radix != 10 {
            self.pos += 2;
            let digits_start = self.pos;
            self.eat_while(is_ident_byte);
            let kind = self.int_value(start, (digits_start, self.pos), radix, neg);
            self.push(kind, start);
            return;
        }
        let digits_start = self.pos;
        let is_digit = |b: u8| b.is_ascii_digit() || b == b'_';
        self.eat_while(is_digit);
        let digits_end = self.pos;
        let mut float = false;
        // `1.` and `1.5` are floats, and so is `1.e5`; `1.x` is not.
        if self.byte(self.pos) == Some(b'.')
            && (!self.byte(self.pos + 1).is_some_and(is_ident_start)
                || self.exponent_len(self.pos + 1) > 0)
        {
            float = true;
            self.pos += 1;
            self.eat_while(is_digit);
        }
        let exponent = self.exponent_len(self.pos);
        if exponent > 0 {
            float = true;
            self.pos += exponent;
            self.eat_while(is_digit);
        }
        let number_end = self.pos;
        self.eat_while(is_ident_byte);
        if self.pos > number_end {
            let msg = format!(
                "invalid suffix `{}` on number",
                &self.text[number_end..self.pos]
            );
            let help = "separate the number from what follows with `,` or whitespace";
            let d = diag(number_end, self.pos, msg, "unexpected suffix");
            self.error(d.with_help(help));
        }
        let kind = if float {
            let shown = &self.text[start..number_end];
            let clean: String = shown.chars().filter(|&c| c != '_').collect();
            clean.parse::<f64>().map_or_else(
                |_| {
                    let msg = format!("invalid float `{shown}`");
                    self.error(diag(start, number_end, msg, "not a valid number"));
                    Tok::Float(0.0)
                },
                Tok::Float,
            )
        } else {
            self.int_value(start, (digits_start, digits_end), 10, neg)
        };
        self.push(kind, start);
    }

    /// The length of the `e`, `E`, `e+` or `e-` at `at` that starts a float exponent
    /// (one followed by a digit), or 0.
    fn exponent_len(&self, at: usize) -> usize {
        if !matches!(self.byte(at), Some(b'e' | b'E')) {
            return 0;
        }
        let sign = usize::from(matches!(self.byte(at + 1), Some(b'+' | b'-')));
        if self.digit_at(at + 1 + sign) {
            1 + sign
        } else {
            0
        }
    }

    /// Evaluates the integer literal starting at `start` whose digits are `digits`.
    fn int_value(&mut self, start: usize, digits: (usize, usize), radix: u32, neg: bool) -> Tok {
        let (radix_name, prefix) = match radix {
            16 => ("hexadecimal", "0x"),
            8 => ("octal", "0o"),
            2 => ("binary", "0b"),
            _ => ("decimal", ""),
        };
        let (digits_start, digits_end) = digits;
        let mut acc: Option<u128> = Some(0);
        let mut any = false;
        for (i, c) in self.text[digits_start..digits_end].char_indices() {
            if c == '_' {
                continue;
            }
            let Some(d) = c.to_digit(radix) else {
                let at = digits_start + i;
                let msg = format!("invalid digit `{c}` in {radix_name} integer");
                let label = format!("not a {radix_name} digit");
                self.error(diag(at, at + c.len_utf8(), msg, label));
                return Tok::Int(0);
            };
            any = true;
            acc = acc.and_then(|a| a.checked_mul(u128::from(radix))?.checked_add(u128::from(d)));
        }
        if !any {
            let msg = format!("missing digits after `{prefix}`");
            let label = format!("expected {radix_name} digits");
            self.error(diag(start, digits_end, msg, label));
            return Tok::Int(0);
        }
        let value = acc
            .and_then(|m| i128::try_from(m).ok())
            .and_then(|m| i64::try_from(if neg { -m } else { m }).ok());
        value.map_or_else(
            || {
                let (msg, label) = if neg {
                    ("too small", format!("the smallest integer is {}", i64::MIN))
                } else {
                    ("too large", format!("the largest integer is {}", i64::MAX))
                };
                let msg = format!("integer `{}` is {msg}", &self.text[start..digits_end]);
                self.error(diag(start, digits_end, msg, label));
                Tok::Int(0)
            },
            Tok::Int,
        )
    }
}
