//! Deterministic mutation fuzzing of the spanned RON reader: whatever the input,
//! `parse` must not panic, errors must be non-empty with spans inside the text, and
//! rendering the errors must not panic.

use weft_models::diagnostic::{render, render_short};
use weft_models::ron::{parse, Node, NodeKind};
use weft_models::span::{SourceFile, Span};

mod common;
use common::{mutated_samples, Rng, PUNCT, SAMPLES};

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
    let mut total = 0;
    let mut failed = 0;
    for text in mutated_samples() {
        total += 1;
        if !check(&text) {
            failed += 1;
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
