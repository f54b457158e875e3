//! Reports that cannot lie: each test checks a minimal scenario (in
//! `tests/reports/truth/`) whose report once said something false, and
//! asserts what the report says now.

use std::path::Path;

use weft_checker::explore::{explore, Bounds};
use weft_checker::report::{scenario_report, Locator, Options};
use weft_models::span::SourceFile;
use weft_reports::text::{render, Style};
use weft_reports::view::BugKind;
use weft_reports::view::{BugView, ScenarioReport};

/// Checks a fixture of `tests/reports/truth/` completely and returns its
/// report.
fn report(name: &str) -> ScenarioReport {
    report_with(name, &Options::default())
}

/// [`report`] with report options.
fn report_with(name: &str, opts: &Options) -> ScenarioReport {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reports/truth")
        .join(format!("{name}.ron"));
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    let shown = format!("checker/tests/reports/truth/{name}.ron");
    let file = SourceFile::new(shown.clone(), text);
    let prog = weft_models::compile(&file, &[]).expect("fixture compiles");
    let outcome = explore(&prog, &Bounds::default()).expect("explores");
    assert!(outcome.complete, "{name}: the search is complete");
    let loc = Locator {
        file: &file,
        prog: &prog,
        origin: None,
    };
    let r = scenario_report(&loc, &shown, &outcome, opts);
    assert!(r.expected_met, "{name}: found {:?}", r.found_kinds());
    r
}

fn text(r: &ScenarioReport) -> String {
    render(
        r,
        Style {
            color: false,
            width: 400,
            stats: false,
            detailed_stats: false,
        },
    )
}

/// The `why` of goroutine `g` at the end of bug `b`.
fn why<'a>(b: &'a BugView, g: &str) -> &'a str {
    b.goroutines
        .iter()
        .find(|v| v.goroutine == g)
        .and_then(|v| v.waiting.as_ref())
        .map(|w| w.why.as_str())
        .unwrap_or_else(|| panic!("{g} waits at the end"))
}

#[test]
fn waiters_for_one_holder_make_no_cycle_and_show_the_chain_to_it() {
    let r = report("waiters-behind-a-holder");
    for b in &r.bugs {
        // w#2 and w#3 both wait for `mu`, held by w1#1: neither could
        // unlock it before getting it, so there is no cycle between them.
        assert!(b.wait_for.cycle.is_empty(), "{:?}", b.wait_for);
        for e in &b.wait_for.edges {
            assert_eq!(e.to, "w1#1", "every edge goes to the holder: {e:?}");
            assert_eq!(e.relation, "held-by");
        }
        let chains: Vec<&str> = b
            .wait_for
            .chains
            .iter()
            .map(|c| c.sentence.as_str())
            .collect();
        assert_eq!(
            chains,
            [
                "w#2 waits to lock Mutex `mu`, held by w1#1; w1#1 waits to receive from channel \
                 `never`: nobody left can send on it, close it or cancel it",
                "w#3 waits to lock Mutex `mu`, held by w1#1; w1#1 waits to receive from channel \
                 `never`: nobody left can send on it, close it or cancel it",
            ]
        );
        assert!(b.wait_for.chains.iter().all(|c| c.end == "w1#1"));
        for g in ["w#2", "w#3"] {
            let w = b.goroutines.iter().find(|v| v.goroutine == g);
            let w = w.and_then(|v| v.waiting.as_ref()).expect("it waits");
            let could: Vec<&str> = w
                .could_release
                .iter()
                .map(|c| c.goroutine.as_str())
                .collect();
            assert_eq!(could, ["w1#1"], "{g}: only the holder can unlock `mu`");
        }
    }
    let t = text(&r);
    assert!(!t.contains("    wait-for cycle"), "{t}");
    assert!(!t.contains("could unlock"), "{t}");
    assert!(
        t.contains("no wait-for cycle; the chains to the holders"),
        "{t}"
    );
}

