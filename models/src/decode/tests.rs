//! Decoding: both argument forms for every statement, and one test per
//! decoding error (message, underlined text, help).

use crate::diagnostic::Diagnostic;
use crate::span::SourceFile;
use crate::syntax::{CaseKind, ExprSrc, Scenario, StmtKind, TimerKind};

fn decode(text: &str) -> Result<Scenario, (SourceFile, Vec<Diagnostic>)> {
    let file = SourceFile::new("t.ron", text);
    let root = match crate::ron::parse(text) {
        Ok(r) => r,
        Err(ds) => return Err((file, ds)),
    };
    super::decode(&file, &root).map_err(|ds| (file, ds))
}

fn main_of(stmts: &str) -> Vec<StmtKind> {
    let text = format!("Scenario(name: \"t\", main: [{stmts}])");
    match decode(&text) {
        Ok(s) => s.main.into_iter().map(|s| s.kind).collect(),
        Err((file, ds)) => panic!("{}", crate::diagnostic::render(&file, &ds, false)),
    }
}

fn one_stmt(stmt: &str) -> StmtKind {
    let mut v = main_of(stmt);
    assert_eq!(v.len(), 1);
    v.remove(0)
}

/// The single error: (message, underlined text, help).
fn err(text: &str) -> (String, String, Option<String>) {
    match decode(text) {
        Ok(_) => panic!("decoded: {text}"),
        Err((file, ds)) => {
            assert_eq!(
                ds.len(),
                1,
                "{}",
                crate::diagnostic::render(&file, &ds, false)
            );
            (
                ds[0].message.clone(),
                file.slice(ds[0].span).to_string(),
                ds[0].help.clone(),
            )
        }
    }
}

fn err_main(stmts: &str) -> (String, String, Option<String>) {
    err(&format!("Scenario(name: \"t\", main: [{stmts}])"))
}

fn diag_main(stmts: &str) -> Diagnostic {
    let text = format!("Scenario(name: \"t\", main: [{stmts}])");
    match decode(&text) {
        Ok(_) => panic!("decoded"),
        Err((_, mut ds)) => {
            assert_eq!(ds.len(), 1);
            ds.remove(0)
        }
    }
}

/// The debug form without spans.
fn name(k: &StmtKind) -> String {
    let s = format!("{k:?}");
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(i) = rest.find("Span {") {
        out.push_str(&rest[..i]);
        rest = rest[i..].split_once('}').map_or("", |(_, r)| r);
    }
    out.push_str(rest);
    out
}

fn h(s: &str) -> Option<String> {
    Some(s.to_string())
}

