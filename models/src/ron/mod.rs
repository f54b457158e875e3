//! A small RON reader that keeps source positions.
//!
//! [`parse`] turns RON text into a [`Node`] tree where every node, identifier and
//! field name carries its byte [`Span`], so later stages can point
//! diagnostics at the exact source text. Syntax errors come back as
//! [`Diagnostic`]s, as many as can reasonably be found in one pass.
//!
//! The grammar is standard RON: `//` and nested `/* */` comments, integers (decimal,
//! `0x`/`0o`/`0b`, `_` separators, fitting in `i64`), floats, `true`/`false`, strings with
//! escapes, raw strings `r#"..."#`, chars, identifiers, tuples, structs, lists, maps,
//! trailing commas everywhere, and optional `#![enable(...)]` attributes (ignored).
//!
//! `tests/ron_differential.rs` checks that this reader agrees with the `ron` crate,
//! except where it differs on purpose. It is more lenient with `_` in floats and
//! right after `0x`/`0o`/`0b`, with four-digit `\u00e9` escapes, with whatever
//! attributes hold, and with `Name(a, field: b)` (parsed for a better error from the
//! decoder). It is stricter with integers outside `i64` (the `ron` crate rounds them
//! to floats), with line breaks inside character literals, with `\x80`..`\xFF`
//! escapes, and with raw identifiers that are not Rust identifiers (`r#a.b`).

use crate::diagnostic::Diagnostic;
use crate::span::Span;

mod lexer;
mod parser;

/// At most this many syntax errors are reported for one file.
pub(crate) const MAX_ERRORS: usize = 50;
/// Deeper nesting of `(`, `[` and `{` is a syntax error.
pub(crate) const MAX_DEPTH: usize = 128;

/// A RON value and the span of its whole source text.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What the value is.
    pub kind: NodeKind,
    /// Covers the whole value, e.g. from `Name` to the closing `)`.
    pub span: Span,
}

/// An identifier (a variant, struct or field name) and its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    /// The identifier text (without any `r#` prefix).
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A named field `name: value` inside parentheses.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The field name.
    pub name: Ident,
    /// The field value.
    pub value: Node,
}

/// The kinds of RON values.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// An integer literal (always fits in `i64`).
    Int(i64),
    /// A float literal, including `inf` and `NaN`.
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// A character literal `'x'`.
    Char(char),
    /// A string literal. `content_span` is the span of the characters between the quotes;
    /// `exact` is true when the literal has no escapes, so byte `i` of `value` is at
    /// `content_span.start + i` (used to point into expression strings).
    Str {
        /// The string value, escapes resolved.
        value: String,
        /// The text between the quotes.
        content_span: Span,
        /// True when `value` is byte-for-byte the source text in `content_span`.
        exact: bool,
    },
    /// `()`.
    Unit,
    /// A bare identifier: an enum unit variant like `Leak`, `None`, `Return`.
    Ident(Ident),
    /// `Name(a, b)` or `(a, b)` (name `None`): positional arguments.
    /// `Name()` is a tuple with no items.
    Tuple {
        /// The name before `(`, if any.
        name: Option<Ident>,
        /// The positional items.
        items: Vec<Node>,
    },
    /// `Name(x: 1, y: 2)` or `(x: 1, y: 2)`: named fields.
    Struct {
        /// The name before `(`, if any.
        name: Option<Ident>,
        /// The fields in source order.
        fields: Vec<Field>,
    },
    /// `Name("ch", into: "v")`: not valid RON, but parsed (positional items first, then named
    /// fields) so the decoder can give a helpful error instead of a syntax error.
    Mixed {
        /// The name before `(`, if any.
        name: Option<Ident>,
        /// The positional items.
        items: Vec<Node>,
        /// The named fields that follow them.
        fields: Vec<Field>,
    },
    /// `[a, b]`.
    List(Vec<Node>),
    /// `{k: v}`, entries in source order.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// A short description of what kind of value this is, for messages like
    /// "expected a string, found an integer". Named tuples and structs are described
    /// generically (e.g. "`Name(...)`"), since the result is a static string.
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            NodeKind::Int(_) => "an integer",
            NodeKind::Float(_) => "a float",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Char(_) => "a character",
            NodeKind::Str { .. } => "a string",
            NodeKind::Unit => "`()`",
            NodeKind::Ident(_) => "an identifier",
            NodeKind::Tuple { name: Some(_), .. } => "`Name(...)`",
            NodeKind::Tuple { name: None, .. } => "a tuple `(...)`",
            NodeKind::Struct { name: Some(_), .. } => "`Name(field: ...)`",
            NodeKind::Struct { name: None, .. } => "a struct `(field: ...)`",
            NodeKind::Mixed { .. } => "`Name(..., field: ...)`",
            NodeKind::List(_) => "a list",
            NodeKind::Map(_) => "a map",
        }
    }
}

