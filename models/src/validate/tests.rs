//! One test per validation error: the message, the underlined source text
//! and the help line.

use crate::diagnostic::Diagnostic;
use crate::span::SourceFile;

/// The file text of a scenario with these fields.
fn sc(fields: &str) -> String {
    format!("Scenario(name: \"t\", {fields})")
}

/// Every diagnostic of a scenario that must not compile, with the file.
fn errors_in(text: &str, params: &[(&str, &str)]) -> (SourceFile, Vec<Diagnostic>) {
    let file = SourceFile::new("t.ron", text);
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    match crate::compile(&file, &params) {
        Ok(_) => panic!("compiled but should not:\n{text}"),
        Err(e) => {
            let rendered = e.render(&file, false);
            assert!(!rendered.is_empty());
            (file, e.diagnostics)
        }
    }
}

/// The single error of `fields`: (message, underlined text, help).
fn one(fields: &str) -> (String, String, Option<String>) {
    let (file, ds) = errors_in(&sc(fields), &[]);
    assert_eq!(
        ds.len(),
        1,
        "expected one error, got:\n{}",
        crate::diagnostic::render(&file, &ds, false)
    );
    let d = &ds[0];
    (
        d.message.clone(),
        file.slice(d.span).to_string(),
        d.help.clone(),
    )
}

fn one_diag(fields: &str) -> (SourceFile, Diagnostic) {
    let (file, mut ds) = errors_in(&sc(fields), &[]);
    assert_eq!(
        ds.len(),
        1,
        "{}",
        crate::diagnostic::render(&file, &ds, false)
    );
    let d = ds.remove(0);
    (file, d)
}

fn ok(fields: &str) {
    let text = sc(fields);
    let file = SourceFile::new("t.ron", text.as_str());
    if let Err(e) = crate::compile(&file, &[]) {
        panic!("{}", e.render(&file, false));
    }
}

fn h(s: &str) -> Option<String> {
    Some(s.to_string())
}

