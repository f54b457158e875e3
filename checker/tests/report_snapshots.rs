//! Snapshots of the text report, one per bug kind, from the scenarios in
//! `tests/reports/`. Stats (timings, state counts) are hidden so the
//! snapshots are deterministic. The root README's "Reading a
//! counterexample" sample is the deadlock snapshot, verbatim.
//!
//! After an intended change: `cargo insta review` (or `INSTA_UPDATE=always
//! cargo test -p weft-checker --test suite report_snapshots::`), then copy the new
//! deadlock snapshot into README.md.

use std::path::{Path, PathBuf};

use weft_checker::explore::{explore, Bounds};
use weft_checker::report::{scenario_report, Locator, Options};
use weft_models::span::SourceFile;
use weft_reports::text::{render, Style};
use weft_reports::view::ScenarioReport;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reports")
        .join(format!("{name}.ron"))
}

/// Checks a fixture and returns its report, shown as run from the
/// workspace root.
fn report(name: &str) -> ScenarioReport {
    report_with(name, &Options::default())
}

fn report_with(name: &str, opts: &Options) -> ScenarioReport {
    let path = fixture(name);
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    let shown = format!("checker/tests/reports/{name}.ron");
    let file = SourceFile::new(shown.clone(), text);
    let prog = weft_models::compile(&file, &[]).expect("fixture compiles");
    let outcome = explore(&prog, &Bounds::default()).expect("explores");
    assert!(outcome.complete);
    let loc = Locator {
        file: &file,
        prog: &prog,
        origin: None,
    };
    scenario_report(&loc, &shown, &outcome, opts)
}

fn text(r: &ScenarioReport) -> String {
    render(
        r,
        Style {
            color: false,
            width: 120,
            stats: false,
            detailed_stats: false,
        },
    )
}

fn check(name: &str, kind: &str) -> ScenarioReport {
    let r = report(name);
    assert!(r.expected_met, "{name}: {:?}", r.found_kinds());
    assert_eq!(r.found_kinds(), vec![kind.to_string()]);
    for b in &r.bugs {
        assert_eq!(b.minimality.search, "minimal", "{name}");
    }
    let t = text(&r);
    // Every line fits 120 columns, except the reproduce command, which
    // stays on one line to be copied.
    for line in t.lines().filter(|l| !l.contains("weft replay")) {
        assert!(
            line.chars().count() <= 120,
            "{name}: line wider than 120 columns: {line}"
        );
    }
    insta::assert_snapshot!(name, t);
    r
}

#[test]
fn deadlock() {
    let r = check("deadlock", "deadlock");
    let b = &r.bugs[0];
    assert_eq!(b.title, "global deadlock");
    assert_eq!(
        b.message,
        "fatal error: all goroutines are asleep - deadlock!"
    );
    assert_eq!(b.schedule, "v1:0.0.0.1.2");
    assert_eq!((b.minimality.preemptions, b.minimality.steps), (1, 5));
    // The wait-for cycle: each worker holds the mutex the other wants.
    let cycle: Vec<&str> = b
        .wait_for
        .cycle
        .iter()
        .map(|&i| b.wait_for.edges[i].label.as_str())
        .collect();
    assert_eq!(
        cycle,
        vec![
            "ab#1 waits to lock Mutex `b`, held by ba#2",
            "ba#2 waits to lock Mutex `a`, held by ab#1"
        ]
    );
    assert_eq!(b.lanes.len(), 3, "fits: main and two workers");
}

#[test]
fn leak() {
    let r = check("leak", "leak");
    let b = &r.bugs[0];
    assert_eq!(b.schedule, "v1:0.1+0", "one hand-off, then main returns");
    let produce = b
        .goroutines
        .iter()
        .find(|g| g.goroutine == "produce#1")
        .expect("producer");
    assert_eq!(produce.status, "blocked");
    assert_eq!(
        produce.waiting.as_ref().map(|w| w.why.as_str()),
        Some("waits to send on channel `results`: nobody left can receive from it")
    );
}

