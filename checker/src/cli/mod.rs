//! Command-line interface. Only this module prints.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use weft_checker::stop::StopFlag;
use weft_models::syntax::GoVersion;
use weft_reports::view::{ErrorStage, ErrorView};

/// `print!` to standard output that never panics (see [`write_stdout`]).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(format_args!($($arg)*))
    };
}

/// `println!` to standard output that never panics (see [`write_stdout`]).
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

mod check;
mod gofile;
mod memory;
mod progress;
mod replay;

/// Writes to standard output. When the reader has gone (`weft check
/// scenarios/ | head`), the process ends at once, quietly, with the status
/// a shell gives a command that SIGPIPE ended (141), as `cat` or `grep`
/// end; any other write error (a full disk) is reported, exit code 2, as
/// a review page that cannot be written. (`println!` panics on both.)
pub(crate) fn write_stdout(args: std::fmt::Arguments) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_fmt(args).and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(141),
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            std::process::exit(Exit::BadInput as i32)
        }
    }
}

/// Exit codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Every scenario behaved as it expects.
    AsExpected = 0,
    /// A bug or a mismatch with `expect`.
    Mismatch = 1,
    /// Invalid input or usage.
    BadInput = 2,
    /// weft failed (an internal error, a bug in weft): please report it.
    Internal = 3,
}

/// The exit codes, as `--help` lists them.
macro_rules! exit_codes {
    () => {
        "\
Exit codes:
  0  every scenario behaved as it expects (replay: the run shows no bug)
  1  a bug, or a mismatch with a scenario's `expect` (replay: the run shows a bug)
  2  invalid input or usage (including a type error found while running a scenario)
  3  internal error: a bug in weft itself, not in the scenario; please report it
130  interrupted twice (Ctrl-C): stopped at once, with no report
141  the reader of the output went away (`weft check ... | head`): stopped
     quietly, as a command SIGPIPE ends

A first Ctrl-C stops the search and prints the report of what was explored
so far, incomplete (bounded by Ctrl-C); the scenarios not yet started are
skipped."
    };
}

/// Examples, as `--help` shows them.
macro_rules! examples {
    () => {
        "\
Examples:
  Check every scenario under a directory (a summary line ends the run):
    weft check scenarios/
  The same in CI: SARIF for GitHub code scanning, JUnit XML for any CI:
    weft check --format sarif scenarios/ > weft.sarif
    weft check --format junit scenarios/ > weft-junit.xml
  Review pages to open in a browser (DIR/index.html links them all):
    weft check --html review/ scenarios/
  Check the tests of a Go file, reported at its lines:
    weft check pool_test.go
  Replay a counterexample from a report, one step per Enter:
    weft replay scenarios/classic/dining-philosophers.ron --schedule v1:0.0.0.0.0.1.4.3.2 --step"
    };
}

/// How wide the text report is.
macro_rules! width_note {
    () => {
        "\
The text report fits the terminal's width; when stdout is not a terminal,
the COLUMNS environment variable's, else 100 columns. Colour is on for a
terminal unless NO_COLOR is set to a non-empty value."
    };
}

/// What `weft --help` and `weft check --help` end with.
const AFTER_HELP: &str = concat!(width_note!(), "\n\n", exit_codes!(), "\n\n", examples!());

/// Where to report an internal error.
const REPORT_BUG: &str = "this is a bug in weft, not in the scenario: please report it on \
weft's issue tracker (the repository's Issues page), with the scenario file and this message";

/// The exit code an error that stopped a scenario's check deserves: a
/// problem with the scenario is bad input, anything else is weft's fault.
pub fn exit_of(e: &ErrorView) -> Exit {
    match e.error {
        ErrorStage::Internal => Exit::Internal,
        ErrorStage::Read | ErrorStage::Compile | ErrorStage::Param | ErrorStage::Run => {
            Exit::BadInput
        }
    }
}

