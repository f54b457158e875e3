//! Leaks reported when a bound cuts the search: a goroutine that nothing
//! able to run can ever release is reported as soon as it is stored, with a
//! schedule `weft replay` replays to the same leak, and a goroutine that
//! something can still release is not (see `checker/src/detect/certain.rs`).

use std::path::{Path, PathBuf};

// (Its corpus of compiled scenarios; the rest is other tests'.)
#[allow(dead_code)]
use crate::support::alike;
use std::process::{Command, Output};

fn weft(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("weft runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn scenario(name: &str, text: &str) -> PathBuf {
    let d = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("weft-certain-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("mkdir");
    let p = d.join(format!("{name}.ron"));
    std::fs::write(&p, text).expect("write");
    p
}

/// The text report (its words, single-spaced) and the JSON report of
/// `weft check` on `text` with `args`, both exiting with `code`.
fn check(name: &str, text: &str, args: &[&str], code: i32) -> (PathBuf, String, serde_json::Value) {
    let p = scenario(name, text);
    let path = p.to_str().expect("utf-8").to_string();
    let run = |format: &str| {
        let mut a = vec!["check", "--format", format];
        a.extend_from_slice(args);
        a.push(&path);
        let o = weft(&a);
        assert_eq!(o.status.code(), Some(code), "{}", stdout(&o));
        stdout(&o)
    };
    // The text report wraps long lines to its width: compare words.
    let text = run("text").split_whitespace().collect::<Vec<_>>().join(" ");
    let json = serde_json::from_str(run("json").trim()).expect("one JSON line");
    (p, text, json)
}

/// `(kind, goroutine, line, col)` of every bug of a JSON report.
fn bugs(report: &serde_json::Value) -> Vec<(String, String, u64, u64)> {
    report["bugs"]
        .as_array()
        .expect("bugs")
        .iter()
        .map(|b| {
            (
                b["kind"].as_str().unwrap_or("").to_string(),
                b["goroutine"].as_str().unwrap_or("").to_string(),
                b["location"]["line"].as_u64().unwrap_or(0),
                b["location"]["col"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// Replays the schedule of the first bug of `report` and returns the bugs
/// the replay reports.
fn replayed(path: &Path, report: &serde_json::Value) -> Vec<(String, String, u64, u64)> {
    let schedule = report["bugs"][0]["schedule"].as_str().expect("a schedule");
    let o = weft(&[
        "replay",
        path.to_str().expect("utf-8"),
        "--schedule",
        schedule,
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let last = stdout(&o).lines().last().unwrap_or("").to_string();
    bugs(&serde_json::from_str(&last).expect("a JSON report"))
}

const CUT_MESSAGE: &str = "goroutine blocked forever: nothing that can still run can unblock it \
                           (goroutine leak, certain before the search was cut)";

/// The issue's example: a server loop starting a handler per iteration that
/// makes its own channel and waits on it. No other goroutine can reach the
/// channel, so each handler is blocked forever; the loop never ends, so the
/// search never completes.
const SPAWN_LOCAL: &str = r#"Scenario(
  name: "spawn-leak",
  funcs: {
    "handler": Func(params: [], body: [
      Chan("c", 0),
      Recv("c"),
    ]),
  },
  main: [
    Loop([
      Go("handler", []),
    ]),
  ],
)
"#;

#[test]
fn a_loop_of_goroutines_blocked_forever_reports_the_leak_in_a_bounded_run() {
    let (p, text, json) = check("spawn-local", SPAWN_LOCAL, &["--max-states", "2000"], 1);
    assert!(text.contains(&format!("✗ leak: {CUT_MESSAGE}")), "{text}");
    assert!(
        text.contains("1 bug found (leak); search incomplete (bounded by --max-states 2000)"),
        "{text}"
    );
    assert!(
        text.contains(
            "goroutines running `handler` keep being started by `Go(\"handler\", [])` at 11:7"
        ),
        "{text}"
    );
    assert_eq!(json["complete"], false);
    assert_eq!(
        bugs(&json),
        vec![("leak".to_string(), "handler#1".to_string(), 6, 7)]
    );
    // The shallowest state where it is certain: right after the first `go`.
    assert_eq!(json["bugs"][0]["schedule"], "v1:0");
    assert_eq!(json["bugs"][0]["message"], CUT_MESSAGE);
    assert_eq!(json["growth"][0]["what"], "goroutines");
    // `weft replay` of the schedule shows the same leak, at once (the
    // states after its run are infinitely many).
    assert_eq!(replayed(&p, &json), bugs(&json));
}

/// The handlers wait on a global channel nothing ever sends on: every new
/// handler can reach it, but none can release another.
const SPAWN_GLOBAL: &str = r#"Scenario(
  name: "spawn-forever",
  globals: [Chan("never", 0)],
  main: [
    While("true", [
      Go("handler", []),
    ]),
  ],
  funcs: {
    "handler": (params: [], body: [
      Recv("never"),
    ]),
  },
)
"#;

#[test]
fn receivers_on_a_channel_nothing_sends_on_are_leaked_in_a_bounded_run() {
    let (p, text, json) = check("spawn-global", SPAWN_GLOBAL, &["--max-states", "2000"], 1);
    assert!(text.contains(&format!("✗ leak: {CUT_MESSAGE}")), "{text}");
    assert!(
        text.contains("keep being started by `Go(\"handler\", [])` at 6:7"),
        "{text}"
    );
    assert_eq!(
        bugs(&json),
        vec![("leak".to_string(), "handler#1".to_string(), 11, 7)]
    );
    assert_eq!(replayed(&p, &json), bugs(&json));
    // --stop-at-first-bug stops at the first state where it is certain.
    let (_, text, _) = check("spawn-global", SPAWN_GLOBAL, &["--stop-at-first-bug"], 1);
    assert!(
        text.contains("1 bug found (leak); search incomplete (bounded by --stop-at-first-bug)"),
        "{text}"
    );
}

/// Each iteration starts two handlers, each waiting for the other to send
/// first: both are blocked forever, though each could release the other.
const SPAWN_PAIRS: &str = r#"Scenario(
  name: "spawn-pairs",
  main: [
    Loop([
      Chan("a", 0),
      Chan("b", 0),
      Go("ping", ["a", "b"]),
      Go("ping", ["b", "a"]),
    ]),
  ],
  funcs: {
    "ping": (params: ["in", "out"], body: [
      Recv("in"),
      Send("out", 1),
    ]),
  },
)
"#;

#[test]
fn goroutines_waiting_for_each_other_are_leaked_in_a_bounded_run() {
    let (p, text, json) = check("spawn-pairs", SPAWN_PAIRS, &["--max-states", "2000"], 1);
    assert!(text.contains(&format!("✗ leak: {CUT_MESSAGE}")), "{text}");
    assert_eq!(
        bugs(&json),
        vec![("leak".to_string(), "ping#1".to_string(), 13, 7)]
    );
    // The shallowest state where it is certain: once main has dropped its
    // handles to the first pair's channels, after both `go` statements.
    assert_eq!(json["bugs"][0]["schedule"], "v1:0.0");
    assert_eq!(json["bugs"][0]["minimality"]["search"], "minimal", "{text}");
    // The end of the run shows both handlers of the pair blocked, each on
    // the other.
    assert!(text.contains("wait-for cycle"), "{text}");
    assert!(
        text.contains(
            "ping#2 waits to receive from channel `b`, which ping#1 could send on at 14:7"
        ),
        "{text}"
    );
    assert_eq!(replayed(&p, &json), bugs(&json));
}

/// The worker waits on a channel main sends on, but only after a loop the
/// bound cuts: the worker can still be released, so no leak.
const LATE_SEND: &str = r#"Scenario(
  name: "late-send",
  main: [
    Chan("ch", 0),
    Go("worker", ["ch"]),
    For("i", 0, 5000, [Sleep(1)]),
    Send("ch", 1),
  ],
  funcs: {
    "worker": (params: ["c"], body: [Recv("c")]),
  },
)
"#;

/// The same through a global channel.
const LATE_SEND_GLOBAL: &str = r#"Scenario(
  name: "late-send-global",
  globals: [Chan("ch", 0)],
  main: [
    Go("worker", []),
    For("i", 0, 5000, [Sleep(1)]),
    Send("ch", 1),
  ],
  funcs: {
    "worker": (params: [], body: [Recv("ch")]),
  },
)
"#;

/// Handlers that each wait for a timer: the clock releases them.
const SPAWN_TIMERS: &str = r#"Scenario(
  name: "spawn-timers",
  main: [
    Loop([
      Go("handler", []),
    ]),
  ],
  funcs: {
    "handler": (params: [], body: [
      After("t", 1),
      Recv("t"),
    ]),
  },
)
"#;

#[test]
fn a_goroutine_that_can_still_be_released_is_not_reported_under_a_cut() {
    for (name, text) in [
        ("late-send", LATE_SEND),
        ("late-send-global", LATE_SEND_GLOBAL),
        ("spawn-timers", SPAWN_TIMERS),
    ] {
        // Incomplete, so not as expected (1), but no bug.
        let (_, report, json) = check(name, text, &["--max-states", "2000"], 1);
        assert_eq!(json["complete"], false, "{name}: {report}");
        assert!(bugs(&json).is_empty(), "{name}: {report}");
        assert!(
            report.contains("incomplete (bounded by --max-states 2000): no bug found"),
            "{name}: {report}"
        );
    }
    // The complete searches agree.
    for (name, text) in [
        ("late-send", LATE_SEND),
        ("late-send-global", LATE_SEND_GLOBAL),
    ] {
        let (_, report, json) = check(name, text, &[], 0);
        assert_eq!(json["complete"], true, "{name}: {report}");
        assert!(bugs(&json).is_empty(), "{name}: {report}");
    }
}

/// The search rules out cheaply the blocked goroutines that one able to
/// move may release, directly or along a chain of waits (a philosopher
/// waiting for a fork whose holder waits for the next fork, whose holder
/// can eat): in every state of the corpus (the first 3,000 of each
/// scenario), the goroutines certainly blocked forever are the same with
/// the screen as with the whole analysis alone.
#[test]
fn the_screen_before_the_certainty_analysis_loses_no_leak_on_the_corpus() {
    let mut chains = Vec::new();
    for (path, prog) in alike::corpus() {
        match weft_checker::counterexample::verdict::referee_screen(&prog, 3_000) {
            Ok(0) => {}
            Ok(n) => chains.push((path, n)),
            Err(e) => panic!("{path}: {e}"),
        }
    }
    // The chains were undone somewhere, the philosophers among them.
    assert!(
        chains
            .iter()
            .any(|(p, _)| p.ends_with("dining-philosophers-fixed.ron")),
        "{chains:?}"
    );
}