#[test]
fn race() {
    let r = check("race", "race");
    assert_eq!(r.bugs.len(), 2, "read/write and write/write");
    for b in &r.bugs {
        assert_eq!(b.pending.len(), 2);
        assert!(b.pending.iter().all(|p| p.role == "races"));
        assert_eq!(b.taxonomy.behavior, "non-blocking");
        assert_eq!(b.taxonomy.cause, "shared-memory");
    }
    assert_eq!(r.bugs[0].minimality.preemptions, 0);
}

#[test]
fn panic() {
    let r = check("panic", "panic");
    let b = &r.bugs[0];
    assert_eq!(b.message, "panic: close of closed channel");
    assert_eq!(b.taxonomy.cause, "message-passing");
    let last = b.steps.last().expect("steps");
    assert!(last.failing);
    assert_eq!(last.goroutine, "stop#2");
    assert_eq!(b.steps.iter().filter(|s| s.failing).count(), 1);
}

#[test]
fn assertion() {
    let r = check("assert", "assert");
    let b = &r.bugs[0];
    assert_eq!(b.message, "assertion failed: the slot was given out twice");
    // Check-then-act needs exactly one preemption, between the check and
    // the act of one goroutine.
    assert_eq!(b.minimality.preemptions, 1);
}

#[test]
fn context_leak() {
    let r = check("context-leak", "context-leak");
    let b = &r.bugs[0];
    assert_eq!(b.schedule, "v1:0.0c2");
    assert!(
        b.steps[1].failing,
        "the cached path drops the cancel function"
    );
}

#[test]
fn spin() {
    let r = check("spin", "spin");
    let b = &r.bugs[0];
    assert_eq!(b.schedule, "v1:0");
    assert_eq!((b.location.line, b.location.col), (15, 13));
    let why = b.explanation.join("\n");
    assert!(
        why.contains("poll#1 loops forever at 15:13"),
        "the explanation names the goroutine and its loop: {why}"
    );
}

#[test]
fn no_colour_unless_asked_and_colour_when_asked() {
    let r = report("deadlock");
    assert!(!text(&r).contains('\x1b'));
    let coloured = render(
        &r,
        Style {
            color: true,
            width: 120,
            stats: false,
            detailed_stats: false,
        },
    );
    assert!(coloured.contains("\x1b[31;1m✗ deadlock:\x1b[0m"));
    assert!(coloured.contains("\x1b[33;1m↯\x1b[0m"), "preemption marker");
}

#[test]
fn readme_sample_is_the_deadlock_snapshot() {
    let snap = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots/suite__report_snapshots__deadlock.snap");
    let snap = std::fs::read_to_string(snap).expect("snapshot exists");
    // The snapshot body follows insta's `---` header.
    let body = snap
        .splitn(3, "---\n")
        .nth(2)
        .expect("insta snapshot header");
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(readme).expect("README.md");
    let section = readme
        .split("## Reading a counterexample")
        .nth(1)
        .expect("README has a `## Reading a counterexample` section");
    assert!(
        section.contains(body.trim_end()),
        "README's sample differs from tests/snapshots/suite__report_snapshots__deadlock.snap; paste the snapshot into the section"
    );
}

#[test]
fn past_its_cap_the_minimal_search_falls_back_and_says_so() {
    let opts = Options {
        minimal_cap: 3,
        ..Options::default()
    };
    let capped = report_with("assert", &opts);
    let b = &capped.bugs[0];
    assert_eq!(b.minimality.search, "shortest");
    assert!(
        b.minimality
            .note
            .contains("stopped at its cap, after 3 states"),
        "{}",
        b.minimality.note
    );
    // The reduced search's breadth-first schedule (2 preemptions here) is
    // shown as it is; the minimal one has 1 and as many steps.
    assert!(text(&capped).contains("shortest: 2 preemptions"));
    let minimal = &report("assert").bugs[0];
    assert_eq!(
        (b.minimality.preemptions, b.minimality.steps),
        (2, minimal.minimality.steps)
    );
    assert_eq!(minimal.minimality.preemptions, 1);
}

