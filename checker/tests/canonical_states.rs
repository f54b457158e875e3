//! States that repeat: goroutines that have ended leave no trace in the
//! stored state (their ids and their spawners' counters are canonical),
//! and objects nothing can reach are collected, so the natural server loops
//! of Go programs have finite state spaces and are verified completely.
//! Reports still name goroutines in spawn order along the run they show.

use weft_checker::explore::{explore_with, Bounds, Outcome};
use weft_checker::reduce::Reduction;
use weft_checker::report::{scenario_report, Locator, Options};
use weft_models::ir::Program;
use weft_models::span::SourceFile;
use weft_models::syntax::BugKind;

fn compile(src: &str) -> (SourceFile, Program) {
    let file = SourceFile::new("test.ron", src);
    let prog = match weft_models::compile(&file, &[]) {
        Ok(p) => p,
        Err(e) => panic!("scenario does not compile:\n{}", e.render(&file, false)),
    };
    (file, prog)
}

/// Explores under both reductions with a bound far above what a converging
/// loop needs, and requires the same verdict from both.
fn check(src: &str) -> Outcome {
    let (_, prog) = compile(src);
    let bounds = Bounds {
        max_states: Some(100_000),
        ..Default::default()
    };
    let none = explore_with(&prog, &bounds, Reduction::None).expect("explores");
    let por = explore_with(&prog, &bounds, Reduction::Por).expect("explores");
    let kinds = |o: &Outcome| o.bugs.iter().map(|b| b.kind).collect::<Vec<_>>();
    assert_eq!(
        kinds(&none),
        kinds(&por),
        "the reduction changes the verdict"
    );
    assert_eq!(none.complete, por.complete);
    none
}

#[test]
fn a_loop_that_starts_a_goroutine_and_waits_for_it_is_verified() {
    // for { go func() { d <- 1 }(); <-d }
    let out = check(
        r#"Scenario(
    name: "server-loop",
    globals: [Chan("d", 0)],
    main: [Loop([Go(body: [Send("d", 1)]), Recv("d")])],
)"#,
    );
    assert!(out.complete, "the state space must be finite");
    assert!(out.bugs.is_empty(), "{:?}", out.bugs);
    assert!(out.stats.states < 10, "{} states", out.stats.states);
}

#[test]
fn a_channel_made_per_iteration_is_collected() {
    // for { c := make(chan int); go func() { c <- 1 }(); <-c }
    let out = check(
        r#"Scenario(
    name: "chan-per-iteration",
    main: [Loop([
        Chan("c", 0),
        Go("send", ["c"]),
        Recv("c"),
    ])],
    funcs: {
        "send": (params: ["c"], body: [Send("c", 1)]),
    },
)"#,
    );
    assert!(out.complete);
    assert!(out.bugs.is_empty(), "{:?}", out.bugs);
}

#[test]
fn a_pool_that_replaces_each_worker_as_it_ends_is_verified() {
    // Two workers are always running; each reports on done and ends, and
    // main starts a new one: live workers are renamed as earlier ones end.
    let out = check(
        r#"Scenario(
    name: "replacing-pool",
    globals: [Chan("done", 0), Mutex("mu")],
    main: [
        Go("worker"),
        Go("worker"),
        Loop([Recv("done"), Go("worker")]),
    ],
    funcs: {
        "worker": [Lock("mu"), Unlock("mu"), Send("done", 1)],
    },
)"#,
    );
    assert!(out.complete, "the state space must be finite");
    assert!(out.bugs.is_empty(), "{:?}", out.bugs);
}

