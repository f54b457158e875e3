//! The stateful explorer: breadth-first over canonical states with a
//! visited set, so loops, tickers and retries terminate whenever the state
//! space is finite, and every counterexample is a shortest path.
//!
//! Detectors run as the search goes (races, panics, assertions, context
//! leaks on garbage collection, and goroutines certainly blocked forever,
//! kept only when a bound cuts the search) and on the finished graph
//! (deadlocks, leaks and pending cancels in bottom strongly connected
//! components).

use std::collections::VecDeque;
use std::collections::{BTreeMap, BTreeSet};

use weft_models::ir::{Op, Program};
use weft_models::syntax::BugKind;

use crate::detect::{self, Bug, BugKey};
use crate::graph::{Builder, Graph, Node, StoreKind};
use crate::reduce::{self, Applied, Reduction};
use crate::semantics::{self, Failure, FailureKind, Observation, ObservationKind, Transition};
use crate::state::canonical::{canonical_goroutines, GoroutineRenaming};
use crate::state::{Site, State};
use crate::stop::Interrupt;

pub mod bounds;
mod commit;
pub(crate) mod dpor;
mod expand;
mod finite;
pub(crate) use finite::runs_are_finite;
pub(crate) mod growth;
mod probe;
pub mod progress;

pub use bounds::{Bound, Bounds, Budget};
pub(crate) use growth::Growth;
pub use progress::{Observer, Progress};

/// Counters of a search.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    /// Distinct states stored.
    pub states: usize,
    /// Transitions executed.
    pub transitions: usize,
    /// Deepest breadth-first level reached.
    pub max_depth: usize,
    /// Wall time.
    pub seconds: f64,
    /// Bytes the explored graph holds per stored state: its compact store,
    /// parent links and edges, divided by the states (exact, not sampled).
    pub bytes_per_state: usize,
    /// The process's peak resident memory when the search ended (`None`
    /// where the system does not say): what the machine really paid, also
    /// for anything the process ran before.
    pub peak_resident_bytes: Option<u64>,
    /// The number of maximal paths (complete runs) through the explored
    /// graph, counting each crashing step as the end of a run; `None` when
    /// the graph has a cycle or the search was cut.
    pub complete_runs: Option<u128>,
    /// How many stored states lie on a complete run, when the runs are
    /// counted: the others lie only on explorations that end with every
    /// remaining transition asleep (work an optimal reduction avoids).
    pub states_on_complete_runs: Option<usize>,
    /// The reduction the search applied.
    pub reduction: Applied,
    /// Distinct program states among the nodes (with sleep sets, one state
    /// may be stored once per sleep set it was reached with); `None` when
    /// the store keeps only the nodes' fingerprints.
    pub distinct_states: Option<usize>,
    /// With a fingerprint store, the chance that a collision hid a state.
    pub collision_probability: Option<f64>,
    /// With a bit-state store, what it stored and may have missed.
    pub bitstate: Option<crate::graph::BitstateStats>,
    /// With a fingerprint store, what its frontier kept in memory and
    /// spilled to files.
    pub frontier: Option<crate::graph::FrontierStats>,
    /// With `--reduction dpor` applied, what stateless DPOR counted.
    pub dpor: Option<DporStats>,
    /// The store the search kept its states in (`Auto` chosen for the
    /// program: [`StoreKind::for_program`]).
    pub store: StoreKind,
}

/// The result of checking one program.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Every distinct bug, one counterexample each, ordered by kind then location.
    pub bugs: Vec<Bug>,
    /// True when every reachable state was explored.
    pub complete: bool,
    /// The bound that cut the search, if one did.
    pub bound: Option<Bound>,
    /// Counters.
    pub stats: Stats,
    /// Every operation some goroutine executed in some explored run (for
    /// "the fix's code is reached" checks).
    pub covered: BTreeSet<Site>,
    /// Every operation some explored step executed whose result may have
    /// shown another goroutine's action without synchronising with it: a
    /// race ordered only by one of them is not looked for (see
    /// [`crate::semantics::unsynced`]).
    pub unsynced: BTreeSet<Observation>,
    /// When a limit cut the search: what kept growing along the deepest
    /// path explored (empty otherwise).
    pub growth: Vec<Growth>,
}

/// A run-time failure that stops the check without being a bug of the
/// scenario: a type error in the scenario (something validation could not
/// rule out statically, [`FailureKind::Model`]: the scenario is invalid,
/// not buggy), or an internal weft bug ([`FailureKind::Internal`]: neither
/// the scenario nor its author is to blame).
#[derive(Clone, Debug, thiserror::Error)]
#[error("{}", failure.message)]
pub struct ModelError {
    /// Where and what.
    pub failure: Failure,
    /// How the explorer got there.
    pub path: Vec<Transition>,
}

impl ModelError {
    /// True when weft itself is at fault, not the scenario.
    pub fn is_internal(&self) -> bool {
        self.failure.kind == FailureKind::Internal
    }
}

/// Explores every reachable state of `prog` within `bounds`, with the
/// default reduction.
pub fn explore(prog: &Program, bounds: &Bounds) -> Result<Outcome, ModelError> {
    explore_with(prog, bounds, Reduction::default())
}

