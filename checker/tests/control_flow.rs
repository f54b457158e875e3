//! Control flow: labelled `Break`/`Continue`, `Range` over a map (every
//! iteration order) and over an integer, `Switch`, and the direct form
//! `defer recover()`. Each expectation is what real Go does: the Go
//! programs are in `checker/tests/control/go/probes.go`, their output (Go
//! 1.23.5) in `checker/tests/control/go/RESULTS.txt`.

use weft_checker::explore::Outcome;
use weft_models::span::SourceFile;
use weft_models::syntax::BugKind::{self, *};

use crate::support::both as support;

fn check(main: &str, funcs: &str) -> Outcome {
    let src = format!("Scenario(name: \"t\",\n main: [\n{main}\n ],\n funcs: {{{funcs}}},\n)");
    support::check_both(&src)
}

fn kinds(o: &Outcome) -> Vec<BugKind> {
    support::kinds(o)
}

fn messages(o: &Outcome, kind: BugKind) -> Vec<String> {
    support::messages(o, Some(kind))
}

/// The rendered errors of a scenario that must not compile.
fn rejected(main: &str) -> String {
    let src = format!("Scenario(name: \"t\",\n main: [\n{main}\n ],\n)");
    let file = SourceFile::new("t.ron", src);
    match weft_models::compile(&file, &[]) {
        Ok(_) => panic!("compiles:\n{main}"),
        Err(e) => e.render(&file, false),
    }
}

// ----- labelled break and continue -----

#[test]
fn a_labelled_break_leaves_the_loop_around_a_select() {
    // probes.go `labelled-break`: the labelled break ends the loop after 1
    // iteration; a plain break only leaves the select (3 iterations).
    let o = check(
        r#"Chan("ch", 1),
        Send("ch", 1),
        Let("n", 0),
        Loop(label: "loop", body: [
          Set("n", "n + 1"),
          Select([Recv("ch", [Break("loop")]), Default([])]),
        ]),
        Assert("n == 1", "labelled break"),
        Let("m", 0),
        Send("ch", 1),
        While("m < 3", [
          Set("m", "m + 1"),
          Select([Recv("ch", [Break]), Default([])]),
        ]),
        Assert("m == 3", "plain break"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![]);
}

#[test]
fn a_worker_whose_break_only_leaves_the_select_never_ends() {
    // The bug a label fixes: `break` inside `select` inside `for` leaves
    // only the select, so the worker keeps looping and main's Wait never
    // returns.
    let worker = |brk: &str| {
        format!(
            r#""worker": (params: ["done", "wg"], body: [
              Defer([Done("wg")]),
              Loop(label: "work", body: [
                Select([Recv("done", [{brk}])]),
              ]),
            ])"#
        )
    };
    let main = r#"Chan("done"), WaitGroup("wg"),
        Add("wg", 1),
        Go("worker", ["done", "wg"]),
        Close("done"),
        Wait("wg"),"#;
    let o = check(main, &worker(r#"Break("work")"#));
    assert_eq!(kinds(&o), vec![]);
    // A plain Break: the label is unused (Go rejects it), so drop it.
    let plain = r#""worker": (params: ["done", "wg"], body: [
          Defer([Done("wg")]),
          Loop([Select([Recv("done", [Break])])]),
        ])"#;
    let o = check(main, plain);
    assert_eq!(kinds(&o), vec![Leak], "{:?}", messages(&o, Leak));
}

