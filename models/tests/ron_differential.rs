//! Differential test of the hand-written spanned RON reader (`weft_models::ron`)
//! against the `ron` crate (0.8), the reference implementation of RON.
//!
//! Inputs: the mutated texts of `ron_reader_fuzz.rs` (the same generator and seed),
//! every scenario file under `scenarios/` plus [`CORPUS_MUTATIONS`] mutations of each,
//! and the hand-picked [`EDGE_CASES`].
//!
//! What is compared: the `ron` crate reads each text into a generic [`ron::Value`];
//! the hand reader's [`Node`] tree is mapped by [`expected_value`] to the `Value` that
//! the `ron` crate's `deserialize_any` builds for the same text (that mapping is the
//! fair comparison: `Value` forgets struct and variant names, so the mapping forgets
//! them too). Then, for each text:
//!
//! - both accept: the values must be equal;
//! - the hand reader accepts and `ron` rejects: either the tree has no `Value`
//!   ([`expected_value`] says why, e.g. `Name("ch", into: "v")`, which the hand reader
//!   parses on purpose for a better error later), or `ron`'s error lies in a
//!   construct of one of the documented [`Leniency`] classes;
//! - the hand reader rejects and `ron` accepts: every error of the hand reader must
//!   belong to one of the documented [`Strictness`] classes;
//! - both reject: nothing more is compared (their messages differ by design).
//!
//! Every documented class must occur at least once among the inputs, so that none of
//! them is dead weight that could hide a new disagreement.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ron::value::{Map, Number};
use ron::Value;
use weft_models::diagnostic::Diagnostic;
use weft_models::ron::{parse, Node, NodeKind};
use weft_models::span::Span;

mod common;
use common::{mutate_stacked, mutated_samples, Rng};

/// Mutated variants of each corpus file (on top of the file itself).
const CORPUS_MUTATIONS: usize = 30;

/// Texts the hand reader accepts and the `ron` crate rejects on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Leniency {
    /// `_` inside a float, like `1_0.5` or `1e1_0`: the hand reader ignores it, as in
    /// integers and Rust; `ron` 0.8 rejects it (`FloatUnderscore`).
    FloatUnderscore,
    /// `_` right after a radix prefix, like `0x_ff`: allowed by the hand reader (as in
    /// Rust); `ron` 0.8 rejects it (`UnderscoreAtBeginning`, then trailing characters).
    RadixUnderscore,
    /// A four-digit unicode escape without braces, `"\u00e9"` (JSON style): accepted
    /// by the hand reader; `ron` 0.8 only knows `\u{e9}`.
    BracelessUnicodeEscape,
    /// `#![...]` attributes: the hand reader parses and ignores them whatever they
    /// hold; `ron` 0.8 rejects anything but `#![enable(<known extensions>)]`.
    AttributeContents,
    /// A bug of `ron` 0.8: the identifier `r` as the very last byte of the input
    /// (`r`, `[1,\nr`...) fails with `ExpectedString`, because `r` might start a raw
    /// string and `ron` looks past the end for its quote.
    RonTrailingR,
}

/// Texts the `ron` crate accepts and the hand reader rejects on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Strictness {
    /// Integers outside `i64`: `ron` turns them into (rounded) floats; a model checker
    /// should not silently round a number, so the hand reader reports them.
    IntegerRange,
    /// A line break inside a character literal (`'` newline `'`): the hand reader ends
    /// a character literal at the line break so that a stray `'` spoils one line only.
    /// Recognised by the readers agreeing once the line break is written `\n` (or `\r`).
    CharLineBreak,
    /// `\x80` to `\xFF`: `ron` reads them as U+0080 to U+00FF; the hand reader, like
    /// Rust, allows only ASCII `\x` escapes.
    NonAsciiByteEscape,
    /// `ron` 0.8's raw identifiers beyond Rust's: `r#` followed by a digit, or holding
    /// `.`, `+` or `-` (`r#1`, `r#a.b`). The hand reader takes `r#` + a Rust identifier.
    RawIdentifierChars,
}

fn slice(text: &str, span: Span) -> &str {
    &text[span.start as usize..span.end as usize]
}