/// Parses one RON document: optional `#![...]` attributes, then exactly one value.
///
/// On failure returns every syntax error found (at least one, at most 50), sorted by
/// position. Never panics, whatever the input.
pub fn parse(text: &str) -> Result<Node, Vec<Diagnostic>> {
    parser::parse(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::SourceFile;

    fn ok(text: &str) -> Node {
        match parse(text) {
            Ok(n) => n,
            Err(e) => panic!("unexpected errors for {text:?}: {e:#?}"),
        }
    }

    fn errs(text: &str) -> Vec<Diagnostic> {
        match parse(text) {
            Ok(n) => panic!("expected errors for {text:?}, got {n:#?}"),
            Err(e) => e,
        }
    }

    /// The source text of each error's primary span, with its message.
    fn err_spans(text: &str) -> Vec<(String, String)> {
        let file = SourceFile::new("t", text);
        errs(text)
            .into_iter()
            .map(|d| (d.message.clone(), file.slice(d.span).to_string()))
            .collect()
    }

    fn int(n: &Node) -> i64 {
        match n.kind {
            NodeKind::Int(v) => v,
            ref k => panic!("not an int: {k:?}"),
        }
    }

    fn str_of(n: &Node) -> (&str, Span, bool) {
        match &n.kind {
            NodeKind::Str {
                value,
                content_span,
                exact,
            } => (value, *content_span, *exact),
            k => panic!("not a string: {k:?}"),
        }
    }

    #[test]
    fn scalars() {
        assert_eq!(int(&ok("42")), 42);
        assert_eq!(int(&ok("-42")), -42);
        assert_eq!(int(&ok("+7")), 7);
        assert_eq!(int(&ok("1_000_000")), 1_000_000);
        assert_eq!(int(&ok("0x_ff")), 255);
        assert_eq!(int(&ok("-0x10")), -16);
        assert_eq!(int(&ok("0o17")), 15);
        assert_eq!(int(&ok("0b1010")), 10);
        assert_eq!(int(&ok("9223372036854775807")), i64::MAX);
        assert_eq!(int(&ok("-9223372036854775808")), i64::MIN);
        assert_eq!(ok("1.5").kind, NodeKind::Float(1.5));
        assert_eq!(ok("-2e3").kind, NodeKind::Float(-2000.0));
        assert_eq!(ok(".5").kind, NodeKind::Float(0.5));
        assert_eq!(ok("1.").kind, NodeKind::Float(1.0));
        // a fraction may be empty before an exponent, as in the ron crate
        assert_eq!(ok("1.e5").kind, NodeKind::Float(100_000.0));
        assert_eq!(ok("-2.E-1").kind, NodeKind::Float(-0.2));
        assert_eq!(err_spans("1.ex")[0].0, "unexpected character `.`");
        assert_eq!(ok("-inf").kind, NodeKind::Float(f64::NEG_INFINITY));
        assert!(matches!(ok("NaN").kind, NodeKind::Float(v) if v.is_nan()));
        assert_eq!(ok("true").kind, NodeKind::Bool(true));
        assert_eq!(ok(" false ").kind, NodeKind::Bool(false));
        assert_eq!(ok("'x'").kind, NodeKind::Char('x'));
        assert_eq!(ok("'\\n'").kind, NodeKind::Char('\n'));
        assert_eq!(ok("'\\''").kind, NodeKind::Char('\''));
        assert_eq!(ok("'é'").kind, NodeKind::Char('é'));
        assert_eq!(ok("()").kind, NodeKind::Unit);
        let n = ok("  Leak ");
        assert_eq!(n.span, Span::new(2, 6));
        assert!(matches!(&n.kind, NodeKind::Ident(i) if i.name == "Leak" && i.span == n.span));
        assert!(matches!(&ok("r#type").kind, NodeKind::Ident(i) if i.name == "type"));
    }

    #[test]
    fn strings_and_spans() {
        let text = r#"  "a\tb\u{1F600}\\\"\'\0\r\n" "#;
        let n = ok(text);
        let (v, content, exact) = str_of(&n);
        assert_eq!(v, "a\tb\u{1F600}\\\"'\0\r\n");
        assert!(!exact);
        let file = SourceFile::new("t", text);
        assert_eq!(file.slice(content), r#"a\tb\u{1F600}\\\"\'\0\r\n"#);
        assert_eq!(file.slice(n.span), &text[2..text.len() - 1]);

        let text = r#"Send(chan: "ch1 + x")"#;
        let n = ok(text);
        let NodeKind::Struct { fields, .. } = &n.kind else {
            panic!("not a struct: {n:?}")
        };
        let (v, content, exact) = str_of(&fields[0].value);
        assert!(exact);
        let file = SourceFile::new("t", text);
        assert_eq!(file.slice(content), v);
        // exact: byte i of the value is at content.start + i
        let plus = v.find('+').expect("has +") as u32;
        let at = content.start + plus;
        assert_eq!(file.slice(Span::new(at, at + 1)), "+");
        // unicode escape with 4 digits, and a multi-line string
        assert_eq!(str_of(&ok(r#""\u00e9""#)).0, "é");
        assert_eq!(str_of(&ok("\"a\nb\"")).0, "a\nb");
        assert_eq!(str_of(&ok("\"\"")).1, Span::new(1, 1));
    }

    #[test]
    fn raw_strings() {
        let text = r##"r#"he said "hi" \n"#"##;
        let n = ok(text);
        let (v, content, exact) = str_of(&n);
        assert_eq!(v, r#"he said "hi" \n"#);
        assert!(exact);
        let file = SourceFile::new("t", text);
        assert_eq!(file.slice(content), v);
        assert_eq!(file.slice(n.span), text);
        assert_eq!(str_of(&ok(r#"r"plain""#)).0, "plain");
        assert_eq!(str_of(&ok(r###"r##"a"#b"##"###)).0, "a\"#b");
    }

    #[test]
    fn nested_structure_and_spans() {
        let text = "Scenario(\n  name: \"x\",\n  main: [Send(chan: \"ch\", value: 1), Recv(\"a\")],\n  \
                    funcs: {\"w\": (params: [\"a\"], body: [Return])},\n  opt: Some(3),\n  none: None,\n  \
                    t: (1, 2),\n  e: Empty(),\n)";
        let file = SourceFile::new("t.ron", text);
        let n = ok(text);
        assert_eq!(file.slice(n.span), text);
        let NodeKind::Struct { name, fields } = &n.kind else {
            panic!("{n:?}")
        };
        assert_eq!(name.as_ref().map(|i| file.slice(i.span)), Some("Scenario"));
        let names: Vec<&str> = fields.iter().map(|f| file.slice(f.name.span)).collect();
        assert_eq!(names, ["name", "main", "funcs", "opt", "none", "t", "e"]);
        let slices: Vec<&str> = fields.iter().map(|f| file.slice(f.value.span)).collect();
        assert_eq!(
            slices,
            [
                "\"x\"",
                "[Send(chan: \"ch\", value: 1), Recv(\"a\")]",
                "{\"w\": (params: [\"a\"], body: [Return])}",
                "Some(3)",
                "None",
                "(1, 2)",
                "Empty()",
            ]
        );
        let NodeKind::List(main) = &fields[1].value.kind else {
            panic!()
        };
        assert_eq!(file.slice(main[0].span), "Send(chan: \"ch\", value: 1)");
        let NodeKind::Struct { fields: send, .. } = &main[0].kind else {
            panic!()
        };
        assert_eq!(file.slice(send[1].value.span), "1");
        let (_, content, _) = str_of(&send[0].value);
        assert_eq!(file.slice(content), "ch");
        assert!(
            matches!(&main[1].kind, NodeKind::Tuple { name: Some(n), items } if n.name == "Recv" && items.len() == 1)
        );
        let NodeKind::Map(entries) = &fields[2].value.kind else {
            panic!()
        };
        assert_eq!(file.slice(entries[0].0.span), "\"w\"");
        assert_eq!(
            file.slice(entries[0].1.span),
            "(params: [\"a\"], body: [Return])"
        );
        assert!(
            matches!(&entries[0].1.kind, NodeKind::Struct { name: None, fields } if fields.len() == 2)
        );
        assert!(
            matches!(&fields[3].value.kind, NodeKind::Tuple { name: Some(n), items } if n.name == "Some" && int(&items[0]) == 3)
        );
        assert!(
            matches!(&fields[5].value.kind, NodeKind::Tuple { name: None, items } if items.len() == 2)
        );
        assert!(
            matches!(&fields[6].value.kind, NodeKind::Tuple { name: Some(_), items } if items.is_empty())
        );
    }

    #[test]
    fn keywords_as_field_names() {
        // Standard RON (and the ron crate) allow any identifier as a field name.
        let text = "(true: 1, false: 2, inf: 3, NaN: 4, x: true, y: inf)";
        let n = ok(text);
        let NodeKind::Struct { name: None, fields } = &n.kind else {
            panic!("{n:?}")
        };
        let names: Vec<&str> = fields.iter().map(|f| f.name.name.as_str()).collect();
        assert_eq!(names, ["true", "false", "inf", "NaN", "x", "y"]);
        let file = SourceFile::new("t", text);
        assert_eq!(file.slice(fields[2].name.span), "inf");
        assert_eq!(int(&fields[3].value), 4);
        assert_eq!(fields[4].value.kind, NodeKind::Bool(true));
        assert_eq!(fields[5].value.kind, NodeKind::Float(f64::INFINITY));
        // Elsewhere they stay values.
        assert!(matches!(&ok("{true: NaN}").kind,
            NodeKind::Map(e) if e[0].0.kind == NodeKind::Bool(true)
                && matches!(e[0].1.kind, NodeKind::Float(v) if v.is_nan())));
        assert_eq!(
            err_spans("[true: 1]"),
            [(
                "expected `,` or `]`, found `:`".to_string(),
                ":".to_string()
            )]
        );
    }

    #[test]
    fn mixed_and_describe() {
        let text = "Recv(\"ch\", into: \"v\", ok: true)";
        let file = SourceFile::new("t", text);
        let n = ok(text);
        let NodeKind::Mixed {
            name: Some(name),
            items,
            fields,
        } = &n.kind
        else {
            panic!("{n:?}")
        };
        assert_eq!(name.name, "Recv");
        assert_eq!(file.slice(items[0].span), "\"ch\"");
        assert_eq!(file.slice(fields[0].name.span), "into");
        assert_eq!(file.slice(fields[1].value.span), "true");
        assert_eq!(n.describe(), "`Name(..., field: ...)`");
        assert_eq!(ok("1").describe(), "an integer");
        assert_eq!(ok("\"s\"").describe(), "a string");
        assert_eq!(ok("[]").describe(), "a list");
        assert_eq!(ok("{}").describe(), "a map");
        assert_eq!(ok("A(1)").describe(), "`Name(...)`");
        assert_eq!(ok("A").describe(), "an identifier");
        assert_eq!(ok("()").describe(), "`()`");
        // named before positional is a syntax error
        let e = err_spans("Recv(into: \"v\", \"ch\")");
        assert_eq!(
            e,
            [(
                "positional argument after named field".to_string(),
                "\"ch\"".to_string()
            )]
        );
    }

    #[test]
    fn comments_trailing_commas_attributes() {
        let text = "#![enable(implicit_some)]\n#![enable(unwrap_newtypes)]\n// line\n/* block /* nested */ still */\n\
                    A(x: [1, 2,], y: {\"k\": 1,}, z: (1,), w: B(c: 3,),) // end";
        let n = ok(text);
        let NodeKind::Struct { fields, .. } = &n.kind else {
            panic!("{n:?}")
        };
        assert_eq!(fields.len(), 4);
        assert!(matches!(&fields[0].value.kind, NodeKind::List(v) if v.len() == 2));
        assert!(matches!(&fields[1].value.kind, NodeKind::Map(v) if v.len() == 1));
        assert!(matches!(&fields[2].value.kind, NodeKind::Tuple { items, .. } if items.len() == 1));
        assert!(
            matches!(&fields[3].value.kind, NodeKind::Struct { fields, .. } if fields.len() == 1)
        );
        assert_eq!(
            ok("[/**/1/*x*/]//").kind,
            NodeKind::List(vec![Node {
                kind: NodeKind::Int(1),
                span: Span::new(5, 6)
            }])
        );
    }

    #[test]
    fn error_unterminated_string() {
        let text = "A(x: \"abc, y: 2)";
        let e = errs(text);
        assert_eq!(e.len(), 1, "{e:#?}");
        assert_eq!(e[0].message, "unterminated string");
        assert_eq!(e[0].span, Span::new(5, 6));
        let e = errs("[1, 2, /* never closed");
        assert_eq!(e.len(), 1, "{e:#?}");
        assert_eq!(e[0].message, "unterminated block comment");
        assert_eq!(e[0].span, Span::new(7, 9));
        let e = errs("r#\"raw");
        assert_eq!(e[0].message, "unterminated raw string");
        assert_eq!(e[0].span, Span::new(0, 3));
    }

    #[test]
    fn error_unclosed() {
        let text = "A(x: [1, 2)";
        // `)` closes `(`; `[` is reported as mismatched
        let e = errs(text);
        assert_eq!(e.len(), 1, "{e:#?}");
        assert_eq!(e[0].message, "mismatched closing delimiter `)`");
        assert_eq!(e[0].span, Span::new(10, 11));
        assert_eq!(
            e[0].secondary,
            [(Span::new(5, 6), "unclosed `[` opened here".to_string())]
        );

        let e = errs("Scenario(\n  main: [Send(\"a\")],\n");
        assert_eq!(e.len(), 1, "{e:#?}");
        assert_eq!(e[0].message, "unclosed `(`");
        assert_eq!(e[0].span, Span::new(8, 9));
        assert_eq!(e[0].label, "unclosed `(` opened here");

        let e = err_spans("[(1, {2: 3");
        let msgs: Vec<_> = e.iter().map(|(m, s)| format!("{m} @ {s}")).collect();
        assert_eq!(
            msgs,
            ["unclosed `[` @ [", "unclosed `(` @ (", "unclosed `{` @ {"]
        );

        let e = err_spans("(1, 2]");
        assert_eq!(
            e,
            [(
                "mismatched closing delimiter `]`".to_string(),
                "]".to_string()
            )]
        );
    }

    #[test]
    fn error_missing_comma() {
        let text = "[1 2, 3]";
        let e = errs(text);
        assert_eq!(e.len(), 1, "{e:#?}");
        assert_eq!(e[0].message, "expected `,` or `]`, found integer");
        assert_eq!(e[0].span, Span::new(3, 4));
        let e = err_spans("A(x: 1\n  y: \"s\")");
        assert_eq!(
            e,
            [(
                "expected `,` or `)`, found identifier `y`".to_string(),
                "y".to_string()
            )]
        );
        let e = err_spans("[\"a\" \"b\"]");
        assert_eq!(
            e,
            [(
                "expected `,` or `]`, found string".to_string(),
                "\"b\"".to_string()
            )]
        );
    }

    #[test]
    fn error_stray_tokens() {
        let e = err_spans("[1, :, 3]");
        assert_eq!(
            e,
            [("expected a value, found `:`".to_string(), ":".to_string())]
        );
        let e = err_spans("A(x: 1 : 2, y: 3)");
        assert_eq!(
            e,
            [(
                "expected `,` or `)`, found `:`".to_string(),
                ":".to_string()
            )]
        );
        let e = err_spans("[1, $$ 2]");
        assert_eq!(
            e,
            [("unexpected characters `$$`".to_string(), "$$".to_string())]
        );
        // Only space, tab, CR and LF are white space; a no-break space is not.
        assert!(parse("\r\n[1,\t2]\r\n").is_ok());
        let e = errs("[1,\u{a0}2]");
        assert_eq!(e.len(), 1, "{e:#?}");
        assert_eq!(e[0].message, "unexpected character `\\u{a0}`");
        assert_eq!(e[0].span, Span::new(3, 5));
        assert_eq!(
            e[0].help.as_deref(),
            Some("RON white space is spaces, tabs and line breaks only")
        );
        assert_eq!(
            err_spans("\u{b}\u{c}1"),
            [(
                "unexpected characters `\\u{b}\\u{c}`".to_string(),
                "\u{b}\u{c}".to_string()
            )]
        );
        let e = err_spans("A(1) B");
        assert_eq!(
            e,
            [(
                "expected end of input, found identifier `B`".to_string(),
                "B".to_string()
            )]
        );
        let e = err_spans("A(1),");
        assert_eq!(
            e,
            [(
                "expected end of input, found `,`".to_string(),
                ",".to_string()
            )]
        );
        let e = err_spans("{\"a\" 1}");
        assert_eq!(
            e,
            [(
                "expected `:` after map key, found integer".to_string(),
                "1".to_string()
            )]
        );
        let e = err_spans("");
        assert_eq!(
            e,
            [(
                "expected a value, found end of input".to_string(),
                String::new()
            )]
        );
        let e = err_spans("[1,,2]");
        assert_eq!(
            e,
            [("expected a value, found `,`".to_string(), ",".to_string())]
        );
        let e = err_spans("#[x] 1");
        assert_eq!(e[0].0, "expected `!` after `#`, found `[`");
    }

    #[test]
    fn error_escapes_and_literals() {
        let e = err_spans(r#"["a\qb", "\u{110000}", "\u12"]"#);
        assert_eq!(
            e,
            [
                ("invalid escape `\\q`".to_string(), "\\q".to_string()),
                (
                    "invalid unicode escape `\\u{110000}`".to_string(),
                    "\\u{110000}".to_string()
                ),
                (
                    "invalid unicode escape `\\u12`".to_string(),
                    "\\u12".to_string()
                ),
            ]
        );
        // `\x` escapes: two hex digits, ASCII only
        assert_eq!(str_of(&ok(r#""\x41\x7f\x0A""#)).0, "A\u{7f}\n");
        assert_eq!(ok(r"'\x2C'").kind, NodeKind::Char(','));
        let e = err_spans(r#"["\x80", "\xFF", "\x4", "\xg1"]"#);
        let msgs: Vec<_> = e.iter().map(|(m, s)| format!("{m} @ {s}")).collect();
        assert_eq!(
            msgs,
            [
                "invalid ASCII escape `\\x80` @ \\x80",
                "invalid ASCII escape `\\xFF` @ \\xFF",
                "invalid ASCII escape `\\x4` @ \\x4",
                "invalid ASCII escape `\\x` @ \\x",
            ]
        );
        let e = errs(r#""a\qb""#);
        assert_eq!(
            e[0].help.as_deref().map(|h| h.starts_with("valid escapes")),
            Some(true)
        );
        let e = errs("'hello'");
        assert_eq!(
            e[0].message,
            "character literal may only contain one character"
        );
        assert_eq!(e[0].help.as_deref(), Some("strings use double quotes"));
        assert_eq!(e[0].span, Span::new(0, 7));
        assert_eq!(err_spans("''")[0].0, "empty character literal");
        assert_eq!(
            err_spans("[1, 'a\n]")[0].0,
            "unterminated character literal"
        );
    }

    #[test]
    fn error_numbers() {
        let e = err_spans("[1, 99999999999999999999]");
        assert_eq!(
            e,
            [(
                "integer `99999999999999999999` is too large".to_string(),
                "99999999999999999999".to_string()
            )]
        );
        let e = err_spans("-9223372036854775809");
        assert_eq!(e[0].0, "integer `-9223372036854775809` is too small");
        assert_eq!(
            err_spans("0xFFFFFFFFFFFFFFFF")[0].0,
            "integer `0xFFFFFFFFFFFFFFFF` is too large"
        );
        assert_eq!(
            err_spans("0b102"),
            [(
                "invalid digit `2` in binary integer".to_string(),
                "2".to_string()
            )]
        );
        assert_eq!(
            err_spans("0x"),
            [("missing digits after `0x`".to_string(), "0x".to_string())]
        );
        assert_eq!(
            err_spans("12abc"),
            [(
                "invalid suffix `abc` on number".to_string(),
                "abc".to_string()
            )]
        );
    }

    #[test]
    fn multiple_errors_in_one_file() {
        let text = "Scenario(\n  name: \"x\" ,\n  main: [Send(chan: \"c\" value: 1), Recv(\"\\q\")],\n  funcs: {\"w\" [1]},\n  n: 99999999999999999999,\n";
        let file = SourceFile::new("t.ron", text);
        let e = errs(text);
        assert!(e.len() >= 2, "{e:#?}");
        let at: Vec<(String, (u32, u32))> = e
            .iter()
            .map(|d| (d.message.clone(), file.line_col(d.span.start)))
            .collect();
        assert_eq!(
            at,
            [
                ("unclosed `(`".to_string(), (1, 9)),
                (
                    "expected `,` or `)`, found identifier `value`".to_string(),
                    (3, 25)
                ),
                ("invalid escape `\\q`".to_string(), (3, 42)),
                ("expected `:` after map key, found `[`".to_string(), (4, 15)),
                (
                    "integer `99999999999999999999` is too large".to_string(),
                    (5, 6)
                ),
            ]
        );
        // sorted by position
        assert!(e.windows(2).all(|w| w[0].span.start <= w[1].span.start));
    }

    #[test]
    fn error_cap_and_depth() {
        let text = "[".to_string() + &":, ".repeat(200) + "]";
        let e = errs(&text);
        assert_eq!(e.len(), MAX_ERRORS);
        assert!(e[MAX_ERRORS - 1]
            .notes
            .iter()
            .any(|n| n.contains("too many errors")));

        let deep = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&deep).is_ok());
        let deeper = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        let e = errs(&deeper);
        assert_eq!(e.len(), 1, "{e:#?}");
        assert_eq!(e[0].message, "too deeply nested");
        assert_eq!(e[0].span.start, MAX_DEPTH as u32);
        // very deep and unbalanced: no stack overflow, bounded errors
        let e = errs(&"A(".repeat(100_000));
        assert!(!e.is_empty() && e.len() <= MAX_ERRORS);
        let e = errs(&"{".repeat(100_000));
        assert!(!e.is_empty() && e.len() <= MAX_ERRORS);
    }
}