/// Explores `prog` within `bounds` using `reduction`.
pub fn explore_with(
    prog: &Program,
    bounds: &Bounds,
    reduction: Reduction,
) -> Result<Outcome, ModelError> {
    explore_within(prog, &Budget::new(bounds.clone()), reduction, None)
}

/// Explores `prog` within `budget` (whose clock may have started before)
/// using `reduction`, reporting progress to `observer` while it runs.
pub fn explore_within(
    prog: &Program,
    budget: &Budget,
    reduction: Reduction,
    observer: Option<&mut dyn Observer>,
) -> Result<Outcome, ModelError> {
    let searched = searched(prog, reduction);
    let prog = &*searched;
    let mut monitor = progress::Monitor::new(observer);
    // With more than one thread the whole search runs on the pool, so what
    // it allocates belongs to the pool threads' malloc arenas: structures
    // made on the calling thread (glibc's main arena) and grown or freed
    // by the pool's threads kept that arena's lock hot between them (half
    // the runs of lastzero(12) on two threads took 1.45 s instead of 0.96,
    // with 18,000 context switches instead of 1,000).
    let (graph, mut outcome, mut bugs) = if rayon::current_num_threads() > 1 {
        rayon::scope(|_| explore_graph_monitored(prog, budget, reduction, &mut monitor))?
    } else {
        explore_graph_monitored(prog, budget, reduction, &mut monitor)?
    };
    if outcome.stats.bitstate.is_some() {
        // A bit-state search keeps the leaks certain in one state even
        // when no bound cut it; a leak its graph decides on a bottom
        // component is the complete search's, and takes precedence (a
        // certain one whose goroutine is also in a global deadlock is
        // dropped below, as for a cut search).
        let mut decided = BTreeMap::new();
        detect::blocking::detect(prog, &graph, &mut decided);
        for (key, bug) in decided {
            match bugs.get(&key) {
                Some(known) if !known.certain_before_cut => {}
                _ => {
                    bugs.insert(key, bug);
                }
            }
        }
    } else {
        detect::blocking::detect(prog, &graph, &mut bugs);
    }
    if outcome
        .bound
        .is_some_and(|b| matches!(b, Bound::Bitstate { .. }))
        && outcome.stats.bitstate.is_some_and(|b| !b.cycles_decided)
    {
        decide_cycles(prog, &graph, budget, &mut bugs);
    }
    // A goroutine found certainly blocked forever (a cut search keeps
    // those) and later part of a global deadlock the search reached is
    // reported with the deadlock only.
    let deadlocked: BTreeSet<Site> = bugs
        .keys()
        .filter(|k| k.kind == BugKind::Deadlock)
        .flat_map(|k| k.sites.iter().copied())
        .collect();
    bugs.retain(|k, b| !(b.certain_before_cut && k.sites.iter().any(|s| deadlocked.contains(s))));
    outcome.bugs = bugs.into_values().collect();
    // An Unlock, RUnlock or Done where some schedule crashes may observe
    // another goroutine where it succeeds (`ObservationKind::UnmatchedRelease`).
    for b in &outcome.bugs {
        let op = &prog.instr(b.site.func, b.site.pc).op;
        if b.kind == BugKind::Panic
            && matches!(
                op,
                Op::Unlock { .. } | Op::RUnlock { .. } | Op::WgAdd { .. }
            )
        {
            outcome.unsynced.insert(Observation {
                site: b.site,
                kind: ObservationKind::UnmatchedRelease,
            });
        }
    }
    // A program that can make no race has none an observation could hide;
    // one whose states keep happens-before knowledge decides its races
    // (`semantics::happens`).
    let races = crate::detect::race::Races::possible(prog);
    if races.none() || crate::semantics::happens::tracked(prog) {
        outcome.unsynced.clear();
    }
    // (The leaks certain in one state share its path: each path is
    // replayed once.)
    let mut replayed: Vec<(&[Transition], Option<GoroutineRenaming>)> = Vec::new();
    for b in &mut outcome.bugs {
        let renaming = match replayed.iter().find(|(path, _)| *path == b.path.as_slice()) {
            Some((_, r)) => r.clone(),
            None => renaming_on_path(prog, &b.path),
        };
        if let Some(r) = &renaming {
            for inv in &mut b.involved {
                if let Some(on_path) = r.original(&inv.goroutine) {
                    inv.goroutine = on_path;
                }
            }
        }
        replayed.push((&b.path, renaming));
    }
    outcome.growth = growth::diagnose(prog, &graph, outcome.bound);
    Ok(outcome)
}

/// The states explored after one state to decide the leaks that only a
/// cycle shows, in a bit-state search ([`decide_cycles`]).
pub(crate) const CYCLE_BUDGET: usize = 100_000;

