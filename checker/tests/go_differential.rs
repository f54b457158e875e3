//! The Go import against real Go, on generated programs
//! (`support/gen_go.rs`): every bug Go's runtime observes running a
//! program, weft must find checking the same file. Go runs each program
//! many times, built plainly (its deadlock detector and fatal errors:
//! `all goroutines are asleep`, `concurrent map writes`, `unlock of
//! unlocked mutex`; panics) and with the race detector (`WARNING: DATA
//! RACE`; panics). Go sees one schedule per run and weft every schedule,
//! so only that direction is a wrong verdict; what weft finds that Go
//! never saw (leaks, which Go cannot see, and rarer schedules) is counted
//! and printed, not asserted. A race Go saw and weft did not is excused
//! only when weft's verdict says races were not decided (an operation
//! observed another goroutine without synchronising: `unsynced`); such
//! programs are counted and printed. So is a Go runtime crash
//! (`runtime error: ...`) weft does not name in a program where both Go's
//! race detector and weft found a race: a racing `append` can tear a
//! slice header, and the crash that follows is the race's undefined
//! behaviour, which weft does not model (it reports the race).
//!
//! Every generated program must import (the generator keeps to the
//! constructs the import follows) and its search must complete.
//! `WEFT_GO_SEEDS` (default 48), `WEFT_GO_START` (default 0) and
//! `WEFT_GO_RUNS` (Go runs per build, default 20) choose a campaign:
//! `WEFT_GO_SEEDS=2000 WEFT_GO_RUNS=50 cargo test --release -p weft-checker
//! --test suite go_differential:: -- --nocapture`. Needs the Go toolchain
//! (Debian's golang-go, which `.ci/run` installs); required in CI.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::gen_go::{self, GoProgram};
use crate::support::par::par_map;
use crate::support::toolchain::have_go;

fn env_or(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {v:?}")),
        Err(_) => default,
    }
}

/// What Go's runs of one program saw.
#[derive(Default, Debug)]
struct Observed {
    /// Runs of the race-detector build and of the plain build.
    race_runs: usize,
    plain_runs: usize,
    /// Runs that reported a data race.
    races: usize,
    /// `panic: ...` and `fatal error: ...` first lines, with their counts.
    failures: BTreeMap<String, usize>,
    /// Runs still going at the time limit.
    hangs: usize,
}

