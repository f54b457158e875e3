//! The text report and the JSON say the same thing about every goroutine
//! at the end of every counterexample: the `end` row of the text table
//! (and the `end` lines of the narrow layout, one per goroutine) shows the
//! status the JSON gives (`✗` marks the operations that make the
//! bug, never a different status), over every report of the corpus and of
//! the generated scenarios (`WEFT_FUZZ_SEEDS`, default 2000, as in
//! `tests/generated.rs`).

// The generator is shared with tests/generated.rs, which uses all of it.
#[allow(dead_code, unused_imports)]
use crate::support::gen;
use crate::support::par;

use std::path::{Path, PathBuf};

use weft_checker::explore::{explore, Bounds};
use weft_checker::report::{scenario_report, Locator, Options};
use weft_models::span::SourceFile;
use weft_reports::text::{self, Style};
use weft_reports::view::ScenarioReport;

/// Wide enough that no end cell wraps: one table row per line.
const WIDE: usize = 10_000;

fn style() -> Style {
    Style {
        color: false,
        width: WIDE,
        stats: false,
        detailed_stats: false,
    }
}

/// The status words of the `end` row of every bug's table in `text`, in
/// order: one list per bug, one word per lane.
fn end_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|l| l.trim_start().starts_with("end │"))
        .map(|l| {
            l.split('│')
                .skip(1)
                .map(|cell| {
                    let cell = cell.trim();
                    let cell = cell.strip_prefix("✗ ").unwrap_or(cell);
                    cell.split_whitespace().next().unwrap_or("").to_string()
                })
                .collect()
        })
        .collect()
}

/// The `end` lines of the narrow layout (one line per goroutine, when the
/// lanes do not fit): per bug, (goroutine, status word) in order.
fn end_lines(text: &str) -> Vec<Vec<(String, String)>> {
    let mut out: Vec<Vec<(String, String)>> = Vec::new();
    let mut in_bug = false;
    for l in text.lines() {
        let t = l.trim_start();
        if t.starts_with("✗ ") && l.starts_with("  ✗") {
            out.push(Vec::new());
            in_bug = true;
            continue;
        }
        let Some(rest) = t.strip_prefix("end ").filter(|r| !r.starts_with('│')) else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let (Some(name), Some(first)) = (words.next(), words.next()) else {
            continue;
        };
        let word = if first == "✗" {
            words.next().unwrap_or("")
        } else {
            first
        };
        if in_bug {
            if let Some(bug) = out.last_mut() {
                bug.push((name.to_string(), word.to_string()));
            }
        }
    }
    out
}

/// The disagreements between the narrow text and the JSON of `r`, and how
/// many goroutines the narrow text's end lines showed.
fn narrow_disagreements(r: &ScenarioReport) -> (Vec<String>, usize) {
    let t = text::render(
        r,
        Style {
            width: text::MIN_WIDTH,
            ..style()
        },
    );
    let mut out = Vec::new();
    let mut seen = 0;
    for (k, (rows, bug)) in end_lines(&t).iter().zip(&r.bugs).enumerate() {
        for (name, word) in rows {
            seen += 1;
            let status = bug
                .goroutines
                .iter()
                .find(|g| g.goroutine == *name)
                .map_or("(absent)", |g| g.status.as_str());
            let shown = if word == "races" { "runnable" } else { word };
            if shown != status {
                out.push(format!(
                    "{} bug {k} (narrow): {name} is `{word}` in the text, `{status}` in the JSON",
                    r.file
                ));
            }
        }
    }
    (out, seen)
}

