//! The referee of partial-order reduction: for thousands of random
//! scenarios (from `support/gen.rs`: 2 to 4 goroutines sharing channels,
//! mutexes, WaitGroups, Conds, Onces, contexts, timers, variables and maps,
//! with bounded and infinite loops, selects with and without default and
//! choice points), the reduced search must find exactly what the plain
//! exhaustive search finds:
//! - the same bugs: kind, code locations (both sides of a race, every
//!   blocked operation of a deadlock) and message;
//! - the same bottom components, each named by the goroutines blocked
//!   throughout it and where they stand (every deadlocked or leaking set);
//! - the same operations executed in some run (coverage);
//! - and, when the search is complete, the same verdict of completeness.
//!
//! A mismatch is shrunk to a minimal scenario and printed as RON.
//! `WEFT_POR_SEEDS` (default 2000) and `WEFT_POR_START` (default 0) choose
//! the seeds; `just fuzz-por N` runs a long campaign.

// The generator is shared with tests/generated.rs, which uses all of it.
#[allow(dead_code)]
#[path = "support/gen.rs"]
mod gen;
#[path = "support/par.rs"]
mod par;

use std::collections::BTreeSet;

use gen::{generate, shrink, Scenario};
use par::par_map;
use weft_checker::detect::blocking::{blocked_goroutines, bottom_components};
use weft_checker::explore::{explore_graph_with, Bounds};
use weft_checker::graph::Graph;
use weft_checker::reduce::{Applied, Reduction};
use weft_checker::state::{GoroutineId, Site};
use weft_models::ir::{Op, Program};
use weft_models::span::SourceFile;

/// Generated scenarios are small; a larger one is skipped (and counted).
const MAX_STATES: usize = 20_000;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// What must be the same under both searches.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Verdict {
    complete: bool,
    bugs: BTreeSet<(String, Vec<Site>, String)>,
    bottoms: BTreeSet<Vec<(GoroutineId, Site)>>,
    covered: BTreeSet<Site>,
}

fn verdict(prog: &Program, reduction: Reduction) -> Option<(Verdict, Applied, usize)> {
    let bounds = Bounds {
        max_states: Some(MAX_STATES),
        ..Default::default()
    };
    let (graph, outcome, mut bugs) = explore_graph_with(prog, &bounds, reduction).ok()?;
    if !outcome.complete {
        return None;
    }
    weft_checker::detect::blocking::detect(prog, &graph, &mut bugs);
    let bugs = bugs
        .into_iter()
        .map(|(k, b)| (k.kind.as_str().to_string(), k.sites, b.message))
        .collect();
    Some((
        Verdict {
            complete: outcome.complete,
            bugs,
            bottoms: bottoms(prog, &graph),
            covered: outcome.covered,
        },
        outcome.stats.reduction,
        outcome.stats.states,
    ))
}

/// Every bottom component, as the goroutines blocked throughout it.
fn bottoms(prog: &Program, graph: &Graph) -> BTreeSet<Vec<(GoroutineId, Site)>> {
    bottom_components(graph)
        .into_iter()
        .map(|comp| {
            let mut common: Option<BTreeSet<(GoroutineId, Site)>> = None;
            for &s in &comp {
                let state = graph.state(s);
                let (blocked, _) = blocked_goroutines(prog, &state);
                let here: BTreeSet<(GoroutineId, Site)> = blocked
                    .into_iter()
                    .filter_map(|id| {
                        let p = state.position(&id)?;
                        Some((id, state.goroutines[p].site()))
                    })
                    .collect();
                common = Some(match common {
                    None => here,
                    Some(c) => c.intersection(&here).cloned().collect(),
                });
            }
            common.unwrap_or_default().into_iter().collect()
        })
        .collect()
}

fn compile(sc: &Scenario) -> Option<Program> {
    let file = SourceFile::new(format!("{}.ron", sc.name()), sc.to_ron());
    weft_models::compile(&file, &[]).ok()
}

