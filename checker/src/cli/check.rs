//! `weft check`.

use std::path::{Path, PathBuf};

use weft_checker::explore::{self, Bounds, Budget};
use weft_checker::report::{compile_errors, read_error, run_error, scenario_report, Locator};
use weft_models::span::SourceFile;
use weft_reports::view::{ErrorView, FileResult, RunSummary};

use super::gofile::{self, Loaded};
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

/// Files `weft check` writes besides its report on stdout.
#[derive(Clone, Copy, Debug, Default)]
pub struct Outputs<'a> {
    /// `--graph`: the DOT file of every counterexample's graphs.
    pub graph: Option<&'a Path>,
    /// `--html`: the directory of review pages.
    pub html: Option<&'a Path>,
}

/// A page's file name: the scenario's name with anything but letters,
/// digits, `-`, `_` and `.` turned into `-`, made unique with `-2`, `-3`...
fn page_name(scenario: &str, used: &mut std::collections::BTreeSet<String>) -> String {
    let base: String = scenario
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let base = if base.is_empty() || base == "index" {
        format!("scenario-{base}")
    } else {
        base
    };
    let mut name = format!("{base}.html");
    let mut n = 2;
    while !used.insert(name.clone()) {
        name = format!("{base}-{n}.html");
        n += 1;
    }
    name
}

/// Writes the review pages of the checked scenarios and their index to
/// `dir`; prints the error and returns false on failure.
fn write_pages(dir: &Path, results: &[FileResult]) -> bool {
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("error: cannot make {}: {e}", dir.display());
        return false;
    }
    let mut used = std::collections::BTreeSet::new();
    used.insert("index.html".to_string());
    let mut pages = Vec::new();
    for r in results {
        let FileResult::Checked(report) = r else {
            continue;
        };
        let name = page_name(&report.scenario, &mut used);
        let path = dir.join(&name);
        if let Err(e) = std::fs::write(&path, weft_reports::html::render(report)) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return false;
        }
        pages.push((name, report.as_ref()));
    }
    let index = dir.join("index.html");
    if let Err(e) = std::fs::write(&index, weft_reports::html::render_index(&pages)) {
        eprintln!("error: cannot write {}: {e}", index.display());
        return false;
    }
    true
}

/// Every `*.ron` file under `paths`, in a stable order, and the files
/// named (a `.go` file is checked only when named: a Go package's
/// directory holds files whose functions are not meant as entry points).
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

/// Why a scenario file could not be loaded.
pub enum LoadError {
    /// It could not be read.
    Read(Box<ErrorView>),
    /// It does not compile.
    Compile(Box<(SourceFile, weft_models::CompileError)>),
}

impl LoadError {
    /// The errors, as views.
    pub fn views(&self) -> Vec<ErrorView> {
        match self {
            LoadError::Read(v) => vec![(**v).clone()],
            LoadError::Compile(c) => compile_errors(&c.0, &c.1),
        }
    }

    /// Prints the errors in `format` (text on stderr, JSON lines on
    /// stdout; SARIF and JUnit carry them in their document instead).
    pub fn print(&self, args: &LoadArgs) {
        match args.format {
            Format::Text => match self {
                LoadError::Read(v) => eprintln!("error: cannot read {}: {}", v.file, v.message),
                LoadError::Compile(c) => {
                    let color =
                        args.color() && std::io::IsTerminal::is_terminal(&std::io::stderr());
                    eprint!("{}", c.1.render(&c.0, color));
                }
            },
            Format::Json => {
                for v in self.views() {
                    outln!("{}", weft_reports::json::render_error(&v));
                }
            }
            Format::Sarif | Format::Junit => {}
        }
    }
}

/// Reads and compiles one file: a scenario, or a Go file's scenarios (one
/// per entry point).
pub fn load(path: &Path, args: &LoadArgs) -> Vec<Result<Loaded, LoadError>> {
    let shown = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return vec![Err(LoadError::Read(Box::new(read_error(&shown, &e))))],
    };
    if gofile::is_go(path) {
        return gofile::load(path, text, args);
    }
    let file = SourceFile::new(shown, text);
    vec![match weft_models::compile(&file, &args.param_pairs()) {
        Ok(mut p) => {
            if let Some(go) = args.go {
                p.meta.go = go;
            }
            Ok(Loaded {
                file,
                prog: p,
                origin: None,
                extra_args: String::new(),
                notes: Vec::new(),
                abstractions: Vec::new(),
            })
        }
        Err(e) => Err(LoadError::Compile(Box::new((file, e)))),
    }]
}