/// Prints, as text on stderr, a run-time failure that stops the check of a
/// scenario without being one of its bugs.
pub fn print_run_error(e: &ErrorView) {
    let what = match e.error {
        ErrorStage::Internal => "internal weft error",
        ErrorStage::Run | ErrorStage::Read | ErrorStage::Compile | ErrorStage::Param => {
            "invalid scenario at run time"
        }
    };
    eprintln!(
        "error: {}:{}:{}: {what}: {}\n  {}",
        e.file,
        e.line.unwrap_or(0),
        e.col.unwrap_or(0),
        e.message,
        e.label
    );
    if e.error == ErrorStage::Internal {
        eprintln!("  {REPORT_BUG}");
    }
}

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable.
    Text,
    /// JSON Lines: one object per scenario, or per error of a scenario
    /// that could not be checked.
    Json,
    /// SARIF 2.1.0 (`weft check` only): one log for the run, one result per
    /// bug, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// JUnit XML (`weft check` only): one test case per scenario, for any CI.
    Junit,
}

/// weft: a systematic schedule explorer for Go-style concurrency.
#[derive(Parser, Debug)]
#[command(name = "weft", version, about, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options shared by commands that load scenarios.
#[derive(clap::Args, Debug, Clone)]
pub struct LoadArgs {
    /// Override a scenario parameter: `--param workers=8` (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Follow the timer semantics of this Go version (`1.22` or earlier,
    /// `1.23` or later), whatever the scenario's `go` says.
    #[arg(long = "go", value_name = "VERSION", value_parser = parse_go_version)]
    pub go: Option<GoVersion>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Colour: auto (on a terminal, unless NO_COLOR is set to a non-empty value), always, never.
    #[arg(long, default_value = "auto", value_parser = ["auto", "always", "never"])]
    pub color: String,
    /// Show, at every step of a counterexample, the locals its operation
    /// reads and the locals the step writes, with their values (text,
    /// JSON, replay).
    #[arg(long)]
    pub values: bool,
    /// For a Go file: import only this function (any function of the
    /// file; by default every `TestXxx(t *testing.T)` and `main`).
    #[arg(long, value_name = "NAME")]
    pub func: Option<String>,
    /// For a Go file: accept documented over-approximations instead of
    /// failing: a call of a function the file does not define synchronises
    /// with nothing and its results are untracked data (conditions on them
    /// explore both ways). The import lists each one with its position.
    #[arg(long)]
    pub allow_abstract: bool,
}

impl LoadArgs {
    /// `--param` values split at `=`.
    pub fn param_pairs(&self) -> Vec<(String, String)> {
        self.params
            .iter()
            .map(|p| match p.split_once('=') {
                Some((n, v)) => (n.trim().to_string(), v.trim().to_string()),
                None => (p.trim().to_string(), String::new()),
            })
            .collect()
    }

    /// How to render text on stdout.
    pub fn style(&self) -> weft_reports::text::Style {
        weft_reports::text::Style {
            color: self.color(),
            width: text_width(),
            ..Default::default()
        }
    }

    /// Report options: `--param`s and `--go` are repeated in reproduce
    /// commands.
    pub fn report_options(&self) -> weft_checker::report::Options {
        weft_checker::report::Options {
            params: self.param_pairs(),
            values: self.values,
            go: self.go,
            ..Default::default()
        }
    }

    /// Whether to colour output on stdout.
    pub fn color(&self) -> bool {
        match self.color.as_str() {
            "always" => true,
            "never" => false,
            _ => auto_color(
                std::env::var_os("NO_COLOR").as_deref(),
                std::io::stdout().is_terminal(),
            ),
        }
    }
}

/// Reads `--go`: a Go version as a `go.mod` directive writes it.
fn parse_go_version(text: &str) -> Result<GoVersion, String> {
    GoVersion::parse(text.trim()).ok_or_else(|| {
        format!("`{text}` is not a Go version: write `1.22` (Go 1.22 timers) or `1.23` (Go 1.23 timers)")
    })
}

/// Whether `--color auto` colours: on a terminal, unless `NO_COLOR` is set
/// to a non-empty value (no-color.org: an empty value is as if unset).
fn auto_color(no_color: Option<&std::ffi::OsStr>, terminal: bool) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty())
}

