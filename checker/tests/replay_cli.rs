//! `weft replay` and `weft check --graph` as a user runs them: the replayed
//! steps, the same bug report as `check`, exit codes, the precise message
//! when a token no longer fits an edited scenario, and DOT output that
//! Graphviz renders.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn weft(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("weft runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reports")
        .join(format!("{name}.ron"))
        .display()
        .to_string()
}

fn scratch(name: &str) -> PathBuf {
    let d = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("weft-replay-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_str(stdout(o).trim()).expect("one JSON line")
}

#[test]
fn replay_prints_each_step_and_ends_with_the_same_report() {
    let f = fixture("deadlock");
    let check = weft(&["check", "--format", "json", &f]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    let check = json(&check);
    let token = check["bugs"][0]["schedule"]
        .as_str()
        .expect("token")
        .to_string();
    assert_eq!(token, "v1:0.0.0.1.2");
    assert_eq!(check["bugs"][0]["minimality"]["search"], "minimal");

    let o = weft(&["replay", &f, "--schedule", &token]);
    assert_eq!(o.status.code(), Some(1), "a bug is reached: {}", stderr(&o));
    let out = stdout(&o);
    let steps: Vec<&str> = out.lines().skip(1).take(5).collect();
    assert_eq!(
        steps,
        vec![
            "      1. 0        main           9:9  Add(\"wg\", 2)  (add)",
            "      2. 0        main           10:9  Go(\"ab\")  (go)",
            "      3. 0        main           11:9  Go(\"ba\")  (go)",
            "  »   4. 1        ab#1           15:16  Lock(\"a\")  (lock)",
            "  ↯   5. 2        ba#2           16:16  Lock(\"b\")  (lock)",
        ]
    );
    assert!(out.contains("✗ deadlock: fatal error: all goroutines are asleep - deadlock!"));
    assert!(out.contains("wait-for cycle"));
    assert!(out.contains(&format!("reproduce: weft replay {f} --schedule {token}")));

    // JSON: the bug object is the one `check` prints, but for how the
    // schedule was chosen and what the check's report stands for (a
    // replay shows one run).
    let o = weft(&["replay", "--format", "json", &f, "--schedule", &token]);
    assert_eq!(o.status.code(), Some(1));
    let replay = json(&o);
    assert_eq!(replay["schema_version"], 1);
    assert_eq!(replay["schedule"], token.as_str());
    let mut a = check["bugs"][0].clone();
    let mut b = replay["bugs"][0].clone();
    assert_eq!(b["minimality"]["search"], "replayed");
    a["minimality"] = serde_json::Value::Null;
    b["minimality"] = serde_json::Value::Null;
    assert_eq!(a["covers"]["findings"], 1);
    assert!(b.get("covers").is_none());
    if let Some(o) = a.as_object_mut() {
        o.remove("covers");
    }
    assert_eq!(a, b);
}

#[test]
fn every_fixture_bug_replays_from_its_reproduce_command() {
    for name in [
        "deadlock",
        "leak",
        "race",
        "panic",
        "assert",
        "context-leak",
        "spin",
    ] {
        let f = fixture(name);
        let check = json(&weft(&["check", "--format", "json", &f]));
        for bug in check["bugs"].as_array().expect("bugs") {
            let token = bug["schedule"].as_str().expect("token");
            let o = weft(&["replay", "--format", "json", &f, "--schedule", token]);
            assert_eq!(o.status.code(), Some(1), "{name} {token}: {}", stderr(&o));
            let replayed = json(&o);
            let kinds: Vec<&serde_json::Value> = replayed["bugs"]
                .as_array()
                .expect("bugs")
                .iter()
                .map(|b| &b["kind"])
                .collect();
            assert!(kinds.contains(&&bug["kind"]), "{name} {token}: {kinds:?}");
            assert_eq!(
                bug["reproduce"],
                format!("weft replay {f} --schedule {token}").as_str()
            );
        }
    }
}

#[test]
fn a_prefix_without_a_bug_exits_zero() {
    let o = weft(&["replay", &fixture("deadlock"), "--schedule", "v1:0.0"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("no bug after 2 steps"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn an_edited_scenario_gives_the_precise_divergence() {
    // The deadlock fixture without its second worker.
    let original = std::fs::read_to_string(fixture("deadlock")).expect("fixture");
    let edited = original
        .replace("Add(\"wg\", 2)", "Add(\"wg\", 1)")
        .replace("        Go(\"ba\"),\n", "");
    assert_ne!(original, edited);
    let d = scratch("edited");
    let f = d.join("deadlock.ron");
    std::fs::write(&f, edited).expect("write");
    let f = f.display().to_string();
    let o = weft(&["replay", &f, "--schedule", "v1:0.0.0.1.2"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "error: the schedule does not fit {f} at step 3\n  \
             the token asks for `0`: goroutine 0 takes its next step\n  \
             but goroutine 0 (main) is blocked\n  \
             main is at 11:9  Wait(\"wg\")\n  \
             enabled at step 3:\n    \
             `1`      ab#1           14:16  Lock(\"a\")  (lock)\n  \
             (was the scenario edited since the token was made?)\n"
        )
    );
    // The two steps that still fit were printed as they happened.
    assert_eq!(stdout(&o).lines().count(), 3, "{}", stdout(&o));
}

#[test]
fn bad_tokens_exit_two_and_say_why() {
    let f = fixture("deadlock");
    let o = weft(&["replay", &f, "--schedule", "v1:0.x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "step 2 of the schedule, `x`, is not a valid step: expected a goroutine number"
        ),
        "{}",
        stderr(&o)
    );
    let o = weft(&["replay", &f, "--schedule", "0.0.1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("a schedule token starts with `v1:`"));
    let o = weft(&["replay", &f, "--schedule", "v1:0.0.0.1.2.1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("but goroutine 1 (ab#1) is blocked"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn step_mode_without_a_terminal_runs_through() {
    let o = weft(&[
        "replay",
        "--step",
        &fixture("leak"),
        "--schedule",
        "v1:0.1+0",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        !stderr(&o).contains("[Enter"),
        "no prompt without a terminal"
    );
    assert!(stdout(&o).contains("produce#1"));
}

#[test]
fn colour_only_when_asked() {
    let f = fixture("panic");
    let plain = weft(&["check", &f]);
    assert!(!stdout(&plain).contains('\x1b'));
    let coloured = weft(&["check", "--color", "always", &f]);
    assert!(stdout(&coloured).contains("\x1b[31;1m"));
}

/// Renders a DOT file with Graphviz, or says the test was skipped.
fn render_with_dot(dot: &Path) -> Option<String> {
    let probe = Command::new("dot").arg("-V").output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!(
            "SKIPPED: Graphviz `dot` is not installed; the DOT file was checked for shape only \
             (install the `graphviz` package to render it)"
        );
        return None;
    }
    let o = Command::new("dot")
        .arg("-Tsvg")
        .arg(dot)
        .output()
        .expect("dot runs");
    assert!(
        o.status.success(),
        "dot rejects {}: {}",
        dot.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    Some(String::from_utf8_lossy(&o.stdout).into_owned())
}

#[test]
fn graphs_are_valid_dot() {
    let d = scratch("graph");
    let g = d.join("bugs.dot");
    let fixtures: Vec<String> = [
        "deadlock",
        "leak",
        "race",
        "panic",
        "assert",
        "context-leak",
    ]
    .iter()
    .map(|n| fixture(n))
    .collect();
    let mut args = vec!["check", "--graph", g.to_str().expect("utf8")];
    args.extend(fixtures.iter().map(String::as_str));
    let o = weft(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let dot = std::fs::read_to_string(&g).expect("graph written");
    assert!(dot.starts_with("digraph weft {"));
    assert!(dot.trim_end().ends_with('}'));
    assert_eq!(
        dot.matches("label=\"happens-before\"").count(),
        7,
        "one per bug"
    );
    assert!(dot.contains("label=\"wait-for (at the end)\""));
    // The deadlock's cycle is drawn in red, the race's two accesses joined.
    assert!(dot.contains("label=\"Mutex `b`\\nheld\", color=red, penwidth=2"));
    assert!(dot.contains("label=\"race\""));
    if let Some(svg) = render_with_dot(&g) {
        assert!(svg.contains("<svg"));
        assert!(svg.contains("happens"), "the cluster titles are drawn");
    }
    // `replay --graph` writes the same kind of file for one schedule.
    let r = d.join("one.dot");
    let o = weft(&[
        "replay",
        &fixture("deadlock"),
        "--schedule",
        "v1:0.0.0.1.2",
        "--graph",
        r.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let dot = std::fs::read_to_string(&r).expect("graph written");
    assert_eq!(dot.matches("subgraph cluster_b0_hb").count(), 1);
    if let Some(svg) = render_with_dot(&r) {
        assert!(svg.contains("ab#1"));
    }
}

#[test]
fn params_are_part_of_the_reproduce_command() {
    let d = scratch("params");
    let f = d.join("fanout.ron");
    std::fs::write(
        &f,
        r#"Scenario(
    name: "fanout",
    params: {"n": 2},
    expect: [Leak],
    main: [
        Chan("ch", 0),
        For("i", 0, "n", [Go(body: [Send("ch", "i")])]),
        Recv("ch"),
    ],
)
"#,
    )
    .expect("write");
    let f = f.display().to_string();
    let check = json(&weft(&["check", "--format", "json", "--param", "n=3", &f]));
    let bug = &check["bugs"][0];
    let token = bug["schedule"].as_str().expect("token");
    assert_eq!(
        bug["reproduce"],
        format!("weft replay {f} --schedule {token} --param n=3").as_str()
    );
    // Three goroutines were started: the token names them 1 to 3.
    assert_eq!(bug["lanes"].as_array().map(Vec::len), Some(4));
    let o = weft(&["replay", &f, "--schedule", token, "--param", "n=3"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("✗ leak:"));
}

/// A scenario whose state space never ends after any run: a loop starts
/// goroutines that block forever, next to a plain leak. Whether a goroutine
/// is blocked forever can only be decided on the states after the run, and
/// there are always more of them.
const ENDLESS_LEAKS: &str = r#"Scenario(
    name: "endless-leaks",
    globals: [Chan("never", 0), Var("hits", 0)],
    main: [
        Go(body: [Loop([Go(body: [Recv("never")])])]),
        Go(body: [Set("hits", 1)]),
        Set("hits", 2),
    ],
)
"#;

fn endless_leaks() -> (PathBuf, String) {
    let d = scratch("endless");
    let f = d.join("endless.ron");
    std::fs::write(&f, ENDLESS_LEAKS).expect("write");
    (d, f.display().to_string())
}

#[test]
fn replay_names_the_user_bound_that_cut_the_exploration_after_the_run() {
    let (_d, f) = endless_leaks();
    let undecided =
        "whether a goroutine is blocked forever (a leak, a pending cancel) is undecided";
    for (flags, named) in [
        (vec!["--max-states", "300"], "--max-states 300"),
        (vec!["--max-depth", "4"], "--max-depth 4"),
        (vec!["--time-limit", "0.2"], "--time-limit 0.2s"),
        (vec!["--max-memory", "1M"], "--max-memory 1M"),
    ] {
        // main starts the spawner: no bug yet (the race needs both writers).
        let mut args = vec!["replay", &f, "--schedule", "v1:0"];
        args.extend(&flags);
        let o = weft(&args);
        let out = stdout(&o);
        assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
        assert!(
            out.contains(&format!(
                "no bug found after 1 step; the exploration after the run stopped at {named}: \
                 {undecided}"
            )),
            "{flags:?}: {out}"
        );
        args.extend(["--format", "json"]);
        let j = json(&weft(&args));
        assert_eq!(j["complete"], false, "{j}");
        assert_eq!(j["bound"], named, "{j}");
        assert_eq!(j["bugs"].as_array().map(Vec::len), Some(0), "{j}");
    }
}

#[test]
fn a_replay_that_shows_a_bug_still_says_what_it_left_undecided() {
    let (_d, f) = endless_leaks();
    // Both writes of `hits` are enabled after main started its goroutines:
    // a race the run shows, whatever happens after it.
    let o = weft(&["replay", &f, "--schedule", "v1:0.0", "--max-states", "300"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(out.contains("✗ race"), "{out}");
    assert!(
        out.trim_end().ends_with(
            "the exploration after the run stopped at --max-states 300: whether a goroutine is \
             blocked forever (a leak, a pending cancel) is undecided"
        ),
        "{out}"
    );
    let j = json(&weft(&[
        "replay",
        "--format",
        "json",
        &f,
        "--schedule",
        "v1:0.0",
        "--max-depth",
        "3",
    ]));
    assert_eq!(j["bugs"][0]["kind"], "race", "{j}");
    assert_eq!(j["bound"], "--max-depth 3", "{j}");
}

#[test]
fn a_replay_whose_exploration_completes_claims_no_bound() {
    let f = fixture("deadlock");
    let j = json(&weft(&[
        "replay",
        "--format",
        "json",
        &f,
        "--schedule",
        "v1:0.0.0.1.2",
        "--max-states",
        "100",
    ]));
    assert_eq!(j["complete"], true, "{j}");
    assert!(j.get("bound").is_none(), "{j}");
    assert_eq!(j["bugs"][0]["kind"], "deadlock", "{j}");
}

#[test]
fn replay_rejects_a_time_limit_that_is_not_positive() {
    let f = fixture("deadlock");
    let o = weft(&["replay", &f, "--schedule", "v1:0", "--time-limit", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--time-limit must be a positive number of seconds"));
}
