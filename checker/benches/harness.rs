//! `just bench`: weft against its peers on the same models, in one run.
//!
//! For every family of `families.rs` at growing sizes, one row per tool:
//! weft with its default reduction and with `--reduction none`, loom (the
//! same model as a loom test, `peers/loom_models.rs`, where loom can
//! express it), and SPIN with and without its partial-order reduction (the
//! same model in Promela, `peers/promela.rs`), next to the optimal number of
//! Mazurkiewicz traces where it is known in closed form. Every measurement
//! runs in a child process (this binary with `--one`), so peak memory is its
//! own, under a 60 s cap. The markdown table goes to stdout and to
//! `checker/benches/RESULTS.md` (`--out FILE` elsewhere, `--quick` for small
//! sizes only). `--before BIN` adds a `weft-before` row under each `weft`
//! row, measured by BIN: this harness built from an earlier commit, so a
//! change to the engine is measured against the code before it in the same
//! run.
//!
//! Run with `cargo run --release -p weft-checker --example bench -- [--quick] [--before BIN]`.

#[path = "families.rs"]
mod families;
#[path = "instructions.rs"]
mod instructions;
#[path = "peers/loom_models.rs"]
mod loom_models;
#[path = "peers/promela.rs"]
mod promela;

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use weft_checker::explore::{explore_with, Bounds};
use weft_checker::graph::StoreKind;
use weft_checker::reduce::Reduction;
use weft_models::span::SourceFile;

/// The cap on one measurement (`--quick`: 10 s).
fn cap(quick: bool) -> Duration {
    Duration::from_secs(if quick { 10 } else { 30 })
}

/// How a capped measurement is shown.
fn over(cap: Duration) -> String {
    format!("> {} s", cap.as_secs())
}

/// A family of models.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Independent,
    Readers,
    Lastzero,
    Indexer,
    Philosophers,
    PhilosophersFixed,
    Gops,
    GopsFixed,
    Pipeline,
    Fanout,
    Workers,
}

const FAMILIES: [Family; 11] = [
    Family::Independent,
    Family::Readers,
    Family::Lastzero,
    Family::Indexer,
    Family::Philosophers,
    Family::PhilosophersFixed,
    Family::Gops,
    Family::GopsFixed,
    Family::Pipeline,
    Family::Fanout,
    Family::Workers,
];

impl Family {
    fn name(self) -> &'static str {
        match self {
            Family::Independent => "independent",
            Family::Readers => "readers",
            Family::Lastzero => "lastzero",
            Family::Indexer => "indexer",
            Family::Philosophers => "philosophers",
            Family::PhilosophersFixed => "philosophers-fixed",
            Family::Gops => "gops",
            Family::GopsFixed => "gops-fixed",
            Family::Pipeline => "pipeline",
            Family::Fanout => "fanout",
            Family::Workers => "workers",
        }
    }

    fn parse(s: &str) -> Option<Family> {
        FAMILIES.into_iter().find(|f| f.name() == s)
    }

    /// What the size parameters mean.
    fn size_label(self, a: usize, b: usize) -> String {
        match self {
            Family::Gops | Family::GopsFixed => format!("N={a} K={b}"),
            Family::Pipeline => format!("K={a} M={b}"),
            _ => format!("N={a}"),
        }
    }

    /// Sizes to measure (second parameter where the family has one).
    fn sizes(self, quick: bool) -> Vec<(usize, usize)> {
        let v: Vec<(usize, usize)> = match (self, quick) {
            (Family::Independent, false) => vec![(2, 0), (4, 0), (8, 0), (11, 0)],
            (Family::Independent, true) => vec![(3, 0)],
            (Family::Readers, false) => {
                vec![(2, 0), (3, 0), (6, 0), (10, 0), (14, 0), (16, 0), (18, 0)]
            }
            (Family::Readers, true) => vec![(2, 0)],
            (Family::Lastzero, false) => {
                vec![(2, 0), (3, 0), (6, 0), (9, 0), (12, 0), (13, 0), (16, 0)]
            }
            (Family::Lastzero, true) => vec![(2, 0)],
            (Family::Indexer, false) => vec![(2, 0), (3, 0), (4, 0), (8, 0), (12, 0)],
            (Family::Indexer, true) => vec![(2, 0)],
            (Family::Philosophers, false) => vec![(3, 0), (4, 0), (6, 0), (8, 0)],
            (Family::PhilosophersFixed, false) => {
                vec![(3, 0), (4, 0), (6, 0), (8, 0), (10, 0), (12, 0)]
            }
            (Family::Philosophers | Family::PhilosophersFixed, true) => vec![(3, 0)],
            (Family::Gops | Family::GopsFixed, false) => vec![(3, 2), (4, 2), (5, 3)],
            (Family::Gops | Family::GopsFixed, true) => vec![(3, 2)],
            (Family::Pipeline, false) => vec![(2, 2), (3, 3), (4, 4)],
            (Family::Pipeline, true) => vec![(2, 2)],
            (Family::Fanout, false) => vec![(2, 0), (4, 0), (6, 0)],
            (Family::Fanout, true) => vec![(2, 0)],
            (Family::Workers, false) => vec![(2, 0), (3, 0), (4, 0)],
            (Family::Workers, true) => vec![(2, 0)],
        };
        v
    }

    /// The weft scenario.
    fn weft(self, a: usize, b: usize) -> String {
        match self {
            Family::Independent => families::independent(a),
            Family::Readers => families::readers_writer(a, true),
            Family::Lastzero => families::lastzero(a, true),
            Family::Indexer => families::indexer_slice(a),
            Family::Philosophers => families::philosophers(a, false),
            Family::PhilosophersFixed => families::philosophers(a, true),
            Family::Gops => families::gops(a, b, false),
            Family::GopsFixed => families::gops(a, b, true),
            Family::Pipeline => families::pipeline(a, b),
            Family::Fanout => families::fanout(a),
            Family::Workers => families::workers(a),
        }
    }

    /// The reduction weft's own rows use: `dpor` where the operations'
    /// objects are computed at run time (indexer's `table[h]`), so the
    /// stateful reduction's static futures see any slot; `por` elsewhere.
    fn reduction(self) -> Reduction {
        match self {
            Family::Indexer => Reduction::Dpor,
            Family::Independent
            | Family::Readers
            | Family::Lastzero
            | Family::Philosophers
            | Family::PhilosophersFixed
            | Family::Gops
            | Family::GopsFixed
            | Family::Pipeline
            | Family::Fanout
            | Family::Workers => Reduction::Por,
        }
    }

    /// The Promela model.
    fn promela(self, a: usize, b: usize) -> String {
        match self {
            Family::Independent => promela::independent(a),
            Family::Readers => promela::readers_writer(a),
            Family::Lastzero => promela::lastzero(a),
            Family::Indexer => promela::indexer(a),
            Family::Philosophers => promela::philosophers(a, false),
            Family::PhilosophersFixed => promela::philosophers(a, true),
            Family::Gops => promela::gops(a, b, false),
            Family::GopsFixed => promela::gops(a, b, true),
            Family::Pipeline => promela::pipeline(a, b),
            Family::Fanout => promela::fanout(a),
            Family::Workers => promela::workers(a),
        }
    }

    /// The loom model, where loom can express it (at most 4 threads).
    fn loom(self, a: usize) -> Option<loom_models::Model> {
        match self {
            Family::Independent if a <= 4 => Some(loom_models::independent(a)),
            Family::Readers if a < 4 => Some(loom_models::readers_writer(a)),
            Family::Lastzero if a < 4 => Some(loom_models::lastzero(a)),
            Family::Indexer if a <= 4 => Some(loom_models::indexer(a)),
            Family::Philosophers if a <= 4 => Some(loom_models::philosophers(a, false)),
            Family::PhilosophersFixed if a <= 4 => Some(loom_models::philosophers(a, true)),
            _ => None,
        }
    }

    /// Why loom has no row.
    fn no_loom(self) -> &'static str {
        match self {
            Family::Gops | Family::GopsFixed | Family::Pipeline | Family::Fanout => {
                "loom: no Go channels or select"
            }
            Family::Workers => "loom: its executions must end",
            _ => "loom: at most 4 threads besides main",
        }
    }

    /// Buggy families are measured to the first counterexample.
    fn buggy(self) -> bool {
        matches!(self, Family::Philosophers | Family::Gops)
    }

    /// The number of Mazurkiewicz traces, where known in closed form.
    fn optimal(self, a: usize) -> Option<u128> {
        let a32 = a as u32;
        match self {
            Family::Independent => Some(1),
            Family::Readers => Some(2u128.pow(a32)),
            Family::Lastzero => Some(u128::from(a32 + 3) * 2u128.pow(a32 - 2)),
            Family::PhilosophersFixed => Some(2u128.pow(a32) - 2),
            // No two goroutines probe the same cell below 12 (Flanagan and
            // Godefroid): every insertion is independent.
            Family::Indexer if a < 12 => Some(1),
            _ => None,
        }
    }
}

