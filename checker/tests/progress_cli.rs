//! `weft check`'s progress on stderr: plain lines with `--progress` when
//! stderr is not a terminal, nothing without it, and never a change to
//! stdout (text or JSON). The interval is lowered through the variable
//! the binary documents for tests, so no test depends on timing.

use std::process::{Command, Output};

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

/// The scenario in a directory of its own per test (tests run in parallel).
fn scenario(test: &str) -> String {
    let d = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("weft-progress-{test}"));
    std::fs::create_dir_all(&d).expect("mkdir");
    let p = d.join("count.ron");
    std::fs::write(&p, COUNT).expect("write");
    p.to_str().expect("utf8").to_string()
}

/// Runs `weft check --max-states 2000` on the scenario with `args`, with
/// progress due at every sample of the explorer's clock.
fn check(test: &str, args: &[&str]) -> Output {
    let file = scenario(test);
    let mut a = vec!["check", "--max-states", "2000"];
    a.extend_from_slice(args);
    a.push(&file);
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(&a)
        .env("NO_COLOR", "1")
        .env("WEFT_PROGRESS_INTERVAL_MS", "0")
        .output()
        .expect("weft runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Stdout with wall times masked: text `, 0.003s]`, JSON `"seconds":0.003`.
fn masked(out: &[u8]) -> String {
    text(out)
        .lines()
        .map(|l| {
            if let Some(json) = l.strip_prefix('{') {
                let mut v: serde_json::Value =
                    serde_json::from_str(&format!("{{{json}")).expect("JSON line");
                v["stats"]["seconds"] = 0.into();
                v["stats"]["peak_resident_bytes"] = 0.into();
                v.to_string()
            } else if let (Some(a), Some(b)) = (l.find("transitions, "), l.rfind("s]")) {
                format!("{}transitions, Xs]{}", &l[..a], &l[b + 2..])
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn progress_lines_go_to_stderr_and_leave_stdout_alone() {
    for format in ["text", "json"] {
        let quiet = check("stdout", &["--format", format]);
        let loud = check("stdout", &["--format", format, "--progress"]);
        assert_eq!(loud.status.code(), quiet.status.code());
        assert_eq!(masked(&loud.stdout), masked(&quiet.stdout), "{format}");
        let err = text(&loud.stderr);
        let lines: Vec<&str> = err.lines().collect();
        assert!(lines.len() >= 2, "{err}");
        for l in &lines {
            assert!(l.starts_with("progress: "), "{err}");
            assert!(l.contains("count.ron: "), "{l}");
            for part in [" states (", "/s), depth ", ", frontier "] {
                assert!(l.contains(part), "{l}");
            }
        }
        assert!(lines[0].contains(": 256 states ("), "{err}");
    }
}

#[test]
fn without_a_terminal_or_the_flag_stderr_stays_silent() {
    let o = check("silent", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stderr), "");
    let o = check("silent", &["--progress", "--no-progress"]);
    assert_eq!(o.status.code(), Some(2), "the two flags conflict");
}
