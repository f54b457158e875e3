//! Command-line interface. Only this module prints.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use weft_checker::report::Locator;
use weft_checker::semantics::{Failure, FailureKind};
use weft_checker::stop::StopFlag;

mod check;
mod memory;
mod progress;
mod replay;

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
const EXIT_CODES: &str = "\
Exit codes:
  0  every scenario behaved as it expects (replay: the run shows no bug)
  1  a bug, or a mismatch with a scenario's `expect` (replay: the run shows a bug)
  2  invalid input or usage (including a type error found while running a scenario)
  3  internal error: a bug in weft itself, not in the scenario; please report it
130  interrupted twice (Ctrl-C): stopped at once, with no report

A first Ctrl-C stops the search and prints the report of what was explored
so far, incomplete (bounded by Ctrl-C); the scenarios not yet started are
skipped.";

/// Where to report an internal error.
const REPORT_BUG: &str = "this is a bug in weft, not in the scenario: please report it on \
weft's issue tracker (the repository's Issues page), with the scenario file and this message";

/// Prints a run-time failure that stops the check of the scenario in
/// `path` without being one of its bugs, and returns the exit code it
/// deserves: a type error in the scenario is bad input, anything else is
/// weft's own fault.
pub fn stopped(path: &Path, loc: &Locator, failure: &Failure) -> Exit {
    let at = loc.site(failure.site, None);
    let (what, exit) = match failure.kind {
        FailureKind::Model => ("invalid scenario at run time", Exit::BadInput),
        // An interruption ends the search as incomplete before it gets
        // here; one that does not is weft's fault.
        FailureKind::Internal
        | FailureKind::Interrupted
        | FailureKind::Panic
        | FailureKind::Fatal
        | FailureKind::Assert => ("internal weft error", Exit::Internal),
    };
    eprintln!(
        "error: {}:{}:{}: {what}: {}\n  {}",
        path.display(),
        at.line,
        at.col,
        failure.message,
        at.text
    );
    if exit == Exit::Internal {
        eprintln!("  {REPORT_BUG}");
    }
    exit
}

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable.
    Text,
    /// JSON Lines: one object per scenario.
    Json,
}

/// weft: a systematic schedule explorer for Go-style concurrency.
#[derive(Parser, Debug)]
#[command(name = "weft", version, about, after_help = EXIT_CODES)]
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
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Colour: auto (terminal and no NO_COLOR), always, never.
    #[arg(long, default_value = "auto", value_parser = ["auto", "always", "never"])]
    pub color: String,
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
            ..Default::default()
        }
    }

    /// Report options: `--param`s are repeated in reproduce commands.
    pub fn report_options(&self) -> weft_checker::report::Options {
        weft_checker::report::Options {
            params: self.param_pairs(),
            ..Default::default()
        }
    }

    /// Whether to colour output on stdout.
    pub fn color(&self) -> bool {
        match self.color.as_str() {
            "always" => true,
            "never" => false,
            _ => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
        }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Explore every schedule of each scenario and report bugs.
    Check {
        /// Scenario files or directories (searched recursively for *.ron).
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
        /// Work cap of the search for minimal counterexamples (fewest
        /// preemptions, then steps); past it, or with 0, the breadth-first
        /// counterexample is shown and the report says so.
        #[arg(long, value_name = "STATES", default_value_t = weft_checker::counterexample::minimal::DEFAULT_CAP)]
        minimal_cap: usize,
        /// Partial-order reduction: `por` (the default: persistent and sleep
        /// sets; on a cyclic state graph, persistent sets with a cycle
        /// proviso) or `none` (the plain exhaustive search, the referee).
        #[arg(long, default_value = "por", value_parser = ["por", "none"])]
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
    },
    /// Re-execute one schedule step by step and report the bug it reaches.
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
            minimal_cap,
            reduction,
            stats,
            progress,
            no_progress,
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
                stop_at_first_bug,
                stop: on_ctrl_c(),
            };
            let mut opts = load.report_options();
            opts.minimal_cap = minimal_cap;
            let search = check::Search {
                bounds,
                reduction: reduction.parse().unwrap_or_default(),
                stats,
                progress: progress::Mode::choose(progress, no_progress),
            };
            check::run(&paths, &load, &search, syntax_only, graph.as_deref(), &opts)
        }
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
                stop: on_ctrl_c(),
            };
            replay::run(&file, &schedule, &load, step, graph.as_deref(), bounds)
        }
    };
    exit as i32
}
