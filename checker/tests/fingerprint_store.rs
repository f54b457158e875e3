//! The fingerprint store is refereed by the full one: the same verdict,
//! bugs, counterexample paths (rebuilt by re-execution for nodes the
//! fingerprint store dropped), counters and cut, on every scenario of the
//! corpus and on generated ones (complete, bounded by depth and by states,
//! and infinite-state). A fingerprint collision would show as a
//! difference; at these sizes its chance is below 1e-10.

use crate::support::alike;

use std::path::Path;

use weft_checker::explore::{explore_with, Bounds, Outcome};
use weft_checker::graph::StoreKind;
use weft_checker::reduce::Reduction;
use weft_models::ir::Program;

use alike::essence;

fn with_store(
    store: StoreKind,
    prog: &Program,
    bounds: &Bounds,
    reduction: Reduction,
) -> Result<Outcome, String> {
    let bounds = Bounds {
        store,
        ..bounds.clone()
    };
    match explore_with(prog, &bounds, reduction) {
        Ok(o) => {
            if store == StoreKind::Fingerprint {
                let p = o
                    .stats
                    .collision_probability
                    .expect("a fingerprint search says its risk");
                assert!(p < 1e-10, "collision probability {p}");
            } else {
                assert_eq!(o.stats.collision_probability, None);
            }
            Ok(o)
        }
        Err(e) => Err(format!("error {e} at {:?}", e.path)),
    }
}

fn assert_same(name: &str, prog: &Program, bounds: &Bounds, reduction: Reduction) {
    let mut full = with_store(StoreKind::Full, prog, bounds, reduction);
    let fingerprint = with_store(StoreKind::Fingerprint, prog, bounds, reduction);
    if let (Ok(full), Ok(fp)) = (&mut full, &fingerprint) {
        // Without edges (every run finite) the fingerprint store keeps
        // only the nodes' fingerprints: it counts neither distinct states
        // nor complete runs. It goes without them only on a graph with no
        // cycle, which the full search saw too.
        if fp.stats.distinct_states.is_none() {
            assert_eq!(
                fp.stats.complete_runs, None,
                "{name}: runs counted without edges"
            );
            assert!(
                !full.complete || full.stats.complete_runs.is_some(),
                "{name}: the fingerprint store kept no edges on a cyclic graph"
            );
            full.stats.distinct_states = None;
            full.stats.complete_runs = None;
            full.stats.states_on_complete_runs = None;
        }
    }
    let show = |r: &Result<Outcome, String>| match r {
        Ok(o) => essence(o),
        Err(e) => e.clone(),
    };
    assert_eq!(
        show(&full),
        show(&fingerprint),
        "{name} ({reduction:?}, {bounds:?}): the full and the fingerprint store differ"
    );
}

#[test]
fn the_corpus_is_checked_alike_with_fingerprints() {
    alike::on_the_corpus(&assert_same);
}

#[test]
fn generated_scenarios_are_checked_alike_with_fingerprints() {
    alike::on_generated_scenarios(&assert_same);
}