/// The value that `ron`'s `deserialize_any` builds for the text `node` was read from,
/// or why `ron` must reject it. Mirrors `ron` 0.8 (`de/mod.rs`, `deserialize_any`):
///
/// - integers, floats, booleans, chars and strings map to themselves;
/// - `()` written exactly so is `Unit`, but `( )` (anything between the parentheses)
///   is an empty tuple, `Seq([])`;
/// - a bare identifier is `Unit`, except `None` (`Option(None)`); a bare `Some` is an
///   error (`ron` then expects `Some(`);
/// - `Some(x)` is `Option(Some(x))`; any other `Some(...)` or `None(...)` is an error.
///   Both are recognised by their source text: `r#Some(1)` is an ordinary tuple;
/// - other tuples, named or not, are `Seq`; structs are `Map`s from field-name strings
///   (names are dropped; a repeated field or map key keeps its last value, as
///   `ron`'s visitor inserts each entry into a `Map`); lists are `Seq`, maps `Map`;
/// - positional items followed by named fields (`Mixed`) are an error.
///
/// Recursion depth is bounded: the reader rejects nesting deeper than 128.
fn expected_value(node: &Node, text: &str) -> Result<Value, &'static str> {
    let seq = |items: &[Node]| -> Result<Value, &'static str> {
        let values: Result<Vec<Value>, _> = items.iter().map(|n| expected_value(n, text)).collect();
        Ok(Value::Seq(values?))
    };
    let name_of =
        |name: &Option<weft_models::ron::Ident>| name.as_ref().map(|i| slice(text, i.span));
    Ok(match &node.kind {
        NodeKind::Int(i) => Value::Number(Number::from(*i)),
        NodeKind::Float(f) => Value::Number(Number::from(*f)),
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Char(c) => Value::Char(*c),
        NodeKind::Str { value, .. } => Value::String(value.clone()),
        NodeKind::Unit if slice(text, node.span) == "()" => Value::Unit,
        NodeKind::Unit => Value::Seq(Vec::new()),
        NodeKind::Ident(i) => match slice(text, i.span) {
            "None" => Value::Option(None),
            "Some" => return Err("a bare `Some`"),
            _ => Value::Unit,
        },
        NodeKind::Tuple { name, items } => match (name_of(name), items.as_slice()) {
            (Some("Some"), [item]) => Value::Option(Some(Box::new(expected_value(item, text)?))),
            (Some("Some"), _) => return Err("`Some` without exactly one item"),
            (Some("None"), _) => return Err("`None(...)`"),
            _ => seq(items)?,
        },
        NodeKind::Struct { name, fields } => {
            if matches!(name_of(name), Some("Some" | "None")) {
                return Err("`Some` or `None` with named fields");
            }
            let mut map = Map::new();
            for f in fields {
                map.insert(
                    Value::String(f.name.name.clone()),
                    expected_value(&f.value, text)?,
                );
            }
            Value::Map(map)
        }
        NodeKind::Mixed { .. } => return Err("positional items and named fields mixed"),
        NodeKind::List(items) => seq(items)?,
        NodeKind::Map(entries) => {
            let mut map = Map::new();
            for (k, v) in entries {
                map.insert(expected_value(k, text)?, expected_value(v, text)?);
            }
            Value::Map(map)
        }
    })
}

/// Every node of the tree (iteratively).
fn nodes(root: &Node) -> Vec<&Node> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        out.push(n);
        match &n.kind {
            NodeKind::Tuple { items, .. } | NodeKind::List(items) => stack.extend(items),
            NodeKind::Struct { fields, .. } => stack.extend(fields.iter().map(|f| &f.value)),
            NodeKind::Mixed { items, fields, .. } => {
                stack.extend(items);
                stack.extend(fields.iter().map(|f| &f.value));
            }
            NodeKind::Map(entries) => {
                stack.extend(entries.iter().flat_map(|(k, v)| [k, v]));
            }
            _ => {}
        }
    }
    out
}