/// Leaks (and never-called cancels) that only a cycle of states shows, in
/// a bit-state search that could not decide them on its graph: from the
/// deepest open node where a goroutine stands blocked at each site not
/// known to leak, every state reachable is explored with the full store
/// (at most [`CYCLE_BUDGET`] and `--max-states`, within the check's
/// other limits). That set is
/// closed, so its bottom components are the true graph's, and a goroutine
/// blocked in all of its states is leaked on every continuation; what it
/// shows is recorded with the path to the node (as a replayed run's
/// verdict decides it). Undecided when the states are too many.
fn decide_cycles(prog: &Program, graph: &Graph, budget: &Budget, bugs: &mut BTreeMap<BugKey, Bug>) {
    for (&(kind, site), &s) in graph.open_blocked() {
        let key = BugKey {
            kind,
            sites: vec![site],
        };
        // (A leak certain in one state may still be dropped for a global
        // deadlock below: one decided here takes precedence.)
        if bugs.get(&key).is_some_and(|b| !b.certain_before_cut) {
            continue;
        }
        let state = graph.state(s);
        // `--max-states` bounds this work too, as the report's.
        let states = crate::counterexample::verdict::replay_budget(budget)
            .0
            .min(CYCLE_BUDGET);
        let Ok(found) = crate::counterexample::verdict::blocking_bugs(prog, &state, states, budget)
        else {
            continue;
        };
        for (key, mut bug) in found {
            if key.kind == BugKind::Deadlock
                || bugs.get(&key).is_some_and(|b| !b.certain_before_cut)
            {
                // A deadlock is a terminal state the search decides itself.
                continue;
            }
            bug.path = graph.path_to(s);
            bug.certain_before_cut = false;
            bugs.insert(key, bug);
        }
    }
}

/// What names the goroutines of a bug found at the end of `path` as the
/// path names them (`None`: their ids already do): by their path in the
/// spawn tree of every goroutine started along it (main is `[]`, its
/// first child `[0]`, ...), the ids the replayer and the reports use. The
/// search found the bug in a state with canonical ids
/// ([`canonical_goroutines`]), which rename goroutines once others have
/// ended; replaying the path and renaming its last state tells which
/// canonical id was which.
fn renaming_on_path(prog: &Program, path: &[Transition]) -> Option<GoroutineRenaming> {
    let mut state = semantics::initial_state(prog).ok()?;
    for t in path {
        let out = semantics::step(prog, &state, t);
        if out.failure.is_some() {
            // The crash of the last step: the goroutines are those of the
            // state it ran in.
            break;
        }
        state = out.state;
    }
    let renaming = canonical_goroutines(&mut state);
    (!renaming.is_empty()).then_some(renaming)
}

/// Explores with `reduction` and returns the graph. A reduced graph with a
/// cycle is explored again with persistent sets and a cycle proviso but no
/// sleep sets (see [`Applied::Proviso`]).
pub fn explore_graph_with(
    prog: &Program,
    bounds: &Bounds,
    reduction: Reduction,
) -> Result<(Graph, Outcome, BTreeMap<BugKey, Bug>), ModelError> {
    explore_graph_within(prog, &Budget::new(bounds.clone()), reduction)
}

/// [`explore_graph_with`] within `budget`: both searches of a cyclic
/// reduced graph share its time, memory and interrupt.
pub(crate) fn explore_graph_within(
    prog: &Program,
    budget: &Budget,
    reduction: Reduction,
) -> Result<(Graph, Outcome, BTreeMap<BugKey, Bug>), ModelError> {
    let searched = searched(prog, reduction);
    explore_graph_monitored(
        &searched,
        budget,
        reduction,
        &mut progress::Monitor::new(None),
    )
}

/// The program a search with `reduction` runs: the plain search, the
/// referee, keeps every value ([`semantics::dead`]), the reductions forget
/// the dead ones.
fn searched(prog: &Program, reduction: Reduction) -> std::borrow::Cow<'_, Program> {
    match reduction {
        Reduction::None => std::borrow::Cow::Owned(prog.keeping_dead_locals()),
        Reduction::Por | Reduction::Dpor => std::borrow::Cow::Borrowed(prog),
    }
}

/// [`explore_graph_within`], reporting progress to `monitor`.
fn explore_graph_monitored(
    prog: &Program,
    budget: &Budget,
    reduction: Reduction,
    monitor: &mut progress::Monitor,
) -> Result<(Graph, Outcome, BTreeMap<BugKey, Bug>), ModelError> {
    if reduction == Reduction::None {
        return search(prog, budget, None, monitor, None);
    }
    if reduction == Reduction::Dpor {
        let why = match dpor::applies(prog) {
            Ok(()) => match search_dpor(prog, budget, monitor)? {
                Ok(found) => return Ok(found),
                Err(why) => why,
            },
            Err(why) => why,
        };
        let mut found = explore_graph_monitored(prog, budget, Reduction::Por, monitor)?;
        found.1.stats.reduction = Applied::PorNotDpor(why);
        return Ok(found);
    }
    let mut future = reduce::ProgramFuture::new(prog);
    // A run that comes back to a state shows a cycle before any search
    // (`probe`): the search with sleep sets would only be thrown away.
    let cyclic = !finite::runs_are_finite(prog) && probe::run_repeats(prog, budget.interrupt());
    let reduced = if cyclic {
        None
    } else {
        let with_sleep = Reducer {
            future: &future,
            sleep: true,
        };
        let reduced = search(prog, budget, Some(with_sleep), monitor, None)?;
        // A bit-state graph counts as cyclic when an edge's target is
        // unknown (`Graph::has_cycle`); a program whose runs are all finite
        // has no cycle.
        let bitstate = matches!(budget.bounds().store, StoreKind::Bitstate { .. });
        if !reduced.0.has_cycle() || (bitstate && finite::runs_are_finite(prog)) {
            return Ok(reduced);
        }
        Some(reduced)
    };
    future.learn_held_locks(prog);
    let with_proviso = Reducer {
        future: &future,
        sleep: false,
    };
    let mut again = search(prog, budget, Some(with_proviso), monitor, None)?;
    if let Some(reduced) = reduced.filter(|_| again.1.bound.is_some_and(|b| b != Bound::FirstBug)) {
        // Cut (by what was left of the time, say): the crashes, races and
        // context leaks the first search found on its paths are real, keep
        // them. Its blocking bugs are not kept: sleep sets on a cyclic
        // graph may show a bottom component that is not one.
        for (key, bug) in reduced.2 {
            again.2.entry(key).or_insert(bug);
        }
    }
    Ok(again)
}