/// The width the text report fits: the terminal's when stdout is one, else
/// `COLUMNS` when it is a positive number, else
/// [`weft_reports::text::DEFAULT_WIDTH`].
fn text_width() -> usize {
    if let Some((_, cols)) = console::Term::stdout().size_checked() {
        return usize::from(cols);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&w| w > 0)
        .unwrap_or(weft_reports::text::DEFAULT_WIDTH)
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Explore every schedule of each scenario and report bugs.
    #[command(after_help = AFTER_HELP)]
    Check {
        /// Scenario files or directories (searched recursively for *.ron),
        /// and Go files (`FILE.go`: each test and `main` is imported and
        /// checked, reported at the Go file's lines; see `weft import`).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        load: LoadArgs,
        /// Stop after storing this many states (the result is then incomplete).
        #[arg(long)]
        max_states: Option<usize>,
        /// Do not explore beyond this many steps (the result is then incomplete).
        #[arg(long)]
        max_depth: Option<usize>,
        /// Stop after this many seconds per scenario, report included (the
        /// result is then incomplete).
        #[arg(long, value_name = "SECONDS")]
        time_limit: Option<f64>,
        /// Stop when weft's resident memory reaches this size (`500M`, `2G`,
        /// or `none`), report included (the result is then incomplete). The
        /// default is half of the memory available when weft starts.
        #[arg(long, value_name = "SIZE", default_value_t = memory::default_max_memory())]
        max_memory: memory::MaxMemory,
        /// Stop at the first bug found (the result is then incomplete).
        #[arg(long)]
        stop_at_first_bug: bool,
        /// Only parse and validate.
        #[arg(long)]
        syntax_only: bool,
        /// Also write every counterexample's happens-before graph (and
        /// wait-for graph for blocking bugs) to this Graphviz DOT file.
        #[arg(long, value_name = "FILE")]
        graph: Option<PathBuf>,
        /// Also write a review page per scenario to this directory (made if
        /// missing): one self-contained HTML file each (no network, no
        /// external assets), named after the scenario, and an index.html.
        /// A page steps through each counterexample with a slider or the
        /// ←/→ keys, showing every goroutine and object at each step, the
        /// happens-before and wait-for graphs, the explanation and the
        /// replay command.
        #[arg(long, value_name = "DIR")]
        html: Option<PathBuf>,
        /// Work cap of the search for minimal counterexamples (fewest
        /// preemptions, then steps); past it, or with 0, the breadth-first
        /// counterexample is shown and the report says so.
        #[arg(long, value_name = "STATES", default_value_t = weft_checker::counterexample::minimal::DEFAULT_CAP)]
        minimal_cap: usize,
        /// Partial-order reduction: `por` (the default: persistent and sleep
        /// sets; on a cyclic state graph, persistent sets with a cycle
        /// proviso), `dpor` (stateless source-set DPOR chooses the steps,
        /// from what each run touched: for programs whose runs all end and
        /// whose goroutines wait only at a sync.Mutex, a channel send or
        /// receive or a WaitGroup (no select), such as code indexing slices
        /// of values, mutexes or channels; others fall back to `por`, and
        /// `--stats` says why) or `none` (the plain exhaustive search, the
        /// referee).
        #[arg(long, default_value = "por", value_parser = ["por", "dpor", "none"])]
        reduction: String,
        /// Print every counter of the search: states (and distinct states),
        /// transitions, complete runs, reduction, states per second, memory.
        #[arg(long)]
        stats: bool,
        /// Show progress on stderr even when it is not a terminal: one
        /// plain line per second (states, states/s, depth, frontier,
        /// memory, elapsed), for CI logs. On a terminal a live line is
        /// shown anyway once a search lasts a second.
        #[arg(long, conflicts_with = "no_progress")]
        progress: bool,
        /// Never show progress, not even on a terminal.
        #[arg(long)]
        no_progress: bool,
        /// Threads that expand states (default `all`: one per core).
        /// Verdicts, counterexamples and reports are the same for any
        /// number (one thread stores the states in order while the others
        /// expand the next ones): see checker/benches/RESULTS.md.
        #[arg(long, value_name = "N", default_value = "all", value_parser = parse_jobs)]
        jobs: Jobs,
        /// How visited states are kept: `auto` (the default: `fingerprint`
        /// when every run of the program ends, else `full`), `full` (every
        /// state, compactly; exact, and the only store that counts complete
        /// runs of such a program), `fingerprint` (a 64-bit fingerprint per
        /// state, as TLC and SPIN's hash compaction do: less memory, about
        /// 12 bytes a state when every run of the program ends, complete
        /// runs then not counted; parent links in a file; the verdict
        /// prints the chance that a collision hid a state) or
        /// `bitstate=SIZE` (SPIN's bit-state hashing, supertrace: a bit
        /// array of SIZE bytes, such as `64M` or `1G`, 3 bits set per
        /// state, or N with `bitstate=SIZE,k=N`; the least memory, but a
        /// state whose bits are all set is taken for visited, so the search
        /// is partial by construction: never "verified", and the verdict
        /// prints the hash factor, the estimated coverage and the chance
        /// that a state was missed).
        #[arg(long, value_name = "STORE", default_value = "auto")]
        store: weft_checker::graph::StoreKind,
        /// With `--store fingerprint`: how much of the frontier (the states
        /// waiting to be expanded, kept in full) stays in memory before the
        /// rest is written to a file in TMPDIR and read back in order
        /// (`256M`, `1G`, or `none` for no limit). The default is a quarter
        /// of --max-memory. `--stats` says how much was written, and the
        /// most that was on disk at once. The file has no name (nothing is
        /// left behind, even by a killed run).
        #[arg(long, value_name = "SIZE")]
        frontier_memory: Option<memory::MaxMemory>,
    },
    /// Translate a Go file's tests (`TestXxx(t *testing.T)`), `main`, or
    /// the function `--func` names into scenarios: readable RON named as
    /// the Go code, with a `// go: FILE:LINE` comment on every statement.
    /// `weft check FILE.go` imports in memory and reports at the Go lines.
    Import {
        /// The Go file.
        file: PathBuf,
        /// Write the scenario to this file (one entry point), or each
        /// scenario to DIR/NAME.ron when it is a directory; default: stdout.
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        #[command(flatten)]
        load: LoadArgs,
    },
    /// Re-execute one schedule step by step and report the bug it reaches.
    #[command(after_help = AFTER_HELP)]
    Replay {
        /// The scenario file.
        file: PathBuf,
        /// The schedule token from a report (`v1:...`).
        #[arg(long)]
        schedule: String,
        #[command(flatten)]
        load: LoadArgs,
        /// Wait for Enter before each step (when stdin is a terminal).
        #[arg(long)]
        step: bool,
        /// Also write the counterexample's graphs to this Graphviz DOT file.
        #[arg(long, value_name = "FILE")]
        graph: Option<PathBuf>,
        /// Explore at most this many states after the run to decide whether
        /// a goroutine is blocked forever (default: 1000000); past it the
        /// report says that this is undecided.
        #[arg(long)]
        max_states: Option<usize>,
        /// Explore at most this many steps past the end of the run to decide
        /// whether a goroutine is blocked forever (past it, undecided).
        #[arg(long)]
        max_depth: Option<usize>,
        /// Stop after this many seconds, the replay included (what is then
        /// undecided is said).
        #[arg(long, value_name = "SECONDS")]
        time_limit: Option<f64>,
        /// Stop exploring after the run when weft's resident memory reaches
        /// this size (`500M`, `2G`, or `none`; what is then undecided is
        /// said). The default is half of the memory available when weft
        /// starts.
        #[arg(long, value_name = "SIZE", default_value_t = memory::default_max_memory())]
        max_memory: memory::MaxMemory,
    },
}