/// Whether the quoted (not raw) literal `src` has a `\u` escape without a `{`.
fn has_braceless_unicode_escape(src: &str) -> bool {
    let b = src.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b'\\' {
            if b[i + 1] == b'u' && b.get(i + 2) != Some(&b'{') {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// The byte offset of `ron`'s error position (1-based line, 1-based byte column).
fn offset_of(text: &str, pos: &ron::error::Position) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(pos.line.saturating_sub(1))
        .map(str::len)
        .sum();
    line_start + pos.col.saturating_sub(1)
}

/// The leniency class that explains why `ron` rejects a text the hand reader read as
/// `root`: one whose construct contains `ron`'s error offset.
fn leniency(text: &str, root: &Node, err: &ron::error::SpannedError) -> Option<Leniency> {
    let at = offset_of(text, &err.position);
    let covers = |span: Span| span.start as usize <= at && at <= span.end as usize;
    if at < root.span.start as usize && text[..root.span.start as usize].contains('#') {
        return Some(Leniency::AttributeContents);
    }
    // ron's error position is unreliable after a number: when an integer fails to
    // parse, ron retries it as a float without rewinding its cursor. Its specific
    // error codes identify these classes instead.
    let all = nodes(root);
    let quoted = |n: &&Node| {
        let src = slice(text, n.span);
        matches!(n.kind, NodeKind::Str { .. } | NodeKind::Char(_))
            && !src.starts_with('r')
            && has_braceless_unicode_escape(src)
    };
    match err.code {
        ron::Error::FloatUnderscore
            if all.iter().any(|n| {
                matches!(n.kind, NodeKind::Float(_)) && slice(text, n.span).contains('_')
            }) =>
        {
            return Some(Leniency::FloatUnderscore)
        }
        ron::Error::InvalidEscape("Missing { in Unicode escape") if all.iter().any(quoted) => {
            return Some(Leniency::BracelessUnicodeEscape)
        }
        _ => {}
    }
    for node in all.into_iter().filter(|n| covers(n.span)) {
        let src = slice(text, node.span);
        let unsigned = src.trim_start_matches(['+', '-']);
        let class = match &node.kind {
            NodeKind::Int(_)
                if ["0x_", "0o_", "0b_"]
                    .iter()
                    .any(|p| unsigned.starts_with(p)) =>
            {
                Leniency::RadixUnderscore
            }
            NodeKind::Ident(i) if src == "r" && i.span.end as usize == text.len() => {
                Leniency::RonTrailingR
            }
            _ => continue,
        };
        return Some(class);
    }
    None
}

/// `ron` 0.8's raw identifier characters.
fn is_ron_raw_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'+' | b'-')
}

/// The strictness class of one error of the hand reader, if it has one.
fn strictness(text: &str, d: &Diagnostic) -> Option<Strictness> {
    let at = d.span.start as usize;
    let m = d.message.as_str();
    if m.starts_with("integer `") && (m.ends_with("is too large") || m.ends_with("is too small")) {
        return Some(Strictness::IntegerRange);
    }
    if m.starts_with("invalid ASCII escape `\\x") && d.span.len() == 4 {
        let digits = &slice(text, d.span)[2..];
        if u8::from_str_radix(digits, 16).is_ok_and(|v| v > 0x7F) {
            return Some(Strictness::NonAsciiByteEscape);
        }
    }
    // An error inside `r#<ron raw identifier>` where that identifier is not a Rust one.
    let bytes = text.as_bytes();
    let mut search = 0;
    while let Some(i) = text[search..].find("r#").map(|i| i + search) {
        let run = bytes[i + 2..]
            .iter()
            .take_while(|&&b| is_ron_raw_ident_byte(b))
            .count();
        let ident = &bytes[i + 2..i + 2 + run];
        let extended = ident.first().is_some_and(u8::is_ascii_digit)
            || ident.iter().any(|b| matches!(b, b'.' | b'+' | b'-'));
        if extended && i <= at && at <= i + 2 + run {
            return Some(Strictness::RawIdentifierChars);
        }
        search = i + 2;
    }
    None
}