/// The search of `--reduction dpor`: stateless DPOR chooses the steps of
/// each state it visits ([`dpor`]), then the breadth-first search
/// takes exactly those, so detectors and reports see the graph of the
/// visited states. `Err` inside when the program turns out to leave DPOR's
/// class as it runs.
#[allow(clippy::type_complexity)]
fn search_dpor(
    prog: &Program,
    budget: &Budget,
    monitor: &mut progress::Monitor,
) -> Result<Result<(Graph, Outcome, BTreeMap<BugKey, Bug>), dpor::NotApplicable>, ModelError> {
    let init = match semantics::initial_state_within(prog, &budget.interrupt()) {
        Ok(init) => init,
        // The breadth-first search meets the same failure and reports it.
        Err(_) => return search(prog, budget, None, monitor, None).map(Ok),
    };
    let choices = match dpor::search(prog, init, budget) {
        Ok(c) => c,
        Err(dpor::Stop::Outside(why)) => return Ok(Err(why)),
        Err(dpor::Stop::Failure(failure, path)) => return Err(ModelError { failure, path }),
    };
    let (graph, mut outcome, bugs) = search(prog, budget, None, monitor, Some(&choices))?;
    outcome.stats.reduction = Applied::Dpor;
    outcome.stats.dpor = Some(DporStats {
        traces: choices.traces,
        blocked: choices.blocked,
        steps: choices.steps,
        states: choices.states(),
    });
    if let (Some(cut), None) = (choices.cut, outcome.bound) {
        outcome.bound = Some(cut);
        outcome.complete = false;
    }
    if outcome.complete {
        outcome.stats.complete_runs = Some(choices.traces);
    } else {
        outcome.stats.complete_runs = None;
        outcome.stats.states_on_complete_runs = None;
    }
    Ok(Ok((graph, outcome, bugs)))
}

/// What stateless DPOR counted (`--reduction dpor`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DporStats {
    /// Runs explored to their end: at least one per Mazurkiewicz trace.
    pub traces: u128,
    /// Runs abandoned with every enabled step asleep.
    pub blocked: u128,
    /// Steps executed, over all runs.
    pub steps: u64,
    /// Distinct states visited.
    pub states: usize,
}

/// How a search reduces.
#[derive(Clone, Copy)]
struct Reducer<'a> {
    /// What each goroutine may still touch.
    future: &'a reduce::ProgramFuture,
    /// Sleep sets (acyclic state spaces); without them, the cycle proviso:
    /// a state with a persistent-set successor stored in its own level or
    /// an earlier one is expanded fully, so every cycle of the reduced graph
    /// has a fully expanded state.
    sleep: bool,
}

/// How often the ignoring proviso expands a level fully, in levels, once
/// the search is [`FAIRNESS_START`] deep. See [`fair_level`].
pub(crate) const FAIRNESS_PERIOD: usize = 16;

/// The first level the ignoring proviso expands fully (without
/// `--max-depth`): deeper than the finite scenarios of the corpus and the
/// benchmark families, so their reduction is untouched, and cheap to reach
/// on the chains where a goroutine is ignored (one state per level).
pub(crate) const FAIRNESS_START: usize = 64;

/// The number of full levels a search with `--max-depth` crosses: one
/// every `D / FULL_LEVELS` levels (at least every level, at most every
/// [`FAIRNESS_PERIOD`]). See [`fair_level`].
pub(crate) const FULL_LEVELS: usize = 8;

/// Whether the states at breadth-first `depth` are expanded fully: the
/// ignoring proviso for infinite state spaces and cut searches. A reduced
/// graph can be an infinite chain that never runs some goroutine (a loop
/// of `go` statements commutes with everything, so it alone is a
/// persistent set in every state); the cycle proviso never fires on it.
/// Every infinite path passes through every depth from some point on
/// (depth grows by at most one per step), so full levels that recur every
/// [`FAIRNESS_PERIOD`] levels from depth [`FAIRNESS_START`] make every
/// goroutine move along it. A full level also drops its sleep sets: a
/// transition asleep there was left to a sibling branch, which on an
/// infinite graph may never get to it. Shallower finite spaces are not
/// affected; deeper ones pay in states.
///
/// With `--max-depth D` the full levels are depth 0 and every multiple of
/// `k = D / FULL_LEVELS` (between 1 and [`FAIRNESS_PERIOD`]): a run the
/// plain search takes in `L` steps has, from any state of the reduced
/// search, each of its remaining steps either taken by the chosen
/// persistent set or left for later, and a full level takes the next one;
/// so the reduced search takes the run's last step from depth `(L - 1) * k`
/// at the latest, and finds every bug the plain search finds in at most
/// `(D - 2) / k + 1` steps (a race shows in the state after that step,
/// which must be shallower than `D` to be looked at): all of them for `D < 2 * FULL_LEVELS`, those
/// within at least `FULL_LEVELS` steps for every larger `D`, within about
/// `D / FAIRNESS_PERIOD` from `D = FULL_LEVELS * FAIRNESS_PERIOD` on
/// (checker/README.md, "Under a bound").
fn fair_level(depth: usize, bounds: &Bounds) -> bool {
    let (first, period) = fair_levels(bounds);
    depth >= first && (depth - first).is_multiple_of(period)
}

