//! The `weft` binary as a user runs it: exit codes, JSON Lines, bounds,
//! error output.

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

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Writes scenario files into a fresh temporary directory.
fn dir(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let d = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("weft-cli-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    for (f, text) in files {
        let p = d.join(f);
        std::fs::create_dir_all(p.parent().expect("has parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    d
}

const LEAK: &str = r#"Scenario(
    name: "leak",
    taxonomy: (behavior: Blocking, cause: MessagePassing),
    expect: [Leak],
    globals: [Chan("ch", 0)],
    main: [
        Go(body: [Send("ch", 1)]),
    ],
)
"#;

const CLEAN_BUT_RACY: &str = r#"Scenario(
    name: "racy",
    globals: [Var("x", 0)],
    main: [
        Go(body: [Set("x", 1)]),
        Set("x", 2),
    ],
)
"#;

const WRITERS: &str = r#"Scenario(
    name: "writers",
    params: {"n": 3},
    main: [
        For("i", 0, "n", [Go(body: [Var("x", 0), Set("x", 1)])]),
    ],
)
"#;

#[test]
fn expected_bug_exits_zero_and_json_has_the_schema() {
    let d = dir("json", &[("leak.ron", LEAK)]);
    let o = weft(&[
        "check",
        "--format",
        "json",
        d.join("leak.ron").to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "one JSON line per scenario");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("valid JSON");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["scenario"], "leak");
    assert_eq!(v["complete"], true);
    assert_eq!(v["expected_met"], true);
    assert!(v["file"].as_str().expect("file").ends_with("leak.ron"));
    let bug = &v["bugs"][0];
    assert_eq!(bug["kind"], "leak");
    assert!(bug["schedule"].as_str().expect("token").starts_with("v1:"));
    assert_eq!(bug["location"]["line"], 7);
    let steps = bug["steps"].as_array().expect("steps");
    assert!(!steps.is_empty());
    for s in steps {
        for field in ["goroutine", "op", "line", "col"] {
            assert!(s.get(field).is_some(), "step lacks {field}: {s}");
        }
    }
    for field in ["states", "transitions", "seconds"] {
        assert!(v["stats"][field].is_number(), "stats lacks {field}");
    }
}

#[test]
fn unexpected_bug_exits_one_and_text_names_the_race() {
    let d = dir("racy", &[("racy.ron", CLEAN_BUT_RACY)]);
    let o = weft(&["check", d.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("race: data race: two concurrent writes"),
        "{out}"
    );
    assert!(
        out.contains("UNEXPECTED (expected clean: race found)"),
        "{out}"
    );
}

/// A search cut before it found anything neither confirms nor contradicts
/// what the scenario expects: it says so, and never `UNEXPECTED`; one cut
/// after finding a kind the scenario does not expect is contradicted, and
/// names the extra kind and the missing one.
#[test]
fn a_cut_search_is_undecided_unless_something_contradicts_the_expectation() {
    const COUNTER: &str = r#"Scenario(
  name: "counter",
  expect: [],
  globals: [Var("x", 0)],
  main: [
    While("true", [AtomicAdd("x", 1)]),
  ],
)
"#;
    const LEAK_EXPECTED: &str = r#"Scenario(
  name: "counter-expecting-leak",
  expect: [Leak],
  globals: [Var("x", 0)],
  main: [
    While("true", [AtomicAdd("x", 1)]),
  ],
)
"#;
    let d = dir(
        "undecided",
        &[
            ("counter.ron", COUNTER),
            ("leak.ron", LEAK_EXPECTED),
            ("racy.ron", CLEAN_BUT_RACY),
        ],
    );
    let o = weft(&["check", "--max-states", "50", d.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(1), "a cut search is not a pass");
    let out = stdout(&o);
    assert!(
        out.contains("undecided (expected clean: the search was cut)"),
        "{out}"
    );
    assert!(
        out.contains("undecided (expected leak: leak not found before the cut)"),
        "{out}"
    );
    assert!(
        out.contains("UNEXPECTED (expected clean: race found)"),
        "{out}"
    );
    assert!(
        !out.contains("UNEXPECTED (expected clean: the"),
        "a cut search is never called unexpected by itself: {out}"
    );
}