/// Runs `bin arg` to its end or `limit`, returning its standard error, or
/// `None` when it was still running and was killed.
fn run_once(bin: &Path, args: &[&str], limit: Duration) -> Option<String> {
    let mut child = Command::new(bin)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs the Go binary");
    let start = Instant::now();
    loop {
        match child.try_wait().expect("waits for the Go binary") {
            Some(_) => break,
            None if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            None => std::thread::sleep(Duration::from_millis(1)),
        }
    }
    let out = child.wait_with_output().expect("reads its standard error");
    Some(String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Records one run's standard error.
fn observe(seen: &mut Observed, stderr: &str) {
    if stderr.contains("WARNING: DATA RACE") {
        seen.races += 1;
    }
    for line in stderr.lines() {
        if line.starts_with("panic: ") || line.starts_with("fatal error: ") {
            // The race detector's `====` rule may be printed on the same
            // line when two goroutines write at once.
            let line = line
                .trim_end_matches('=')
                .trim_end_matches(" [recovered]")
                .to_string();
            *seen.failures.entry(line).or_default() += 1;
        }
    }
}

/// Go's runs of program `index` of the combined binaries.
fn go_observes(plain: &Path, race: &Path, index: usize, runs: usize) -> Observed {
    let mut seen = Observed::default();
    let arg = index.to_string();
    for _ in 0..runs {
        seen.plain_runs += 1;
        match run_once(plain, &[&arg], Duration::from_secs(20)) {
            Some(err) => observe(&mut seen, &err),
            None => seen.hangs += 1,
        }
    }
    // The race runtime keeps the deadlock detector from firing: a run
    // that blocks is stopped by the program's watchdog (exit 3), and the
    // runs after it are left out (the plain runs saw the deadlock).
    for _ in 0..runs {
        seen.race_runs += 1;
        match run_once(race, &[&arg, "watchdog"], Duration::from_secs(20)) {
            Some(err) if err.contains("weft-differential: blocked") => {
                observe(&mut seen, &err);
                seen.hangs += 1;
                break;
            }
            Some(err) => observe(&mut seen, &err),
            None => {
                seen.hangs += 1;
                break;
            }
        }
    }
    seen
}

/// weft's report on one program: complete, and its bugs' kinds and messages.
struct Found {
    complete: bool,
    bugs: Vec<(String, String)>,
    /// The report's `unsynced`: the operations that observed without
    /// synchronising, which leave races undecided.
    races_undecided: bool,
}

fn weft_finds(file: &Path) -> Result<Found, String> {
    let o = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args([
            "check",
            "--format",
            "json",
            "--jobs",
            "1",
            "--max-states",
            "400000",
        ])
        .arg(file)
        .env("NO_COLOR", "1")
        .output()
        .expect("weft runs");
    let out = String::from_utf8_lossy(&o.stdout);
    let report: Value = out
        .lines()
        .next()
        .and_then(|l| serde_json::from_str(l).ok())
        .ok_or_else(|| {
            format!(
                "no JSON report: {out}{}",
                String::from_utf8_lossy(&o.stderr)
            )
        })?;
    if report.get("error").is_some() {
        return Err(format!("not imported: {report}"));
    }
    let bugs = report["bugs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| {
            (
                b["kind"].as_str().unwrap_or("").to_string(),
                b["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    Ok(Found {
        complete: report["complete"] == true,
        bugs,
        races_undecided: report.get("unsynced").is_some(),
    })
}

/// What weft must report for a failure line Go printed, or why it does not.
fn missing(found: &Found, go_line: &str) -> Option<String> {
    let has_kind = |k: &str| found.bugs.iter().any(|(kind, _)| kind == k);
    if go_line.contains("all goroutines are asleep") {
        return (!has_kind("deadlock")).then(|| format!("Go's `{go_line}`, weft no deadlock"));
    }
    // weft's message names the failure as Go prints it (a panic's value,
    // or the runtime's fatal error, inside a race's message for
    // `concurrent map writes`).
    let text = go_line
        .strip_prefix("panic: ")
        .or_else(|| go_line.strip_prefix("fatal error: "))
        .unwrap_or(go_line);
    let text = text.split(" [").next().unwrap_or(text);
    let named = found.bugs.iter().any(|(_, m)| m.contains(text));
    (!named).then(|| format!("Go's `{go_line}`, weft no bug saying `{text}`"))
}

#[test]
fn what_go_observes_running_a_program_weft_finds_checking_it() {
    if !have_go() {
        return;
    }
    let start = env_or("WEFT_GO_START", 0);
    let count = env_or("WEFT_GO_SEEDS", 48);
    let runs = env_or("WEFT_GO_RUNS", 20) as usize;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("weft-go-differential");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("makes the work directory");
    let programs: Vec<GoProgram> = (start..start + count).map(gen_go::generate).collect();
    std::fs::write(dir.join("all.go"), gen_go::combined_file(&programs)).expect("writes all.go");
    let build = |flags: &[&str], out: &str| {
        let o = Command::new("go")
            .arg("build")
            .args(flags)
            .args(["-o", out, "all.go"])
            .env("GOTOOLCHAIN", "local")
            .current_dir(&dir)
            .output()
            .expect("go build runs");
        assert!(
            o.status.success(),
            "the generated programs do not build ({}): {}",
            dir.join("all.go").display(),
            String::from_utf8_lossy(&o.stderr)
        );
        dir.join(out)
    };
    let plain = build(&[], "plain");
    let race = build(&["-race"], "race");
    let files: Vec<PathBuf> = programs
        .iter()
        .map(|p| {
            let f = dir.join(format!("g{}.go", p.seed));
            std::fs::write(&f, p.main_file()).expect("writes a program");
            f
        })
        .collect();
    let indices: Vec<u64> = (0..programs.len() as u64).collect();
    let results = par_map(&indices, |i| {
        let i = i as usize;
        (go_observes(&plain, &race, i, runs), weft_finds(&files[i]))
    });
    let mut failures = Vec::new();
    let mut go_saw: BTreeMap<&str, usize> = BTreeMap::new();
    let mut only_weft: BTreeMap<String, usize> = BTreeMap::new();
    // Races Go saw and weft did not, where weft's verdict says races were
    // not decided; runtime crashes of programs both found racy (the only
    // excuses there are).
    let mut undecided_races = Vec::new();
    let mut racy_crashes = Vec::new();
    for ((seen, found), file) in results.iter().zip(&files) {
        let name = file.display();
        let found = match found {
            Ok(f) => f,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        if !found.complete {
            failures.push(format!("{name}: weft's search did not complete"));
        }
        let mut go_kinds = BTreeSet::new();
        if seen.races > 0 {
            go_kinds.insert("race");
            let weft_race = found.bugs.iter().any(|(k, _)| k == "race");
            if !weft_race && found.races_undecided {
                undecided_races.push(
                    file.file_name()
                        .map_or(String::new(), |n| n.to_string_lossy().into_owned()),
                );
            } else if !weft_race {
                failures.push(format!(
                    "{name}: Go's race detector reported a race in {} of {} runs, weft no race",
                    seen.races, seen.race_runs
                ));
            }
        }
        for line in seen.failures.keys() {
            go_kinds.insert(if line.contains("asleep") {
                "deadlock"
            } else if line.starts_with("panic") {
                "panic"
            } else {
                "fatal error"
            });
            if let Some(why) = missing(found, line) {
                // A runtime crash of a racy program (a slice header read
                // torn by a racing append, then a nil dereference) is
                // Go's undefined behaviour of the race, which weft reports:
                // excused, and counted, when Go's race detector saw the
                // race too.
                let weft_race = found.bugs.iter().any(|(k, _)| k == "race");
                if line.contains("runtime error: ") && weft_race && seen.races > 0 {
                    racy_crashes.push(format!("{name}: {line}"));
                    continue;
                }
                failures.push(format!("{name}: {why} ({:?})", seen.failures));
            }
        }
        for k in &go_kinds {
            *go_saw.entry(k).or_default() += 1;
        }
        if go_kinds.is_empty() {
            *go_saw.entry("nothing").or_default() += 1;
        }
        for (k, _) in &found.bugs {
            let saw = match k.as_str() {
                "race" => seen.races > 0,
                "deadlock" => go_kinds.contains("deadlock"),
                "panic" => go_kinds.contains("panic") || go_kinds.contains("fatal error"),
                _ => false,
            };
            if !saw {
                *only_weft.entry(k.clone()).or_default() += 1;
            }
        }
    }
    eprintln!(
        "{} programs, {runs} runs per build: Go saw {go_saw:?}; weft found, Go never saw: {only_weft:?}; \
         races Go saw in programs whose verdict says races were not decided: {} {undecided_races:?}; \
         runtime crashes of programs both found racy (excused): {} {racy_crashes:?}",
        programs.len(),
        undecided_races.len(),
        racy_crashes.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The default seeds give every kind Go can see; a generator that made
    // none of them would make this test pass without checking anything.
    if start == 0 && count >= 48 {
        for k in ["race", "panic", "deadlock", "nothing"] {
            assert!(
                go_saw.get(k).copied().unwrap_or(0) > 0,
                "Go never saw {k}: {go_saw:?}"
            );
        }
    }
}