/// The disagreements between the text (wide and narrow) and the JSON of
/// `r`, and how many goroutines the narrow layout's end lines showed.
fn disagreements(r: &ScenarioReport) -> (Vec<String>, usize) {
    let (mut out, narrow) = narrow_disagreements(r);
    let t = text::render(r, style());
    let json: serde_json::Value =
        serde_json::from_str(&weft_reports::json::render(r)).expect("the JSON parses");
    let rows = end_rows(&t);
    let bugs = json["bugs"].as_array().cloned().unwrap_or_default();
    if rows.len() != bugs.len() {
        out.push(format!(
            "{}: {} end rows in the text, {} bugs in the JSON",
            r.file,
            rows.len(),
            bugs.len()
        ));
        return (out, narrow);
    }
    for (k, (row, bug)) in rows.iter().zip(&bugs).enumerate() {
        let lanes = bug["lanes"].as_array().cloned().unwrap_or_default();
        let goroutines = bug["goroutines"].as_array().cloned().unwrap_or_default();
        if row.len() != lanes.len() {
            out.push(format!(
                "{} bug {k}: {} end cells, {} lanes",
                r.file,
                row.len(),
                lanes.len()
            ));
            continue;
        }
        for (word, lane) in row.iter().zip(&lanes) {
            let name = lane["goroutine"].as_str().unwrap_or("");
            let status = goroutines
                .iter()
                .find(|g| g["goroutine"] == name)
                .and_then(|g| g["status"].as_str())
                .unwrap_or("(absent)");
            let pending_role = bug["pending"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|p| p["goroutine"] == name)
                .and_then(|p| p["role"].as_str());
            // A racing access is an operation about to happen: runnable;
            // or a send waiting on a channel another goroutine is about
            // to close: blocked.
            let shown = if word == "races" { "runnable" } else { word };
            let marked = pending_role.is_some();
            let agree = shown == status
                && match pending_role {
                    Some("blocked") => status == "blocked",
                    Some("races") => {
                        (status == "runnable" && word == "races") || status == "blocked"
                    }
                    _ => true,
                };
            if !agree {
                out.push(format!(
                    "{} bug {k} ({}): {name} is `{word}` in the text, `{status}` in the JSON \
                     (pending role {pending_role:?}, marked {marked})",
                    r.file, bug["kind"]
                ));
            }
        }
    }
    (out, narrow)
}

fn report_of(file: &SourceFile, bounds: &Bounds) -> Option<ScenarioReport> {
    let prog = weft_models::compile(file, &[]).ok()?;
    let outcome = explore(&prog, bounds).ok()?;
    let loc = Locator {
        file,
        prog: &prog,
        origin: None,
    };
    Some(scenario_report(
        &loc,
        file.name(),
        &outcome,
        &Options::default(),
    ))
}

fn corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut out = Vec::new();
    let mut dirs = vec![root];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d)
            .expect("the corpus is readable")
            .flatten()
        {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "ron") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn text_and_json_agree_on_every_goroutine_over_the_corpus() {
    let files = corpus();
    assert!(files.len() > 90, "the corpus is there");
    let mut bugs = 0;
    let mut narrow = 0;
    let mut problems = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable");
        let file = SourceFile::new(path.display().to_string(), text);
        let Some(r) = report_of(&file, &Bounds::default()) else {
            continue;
        };
        bugs += r.bugs.len();
        let (p, n) = disagreements(&r);
        problems.extend(p);
        narrow += n;
    }
    assert!(bugs >= 50, "the corpus shows its bugs ({bugs})");
    assert!(
        narrow > 100,
        "the narrow layout's end lines were read ({narrow})"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn text_and_json_agree_on_every_goroutine_over_generated_scenarios() {
    let start = std::env::var("WEFT_FUZZ_START")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0u64);
    let n = std::env::var("WEFT_FUZZ_SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000u64);
    let seeds: Vec<u64> = (start..start + n).collect();
    let bounds = Bounds {
        max_states: Some(20_000),
        ..Default::default()
    };
    let results = par::par_map(&seeds, |seed| {
        let sc = gen::generate(seed);
        let file = SourceFile::new(format!("{}.ron", sc.name()), sc.to_ron());
        match report_of(&file, &bounds) {
            Some(r) => (r.bugs.len(), disagreements(&r).0),
            None => (0, Vec::new()),
        }
    });
    let bugs: usize = results.iter().map(|(b, _)| b).sum();
    let problems: Vec<String> = results.into_iter().flat_map(|(_, p)| p).collect();
    assert!(
        bugs > seeds.len() / 4,
        "the generated scenarios show bugs ({bugs})"
    );
    assert!(
        problems.is_empty(),
        "{} disagreements, first ones:\n{}",
        problems.len(),
        problems
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
