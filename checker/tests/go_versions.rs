//! The timer rules of each Go version (shared/design/semantics.md, Time;
//! models/README.md, "Timers and Go versions"): one test per rule, each
//! checking the same scenario under Go 1.22 and Go 1.23 semantics against
//! what real Go does. The Go programs behind each expectation are in
//! `checker/tests/timers/go/probes.go`, their output under both versions in
//! `checker/tests/timers/go/RESULTS.txt` (run with `sh run.sh` there).

use weft_checker::explore::{explore, explore_with, Bounds, Outcome};
use weft_checker::reduce::Reduction;
use weft_models::ir::Program;
use weft_models::span::SourceFile;
use weft_models::syntax::BugKind::{self, *};
use weft_models::syntax::GoVersion::{self, Go122, Go123};

struct Checked {
    prog: Program,
    out: Outcome,
}

impl Checked {
    fn kinds(&self) -> Vec<BugKind> {
        let mut k: Vec<BugKind> = self.out.bugs.iter().map(|b| b.kind).collect();
        k.sort();
        k.dedup();
        k
    }

    /// The messages of the bugs of `kind`, sorted.
    fn messages(&self, kind: BugKind) -> Vec<String> {
        let mut m: Vec<String> = self
            .out
            .bugs
            .iter()
            .filter(|b| b.kind == kind)
            .map(|b| b.message.clone())
            .collect();
        m.sort();
        m
    }

    /// The source lines (1-based) of the bugs of `kind`, sorted.
    fn lines(&self, file: &SourceFile, kind: BugKind) -> Vec<u32> {
        let mut l: Vec<u32> = self
            .out
            .bugs
            .iter()
            .filter(|b| b.kind == kind)
            .map(|b| {
                let span = self.prog.instr(b.site.func, b.site.pc).span;
                file.line_col(span.start).0
            })
            .collect();
        l.sort();
        l
    }
}

/// A scenario with `main` (and `funcs`, if any) stating `go: "<version>"`.
fn scenario(go: GoVersion, main: &str, funcs: &str) -> String {
    format!("Scenario(name: \"t\", go: \"{go}\",\n main: [\n{main}\n ],\n funcs: {{{funcs}}},\n)")
}

