//! `weft check`.

use std::path::{Path, PathBuf};

use weft_checker::explore::{self, Bounds, Budget};
use weft_checker::report::{scenario_report, Locator};
use weft_models::span::SourceFile;

use super::{Exit, Format, LoadArgs};

/// How `weft check` searches.
pub struct Search {
    /// The bounds.
    pub bounds: Bounds,
    /// The reduction.
    pub reduction: weft_checker::reduce::Reduction,
    /// Print every counter (`--stats`).
    pub stats: bool,
    /// How progress is shown on stderr.
    pub progress: super::progress::Mode,
}

/// Every `*.ron` file under `paths`, in a stable order.
fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found).map_err(|e| format!("{}: {e}", p.display()))?;
            found.sort();
            out.extend(found);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "ron") {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads and compiles one file; prints errors and returns None on failure.
pub fn load(path: &Path, args: &LoadArgs) -> Option<(SourceFile, weft_models::ir::Program)> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            return None;
        }
    };
    let file = SourceFile::new(path.display().to_string(), text);
    match weft_models::compile(&file, &args.param_pairs()) {
        Ok(p) => Some((file, p)),
        Err(e) => {
            let color = args.color() && std::io::IsTerminal::is_terminal(&std::io::stderr());
            eprint!("{}", e.render(&file, color));
            None
        }
    }
}

/// Writes a DOT file; prints the error and returns false on failure.
pub fn write_graph(path: &Path, dot: &str) -> bool {
    match std::fs::write(path, dot) {
        Ok(()) => true,
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            false
        }
    }
}

/// Checks every scenario under `paths`.
pub fn run(
    paths: &[PathBuf],
    args: &LoadArgs,
    search: &Search,
    syntax_only: bool,
    graph: Option<&Path>,
    opts: &weft_checker::report::Options,
) -> Exit {
    let files = match collect(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::BadInput;
        }
    };
    if files.is_empty() {
        eprintln!("error: no *.ron scenario files found");
        return Exit::BadInput;
    }
    let mut style = args.style();
    style.detailed_stats = search.stats;
    let mut reports = Vec::new();
    let mut bad_input = false;
    let mut internal = false;
    let mut mismatch = false;
    for (done, path) in files.iter().enumerate() {
        if search.bounds.stop.is_requested() {
            eprintln!(
                "interrupted: {} scenario file(s) not checked",
                files.len() - done
            );
            mismatch = true;
            break;
        }
        let Some((file, prog)) = load(path, args) else {
            bad_input = true;
            continue;
        };
        if syntax_only {
            if args.format == Format::Text {
                println!("{}: ok", path.display());
            }
            continue;
        }
        // One budget per scenario: the search and its report share it.
        let budget = Budget::new(search.bounds.clone());
        let mut line = super::progress::Line::new(search.progress, &path.display().to_string());
        let explored = explore::explore_within(&prog, &budget, search.reduction, line.observer());
        line.finish();
        let outcome = match explored {
            Ok(o) => o,
            Err(e) => {
                let loc = Locator {
                    file: &file,
                    prog: &prog,
                };
                match super::stopped(path, &loc, &e.failure) {
                    Exit::Internal => internal = true,
                    Exit::AsExpected | Exit::Mismatch | Exit::BadInput => bad_input = true,
                }
                continue;
            }
        };
        let loc = Locator {
            file: &file,
            prog: &prog,
        };
        let opts = weft_checker::report::Options {
            budget,
            ..opts.clone()
        };
        let report = scenario_report(&loc, &path.display().to_string(), &outcome, &opts);
        mismatch |= !report.expected_met;
        match args.format {
            Format::Text => print!("{}", weft_reports::text::render(&report, style)),
            Format::Json => println!("{}", weft_reports::json::render(&report)),
        }
        if graph.is_some() {
            reports.push(report);
        }
    }
    if let Some(g) = graph {
        let bugs: Vec<(&str, &weft_reports::view::BugView)> = reports
            .iter()
            .flat_map(|r| r.bugs.iter().map(move |b| (r.scenario.as_str(), b)))
            .collect();
        bad_input |= !write_graph(g, &weft_reports::dot::render(&bugs));
    }
    if internal {
        Exit::Internal
    } else if bad_input {
        Exit::BadInput
    } else if mismatch {
        Exit::Mismatch
    } else {
        Exit::AsExpected
    }
}