/// Every `*.ron` under `dir`, sorted.
fn ron_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries =
            std::fs::read_dir(&d).unwrap_or_else(|e| panic!("cannot read {}: {e}", d.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", d.display()))
                .path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "ron") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// What happened to one input.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// Both read it, to the same value.
    BothAccept,
    /// Both reject it.
    BothReject,
    /// Only the hand reader reads it, to a tree with no `ron::Value` (why not).
    NoValue(&'static str),
    /// Only the hand reader reads it, because of this documented leniency.
    Lenient(Leniency),
    /// Only `ron` reads it, because of this documented strictness (of the first error).
    Strict(Strictness),
}

/// Compares the two readers on `text`; `Err` describes a disagreement.
fn compare(text: &str) -> Result<Outcome, String> {
    let theirs = ron::from_str::<Value>(text);
    match (parse(text), theirs) {
        (Ok(node), Ok(value)) => match expected_value(&node, text) {
            Ok(expected) if expected == value => Ok(Outcome::BothAccept),
            Ok(expected) => Err(format!(
                "values differ:\n  hand: {expected:?}\n  ron:  {value:?}"
            )),
            Err(why) => Err(format!("ron accepts {why}: {value:?}")),
        },
        (Ok(node), Err(err)) => match expected_value(&node, text) {
            Err(why) => Ok(Outcome::NoValue(why)),
            Ok(expected) => leniency(text, &node, &err)
                .map(Outcome::Lenient)
                .ok_or_else(|| {
                    format!("only the hand reader accepts it ({expected:?}); ron: {err}")
                }),
        },
        (Err(errors), Ok(value)) => {
            // A line break in a character literal sets off follow-up errors; the
            // class holds when writing it as an escape makes the readers agree.
            let escaped = text.replace("'\n'", r"'\n'").replace("'\r'", r"'\r'");
            if escaped != text {
                let same = parse(&escaped).ok().map(|n| expected_value(&n, &escaped));
                if same == Some(Ok(value.clone())) {
                    return Ok(Outcome::Strict(Strictness::CharLineBreak));
                }
            }
            let mut classes = Vec::new();
            for d in &errors {
                let class = strictness(text, d).ok_or_else(|| {
                    format!(
                        "only ron accepts it ({value:?}); hand reader: {} at {:?}",
                        d.message, d.span
                    )
                })?;
                classes.push(class);
            }
            let first = classes
                .first()
                .copied()
                .ok_or("the hand reader gave no error")?;
            Ok(Outcome::Strict(first))
        }
        (Err(_), Err(_)) => Ok(Outcome::BothReject),
    }
}

#[test]
fn hand_reader_agrees_with_the_ron_crate() {
    let mut inputs = mutated_samples();
    let files = ron_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios"));
    assert!(files.len() >= 50, "only {} corpus files", files.len());
    let mut rng = Rng(0x5EED_C0B5_2B05_0F0F);
    for path in &files {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        for _ in 0..CORPUS_MUTATIONS {
            inputs.push(mutate_stacked(&mut rng, &text));
        }
        inputs.push(text);
    }
    inputs.extend(EDGE_CASES.iter().map(|s| s.to_string()));

    let mut tally: BTreeMap<Outcome, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for text in &inputs {
        match compare(text) {
            Ok(outcome) => *tally.entry(outcome).or_default() += 1,
            Err(why) => failures.push(format!("{text:?}\n  {why}")),
        }
    }
    eprintln!("{} inputs: {tally:?}", inputs.len());
    assert!(
        failures.is_empty(),
        "{} disagreement(s) with the ron crate:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The corpus files themselves are plain RON: both readers read them alike.
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(
            compare(&text),
            Ok(Outcome::BothAccept),
            "{}",
            path.display()
        );
    }
    // Enough of each outcome that the comparison means something, and every
    // documented difference still exists (else its exclusion must go).
    assert!(
        tally.get(&Outcome::BothAccept).copied().unwrap_or(0) >= 500,
        "{tally:?}"
    );
    assert!(
        tally.get(&Outcome::BothReject).copied().unwrap_or(0) >= 5000,
        "{tally:?}"
    );
    for class in [
        Leniency::FloatUnderscore,
        Leniency::RadixUnderscore,
        Leniency::BracelessUnicodeEscape,
        Leniency::AttributeContents,
        Leniency::RonTrailingR,
    ] {
        assert!(
            tally.contains_key(&Outcome::Lenient(class)),
            "{class:?} never seen"
        );
    }
    for class in [
        Strictness::IntegerRange,
        Strictness::CharLineBreak,
        Strictness::NonAsciiByteEscape,
        Strictness::RawIdentifierChars,
    ] {
        assert!(
            tally.contains_key(&Outcome::Strict(class)),
            "{class:?} never seen"
        );
    }
}

/// The comparison itself can fail: values are mapped as `ron` builds them, and each
/// documented class explains only its own construct.
#[test]
fn classes_explain_only_their_own_construct() {
    let text = r#"A(x: 1, y: [Some(-2.5), None, B, B(), ( ), "s"], z: {'c': true})"#;
    let node = parse(text).expect("valid RON");
    let mut inner = Map::new();
    inner.insert(Value::Char('c'), Value::Bool(true));
    let mut outer = Map::new();
    outer.insert(Value::String("x".into()), Value::Number(Number::from(1)));
    let y = vec![
        Value::Option(Some(Box::new(Value::Number(Number::from(-2.5))))),
        Value::Option(None),
        Value::Unit,
        Value::Seq(vec![]),
        Value::Seq(vec![]),
        Value::String("s".into()),
    ];
    outer.insert(Value::String("y".into()), Value::Seq(y));
    outer.insert(Value::String("z".into()), Value::Map(inner));
    assert_eq!(expected_value(&node, text), Ok(Value::Map(outer)));
    assert_eq!(compare(text), Ok(Outcome::BothAccept));

    assert_eq!(compare("[1 2]"), Ok(Outcome::BothReject));
    assert_eq!(
        compare(r#"Recv("ch", into: "v")"#),
        Ok(Outcome::NoValue("positional items and named fields mixed"))
    );
    // ron stops at its first problem, which must lie in the lenient construct.
    assert_eq!(
        compare(r#"[1_0.5, "\u00e9"]"#),
        Ok(Outcome::Lenient(Leniency::FloatUnderscore))
    );
    assert_eq!(
        compare(r#"["\u00e9", 1_0.5]"#),
        Ok(Outcome::Lenient(Leniency::BracelessUnicodeEscape))
    );
    let err = |code, col| ron::error::SpannedError {
        code,
        position: ron::error::Position { line: 1, col },
    };
    let text = "[1_0.5, 0x_1, 2]";
    let node = parse(text).expect("hand reader accepts");
    let underscore = err(ron::Error::FloatUnderscore, 3);
    assert_eq!(
        leniency(text, &node, &underscore),
        Some(Leniency::FloatUnderscore)
    );
    let comma = |col| err(ron::Error::ExpectedComma, col);
    assert_eq!(leniency(text, &node, &comma(2)), None);
    assert_eq!(
        leniency(text, &node, &comma(11)),
        Some(Leniency::RadixUnderscore)
    );
    assert_eq!(leniency(text, &node, &comma(15)), None);
    assert_eq!(
        leniency("[1, 2]", &parse("[1, 2]").expect("ok"), &underscore),
        None
    );
    // A hand-reader error outside every strictness class is a disagreement.
    let d = Diagnostic::new("expected a value, found `,`", Span::new(3, 4));
    assert_eq!(strictness("[1,,2]", &d), None);
    let d = Diagnostic::new("invalid ASCII escape `\\x4`", Span::new(1, 4));
    assert_eq!(strictness(r#""\x4""#, &d), None);
    let d = Diagnostic::new("unexpected character `.`", Span::new(3, 4));
    assert_eq!(
        strictness("r#a.b", &d),
        Some(Strictness::RawIdentifierChars)
    );
    assert_eq!(
        strictness("[r#a, .]", &Diagnostic::new("x", Span::new(6, 7))),
        None
    );
}

/// Hand-picked texts around every corner of the grammar where the two readers could
/// part ways (numbers, escapes, identifiers, keywords, units, attributes, white space).
const EDGE_CASES: &[&str] = &[
    // integers
    "42",
    "-42",
    "+7",
    "1_000_000",
    "0x10",
    "-0x10",
    "+0x10",
    "0o17",
    "0b1010",
    "-0b1",
    "0xff_ff",
    "0X10",
    "0B1",
    "00",
    "007",
    "-0",
    "--1",
    "+-1",
    "1_",
    "1__2",
    "_1",
    "0b",
    "0o8",
    "0xg",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "99999999999999999999",
    // floats
    "1.5",
    "-2e3",
    ".5",
    "-.5",
    "+.5",
    "1.",
    "-1.",
    "0.",
    "5.",
    "1e5",
    "1E5",
    "1e+5",
    "1.0e-3",
    "1.e5",
    "-2.E-1",
    ".5e3",
    "1..2",
    "1.5.5",
    "1e",
    "1e+",
    "1.5e",
    "0e0",
    "0x1.5",
    "inf",
    "-inf",
    "+inf",
    "NaN",
    "-NaN",
    "+NaN",
    "infinity",
    "(x: -inf)",
    "1_0.5",
    "1e1_0",
    "1.5_",
    "0x_ff",
    "-0b_1",
    // chars and strings
    "'x'",
    r"'\n'",
    r"'\''",
    "'é'",
    "'😀'",
    r"'\u{e9}'",
    r"'\u{1F600}'",
    r"'\x41'",
    r"'\x7f'",
    r"'\xff'",
    "''",
    "'ab'",
    "'ab",
    "'\n'",
    "'\r\n'",
    r#""a\nb""#,
    "\"a\nb\"",
    r#""\"""#,
    r#""a\\""#,
    r#""\x41""#,
    r#""\x7f""#,
    r#""\x80""#,
    r#""\xff""#,
    r#""\x4""#,
    r#""\x""#,
    r#""\u00e9""#,
    r#""\u{}""#,
    r#""\u{1234567}""#,
    r#""\u{D800}""#,
    r#""\b""#,
    r#""\f""#,
    r#""\/""#,
    r#""\q""#,
    "\"😀\"",
    "\"tab\there\"",
    r#"r"raw""#,
    r##"r#"a"b"#"##,
    r###"r##"a"#b"##"###,
    r#"b"bytes""#,
    // identifiers, units, Some and None
    "()",
    "( )",
    "(/**/)",
    "A()",
    "A( )",
    "A",
    "_",
    "_a",
    "a_1",
    "é",
    "truex",
    "r#type",
    "r#A(1)",
    "r#Some(1)",
    "r#true",
    "r#_",
    "r#1",
    "r#a.b",
    "(r#a-b: 1)",
    "r",
    "[r]",
    "[1,\nr",
    "A.b",
    "a-b",
    "Some(1)",
    "Some (1)",
    "Some(1,)",
    "Some()",
    "Some(1, 2)",
    "Some",
    "None",
    "None()",
    "Some(x: 1)",
    "Some(None)",
    "Some(Some(()))",
    // structs, tuples, maps
    "(true: 1)",
    "(false: 1, inf: 2, NaN: 3)",
    "(r#true: 1)",
    "(r#type: 1)",
    "(Some: 1)",
    "(None: 1)",
    "(true : 1)",
    "(true\n: 1)",
    "(/* c */ true: 1)",
    "A(true: 1)",
    "(x: true)",
    "{true: 1}",
    "{inf: 1}",
    "[true: 1]",
    "(true: 1, 2)",
    "(1, true: 2)",
    "Some(true: 1)",
    "(a: 1, a: 2)",
    "{1: 2, 1: 3}",
    "{\"k\": [], \"k\": ()}",
    "[1,]",
    "[,]",
    "(,)",
    "(1,)",
    "A(1, x: 2)",
    "A(x: 1, 2)",
    "Test(x: 1)",
    "[1 2]",
    "[1, :, 3]",
    // attributes
    "#![enable(implicit_some)] 1",
    "#![enable(unwrap_newtypes, implicit_some,)] 1",
    "#![enable(implicit_some)]#![enable(unwrap_newtypes)] 1",
    "# ! [ enable ( implicit_some ) ] 1",
    "#![enable(unwrap_variant_newtypes)] 1",
    "#![enable(foo)] 1",
    "#![x] 1",
    "#![enable()] 1",
    "#![enable(implicit_some)]",
    "#!",
    // comments and white space
    "/* a /* b */ c */ 1",
    "// c\n1",
    "1 // c",
    "1 /* c",
    "1\r\n",
    "\t1\t",
    "[1,\r\n2]",
    "\u{b}1",
    "\u{c}1",
    "\u{a0}1",
    "\u{85}1",
    "1\u{2028}",
];