/// Outcome of refereeing one scenario.
enum Refereed {
    /// Both searches agree; whether the reduction applied, and states stored
    /// (exhaustive, reduced).
    Agree(Applied, usize, usize),
    /// Too big or not compilable: not compared.
    Skipped,
    /// They disagree: what differs.
    Mismatch(String),
}

fn referee(sc: &Scenario) -> Refereed {
    let Some(prog) = compile(sc) else {
        return Refereed::Skipped;
    };
    let Some((full, _, n_full)) = verdict(&prog, Reduction::None) else {
        return Refereed::Skipped;
    };
    let Some((reduced, applied, n_red)) = verdict(&prog, Reduction::Por) else {
        return Refereed::Mismatch("the reduced search was cut where the full one was not".into());
    };
    if full == reduced {
        return Refereed::Agree(applied, n_full, n_red);
    }
    let mut why = Vec::new();
    let diff = |what: &str, a: &dyn std::fmt::Debug, b: &dyn std::fmt::Debug| {
        format!("{what}:\n  exhaustive: {a:?}\n  reduced:    {b:?}")
    };
    if full.bugs != reduced.bugs {
        why.push(diff("bugs", &full.bugs, &reduced.bugs));
    }
    if full.bottoms != reduced.bottoms {
        why.push(diff("bottom components", &full.bottoms, &reduced.bottoms));
    }
    if full.covered != reduced.covered {
        let lost: Vec<_> = full.covered.difference(&reduced.covered).collect();
        let extra: Vec<_> = reduced.covered.difference(&full.covered).collect();
        why.push(format!("coverage: lost {lost:?}, extra {extra:?}"));
    }
    Refereed::Mismatch(format!("({applied:?}) {}", why.join("\n")))
}

#[test]
fn reduction_finds_exactly_what_the_exhaustive_search_finds() {
    let start = env_u64("WEFT_POR_START", 0);
    let n = env_u64("WEFT_POR_SEEDS", 2000);
    let seeds: Vec<u64> = (start..start + n).collect();
    let results = par_map(&seeds, |seed| referee(&generate(seed)));
    let (mut agree, mut skipped, mut reduced, mut cyclic) = (0, 0, 0, 0);
    let (mut states_full, mut states_red) = (0usize, 0usize);
    let (mut cyc_full, mut cyc_red) = (0usize, 0usize);
    let mut failures = Vec::new();
    for (seed, r) in seeds.iter().zip(&results) {
        match r {
            Refereed::Agree(applied, f, red) => {
                agree += 1;
                match applied {
                    Applied::Por => {
                        reduced += 1;
                        states_full += f;
                        states_red += red;
                    }
                    Applied::Proviso => {
                        cyclic += 1;
                        cyc_full += f;
                        cyc_red += red;
                    }
                    Applied::None => {}
                }
            }
            Refereed::Skipped => skipped += 1,
            Refereed::Mismatch(m) => failures.push((*seed, m.clone())),
        }
    }
    eprintln!(
        "{agree} scenarios agree ({reduced} acyclic, with sleep sets: {states_red} states against \
         {states_full} exhaustive; {cyclic} cyclic, with the cycle proviso: {cyc_red} against \
         {cyc_full}), {skipped} skipped, {} differ",
        failures.len()
    );
    if !failures.is_empty() {
        let mut out = String::new();
        for (seed, m) in failures.iter().take(3) {
            let sc = generate(*seed);
            let small = shrink(&sc, 400, &mut |s| {
                matches!(referee(s), Refereed::Mismatch(_))
            });
            let why = match referee(&small) {
                Refereed::Mismatch(m) => m,
                _ => m.clone(),
            };
            out.push_str(&format!(
                "seed {seed}: {m}\nshrunk to:\n{}\n{why}\n\n",
                small.to_ron()
            ));
        }
        panic!(
            "{} of {} scenarios differ under reduction:\n{out}",
            failures.len(),
            seeds.len()
        );
    }
    assert!(
        skipped * 10 <= seeds.len(),
        "too many scenarios skipped ({skipped}): the referee compares too little"
    );
    assert!(
        reduced * 4 >= agree && cyclic * 50 >= agree,
        "the referee saw too few reduced scenarios: {reduced} acyclic and {cyclic} cyclic of {agree}"
    );
}