/// Prints a run-time error in `format`.
pub fn print_run_error(e: &ErrorView, format: Format) {
    match format {
        Format::Text => super::print_run_error(e),
        Format::Json => outln!("{}", weft_reports::json::render_error(e)),
        Format::Sarif | Format::Junit => {}
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

/// Checks one loaded scenario, printing its report in `args.format`.
fn check_one(
    loaded: &Loaded,
    shown: &str,
    args: &LoadArgs,
    search: &Search,
    opts: &weft_checker::report::Options,
    style: weft_reports::text::Style,
) -> FileResult {
    let (file, prog) = (&loaded.file, &loaded.prog);
    // One budget per scenario: the search and its report share it.
    let budget = Budget::new(search.bounds.clone());
    let mut line = super::progress::Line::new(search.progress, shown);
    let explored = explore::explore_within(prog, &budget, search.reduction, line.observer());
    line.finish();
    let loc = Locator {
        file,
        prog,
        origin: loaded.origin.as_ref(),
    };
    let outcome = match explored {
        Ok(o) => o,
        Err(e) => {
            let error = run_error(shown, &loc, &e.failure);
            print_run_error(&error, args.format);
            return FileResult::Failed {
                file: shown.to_string(),
                errors: vec![error],
            };
        }
    };
    if search.bounds.frontier_memory.is_some()
        && search.bounds.store == weft_checker::graph::StoreKind::Auto
        && outcome.stats.store == weft_checker::graph::StoreKind::Full
    {
        // The budget the user gave had nothing to bound: say so.
        eprintln!(
            "note: {shown}: --frontier-memory had no effect: the program may loop, so the default store kept every state (the full store, whose frontier is state ids); --store fingerprint keeps a frontier of states that spills"
        );
    }
    let opts = weft_checker::report::Options {
        budget,
        extra_args: loaded.extra_args.clone(),
        abstractions: loaded.abstractions.clone(),
        ..opts.clone()
    };
    let report = scenario_report(&loc, shown, &outcome, &opts);
    match args.format {
        Format::Text => out!("{}", weft_reports::text::render(&report, style)),
        Format::Json => outln!("{}", weft_reports::json::render(&report)),
        // One document for the whole run, below.
        Format::Sarif | Format::Junit => {}
    }
    FileResult::Checked(Box::new(report))
}

/// Checks every scenario under `paths`.
pub fn run(
    paths: &[PathBuf],
    args: &LoadArgs,
    search: &Search,
    syntax_only: bool,
    outputs: Outputs,
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
    let mut results: Vec<FileResult> = Vec::new();
    for (done, path) in files.iter().enumerate() {
        if search.bounds.stop.is_requested() {
            eprintln!(
                "interrupted: {} scenario file(s) not checked",
                files.len() - done
            );
            results.extend(files[done..].iter().map(|f| FileResult::NotChecked {
                file: f.display().to_string(),
            }));
            break;
        }
        let shown = path.display().to_string();
        for unit in load(path, args) {
            let loaded = match unit {
                Ok(loaded) => loaded,
                Err(e) => {
                    e.print(args);
                    results.push(FileResult::Failed {
                        file: shown.clone(),
                        errors: e.views(),
                    });
                    continue;
                }
            };
            // On stderr in every format: stdout holds the report.
            for n in &loaded.notes {
                eprintln!("note: abstraction: {n}");
            }
            if syntax_only {
                if args.format == Format::Text {
                    outln!("{shown}{}: ok", loaded.extra_args);
                }
                continue;
            }
            results.push(check_one(&loaded, &shown, args, search, opts, style));
        }
    }
    let many = files.len() > 1 || paths.iter().any(|p| p.is_dir());
    match args.format {
        Format::Text if many && !syntax_only => {
            out!(
                "\n{}",
                weft_reports::text::render_summary(&RunSummary::of(&results), style)
            );
        }
        Format::Text | Format::Json => {}
        Format::Sarif => outln!(
            "{}",
            weft_reports::sarif::render(
                &results,
                weft_reports::sarif::Tool {
                    name: "weft",
                    version: env!("CARGO_PKG_VERSION"),
                },
            )
        ),
        Format::Junit => out!("{}", weft_reports::junit::render(&results, style)),
    }
    let mut bad_input = false;
    if let Some(dir) = outputs.html.filter(|_| !syntax_only) {
        bad_input |= !write_pages(dir, &results);
    }
    if let Some(g) = outputs.graph {
        let bugs: Vec<(&str, &weft_reports::view::BugView)> = results
            .iter()
            .filter_map(|r| match r {
                FileResult::Checked(r) => Some(r),
                FileResult::Failed { .. } | FileResult::NotChecked { .. } => None,
            })
            .flat_map(|r| r.bugs.iter().map(move |b| (r.scenario.as_str(), b)))
            .collect();
        bad_input |= !write_graph(g, &weft_reports::dot::render(&bugs));
    }
    let mut internal = false;
    let mut mismatch = false;
    for r in &results {
        match r {
            FileResult::Checked(report) => mismatch |= !report.expected_met,
            FileResult::Failed { errors, .. } => {
                for e in errors {
                    match super::exit_of(e) {
                        Exit::Internal => internal = true,
                        Exit::AsExpected | Exit::Mismatch | Exit::BadInput => bad_input = true,
                    }
                }
            }
            FileResult::NotChecked { .. } => mismatch = true,
        }
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