#[test]
fn unknown_name_with_did_you_mean() {
    assert_eq!(
        one(r#"main: [WaitGroup("wg"), Wait("wgg")]"#),
        (
            "unknown name `wgg`".into(),
            "wgg".into(),
            h("did you mean `wg`?")
        )
    );
    assert_eq!(
        one(r#"main: [Send("ch + 1")]"#),
        ("unknown name `ch`".into(), "ch".into(), None)
    );
    // A function's name is a value (`x := worker`), which must be called
    // as a function, not used as a number.
    assert_eq!(
        one(r#"main: [Let("x", "worker + 1")], funcs: {"worker": []}"#).0,
        "`+` needs integers, but `worker` is a function"
    );
}

#[test]
fn a_local_is_not_visible_after_its_block() {
    assert_eq!(
        one(r#"main: [If("true", [Let("x", 1)]), Let("y", "x")]"#),
        ("unknown name `x`".into(), "x".into(), None)
    );
}

#[test]
fn objects_used_as_the_wrong_kind() {
    assert_eq!(
        one(r#"main: [Chan("ch"), Lock("ch")]"#),
        (
            "`Lock` needs a Mutex or RWMutex, but `ch` is a channel".into(),
            "ch".into(),
            None
        )
    );
    assert_eq!(
        one(r#"globals: [Mutex("mu")], main: [Send("mu", 1)]"#),
        (
            "`Send` needs a channel, but `mu` is a Mutex".into(),
            "mu".into(),
            None
        )
    );
    assert_eq!(
        one(r#"main: [Mutex("mu"), Wait("mu")]"#),
        (
            "`Wait` needs a WaitGroup, Cond or errgroup.Group, but `mu` is a Mutex".into(),
            "mu".into(),
            None
        )
    );
    assert_eq!(
        one(r#"main: [Mutex("mu"), RLock("mu")]"#),
        (
            "`RLock` needs an RWMutex, but `mu` is a Mutex".into(),
            "mu".into(),
            h("declare it with `RWMutex(...)` to use read locks")
        )
    );
    assert_eq!(
        one(r#"main: [After("c", 1), Stop("c")]"#),
        (
            "`Stop` needs a timer, ticker or context.AfterFunc stop function, but `c` is a channel".into(),
            "c".into(),
            h("channels made by `After` and `Tick` cannot be stopped or reset; use `Timer` or `Ticker`")
        )
    );
    assert_eq!(
        one(r#"main: [Var("x"), Close("x")]"#),
        (
            "`Close` needs a channel, but `x` is a shared variable".into(),
            "x".into(),
            None
        )
    );
    assert_eq!(
        one(r#"main: [Let("n", 1), AtomicAdd("n", 1)]"#),
        (
            "`AtomicAdd` needs a shared variable, but `n` is an integer".into(),
            "n".into(),
            h("declare it with `Var(...)`")
        )
    );
}

#[test]
fn address_of_a_non_variable() {
    assert_eq!(
        one(r#"main: [Chan("ch"), Let("p", "&ch")]"#),
        (
            "`&` needs a shared variable, but `ch` is a channel".into(),
            "ch".into(),
            h("objects are shared by reference: write `ch`")
        )
    );
    assert_eq!(
        one(r#"main: [Let("n", 1), Let("p", "&n")]"#),
        (
            "`&` needs a shared variable, but `n` is an integer".into(),
            "n".into(),
            h("declare `n` with `Var(...)` to share it")
        )
    );
}

#[test]
fn deref_of_a_non_pointer() {
    assert_eq!(
        one(r#"main: [Let("x", 1), Let("y", "*x")]"#),
        (
            "`*` needs a pointer, but `x` is an integer".into(),
            "x".into(),
            None
        )
    );
    assert_eq!(
        one(r#"main: [Var("x"), Set("*x", 1)]"#),
        (
            "`*` needs a pointer, but `x` is a shared variable".into(),
            "x".into(),
            h("`x` is a shared variable: write `x` to read it and `&x` for its address")
        )
    );
}

#[test]
fn set_on_something_not_assignable() {
    assert_eq!(
        one(r#"globals: [Chan("ch")], main: [Set("ch", 1)]"#),
        (
            "cannot assign to `ch`, a global channel".into(),
            "ch".into(),
            h("assign to a local, a shared variable, `*p` or `m[k]`")
        )
    );
    assert_eq!(
        one(r#"main: [Chan("ch"), Set("len(ch)", 1)]"#),
        (
            "cannot assign to this expression".into(),
            "len(ch)".into(),
            h("assign to a local, a shared variable, `*p` or `m[k]`")
        )
    );
    assert_eq!(
        one(r#"params: {"n": 1}, main: [Set("n", 2)]"#).0,
        "cannot assign to scenario parameter `n`"
    );
    assert_eq!(
        one(r#"main: [Let("n", 1), Set("n", true)]"#),
        (
            "cannot assign a boolean to `n`, which is an integer".into(),
            "true".into(),
            None
        )
    );
}

#[test]
fn wrong_argument_count_points_at_the_definition() {
    let (file, d) = one_diag(
        r#"main: [Chan("ch"), Go("worker", ["ch", 1])], funcs: {"worker": (params: ["c"], body: [Close("c")])}"#,
    );
    assert_eq!(d.message, "`worker` takes 1 argument, but 2 were given");
    assert_eq!(file.slice(d.span), "worker");
    assert_eq!(d.label, "called with 2 arguments");
    assert_eq!(d.secondary.len(), 1);
    assert_eq!(d.secondary[0].1, "`worker` is defined here");
    assert!(d.secondary[0].0.start > d.span.start);
    assert_eq!(
        one(r#"main: [Call("f")], funcs: {"f": (params: ["a", "b"], body: [])}"#).0,
        "`f` takes 2 arguments, but 0 were given"
    );
}

#[test]
fn break_and_continue_outside_a_loop() {
    assert_eq!(
        one("main: [Break]"),
        (
            "`Break` outside a loop, select or switch".into(),
            "Break".into(),
            Some("to end the function here, write `Return`".into())
        )
    );
    assert_eq!(
        one(r#"main: [If("true", [Continue])]"#),
        ("`Continue` outside a loop".into(), "Continue".into(), None)
    );
    let (_, d) = one_diag(r#"main: [Loop([Go(body: [Break])])]"#);
    assert_eq!(d.message, "`Break` outside a loop, select or switch");
    assert_eq!(
        d.notes,
        ["a `Go` body is a separate function: it cannot leave a loop around it"]
    );
    let (_, d) = one_diag(r#"main: [For(to: 3, body: [Defer([Continue])])]"#);
    assert_eq!(d.message, "`Continue` outside a loop");
    assert_eq!(
        d.notes,
        ["a deferred body is a separate function: it cannot leave a loop around it"]
    );
    let (_, d) = one_diag(r#"globals: [Once("o")], main: [Loop([Do("o", [Break])])]"#);
    assert_eq!(d.message, "`Break` outside a loop, select or switch");
    // Continue inside a select inside a loop is fine; Break inside a select without a loop too.
    ok(
        r#"main: [Chan("c"), Select([Recv("c", [Break])]), Loop([Select([Recv("c", [Continue])])])]"#,
    );
}

#[test]
fn duplicate_names() {
    let (file, d) = one_diag(r#"globals: [Mutex("mu"), Chan("mu")], main: [Sleep]"#);
    assert_eq!(d.message, "global `mu` is declared twice");
    assert_eq!(file.slice(d.span), "mu");
    assert_eq!(d.secondary[0].1, "first declared here");
    assert!(d.secondary[0].0.start < d.span.start);

    let (_, d) = one_diag(r#"main: [Sleep], funcs: {"f": [], "f": []}"#);
    assert_eq!(d.message, "function `f` is declared twice");

    let (file, d) =
        one_diag(r#"main: [Call("f", [1, 2])], funcs: {"f": (params: ["a", "a"], body: [])}"#);
    assert_eq!(d.message, "parameter `a` is declared twice");
    assert_eq!(file.slice(d.span), "a");
    assert_eq!(d.secondary[0].1, "first declared here");

    let (file, d) = one_diag(r#"main: [Chan("x"), Let("x", 1)]"#);
    assert_eq!(d.message, "`x` is already declared in this block");
    assert_eq!(file.slice(d.span), "x");
    assert_eq!(file.slice(d.secondary[0].0), "x");
    assert_eq!(d.secondary[0].1, "first declared here");

    let (_, d) = one_diag(r#"params: {"n": 1}, globals: [Chan("n")], main: [Sleep]"#);
    assert_eq!(d.message, "global `n` is declared twice");

    let (_, d) = one_diag(r#"main: [Sleep], funcs: {"main": []}"#);
    assert_eq!(d.message, "function `main` is already defined");

    // Shadowing in an inner block, and of a global, is allowed; past the
    // block, the name is the outer one again.
    ok(r#"globals: [Chan("x")], main: [Let("x", 1), If("x > 0", [Let("x", true), Assert("x")])]"#);
    ok(r#"main: [Let("x", 1), If("x > 0", [Let("x", true), Assert("x")]), Set("x", "x + 1")]"#);
    // A parameter and a top-level local of the function share a block.
    let (_, d) =
        one_diag(r#"main: [Go("f", [1])], funcs: {"f": (params: ["a"], body: [Let("a", 2)])}"#);
    assert_eq!(d.message, "`a` is already declared in this block");
}

#[test]
fn cond_needs_a_mutex_locker() {
    assert_eq!(
        one(r#"main: [Cond("c")]"#),
        (
            "`Cond` `c` needs a locker".into(),
            r#"Cond("c")"#.into(),
            h(r#"give the Mutex or RWMutex it uses: `Cond(name: "c", locker: "mu")`"#)
        )
    );
    assert_eq!(
        one(r#"globals: [WaitGroup("wg"), Cond("c", "wg")], main: [Sleep]"#),
        (
            "the locker of `c` must be a Mutex or RWMutex, but `wg` is a WaitGroup".into(),
            "wg".into(),
            None
        )
    );
    ok(r#"globals: [RWMutex("mu"), Cond("c", "mu")], main: [Lock("mu"), Wait("c")]"#);
}

#[test]
fn negative_capacity() {
    assert_eq!(
        one(r#"main: [Chan("ch", -1)]"#),
        (
            "negative capacity -1 for channel `ch`".into(),
            "-1".into(),
            None
        )
    );
    assert_eq!(
        one(r#"params: {"n": 1}, main: [Chan("ch", "n - 3")]"#),
        (
            "negative capacity -2 for channel `ch`".into(),
            "n - 3".into(),
            None
        )
    );
    let text = sc(r#"params: {"n": 1}, globals: [Chan("ch", "n")], main: [Close("ch")]"#);
    let (file, ds) = errors_in(&text, &[("n", "-4")]);
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].message, "negative capacity -4 for channel `ch`");
    assert_eq!(file.slice(ds[0].span), "n");
}

#[test]
fn unknown_function() {
    assert_eq!(
        one(r#"main: [Go("wroker")], funcs: {"worker": []}"#),
        (
            "unknown function `wroker`".into(),
            "wroker".into(),
            h("did you mean `worker`?")
        )
    );
    assert_eq!(
        one(r#"main: [Call("nothing")]"#),
        ("unknown function `nothing`".into(), "nothing".into(), None)
    );
}

#[test]
fn recursion_through_call_is_rejected() {
    let (file, d) =
        one_diag(r#"main: [Call("a")], funcs: {"a": [Call("b")], "b": [If("true", [Call("a")])]}"#);
    assert_eq!(d.message, "recursion through `Call` is not supported");
    assert_eq!(file.slice(d.span), "a");
    assert_eq!(d.notes, ["the cycle is `a` → `b` → `a`"]);
    assert_eq!(
        d.help.as_deref(),
        Some("use a loop, or start the function with `Go`")
    );
    let (_, d) = one_diag(r#"main: [Call("f")], funcs: {"f": [Call("f")]}"#);
    assert_eq!(d.notes, ["the cycle is `f` → `f`"]);
    // Through a Do body too.
    let (_, d) = one_diag(
        r#"globals: [Once("o")], main: [Call("f")], funcs: {"f": [Do("o", [Call("f")])]}"#,
    );
    assert_eq!(d.notes, ["the cycle is `f` → `f.do1` → `f`"]);
    // Go of any function, itself included, is fine.
    ok(r#"main: [Go("f")], funcs: {"f": [Go("f"), Go("main2")], "main2": [Call("g")], "g": []}"#);
}

#[test]
fn empty_scenario() {
    assert_eq!(
        one("main: []"),
        (
            "`main` has no statements".into(),
            "main".into(),
            h("write the scenario's statements in `main: [...]`")
        )
    );
}

#[test]
fn bad_param_overrides() {
    let text = sc(r#"params: {"workers": 2, "depth": 1}, main: [Sleep]"#);
    let file = SourceFile::new("t.ron", text.as_str());
    // Each error: its message, the text it points at, and its help.
    let run = |ps: &[(&str, &str)]| {
        let ps: Vec<(String, String)> = ps
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        match crate::compile(&file, &ps) {
            Ok(_) => panic!("accepted {ps:?}"),
            Err(e) => {
                assert!(e.diagnostics.is_empty());
                let rendered = e.render(&file, false);
                e.param_errors
                    .iter()
                    .map(|d| {
                        let (l, c) = file.line_col(d.span.start);
                        assert!(rendered.contains(&format!("t.ron:{l}:{c}")), "{rendered}");
                        (
                            d.message.clone(),
                            file.slice(d.span).to_string(),
                            d.help.clone().unwrap_or_default(),
                        )
                    })
                    .collect::<Vec<_>>()
            }
        }
    };
    let e = |m: &str, at: &str, help: &str| (m.to_string(), at.to_string(), help.to_string());
    assert_eq!(
        run(&[("wokers", "3")]),
        [e(
            "unknown parameter `wokers` in `--param wokers=3`",
            "params",
            "did you mean `workers`? (`--param workers=3`)"
        )]
    );
    let zzz = crate::compile(&file, &[("zzz".into(), "3".into())]).expect_err("unknown");
    assert_eq!(
        zzz.param_errors[0].notes,
        ["the parameters are `workers`, `depth`"]
    );
    assert_eq!(
        run(&[("workers", "three")]),
        [e(
            "invalid value `three` for parameter `workers` in `--param workers=three`: expected an integer",
            "workers",
            "give an integer: `--param workers=2`"
        )]
    );
    assert_eq!(
        run(&[("workers", "3"), ("depth", "1"), ("workers", "4")]),
        [e(
            "parameter `workers` is given twice by `--param`",
            "workers",
            "give `--param workers=...` once"
        )]
    );
    let none = SourceFile::new("t.ron", sc("main: [Sleep]"));
    let err = crate::compile(&none, &[("n".into(), "1".into())]).expect_err("no params");
    assert_eq!(
        err.param_errors[0].message,
        "unknown parameter `n` in `--param n=1`"
    );
    assert_eq!(err.param_errors[0].label, "the scenario has no parameters");
}

#[test]
fn goroutine_capturing_a_reassigned_local() {
    let (file, d) =
        one_diag(r#"main: [Chan("ch", 1), Let("n", 0), Go(body: [Send("ch", "n")]), Set("n", 1)]"#);
    assert_eq!(
        d.message,
        "the goroutine body captures `n`, which is assigned after its declaration"
    );
    assert_eq!(file.slice(d.span), "n");
    assert_eq!(
        d.help.as_deref(),
        Some("declare it with `Var(...)` to share it, or pass it as an argument")
    );
    assert_eq!(d.secondary[0].1, "assigned here");
    assert_eq!(file.slice(d.secondary[0].0), "n");
    assert!(d.secondary[0].0.start > d.span.start);

    // Assigned inside the body (through `into`).
    let (file, d) = one_diag(r#"main: [Chan("ch", 1), Let("v", 0), Go(body: [Recv("ch", "v")])]"#);
    assert_eq!(
        d.message,
        "the goroutine body captures `v`, which is assigned after its declaration"
    );
    assert_eq!(file.slice(d.span), "v");

    // In a `Do` body, only assignments inside the body matter (it runs at once).
    let (_, d) = one_diag(r#"globals: [Once("o")], main: [Let("r", 0), Do("o", [Set("r", 1)])]"#);
    assert_eq!(
        d.message,
        "the `Do` body captures `r`, which is assigned after its declaration"
    );
    ok(r#"globals: [Once("o")], main: [Let("r", 0), Do("o", [Assert("r == 0")]), Set("r", 1)]"#);
    // ... but a goroutine started inside it shares the enclosing variable.
    let (_, d) = one_diag(
        r#"globals: [Once("o")], main: [Let("r", 0), Do("o", [Go(body: [Assert("r == 0")])]), Set("r", 1)]"#,
    );
    assert_eq!(
        d.message,
        "the goroutine body captures `r`, which is assigned after its declaration"
    );

    // A For loop variable is per iteration (Go 1.22): capturing it is fine;
    // so is a shared variable, and a local that is never reassigned.
    ok(
        r#"main: [Chan("ch", 3), Var("total"), Let("k", 2), For("i", 0, 3, [Go(body: [Send("ch", "i + k"), Set("total", "total + 1")])])]"#,
    );
    ok(r#"main: [Chan("ch", 3), Range("ch", "v", [Go(body: [Send("ch", "v")])])]"#);
}

#[test]
fn deferred_body_using_a_loop_local() {
    let (file, d) = one_diag(r#"main: [For("i", 0, 2, [Defer([Assert("i >= 0")])])]"#);
    assert_eq!(
        d.message,
        "deferred body uses `i`, which is declared inside a loop"
    );
    assert_eq!(file.slice(d.span), "i");
}

#[test]
fn returns_and_recover() {
    assert_eq!(
        one("main: [Return(1)]"),
        (
            "`main` cannot return a value".into(),
            "1".into(),
            h("write `Return` without a value")
        )
    );
    assert_eq!(
        one(r#"globals: [Once("o")], main: [Do("o", [Return(true)])]"#).0,
        "a `Do` body cannot return a value"
    );
    assert_eq!(
        one(r#"main: [Call("f")], funcs: {"f": [Defer([Return(2)])]}"#).0,
        "a deferred body cannot return a value"
    );
    // Recover outside a deferred body is allowed (it returns false).
    ok(r#"main: [Recover("r"), Assert("!r")]"#);
    ok(r#"main: [Call("f", [], "x"), Assert("x == 3")], funcs: {"f": [Return(3)]}"#);
}

#[test]
fn parameter_kinds_come_from_call_sites() {
    // `c` is a channel because main passes one; `w` gets it through `relay`.
    ok(r#"main: [Chan("ch"), Go("relay", ["ch"]), Recv("ch")],
        funcs: {
            "relay": (params: ["c"], body: [Go("w", ["c"])]),
            "w": (params: ["x"], body: [Send("x", 1)]),
        }"#);
    let (file, d) = one_diag(
        r#"main: [Chan("ch"), Mutex("mu"), Go("w", ["ch"]), Go("w", ["mu"])],
        funcs: {"w": (params: ["x"], body: [Close("x")])}"#,
    );
    assert_eq!(
        d.message,
        "parameter `x` of `w` is given a channel and a Mutex"
    );
    assert_eq!(file.slice(d.span), "mu");
    assert_eq!(file.slice(d.secondary[0].0), "ch");
    assert_eq!(file.slice(d.secondary[1].0), "x");
    // Inferred kinds are checked inside the body.
    let (file, d) = one_diag(
        r#"main: [Mutex("mu"), Go("w", ["mu"])], funcs: {"w": (params: ["x"], body: [Close("x")])}"#,
    );
    assert_eq!(d.message, "`Close` needs a channel, but `x` is a Mutex");
    assert_eq!(file.slice(d.span), "x");
    // A pointer parameter.
    ok(
        r#"globals: [Var("n")], main: [Go("inc", ["&n"])], funcs: {"inc": (params: ["p"], body: [Set("*p", "*p + 1")])}"#,
    );
}

#[test]
fn expression_errors_point_into_the_string() {
    assert_eq!(
        one(r#"main: [Let("x", "1 + ")]"#),
        (
            "expected an expression, found the end of the expression".into(),
            "".into(),
            None
        )
    );
    assert_eq!(
        one(r#"main: [Let("x", 1), If("x = 1", [])]"#),
        (
            "unexpected `=` after the expression".into(),
            "=".into(),
            h("use `==` to compare")
        )
    );
    assert_eq!(
        one(r#"main: [Let("x", 1), If("x + 1", [])]"#),
        (
            "expected a boolean condition, but this expression is an integer".into(),
            "x + 1".into(),
            None
        )
    );
    assert_eq!(
        one(r#"main: [Chan("ch"), Let("x", "ch + 1")]"#),
        (
            "`+` needs integers, but `ch` is a channel".into(),
            "ch".into(),
            None
        )
    );
    assert_eq!(
        one(r#"main: [Timer("t"), Let("c", "t.Done()")]"#),
        (
            "`Done()` needs a context, but `t` is a timer".into(),
            "t".into(),
            None
        )
    );
    assert_eq!(
        one(r#"main: [After("c", 1), Recv("c.C")]"#),
        (
            "`.C` needs a timer or ticker, but `c` is a channel".into(),
            "c".into(),
            h("`After` and `Tick` already give a channel: write `c`")
        )
    );
}

#[test]
fn global_initializers() {
    assert_eq!(
        one(r#"globals: [Cond("c", "mu"), Mutex("mu")], main: [Sleep]"#),
        (
            "`mu` is used before its declaration".into(),
            "mu".into(),
            h("globals are created in order: move its declaration up")
        )
    );
    assert_eq!(
        one(r#"globals: [Var("x"), Var("y", "x")], main: [Sleep]"#).0,
        "a global initializer cannot read shared state"
    );
}

#[test]
fn several_errors_are_all_reported() {
    let text = sc(r#"globals: [Mutex("mu"), Mutex("mu")],
        main: [
            Lock("mux"),
            Chan("ch", -2),
            Send("mu", 1),
            Break,
            Go("wrk"),
        ],
        funcs: {"work": []}"#);
    let (file, ds) = errors_in(&text, &[]);
    let got: Vec<(&str, &str)> = ds
        .iter()
        .map(|d| (d.message.as_str(), file.slice(d.span)))
        .collect();
    assert_eq!(
        got,
        [
            ("global `mu` is declared twice", "mu"),
            ("unknown name `mux`", "mux"),
            ("negative capacity -2 for channel `ch`", "-2"),
            ("`Send` needs a channel, but `mu` is a Mutex", "mu"),
            ("`Break` outside a loop, select or switch", "Break"),
            ("unknown function `wrk`", "wrk"),
        ]
    );
    let rendered = crate::diagnostic::render(&file, &ds, false);
    assert_eq!(rendered.matches("error:").count(), 6);
}

#[test]
fn parse_scenario_validates_without_lowering() {
    let file = SourceFile::new("t.ron", sc(r#"main: [Chan("ch"), Close("ch")]"#));
    let s = crate::parse_scenario(&file).expect("valid");
    assert_eq!(s.main.len(), 2);
    let bad = SourceFile::new("t.ron", sc(r#"main: [Close("ch")]"#));
    let ds = crate::parse_scenario(&bad).expect_err("invalid");
    assert_eq!(ds[0].message, "unknown name `ch`");
}

// ----- errors together with decoding errors, without cascades -----

/// Every error of `text` as (message, underlined text), in the order reported.
fn all_errors(text: &str, params: &[(&str, &str)]) -> Vec<(String, String)> {
    let (file, ds) = errors_in(text, params);
    ds.iter()
        .map(|d| (d.message.clone(), file.slice(d.span).to_string()))
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn decoding_and_validation_errors_are_reported_together_in_file_order() {
    let text = r#"Scenario(
    name: "t",
    globals: [Mutex("mu")],
    main: [
        Sned("ch", 1),
        Lock("mu"),
        Wait("mu"),
        Sleep(0.5),
        Unlock("mx"),
    ],
)"#;
    assert_eq!(
        all_errors(text, &[]),
        pairs(&[
            ("unknown statement `Sned`", "Sned"),
            (
                "`Wait` needs a WaitGroup, Cond or errgroup.Group, but `mu` is a Mutex",
                "mu"
            ),
            ("floats are not supported", "0.5"),
            ("unknown name `mx`", "mx"),
        ])
    );
    let (file, ds) = errors_in(text, &[]);
    let lines: Vec<u32> = ds.iter().map(|d| file.line_col(d.span.start).0).collect();
    assert_eq!(lines, [5, 7, 8, 9]);
    // `parse_scenario` reports the same errors.
    let parsed = crate::parse_scenario(&file).expect_err("invalid");
    assert_eq!(parsed, ds);
}

#[test]
fn a_declaration_that_fails_to_decode_does_not_make_its_name_unknown() {
    let uses = r#"Send("ch", 1), Go(body: [Recv("ch", "v"), Assert("v == 1")]), Close("ch")"#;
    assert_eq!(
        all_errors(
            &sc(&format!(r#"main: [Chan(name: "ch", cap: 1.5), {uses}]"#)),
            &[]
        ),
        pairs(&[("floats are not supported", "1.5")])
    );
    assert_eq!(
        all_errors(
            &sc(&format!(r#"main: [Chan("ch", cap: 1.5), {uses}]"#)),
            &[]
        ),
        pairs(&[
            ("mix of positional and named arguments", r#"Chan("ch", cap"#),
            ("floats are not supported", "1.5"),
        ])
    );
    assert_eq!(
        all_errors(&sc(&format!(r#"main: [Chann("ch", 0), {uses}]"#)), &[]),
        pairs(&[("unknown statement `Chann`", "Chann")])
    );
    assert_eq!(
        all_errors(
            &sc(&format!(r#"globals: [Chann("ch", 0)], main: [{uses}]"#)),
            &[]
        ),
        pairs(&[("unknown statement `Chann`", "Chann")])
    );
    // A misspelled `globals` field declares nothing, but names nothing unknown.
    assert_eq!(
        all_errors(
            &sc(&format!(r#"global: [Chan("ch")], main: [{uses}]"#)),
            &[]
        ),
        pairs(&[("unknown field `global` in `Scenario`", "global")])
    );
    // Names the failed part does not mention are still unknown.
    assert_eq!(
        all_errors(
            &sc(r#"main: [Chann("ch", 0), Send("ch", 1), Close("chh")]"#),
            &[]
        ),
        pairs(&[
            ("unknown statement `Chann`", "Chann"),
            ("unknown name `chh`", "chh"),
        ])
    );
}

#[test]
fn a_function_that_fails_to_decode_gives_no_call_errors() {
    let text = r#"Scenario(
    name: "t",
    main: [
        Chan("ch", 1),
        Go("worker", ["ch", 1]),
        Call("worker", ["ch"]),
        Go("helper", ["ch"]),
        Go("wrker", ["ch", 1]),
    ],
    funcs: {
        "worker": (parms: ["c", "n"], body: [Send("c", "n")]),
        "helper": Fnc(params: ["c"], body: [Close("c")]),
    },
)"#;
    assert_eq!(
        all_errors(text, &[]),
        pairs(&[
            ("unknown function `wrker`", "wrker"),
            ("unknown field `parms` in `function`", "parms"),
            ("expected `Func`(...), found `Fnc`", "Fnc"),
        ])
    );
}

#[test]
fn a_dropped_declaration_that_may_shadow_a_name_gives_no_kind_errors() {
    // Had `Chan` decoded, `ch` would be a channel from line 3 on.
    assert_eq!(
        all_errors(
            &sc(r#"globals: [Mutex("ch")], main: [
                Lock("ch"), Unlock("ch"),
                Chan(name: "ch", cap: 1.5),
                Send("ch", 1), Recv("ch", "v"),
                Chan("q", 1), Lock("q"),
            ]"#),
            &[]
        ),
        pairs(&[
            ("floats are not supported", "1.5"),
            ("`Lock` needs a Mutex or RWMutex, but `q` is a channel", "q"),
        ])
    );
    // A failed statement that declares nothing, or that comes before the
    // declaration, hides nothing.
    assert_eq!(
        all_errors(
            &sc(r#"main: [Let("q", 1.5), Chan("q"), Send("q", 1.5), Lock("q")]"#),
            &[]
        ),
        pairs(&[
            ("floats are not supported", "1.5"),
            ("floats are not supported", "1.5"),
            ("`Lock` needs a Mutex or RWMutex, but `q` is a channel", "q"),
        ])
    );
    // An unknown statement may declare any of its arguments.
    assert_eq!(
        all_errors(
            &sc(r#"globals: [Mutex("n")], main: [Lett("n", 0), Set("n", 1), Add("n", 1)]"#),
            &[]
        ),
        pairs(&[("unknown statement `Lett`", "Lett")])
    );
}

#[test]
fn a_main_whose_statements_all_fail_is_not_also_empty() {
    assert_eq!(
        all_errors(&sc(r#"main: [Sned("ch", 1)]"#), &[]),
        pairs(&[("unknown statement `Sned`", "Sned")])
    );
    assert_eq!(
        all_errors(&sc(r#"main: Sleep"#), &[]),
        pairs(&[(
            "expected a list of statements, found an identifier",
            "Sleep"
        )])
    );
}

#[test]
fn expect_that_fails_to_decode_adds_nothing() {
    assert_eq!(
        all_errors(
            &sc(r#"expect: [Deadlok, Leak], main: [Chan("ch"), Lock("ch")]"#),
            &[]
        ),
        pairs(&[
            ("unknown bug kind `Deadlok`", "Deadlok"),
            (
                "`Lock` needs a Mutex or RWMutex, but `ch` is a channel",
                "ch"
            ),
        ])
    );
}

#[test]
fn param_errors_are_reported_with_decoding_errors() {
    let text = sc(r#"params: {"n": 1.5, "m": 2}, main: [For(to: "n", body: [Sleep("m")]), Sned]"#);
    let file = SourceFile::new("t.ron", text.as_str());
    let params = [
        ("n".to_string(), "3".to_string()),
        ("k".to_string(), "1".to_string()),
    ];
    let e = crate::compile(&file, &params).expect_err("invalid");
    let got: Vec<(&str, &str)> = e
        .diagnostics
        .iter()
        .map(|d| (d.message.as_str(), file.slice(d.span)))
        .collect();
    assert_eq!(
        got,
        [
            ("floats are not supported", "1.5"),
            ("unknown statement `Sned`", "Sned"),
        ]
    );
    // `n` was declared by the entry that failed: overriding it is no error.
    assert_eq!(e.param_errors.len(), 1);
    assert_eq!(
        e.param_errors[0].message,
        "unknown parameter `k` in `--param k=1`"
    );
    assert_eq!(
        e.param_errors[0].help.as_deref(),
        Some("did you mean `m`? (`--param m=1`)")
    );
    let rendered = e.render(&file, false);
    assert_eq!(rendered.matches("error:").count(), 3);
    // When `params` is not a map at all, no override is reported unknown.
    let broken = SourceFile::new("t.ron", sc(r#"params: 3, main: [Sleep]"#));
    let e = crate::compile(&broken, &params).expect_err("invalid");
    assert_eq!(e.diagnostics.len(), 1);
    assert!(e.param_errors.is_empty());
}

#[test]
fn several_results_are_counted_at_every_return_and_call() {
    let f =
        r#"funcs: {"f": (params: [], body: [If(true, [Return([0, "nil"])]), Return([1, "nil"])])}"#;
    ok(&format!(
        r#"main: [Call("f", [], ["v", "err"]), Call("f", [], ["_", "e"]), Call("f")], {f}"#
    ));
    let (file, d) = one_diag(&format!(r#"main: [Call("f", [], "v")], {f}"#));
    assert_eq!(
        d.message,
        "`into` takes 1 value from a function returning 2 values"
    );
    assert_eq!(file.slice(d.span), "v");
    assert_eq!(d.secondary[0].1, "2 values returned here");
    assert_eq!(file.slice(d.secondary[0].0), r#"Return([0, "nil"])"#);
    assert_eq!(
        d.help,
        h(r#"name 2 locals: `into: ["v", "err"]` (`"_"` drops a value)"#)
    );
    let (m, at, help) = one(&format!(r#"main: [Call("f", [], ["a", "b", "c"])], {f}"#));
    assert_eq!(
        m,
        "`into` takes 3 values from a function returning 2 values"
    );
    assert_eq!(at, "a");
    assert!(help.is_some());
    let (m, at, _) = one(
        r#"main: [Call("f")], funcs: {"f": (params: [], body: [If(true, [Return([0, "nil", 2])]), Return([1, "nil"])])}"#,
    );
    assert_eq!(
        m,
        "this `Return` gives 2 values where the function's first gives 3 values"
    );
    assert_eq!(at, r#"Return([1, "nil"])"#);
    let (m, _, help) =
        one(r#"main: [Call("g", [], ["a", "b"])], funcs: {"g": (params: [], body: [Return(1)])}"#);
    assert_eq!(m, "`into` takes 2 values from a function returning 1 value");
    assert_eq!(help, h("name one local: `into: \"v\"`"));
    let (m, at, _) = one(r#"main: [Go(body: [Return([1, 2])])]"#);
    assert_eq!(m, "only a function of `funcs` returns several values");
    assert_eq!(at, "2");
    let (m, _, _) = one(
        r#"main: [Let("h", "g"), Call("h", [], ["a", "b"])], funcs: {"g": (params: [], body: [Return([1, 2])])}"#,
    );
    assert_eq!(m, "a call through the function value `h` takes one result");
    let (m, at, help) =
        one(r#"main: [Call("g", [], ["a", "b"])], funcs: {"g": (params: [], body: [Return])}"#);
    assert_eq!(
        m,
        "`into` takes 2 values from a function that returns no value"
    );
    assert_eq!(at, "a");
    assert_eq!(help, h("leave `into` out: the function returns nothing"));
}

#[test]
fn named_results_fix_the_count_and_kinds_of_every_return() {
    let f = r#"funcs: {"f": (params: ["i"], results: {"n": "int", "err": "error"}, body: [If("i > 0", [Return]), Set("n", 2), Return([1, "nil"])])}"#;
    ok(&format!(
        r#"main: [Call("f", [1], ["v", "err"]), Assert("v + 1 > 0"), Call("f", [2])], {f}"#
    ));
    let (file, d) = one_diag(&format!(r#"main: [Call("f", [1], "v")], {f}"#));
    assert_eq!(
        d.message,
        "`into` takes 1 value from a function returning 2 values"
    );
    assert_eq!(d.secondary[0].1, "2 results declared here");
    assert_eq!(
        file.slice(d.secondary[0].0),
        r#"{"n": "int", "err": "error"}"#
    );
    let (file, d) = one_diag(
        r#"main: [Call("f", [1])], funcs: {"f": (params: ["i"], results: {"n": "int", "err": "error"}, body: [Return([1])])}"#,
    );
    assert_eq!(
        d.message,
        "this `Return` gives 1 value where the function has 2 named results"
    );
    assert_eq!(file.slice(d.span), "Return([1])");
    assert_eq!(d.secondary[0].1, "the results");
    assert_eq!(
        d.help,
        h("return a value for every result, or write `Return` alone to return the named results as they are")
    );
    let (m, at, _) = one(
        r#"main: [Call("f")], funcs: {"f": (params: [], results: {"ok": "bool"}, body: [Return(1)])}"#,
    );
    assert_eq!(
        m,
        "the value is an integer, but result `ok` holds a boolean"
    );
    assert_eq!(at, "1");
    let (m, at, _) = one(
        r#"main: [Call("f", [1])], funcs: {"f": (params: ["i"], results: {"i": "int"}, body: [Return])}"#,
    );
    assert_eq!(m, "`i` is already declared in this block");
    assert_eq!(at, "i");
    let (m, at, help) = one(
        r#"main: [Call("f")], funcs: {"f": (params: [], results: {"mu": "sync.Mutex"}, body: [Return])}"#,
    );
    assert_eq!(m, "a result holds a value or a reference, not `sync.Mutex`");
    assert_eq!(at, "sync.Mutex");
    assert!(help.is_some());
    let (m, _, _) = one(
        r#"main: [Call("f")], funcs: {"f": (params: [], results: {"n": "int"}, body: [Return]), "g": (params: [], body: [Call("f", [], ["a", "b"])])}"#,
    );
    assert_eq!(m, "`into` takes 2 values from a function returning 1 value");
    // A deferred body assigns a result; the function returns what it leaves.
    ok(
        r#"main: [Call("f", [], "e")], funcs: {"f": (params: [], results: {"err": "error"}, body: [Defer([Recover("r"), If("r", [Set("err", "errors.New(`x`)")])]), Panic("p")])}"#,
    );
}

#[test]
fn an_errgroup_runs_a_function_returning_one_value() {
    let (file, d) = one_diag(
        r#"main: [Group("g"), GroupGo(group: "g", func: "f"), Wait("g")], funcs: {"f": (params: [], body: [Return(["nil", 1])])}"#,
    );
    assert_eq!(d.message, "`GroupGo` runs a function returning 2 values");
    assert_eq!(file.slice(d.span), "f");
    assert_eq!(
        d.help,
        h("an errgroup's function returns one value, its error")
    );
    ok(
        r#"main: [Group("g"), GroupGo(group: "g", func: "f"), Wait("g")], funcs: {"f": (params: [], body: [Return("nil")])}"#,
    );
}