#[test]
fn directories_are_searched_recursively_in_a_stable_order() {
    let d = dir(
        "tree",
        &[
            ("b/leak.ron", LEAK),
            ("a/writers.ron", WRITERS),
            ("notes.txt", "x"),
        ],
    );
    let o = weft(&["check", "--format", "json", d.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let names: Vec<String> = stdout(&o)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json");
            v["scenario"].as_str().expect("name").to_string()
        })
        .collect();
    assert_eq!(names, vec!["writers", "leak"]);
}

#[test]
fn a_bound_makes_the_result_incomplete_never_verified() {
    let d = dir("bound", &[("w.ron", WRITERS)]);
    let f = d.join("w.ron");
    let o = weft(&["check", "--max-states", "3", f.to_str().expect("utf8")]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a clean claim needs a complete search"
    );
    let out = stdout(&o);
    assert!(
        out.contains("incomplete (bounded by --max-states 3): no bug found in 3 states"),
        "{out}"
    );
    assert!(!out.contains("verified"), "{out}");
    let o = weft(&["check", f.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("verified: no bug in any schedule"));
}

const COUNTS_FOREVER: &str = r#"Scenario(
    name: "counter",
    main: [
        Go(body: [
            Let("n", 0),
            Loop([Set("n", "n + 1")]),
        ]),
    ],
)
"#;

#[test]
fn a_local_loop_that_never_repeats_ends_at_the_time_limit_incomplete() {
    // The goroutine counts up forever without a visible operation: its
    // state never repeats, so it runs as in Go until the time limit.
    let d = dir("counter", &[("c.ron", COUNTS_FOREVER)]);
    let f = d.join("c.ron");
    let start = std::time::Instant::now();
    let o = weft(&["check", "--time-limit", "1", f.to_str().expect("utf8")]);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(30),
        "the time limit stops a step stuck in local code"
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("incomplete (bounded by --time-limit 1s): no bug found in 1 state"),
        "{out}"
    );
    assert!(!out.contains("verified"), "{out}");
    let o = weft(&[
        "check",
        "--format",
        "json",
        "--time-limit",
        "1",
        f.to_str().expect("utf8"),
    ]);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).expect("json");
    assert_eq!(v["complete"], false, "{v}");
    assert_eq!(v["bound"], "--time-limit 1s", "{v}");
}

const RACES_THEN_COUNTS: &str = r#"Scenario(
    name: "race-and-counter",
    globals: [Var("x", 0)],
    main: [
        Go(body: [Set("x", 1)]),
        Set("x", 2),
        Go(body: [Let("n", 0), Loop([Set("n", "n + 1")])]),
    ],
)
"#;

#[test]
fn a_bug_found_before_the_time_limit_is_reported_without_hanging() {
    // The counterexample's own searches may step into the counting
    // goroutine too: they give up on it (as a cut search), not hang.
    let d = dir("race-counter", &[("r.ron", RACES_THEN_COUNTS)]);
    let f = d.join("r.ron");
    let start = std::time::Instant::now();
    let o = weft(&["check", "--time-limit", "1", f.to_str().expect("utf8")]);
    assert!(start.elapsed() < std::time::Duration::from_secs(60));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("✗ race: data race"), "{out}");
    assert!(
        out.contains("search incomplete (bounded by --time-limit 1s)"),
        "{out}"
    );
}

#[test]
fn params_override_defaults() {
    let d = dir("param", &[("w.ron", WRITERS)]);
    let f = d.join("w.ron");
    let states = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "json", f.to_str().expect("utf8")];
        args.extend_from_slice(extra);
        let o = weft(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).expect("json");
        (v["params"]["n"].as_i64(), v["stats"]["states"].as_u64())
    };
    let (n3, s3) = states(&[]);
    let (n4, s4) = states(&["--param", "n=4"]);
    assert_eq!((n3, n4), (Some(3), Some(4)));
    assert!(s4 > s3, "a larger family explores more states");
}