#[test]
fn positional_and_named_forms_are_the_same() {
    let pairs = [
        (r#"Chan("ch", 2)"#, r#"Chan(name: "ch", cap: 2)"#),
        (
            r#"Recv("ch", "v", "ok")"#,
            r#"Recv(chan: "ch", into: "v", ok: "ok")"#,
        ),
        (
            r#"Send("ch", "x + 1")"#,
            r#"Send(chan: "ch", value: "x + 1")"#,
        ),
        (r#"Cond("c", "mu")"#, r#"Cond(name: "c", locker: "mu")"#),
        (
            r#"WithCancel("ctx", "cancel", "parent")"#,
            r#"WithCancel(ctx: "ctx", cancel: "cancel", parent: "parent")"#,
        ),
        (
            r#"WithTimeout("ctx", "cancel", 5)"#,
            r#"WithTimeout(ctx: "ctx", cancel: "cancel", timeout: 5)"#,
        ),
        (
            r#"Range("ch", "v", [Break])"#,
            r#"Range(chan: "ch", var: "v", body: [Break])"#,
        ),
        (
            r#"Range("ch", [Break])"#,
            r#"Range(chan: "ch", body: [Break])"#,
        ),
        (
            r#"For("i", 0, 3, [])"#,
            r#"For(var: "i", from: 0, to: 3, body: [])"#,
        ),
        (r#"For(3, [])"#, r#"For(to: 3, body: [])"#),
        (
            r#"For("i", "n", [])"#,
            r#"For(var: "i", to: "n", body: [])"#,
        ),
        (
            r#"Go("worker", ["ch", 3])"#,
            r#"Go(func: "worker", args: ["ch", 3])"#,
        ),
        (r#"Go([Sleep])"#, r#"Go(body: [Sleep])"#),
        (
            r#"Call("f", [1], "r")"#,
            r#"Call(func: "f", args: [1], into: "r")"#,
        ),
        (
            r#"If("x", [Break], [Continue])"#,
            r#"If(cond: "x", then: [Break], else: [Continue])"#,
        ),
        (r#"Return"#, r#"Return()"#),
        (
            r#"Reset("t", 4, "ok")"#,
            r#"Reset(timer: "t", duration: 4, into: "ok")"#,
        ),
        (
            r#"CompareAndSwap("x", 1, 2, "ok")"#,
            r#"CompareAndSwap(var: "x", old: 1, new: 2, into: "ok")"#,
        ),
        (
            r#"Assert("x > 0", "positive")"#,
            r#"Assert(cond: "x > 0", message: "positive")"#,
        ),
    ];
    for (pos, named) in pairs {
        assert_eq!(name(&one_stmt(pos)), name(&one_stmt(named)), "{pos}");
    }
}

#[test]
fn every_statement_is_reachable() {
    let all = main_of(
        r#"Chan("a"), NilChan("b"), Mutex("c"), RWMutex("d"), RwMutex("d2"), WaitGroup("e"), Once("f"),
        Cond("g", "c"), Var("h", 1), Map("i"), Background("j"), WithCancel("k", "l"),
        WithTimeout("m", "n", "k", 1), WithDeadline("m2", "n2", "k", 1),
        Timer("o", 1), After("p", 1), Ticker("q", 1), Tick("r", 1),
        Let("s", 1), Set("s", 2), Delete("i", 1), Send("a", 1), Recv("a"), Close("a"),
        Range("a", []), Select([Send("a", 1, []), Recv("a", "v", "ok", []), After(1, []), Default([])]),
        Lock("c"), Unlock("c"), TryLock("c", "t"), RLock("d"), RUnlock("d"), Add("e", 1), Done("e"),
        Wait("e"), Signal("g"), Broadcast("g"), Do("f", []), Cancel("l"), Stop("o"), Reset("o"),
        Sleep, AtomicLoad("h", "u"), AtomicStore("h", 1), AtomicAdd("h", 1), CompareAndSwap("h", 1, 2),
        If("true", []), For(to: 1, body: []), While("false", []), Loop([Break]), Break, Continue,
        Return(1), Choose("w", [1, 2]), Either([[], []]), Go("x"), Call("y"), Defer([]), Panic("z"),
        Recover("rr"), Assert("true"), Switch("s", [Case([1], []), Default([])]),
        Group("eg"), WithContext("eg2", "ectx"), GroupGo("eg", []), SetLimit("eg", 1),
        WithValue("vctx", "j", 1, 2), SyncMap("sm"), Load("sm", 1, "lv", "lok"),
        Store("sm", 1, 2), LoadOrStore("sm", 1, 2), LoadAndDelete("sm", 1),
        AfterFunc("af", 1, []), ContextAfterFunc("stop", "k", []), Append("sl", 1),

        New("n", "T"), Slice("sl", "int", 2), Func("fl", [])"#,
    );
    let names: std::collections::BTreeSet<&str> = all.iter().map(super::stmts::stmt_name).collect();
    let table: std::collections::BTreeSet<&str> = super::table::STMTS
        .iter()
        .map(|s| s.shape.name)
        .filter(|n| !["RwMutex", "WithDeadline"].contains(n))
        .collect();
    assert_eq!(names, table);
    let timers: Vec<TimerKind> = all
        .iter()
        .filter_map(|k| match k {
            StmtKind::Timer { kind, .. } => Some(*kind),
            _ => None,
        })
        .collect();
    assert_eq!(
        timers,
        [
            TimerKind::Timer,
            TimerKind::After,
            TimerKind::Ticker,
            TimerKind::Tick
        ]
    );
    let StmtKind::Select { cases, .. } = &all[25] else {
        panic!("not a select: {:?}", all[25])
    };
    assert!(matches!(cases[1].kind, CaseKind::Recv { .. }));
    assert!(matches!(cases[2].kind, CaseKind::After { .. }));
    assert!(matches!(cases[3].kind, CaseKind::Default));
    assert!(matches!(
        all[13],
        StmtKind::WithCancel {
            is_timeout: true,
            ..
        }
    ));
}

#[test]
fn select_case_forms() {
    let StmtKind::Select { cases, .. } = one_stmt(
        r#"Select([Recv("a"), Recv("a", [Break]), Recv("a", "v", [Break]), Send("a", [Break]), After([Break]), Default])"#,
    ) else {
        panic!("not a select")
    };
    assert_eq!(cases.len(), 6);
    assert!(
        matches!(&cases[0].kind, CaseKind::Recv { into: None, .. }) && cases[0].body.is_empty()
    );
    assert!(
        matches!(&cases[1].kind, CaseKind::Recv { into: None, .. }) && cases[1].body.len() == 1
    );
    assert!(matches!(&cases[2].kind, CaseKind::Recv { into: Some(n), .. } if n.text == "v"));
    assert!(
        matches!(&cases[3].kind, CaseKind::Send { value: None, .. }) && cases[3].body.len() == 1
    );
    assert!(
        matches!(&cases[4].kind, CaseKind::After { duration: None }) && cases[4].body.len() == 1
    );
}

#[test]
fn underscore_discards_and_expression_spans_are_exact() {
    let StmtKind::Recv { into, ok, chan } = one_stmt(r#"Recv("ch", "_", "ok")"#) else {
        panic!()
    };
    assert!(into.is_none());
    assert_eq!(ok.map(|n| n.text), Some("ok".to_string()));
    assert!(matches!(chan, ExprSrc::Text { exact: true, .. }));
    let StmtKind::Send { chan, .. } = one_stmt(r#"Send("c\u{68}")"#) else {
        panic!()
    };
    assert!(matches!(chan, ExprSrc::Text { exact: false, .. }));
}

#[test]
fn scenario_metadata() {
    let s = decode(
        r#"Scenario(
            name: "k8s",
            summary: "s",
            origin: "o",
            taxonomy: Taxonomy(behavior: NonBlocking, cause: SharedMemory),
            expect: [Race, ContextLeak],
            params: {"n": -2},
            globals: [Mutex("mu")],
            main: [Sleep],
            funcs: {"f": (params: ["a"], body: [Sleep]), "g": [Sleep]},
        )"#,
    )
    .map_err(|(_, d)| d)
    .expect("valid");
    assert_eq!(s.name.text, "k8s");
    assert_eq!(s.expect.len(), 2);
    assert_eq!(s.params[0].default, -2);
    assert_eq!(s.funcs.len(), 2);
    assert_eq!(s.funcs[0].params[0].text, "a");
    assert!(s.funcs[1].params.is_empty());
    let t = s.taxonomy.expect("taxonomy");
    assert_eq!(t.behavior, crate::syntax::Behavior::NonBlocking);
    let minimal = decode(r#"(name: "m", main: [Sleep], expect: [])"#)
        .map_err(|(_, d)| d)
        .expect("valid");
    assert!(minimal.expect.is_empty() && minimal.taxonomy.is_none());
}

#[test]
fn unknown_statement() {
    assert_eq!(
        err_main(r#"Sned("ch", 1)"#),
        (
            "unknown statement `Sned`".into(),
            "Sned".into(),
            h("did you mean `Send`?")
        )
    );
    assert_eq!(
        err_main(r#"Default([])"#).2,
        h("put it in a select: `Select([Default([])])`")
    );
    // A select case with a body, written as a statement.
    assert_eq!(
        err_main(r#"Recv("ch", [Return])"#),
        (
            "`Recv` with a body is a select case, not a statement".into(),
            "[Return]".into(),
            h("put it in a select: `Select([Recv(\"ch\", [Return])])`")
        )
    );
    assert_eq!(
        err_main(r#"Select([Rcv("c")])"#),
        (
            "unknown select case `Rcv`".into(),
            "Rcv".into(),
            h("did you mean `Recv`?")
        )
    );
    assert_eq!(
        err_main(r#""Lock""#),
        (
            "expected a statement, found a string".into(),
            r#""Lock""#.into(),
            None
        )
    );
}

#[test]
fn unknown_field() {
    let d = diag_main(r#"Recv(chan: "ch", int: "v")"#);
    assert_eq!(d.message, "unknown field `int` in `Recv`");
    assert_eq!(d.help.as_deref(), Some("did you mean `into`?"));
    assert_eq!(d.notes, ["`Recv` has fields `chan`, `into` and `ok`"]);
    assert_eq!(
        err_main(r#"Close(chan: "ch", when: 1)"#),
        (
            "unknown field `when` in `Close`".into(),
            "when".into(),
            None
        )
    );
}

#[test]
fn missing_required_field() {
    let d = diag_main(r#"Range("ch")"#);
    assert_eq!(d.message, "missing field `body` in `Range`");
    assert_eq!(d.label, "`body` is required");
    assert_eq!(
        d.notes,
        ["`Range` has fields `chan`, `var`, `body`, `value` and `label`"]
    );
    assert_eq!(
        err_main(r#"Send(value: 1)"#),
        (
            "missing field `chan` in `Send`".into(),
            "Send".into(),
            h("give every required field, e.g. `Send(chan: \"…\")`")
        )
    );
    assert_eq!(err_main("Lock").0, "missing field `mutex` in `Lock`");
    assert_eq!(
        err(r#"Scenario(name: "t")"#),
        (
            "missing field `main` in `Scenario`".into(),
            "Scenario".into(),
            h("give every required field, e.g. `Scenario(name: \"…\", main: [...])`")
        )
    );
}

#[test]
fn duplicate_field() {
    let text = r#"Scenario(name: "t", main: [Send(chan: "a", chan: "b")])"#;
    let Err((file, ds)) = decode(text) else {
        panic!()
    };
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].message, "field `chan` is given twice");
    assert_eq!(file.slice(ds[0].span), "chan");
    assert!(ds[0].span.start > ds[0].secondary[0].0.start);
    assert_eq!(ds[0].secondary[0].1, "first given here");
}

#[test]
fn too_many_positional_arguments() {
    assert_eq!(
        err_main(r#"Close("a", "b", "c")"#),
        (
            "too many arguments for `Close`: expected at most 1, found 3".into(),
            r#""b", "c""#.into(),
            None
        )
    );
    assert_eq!(
        err_main(r#"Break("a", "b")"#).0,
        "too many arguments for `Break`: expected at most 1, found 2"
    );
}

#[test]
fn wrong_value_type() {
    assert_eq!(
        err_main("Chan(3)"),
        (
            "expected a name string, found an integer".into(),
            "3".into(),
            None
        )
    );
    assert_eq!(
        err_main(r#"Send(ch, 1)"#),
        (
            "expected an expression (an integer, a boolean or a string), found an identifier"
                .into(),
            "ch".into(),
            h(r#"write it in quotes: `"ch"`"#)
        )
    );
    assert_eq!(
        err_main(r#"Loop("x")"#),
        (
            "expected a list of statements, found a string".into(),
            r#""x""#.into(),
            None
        )
    );
    assert_eq!(
        err_main(r#"Chan("my ch")"#),
        (
            "`my ch` is not a valid name".into(),
            "my ch".into(),
            h("names are Go identifiers: a letter or `_`, then letters, digits or `_`")
        )
    );
    assert_eq!(
        err_main(r#"Let("nil", 1)"#).0,
        "`nil` is reserved and cannot be used as a name"
    );
    assert_eq!(
        err_main(r#"Let("_", 1)"#),
        (
            "`_` cannot be used as a name here".into(),
            "_".into(),
            h("give it a name, such as `v`")
        )
    );
    // A parameter named `cap` (issue 14): why it is reserved, and a fix.
    let text = r#"Scenario(name: "t", main: [Sleep], funcs: {"f": (params: ["cap"], body: [])})"#;
    let d = match decode(text) {
        Ok(_) => panic!("decoded"),
        Err((_, mut ds)) => {
            assert_eq!(ds.len(), 1);
            ds.remove(0)
        }
    };
    assert_eq!(d.message, "`cap` is reserved and cannot be used as a name");
    assert_eq!(
        d.notes,
        ["in Go `cap` is a predeclared function a name may shadow, but weft expressions call `cap(ch)` by that name"]
    );
    assert_eq!(
        d.help.as_deref(),
        Some("rename it, for example to `capacity` (and its uses with it)")
    );
    let d = diag_main(r#"Let("chan", 1)"#);
    assert_eq!(d.notes, ["`chan` is a Go keyword"]);
    assert_eq!(
        d.help.as_deref(),
        Some("rename it, for example to `ch` (and its uses with it)")
    );
}

#[test]
fn floats_are_rejected() {
    assert_eq!(
        err_main("Sleep(1.5)"),
        (
            "floats are not supported".into(),
            "1.5".into(),
            h("weft values are integers; a duration only needs to be positive or not")
        )
    );
    assert_eq!(
        err(r#"Scenario(name: "t", params: {"n": 0.5}, main: [Sleep])"#).0,
        "floats are not supported"
    );
}

#[test]
fn unknown_bug_kind_and_taxonomy_values() {
    assert_eq!(
        err(r#"Scenario(name: "t", expect: [Deadlok], main: [Sleep])"#),
        (
            "unknown bug kind `Deadlok`".into(),
            "Deadlok".into(),
            h("did you mean `Deadlock`?")
        )
    );
    assert_eq!(
        err(r#"Scenario(name: "t", expect: [Leak, Leak], main: [Sleep])"#).0,
        "bug kind `Leak` is listed twice"
    );
    assert_eq!(
        err(
            r#"Scenario(name: "t", taxonomy: (behavior: Blockng, cause: MessagePassing), main: [Sleep])"#
        ),
        (
            "unknown behavior `Blockng`".into(),
            "Blockng".into(),
            h("did you mean `Blocking`?")
        )
    );
    assert_eq!(
        err(
            r#"Scenario(name: "t", taxonomy: (behavior: Blocking, cause: SharedMemry), main: [Sleep])"#
        ),
        (
            "unknown cause `SharedMemry`".into(),
            "SharedMemry".into(),
            h("did you mean `SharedMemory`?")
        )
    );
    assert_eq!(
        err(r#"Scenaro(name: "t", main: [Sleep])"#),
        (
            "expected `Scenario`(...), found `Scenaro`".into(),
            "Scenaro".into(),
            None
        )
    );
}

#[test]
fn only_declarations_in_globals() {
    assert_eq!(
        err(r#"Scenario(name: "t", globals: [Chan("ch"), Send("ch", 1)], main: [Sleep])"#),
        (
            "`Send` cannot be used in `globals`".into(),
            r#"Send("ch", 1)"#.into(),
            h("`globals` only holds declarations such as `Chan`, `Mutex` and `Var`; move this statement into `main`")
        )
    );
    assert_eq!(
        err(r#"Scenario(name: "t", globals: [WithCancel("c", "k")], main: [Sleep])"#).0,
        "`WithCancel` cannot be used in `globals`"
    );
}

#[test]
fn mixed_positional_and_named_arguments() {
    assert_eq!(
        err_main(r#"Recv("ch", into: "v")"#),
        (
            "mix of positional and named arguments".into(),
            r#"Recv("ch", into"#.into(),
            h(r#"name every argument: `Recv(chan: "ch", into: "v")`"#)
        )
    );
    assert_eq!(
        err_main(r#"Range("ch", body: [Send("out", 1), Send("out", 2), Send("out", 3)])"#).2,
        h(r#"name every argument: `Range(chan: "ch", body: [...])`"#)
    );
}

#[test]
fn go_needs_exactly_one_of_func_and_body() {
    assert_eq!(
        err_main(r#"Go(func: "f", body: [])"#),
        (
            "`Go` takes either `func` or `body`, not both".into(),
            "body".into(),
            None
        )
    );
    assert_eq!(
        err_main("Go()"),
        (
            "`Go` needs a `func` or a `body`".into(),
            "Go".into(),
            h(r#"write `Go("worker", [args])` or `Go(body: [...])`"#)
        )
    );
    assert_eq!(
        err_main(r#"Go(args: [1], body: [])"#).0,
        "`args` can only be given with `func`"
    );
}

#[test]
fn every_error_in_a_file_is_reported() {
    let text = r#"Scenario(
        name: "t",
        expect: [Deadlok],
        main: [Sned("a"), Recv(chan: "c", int: "v"), Chan(3), Sleep(0.5)],
        funcs: {"f": (body: [Loop])},
    )"#;
    let Err((file, ds)) = decode(text) else {
        panic!()
    };
    let got: Vec<(&str, &str)> = ds
        .iter()
        .map(|d| (d.message.as_str(), file.slice(d.span)))
        .collect();
    assert_eq!(
        got,
        [
            ("unknown bug kind `Deadlok`", "Deadlok"),
            ("unknown statement `Sned`", "Sned"),
            ("unknown field `int` in `Recv`", "int"),
            ("expected a name string, found an integer", "3"),
            ("floats are not supported", "0.5"),
            ("missing field `body` in `Loop`", "Loop"),
        ]
    );
}

fn partial(text: &str) -> (SourceFile, super::Decoded) {
    let file = SourceFile::new("t.ron", text);
    let root = crate::ron::parse(text).expect("RON");
    let d = super::decode_partial(&file, &root);
    (file, d)
}

#[test]
fn decoding_drops_what_fails_and_keeps_the_rest() {
    let text = r#"Scenario(
        name: 5,
        params: {"n": 1.5, "m": 2},
        globals: [Mutex("mu"), Chann("ch"), Send("mu", 1), Var("x")],
        main: [
            Sned("a"),
            Loop([Sleep(0.5), Recv("c", "v"), Brek]),
            Select([Recv("c", [Return]), Rcv("d"), Default]),
            Chan(name: "e", cap: 1.5),
            Close("c"),
        ],
        funcs: {"f": (parms: ["p"], body: []), "g": ["q"], "h": [Close("r"), Clse("s")]},
    )"#;
    let (file, d) = partial(text);
    let got: Vec<(&str, &str)> = d
        .errors
        .iter()
        .map(|e| (e.message.as_str(), file.slice(e.span)))
        .collect();
    assert_eq!(
        got,
        [
            ("expected a string, found an integer", "5"),
            ("floats are not supported", "1.5"),
            ("unknown statement `Chann`", "Chann"),
            ("`Send` cannot be used in `globals`", r#"Send("mu", 1)"#),
            ("unknown statement `Sned`", "Sned"),
            ("floats are not supported", "0.5"),
            ("unknown statement `Brek`", "Brek"),
            ("unknown select case `Rcv`", "Rcv"),
            ("floats are not supported", "1.5"),
            ("unknown field `parms` in `function`", "parms"),
            ("expected a statement, found a string", r#""q""#),
            ("unknown statement `Clse`", "Clse"),
        ]
    );
    let s = d.scenario.expect("a partial tree");
    assert_eq!(s.name.text, "");
    let params: Vec<&str> = s.params.iter().map(|p| p.name.text.as_str()).collect();
    assert_eq!(params, ["m"]);
    let globals: Vec<String> = s.globals.iter().map(|g| name(&g.kind)).collect();
    assert_eq!(globals.len(), 2);
    assert!(globals[0].starts_with("Mutex") && globals[1].starts_with("Var"));
    // The `Loop` keeps its good statement; the `Select` its good cases.
    let main: Vec<&StmtKind> = s.main.iter().map(|s| &s.kind).collect();
    assert_eq!(main.len(), 3);
    let StmtKind::Loop { body, .. } = main[0] else {
        panic!("{:?}", main[0])
    };
    assert_eq!(body.len(), 1);
    assert!(matches!(body[0].kind, StmtKind::Recv { .. }));
    let StmtKind::Select { cases, .. } = main[1] else {
        panic!("{:?}", main[1])
    };
    let kinds: Vec<bool> = cases
        .iter()
        .map(|c| matches!(c.kind, CaseKind::Default))
        .collect();
    assert_eq!(kinds, [false, true]);
    assert!(matches!(main[2], StmtKind::Close { .. }));
    // `f` fails as a whole; `g` and `h` keep what decoded.
    let funcs: Vec<(&str, usize)> = s
        .funcs
        .iter()
        .map(|f| (f.name.text.as_str(), f.body.len()))
        .collect();
    assert_eq!(funcs, [("g", 0), ("h", 1)]);
    // What the dropped parts mention.
    let r = &d.recovery;
    for n in ["n", "ch", "mu", "a", "d", "e", "f", "p", "q", "s"] {
        assert!(r.mentions(n), "{n}");
    }
    for n in ["m", "x", "c", "v", "g", "h", "r"] {
        assert!(!r.mentions(n), "{n}");
    }
    // What the dropped statements may declare where they are.
    let mut declared: Vec<&str> = r.declared.keys().map(String::as_str).collect();
    declared.sort_unstable();
    assert_eq!(declared, ["a", "ch", "e", "s"]);
    assert!(!r.is_empty());
}

#[test]
fn decoding_gives_no_tree_without_main_or_a_record() {
    let (_, d) = partial(r#"Scenario(name: "t", mian: [Sleep])"#);
    assert!(d.scenario.is_none());
    assert_eq!(d.errors.len(), 2);
    let (_, d) = partial(r#"[Sleep]"#);
    assert!(d.scenario.is_none());
    assert_eq!(d.errors[0].message, "expected `(field: ...)`, found a list");
    // A tree without errors has nothing to recover.
    let (_, d) = partial(r#"Scenario(name: "t", main: [Sleep])"#);
    assert!(d.scenario.is_some() && d.errors.is_empty() && d.recovery.is_empty());
}