/// The first full level and the period of the full levels.
fn fair_levels(bounds: &Bounds) -> (usize, usize) {
    match bounds.max_depth {
        Some(d) => (0, (d / FULL_LEVELS).clamp(1, FAIRNESS_PERIOD)),
        None => (FAIRNESS_START, FAIRNESS_PERIOD),
    }
}

/// A step's outcome with its goroutines renamed canonically (how they were
/// renamed, usually not at all).
pub(crate) type Stepped = (semantics::StepOutcome, GoroutineRenaming);

/// Executes `t` from `state` and makes the next state's goroutine
/// identities canonical ([`canonical_goroutines`]): the explorer stores
/// states in which goroutines that ended have left no trace, so loops that
/// start goroutines reach repeated states. Renaming only happens after a
/// goroutine has ended.
pub(crate) fn stepped(
    prog: &Program,
    state: &State,
    t: &Transition,
    interrupt: &Interrupt,
) -> Stepped {
    let mut out = semantics::step_within(prog, state, t, interrupt);
    let renaming = if out.ended {
        canonical_goroutines(&mut out.state)
    } else {
        GoroutineRenaming::default()
    };
    (out, renaming)
}

/// The breadth-first search, reduced by `reducer` when given.
fn search(
    prog: &Program,
    budget: &Budget,
    reducer: Option<Reducer>,
    monitor: &mut progress::Monitor,
    choices: Option<&dpor::Choices>,
) -> Result<(Graph, Outcome, BTreeMap<BugKey, Bug>), ModelError> {
    let future = reducer.map(|r| r.future);
    let use_sleep = reducer.is_some_and(|r| r.sleep);
    let finite = finite::runs_are_finite(prog);
    // `--store auto` becomes the store this program needs, here, once:
    // everything below sees the store the search uses.
    let resolved = Bounds {
        store: budget.bounds().store.for_program(finite),
        ..budget.bounds().clone()
    };
    let bounds = &resolved;
    let interrupt = budget.interrupt();
    let init = match semantics::initial_state_within(prog, &interrupt) {
        Ok(init) => init,
        Err(f) if f.kind == FailureKind::Interrupted => {
            return Ok(unstarted(budget.interrupted(), budget.seconds(), reducer))
        }
        Err(failure) => {
            return Err(ModelError {
                failure,
                path: Vec::new(),
            })
        }
    };
    let rebuild: Option<crate::graph::Rebuild> = match bounds.store {
        StoreKind::Full => None,
        StoreKind::Auto => unreachable!("{}", crate::graph::AUTO_CHOSEN),
        StoreKind::Fingerprint | StoreKind::Bitstate { .. } => {
            // A dropped node's state: the path to it re-executed, each step
            // made canonical as the search made it.
            // (The start encoded: a state stays on the thread that made
            // it, and the rebuild may run on another.)
            let prog = prog.clone();
            let start = crate::graph::SentState::of(&init);
            Some(Box::new(move |path: &[Transition]| {
                let mut state = start.state();
                for t in path {
                    let (out, _) = stepped(&prog, &state, t, &Interrupt::never());
                    state = out.state;
                }
                state
            }))
        }
    };
    let frontier_budget = bounds.frontier_memory.or(bounds.max_memory.map(|m| m / 4));
    // What the search adds to the process's memory is measured from here.
    let resident_at_start = crate::memory::resident_bytes();
    // A fingerprint store of a program whose runs all end keeps no edges
    // (the graph has no cycle, its bottom components are its terminal
    // nodes): a node's fingerprint is then all it costs in memory. Its
    // complete runs are not counted.
    let edges = !(finite && bounds.store == StoreKind::Fingerprint);
    let builder = Builder::with_store(
        Node::awake(init),
        bounds.store,
        rebuild,
        frontier_budget,
        edges,
    );
    // A bit-state search of a program that may cycle notes where
    // goroutines stand blocked in open nodes (`decide_cycles`).
    let bitstate_cycles = matches!(bounds.store, StoreKind::Bitstate { .. }) && !finite;
    // Leaks certain in the expanded states (`detect::certain`), kept only
    // if a bound cuts the search: a complete search decides leaks on its
    // bottom components alone.
    let leak_future = future.map_or_else(
        || std::borrow::Cow::Owned(reduce::ProgramFuture::new(prog)),
        std::borrow::Cow::Borrowed,
    );
    let expander = expand::Expander {
        prog,
        choices,
        future,
        leak_future: &leak_future,
        use_sleep,
        keep_states: bitstate_cycles,
        bounds,
        interrupt: &interrupt,
        races: crate::detect::race::Races::possible(prog),
    };
    let mut committer = commit::Committer {
        prog,
        budget,
        bounds,
        expander: &expander,
        monitor,
        bitstate_cycles,
        builder,
        queue: VecDeque::from([0]),
        stats: Stats::default(),
        bugs: BTreeMap::new(),
        certain: BTreeMap::new(),
        covered: Coverage::new(prog),
        cut: None,
        watch_cycles: use_sleep && !finite,
        level: (usize::MAX, 0),
    };
    // Nodes are expanded in batches of consecutive ids, in parallel on the
    // current thread pool, and their results committed one by one in id
    // order, exactly as a sequential search commits them: node ids, bugs,
    // paths and the report do not depend on the number of threads. With
    // more than one thread, the next batch is expanded while the search's
    // thread commits the current one.
    let batch = expand::batch_size(bounds.store);
    let pipelined = batch > 1;
    // Two batches and their expansions, their buffers kept from batch to
    // batch.
    let mut jobs: Vec<expand::Job> = (0..batch).map(|_| expand::Job::default()).collect();
    let mut next_jobs: Vec<expand::Job> = (0..batch).map(|_| expand::Job::default()).collect();
    let mut expansions: Vec<expand::Expansion> = Vec::with_capacity(batch);
    let mut next_expansions: Vec<expand::Expansion> = Vec::with_capacity(batch);
    // `expansions[..ready]`: expanded, to commit next; `jobs[..gathered]`:
    // handed over, to expand next. While the search's thread commits a
    // batch, the next one is expanded and, once committed, the search's
    // thread hands over the one after it.
    let mut ready = 0;
    let mut gathered = 0;
    let mut known: BTreeMap<BugKey, Bug> = BTreeMap::new();
    let searched: Result<(), ModelError> = rayon::scope(|_| {
        loop {
            if ready == 0 {
                if gathered == 0 {
                    gathered = gather(&mut committer, &mut jobs);
                    if gathered == 0 {
                        break;
                    }
                }
                expander.expand_all(&mut jobs[..gathered], &committer.certain, &mut expansions);
                ready = gathered;
                gathered = if pipelined {
                    gather(&mut committer, &mut jobs)
                } else {
                    0
                };
            }
            let mut after = 0;
            let stop = if gathered > 0 {
                // The certain leaks known before this batch's commit (the
                // expansion of the next one does not depend on which it is;
                // only their keys are read, and keys are only added).
                if known.len() != committer.certain.len() {
                    known = committer.certain.clone();
                }
                let known = &known;
                let (committed, ()) = rayon::join(
                    || {
                        let stop = committer.commit(&mut expansions[..ready])?;
                        if !stop {
                            after = gather(&mut committer, &mut next_jobs);
                        }
                        Ok::<bool, ModelError>(stop)
                    },
                    || expander.expand_all(&mut jobs[..gathered], known, &mut next_expansions),
                );
                committed?
            } else {
                committer.commit(&mut expansions[..ready])?
            };
            if stop {
                break;
            }
            if pipelined {
                // The nodes of all three batches (committed, expanded,
                // gathered) are still the frontier's: their buffers are
                // kept from batch to batch.
                let bytes = [&jobs, &next_jobs]
                    .iter()
                    .flat_map(|j| j.iter())
                    .map(|j| j.packed.heap_bytes())
                    .chain(
                        [&expansions, &next_expansions]
                            .iter()
                            .flat_map(|e| e.iter())
                            .map(|e| {
                                e.steps.encoded.capacity()
                                    + e.steps.taken.capacity()
                                        * std::mem::size_of::<expand::Taken>()
                            }),
                    )
                    .sum::<usize>();
                committer.builder.note_in_flight(bytes as u64);
            }
            std::mem::swap(&mut expansions, &mut next_expansions);
            std::mem::swap(&mut jobs, &mut next_jobs);
            ready = gathered;
            gathered = after;
        }
        Ok(())
    });
    searched?;
    let forget = || {
        crate::graph::forget_decoded();
        expand::forget_encoded();
        crate::reduce::forget_merged();
        crate::state::forget_spare_states();
    };
    forget();
    rayon::broadcast(|_| forget());
    let commit::Committer {
        builder,
        mut stats,
        mut bugs,
        certain,
        covered,
        mut cut,
        ..
    } = committer;
    let graph = builder.finish();
    let bitstate = graph.bitstate().map(|mut b| {
        // Every edge known, or no cycle at all: bottom components are
        // decided as with the full store.
        b.cycles_decided = b.unconfirmed == 0 || finite::runs_are_finite(prog);
        b
    });
    if let (
        None,
        StoreKind::Bitstate {
            bytes,
            hash_functions,
        },
    ) = (cut, bounds.store)
    {
        // Partial by construction: never verified.
        cut = Some(Bound::Bitstate {
            bytes,
            hash_functions,
        });
    }
    // Leaks certain in one state count when a bound cut the search, or
    // when a bit-state search does not know every edge, so that bottom
    // components of more than one state are not decided (checker/README,
    // "The bit-state store").
    let undecided_cycles = bitstate.is_some_and(|b| !b.cycles_decided);
    let limited = !matches!(cut, None | Some(Bound::Bitstate { .. }));
    if limited || undecided_cycles {
        for (key, mut bug) in certain {
            if !limited {
                detect::certain::reword_for_bitstate(&mut bug);
            }
            bugs.entry(key).or_insert(bug);
        }
    }
    stats.states = graph.len();
    stats.store = bounds.store;
    let complete = cut.is_none();
    // (Two passes over the whole graph, in parallel when there are
    // threads: both are serial work after the search.)
    let (distinct, runs) = rayon::join(
        || graph.distinct_states(),
        || complete.then(|| graph.complete_runs()).flatten(),
    );
    stats.distinct_states = distinct;
    stats.collision_probability = graph.collision_probability();
    stats.frontier = graph.frontier_stats().map(|mut f| {
        f.resident_beyond = resident_at_start
            .zip(crate::memory::peak_resident_bytes())
            .map(|(start, peak)| {
                peak.saturating_sub(start)
                    .saturating_sub(f.peak_with_in_flight_bytes)
            });
        f
    });
    stats.bitstate = bitstate;
    stats.reduction = match reducer {
        None => Applied::None,
        Some(r) if r.sleep => Applied::Por,
        Some(_) => Applied::Proviso,
    };
    stats.seconds = budget.seconds();
    stats.bytes_per_state = graph.heap_bytes().checked_div(graph.len()).unwrap_or(0);
    stats.peak_resident_bytes = crate::memory::peak_resident_bytes();
    if let Some((runs, on_runs)) = runs {
        stats.complete_runs = Some(runs);
        stats.states_on_complete_runs = Some(on_runs);
    }
    let outcome = Outcome {
        bugs: Vec::new(),
        complete,
        bound: cut,
        stats,
        covered: covered.sites,
        unsynced: covered.observed,
        growth: Vec::new(),
    };
    Ok((graph, outcome, bugs))
}

