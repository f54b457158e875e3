//! The text report's layout as a user sees it: the width it fits (the
//! terminal's, `COLUMNS`, or 100), cells that wrap rather than lose what
//! they say, the summary after a directory, `--param` errors that name the
//! file, `NO_COLOR` per no-color.org, and `--help`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Four goroutines, each blocked on a channel with a long name: the end
/// row's cells are wider than a fair share of 100 columns.
const WIDE: &str = r#"Scenario(
    name: "wide",
    expect: [Deadlock],
    globals: [
        Chan("requests_to_the_frontend", 0),
        Chan("responses_from_the_backend", 0),
        Chan("acknowledgements_of_writes", 0),
        Chan("shutdown_notifications", 0),
    ],
    main: [
        Go(body: [Send("requests_to_the_frontend", 1)]),
        Go(body: [Send("responses_from_the_backend", 2)]),
        Go(body: [Send("acknowledgements_of_writes", 3)]),
        Recv("shutdown_notifications"),
    ],
)
"#;

const LEAK: &str = r#"Scenario(
    name: "leak",
    expect: [Leak],
    globals: [Chan("ch", 0)],
    main: [Go(body: [Send("ch", 1)])],
)
"#;

const RACY: &str = r#"Scenario(
    name: "racy",
    globals: [Var("x", 0)],
    main: [Go(body: [Set("x", 1)]), Set("x", 2)],
)
"#;

const WRITERS: &str = r#"Scenario(
    name: "writers",
    params: {"n": 2},
    main: [For("i", 0, "n", [Go(body: [Var("x", 0), Set("x", 1)])])],
)
"#;

fn weft() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_weft"));
    c.env_remove("COLUMNS").env("NO_COLOR", "1");
    c
}