/// A flag set by the first Ctrl-C (the search then stops and the report of
/// what it explored is printed); a second Ctrl-C exits at once.
fn on_ctrl_c() -> StopFlag {
    let flag = StopFlag::new();
    let set = flag.clone();
    let installed = ctrlc::set_handler(move || {
        if set.is_requested() {
            std::process::exit(130);
        }
        set.request();
        eprintln!("\ninterrupted: stopping the search to report what it found (Ctrl-C again to quit at once)");
    });
    if let Err(e) = installed {
        eprintln!("warning: Ctrl-C will stop weft without a report: {e}");
    }
    flag
}

/// Runs the command line; returns the exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::BadInput as i32
            } else {
                0
            };
        }
    };
    let exit = match cli.command {
        Command::Check {
            paths,
            load,
            max_states,
            max_depth,
            time_limit,
            max_memory,
            stop_at_first_bug,
            syntax_only,
            graph,
            html,
            minimal_cap,
            reduction,
            stats,
            progress,
            no_progress,
            jobs,
            store,
            frontier_memory,
        } => {
            if frontier_memory.is_some()
                && !matches!(
                    store,
                    weft_checker::graph::StoreKind::Fingerprint
                        | weft_checker::graph::StoreKind::Auto
                )
            {
                eprintln!(
                    "error: --frontier-memory applies to --store fingerprint (and auto) only (the full store keeps every state, and a bit-state store's frontier must stay in memory to recognise the states that wait in it)"
                );
                return Exit::BadInput as i32;
            }
            if let Err(message) = use_threads(jobs) {
                eprintln!("error: {message}");
                return Exit::BadInput as i32;
            }
            if let Some(t) = time_limit {
                if !(t.is_finite() && t > 0.0) {
                    eprintln!("error: --time-limit must be a positive number of seconds");
                    return Exit::BadInput as i32;
                }
            }
            if let Err(message) = bitstate_fits(store, max_memory.0) {
                eprintln!("error: {message}");
                return Exit::BadInput as i32;
            }
            let bounds = weft_checker::explore::Bounds {
                max_states,
                max_depth,
                time_limit: time_limit.map(Duration::from_secs_f64),
                max_memory: max_memory.0,
                stop_at_first_bug,
                frontier_memory: frontier_memory.map(|m| m.0.unwrap_or(u64::MAX)),
                stop: on_ctrl_c(),
                store,
            };
            let mut opts = load.report_options();
            opts.minimal_cap = minimal_cap;
            opts.states = html.is_some();
            let search = check::Search {
                bounds,
                reduction: reduction.parse().unwrap_or_default(),
                stats,
                progress: progress::Mode::choose(progress, no_progress),
            };
            let out = check::Outputs {
                graph: graph.as_deref(),
                html: html.as_deref(),
            };
            check::run(&paths, &load, &search, syntax_only, out, &opts)
        }
        Command::Import { file, output, load } => gofile::import(&file, output.as_ref(), &load),
        Command::Replay {
            file,
            schedule,
            load,
            step,
            graph,
            max_states,
            max_depth,
            time_limit,
            max_memory,
        } => {
            if let Some(t) = time_limit {
                if !(t.is_finite() && t > 0.0) {
                    eprintln!("error: --time-limit must be a positive number of seconds");
                    return Exit::BadInput as i32;
                }
            }
            let bounds = weft_checker::explore::Bounds {
                max_states,
                max_depth,
                time_limit: time_limit.map(Duration::from_secs_f64),
                max_memory: max_memory.0,
                stop_at_first_bug: false,
                frontier_memory: None,
                stop: on_ctrl_c(),
                store: weft_checker::graph::StoreKind::Full,
            };
            replay::run(&file, &schedule, &load, step, graph.as_deref(), bounds)
        }
    };
    exit as i32
}