/// Hands the nodes at the front of the queue (a batch at most) to `jobs`;
/// how many. A batch of one is expanded by this thread (the pool has one
/// thread), which decodes its node now, straight from the store, and
/// keeps it ([`expand::keep_here`]: a state stays on the thread that made
/// it); a larger batch's nodes are copied out for the threads that decode
/// them.
fn gather(committer: &mut commit::Committer, jobs: &mut [expand::Job]) -> usize {
    let take = jobs.len().min(committer.queue.len());
    let here = jobs.len() == 1;
    let builder = &mut committer.builder;
    for (job, s) in jobs.iter_mut().zip(committer.queue.drain(..take)) {
        job.s = s;
        job.depth = builder.graph().depth(s) as usize;
        job.here = here;
        if here {
            expand::keep_here(s, builder.decode_here(s, &mut job.packed.parts));
        } else {
            builder.pack(s, &mut job.packed);
        }
    }
    take
}

/// The result of a search interrupted by `bound` while main's first local
/// code ran, before the start state existed: nothing explored, nothing
/// claimed.
fn unstarted(
    bound: Bound,
    seconds: f64,
    reducer: Option<Reducer>,
) -> (Graph, Outcome, BTreeMap<BugKey, Bug>) {
    let stats = Stats {
        seconds,
        reduction: match reducer {
            None => Applied::None,
            Some(r) if r.sleep => Applied::Por,
            Some(_) => Applied::Proviso,
        },
        ..Stats::default()
    };
    let outcome = Outcome {
        bugs: Vec::new(),
        complete: false,
        bound: Some(bound),
        stats,
        covered: BTreeSet::new(),
        unsynced: BTreeSet::new(),
        growth: Vec::new(),
    };
    (Graph::empty(), outcome, BTreeMap::new())
}

