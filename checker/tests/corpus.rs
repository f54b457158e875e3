//! The scenario corpus (`scenarios/**/*.ron`) as a regression suite.
//!
//! Every scenario is compiled and explored with the default partial-order
//! reduction and again without it (the referee), then checked against what
//! the file says about itself:
//!
//! - both searches find the same bugs (kind, location, message), execute
//!   the same operations and are equally complete;
//! - the search is complete (no bound cut it);
//! - the set of bug kinds found equals the scenario's `expect`;
//! - every bug shows on a line marked `// expect: <kind>` (for a race: both
//!   accesses; for a deadlock: the operation main is blocked on), and every
//!   such marker is hit by some bug of that kind (a deadlock also hits the
//!   lines of the other goroutines it blocks);
//! - every `// reach` line holds an operation that some explored run
//!   executes, and every clean scenario has at least one, so a clean verdict
//!   cannot be vacuous.
//!
//! All failures are collected and reported together, with `file:line`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use weft_checker::explore::{explore, explore_with, Bounds, Outcome};
use weft_checker::reduce::Reduction;
use weft_checker::state::Site;
use weft_models::ir::Program;
use weft_models::span::SourceFile;
use weft_models::syntax::BugKind;

/// The state budget per scenario: far above what any corpus file needs, so
/// hitting it means a scenario's state space blew up.
const MAX_STATES: usize = 2_000_000;

/// The markers written in one scenario file.
#[derive(Default)]
struct Markers {
    /// `// expect: k1, k2` per line.
    expect: BTreeMap<u32, BTreeSet<BugKind>>,
    /// Lines marked `// reach`.
    reach: BTreeSet<u32>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios")
}

/// Every `*.ron` under `dir`, sorted.
fn ron_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries =
            std::fs::read_dir(&d).unwrap_or_else(|e| panic!("cannot read {}: {e}", d.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", d.display()))
                .path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "ron") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The path shown in messages: relative to the workspace root.
fn shown(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let rel = path.strip_prefix(&root).unwrap_or(path);
    rel.display().to_string()
}

fn kind_of(word: &str) -> Option<BugKind> {
    BugKind::ALL.into_iter().find(|k| k.as_str() == word)
}

/// Reads the `// expect: ...` and `// reach` markers of a file.
fn markers(text: &str, file: &str, failures: &mut Vec<String>) -> Markers {
    let mut m = Markers::default();
    for (i, line) in text.lines().enumerate() {
        let n = i as u32 + 1;
        for (at, _) in line.match_indices("// expect:") {
            let rest = &line[at + "// expect:".len()..];
            let list: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || matches!(c, '-' | ',' | ' '))
                .collect();
            let kinds = m.expect.entry(n).or_default();
            for word in list.split(',').map(str::trim) {
                match kind_of(word) {
                    Some(k) => {
                        kinds.insert(k);
                    }
                    None => failures.push(format!(
                        "{file}:{n}: `// expect:` marker with unknown bug kind `{word}`"
                    )),
                }
            }
        }
        for (at, _) in line.match_indices("// reach") {
            let after = line[at + "// reach".len()..].chars().next();
            if !matches!(after, Some(c) if c.is_alphanumeric()) {
                m.reach.insert(n);
            }
        }
    }
    m
}

/// The 1-based line of an operation.
fn line_of(file: &SourceFile, prog: &Program, site: Site) -> u32 {
    let span = prog.instr(site.func, site.pc).span;
    file.line_col(span.start).0
}

fn kinds_text(kinds: &BTreeSet<BugKind>) -> String {
    if kinds.is_empty() {
        return "clean".to_string();
    }
    let v: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    v.join(", ")
}

/// The result of checking one scenario.
#[derive(Clone, Default)]
struct Checked {
    /// Everything wrong with it, as `file:line: ...` messages.
    failures: Vec<String>,
    /// Wall time of the search.
    seconds: f64,
}

impl Checked {
    fn failed(failures: Vec<String>, seconds: f64) -> Checked {
        Checked { failures, seconds }
    }
}

