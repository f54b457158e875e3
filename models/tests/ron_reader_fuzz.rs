//! Deterministic mutation fuzzing of the spanned RON reader: whatever the input,
//! `parse` must not panic, errors must be non-empty with spans inside the text, and
//! rendering the errors must not panic.

use weft_models::diagnostic::{render, render_short};
use weft_models::ron::{parse, Node, NodeKind};
use weft_models::span::{SourceFile, Span};

const SAMPLES: [&str; 3] = [
    r#"Scenario(name: "x", main: [Send(chan: "ch", value: 1), Select([Recv("a"), Default([])])], funcs: {"w": (params: ["a"], body: [Return])})"#,
    r##"#![enable(implicit_some)]
// A producer/consumer with a buffered channel.
Scenario(
    name: "prodcons",
    /* globals /* nested */ */
    chans: [Chan(name: "jobs", cap: 0x10), Chan(name: "done", cap: 0)],
    main: [
        Spawn("worker", args: ["jobs"]),
        Loop(times: 3, body: [Send(chan: "jobs", value: -1_000)]),
        Close("jobs"),
        Recv(chan: "done", into: Some("ok")),
    ],
    funcs: {
        "worker": (params: ["c"], body: [Range(chan: "c", var: "v", body: [Assert(r#"v < 0 && "q" != ''"#)])]),
    },
    expect: Deadlock,
)
"##,
    r#"Test(
    cases: [
        (input: 'x', output: "tab\there \u{1F600}", weight: 1.5, ok: true),
        (input: '\n', output: r"raw\n", weight: 0b1010, ok: false),
    ],
    limits: {steps: 1000, depth: 0o17},
    tags: [A, B(), C(1,), D(x: 2,),],
    unit: (),
)"#,
];

/// xorshift64*: tiny deterministic PRNG.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Crude tokenization for mutations: identifier/number runs, whole quoted strings,
/// whitespace runs, and single other characters. Tokens concatenate back to `text`.
fn tokens(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        i += 1;
        if c.is_alphanumeric() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
        } else if c == '"' {
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i = (i + 1).min(chars.len());
        } else if c.is_whitespace() {
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
        }
        out.push(chars[start..i].iter().collect());
    }
    out
}

const PUNCT: &[char] = &[
    '(', ')', '[', ']', '{', '}', ',', ':', '"', '\'', '#', '!', '/', '*', '-', '+', '.', '\\',
    'r', '0', 'x', ' ', '\n', 'é', '\u{0}',
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut toks = tokens(text);
    let chars: Vec<char> = text.chars().collect();
    let n = toks.len();
    match rng.below(7) {
        0 => {
            // delete a char
            let mut c = chars;
            if !c.is_empty() {
                let i = rng.below(c.len());
                c.remove(i);
            }
            return c.into_iter().collect();
        }
        1 => {
            if n > 0 {
                toks.remove(rng.below(n));
            }
        }
        2 => {
            if n > 0 {
                let i = rng.below(n);
                let t = toks[i].clone();
                toks.insert(rng.below(n + 1), t);
            }
        }
        3 => {
            if n > 1 {
                let (i, j) = (rng.below(n), rng.below(n));
                toks.swap(i, j);
            }
        }
        4 => {
            let mut c = chars;
            let i = rng.below(c.len() + 1);
            c.insert(i, PUNCT[rng.below(PUNCT.len())]);
            return c.into_iter().collect();
        }
        5 => {
            return chars[..rng.below(chars.len() + 1)].iter().collect();
        }
        _ => {
            // replace a token with a punctuation char
            if n > 0 {
                let i = rng.below(n);
                toks[i] = PUNCT[rng.below(PUNCT.len())].to_string();
            }
        }
    }
    toks.concat()
}

fn check_span(span: Span, len: u32, text: &str) {
    assert!(
        span.start <= span.end && span.end <= len,
        "span {span:?} outside text of length {len}: {text:?}"
    );
}

fn check_node(node: &Node, len: u32, text: &str) {
    check_span(node.span, len, text);
    match &node.kind {
        NodeKind::Str { content_span, .. } => check_span(*content_span, len, text),
        NodeKind::Ident(i) => check_span(i.span, len, text),
        NodeKind::Tuple { items, .. } | NodeKind::List(items) => {
            items.iter().for_each(|n| check_node(n, len, text));
        }
        NodeKind::Struct { fields, .. } => {
            for f in fields {
                check_span(f.name.span, len, text);
                check_node(&f.value, len, text);
            }
        }
        NodeKind::Mixed { items, fields, .. } => {
            items.iter().for_each(|n| check_node(n, len, text));
            for f in fields {
                check_span(f.name.span, len, text);
                check_node(&f.value, len, text);
            }
        }
        NodeKind::Map(entries) => {
            for (k, v) in entries {
                check_node(k, len, text);
                check_node(v, len, text);
            }
        }
        _ => {}
    }
}

/// Parses `text` and checks the invariants; returns whether it parsed.
fn check(text: &str) -> bool {
    let len = text.len() as u32;
    match parse(text) {
        Ok(node) => {
            check_node(&node, len, text);
            true
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "empty error list for {text:?}");
            assert!(errors.len() <= 50, "{} errors for {text:?}", errors.len());
            for d in &errors {
                check_span(d.span, len, text);
                for (s, _) in &d.secondary {
                    check_span(*s, len, text);
                }
            }
            let file = SourceFile::new("fuzz.ron", text);
            let out = render(&file, &errors, false);
            assert!(out.contains("fuzz.ron:"), "{out}");
            let _ = render_short(&file, &errors[0]);
            false
        }
    }
}

#[test]
fn samples_parse() {
    for s in SAMPLES {
        if let Err(e) = parse(s) {
            let file = SourceFile::new("sample.ron", s);
            panic!("{}", render(&file, &e, false));
        }
    }
}

#[test]
fn mutations_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut total = 0;
    let mut failed = 0;
    for sample in SAMPLES {
        for _ in 0..2000 {
            // 1 to 3 stacked mutations
            let mut text = sample.to_string();
            for _ in 0..=rng.below(3) {
                text = mutate(&mut rng, &text);
            }
            total += 1;
            if !check(&text) {
                failed += 1;
            }
        }
    }
    assert!(total >= 5000);
    // Most mutations break the text; make sure the fuzzer actually exercises errors.
    assert!(
        failed > total / 2,
        "only {failed} of {total} mutations failed to parse"
    );
}

#[test]
fn random_strings_never_panic() {
    let mut rng = Rng(0xDEAD_BEEF_CAFE_F00D);
    for i in 0..1500 {
        let len = rng.below(200);
        let text = if i % 2 == 0 {
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            (0..len).map(|_| PUNCT[rng.below(PUNCT.len())]).collect()
        };
        check(&text);
    }
}

#[test]
fn pathological_inputs() {
    for text in [
        "(".repeat(10_000),
        "[".repeat(10_000) + &"]".repeat(10_000),
        "/*".repeat(1000),
        "\"".repeat(1001),
        "'".repeat(1001),
        "r#".repeat(500),
        "-".repeat(1000),
        ",".repeat(1000),
        "A(x: ".repeat(1000),
        "{1: ".repeat(1000),
        "9".repeat(1000),
        "0x".to_string() + &"f".repeat(1000),
    ] {
        check(&text);
    }
}