/// One tool's measurement of one model.
#[derive(Clone, Debug, Default)]
struct Cell {
    states: Option<u64>,
    transitions: Option<u64>,
    runs: Option<u128>,
    seconds: f64,
    peak_kb: Option<u64>,
    /// weft's own estimate of a stored state's size; SPIN's state vector.
    bytes_per_state: Option<u64>,
    /// With the fingerprint store: the search's peak resident memory
    /// beyond the frontier's (`--stats`), and the frontier's most bytes.
    beyond_frontier: Option<(u64, u64)>,
    /// weft's states on some complete run (`--stats`), when counted.
    on_runs: Option<u64>,
    /// "bug", "clean", "> 60 s", or an error.
    verdict: String,
}

impl Cell {
    fn to_line(&self) -> String {
        let o = |x: Option<u64>| x.map_or("-".to_string(), |v| v.to_string());
        let mut line = format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            o(self.states),
            o(self.transitions),
            self.runs.map_or("-".to_string(), |v| v.to_string()),
            self.seconds,
            o(self.peak_kb),
            o(self.bytes_per_state),
            self.verdict
        );
        if self.beyond_frontier.is_some() || self.on_runs.is_some() {
            let (beyond, frontier) = self
                .beyond_frontier
                .map_or(("-".into(), "-".into()), |(b, f)| {
                    (b.to_string(), f.to_string())
                });
            line.push_str(&format!("\t{beyond}\t{frontier}\t{}", o(self.on_runs)));
        }
        line
    }

    fn from_line(line: &str) -> Option<Cell> {
        let f: Vec<&str> = line.trim().split('\t').collect();
        // Seven fields (as the harness of `--before` writes them), nine
        // with the fingerprint store's memory, or ten with the states on
        // complete runs.
        if ![7, 9, 10].contains(&f.len()) {
            return None;
        }
        Some(Cell {
            states: f[0].parse().ok(),
            transitions: f[1].parse().ok(),
            runs: f[2].parse().ok(),
            seconds: f[3].parse().ok()?,
            peak_kb: f[4].parse().ok(),
            bytes_per_state: f[5].parse().ok(),
            verdict: f[6].to_string(),
            beyond_frontier: f
                .get(7)
                .zip(f.get(8))
                .and_then(|(b, fr)| Some((b.parse().ok()?, fr.parse().ok()?))),
            on_runs: f.get(9).and_then(|x| x.parse().ok()),
        })
    }

    fn failed(why: impl Into<String>) -> Cell {
        Cell {
            verdict: why.into(),
            ..Cell::default()
        }
    }
}

/// This process's peak resident memory, in KiB (Linux).
fn peak_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

// ----- measurements run in a child process -----

fn measure_weft(
    family: Family,
    a: usize,
    b: usize,
    reduction: Reduction,
    store: StoreKind,
    cap: Duration,
) -> Cell {
    let ron = family.weft(a, b);
    let file = SourceFile::new(format!("{}.ron", family.name()), ron);
    let prog = match weft_models::compile(&file, &[]) {
        Ok(p) => p,
        Err(e) => return Cell::failed(format!("invalid: {}", e.render(&file, false))),
    };
    let bounds = Bounds {
        time_limit: Some(cap),
        stop_at_first_bug: family.buggy(),
        store,
        ..Default::default()
    };
    let start = Instant::now();
    let out = match explore_with(&prog, &bounds, reduction) {
        Ok(o) => o,
        Err(e) => return Cell::failed(format!("model error: {e}")),
    };
    let seconds = start.elapsed().as_secs_f64();
    let timed_out = matches!(out.bound, Some(weft_checker::explore::Bound::Time(_)));
    Cell {
        states: Some(out.stats.states as u64),
        transitions: Some(out.stats.transitions as u64),
        runs: out.stats.complete_runs,
        seconds,
        peak_kb: peak_kb(),
        bytes_per_state: Some(out.stats.bytes_per_state as u64),
        beyond_frontier: out
            .stats
            .frontier
            .as_ref()
            .and_then(|f| Some((f.resident_beyond?, f.peak_with_in_flight_bytes))),
        on_runs: out.stats.states_on_complete_runs.map(|n| n as u64),
        verdict: if !out.bugs.is_empty() {
            "bug".into()
        } else if timed_out {
            over(cap)
        } else if out.complete {
            "clean".into()
        } else {
            "incomplete".into()
        },
    }
}

