//! Every counterexample of the corpus (`scenarios/**/*.ron`, and the report
//! fixtures in `tests/reports/`) replays from its token, twice, to the same
//! bug with byte-identical event traces; and the minimal schedule is never
//! worse than the checker's breadth-first one.
//!
//! `cargo test -p weft-checker --release --test suite replay_corpus:: -- --nocapture`
//! prints, per bug, the preemptions and steps of both schedules.

use std::path::{Path, PathBuf};

use weft_checker::counterexample::minimal::{minimal_schedule, Search, DEFAULT_CAP};
use weft_checker::counterexample::replay::{replay_items, replay_path, Trace};
use weft_checker::counterexample::token;
use weft_checker::counterexample::verdict::{key_of, reached};
use weft_checker::explore::{explore, Bounds};
use weft_models::span::SourceFile;

fn ron_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            ron_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "ron") {
            out.push(p);
        }
    }
}

/// The whole observable record of a replay, for byte comparison.
fn record(t: &Trace) -> String {
    format!("{:?}\n{:?}\n{:?}\n{:?}", t.steps, t.end, t.last, t.failure)
}

#[test]
fn every_counterexample_replays_to_the_same_bug_twice() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    ron_files(&root.join("../scenarios"), &mut files);
    ron_files(&root.join("tests/reports"), &mut files);
    files.sort();
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    let mut bugs = 0;
    let mut table = vec![format!(
        "{:<44} {:<13} {:>14} {:>14}",
        "scenario", "kind", "bfs (p/steps)", "minimal"
    )];
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable");
        let file = SourceFile::new(path.display().to_string(), text);
        let Ok(prog) = weft_models::compile(&file, &[]) else {
            continue;
        };
        let bounds = Bounds {
            max_states: Some(2_000_000),
            ..Bounds::default()
        };
        let Ok(outcome) = explore(&prog, &bounds) else {
            continue;
        };
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        for bug in &outcome.bugs {
            bugs += 1;
            let fail =
                |what: String| format!("{name}: {} at {:?}: {what}", bug.kind.as_str(), bug.site);
            let bfs = match replay_path(&prog, &bug.path) {
                Ok(t) => t,
                Err(e) => {
                    failures.push(fail(format!("the checker's path does not replay: {e}")));
                    continue;
                }
            };
            let min = minimal_schedule(&prog, bug, DEFAULT_CAP);
            if min.search != Search::Minimal {
                failures.push(fail(format!("no minimal schedule: {:?}", min.search)));
            }
            let first = match replay_path(&prog, &min.path) {
                Ok(t) => t,
                Err(e) => {
                    failures.push(fail(format!("the minimal path does not replay: {e}")));
                    continue;
                }
            };
            let cost = |t: &Trace| (t.switches().1, t.steps.len());
            if cost(&first) > cost(&bfs) {
                failures.push(fail(format!(
                    "minimal {:?} is worse than breadth-first {:?}",
                    cost(&first),
                    cost(&bfs)
                )));
            }
            table.push(format!(
                "{:<44} {:<13} {:>14} {:>14}",
                name,
                bug.kind.as_str(),
                format!("{}/{}", cost(&bfs).0, cost(&bfs).1),
                format!("{}/{}", cost(&first).0, cost(&first).1)
            ));
            // Through the token, twice.
            let token = first.token();
            let items = match token::decode(&token) {
                Ok(i) => i,
                Err(e) => {
                    failures.push(fail(format!("token {token} does not decode: {e}")));
                    continue;
                }
            };
            let runs: Vec<Trace> = (0..2)
                .filter_map(|_| match replay_items(&prog, &items) {
                    Ok(t) => Some(t),
                    Err(e) => {
                        failures.push(fail(format!("token {token} does not replay: {e}")));
                        None
                    }
                })
                .collect();
            if runs.len() != 2 {
                continue;
            }
            if record(&runs[0]) != record(&runs[1]) || record(&runs[0]) != record(&first) {
                failures.push(fail(format!("replays of {token} differ")));
            }
            if runs[0].token() != token {
                failures.push(fail(format!("{token} re-encodes as {}", runs[0].token())));
            }
            let results: Vec<_> = runs[0]
                .steps
                .iter()
                .map(|s| (s.events.clone(), s.failure.clone()))
                .collect();
            let found = reached(&prog, &runs[0].path, &results, &runs[0].last, 1_000_000);
            match found.bugs.get(&key_of(bug)) {
                Some(b) if b.message == bug.message && b.kind == bug.kind => {}
                Some(b) => failures.push(fail(format!(
                    "{token} reaches the bug with message {:?}",
                    b.message
                ))),
                None => failures.push(fail(format!(
                    "{token} does not reach the bug; it reaches {:?}",
                    found.bugs.keys().collect::<Vec<_>>()
                ))),
            }
        }
    }
    println!("{}", table.join("\n"));
    assert!(bugs >= 6, "the corpus has bugs of every kind");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