#[test]
fn a_reader_queues_behind_a_waiting_writer_which_does_not_hold_the_lock() {
    let r = report("rwmutex-reader-behind-writer");
    let b = &r.bugs[0];
    assert_eq!(
        why(b, "r#1"),
        "waits to read-lock RWMutex `rw`, queued behind main, waiting to lock it"
    );
    assert_eq!(
        why(b, "main"),
        "waits for the readers to leave RWMutex `rw`, read-locked by r#1"
    );
    let w = b.goroutines[1].waiting.as_ref().expect("r#1 waits");
    assert!(w.held_by.is_empty(), "main does not hold `rw`: {w:?}");
    assert_eq!(w.queued_behind, ["main"]);
    // The cycle is real: main waits for r#1's read lock, r#1 queues
    // behind main.
    let cycle: Vec<(&str, &str, &str)> = b
        .wait_for
        .cycle
        .iter()
        .map(|&i| {
            let e = &b.wait_for.edges[i];
            (e.from.as_str(), e.to.as_str(), e.relation.as_str())
        })
        .collect();
    assert_eq!(
        cycle,
        [("main", "r#1", "held-by"), ("r#1", "main", "queued-behind")]
    );
    assert!(!text(&r).contains("held by main"));
}

#[test]
fn a_running_ticker_sends_on_its_channel() {
    let r = report("running-ticker");
    let b = &r.bugs[0];
    assert_eq!(
        why(b, "w#1"),
        "waits to receive from channel `t.C` (its ticker is running: it sends on it at every tick)"
    );
    assert!(!text(&r).contains("`t.C`: nobody left"));
}

#[test]
fn a_waitgroup_add_and_wait_race_says_why() {
    let r = report("waitgroup-add-race");
    let b = &r.bugs[0];
    assert_eq!(
        b.explanation,
        [
            "w#1 calls Add on WaitGroup `wg` at 11:15 while its counter is 0, and main calls Wait \
             on it at 8:9; nothing orders the two (no happens-before edge): the schedule ends \
             with both about to happen",
            "if main's Wait runs first, it returns at once, before the work the Add counts is \
             done: an Add from zero must happen before the Wait",
        ]
    );
    assert!(text(&r).contains("    why\n"));
}

#[test]
fn a_waitgroup_race_with_its_add_in_the_past_says_why() {
    // The race is found with main blocked in Wait: w#1's racing Add is
    // behind it, so its end cell says where it stands, not `races`.
    let r = report("waitgroup-add-seen-by-len");
    let b = &r.bugs[0];
    assert_eq!(b.goroutine.as_deref(), Some("w#1"));
    assert_eq!(
        b.explanation,
        [
            "w#1's Add on WaitGroup `wg` at 12:15 raised its counter from zero, and main's Wait \
             on it at 9:27 blocks as its first waiter; no happens-before edge orders the two (an \
             operation that sees another goroutine's progress without synchronising gives none)",
            "Go's race detector counts an Add from zero as a read of the WaitGroup's semaphore \
             and the first waiter's registration in Wait as a write of it, and reports the two: \
             an Add from zero must happen before the Wait that waits for what it counts",
        ]
    );
    assert_eq!(end_words(&r), [["✗ blocked", "runnable"]]);
}

#[test]
fn a_waitgroup_reused_after_an_unordered_wait_says_why() {
    let r = report("waitgroup-reuse-seen-by-len");
    let b = &r.bugs[0];
    assert_eq!(
        b.explanation,
        [
            "waiter#1's Wait on WaitGroup `wg` at 14:20 blocked as its first waiter, and main \
             calls Add on it at 11:30 while its counter is 0; no happens-before edge orders the \
             two (an operation that sees another goroutine's progress without synchronising \
             gives none)",
            "Go's race detector counts an Add from zero as a read of the WaitGroup's semaphore \
             and the first waiter's registration in Wait as a write of it, and reports the two: \
             a WaitGroup may count again only after every Wait on it has returned and the Add is \
             ordered after them (by a channel, a lock, or the same goroutine)",
        ]
    );
    assert_eq!(end_words(&r), [["✗ races", "exited", "exited"]]);
}