fn measure_loom(family: Family, a: usize, cap: Duration) -> Cell {
    use std::sync::atomic::{AtomicU64, Ordering};
    static EXECUTIONS: AtomicU64 = AtomicU64::new(0);
    let Some(model) = family.loom(a) else {
        return Cell::failed(family.no_loom());
    };
    let mut builder = loom::model::Builder::new();
    builder.max_duration = Some(cap);
    // loom checks its duration limit only every `checkpoint_interval`
    // executions: check at every one.
    builder.checkpoint_interval = 1;
    // loom reports a deadlock with a panic that aborts the process (it is
    // raised inside its scheduler): the hook prints the measurement first.
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let start = *START.get_or_init(Instant::now);
    std::panic::set_hook(Box::new(|_| {
        let seconds = START.get().map_or(0.0, |s| s.elapsed().as_secs_f64());
        let cell = Cell {
            runs: Some(u128::from(EXECUTIONS.load(Ordering::Relaxed))),
            seconds,
            peak_kb: peak_kb(),
            verdict: "bug".into(),
            ..Cell::default()
        };
        println!("{}", cell.to_line());
        let _ = std::io::Write::flush(&mut std::io::stdout());
    }));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        builder.check(move || {
            EXECUTIONS.fetch_add(1, Ordering::Relaxed);
            model();
        })
    }));
    let seconds = start.elapsed().as_secs_f64();
    let runs = EXECUTIONS.load(Ordering::Relaxed);
    Cell {
        states: None,
        transitions: None,
        runs: Some(u128::from(runs)),
        seconds,
        peak_kb: peak_kb(),
        bytes_per_state: None,
        beyond_frontier: None,
        on_runs: None,
        verdict: if result.is_err() {
            "bug".into()
        } else if seconds >= cap.as_secs_f64() {
            over(cap)
        } else {
            "clean".into()
        },
    }
}

fn child(args: &[String]) -> Cell {
    let get = |i: usize| {
        args.get(i)
            .and_then(|s| s.parse::<usize>().ok())
            .unwrap_or(0)
    };
    let cap = Duration::from_secs(get(4).max(1) as u64);
    let Some(family) = args.get(1).and_then(|f| Family::parse(f)) else {
        return Cell::failed("unknown family");
    };
    let weft = |reduction: Reduction, store: StoreKind| {
        measure_weft(family, get(2), get(3), reduction, store, cap)
    };
    match args.first().map(String::as_str) {
        // One thread, as `weft check --jobs 1` runs: the global pool has one
        // thread and the search runs on this (the main) thread, as the
        // binary's does (a search run on a pool thread allocates from
        // another malloc arena, 6-10 % slower on one thread).
        Some("weft") => match one_thread() {
            Ok(()) => weft(family.reduction(), StoreKind::Full),
            Err(e) => Cell::failed(e),
        },
        // One thread, with the fingerprint store.
        Some("weft-fingerprint-one") => match one_thread() {
            Ok(()) => weft(family.reduction(), StoreKind::Fingerprint),
            Err(e) => Cell::failed(e),
        },
        // Every core (`--jobs all`).
        Some("weft-allcores") => weft(family.reduction(), StoreKind::Full),
        // Every core, with the fingerprint store.
        Some("weft-fingerprint") => weft(family.reduction(), StoreKind::Fingerprint),
        Some("weft-none") => weft(Reduction::None, StoreKind::Full),
        Some("loom") => measure_loom(family, get(2), cap),
        _ => Cell::failed("unknown tool"),
    }
}

/// Makes the global pool one thread, as `weft check --jobs 1` runs.
fn one_thread() -> Result<(), String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build_global()
        .map_err(|e| e.to_string())
}

// ----- the parent: children, SPIN, the table -----