fn run(c: &mut Command) -> Output {
    c.output().expect("weft runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Writes scenario files into a fresh temporary directory.
fn dir(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let d = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("weft-layout-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    for (f, text) in files {
        let p = d.join(f);
        std::fs::create_dir_all(p.parent().expect("has parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    d
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf8 path")
}

/// Every line but the reproduce command (kept whole to be copied) fits.
fn assert_fits(out: &str, width: usize) {
    for line in out.lines().filter(|l| !l.contains("weft replay")) {
        assert!(
            line.chars().count() <= width,
            "line wider than {width} columns: {line:?}\n{out}"
        );
    }
}

/// The text of each column of the table's row that starts with `gutter`
/// (`end`, or a step number), its wrapped lines joined, whitespace dropped.
fn row_cells(out: &str, gutter: &str) -> Vec<String> {
    let lines: Vec<&str> = out.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.split('│').next().is_some_and(|g| g.trim() == gutter))
        .unwrap_or_else(|| panic!("no `{gutter}` row in\n{out}"));
    let mut cols: Vec<String> = Vec::new();
    for (i, l) in lines[start..].iter().enumerate() {
        let mut parts = l.split('│');
        let g = parts.next().unwrap_or("");
        // A row's continuation lines have an empty gutter.
        if i > 0 && (!g.trim().is_empty() || !l.contains('│')) {
            break;
        }
        for (c, p) in parts.enumerate() {
            if cols.len() <= c {
                cols.resize(c + 1, String::new());
            }
            cols[c].extend(p.chars().filter(|ch| !ch.is_whitespace()));
        }
    }
    cols
}

#[test]
fn without_a_terminal_the_report_fits_100_columns_or_columns() {
    let d = dir("width", &[("wide.ron", WIDE)]);
    let f = d.join("wide.ron");
    let o = run(weft().args(["check", path(&f)]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_fits(&stdout(&o), 100);
    let o = run(weft().env("COLUMNS", "72").args(["check", path(&f)]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert_fits(&out, 72);
    // Wider when asked: the schedule line is on one line at 160.
    let o = run(weft().env("COLUMNS", "160").args(["check", path(&f)]));
    let wide = stdout(&o);
    assert!(
        wide.lines()
            .any(|l| l.contains("schedule v1:0.0.0") && l.contains("of all schedules")),
        "{wide}"
    );
}

#[test]
fn narrow_cells_wrap_and_never_lose_a_channel_name() {
    let d = dir("wrap", &[("wide.ron", WIDE)]);
    let f = d.join("wide.ron");
    // Four columns fit from 86 columns on; below, the schedule is a list.
    for cols in ["100", "88"] {
        let o = run(weft().env("COLUMNS", cols).args(["check", path(&f)]));
        let out = stdout(&o);
        // Statement blocks collapse to `[…]` (their statements are steps
        // of their own); nothing else is cut.
        assert!(
            !out.replace("[…]", "").contains('…'),
            "nothing is cut at {cols} columns:\n{out}"
        );
        let end = row_cells(&out, "end");
        assert_eq!(end.len(), 4, "four goroutines at {cols} columns:\n{out}");
        for (cell, op) in end.iter().zip([
            r#"Recv("shutdown_notifications")"#,
            r#"Send("requests_to_the_frontend",1)"#,
            r#"Send("responses_from_the_backend",2)"#,
            r#"Send("acknowledgements_of_writes",3)"#,
        ]) {
            assert!(
                cell.starts_with("✗blocked") && cell.ends_with(op),
                "end cell {cell:?} lacks {op} at {cols} columns:\n{out}"
            );
        }
    }
}

#[test]
fn a_directory_run_ends_with_a_summary_line() {
    let d = dir("summary", &[("a/leak.ron", LEAK), ("b/racy.ron", RACY)]);
    let o = run(weft().args(["check", path(&d)]));
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let last = out.lines().last().expect("output");
    let racy = d.join("b/racy.ron");
    assert_eq!(
        last,
        format!(
            "2 scenarios: 1 as expected, 1 not: {} (expected clean; found race)",
            racy.display()
        ),
        "{out}"
    );
    let d = dir("summary-ok", &[("a/leak.ron", LEAK), ("b/w.ron", WRITERS)]);
    let o = run(weft().args(["check", path(&d)]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).lines().last(),
        Some("2 scenarios: 2 as expected")
    );
    // A scenario that does not compile counts, and is named.
    let d = dir(
        "summary-bad",
        &[
            ("a/leak.ron", LEAK),
            ("b/bad.ron", "Scenario(name: \"x\", main: [Sned(\"c\", 1)])"),
        ],
    );
    let o = run(weft().args(["check", path(&d)]));
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stdout(&o).lines().last().map(str::to_string),
        Some(format!(
            "2 scenarios: 1 as expected, 1 not: {} (invalid scenario)",
            d.join("b/bad.ron").display()
        ))
    );
}

#[test]
fn param_errors_on_a_directory_name_each_file() {
    let d = dir("param", &[("a/w.ron", WRITERS), ("b/leak.ron", LEAK)]);
    let o = run(weft().args(["check", "--param", "n=3", path(&d)]));
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let leak = d.join("b/leak.ron");
    assert!(
        err.contains("error: unknown parameter `n` in `--param n=3`"),
        "{err}"
    );
    assert!(
        err.contains(&format!("┌─ {}:2:12", leak.display())),
        "{err}"
    );
    assert!(err.contains("the scenario has no parameters"), "{err}");
    let o = run(weft().args(["check", "--param", "n=four", path(&d)]));
    let err = stderr(&o);
    let w = d.join("a/w.ron");
    assert!(
        err.contains("error: invalid value `four` for parameter `n` in `--param n=four`"),
        "{err}"
    );
    assert!(err.contains(&format!("┌─ {}:", w.display())), "{err}");
}

/// Runs `weft` on a pseudo-terminal of `cols` columns (util-linux
/// `script`), with `NO_COLOR` set to `no_color` or unset.
fn on_terminal(cols: u32, no_color: Option<&str>, args: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_weft");
    let mut c = Command::new("script");
    c.env_remove("COLUMNS").env_remove("NO_COLOR");
    if let Some(v) = no_color {
        c.env("NO_COLOR", v);
    }
    let o = c
        .args([
            "-qec",
            &format!("stty cols {cols} rows 50; exec {bin} {args}"),
            "/dev/null",
        ])
        .output()
        .expect("script (util-linux) runs");
    String::from_utf8_lossy(&o.stdout).replace("\r\n", "\n")
}

#[test]
fn on_a_terminal_the_report_fits_its_width() {
    let d = dir("tty", &[("wide.ron", WIDE)]);
    let args = format!("check --no-progress {}", path(&d.join("wide.ron")));
    let out = on_terminal(90, Some("1"), &args);
    assert!(out.contains("deadlock"), "{out}");
    assert_fits(&out, 90);
    let end = row_cells(&out, "end");
    assert!(
        end.iter().any(|c| c.contains("acknowledgements_of_writes")),
        "{out}"
    );
    // Too narrow for four columns: one line per step, wrapped, whole.
    let out = on_terminal(56, Some("1"), &args);
    assert_fits(&out, 56);
    assert!(out.contains("      step goroutine"), "{out}");
    assert!(
        out.contains(r#"Send("acknowledgements_of_writes", 3)"#),
        "{out}"
    );
}

#[test]
fn no_color_disables_colour_only_when_non_empty() {
    let d = dir("nocolor", &[("leak.ron", LEAK)]);
    let args = format!("check --no-progress {}", path(&d.join("leak.ron")));
    assert!(
        on_terminal(100, None, &args).contains('\x1b'),
        "colour on a terminal"
    );
    assert!(
        !on_terminal(100, Some("1"), &args).contains('\x1b'),
        "NO_COLOR=1 disables colour"
    );
    assert!(
        on_terminal(100, Some(""), &args).contains('\x1b'),
        "an empty NO_COLOR is as if unset (no-color.org)"
    );
}

#[test]
fn help_lists_exit_codes_and_two_examples() {
    for args in [&["--help"][..], &["check", "--help"][..]] {
        let o = run(weft().args(args));
        assert_eq!(o.status.code(), Some(0));
        let out = stdout(&o);
        assert!(out.contains("Exit codes:"), "{args:?}: {out}");
        assert!(
            out.contains("  2  invalid input or usage"),
            "{args:?}: {out}"
        );
        let examples = out
            .split("Examples:")
            .nth(1)
            .unwrap_or_else(|| panic!("{args:?}: no examples in {out}"));
        let commands: Vec<&str> = examples
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("weft "))
            .collect();
        assert!(commands.len() >= 2, "{args:?}: {examples}");
    }
}