/// The name of an operation's variant. The match is exhaustive, so a new
/// `Op` fails to compile here until it is named, and [`EVERY_OP`] beside it
/// is where the referee learns to demand it.
fn op_name(op: &Op) -> &'static str {
    match op {
        Op::Assign { .. } => "Assign",
        Op::Jump { .. } => "Jump",
        Op::JumpIfNot { .. } => "JumpIfNot",
        Op::Call { .. } => "Call",
        Op::Return { .. } => "Return",
        Op::Defer { .. } => "Defer",
        Op::EndDefer => "EndDefer",
        Op::Recover { .. } => "Recover",
        Op::Go { .. } => "Go",
        Op::Choose { .. } => "Choose",
        Op::Panic { .. } => "Panic",
        Op::Assert { .. } => "Assert",
        Op::Sleep => "Sleep",
        Op::New { .. } => "New",
        Op::Send { .. } => "Send",
        Op::Recv { .. } => "Recv",
        Op::Close { .. } => "Close",
        Op::Select { .. } => "Select",
        Op::Lock { .. } => "Lock",
        Op::Unlock { .. } => "Unlock",
        Op::TryLock { .. } => "TryLock",
        Op::RLock { .. } => "RLock",
        Op::RUnlock { .. } => "RUnlock",
        Op::WgAdd { .. } => "WgAdd",
        Op::Wait { .. } => "Wait",
        Op::Signal { .. } => "Signal",
        Op::Broadcast { .. } => "Broadcast",
        Op::OnceEnter { .. } => "OnceEnter",
        Op::OnceExit { .. } => "OnceExit",
        Op::Cancel { .. } => "Cancel",
        Op::CtxErr { .. } => "CtxErr",
        Op::TimerStop { .. } => "TimerStop",
        Op::TimerReset { .. } => "TimerReset",
        Op::Load { .. } => "Load",
        Op::Store { .. } => "Store",
        Op::MapDelete { .. } => "MapDelete",
        Op::Len { .. } => "Len",
        Op::AtomicLoad { .. } => "AtomicLoad",
        Op::AtomicStore { .. } => "AtomicStore",
        Op::AtomicAdd { .. } => "AtomicAdd",
        Op::CompareAndSwap { .. } => "CompareAndSwap",
    }
}

/// Every variant of `Op`, as [`op_name`] names them.
const EVERY_OP: [&str; 41] = [
    "Assign",
    "Jump",
    "JumpIfNot",
    "Call",
    "Return",
    "Defer",
    "EndDefer",
    "Recover",
    "Go",
    "Choose",
    "Panic",
    "Assert",
    "Sleep",
    "New",
    "Send",
    "Recv",
    "Close",
    "Select",
    "Lock",
    "Unlock",
    "TryLock",
    "RLock",
    "RUnlock",
    "WgAdd",
    "Wait",
    "Signal",
    "Broadcast",
    "OnceEnter",
    "OnceExit",
    "Cancel",
    "CtxErr",
    "TimerStop",
    "TimerReset",
    "Load",
    "Store",
    "MapDelete",
    "Len",
    "AtomicLoad",
    "AtomicStore",
    "AtomicAdd",
    "CompareAndSwap",
];

/// The referee only vouches for operations it generates: every `Op`
/// variant must appear in the scenarios `cargo test` referees (the default
/// seeds), or a forgotten operation could be misdescribed to the reduction
/// with nothing to catch it.
#[test]
fn the_refereed_scenarios_use_every_operation() {
    let mut counts: std::collections::BTreeMap<&str, usize> =
        EVERY_OP.iter().map(|&n| (n, 0)).collect();
    for seed in 0..env_u64("WEFT_POR_SEEDS", 2000) {
        let Some(prog) = compile(&generate(seed)) else {
            continue;
        };
        for instr in prog.funcs.iter().flat_map(|f| &f.code) {
            let name = op_name(&instr.op);
            *counts
                .get_mut(name)
                .unwrap_or_else(|| panic!("`{name}` is missing from EVERY_OP")) += 1;
        }
    }
    let missing: Vec<&str> = counts
        .iter()
        .filter(|(_, &n)| n == 0)
        .map(|(&name, _)| name)
        .collect();
    assert!(
        missing.is_empty(),
        "the referee's generated scenarios never use {missing:?}; counts: {counts:?}"
    );
}