/// Runs `cmd` with a deadline, returning its stdout (or `None` on timeout).
fn run_capped(mut cmd: Command, cap: Duration) -> Result<Option<(String, f64)>, String> {
    let start = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut out = String::new();
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    loop {
        if child.try_wait().map_err(|e| e.to_string())?.is_some() {
            break;
        }
        if start.elapsed() > cap {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let seconds = start.elapsed().as_secs_f64();
    out.push_str(&reader.join().unwrap_or_default());
    Ok(Some((out, seconds)))
}

fn measure_in_child(tool: &str, family: Family, a: usize, b: usize, cap: Duration) -> Cell {
    let Ok(me) = std::env::current_exe() else {
        return Cell::failed("cannot find the harness binary");
    };
    measure_with(&me, tool, family, a, b, cap)
}

/// One measurement by the harness binary `bin` (this one, or one built
/// from an earlier commit: `--before`).
fn measure_with(bin: &Path, tool: &str, family: Family, a: usize, b: usize, cap: Duration) -> Cell {
    let mut cmd = Command::new(bin);
    cmd.args([
        "--one",
        tool,
        family.name(),
        &a.to_string(),
        &b.to_string(),
        &cap.as_secs().to_string(),
    ]);
    match run_capped(cmd, cap + Duration::from_secs(15)) {
        Ok(Some((out, _))) => out
            .lines()
            .last()
            .and_then(Cell::from_line)
            .unwrap_or_else(|| Cell::failed("crashed")),
        Ok(None) => Cell::failed(over(cap)),
        Err(e) => Cell::failed(e),
    }
}

/// The speedup of every core over one read from the rounds of a timed row
/// pair (`one`, `all`: seconds per round, in round order), as the median of
/// the rounds' ratios and each ratio in brackets ("1.84x (1.80, 1.84,
/// 1.91), "); empty when no round has both times.
fn paired_speedup(one: &[f64], all: &[f64]) -> String {
    let mut ratios: Vec<f64> = one
        .iter()
        .zip(all)
        .filter(|(o, a)| **o > 0.0 && **a > 0.0)
        .map(|(o, a)| o / a)
        .collect();
    if ratios.is_empty() {
        return String::new();
    }
    let each: Vec<String> = ratios.iter().map(|x| format!("{x:.2}")).collect();
    ratios.sort_by(f64::total_cmp);
    let n = ratios.len();
    let median = if n % 2 == 1 {
        ratios[n / 2]
    } else {
        (ratios[n / 2 - 1] + ratios[n / 2]) / 2.0
    };
    format!("{median:.2}x ({}), ", each.join(", "))
}

/// The measurement with the median time among `cells` (not empty).
fn median(mut cells: Vec<Cell>) -> Cell {
    cells.sort_by(|x, y| x.seconds.total_cmp(&y.seconds));
    cells.swap_remove(cells.len() / 2)
}

fn spin_available() -> bool {
    Command::new("spin")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The number after `key` on the line of `text` containing it.
fn number_before(text: &str, key: &str) -> Option<f64> {
    let line = text.lines().find(|l| l.contains(key))?;
    let before = &line[..line.find(key)?];
    before.split_whitespace().last()?.parse().ok()
}

/// Compiles the Promela model of `family` at size `(a, b)` with SPIN in a
/// directory under `dir` (`reduce`: its default partial-order reduction,
/// or `-DNOREDUCE`); returns the command that runs its verifier, `pan`.
fn compile_pan(
    dir: &Path,
    family: Family,
    a: usize,
    b: usize,
    reduce: bool,
) -> Result<Command, String> {
    let name = format!(
        "{}-{a}-{b}-{}",
        family.name(),
        if reduce { "por" } else { "full" }
    );
    let work = dir.join(name);
    std::fs::create_dir_all(&work).map_err(|_| "cannot create a work directory")?;
    std::fs::write(work.join("model.pml"), family.promela(a, b))
        .map_err(|_| "cannot write the model")?;
    let ok = |c: &mut Command| {
        c.current_dir(&work)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !ok(Command::new("spin").args(["-a", "model.pml"])) {
        return Err("spin -a failed".into());
    }
    let mut gcc = Command::new("gcc");
    gcc.args(["-O2", "-DSAFETY", "-DMEMLIM=16000"]);
    if !reduce {
        gcc.arg("-DNOREDUCE");
    }
    if !ok(gcc.args(["-o", "pan", "pan.c"])) {
        return Err("gcc pan.c failed".into());
    }
    let mut pan = Command::new(work.join("pan"));
    pan.current_dir(&work).arg("-m1000000");
    Ok(pan)
}

/// Compiles and runs the Promela model with SPIN (`reduce`: its default
/// partial-order reduction, or `-DNOREDUCE`).
fn measure_spin(
    dir: &Path,
    family: Family,
    a: usize,
    b: usize,
    reduce: bool,
    cap: Duration,
) -> Cell {
    let pan = match compile_pan(dir, family, a, b, reduce) {
        Ok(pan) => pan,
        Err(e) => return Cell::failed(e),
    };
    match run_capped(pan, cap) {
        Ok(Some((out, wall))) => {
            // pan's own search time (its clock has 10 ms steps), not the
            // process start and hash-table allocation around it.
            let seconds = out
                .lines()
                .find_map(|l| l.strip_prefix("pan: elapsed time "))
                .and_then(|x| x.split_whitespace().next()?.parse::<f64>().ok())
                .unwrap_or(wall);
            let errors = out
                .lines()
                .find_map(|l| l.split("errors: ").nth(1))
                .and_then(|x| x.trim().parse::<u64>().ok());
            Cell {
                states: number_before(&out, "states, stored").map(|x| x as u64),
                transitions: number_before(&out, "transitions (= stored+matched)")
                    .map(|x| x as u64),
                runs: None,
                seconds,
                peak_kb: number_before(&out, "total actual memory usage")
                    .map(|mb| (mb * 1024.0) as u64),
                bytes_per_state: out
                    .lines()
                    .find_map(|l| l.strip_prefix("State-vector "))
                    .and_then(|x| x.split_whitespace().next()?.parse().ok()),
                beyond_frontier: None,
                on_runs: None,
                verdict: match errors {
                    Some(0) => "clean".into(),
                    Some(_) => "bug".into(),
                    None => "no result".into(),
                },
            }
        }
        Ok(None) => Cell::failed(over(cap)),
        Err(e) => Cell::failed(e),
    }
}

/// One measured row.
struct Row {
    family: Family,
    a: usize,
    b: usize,
    tool: &'static str,
    cell: Cell,
    /// The seconds of each round of a timed row, in round order (empty for
    /// the other rows): the speedup pairs them with the other tool's.
    rounds: Vec<f64>,
}

fn fmt_time(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.2} s")
    } else {
        format!("{:.1} ms", s * 1000.0)
    }
}

fn opt<T: ToString>(x: Option<T>) -> String {
    x.map_or("-".to_string(), |v| v.to_string())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown processor".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cores} cores, {cpu}")
}

fn today() -> String {
    Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map_or_else(|| "unknown date".into(), |s| s.trim().to_string())
}

fn table(rows: &[Row], quick: bool, spin: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# weft benchmarks\n");
    let _ = writeln!(
        out,
        "Generated by `just bench{}` (`cargo run --release -p weft-checker --example bench{}`) on {}, {}. \
         Every row is measured in the same run, each in its own process under a {} s cap. \
         *runs*: complete runs through weft's explored graph (with `por`, one per Mazurkiewicz trace), \
         or loom's executions; *optimal*: the number of Mazurkiewicz traces, from its closed form. \
         Buggy families (philosophers, gops) are measured to the first counterexample \
         (`--stop-at-first-bug`; SPIN stops at its first error). SPIN: `spin -a`, `gcc -O2 -DSAFETY`, \
         `./pan -m1000000`, with its partial-order reduction and with `-DNOREDUCE`; its peak memory \
         is pan's own \"total actual memory usage\", its time pan's own search time (10 ms steps). \
         *store B/state*: the bytes weft's explored graph holds per state (`--stats`), SPIN's state vector. \
         *RSS B/state*: peak resident memory of the process over states (it includes the program \
         itself, a few MB, which dominates on small rows). *weft-before*: the same search by the \
         harness built from the code before this session's engine work (`--before`), in the same run. \
         *weft* runs on one thread (`--jobs 1`); *weft-allcores* is the same search on every core \
         (`--jobs all`, the default of `weft check`), on the largest size of each family and on \
         lastzero(13), with the full store; *weft-fingerprint-one* and *weft-fingerprint* the same two with \
         `--store fingerprint` (what `weft check`'s default store, `auto`, takes for the families \
         whose runs all end: no complete runs counted, no edges kept; for workers, whose runs never \
         end, `auto` takes the full store, and the fingerprint store keeps edges and rebuilds the states \
         of the bottom components by replaying their paths); these four rows are each the \
         median of three runs, taken in three rounds spread over the bench (before the first family, \
         halfway, after the last), each round running the four in turn: a slow spell of the machine \
         (they last minutes here) then falls on one round of a row at most. \
         indexer is written as the Go program is, a slice of 128 slots and a probing loop \
         (`families::indexer_slice`), and weft's rows use `--reduction dpor` (stateless DPOR: the \
         stateful reduction sees `table[h]` as any slot); `weft-none` is the plain search of the \
         same program, and there is no `weft-before` row (the old harness had no slices). \
         workers (goroutines looping forever over two mutexes, main among them) is the one family \
         whose state graph cycles: weft searches it with persistent sets and the cycle proviso, \
         without sleep sets, and counts no complete runs; loom cannot run it (its executions must end).{}\n",
        if quick { "-quick" } else { "" },
        if quick { " -- --quick" } else { "" },
        today(),
        machine(),
        cap(quick).as_secs(),
        if spin { "" } else { " **SPIN was not installed: its rows are missing.**" }
    );
    let _ = writeln!(
        out,
        "| family | size | tool | verdict | states | transitions | runs | optimal | time | peak MB | states/s | store B/state | RSS B/state |"
    );
    let _ = writeln!(
        out,
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for r in rows {
        let c = &r.cell;
        let optimal = if r.tool.starts_with("weft") || r.tool == "loom" {
            opt(r.family.optimal(r.a))
        } else {
            "-".into()
        };
        let rate = match c.states {
            Some(s) if c.seconds > 0.0 => format!("{:.0}", s as f64 / c.seconds),
            _ => "-".into(),
        };
        let per_state = opt(c.bytes_per_state);
        let rss_per_state = opt(rss_per_state(c));
        let timed = !c.verdict.starts_with('>') && c.seconds > 0.0;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.family.name(),
            r.family.size_label(r.a, r.b),
            r.tool,
            c.verdict,
            opt(c.states),
            opt(c.transitions),
            opt(c.runs),
            optimal,
            if timed {
                fmt_time(c.seconds)
            } else {
                "-".into()
            },
            c.peak_kb
                .map_or("-".into(), |kb| format!("{:.1}", kb as f64 / 1024.0)),
            rate,
            per_state,
            rss_per_state
        );
    }
    out.push_str(&summary(rows));
    out
}

/// Peak resident memory over states, in bytes, for a finished weft row
/// (SPIN's peak is pan's own hash table allocation, not comparable).
fn rss_per_state(c: &Cell) -> Option<u64> {
    let states = c.states.filter(|&s| s > 0)?;
    Some(c.peak_kb? * 1024 / states)
}

fn find<'a>(rows: &'a [Row], f: Family, a: usize, b: usize, tool: &str) -> Option<&'a Cell> {
    rows.iter()
        .find(|r| r.family == f && r.a == a && r.b == b && r.tool == tool)
        .map(|r| &r.cell)
}