fn check_file(src: &str) -> (SourceFile, Checked) {
    let file = SourceFile::new("t.ron", src);
    let prog = match weft_models::compile(&file, &[]) {
        Ok(p) => p,
        Err(e) => panic!("scenario does not compile:\n{}", e.render(&file, false)),
    };
    let out = explore_with(&prog, &Bounds::default(), Reduction::None).expect("no model error");
    assert!(out.complete, "search must be complete");
    let reduced = explore(&prog, &Bounds::default()).expect("no model error");
    let keys = |o: &Outcome| {
        o.bugs
            .iter()
            .map(|b| (b.kind, b.site, b.message.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        keys(&reduced),
        keys(&out),
        "the reduction changes the verdict"
    );
    (file, Checked { prog, out })
}

/// Checks `main` under `go`.
fn check(go: GoVersion, main: &str) -> Checked {
    check_with(go, main, "")
}

fn check_with(go: GoVersion, main: &str, funcs: &str) -> Checked {
    let (_, c) = check_file(&scenario(go, main, funcs));
    assert_eq!(c.prog.meta.go, go, "`go:` sets the version");
    c
}

// ----- the version itself -----

#[test]
fn the_default_is_go_1_23_and_go_mod_spellings_are_accepted() {
    let compile = |header: &str| {
        let src = format!("Scenario(name: \"t\", {header} main: [Sleep(1)])");
        let file = SourceFile::new("t.ron", src);
        weft_models::compile(&file, &[]).map(|p| p.meta.go)
    };
    assert_eq!(compile("").ok(), Some(Go123));
    assert_eq!(compile("go: \"1.22\",").ok(), Some(Go122));
    assert_eq!(compile("go: \"1.21\",").ok(), Some(Go122));
    assert_eq!(compile("go: \"1.22.7\",").ok(), Some(Go122));
    assert_eq!(compile("go: \"1.23\",").ok(), Some(Go123));
    assert_eq!(compile("go: \"1.25.1\",").ok(), Some(Go123));
    let file = SourceFile::new(
        "t.ron",
        "Scenario(name: \"t\", go: \"2.0\", main: [Sleep(1)])",
    );
    let err = weft_models::compile(&file, &[]).expect_err("2.0 is not a Go version");
    let text = err.render(&file, false);
    assert!(text.contains("`2.0` is not a Go version"), "{text}");
    assert!(text.contains("t.ron:1:26"), "{text}");
    assert!(
        text.contains("write `go: \"1.22\"` or `go: \"1.23\"`"),
        "{text}"
    );
}

// ----- rule 1: channel capacity -----

#[test]
fn rule_1_a_timer_channel_has_capacity_1_in_1_22_and_0_in_1_23() {
    // probes.go `len-cap-after-fire`: 1.22 len=1 cap=1; 1.23 len=0 cap=0.
    let main = r#"Timer("t", 1),
        Let("c", "cap(t.C)"),
        Let("n", "len(t.C)"),
        Assert("c == 0", "cap"),
        Assert("n == 0", "len"),"#;
    let old = check(Go122, main);
    assert_eq!(old.messages(Assert), vec!["assertion failed: cap"]);
    let new = check(Go123, main);
    assert_eq!(new.kinds(), vec![]);
    // 1.22: once fired (and not received) the value is visible to `len`.
    let main = r#"Timer("t", 1),
        Let("n", "len(t.C)"),
        Assert("n == 0", "len"),"#;
    assert_eq!(
        check(Go122, main).messages(Assert),
        vec!["assertion failed: len"]
    );
    assert_eq!(check(Go123, main).kinds(), vec![]);
}

// ----- rule 2: zero and negative durations -----

#[test]
fn rule_2_a_zero_timer_fires_later_in_1_22_and_at_once_in_1_23() {
    // probes.go `zero-timer-select`: 1.22 default 9,999 of 10,000 (received
    // once); 1.23 received 10,000 of 10,000. `negative-timer-select`: the
    // same for NewTimer(-1s).
    for d in ["0", "-1"] {
        let main = format!(
            r#"Timer("t", {d}),
            Select([
              Recv("t.C", [Assert("false", "received")]),
              Default([Assert("false", "default")]),
            ]),"#
        );
        let old = check(Go122, &main);
        assert_eq!(
            old.messages(Assert),
            vec!["assertion failed: default", "assertion failed: received"],
            "1.22, d = {d}: either case"
        );
        let new = check(Go123, &main);
        assert_eq!(
            new.messages(Assert),
            vec!["assertion failed: received"],
            "1.23, d = {d}: expired at once"
        );
    }
}

#[test]
fn rule_2_reset_to_zero_follows_the_same_rule() {
    // probes.go `reset-zero-select`: 1.22 empty 10,000; 1.23 received 10,000.
    let main = r#"Timer("t", 5),
        Stop("t"),
        Reset("t", 0),
        Select([
          Recv("t.C", [Assert("false", "received")]),
          Default([Assert("false", "default")]),
        ]),"#;
    assert_eq!(
        check(Go122, main).messages(Assert),
        vec!["assertion failed: default", "assertion failed: received"]
    );
    assert_eq!(
        check(Go123, main).messages(Assert),
        vec!["assertion failed: received"]
    );
}

// ----- rule 3: Stop -----

#[test]
fn rule_3_stop_of_a_zero_timer() {
    // probes.go `zero-timer-stop`: 1.22 true 9,999, false 1; 1.23 true
    // 10,000. `zero-timer-stop-after-receive`: false in both.
    let main = r#"Timer("t", 0),
        Stop("t", "s"),
        If("s", [Assert("false", "true")], [Assert("false", "false")]),"#;
    assert_eq!(
        check(Go122, main).messages(Assert),
        vec!["assertion failed: false", "assertion failed: true"]
    );
    assert_eq!(
        check(Go123, main).messages(Assert),
        vec!["assertion failed: true"]
    );
    let main = r#"Timer("t", 0),
        Recv("t.C"),
        Stop("t", "s"),
        Assert("!s", "stop after receive"),"#;
    assert_eq!(check(Go122, main).kinds(), vec![]);
    assert_eq!(check(Go123, main).kinds(), vec![]);
}

#[test]
fn rule_3_stop_after_fire_leaves_a_stale_value_only_in_1_22() {
    // probes.go `stop-after-fire-undrained`: 1.22 stop=false, then
    // received; 1.23 stop=true, then empty. `stop-pending`: true, then
    // empty, in both.
    let result = r#"Timer("t", 1),
        Sleep(1),
        Stop("t", "s"),
        Assert("s", "stop reports the value not received"),"#;
    assert_eq!(
        check(Go122, result).messages(Assert),
        vec!["assertion failed: stop reports the value not received"]
    );
    assert_eq!(check(Go123, result).kinds(), vec![]);
    let stale = r#"Timer("t", 1),
        Sleep(1),
        Stop("t"),
        Select([
          Recv("t.C", [Assert("false", "stale value")]),
          Default([]),
        ]),"#;
    assert_eq!(
        check(Go122, stale).messages(Assert),
        vec!["assertion failed: stale value"]
    );
    assert_eq!(check(Go123, stale).kinds(), vec![]);
}

// ----- rule 4: Reset -----

#[test]
fn rule_4_reset_after_fire_without_draining() {
    // probes.go `reset-after-fire-undrained`: 1.22 reset=false, then the
    // stale value is received; 1.23 reset=true, then empty.
    let result = r#"Timer("t", 1),
        Sleep(1),
        Reset("t", 5, "r"),
        Assert("r", "reset reports the value not received"),"#;
    assert_eq!(
        check(Go122, result).messages(Assert),
        vec!["assertion failed: reset reports the value not received"]
    );
    assert_eq!(check(Go123, result).kinds(), vec![]);
    // The new expiry is stopped at once: a value received after it is
    // stale (under 1.22 the new expiry may also have fired in between,
    // which abstract time cannot tell apart; under 1.23 neither shows).
    let stale = r#"Timer("t", 1),
        Sleep(1),
        Reset("t", 5),
        Stop("t"),
        Select([
          Recv("t.C", [Assert("false", "value after Reset and Stop")]),
          Default([]),
        ]),"#;
    assert_eq!(
        check(Go122, stale).messages(Assert),
        vec!["assertion failed: value after Reset and Stop"]
    );
    assert_eq!(check(Go123, stale).kinds(), vec![]);
}

#[test]
fn rule_4_reset_after_fire_with_draining() {
    // probes.go `reset-after-fire-drained`: reset=false, then empty, in
    // both versions (no stale value: the drained timer had none).
    let main = r#"Timer("t", 1),
        Recv("t.C"),
        Reset("t", 5, "r"),
        Assert("!r", "the drained timer was not active"),
        Stop("t", "s"),
        If("s", [
          Select([
            Recv("t.C", [Assert("false", "stale value")]),
            Default([]),
          ]),
        ]),"#;
    assert_eq!(check(Go122, main).kinds(), vec![]);
    assert_eq!(check(Go123, main).kinds(), vec![]);
}

// ----- rule 5: tickers -----

#[test]
fn rule_5_a_ticker_keeps_one_tick_and_drops_the_rest() {
    // probes.go `ticker-drops`: one tick waiting after ten periods, in
    // both. Under 1.22 `len` shows it (at most 1); under 1.23 `len` is 0
    // and one receive with default finds it.
    let main = r#"Ticker("t", 1),
        Sleep(1), Sleep(1), Sleep(1),
        Let("n", "len(t.C)"),
        Assert("n <= 1", "more than one tick waiting"),
        Assert("n == 0", "a tick waiting"),
        Stop("t"),"#;
    assert_eq!(
        check(Go122, main).messages(Assert),
        vec!["assertion failed: a tick waiting"]
    );
    assert_eq!(check(Go123, main).kinds(), vec![]);
    let main = r#"Ticker("t", 1),
        Sleep(1), Sleep(1), Sleep(1),
        Select([Recv("t.C", [Assert("false", "a tick waiting")]), Default([])]),
        Stop("t"),"#;
    for go in [Go122, Go123] {
        assert_eq!(
            check(go, main).messages(Assert),
            vec!["assertion failed: a tick waiting"]
        );
    }
}

#[test]
fn rule_5_ticker_stop_keeps_a_sent_tick_only_in_1_22() {
    // probes.go `ticker-stop-after-tick`: 1.22 received 20 of 20; 1.23
    // empty 20 of 20.
    let main = r#"Ticker("t", 1),
        Sleep(1),
        Stop("t"),
        Select([Recv("t.C", [Assert("false", "tick after Stop")]), Default([])]),"#;
    assert_eq!(
        check(Go122, main).messages(Assert),
        vec!["assertion failed: tick after Stop"]
    );
    assert_eq!(check(Go123, main).kinds(), vec![]);
}

#[test]
fn rule_5_non_positive_ticker_intervals() {
    // probes.go `zero-ticker`, `ticker-reset-zero`, `zero-tick`: NewTicker(0)
    // and Ticker.Reset(0) panic, time.Tick(0) is nil, in both versions.
    for go in [Go122, Go123] {
        let c = check(go, r#"Ticker("t", 0),"#);
        assert_eq!(
            c.messages(Panic),
            vec!["panic: non-positive interval for NewTicker"]
        );
        let c = check(go, r#"Ticker("t", 1), Reset("t", -1),"#);
        assert_eq!(
            c.messages(Panic),
            vec!["panic: non-positive interval for Ticker.Reset"]
        );
        let c = check(
            go,
            r#"Tick("c", 0),
               Select([Recv("c", [Assert("false", "nil channel ready")]), Default([])]),
               Recv("c"),"#,
        );
        assert_eq!(c.kinds(), vec![Deadlock], "{go}: a receive on nil blocks");
    }
}

// ----- rule 6: collection of unreferenced timers and tickers -----

#[test]
fn rule_6_time_tick_in_a_returning_function() {
    // probes.go `tick-in-returning-function`: 1.22 kept, 1.23 collected.
    let funcs = r#""monitor": [
          Tick("tick", 1), // the ticker
          Recv("tick"),
        ]"#;
    let main = r#"Call("monitor"), Call("monitor"),"#;
    let (file, old) = check_file(&scenario(Go122, main, funcs));
    assert_eq!(old.kinds(), vec![ResourceLeak]);
    let line = file
        .text()
        .lines()
        .position(|l| l.contains("// the ticker"));
    assert_eq!(
        old.lines(&file, ResourceLeak),
        vec![line.expect("a `// the ticker` line") as u32 + 1]
    );
    assert_eq!(
        old.messages(ResourceLeak),
        vec!["this ticker is never stopped and nothing can reach it any more: it ticks for ever (resource leak, Go 1.22 semantics)"]
    );
    assert_eq!(check_with(Go123, main, funcs).kinds(), vec![]);
}

#[test]
fn rule_6_time_after_in_a_loop() {
    // probes.go `after-in-loop`: 1.22 kept (until each fires), 1.23
    // collected. A message wins the select: its time.After timer is left
    // pending.
    let main = r#"Chan("messages", 2),
        Send("messages", 1), Send("messages", 2),
        Go("consumer", ["messages"]),"#;
    let funcs = r#""consumer": (params: ["messages"], body: [
          Loop([
            Select([
              Recv("messages"),
              After(1, [Return]),
            ]),
          ]),
        ])"#;
    let old = check_with(Go122, main, funcs);
    assert_eq!(old.kinds(), vec![ResourceLeak]);
    assert_eq!(
        old.messages(ResourceLeak),
        vec!["this timer is left pending where nothing can reach or stop it: the runtime keeps it until it fires (resource leak, Go 1.22 semantics)"]
    );
    assert_eq!(check_with(Go123, main, funcs).kinds(), vec![]);
}

#[test]
fn rule_6_a_stopped_or_fired_timer_dropped_is_no_leak() {
    let funcs = r#""f": [
          Timer("t", 1),
          Either([[Stop("t")], [Recv("t.C")]]),
          Ticker("k", 1),
          Stop("k"),
        ]"#;
    let main = r#"Call("f"), Call("f"),"#;
    assert_eq!(check_with(Go122, main, funcs).kinds(), vec![]);
    assert_eq!(check_with(Go123, main, funcs).kinds(), vec![]);
}