#[test]
fn bad_input_exits_two_with_file_line_col() {
    let d = dir(
        "bad",
        &[(
            "bad.ron",
            "Scenario(\n  name: \"x\",\n  main: [Sned(\"ch\", 1)],\n)\n",
        )],
    );
    let f = d.join("bad.ron");
    let o = weft(&["check", f.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("bad.ron:3:"), "{err}");
    assert!(err.contains("Sned"), "{err}");
}

#[test]
fn a_bad_param_or_usage_exits_two() {
    let d = dir("badparam", &[("w.ron", WRITERS)]);
    let f = d.join("w.ron");
    let o = weft(&["check", "--param", "m=4", f.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains('m'), "{}", stderr(&o));
    let o = weft(&["check", "--param", "n=four", f.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2));
    let o = weft(&["check", "/no/such/file.ron"]);
    assert_eq!(o.status.code(), Some(2));
    let o = weft(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn output_is_reproducible() {
    let d = dir("repro", &[("racy.ron", CLEAN_BUT_RACY), ("leak.ron", LEAK)]);
    let run = || {
        let o = weft(&["check", "--format", "json", d.to_str().expect("utf8")]);
        // Timing and the memory measured are the only fields allowed to
        // differ.
        stdout(&o)
            .lines()
            .map(|l| {
                let mut v: serde_json::Value = serde_json::from_str(l).expect("json");
                v["stats"]["seconds"] = serde_json::Value::Null;
                v["stats"]["peak_resident_bytes"] = serde_json::Value::Null;
                if v["stats"]["frontier"].is_object() {
                    v["stats"]["frontier"]["resident_beyond_bytes"] = serde_json::Value::Null;
                    v["stats"]["frontier"]["peak_with_in_flight_bytes"] = serde_json::Value::Null;
                }
                v.to_string()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}

#[test]
fn a_type_error_at_run_time_exits_two_and_blames_the_scenario() {
    // A channel received as a value and locked: validation cannot type it.
    let d = dir(
        "runtime-type",
        &[(
            "t.ron",
            "Scenario(name: \"t\",\n globals: [Chan(\"c\", 1), Chan(\"ch\", 0)],\n main: [\n   Send(\"c\", \"ch\"),\n   Recv(chan: \"c\", into: \"m\"),\n   Lock(\"m\"),\n ],\n)\n",
        )],
    );
    let f = d.join("t.ron");
    let o = weft(&["check", f.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("t.ron:6:4: invalid scenario at run time: Lock needs a Mutex or RWMutex, found a channel"),
        "{err}"
    );
    assert!(!err.contains("bug in weft"), "{err}");
}

#[test]
fn help_lists_the_exit_codes_with_internal_errors_apart() {
    // An internal error cannot be provoked from the command line (every
    // transition comes from `enabled`); the library-level tests in
    // semantics.rs classify them, and `--help` documents the code.
    let o = weft(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("Exit codes:"), "{out}");
    assert!(
        out.contains("3  internal error: a bug in weft itself"),
        "{out}"
    );
}

const TICK_IN_RETURNING_FUNCTION: &str = r#"Scenario(
    name: "tick",
    expect: [ResourceLeak],
    go: "1.22",
    main: [Call("monitor"), Call("monitor")],
    funcs: {"monitor": [Tick("c", 1), Recv("c")]},
)
"#;

#[test]
fn go_overrides_the_scenario_version_in_check_and_replay() {
    let d = dir("go-flag", &[("tick.ron", TICK_IN_RETURNING_FUNCTION)]);
    let file = d.join("tick.ron");
    let file = file.to_str().expect("utf-8 path");
    // The scenario's own `go: "1.22"`: the ticker leaks, as expected.
    let o = weft(&["check", file]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("resource-leak"), "{}", stdout(&o));
    // `--go 1.23`: collected, so the expected leak is missing.
    let o = weft(&["check", "--go", "1.23", file]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("UNEXPECTED (expected resource-leak: resource-leak not found)"),
        "{}",
        stdout(&o)
    );
    // The reproduce command carries `--go`, and replay honours it.
    let o = weft(&["check", "--go", "1.22", file]);
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| l.contains("reproduce: weft replay"))
        .expect("a reproduce line");
    assert!(line.ends_with("--go 1.22"), "{line}");
    let token = line
        .split_whitespace()
        .skip_while(|w| *w != "--schedule")
        .nth(1)
        .expect("a schedule");
    let o = weft(&["replay", file, "--schedule", token, "--go", "1.22"]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("✗ resource-leak"), "{}", stdout(&o));
    let o = weft(&["replay", file, "--schedule", token, "--go", "1.23"]);
    assert!(!stdout(&o).contains("resource-leak"), "{}", stdout(&o));
    let o = weft(&["check", "--go", "2", file]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`2` is not a Go version"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn dpor_follows_computed_indices_and_says_when_it_does_not_apply() {
    // Two goroutines write two slots each of a slice through a computed
    // index, never the same: one trace. `dpor` sees the slots each run
    // wrote; `por` sees "any slot" in each goroutine's future, explores
    // both orders of every step, and stores every interleaving's states.
    let table = r#"Scenario(
    name: "table",
    globals: [Slice("table", "int", 4)],
    main: [
        For("id", 0, 2, [Go(body: [Let("h", "id * 2"), For("k", 0, 2, [AtomicStore("&table[h + k]", 1)])])]),
    ],
)"#;
    let d = dir("dpor", &[("table.ron", table), ("leak.ron", LEAK)]);
    let table = d.join("table.ron").to_string_lossy().into_owned();
    let o = weft(&["check", "--reduction", "dpor", "--stats", &table]);
    let text = stdout(&o);
    assert!(o.status.success(), "{text}{}", stderr(&o));
    assert!(text.contains("[7 states, 6 transitions"), "{text}");
    assert!(text.contains("1 complete run,"), "{text}");
    assert!(
        text.contains("reduction dpor (stateless source-set DPOR chose the steps)"),
        "{text}"
    );
    assert!(text.contains("dpor: 1 run explored, 6 steps"), "{text}");
    let o = weft(&["check", "--stats", &table]);
    assert!(stdout(&o).contains("[11 states,"), "{}", stdout(&o));
    // A send nobody receives: `dpor` applies and finds the leak.
    let leak = d.join("leak.ron").to_string_lossy().into_owned();
    let o = weft(&["check", "--reduction", "dpor", "--stats", &leak]);
    let text = stdout(&o);
    assert!(text.contains("reduction dpor"), "{text}");
    assert!(text.contains("✗ leak"), "{text}");
    // An RWMutex: `por` instead, and where the program may wait.
    let rw = d.join("rw.ron");
    std::fs::write(
        &rw,
        r#"Scenario(
    name: "rw",
    globals: [RWMutex("rw"), Var("x", 0)],
    main: [
        Go(body: [RLock("rw"), Let("v", "x"), RUnlock("rw")]),
        Lock("rw"), Set("x", 1), Unlock("rw"),
    ],
)"#,
    )
    .expect("write");
    let o = weft(&[
        "check",
        "--reduction",
        "dpor",
        "--stats",
        &rw.to_string_lossy(),
    ]);
    let text = stdout(&o);
    assert!(
        text.contains("reduction por (dpor needs goroutines that wait only at a sync.Mutex, a channel send or receive or a WaitGroup: 5:19 may wait otherwise"),
        "{text}"
    );
    assert!(o.status.success(), "clean all the same: {text}");
}

/// `weft check scenarios/ | head -1`: when the reader of its output goes
/// away, weft ends quietly with the status a shell gives a command that
/// SIGPIPE ended (141), as `cat` and `grep` do; it does not panic.
#[test]
fn a_closed_output_pipe_ends_weft_quietly() {
    use std::io::{BufRead, BufReader};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut child = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(["check", "scenarios/"])
        .current_dir(&root)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("weft runs");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut first)
        .expect("a first line");
    // (The reader is dropped here: the pipe closes. The corpus's report,
    // 144 KB, is more than a pipe holds, 64 KB: weft writes again.)
    let out = child.wait_with_output().expect("weft ends");
    assert!(!first.is_empty());
    assert_eq!(out.status.code(), Some(141), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}