#[test]
fn a_goroutine_renamed_after_an_earlier_one_ended_is_reported_by_its_spawn_order() {
    // `quick` ends first; `stuck` then takes its canonical place in the
    // stored state, but the report names it as the run started it: the
    // second goroutine main started.
    let src = r#"Scenario(
    name: "renamed-leak",
    expect: [Leak],
    globals: [Chan("never", 0), Chan("ok", 0)],
    main: [Go("quick"), Go("stuck"), Recv("ok")],
    funcs: {
        "quick": [Send("ok", 1)],
        "stuck": [Recv("never")],
    },
)"#;
    let (file, prog) = compile(src);
    let out = explore_with(&prog, &Bounds::default(), Reduction::Por).expect("explores");
    assert!(out.complete);
    let leak = out
        .bugs
        .iter()
        .find(|b| b.kind == BugKind::Leak)
        .expect("a leak");
    assert_eq!(
        leak.involved
            .iter()
            .map(|i| i.goroutine.0.to_vec())
            .collect::<Vec<_>>(),
        vec![vec![1u16]],
        "the bug names `stuck` by its id on its own path"
    );
    let loc = Locator {
        file: &file,
        prog: &prog,
        origin: None,
    };
    let report = scenario_report(&loc, "test.ron", &out, &Options::default());
    let bug = &report.bugs[0];
    let stuck = bug
        .goroutines
        .iter()
        .find(|g| g.goroutine.starts_with("stuck"))
        .expect("stuck is in the goroutine table");
    assert_eq!(stuck.goroutine, "stuck#2");
    assert_eq!(stuck.status, "blocked");
}

#[test]
fn a_goroutine_that_starts_its_successor_and_ends_is_verified() {
    // func step() { <-tick; go step() } with main feeding ticks forever:
    // each goroutine's id would be one level deeper than its parent's;
    // an ended goroutine with one live descendant line is spliced out of
    // the spawn tree, so the chain repeats a state.
    let out = check(
        r#"Scenario(
    name: "successor-chain",
    globals: [Chan("tick", 0)],
    main: [Go("step"), Loop([Send("tick", 1)])],
    funcs: {
        "step": [Recv("tick"), Go("step")],
    },
)"#,
    );
    assert!(out.complete, "the state space must be finite");
    assert!(out.bugs.is_empty(), "{:?}", out.bugs);
    assert!(out.stats.states < 20, "{} states", out.stats.states);
}

#[test]
fn a_successor_chain_that_ends_in_a_stuck_goroutine_reports_its_leak() {
    // The third goroutine of the chain blocks for ever: the leak is found
    // (the splicing renames, it loses no goroutine).
    let out = check(
        r#"Scenario(
    name: "successor-chain-leak",
    globals: [Chan("never", 0), Var("n", 0)],
    main: [Go("step")],
    funcs: {
        "step": [
            Let("k", "n"),
            Set("n", "k + 1"),
            If("k < 2", [Go("step")], [Recv("never")]),
        ],
    },
)"#,
    );
    assert!(out.complete);
    assert_eq!(
        out.bugs.iter().map(|b| b.kind).collect::<Vec<_>>(),
        vec![BugKind::Leak]
    );
}

#[test]
fn the_report_of_a_callback_that_re_arms_for_ever_finds_minimal_schedules() {
    // `t = time.AfterFunc(d, func() { t.Reset(d) })`: every run of the
    // callback starts the next. The report's own searches (the minimal
    // schedule, the certainty of a leak) store canonical ids as the
    // search does, so they finish instead of growing ids until their cap.
    let src = r#"Scenario(
    name: "rearm",
    expect: [Race, Panic],
    main: [
        Var(name: "t", type: "*time.Timer"),
        Func("tick", [], [Reset("t", 1)]),
        AfterFunc("t0", 1, "tick"),
        Set("t", "t0"),
    ],
)"#;
    let (file, prog) = compile(src);
    let out = explore_with(&prog, &Bounds::default(), Reduction::Por).expect("explores");
    assert!(out.complete);
    let loc = Locator {
        file: &file,
        prog: &prog,
        origin: None,
    };
    let report = scenario_report(&loc, "test.ron", &out, &Options::default());
    let text = weft_reports::text::render(
        &report,
        weft_reports::text::Style {
            color: false,
            width: 200,
            stats: false,
            detailed_stats: false,
        },
    );
    assert_eq!(text.matches("  minimal: ").count(), 2, "{text}");
}