#[test]
fn rule_6_a_ticker_still_reachable_is_no_leak() {
    // A global ticker (or one a live goroutine holds) can still be stopped.
    let src = r#"Scenario(name: "t", go: "1.22",
        globals: [Ticker("t", 1)],
        main: [Recv("t.C")],
    )"#;
    let (_, c) = check_file(src);
    assert_eq!(c.kinds(), vec![]);
}

#[test]
fn reports_say_which_go_version_was_checked() {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios/pitfalls/22-time-tick-leak.ron");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_weft"))
            .arg("check")
            .args(args)
            .arg(&file)
            .env("NO_COLOR", "1")
            .output()
            .expect("weft runs");
        String::from_utf8(out.stdout).expect("utf-8")
    };
    assert!(run(&[]).contains("go 1.22 (its timer semantics)"));
    let json: serde_json::Value =
        serde_json::from_str(run(&["--format", "json"]).trim()).expect("one JSON line");
    assert_eq!(json["go"], "1.22");
    // `--go` overrides the file, and the default needs no word in the text.
    assert!(!run(&["--go", "1.23"]).contains("go 1.22"));
    let json: serde_json::Value =
        serde_json::from_str(run(&["--go", "1.23", "--format", "json"]).trim()).expect("JSON");
    assert_eq!(json["go"], "1.23");
}