#[test]
fn json_report_snapshot() {
    // Search counters depend on the explorer (and timing), not on the
    // report: zeroed.
    let mut r = report("leak");
    r.stats = weft_reports::view::StatsView {
        states: 0,
        transitions: 0,
        seconds: 0.0,
        max_depth: 0,
        bytes_per_state: 0,
        peak_resident_bytes: None,
        reduction: "por".into(),
        store: "full".into(),
        distinct_states: Some(0),
        complete_runs: None,
        states_on_complete_runs: None,
        collision_probability: None,
        bitstate: None,
        frontier: None,
        dpor: None,
    };
    let v: serde_json::Value =
        serde_json::from_str(&weft_reports::json::render(&r)).expect("valid JSON");
    assert_eq!(v["schema_version"], 1);
    insta::assert_snapshot!(
        "leak_json",
        serde_json::to_string_pretty(&v).expect("prints")
    );
}

#[test]
fn dot_snapshot() {
    let r = report("deadlock");
    let bugs: Vec<_> = r.bugs.iter().map(|b| (r.scenario.as_str(), b)).collect();
    insta::assert_snapshot!("deadlock_dot", weft_reports::dot::render(&bugs));
}

/// Reports a scenario given as text, explored completely.
fn report_of(name: &str, ron: &str) -> ScenarioReport {
    let shown = format!("{name}.ron");
    let file = SourceFile::new(shown.clone(), ron.to_string());
    let prog = weft_models::compile(&file, &[]).expect("compiles");
    let outcome = explore(&prog, &Bounds::default()).expect("explores");
    assert!(outcome.complete);
    let loc = Locator {
        file: &file,
        prog: &prog,
        origin: None,
    };
    scenario_report(&loc, &shown, &outcome, &Options::default())
}

/// The reason main waits, in the first bug's goroutine table.
fn main_why(r: &ScenarioReport) -> String {
    let main = r.bugs[0]
        .goroutines
        .iter()
        .find(|g| g.goroutine == "main")
        .expect("main is live");
    main.waiting.as_ref().expect("main waits").why.clone()
}

#[test]
fn code_after_a_panic_is_never_named_as_a_releaser() {
    // The worker blocks before a panic; the send after the panic can
    // never run, so it must not be offered as what could release main.
    let r = report_of(
        "after-panic",
        r#"Scenario(
    name: "after-panic",
    expect: [Deadlock],
    globals: [Chan("block", 0), Chan("ch", 0)],
    main: [Go("worker"), Recv("ch")],
    funcs: {
        "worker": [Recv("block"), Panic("boom"), Send("ch", 1)],
    },
)"#,
    );
    assert_eq!(r.found_kinds(), vec!["deadlock".to_string()]);
    assert_eq!(
        main_why(&r),
        "waits to receive from channel `ch`: nobody left can send on it, close it or cancel it"
    );
}

#[test]
fn a_walk_cut_by_its_budget_says_not_determined_never_nobody() {
    // The worker's code ahead is longer than the walk's budget, and the
    // send that would release main lies past it: the report must not claim
    // that nobody can send.
    let sleeps = "Sleep(1), ".repeat(weft_checker::counterexample::waitfor::WALK_BUDGET + 10);
    let ron = format!(
        r#"Scenario(
    name: "long-walk",
    expect: [Deadlock],
    globals: [Chan("block", 0), Chan("ch", 0)],
    main: [Go("worker"), Recv("ch")],
    funcs: {{
        "worker": [Recv("block"), {sleeps} Send("ch", 1)],
    }},
)"#
    );
    let r = report_of("long-walk", &ron);
    let why = main_why(&r);
    assert!(
        why.contains("who could release it was not determined")
            && why.contains(&format!(
                "after {} instructions",
                weft_checker::counterexample::waitfor::WALK_BUDGET
            ))
            && !why.contains("nobody"),
        "{why}"
    );
    let json = weft_reports::json::render(&r);
    assert!(json.contains("\"undetermined_after\":20000"), "{json}");
}