#[test]
fn a_reused_waitgroup_says_which_done_released_the_wait_and_which_add_came_first() {
    let r = report("waitgroup-reused");
    let b = r
        .bugs
        .iter()
        .find(|b| b.kind == BugKind::Panic)
        .expect("the panic is reported");
    assert_eq!(
        b.explanation,
        [
            "main's Wait on WaitGroup `wg` at 11:9 blocked; done#1's Done at 14:18 brought the \
             counter to zero at step 5, releasing it, and again#2's Add at 15:19 raised the \
             counter from zero at step 6, before main woke",
            "woken, Go's Wait finds the counter above zero and panics (sync: WaitGroup is reused \
             before previous Wait has returned): an Add from zero must wait until every Wait on \
             the WaitGroup has returned",
        ]
    );
    // The step that panics is the woken Wait, told from its registration.
    let t = text(&r);
    assert!(t.contains(r#"11:9 Wait("wg") (woken)"#), "{t}");
}

#[test]
fn a_close_racing_with_a_select_that_did_not_send_says_it_polled() {
    // The select took `done`: "sent on `ch`" would be false. Its
    // goroutine has ended; the race is still its, not the closer's.
    let r = report("select-polled-send-close");
    let b = &r.bugs[0];
    assert_eq!(b.goroutine.as_deref(), Some("main.func1#1"));
    assert_eq!(
        b.explanation,
        [
            "main.func1#1's select at 11:13 polled its send case on channel `ch` (Go's race \
             detector reads the channel's state for each send case a select polls, in a random \
             order, whether it takes it or not), and main closes it at 18:23; no happens-before \
             edge orders the two (an operation that sees another goroutine's progress without \
             synchronising gives none): the schedule ends with the close about to happen",
        ]
    );
}

/// The word the text's `end` row shows for each lane of each bug (the
/// status, or `races`), `✗` kept.
fn end_words(r: &ScenarioReport) -> Vec<Vec<String>> {
    text(r)
        .lines()
        .filter(|l| l.trim_start().starts_with("end │"))
        .map(|l| {
            l.split('│')
                .skip(1)
                .map(|c| {
                    let c = c.trim();
                    match c.strip_prefix("✗ ") {
                        Some(rest) => format!("✗ {}", rest.split(' ').next().unwrap_or("")),
                        None => c.split(' ').next().unwrap_or("").to_string(),
                    }
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_end_row_shows_the_status_of_the_json() {
    let r = report("runnable-at-the-end");
    let rows = end_words(&r);
    assert_eq!(rows.len(), r.bugs.len());
    for (b, row) in r.bugs.iter().zip(&rows) {
        for (g, word) in b.goroutines.iter().zip(row) {
            let marked = b.pending.iter().any(|p| p.goroutine == g.goroutine);
            let want = if marked {
                format!("✗ {}", g.status)
            } else {
                g.status.to_string()
            };
            assert_eq!(*word, want, "{}: {}", b.kind, g.goroutine);
            if marked {
                assert_eq!(g.status, "blocked", "{} is pending as blocked", g.goroutine);
            }
        }
    }
}

#[test]
fn a_crash_in_the_local_code_after_a_step_is_marked_where_it_happens() {
    let r = report("crash-after-a-step");
    let b = &r.bugs[0];
    assert!(
        b.steps.iter().all(|s| !s.failing),
        "no step's own operation failed: {:?}",
        b.steps
    );
    let crash: Vec<_> = b
        .pending
        .iter()
        .map(|p| {
            (
                p.goroutine.as_str(),
                p.role.to_string(),
                p.line,
                p.op.as_str(),
            )
        })
        .collect();
    assert_eq!(
        crash,
        vec![("main", "crashes".to_string(), 11, "Let(\"d\", \"1 / n\")")]
    );
    let t = text(&r);
    assert!(t.contains("   1 │ 10:15 x (read)"), "{t}");
    assert!(
        t.contains("end │ ✗ crashed 11:5 Let(\"d\", \"1 / n\")"),
        "{t}"
    );
}

#[test]
fn a_panic_unwinding_through_a_deferred_call_marks_the_operation_that_panicked() {
    let r = report("panic-through-a-defer");
    let b = &r.bugs[0];
    let marked: Vec<(usize, &str)> = b
        .steps
        .iter()
        .filter(|s| s.failing)
        .map(|s| (s.index, s.op.as_str()))
        .collect();
    assert_eq!(marked, vec![(3, "Close(\"ch\")")], "{}", text(&r));
    assert!(b.pending.is_empty(), "{:?}", b.pending);
    assert!(
        text(&r).contains("      ✗  3 │ 12:5 Close(\"ch\")"),
        "{}",
        text(&r)
    );
}

#[test]
fn fields_and_elements_are_named_by_their_path() {
    let r = report("named-cells");
    let whys: Vec<&str> = r.bugs.iter().map(|b| b.explanation[0].as_str()).collect();
    assert_eq!(whys.len(), 2, "{whys:?}");
    assert!(
        whys[0].starts_with("main reads variable `j.status` at 12:15 and main.func1#1 writes it"),
        "{whys:?}"
    );
    assert!(
        whys[1].starts_with("main reads variable `xs[1]` at 13:15 and main.func1#1 writes it"),
        "{whys:?}"
    );
}

#[test]
fn an_append_of_two_values_races_on_the_second_cell_it_writes() {
    let r = report("append-many-in-place");
    let whys: Vec<&str> = r.bugs.iter().map(|b| b.explanation[0].as_str()).collect();
    assert_eq!(whys.len(), 1, "{whys:?}");
    assert!(
        whys[0].starts_with(
            "main writes variable `base[1]` at 12:5 and main.func1#1 reads it at 10:44"
        ),
        "{whys:?}"
    );
}

#[test]
fn goroutines_leaked_together_are_one_bug() {
    let r = report("leaked-pipeline");
    assert_eq!(r.bugs.len(), 1, "one leaked pattern, one report");
    let b = &r.bugs[0];
    let c = b
        .covers
        .as_ref()
        .expect("a check's report says what it covers");
    assert_eq!(c.findings, 2);
    let sites: Vec<(u32, u32)> = c.sites.iter().map(|l| (l.line, l.col)).collect();
    assert_eq!(sites, [(16, 13), (16, 31)]);
    assert_eq!(
        c.sentence,
        "one distinct bug: goroutines blocked forever together at 16:13, 16:31 (2 findings, one \
         per operation), met once by the search"
    );
    // Its story ends with both stuck.
    let stuck: Vec<&str> = b
        .goroutines
        .iter()
        .filter(|g| g.status == "blocked")
        .map(|g| g.goroutine.as_str())
        .collect();
    assert_eq!(stuck, ["stage#2", "stage#3"]);
    assert!(text(&r).contains("  1 bug found (leak)"));
}

#[test]
fn deadlocks_are_told_apart_by_their_blocked_operations_only() {
    let r = report("deadlock-exited-or-not");
    // Main alone blocked (both workers exited, whichever returned early),
    // and main blocked with a worker at Lock: two sets of blocked
    // operations, two bugs; each met as many times as the search met its
    // set, whichever worker exited.
    let sets: Vec<Vec<(u32, u32)>> = r
        .bugs
        .iter()
        .map(|b| {
            b.goroutines
                .iter()
                .filter(|g| g.status == "blocked")
                .filter_map(|g| g.at.as_ref().map(|l| (l.line, l.col)))
                .collect()
        })
        .collect();
    assert_eq!(sets, [vec![(11, 9)], vec![(11, 9), (14, 15)]]);
    let met: Vec<usize> = r
        .bugs
        .iter()
        .filter_map(|b| b.covers.as_ref().map(|c| c.times_found))
        .collect();
    assert_eq!(met, [2, 1]);
}

#[test]
fn a_leak_story_ends_where_every_leaked_goroutine_is_stuck() {
    let r = report("runnable-at-the-end");
    let leak = r.bugs.iter().find(|b| b.kind == "leak").expect("a leak");
    for g in ["main", "w#1"] {
        let v = leak.goroutines.iter().find(|v| v.goroutine == g);
        assert_eq!(v.map(|v| v.status.as_str()), Some("blocked"), "{g}");
    }
    let w = leak.goroutines.iter().find(|v| v.goroutine == "w#1");
    assert_eq!(
        w.and_then(|v| v.at.as_ref()).map(|l| l.text.as_str()),
        Some("Recv(\"ctx.Done()\")")
    );
}

#[test]
fn counts_agree_with_their_number_in_the_verdict_line() {
    let r = report("one-transition");
    let line = render(
        &r,
        Style {
            color: false,
            width: 100,
            stats: true,
            detailed_stats: true,
        },
    );
    assert!(line.contains("[2 states, 1 transition, "), "{line}");
    assert!(line.contains("1 complete run,"), "{line}");
    assert!(!line.contains("1 transitions"), "{line}");
}

#[test]
fn the_choice_that_takes_the_early_return_is_never_folded() {
    let r = report("early-return");
    let b = &r.bugs[0];
    let choice = b
        .steps
        .iter()
        .find(|s| s.op.starts_with("Choose"))
        .expect("the run makes the choice");
    assert!(choice.relevant, "the cause is shown: {choice:?}");
    let c = choice.chosen.as_ref().expect("its value is shown");
    assert_eq!(
        (
            c.local.as_deref(),
            c.value.as_str(),
            c.alt,
            c.of,
            c.sentence.as_str()
        ),
        (Some("ok"), "true", 1, 2, "ok = true")
    );
    let t = text(&r);
    assert!(
        t.contains("Choose(\"ok\", [true, false]) → ok = true"),
        "{t}"
    );
    assert!(!t.contains("folded"), "{t}");
}

#[test]
fn values_call_chains_and_either_branches_are_shown() {
    let opts = Options {
        values: true,
        ..Options::default()
    };
    let r = report_with("nested-call", &opts);
    let b = &r.bugs[0];
    let steps: Vec<(String, Option<String>, Vec<String>)> = b
        .steps
        .iter()
        .map(|s| {
            (
                s.op.clone(),
                s.chosen.as_ref().map(|c| c.sentence.clone()),
                s.locals
                    .iter()
                    .map(|l| format!("{} {}={}", l.access, l.name, l.value))
                    .collect(),
            )
        })
        .collect();
    let want = |op: &str, chosen: Option<&str>, locals: &[&str]| {
        (
            op.to_string(),
            chosen.map(str::to_string),
            locals.iter().map(|l| l.to_string()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        steps,
        [
            want("Choose(\"k\", [1, 2])", Some("k = 1"), &[]),
            want("Send(\"buf\", \"n * k\")", None, &["read n=2", "read k=1"]),
            want("Recv(chan: \"buf\", into: \"got\")", None, &["write got=2"]),
            want(
                "Either([[Call(\"handle\", [\"got\"])], [Call(\"handle\", [0])]])",
                Some("branch 1 of 2"),
                &[]
            ),
        ]
    );
    let main = &b.goroutines[0];
    let chain: Vec<(&str, u32, u32)> = main
        .call_chain
        .iter()
        .map(|c| (c.function.as_str(), c.line, c.col))
        .collect();
    assert_eq!(
        chain,
        [("main", 8, 9), ("serve", 15, 22), ("handle", 18, 13)]
    );
    let t = text(&r);
    assert!(
        t.contains("main (in main → serve → handle 18:13) waits to send on channel `out`"),
        "{t}"
    );
    assert!(
        t.contains("Send(\"buf\", \"n * k\") [reads n=2, k=1]"),
        "{t}"
    );
    assert!(t.contains("[writes got=2]"), "{t}");
    // Without --values, no locals.
    let plain = report("nested-call");
    assert!(plain.bugs[0].steps.iter().all(|s| s.locals.is_empty()));
    assert!(plain.bugs[0].steps[0].chosen.is_some());
}

/// What `weft replay --values` prints for `schedule` on `name`.
fn replay_values(name: &str, schedule: &str) -> String {
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/reports/truth/{name}.ron"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(["replay", "--values", "--schedule", schedule])
        .arg(&file)
        .env("COLUMNS", "200")
        .output()
        .expect("weft runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn replay_shows_choices_and_values() {
    let text = replay_values("nested-call", "v1:0c1.0.0.0c1");
    assert!(text.contains("→ k = 1"), "{text}");
    assert!(text.contains("[reads n=2, k=1]"), "{text}");
    assert!(text.contains("[writes got=2]"), "{text}");
    assert!(text.contains("→ branch 1 of 2"), "{text}");
}

/// The search forgets dead values (`semantics/dead.rs`); a report shows
/// what Go holds: the value received into `w`, which nothing reads, is
/// shown as written, and `v` after its last read is shown as no write.
#[test]
fn replay_shows_the_values_the_search_forgets() {
    let text = replay_values("dead-value", "v1:0.0.0.0.0.0");
    assert!(text.contains("[writes v=0]"), "{text}");
    assert!(text.contains("[reads v=0]"), "{text}");
    assert!(text.contains("[writes w=5]"), "{text}");
    assert!(!text.contains("nil"), "{text}");
}

#[test]
fn a_pending_deadline_closes_its_done_channel() {
    let r = report("pending-deadline");
    let b = r.bugs.iter().find(|b| b.kind == "leak").expect("a leak");
    assert_eq!(
        why(b, "w#1"),
        "waits to receive from channel `ctx.Done()` (the context's deadline is pending: it \
         closes the channel when it expires)"
    );
    assert!(!text(&r).contains("`ctx.Done()`: nobody left"));
}

#[test]
fn objects_carried_into_a_field_or_variable_are_named_where_they_land() {
    let r = report("carried-objects");
    let t = text(&r);
    assert!(
        t.contains("main.func1#1 waits to send on channel `s.reqs`: nobody left can receive")
            && t.contains("main waits to receive from channel `own`: nobody left can send"),
        "{t}"
    );
    assert!(
        t.contains("main writes variable `xs[1]` at 17:5 and main.func1#1 writes it at 16:9")
            && !t.contains("made[1]"),
        "{t}"
    );
}