/// The operations some explored transition executed.
struct Coverage {
    /// Per function, per instruction: reached yet. A site seen before
    /// (nearly every one, after the first few states) costs an index,
    /// not a search of the set.
    seen: Vec<Vec<bool>>,
    /// The sites reached.
    sites: BTreeSet<Site>,
    /// The observations without synchronisation executed.
    observed: BTreeSet<Observation>,
    /// Per function, per instruction: the kinds observed there yet, one
    /// bit each (a loop over a `select` with `default` takes it at every
    /// iteration: a bit test, not a search of the set, once seen).
    observed_seen: Vec<Vec<u8>>,
}

impl Coverage {
    /// Nothing reached yet in `prog`.
    fn new(prog: &Program) -> Self {
        Coverage {
            seen: prog
                .funcs
                .iter()
                .map(|f| vec![false; f.code.len()])
                .collect(),
            sites: BTreeSet::new(),
            observed: BTreeSet::new(),
            observed_seen: prog.funcs.iter().map(|f| vec![0; f.code.len()]).collect(),
        }
    }
}

/// Records the operations a transition executes, and for a select the
/// first instruction of the arm it takes (so a case can be shown reached);
/// and what it observed without synchronising.
fn cover(sites: &[crate::state::Site], observed: Option<Observation>, covered: &mut Coverage) {
    if let Some(o) = observed {
        let bit = 1u8 << (o.kind as u8);
        let seen = covered
            .observed_seen
            .get_mut(o.site.func.index())
            .and_then(|f| f.get_mut(o.site.pc.index()));
        match seen {
            Some(bits) if *bits & bit != 0 => {}
            Some(bits) => {
                *bits |= bit;
                covered.observed.insert(o);
            }
            None => {
                covered.observed.insert(o);
            }
        }
    }
    for &site in sites {
        let seen = covered
            .seen
            .get_mut(site.func.index())
            .and_then(|f| f.get_mut(site.pc.index()));
        match seen {
            Some(true) => {}
            Some(seen) => {
                *seen = true;
                covered.sites.insert(site);
            }
            None => {
                covered.sites.insert(site);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use weft_models::span::SourceFile;

    /// Workers looping forever over two mutexes: the state graph cycles.
    fn cyclic_workers() -> Program {
        let worker = r#"Go(body: [Loop([Lock("mu"), Let("v", "x"), If("v < 1", [Set("x", "v + 1")], [Set("x", 0)]), Unlock("mu"), Lock("mu2"), Let("w", "y"), If("w < 1", [Set("y", "w + 1")], [Set("y", 0)]), Unlock("mu2")])])"#;
        let ron = format!(
            r#"Scenario(name: "cyclic-workers", globals: [Mutex("mu"), Mutex("mu2"), Var("x", 0), Var("y", 0)], main: [{worker}, {worker}, {worker}, Lock("mu"), Unlock("mu")])"#
        );
        let file = SourceFile::new("cyclic.ron".to_string(), ron);
        // (Every value kept: forgetting the workers' dead `v` and `w`
        // leaves 421 states, too few to show the searches' shapes.)
        weft_models::compile(&file, &[])
            .unwrap_or_else(|e| panic!("{}", e.render(&file, false)))
            .keeping_dead_locals()
    }

    fn search_with(prog: &Program, sleep: bool) -> (Graph, Outcome) {
        let mut future = reduce::ProgramFuture::new(prog);
        if !sleep {
            future.learn_held_locks(prog);
        }
        let budget = Budget::new(Bounds {
            store: StoreKind::Full,
            ..Bounds::default()
        });
        let reducer = Reducer {
            future: &future,
            sleep,
        };
        let mut monitor = progress::Monitor::new(None);
        let (graph, outcome, _) =
            search(prog, &budget, Some(reducer), &mut monitor, None).expect("no model error");
        (graph, outcome)
    }

    /// The search with sleep sets of a program that may run forever stops
    /// at the first edge back to an ancestor: the graph is cyclic, so it is
    /// explored again with the cycle proviso, and only that search counts.
    /// (It stores 4,084 states by then; run to its end, as before it
    /// watched, it stored 53,775, the one with the proviso 37,432.) A
    /// program whose loops may not end but whose graph has no cycle keeps
    /// the search with sleep sets.
    #[test]
    fn the_search_with_sleep_sets_stops_at_the_first_cycle() {
        let prog = cyclic_workers();
        let (first, _) = search_with(&prog, true);
        assert!(first.has_cycle());
        assert!(first.len() < 5_000, "{} states", first.len());
        let (again, outcome) = search_with(&prog, false);
        assert!(outcome.complete && again.has_cycle());
        assert_eq!(again.len(), 37_432);
        let worker = r#"Go(body: [Loop([Lock("mu"), Let("v", "x"), Set("x", "v + 1"), Unlock("mu"), AtomicAdd("y", 1), If("v >= 6", [Break])])])"#;
        let ron = format!(
            r#"Scenario(name: "loop-until", globals: [Mutex("mu"), Var("x", 0), Var("y", 0)], main: [{worker}, {worker}, {worker}])"#
        );
        let file = SourceFile::new("acyclic.ron".to_string(), ron);
        let prog = weft_models::compile(&file, &[])
            .unwrap_or_else(|e| panic!("{}", e.render(&file, false)));
        assert!(!finite::runs_are_finite(&prog));
        let (graph, outcome) = search_with(&prog, true);
        assert!(outcome.complete && !graph.has_cycle());
        // (11,683 with every value kept: each worker's `v`, dead from its
        // last test to the next load, is forgotten.)
        assert_eq!(graph.len(), 2_655);
        // Its runs end (every worker breaks out): the probe says nothing,
        // and the search with sleep sets is kept.
        assert!(!probe::run_repeats(&prog, Interrupt::never()));
    }

    /// Wherever a run of the probe comes back to a state, the search with
    /// sleep sets meets a cycle too and is thrown away: starting with the
    /// cycle proviso gives the very graph the two searches gave.
    #[test]
    fn the_probe_finds_cycles_the_search_with_sleep_sets_meets() {
        let mut programs = crate::testing::corpus();
        programs.push(cyclic_workers());
        let (mut may_loop, mut cyclic, mut probed) = (0, 0, 0);
        for prog in &programs {
            if finite::runs_are_finite(prog) {
                continue;
            }
            may_loop += 1;
            let repeats = probe::run_repeats(prog, Interrupt::never());
            let (graph, _) = search_with(prog, true);
            cyclic += usize::from(graph.has_cycle());
            probed += usize::from(repeats);
            assert!(!repeats || graph.has_cycle(), "{}", prog.meta.name);
        }
        // Of the 42 programs whose loops may run on, 11 have a cycle, and
        // the runs find every one.
        assert_eq!((may_loop, cyclic, probed), (42, 11, 11));
    }
}