#[test]
fn the_verdict_of_a_fingerprint_search_says_what_a_collision_may_hide() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios/classic/dining-philosophers-fixed.ron");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_weft"))
            .arg("check")
            .args(args)
            .arg(&file)
            .env("NO_COLOR", "1")
            .output()
            .expect("weft runs");
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let text = run(&["--store", "fingerprint"]);
    assert!(text.contains("verified: no bug in any schedule"), "{text}");
    assert!(
        text.contains("fingerprint store: the chance that a hash collision hid a state is at most"),
        "{text}"
    );
    let json = run(&["--store", "fingerprint", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(json.trim()).expect("one JSON line");
    let p = v["stats"]["collision_probability"]
        .as_f64()
        .expect("the probability");
    assert!(p > 0.0 && p < 1e-10, "{p}");
    // The review page says it too, from the same view.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("weft-fp-html");
    run(&[
        "--store",
        "fingerprint",
        "--html",
        dir.to_str().expect("utf-8 path"),
    ]);
    let page = std::fs::read_dir(&dir)
        .expect("pages written")
        .map(|e| e.expect("an entry").path())
        .find(|p| p.file_name().is_some_and(|n| n != "index.html"))
        .expect("the scenario's page");
    let html = std::fs::read_to_string(&page).expect("the page");
    assert!(
        html.contains("the chance that a hash collision hid a state"),
        "{page:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    // SARIF (the run's verdicts) and JUnit (the passing case's output) too.
    let sarif = run(&["--store", "fingerprint", "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    let verdict = &v["runs"][0]["properties"]["verdicts"][0];
    assert_eq!(verdict["complete"], true, "{sarif}");
    assert!(
        verdict["verdict"]
            .as_str()
            .is_some_and(|t| t.contains("hash collision")),
        "{sarif}"
    );
    assert!(
        verdict["collisionProbability"]
            .as_f64()
            .is_some_and(|q| q == p),
        "{sarif}"
    );
    let junit = run(&["--store", "fingerprint", "--format", "junit"]);
    assert!(
        junit.contains("<system-out>verified: no bug in any schedule")
            && junit.contains("hash collision"),
        "{junit}"
    );
    // The exact store says nothing of the kind.
    let full = run(&["--store", "full"]);
    assert!(!full.contains("hash collision"), "{full}");
    let json = run(&["--store", "full", "--format", "json"]);
    assert!(!json.contains("collision_probability"), "{json}");
    let sarif = run(&["--store", "full", "--format", "sarif"]);
    assert!(!sarif.contains("collision"), "{sarif}");
    assert!(run(&["--store", "full", "--format", "junit"])
        .contains("<testcase name=\"dining-philosophers-fixed\""));
    // The default store chooses fingerprints for a program whose runs all
    // end, and says so just the same.
    let auto = run(&[]);
    assert!(auto.contains("hash collision"), "{auto}");
}

/// A frontier over its memory budget spills to files and reads them back
/// in order: the same search, bugs and counterexamples as with the whole
/// frontier in memory, on the corpus (a budget of 1 KB makes every
/// scenario with more than a few waiting states spill).
#[test]
fn a_spilled_frontier_gives_the_same_search() {
    let mut spilled = 0;
    for (name, prog) in alike::corpus() {
        let run = |frontier_memory: Option<u64>| {
            let bounds = Bounds {
                store: StoreKind::Fingerprint,
                frontier_memory,
                ..Default::default()
            };
            explore_with(&prog, &bounds, Reduction::Por).map_err(|e| format!("{e}"))
        };
        let (small, large) = (run(Some(1024)), run(None));
        let essence_of = |r: &Result<weft_checker::explore::Outcome, String>| match r {
            Ok(o) => essence(o),
            Err(e) => e.clone(),
        };
        assert_eq!(essence_of(&small), essence_of(&large), "{name}");
        if let Ok(o) = &small {
            let f = o
                .stats
                .frontier
                .clone()
                .expect("a fingerprint search's frontier");
            assert_eq!(f.failure, None, "{name}");
            if f.segments > 0 {
                spilled += 1;
                assert!(
                    f.spilled_bytes > 0 && f.peak_memory_bytes < 3 * 1024,
                    "{name}: {f:?}"
                );
            }
        }
        if let Ok(o) = &large {
            assert_eq!(
                o.stats.frontier.as_ref().map(|f| f.segments),
                Some(0),
                "{name}"
            );
        }
    }
    assert!(spilled > 10, "only {spilled} scenarios spilled");
}

/// `--frontier-memory` on the command line: `--stats` says what was
/// written; with another store it is refused.
#[test]
fn frontier_memory_is_a_fingerprint_option() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/gops/findall.ron");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_weft"))
            .arg("check")
            .args(args)
            .arg(&file)
            .env("NO_COLOR", "1")
            .output()
            .expect("weft runs")
    };
    let out = run(&[
        "--store",
        "fingerprint",
        "--frontier-memory",
        "1K",
        "--stats",
    ]);
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("deadlock"), "{text}");
    assert!(
        text.contains("frontier: at most")
            && text.contains("written to TMPDIR in")
            && text.contains("on disk at once)"),
        "{text}"
    );
    let out = run(&["--store", "full", "--frontier-memory", "1K"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).expect("utf-8");
    assert!(
        err.contains("--frontier-memory applies to --store fingerprint (and auto) only"),
        "{err}"
    );
    // The default store, `auto`, takes it: the fingerprint store it
    // chooses for a program whose runs all end spills as asked.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(["check", "--frontier-memory", "1K", "--stats"])
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../scenarios/classic/dining-philosophers-fixed.ron"),
        )
        .env("NO_COLOR", "1")
        .output()
        .expect("weft runs");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.contains("written to"), "{text}");
}