/// Checks one scenario.
fn check_file(path: &Path) -> Checked {
    let name = shown(path);
    let mut failures = Vec::new();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return Checked::failed(vec![format!("{name}: cannot read: {e}")], 0.0),
    };
    let file = SourceFile::new(name.clone(), text);
    let prog = match weft_models::compile(&file, &[]) {
        Ok(p) => p,
        Err(e) => {
            let msg = format!("{name}: does not compile:\n{}", e.render(&file, false));
            return Checked::failed(vec![msg], 0.0);
        }
    };
    let meta = &prog.meta;
    for (what, missing) in [
        ("summary", meta.summary.is_none()),
        ("origin", meta.origin.is_none()),
        ("taxonomy", meta.taxonomy.is_none()),
    ] {
        if missing {
            failures.push(format!("{name}: the scenario has no `{what}`"));
        }
    }
    let expect: BTreeSet<BugKind> = meta.expect.iter().copied().collect();
    if name.contains("-fixed") && !expect.is_empty() {
        failures.push(format!("{name}: a fixed scenario must expect no bug"));
    }
    let marks = markers(file.text(), &name, &mut failures);

    let start = Instant::now();
    let out: Outcome = match explore(
        &prog,
        &Bounds {
            max_states: Some(MAX_STATES),
            ..Default::default()
        },
    ) {
        Ok(o) => o,
        Err(e) => {
            let line = line_of(&file, &prog, e.failure.site);
            failures.push(format!("{name}:{line}: model error: {e}"));
            return Checked::failed(failures, start.elapsed().as_secs_f64());
        }
    };
    let seconds = start.elapsed().as_secs_f64();
    // The referee: the plain exhaustive search finds the same bugs (kind,
    // locations, message), covers the same operations and is as complete.
    match explore_with(
        &prog,
        &Bounds {
            max_states: Some(MAX_STATES),
            ..Default::default()
        },
        Reduction::None,
    ) {
        Ok(full) => {
            let keys = |o: &Outcome| -> BTreeSet<(BugKind, Site, String)> {
                o.bugs
                    .iter()
                    .map(|b| (b.kind, b.site, b.message.clone()))
                    .collect()
            };
            if keys(&full) != keys(&out)
                || full.covered != out.covered
                || full.unsynced != out.unsynced
                || full.complete != out.complete
            {
                failures.push(format!(
                    "{name}: the reduced search ({}) differs from the exhaustive one: \
                     bugs {:?} against {:?}, coverage equal: {}, observations without \
                     synchronisation equal: {}, complete {} against {}",
                    out.stats.reduction.as_str(),
                    keys(&out),
                    keys(&full),
                    full.covered == out.covered,
                    full.unsynced == out.unsynced,
                    out.complete,
                    full.complete
                ));
            }
        }
        Err(e) => failures.push(format!("{name}: model error without reduction: {e}")),
    }
    if !out.complete {
        let bound = out.bound.map(|b| b.to_string()).unwrap_or_default();
        failures.push(format!(
            "{name}: the search is incomplete (bounded by {bound}) after {} states",
            out.stats.states
        ));
    }

    let found: BTreeSet<BugKind> = out.bugs.iter().map(|b| b.kind).collect();
    if found != expect {
        failures.push(format!(
            "{name}: expected {}, found {}",
            kinds_text(&expect),
            kinds_text(&found)
        ));
    }

    // Every bug on a marked line; collect the lines each marker is hit from.
    let mut hit: BTreeSet<(u32, BugKind)> = BTreeSet::new();
    let marked =
        |line: u32, kind: BugKind| marks.expect.get(&line).is_some_and(|k| k.contains(&kind));
    for bug in &out.bugs {
        let main_line = line_of(&file, &prog, bug.site);
        let mut must = BTreeSet::from([main_line]);
        if bug.kind == BugKind::Race {
            must.extend(bug.involved.iter().map(|i| line_of(&file, &prog, i.site)));
        }
        for &line in &must {
            if !marked(line, bug.kind) {
                failures.push(format!(
                    "{name}:{line}: {} shows here, but the line is not marked `// expect: {}` ({})",
                    bug.kind, bug.kind, bug.message
                ));
            }
            hit.insert((line, bug.kind));
        }
        if bug.kind == BugKind::Deadlock {
            for i in &bug.involved {
                hit.insert((line_of(&file, &prog, i.site), bug.kind));
            }
        }
    }
    for (&line, kinds) in &marks.expect {
        for &kind in kinds {
            if !hit.contains(&(line, kind)) {
                failures.push(format!(
                    "{name}:{line}: marked `// expect: {kind}`, but no {kind} shows on this line"
                ));
            }
        }
    }

    // Reachability of the marked operations.
    let covered: BTreeSet<u32> = out
        .covered
        .iter()
        .map(|&s| line_of(&file, &prog, s))
        .collect();
    for &line in &marks.reach {
        if !covered.contains(&line) {
            failures.push(format!(
                "{name}:{line}: marked `// reach`, but no operation on this line is ever executed"
            ));
        }
    }
    if expect.is_empty() && marks.reach.is_empty() {
        failures.push(format!(
            "{name}: a clean scenario needs at least one `// reach` marker"
        ));
    }
    Checked::failed(failures, seconds)
}

#[test]
fn every_scenario_behaves_as_it_says() {
    let files = ron_files(&corpus_dir());
    assert!(
        !files.is_empty(),
        "no scenarios under {}",
        corpus_dir().display()
    );
    let results: Mutex<Vec<Option<Checked>>> = Mutex::new(vec![None; files.len()]);
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..workers.min(files.len()) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = files.get(i) else { break };
                let r = check_file(path);
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut failures = Vec::new();
    let mut slowest: Vec<(f64, String)> = Vec::new();
    for (path, r) in files.iter().zip(results) {
        let r = r
            .unwrap_or_else(|| Checked::failed(vec![format!("{}: not checked", shown(path))], 0.0));
        failures.extend(r.failures);
        slowest.push((r.seconds, shown(path)));
    }
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut report = format!(
        "{} scenarios in {:.1}s; slowest:",
        files.len(),
        start.elapsed().as_secs_f64()
    );
    for (secs, name) in slowest.iter().take(3) {
        let _ = write!(report, " {name} {secs:.2}s;");
    }
    eprintln!("{report}");
    assert!(
        failures.is_empty(),
        "{} corpus failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_scenario_is_standard_ron() {
    let mut failures = Vec::new();
    for path in ron_files(&corpus_dir()) {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{}: cannot read: {e}", shown(&path)));
                continue;
            }
        };
        if let Err(e) = ron::from_str::<ron::Value>(&text) {
            failures.push(format!("{}:{e}", shown(&path)));
        }
    }
    assert!(
        failures.is_empty(),
        "not valid RON:\n{}",
        failures.join("\n")
    );
}
