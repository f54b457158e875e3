//! A state space that grows without bound is diagnosed, not just cut: when
//! a limit stops the search, the report says what kept growing along the
//! deepest path, with the line that makes it grow.

use std::path::PathBuf;
use std::process::{Command, Output};

fn weft(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("weft runs")
}

fn scenario(name: &str, text: &str) -> PathBuf {
    let d = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("weft-unbounded");
    std::fs::create_dir_all(&d).expect("mkdir");
    let p = d.join(format!("{name}.ron"));
    std::fs::write(&p, text).expect("write");
    p
}

/// The text report and the JSON report's `growth` list of `text` checked
/// with `args`.
fn check(name: &str, text: &str, args: &[&str]) -> (String, Vec<serde_json::Value>) {
    let p = scenario(name, text);
    let path = p.to_str().expect("utf8");
    let run = |format: &str| {
        let mut a = vec!["check", "--format", format];
        a.extend_from_slice(args);
        a.push(path);
        let o = weft(&a);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let text = run("text");
    let json: serde_json::Value = serde_json::from_str(run("json").trim()).expect("one JSON line");
    let growth = json["growth"].as_array().cloned().unwrap_or_default();
    (text, growth)
}

const SPAWN: &str = r#"Scenario(
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
fn goroutines_started_in_a_loop_are_named_with_their_go_statement() {
    let (text, growth) = check("spawn", SPAWN, &["--max-states", "2000"]);
    // Every handler waits on a channel nothing sends on: the leak is
    // certain as soon as the first one waits (`tests/certain_leaks.rs`).
    assert!(
        text.contains(
            "goroutine leak (blocking, message passing) at 11:7 in handler#1  Recv(\"never\")"
        ),
        "{text}"
    );
    assert!(
        text.contains("1 bug found (leak); search incomplete (bounded by --max-states 2000)"),
        "{text}"
    );
    assert!(
        text.contains("the state space looks unbounded; bound what keeps growing:"),
        "{text}"
    );
    assert!(
        text.contains(
            "goroutines running `handler` keep being started by `Go(\"handler\", [])` at 6:7 (0 → 1,999"
        ),
        "{text}"
    );
    assert_eq!(growth.len(), 1, "{growth:?}");
    let g = &growth[0];
    assert_eq!(g["what"], "goroutines");
    assert_eq!(g["subject"], "goroutines running `handler`");
    assert_eq!(
        (g["at"]["line"].as_u64(), g["at"]["col"].as_u64()),
        (Some(6), Some(7))
    );
    assert_eq!(
        (g["from"].as_i64(), g["to"].as_i64()),
        (Some(0), Some(1999))
    );
}

const FILL: &str = r#"Scenario(
  name: "fill-forever",
  main: [
    Chan("ch", 1000000),
    While("true", [
      Send("ch", 1),
    ]),
  ],
)
"#;

#[test]
fn a_channel_filled_in_a_loop_is_named_with_where_it_is_made() {
    let (text, growth) = check("fill", FILL, &["--max-states", "2000"]);
    assert!(
        text.contains("the buffer of channel `ch` (made at 4:5) keeps filling (0 → 1,999 values"),
        "{text}"
    );
    assert_eq!(growth.len(), 1, "{growth:?}");
    assert_eq!(growth[0]["what"], "channel-buffer");
    assert_eq!(growth[0]["at"]["text"], "Chan(\"ch\", 1000000)");
}

const COUNT: &str = r#"Scenario(
  name: "count-forever",
  globals: [Var("count", 0)],
  main: [
    While("true", [
      Set("count", "count + 1"),
    ]),
  ],
)
"#;

#[test]
fn a_counter_incremented_forever_is_named() {
    for bound in [["--max-states", "2000"], ["--max-depth", "500"]] {
        let (text, growth) = check("count", COUNT, &bound);
        assert!(
            text.contains("variable `count` (made at 3:13) keeps growing (0 → "),
            "{text}"
        );
        assert_eq!(growth.len(), 1, "{growth:?}");
        assert_eq!(growth[0]["what"], "variable");
        assert_eq!(growth[0]["subject"], "variable `count`");
    }
}

#[test]
fn a_bounded_counter_does_not_look_unbounded() {
    let small = COUNT.replace("\"true\"", "\"count < 5\"");
    let (text, growth) = check("small", &small, &["--max-states", "4"]);
    assert!(!text.contains("looks unbounded"), "{text}");
    assert!(growth.is_empty(), "{growth:?}");
}
