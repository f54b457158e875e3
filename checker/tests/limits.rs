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
    let d = std::env::temp_dir().join(format!("weft-limits-{name}-{}", std::process::id()));
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