/// The targets of issue 7, each with what this run measured.
/// SPIN's search time below which a rate is not read from it: pan prints
/// its time in steps of 10 ms, so a reading of 10 or 20 ms may be half or
/// twice the time (a readers(10) row once read 1.27 from a 10 ms reading
/// where the run before had printed none).
const SPIN_TIME_FOR_A_RATE: f64 = 0.05;

/// Appends, for each row of `tool` over 1 ms with a SPIN row of the same
/// size that took at least [`SPIN_TIME_FOR_A_RATE`], weft's states per
/// second over SPIN's, then ends the line.
fn rate_against_spin(out: &mut String, rows: &[Row], tool: &str) {
    for r in rows.iter().filter(|r| r.tool == tool) {
        let Some(s) = find(rows, r.family, r.a, r.b, "spin") else {
            continue;
        };
        if let (Some(ws), Some(ss)) = (r.cell.states, s.states) {
            if r.cell.seconds > 1e-3 && s.seconds >= SPIN_TIME_FOR_A_RATE {
                let _ = write!(
                    out,
                    " {} {}: {:.2};",
                    r.family.name(),
                    r.family.size_label(r.a, r.b),
                    (ws as f64 / r.cell.seconds) / (ss as f64 / s.seconds)
                );
            }
        }
    }
    out.push('\n');
}