/// How many threads expand states.
#[derive(Clone, Copy, Debug)]
enum Jobs {
    /// This many.
    Threads(usize),
    /// One per core.
    AllCores,
}

/// Reads `--jobs`: a positive number, or `all`.
fn parse_jobs(s: &str) -> Result<Jobs, String> {
    match s {
        "all" => Ok(Jobs::AllCores),
        _ => match s.parse::<usize>() {
            Ok(0) | Err(_) => Err(format!(
                "expected a number of threads (1 or more) or `all`, found `{s}`"
            )),
            Ok(n) => Ok(Jobs::Threads(n)),
        },
    }
}

/// Whether a bit-state store's array fits: within the search's share of
/// `--max-memory` (the array is touched all over as states are stored),
/// and granted by the system.
fn bitstate_fits(
    store: weft_checker::graph::StoreKind,
    max_memory: Option<u64>,
) -> Result<(), String> {
    let weft_checker::graph::StoreKind::Bitstate { bytes, .. } = store else {
        return Ok(());
    };
    let shown = weft_checker::explore::bounds::size(bytes);
    if let Some(max) = max_memory {
        let (num, den) = weft_checker::explore::bounds::SEARCH_SHARE;
        if bytes > max / den * num {
            return Err(format!(
                "--store bitstate={shown}: the bit array does not fit in the search's share ({num}/{den}) of --max-memory {}; give a smaller array or a larger --max-memory",
                weft_checker::explore::bounds::size(max)
            ));
        }
    }
    if !weft_checker::graph::bitstate_fits(bytes) {
        return Err(format!(
            "--store bitstate={shown}: the system cannot allocate a bit array of this size; give a smaller one"
        ));
    }
    Ok(())
}

/// Sets the number of threads the search expands states on.
fn use_threads(jobs: Jobs) -> Result<(), String> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Jobs::Threads(n) = jobs {
        pool = pool.num_threads(n);
    }
    pool.build_global()
        .map_err(|e| format!("cannot start the search threads: {e}"))
}