/// A program whose runs all end has no cycle: its fingerprint search keeps
/// no edges and no node ids, only fingerprints, and says what it does not
/// count; its memory beyond the frontier is printed apart. A program that
/// may loop keeps its edges (its bottom components need them) and counts
/// as the full store does.
#[test]
fn a_finite_program_is_searched_without_edges() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/classic");
    let run = |name: &str, format: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_weft"))
            .args([
                "check",
                "--store",
                "fingerprint",
                "--stats",
                "--format",
                format,
            ])
            .arg(dir.join(name))
            .env("NO_COLOR", "1")
            .output()
            .expect("weft runs");
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let text = run("dining-philosophers-fixed.ron", "text");
    assert!(
        text.contains("complete runs: not counted (the fingerprint store keeps no edges; --store full counts them)"),
        "{text}"
    );
    assert!(!text.contains("distinct"), "{text}");
    assert!(
        text.contains("beyond it, the search's peak resident memory is"),
        "{text}"
    );
    let json = run("dining-philosophers-fixed.ron", "json");
    let v: serde_json::Value = serde_json::from_str(json.trim()).expect("one JSON line");
    assert!(v["stats"]["distinct_states"].is_null(), "{json}");
    assert!(v["stats"]["complete_runs"].is_null(), "{json}");
    assert!(
        v["stats"]["frontier"]["resident_beyond_bytes"].is_u64(),
        "{json}"
    );
    // A loop: edges kept, states and runs counted.
    let json = run("bounded-buffer-fixed.ron", "json");
    let v: serde_json::Value = serde_json::from_str(json.trim()).expect("one JSON line");
    assert!(v["stats"]["distinct_states"].is_u64(), "{json}");
}

/// The command line's default store (`auto`) takes fingerprints for a
/// program whose runs all end and the full store for one that may loop,
/// says which in the JSON and in `--stats`, and says when a
/// `--frontier-memory` it was given had nothing to bound.
#[test]
fn the_default_store_is_chosen_by_the_program() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let run = |args: &[&str], name: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_weft"))
            .arg("check")
            .args(args)
            .arg(dir.join(name))
            .env("NO_COLOR", "1")
            .output()
            .expect("weft runs");
        (
            String::from_utf8(out.stdout).expect("utf-8"),
            String::from_utf8(out.stderr).expect("utf-8"),
        )
    };
    let store_of = |name: &str| {
        let (json, _) = run(&["--format", "json"], name);
        let v: serde_json::Value = serde_json::from_str(json.trim()).expect("one JSON line");
        v["stats"]["store"].as_str().map(str::to_string)
    };
    // Every run ends: fingerprints, and the verdict says what they risk.
    assert_eq!(
        store_of("classic/dining-philosophers-fixed.ron").as_deref(),
        Some("fingerprint")
    );
    // A loop (a range over a channel): the full store, exact.
    assert_eq!(store_of("gops/findall.ron").as_deref(), Some("full"));
    // Asked for, a store is kept whatever the program.
    let (json, _) = run(
        &["--store", "full", "--format", "json"],
        "classic/dining-philosophers-fixed.ron",
    );
    assert!(json.contains("\"store\":\"full\""), "{json}");
    let (text, _) = run(&["--stats"], "classic/dining-philosophers-fixed.ron");
    assert!(text.contains(", store fingerprint, "), "{text}");
    // A frontier budget the chosen full store has no use for is named.
    let (_, err) = run(&["--frontier-memory", "1K"], "gops/findall.ron");
    assert!(
        err.contains("--frontier-memory had no effect: the program may loop"),
        "{err}"
    );
    let (_, err) = run(
        &["--frontier-memory", "1K"],
        "classic/dining-philosophers-fixed.ron",
    );
    assert!(!err.contains("no effect"), "{err}");
}