fn summary(rows: &[Row]) -> String {
    let mut out = String::from("\n## Against the targets\n\n");
    // 1. Complete runs against the optimum.
    out.push_str("**Complete runs / optimal** (target 1.00):");
    for r in rows.iter().filter(|r| r.tool == "weft") {
        if let (Some(runs), Some(opt)) = (r.cell.runs, r.family.optimal(r.a)) {
            let _ = write!(
                out,
                " {} {}: {:.2};",
                r.family.name(),
                r.family.size_label(r.a, r.b),
                runs as f64 / opt as f64
            );
        }
    }
    out.push('\n');
    // 2. States against SPIN with its reduction.
    out.push_str("\n**weft states / SPIN states (with reductions)** (target <= 1.00):");
    for r in rows.iter().filter(|r| r.tool == "weft") {
        if let (Some(w), Some(s)) = (
            r.cell.states,
            find(rows, r.family, r.a, r.b, "spin").and_then(|c| c.states),
        ) {
            let _ = write!(
                out,
                " {} {}: {:.2};",
                r.family.name(),
                r.family.size_label(r.a, r.b),
                w as f64 / s.max(1) as f64
            );
        }
    }
    out.push('\n');
    // 3. Speed against loom at the largest size loom finishes.
    out.push_str("\n**loom time / weft time at the largest size loom finishes within the cap** (target >= 100):");
    for f in FAMILIES {
        let best = rows
            .iter()
            .filter(|r| {
                r.family == f
                    && r.tool == "loom"
                    && matches!(r.cell.verdict.as_str(), "clean" | "bug")
            })
            .max_by_key(|r| (r.a, r.b));
        if let Some(l) = best {
            if let Some(w) = find(rows, f, l.a, l.b, "weft") {
                let _ = write!(
                    out,
                    " {} {}: {:.1} ({} against {});",
                    f.name(),
                    f.size_label(l.a, l.b),
                    l.cell.seconds / w.seconds.max(1e-9),
                    fmt_time(l.cell.seconds),
                    fmt_time(w.seconds)
                );
            }
        }
    }
    out.push('\n');
    // 4. States per second against SPIN's compiled verifier.
    out.push_str("\n**weft states/s / SPIN states/s** (each with its reduction, rows where SPIN's search took at least 50 ms: pan prints its time in 10 ms steps) (target >= 1.00):");
    rate_against_spin(&mut out, rows, "weft");
    // 4a. The same with the store `weft check` takes by default for these
    // families (fingerprints), one job: measured on the sizes that have
    // a `weft-fingerprint-one` row.
    out.push_str(
        "\n**weft states/s with its default store / SPIN states/s** (one job each: \
         `weft-fingerprint-one`, the store `weft check` takes for these families, on the sizes \
         that have that row and a SPIN time; beside the line above, which reads the full store):",
    );
    rate_against_spin(&mut out, rows, "weft-fingerprint-one");
    // 4b. The same comparison by time to the verdict: states/s weighs
    // each stored state alike, though weft's reduction stores far fewer.
    out.push_str(
        "\n**SPIN's time / weft's time to the same verdict** (one job each, each with its \
         reduction: SPIN's own search time, weft's whole run; `>`: SPIN was cut by the cap; \
         rows where both took over 1 ms or SPIN was cut; not an issue target, beside the one above):",
    );
    for r in rows.iter().filter(|r| r.tool == "weft") {
        let Some(s) = find(rows, r.family, r.a, r.b, "spin") else {
            continue;
        };
        if r.cell.verdict.starts_with('>') || r.cell.seconds <= 1e-3 {
            continue;
        }
        let capped = s
            .verdict
            .strip_prefix("> ")
            .and_then(|v| v.split(' ').next())
            .and_then(|v| v.parse::<f64>().ok());
        let label = (r.family.name(), r.family.size_label(r.a, r.b));
        match capped {
            Some(cap) => {
                let _ = write!(
                    out,
                    " {} {}: > {:.1};",
                    label.0,
                    label.1,
                    cap / r.cell.seconds
                );
            }
            None if s.seconds > 1e-3 => {
                let _ = write!(
                    out,
                    " {} {}: {:.2};",
                    label.0,
                    label.1,
                    s.seconds / r.cell.seconds
                );
            }
            None => {}
        }
    }
    out.push('\n');
    // 5. Against the code before (`--before`).
    if rows.iter().any(|r| r.tool == "weft-before") {
        out.push_str(
            "\n**weft against weft-before** (rows over 100 ms: states/s now / before; \
             RSS bytes per state before → now):",
        );
        for r in rows.iter().filter(|r| r.tool == "weft") {
            let Some(b) = find(rows, r.family, r.a, r.b, "weft-before") else {
                continue;
            };
            if let (Some(ws), Some(bs)) = (r.cell.states, b.states) {
                if r.cell.seconds > 0.1 && b.seconds > 0.1 {
                    let _ = write!(
                        out,
                        " {} {}: {:.2}x, {} → {} B;",
                        r.family.name(),
                        r.family.size_label(r.a, r.b),
                        (ws as f64 / r.cell.seconds) / (bs as f64 / b.seconds),
                        opt(rss_per_state(b)),
                        opt(rss_per_state(&r.cell)),
                    );
                }
            }
        }
        out.push('\n');
    }
    // 6. Every core against one.
    if rows.iter().any(|r| r.tool == "weft-allcores") {
        let _ = write!(
            out,
            "\n**weft on {} cores against one thread** (rows over 100 ms; issue 13's target >= 1.6 \
             on the three largest). Each round runs the one-thread search and then the same search \
             on every core, back to back, so a slow spell of the machine (they last minutes here) \
             slows both sides of a round: the speedup is the median of the rounds' ratios (time on \
             one / time on all), each round's ratio in brackets; *of medians*: the median time on \
             one over the median time on all, the rows of the table:",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
        for (store, one, all) in [
            ("full store", "weft", "weft-allcores"),
            (
                "fingerprint store (the default's choice here)",
                "weft-fingerprint-one",
                "weft-fingerprint",
            ),
        ] {
            let _ = write!(out, " {store}:");
            for r in rows.iter().filter(|r| r.tool == one) {
                let Some(all) = rows
                    .iter()
                    .find(|x| x.family == r.family && x.a == r.a && x.b == r.b && x.tool == all)
                else {
                    continue;
                };
                if r.cell.seconds > 0.1
                    && all.cell.seconds > 0.1
                    && r.cell.states == all.cell.states
                {
                    let _ = write!(
                        out,
                        " {} {}: {}of medians {:.2}x;",
                        r.family.name(),
                        r.family.size_label(r.a, r.b),
                        paired_speedup(&r.rounds, &all.rounds),
                        r.cell.seconds / all.cell.seconds,
                    );
                }
            }
        }
        out.push('\n');
    }
    // 7. Bytes per state by store kind.
    if rows.iter().any(|r| r.tool == "weft-fingerprint") {
        out.push_str(
            "\n**Bytes per stored state by store kind** (largest size of each family with at least \
             100,000 states, every core; \
             full: the graph's bytes per state, and peak RSS over states; fingerprint: the same, then \
             the search's peak resident memory beyond its frontier's, over states (what `--stats` \
             prints; the frontier's most bytes apart):",
        );
        for r in rows.iter().filter(|r| r.tool == "weft-fingerprint") {
            let Some(full) = find(rows, r.family, r.a, r.b, "weft-allcores") else {
                continue;
            };
            // Below this, the program's own few megabytes are most of it.
            let (Some(n @ 100_000..), Some(fs)) = (r.cell.states, full.states) else {
                continue;
            };
            let rss = |c: &Cell, n: u64| c.peak_kb.map_or(0, |kb| kb * 1024 / n.max(1));
            let _ = write!(
                out,
                " {} {}: full {} B, {} B RSS; fingerprint {} B, {} B RSS",
                r.family.name(),
                r.family.size_label(r.a, r.b),
                full.bytes_per_state.unwrap_or(0),
                rss(full, fs),
                r.cell.bytes_per_state.unwrap_or(0),
                rss(&r.cell, n),
            );
            if let Some((beyond, frontier)) = r.cell.beyond_frontier {
                let _ = write!(
                    out,
                    ", {:.1} B beyond a frontier of {:.1} MB",
                    beyond as f64 / n.max(1) as f64,
                    frontier as f64 / 1e6
                );
            }
            out.push(';');
        }
        out.push('\n');
    }
    // 8. Explorations that end asleep.
    out.push_str(
        "\n**States on no complete run / stored states** (weft, one thread, `--stats`; issue 13's \
         target <= 10 % on lastzero(12), fanout(6) and the fixed gops fan-out):",
    );
    for r in rows.iter().filter(|r| r.tool == "weft") {
        if let (Some(n @ 1..), Some(on)) = (r.cell.states, r.cell.on_runs) {
            let _ = write!(
                out,
                " {} {}: {:.0} %;",
                r.family.name(),
                r.family.size_label(r.a, r.b),
                (n - on.min(n)) as f64 * 100.0 / n as f64
            );
        }
    }
    out.push('\n');
    // 9. Growth with N.
    out.push_str(
        "\n**Growth of weft's states between consecutive sizes** (with `por`, then `none`):",
    );
    for f in FAMILIES {
        for tool in ["weft", "weft-none"] {
            let sizes: Vec<&Row> = rows
                .iter()
                .filter(|r| r.family == f && r.tool == tool && r.cell.states.is_some())
                .collect();
            let ratios: Vec<String> = sizes
                .windows(2)
                .map(|w| {
                    format!(
                        "x{:.1}",
                        w[1].cell.states.unwrap_or(0) as f64
                            / w[0].cell.states.unwrap_or(1).max(1) as f64
                    )
                })
                .collect();
            if !ratios.is_empty() {
                let _ = write!(out, " {} {tool}: {};", f.name(), ratios.join(" "));
            }
        }
    }
    out.push('\n');
    out
}

/// The file after `--out`, else `name` in `checker/benches/`.
fn out_path(args: &[String], name: &str) -> PathBuf {
    args.iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("benches")
                .join(name)
        })
}