/// The depth bound of the bounded referee, and the depth up to which a bug
/// the plain search finds must be found by the reduced one (see
/// checker/README.md, "Under a bound").
const BOUNDED_DEPTH: usize = 16;
const BOUNDED_BUG_DEPTH: usize = 16;
/// The depth bound the reduced search gets for them.
const REDUCED_DEPTH: usize = 4 * BOUNDED_DEPTH;

/// Refereeing a depth-bounded pair of searches: the bugs the plain search
/// finds within [`BOUNDED_BUG_DEPTH`] steps that the reduced one misses.
fn referee_bounded(sc: &Scenario) -> Option<(Vec<String>, bool)> {
    let prog = compile(sc)?;
    let bounds = Bounds {
        max_depth: Some(BOUNDED_DEPTH),
        max_states: Some(MAX_STATES),
        ..Default::default()
    };
    let none = weft_checker::explore::explore_with(&prog, &bounds, Reduction::None).ok()?;
    let reduced_bounds = Bounds {
        max_depth: Some(REDUCED_DEPTH),
        ..bounds.clone()
    };
    let por = weft_checker::explore::explore_with(&prog, &reduced_bounds, Reduction::Por).ok()?;
    // Only searches that the depth bound cut (or that completed) compare:
    // one cut by the state cap stopped at a depth the other may not share.
    let by_depth = |o: &weft_checker::explore::Outcome| {
        o.complete || matches!(o.bound, Some(weft_checker::explore::Bound::Depth(_)))
    };
    if !by_depth(&none) || !by_depth(&por) {
        return None;
    }
    let found: BTreeSet<_> = por.bugs.iter().map(|b| (b.kind, b.site)).collect();
    let missed = none
        .bugs
        .iter()
        .filter(|b| b.path.len() <= BOUNDED_BUG_DEPTH && !found.contains(&(b.kind, b.site)))
        .map(|b| format!("{:?} `{}` at depth {}", b.kind, b.message, b.path.len()))
        .collect();
    Some((missed, !none.complete))
}

#[test]
fn under_a_depth_bound_the_reduction_finds_the_shallow_bugs() {
    let start = env_u64("WEFT_POR_START", 0);
    let n = env_u64("WEFT_POR_SEEDS", 2000);
    let seeds: Vec<u64> = (start..start + n).collect();
    let results = par_map(&seeds, |seed| referee_bounded(&generate(seed)));
    let compared = results.iter().filter(|r| r.is_some()).count();
    let cut = results.iter().flatten().filter(|(_, cut)| *cut).count();
    let missed: Vec<(u64, &Vec<String>)> = seeds
        .iter()
        .zip(&results)
        .filter_map(|(s, r)| {
            r.as_ref()
                .filter(|(m, _)| !m.is_empty())
                .map(|(m, _)| (*s, m))
        })
        .collect();
    eprintln!(
        "bounded referee: {compared} of {} scenarios compared ({cut} deeper than --max-depth \
         {BOUNDED_DEPTH}), {} with a missed bug",
        seeds.len(),
        missed.len()
    );
    assert!(
        missed.is_empty(),
        "the reduced search misses bugs the plain one finds within depth {BOUNDED_BUG_DEPTH} \
         (--max-depth {BOUNDED_DEPTH}) with --max-depth {REDUCED_DEPTH}: {:?}",
        &missed[..missed.len().min(5)]
    );
    assert!(compared * 2 >= seeds.len(), "too few compared: {compared}");
    assert!(
        cut * 10 >= compared,
        "too few deep scenarios: {cut} of {compared}"
    );
}