#[test]
fn a_labelled_continue_goes_to_the_outer_loop() {
    // probes.go `labelled-continue`: "00 10 20".
    let o = check(
        r#"Let("got", 0), Let("count", 0),
        For(label: "outer", var: "i", to: 3, body: [
          For("j", 0, 3, [
            If("j == 1", [Continue("outer")]),
            Set("got", "got * 10 + i"),
            Set("count", "count + 1"),
          ]),
        ]),
        Assert("count == 3 && got == 12", "continue outer"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![]);
}

#[test]
fn label_errors_teach() {
    let text = rejected(r#"Loop(label: "outer", body: [Sleep(1)]),"#);
    assert!(
        text.contains("label `outer` is defined and not used"),
        "{text}"
    );
    assert!(text.contains("t.ron:3:14"), "{text}");
    assert!(text.contains("or remove `label: \"outer\"`"), "{text}");
    let text = rejected(r#"Loop(label: "outer", body: [Break("outr")]),"#);
    assert!(
        text.contains("`Break` names `outr`, which is not an enclosing statement"),
        "{text}"
    );
    assert!(text.contains("did you mean `outer`?"), "{text}");
    let text = rejected(r#"Loop([Select(label: "s", cases: [Default([Continue("s")])])]),"#);
    assert!(
        text.contains("`Continue(\"s\")` names a select or switch, not a loop"),
        "{text}"
    );
    let text =
        rejected(r#"Loop(label: "l", body: [Break("l")]), Loop(label: "l", body: [Break("l")]),"#);
    assert!(text.contains("label `l` is defined twice"), "{text}");
    let text = rejected(r#"Loop(label: "l", body: [Defer([Break("l")]), Break("l")]),"#);
    assert!(
        text.contains("a deferred body is a separate function: it cannot see the labels around it"),
        "{text}"
    );
}

// ----- range over a map -----

/// The order in which `Range` visits the keys 1, 2, 3, as a number.
const MAP_ORDER: &str = r#"Map("m"),
    Set("m[1]", 10), Set("m[2]", 20), Set("m[3]", 30),
    Let("order", 0), Let("sum", 0),
    Range("m", "k", "v", [
      Set("order", "order * 10 + k"),
      Set("sum", "sum + v"),
    ]),
    Assert("sum == 60", "every value once"),"#;

#[test]
fn range_over_a_map_explores_every_iteration_order() {
    // probes.go `map-orders`: Go showed 3 orders (123 231 312) in 10,000
    // runs; the language leaves the order unspecified, so weft explores
    // all 6.
    for order in [123, 132, 213, 231, 312, 321] {
        let main = format!(r#"{MAP_ORDER} Assert("order != {order}", "order {order}"),"#);
        let o = check(&main, "");
        assert_eq!(
            messages(&o, Assert),
            vec![format!("assertion failed: order {order}")],
            "order {order} is reachable"
        );
    }
}

#[test]
fn range_over_a_map_skips_a_deleted_entry_and_may_produce_an_added_one() {
    // probes.go `map-delete-during`: 1 iteration in 10,000 runs of 10,000.
    let o = check(
        r#"Map("m"), Set("m[1]", 10), Set("m[2]", 20),
        Let("n", 0),
        Range("m", "k", [Delete("m", "3 - k"), Set("n", "n + 1")]),
        Assert("n == 1", "deleted entry produced"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![]);
    // probes.go `map-add-during`: 1 iteration 1,270 times, 2 iterations
    // 8,730 times of 10,000.
    let o = check(
        r#"Map("m"), Set("m[1]", 10),
        Let("n", 0),
        Range("m", "k", [If("k == 1", [Set("m[2]", 20)]), Set("n", "n + 1")]),
        If("n == 1", [Assert("false", "one iteration")], [Assert("false", "two iterations")]),"#,
        "",
    );
    assert_eq!(
        messages(&o, Assert),
        vec![
            "assertion failed: one iteration",
            "assertion failed: two iterations"
        ]
    );
}

#[test]
fn ranging_over_a_map_races_with_a_concurrent_write() {
    let o = check(
        r#"Map("m"), Set("m[1]", 1),
        Go(body: [Set("m[2]", 2)]),
        Range("m", "k", []),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![Race]);
}

#[test]
fn ranging_over_an_empty_or_nil_map_runs_no_iteration() {
    let o = check(
        r#"Map("m"), Let("n", 0),
        Range("m", "k", [Set("n", "n + 1")]),
        Assert("n == 0", "empty"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![]);
}

// ----- range over an integer -----

#[test]
fn range_over_an_integer_counts_from_zero_and_reads_the_bound_once() {
    // probes.go `range-int`: "0 1 2 n0 n1".
    let o = check(
        r#"Let("sum", 0), Let("count", 0),
        Range(3, "i", [Set("sum", "sum + i"), Set("count", "count + 1")]),
        Range(0, [Assert("false", "range 0 runs")]),
        Assert("sum == 3 && count == 3", "range 3"),
        Let("n", 2), Set("count", 0),
        Range("n", "i", [Set("n", 5), Set("count", "count + 1")]),
        Assert("count == 2", "the bound is read once"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![]);
    let text = rejected(r#"Range(3, "i", "v", [Sleep(1)]),"#);
    assert!(
        text.contains("`value` is for ranging over a map, but `3` is an integer"),
        "{text}"
    );
}

// ----- switch -----

#[test]
fn switch_runs_the_first_matching_case_and_break_leaves_it() {
    // probes.go `switch-values`: "0:d 1:a after 2:a 3:b".
    let o = check(
        r#"Let("a", 0), Let("after", 0), Let("b", 0), Let("d", 0),
        For("x", 0, 4, [
          Switch("x", [
            Case([1, 2], [
              Set("a", "a + 1"),
              If("x == 2", [Break]),
              Set("after", "after + 1"),
            ]),
            Case([3], [Set("b", "b + 1")]),
            Default([Set("d", "d + 1")]),
          ]),
        ]),
        Assert("a == 2 && after == 1 && b == 1 && d == 1", "switch"),
        Let("y", 5),
        Switch([
          Case(["y < 0"], [Assert("false", "negative")]),
          Case(["y > 3", "y > 1"], [Set("y", 0)]),
        ]),
        Assert("y == 0", "tagless switch"),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![]);
    let text = rejected(r#"Let("x", 1), Switch("x", [Case([true], [])]),"#);
    assert!(
        text.contains("case value `true` is a boolean, but the switch tag `x` is an integer"),
        "{text}"
    );
}

#[test]
fn switch_on_a_shared_variable_reads_it_once() {
    let o = check(
        r#"Var("x", 0),
        Go(body: [AtomicStore("x", 1)]),
        Switch("x", [Case([0], []), Case([1], [])]),"#,
        "",
    );
    assert_eq!(kinds(&o), vec![Race]);
}

// ----- defer recover() -----

#[test]
fn defer_recover_in_the_direct_form_stops_no_panic() {
    // probes.go `defer-recover-direct`: still panicking; the wrapped form
    // `defer func() { recover() }()` recovers.
    let o = check(r#"Defer("recover()"), Panic("boom"),"#, "");
    assert_eq!(messages(&o, Panic), vec!["panic: boom"]);
    let o = check(r#"Defer([Recover]), Panic("boom"),"#, "");
    assert_eq!(kinds(&o), vec![]);
    let text = rejected(r#"Chan("ch"), Defer("close(ch)"),"#);
    assert!(
        text.contains("`Defer(call: ...)` takes only `recover()`"),
        "{text}"
    );
    assert!(text.contains("Defer([Unlock(\"mu\")])"), "{text}");
}