/// `--instructions [--out FILE]`: weft's and SPIN's instructions per
/// stored state ([`instructions`]), written to
/// `checker/benches/INSTRUCTIONS.md`; returns the exit code.
fn count_instructions(args: &[String]) -> i32 {
    let ready = |tool: &str, arg: &str| {
        Command::new(tool)
            .arg(arg)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !ready("valgrind", "--version") || !spin_available() {
        eprintln!("counting instructions needs valgrind and spin (apt-get install valgrind spin)");
        return 2;
    }
    let out_path = out_path(args, "INSTRUCTIONS.md");
    let dir = std::env::temp_dir().join(format!("weft-instructions-{}", std::process::id()));
    let table = instructions::report(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    let table = match table {
        Ok(t) => t,
        Err(e) => {
            eprintln!("counting instructions failed: {e}");
            return 1;
        }
    };
    let text = format!(
        "# Instructions per stored state, weft against SPIN\n\n\
         Generated by `just bench-instructions` (`cargo run --release -p weft-checker --example bench -- --instructions`) \
         on {}, {}. Each run is counted by Valgrind's cachegrind (instructions retired, within 0.02 % from run to run, \
         unlike the wall time of RESULTS.md). *instructions / state*: the instructions between the two sizes over \
         the states stored between them (what does not grow with the states cancels out); weft on one thread with \
         its default reduction and the full store (`--one weft`, as RESULTS.md's `weft` rows), SPIN's `pan` with its \
         partial-order reduction (`-O2 -DSAFETY`). *to the verdict*: whole runs at the larger size, fixed costs \
         included (SPIN's compile excluded).\n\n{table}",
        today(),
        machine(),
    );
    print!("{text}");
    if let Err(e) = std::fs::write(&out_path, &text) {
        eprintln!("cannot write {}: {e}", out_path.display());
        return 1;
    }
    0
}

/// The four tools whose rows the speedup of every core is read from.
const TIMED_TOOLS: [&str; 4] = [
    "weft",
    "weft-allcores",
    "weft-fingerprint-one",
    "weft-fingerprint",
];

/// lastzero(13): one of the two sizes issue 13 measures the default
/// store's bytes per state on (readers(18), the other, is its family's
/// largest), so it has the timed rows too.
fn named_size(family: Family, a: usize, quick: bool) -> bool {
    family == Family::Lastzero && a == 13 && !quick
}

/// The runs of one timed row so far, one per round.
struct TimedRow {
    family: Family,
    a: usize,
    b: usize,
    tool: &'static str,
    cells: Vec<Cell>,
}

/// Round `round` of the timed rows: each of `points` with each timed tool,
/// the four in turn. A row that went over the cap in an earlier round is
/// not run again (it keeps that run).
fn run_timed_round(
    round: usize,
    points: &[(Family, usize, usize)],
    timed: &mut Vec<TimedRow>,
    quick: bool,
) {
    for &(family, a, b) in points {
        for tool in TIMED_TOOLS {
            let row = timed
                .iter_mut()
                .find(|r| r.family == family && r.a == a && r.b == b && r.tool == tool);
            if row
                .as_ref()
                .is_some_and(|r| r.cells.iter().any(|c| c.verdict.starts_with('>')))
            {
                continue;
            }
            eprintln!(
                "{} {} {tool} (round {round} of 3)",
                family.name(),
                family.size_label(a, b)
            );
            let cell = measure_in_child(tool, family, a, b, cap(quick));
            match row {
                Some(r) => r.cells.push(cell),
                None => timed.push(TimedRow {
                    family,
                    a,
                    b,
                    tool,
                    cells: vec![cell],
                }),
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--one") {
        println!("{}", child(&args[1..]).to_line());
        return;
    }
    // `--scenario FAMILY A B`: the family's scenario, to run with `weft check`.
    if args.first().map(String::as_str) == Some("--scenario") {
        let size = |i: usize| {
            args.get(i)
                .and_then(|s| s.parse::<usize>().ok())
                .unwrap_or(0)
        };
        match args.get(1).and_then(|f| Family::parse(f)) {
            Some(family) => print!("{}", family.weft(size(2), size(3))),
            None => {
                eprintln!("usage: bench --scenario FAMILY A B (a family of RESULTS.md)");
                std::process::exit(2);
            }
        }
        return;
    }
    if args.first().map(String::as_str) == Some("--instructions") {
        std::process::exit(count_instructions(&args[1..]));
    }
    let quick = args.iter().any(|a| a == "--quick");
    let out_path = out_path(&args, "RESULTS.md");
    let before = args
        .iter()
        .position(|a| a == "--before")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let spin = spin_available();
    if !spin {
        eprintln!("spin is not installed (apt-get install spin): its rows are skipped");
    }
    let dir = std::env::temp_dir().join(format!("weft-bench-{}", std::process::id()));
    let mut rows = Vec::new();
    // The tools that went over the cap at a smaller size of a family: the
    // bigger sizes would too (each size holds the smaller ones' work), so
    // they are not run again (the budget goes to the rows that finish).
    let mut capped: Vec<(Family, &'static str, String)> = Vec::new();
    let capped_at = |capped: &[(Family, &'static str, String)], family: Family, tool: &str| {
        capped
            .iter()
            .find(|(f, t, _)| *f == family && *t == tool)
            .map(|(_, _, at)| at.clone())
    };
    // The rows the speedup of every core is read from (the four timed
    // tools on each family's largest size and on lastzero(13)): the median
    // of three runs (one run can be 5 % off), taken in three rounds spread
    // over the bench: before the first family, halfway, and after the
    // last. A slow spell of this machine lasts minutes (one covered every
    // round of a family when the rounds ran back to back); it now falls on
    // at most one round of a row, and the median leaves it out.
    let timed_points: Vec<(Family, usize, usize)> = FAMILIES
        .into_iter()
        .flat_map(|family| {
            let sizes = family.sizes(quick);
            let largest = sizes.last().copied();
            sizes
                .into_iter()
                .filter(move |&(a, b)| Some((a, b)) == largest || named_size(family, a, quick))
                .map(move |(a, b)| (family, a, b))
        })
        .collect();
    let mut timed: Vec<TimedRow> = Vec::new();
    run_timed_round(1, &timed_points, &mut timed, quick);
    for (index, family) in FAMILIES.into_iter().enumerate() {
        if index == FAMILIES.len() / 2 {
            run_timed_round(2, &timed_points, &mut timed, quick);
        }
        let sizes = family.sizes(quick);
        let largest = sizes.last().copied();
        for (a, b) in sizes {
            let mut tools: Vec<&'static str> = vec!["weft", "weft-none"];
            if Some((a, b)) == largest || named_size(family, a, quick) {
                // Every core against one, and the fingerprint store, on the
                // largest size.
                tools.insert(1, "weft-allcores");
                tools.insert(2, "weft-fingerprint-one");
                tools.insert(3, "weft-fingerprint");
            }
            if family.loom(a).is_some() {
                tools.push("loom");
            }
            for tool in tools {
                eprintln!("{} {} {tool}", family.name(), family.size_label(a, b));
                let round = timed
                    .iter()
                    .find(|r| r.family == family && r.a == a && r.b == b && r.tool == tool);
                let cell = match (capped_at(&capped, family, tool), round) {
                    (Some(at), _) => Cell::failed(format!("{} (as at {at})", over(cap(quick)))),
                    // A placeholder until the last round (the first round
                    // says whether the bigger sizes are worth running).
                    (None, Some(r)) => r.cells[0].clone(),
                    (None, None) => measure_in_child(tool, family, a, b, cap(quick)),
                };
                if cell.verdict.starts_with('>') && capped_at(&capped, family, tool).is_none() {
                    capped.push((family, tool, family.size_label(a, b)));
                }
                rows.push(Row {
                    family,
                    a,
                    b,
                    tool,
                    cell,
                    rounds: Vec::new(),
                });
                // The old harness generates indexer unrolled (it had no
                // slices): not the same program, so no row.
                let same_program = family != Family::Indexer;
                if let (Some(bin), "weft", true) = (&before, tool, same_program) {
                    eprintln!("{} {} weft-before", family.name(), family.size_label(a, b));
                    let cell = measure_with(bin, "weft", family, a, b, cap(quick));
                    rows.push(Row {
                        family,
                        a,
                        b,
                        tool: "weft-before",
                        cell,
                        rounds: Vec::new(),
                    });
                }
            }
            if spin {
                for (tool, reduce) in [("spin", true), ("spin-noreduce", false)] {
                    eprintln!("{} {} {tool}", family.name(), family.size_label(a, b));
                    let cell = match capped_at(&capped, family, tool) {
                        Some(at) => Cell::failed(format!("{} (as at {at})", over(cap(quick)))),
                        None => measure_spin(&dir, family, a, b, reduce, cap(quick)),
                    };
                    if cell.verdict.starts_with('>') && capped_at(&capped, family, tool).is_none() {
                        capped.push((family, tool, family.size_label(a, b)));
                    }
                    rows.push(Row {
                        family,
                        a,
                        b,
                        tool,
                        cell,
                        rounds: Vec::new(),
                    });
                }
            }
        }
    }
    run_timed_round(3, &timed_points, &mut timed, quick);
    // Each timed row (unless a smaller size's cap cut it) takes its median.
    for row in &mut rows {
        if row.cell.verdict.contains("(as at ") {
            continue;
        }
        if let Some(i) = timed.iter().position(|r| {
            r.family == row.family && r.a == row.a && r.b == row.b && r.tool == row.tool
        }) {
            let cells = timed.swap_remove(i).cells;
            row.rounds = cells.iter().map(|c| c.seconds).collect();
            row.cell = median(cells);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let md = table(&rows, quick, spin);
    print!("{md}");
    if let Err(e) = std::fs::write(&out_path, &md) {
        eprintln!("cannot write {}: {e}", out_path.display());
        std::process::exit(2);
    }
    eprintln!("written to {}", out_path.display());
}

#[cfg(test)]
mod tests {
    use super::paired_speedup;

    #[test]
    fn the_speedup_is_the_median_of_the_rounds_ratios() {
        // A slow spell on round 2 slows both of its runs: its ratio stays
        // near the others', where the median times would pair round 2's
        // slow one-thread time with round 3's fast two-thread time.
        let one = [1.0, 1.8, 1.0];
        let all = [0.5, 0.95, 0.6];
        assert_eq!(paired_speedup(&one, &all), "1.89x (2.00, 1.89, 1.67), ");
        // A round without both times (a cap, a failure) is left out; an
        // even count takes the mean of the middle two.
        assert_eq!(
            paired_speedup(&[1.0, 0.0, 2.0], &[0.5, 0.4, 1.6]),
            "1.62x (2.00, 1.25), "
        );
        assert_eq!(paired_speedup(&[0.0], &[0.5]), "");
    }
}
