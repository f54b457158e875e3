//! Runs that are long, deep or cut: every one ends with a report that says
//! what it found and, when cut, which bound cut it.

use std::path::PathBuf;
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

/// Writes one scenario file into a fresh temporary directory.
fn scenario(name: &str, text: &str) -> PathBuf {
    let d = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("weft-limits-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("mkdir");
    let p = d.join(format!("{name}.ron"));
    std::fs::write(&p, text).expect("write");
    p
}

/// One run, `n` steps long, and nothing else.
const DEEP: &str = r#"Scenario(
    name: "deep",
    expect: [],
    params: {"n": 3},
    main: [
        For("i", 0, "n", [Sleep(1)]),
    ],
)
"#;

/// A path of 300,000 steps: the strongly connected components of its graph
/// are found without recursion (a recursive Tarjan overflowed the stack
/// and aborted the process with no report).
#[test]
#[cfg_attr(debug_assertions, ignore = "release mode only: 300,000 states")]
fn a_very_deep_run_is_verified() {
    let p = scenario("deep", DEEP);
    let path = p.to_str().expect("utf-8");
    let o = weft(&["check", path, "--param", "n=300000"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("verified: no bug in any schedule — as expected  [300001 states"),
        "{}",
        stdout(&o)
    );
    let o = weft(&[
        "check",
        path,
        "--param",
        "n=300000",
        "--max-states",
        "200000",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("incomplete (bounded by --max-states 200000)"),
        "{}",
        stdout(&o)
    );
}

/// A goroutine leaked at once, beside one that counts forever: the state
/// space is infinite.
const LEAK_AND_COUNTER: &str = r#"Scenario(
    name: "leak-and-counter",
    expect: [Leak],
    globals: [Chan("ch", 0), Var("x", 0)],
    main: [
        Go(body: [Send("ch", 1)]),
        Go(body: [Loop([Set("x", "x + 1")])]),
    ],
)
"#;

/// Many goroutines racing, and a panic: bugs found at once, on a search
/// that goes on for a long time.
const RACY_FOREVER: &str = r#"Scenario(
    name: "racy-forever",
    expect: [Race],
    globals: [Var("x", 0), Var("y", 0)],
    main: [
        Go(body: [Set("x", 1)]),
        Go(body: [Set("x", 2)]),
        Go(body: [Loop([Set("y", "y + 1")])]),
        Go(body: [Loop([Set("y", "y + 2")])]),
    ],
)
"#;

#[test]
fn ctrl_c_stops_the_search_and_prints_the_partial_report() {
    let p = scenario("ctrl-c", RACY_FOREVER);
    let child = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(["check", p.to_str().expect("utf-8"), "--format", "json"])
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("weft starts");
    // Give the handler time to be installed and the search to find the
    // race; the search itself never ends.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(interrupted.success());
    let o = child.wait_with_output().expect("weft ends");
    let out = stdout(&o);
    // The race is found and the scenario expects it: as expected, though
    // incomplete.
    assert_eq!(o.status.code(), Some(0), "{out}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON line");
    assert_eq!(v["complete"], false, "{out}");
    assert_eq!(v["bound"], "Ctrl-C", "{out}");
    let bug = &v["bugs"][0];
    assert_eq!(bug["kind"], "race", "{out}");
    assert!(bug["reproduce"]
        .as_str()
        .is_some_and(|r| r.contains("weft replay")));
    // The report's own searches stop on the same Ctrl-C and say so.
    let note = bug["minimality"]["note"].as_str().expect("a note");
    assert!(
        note.contains("the search for fewest preemptions was stopped by Ctrl-C"),
        "{note}"
    );
    // The schedule replays to the bug.
    let schedule = bug["schedule"].as_str().expect("a schedule");
    let replayed = weft(&["replay", p.to_str().expect("utf-8"), "--schedule", schedule]);
    assert_eq!(replayed.status.code(), Some(1), "{}", stdout(&replayed));
    assert!(stdout(&replayed).contains("data race"));
    assert!(String::from_utf8_lossy(&o.stderr).contains("interrupted"));
}

#[test]
fn max_memory_stops_the_search_and_names_the_bound() {
    let p = scenario("memory", LEAK_AND_COUNTER);
    // Far below what the process itself needs: cut at the first
    // measurement.
    let o = weft(&["check", p.to_str().expect("utf-8"), "--max-memory", "1M"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("incomplete (bounded by --max-memory 1M)"),
        "{}",
        stdout(&o)
    );
    let bad = weft(&["check", p.to_str().expect("utf-8"), "--max-memory", "lots"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_report_work_obeys_max_states_and_says_so() {
    // The minimal search for the race would explore the infinite counter;
    // --max-states caps it as it caps the search.
    let p = scenario("report-cap", RACY_FOREVER);
    let o = weft(&[
        "check",
        p.to_str().expect("utf-8"),
        "--max-states",
        "2000",
        "--format",
        "json",
    ]);
    let out = stdout(&o);
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON line");
    assert_eq!(v["complete"], false);
    assert_eq!(v["bound"], "--max-states 2000");
    let bugs = v["bugs"].as_array().expect("bugs");
    assert!(bugs.iter().all(|b| b["kind"] == "race"), "{out}");
    // One race's minimal search needs more than 2000 states: it stops
    // there, keeps the breadth-first schedule, and says which bound. Its
    // work counts the states it stores, so it ends at the cap or past it
    // by the successors of its last expansion (a handful here).
    const PREFIX: &str = "stopped by --max-states 2000, after ";
    let stopped_after = |n: &str| -> Option<usize> {
        let rest = &n[n.find(PREFIX)? + PREFIX.len()..];
        rest.split(' ').next()?.parse().ok()
    };
    assert!(
        bugs.iter().any(|b| b["minimality"]["note"]
            .as_str()
            .and_then(stopped_after)
            .is_some_and(|work| (2000..=2010).contains(&work))),
        "{out}"
    );
}

/// A local loop (no visible operation) that makes a channel at every turn
/// and never repeats its local state: it grows the state within one step.
const MAKES_FOREVER: &str = r#"Scenario(
    name: "makes-forever",
    main: [
        Let("i", 0),
        While("true", [
            Chan("c", 0),
            Set("i", "i + 1"),
        ]),
    ],
)
"#;

/// The memory bound applies inside a step too: a step that makes objects
/// forever is stopped near the bound, and the run names it (before, the
/// step looked only at the time limit and Ctrl-C, and grew until the
/// machine ran out of memory).
#[test]
#[cfg_attr(debug_assertions, ignore = "release mode only: fills 200 MB")]
fn max_memory_stops_a_step_that_makes_objects_forever() {
    let p = scenario("makes-forever", MAKES_FOREVER);
    let started = std::time::Instant::now();
    let o = weft(&[
        "check",
        p.to_str().expect("utf-8"),
        "--max-memory",
        "200M",
        // Only so that a step blind to the memory bound ends too.
        "--time-limit",
        "20",
        "--format",
        "json",
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON line");
    assert_eq!(v["complete"], false, "{out}");
    assert_eq!(v["bound"], "--max-memory 200M", "{out}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}
