//! Which bugs a single run shows: the verdict `weft replay` prints at the
//! end of a schedule, and the goal test of the minimal-schedule search.
//!
//! The detectors decide bugs on the whole explored graph; here the question
//! is about one run ending in one state `s`, answered with the same
//! detector code:
//!
//! - a crash or failed assertion of the last step, and every context leak
//!   garbage collection found on the way ([`step_findings`]);
//! - spins: a goroutine of `s` proven to loop forever ([`detect::spins`]);
//! - races: both accesses enabled in `s` ([`crate::detect::race`]);
//! - deadlocks, leaks and pending cancels: the states reachable from `s` are
//!   explored (bounded), and the blocking detector runs on that graph. A
//!   global deadlock counts when `s` itself is the dead state; a leak when
//!   its goroutine is blocked in every state reachable from `s` (it can
//!   never move again, whatever happens next); a context leak when its
//!   context is still waiting for its cancel in every state reachable from
//!   `s`. A goroutine that nothing able to run can release
//!   ([`detect::certain`]) is blocked in every state reachable from `s`
//!   without exploring them: when every blocked goroutine of `s` is such,
//!   nothing is explored (the states after `s` may be infinitely many), and
//!   when the exploration is cut, they are reported all the same.

use std::collections::{BTreeMap, VecDeque};

use weft_models::ir::Program;
use weft_models::syntax::BugKind;

use crate::counterexample::replay::Trace;
use crate::detect::{self, blocking, certain, race, Bug, BugKey, Finding};
use crate::explore::{Bound, Budget};
use crate::graph::{Builder, Graph, Node, StateId};
use crate::reduce::ProgramFuture;
use crate::semantics::context::CancelStatus;
use crate::semantics::{self, Event, Failure, FailureKind, Transition};
use crate::state::{Object, Site, State};
use crate::stop::Interrupt;

/// The bugs one run shows, keyed as the detectors key them.
#[derive(Clone, Debug, Default)]
pub struct Reached {
    /// The bugs, each with the run's path.
    pub bugs: BTreeMap<BugKey, Bug>,
    /// False when the states after the run were too many to explore within
    /// the budget: blocking bugs may then be missing.
    pub complete: bool,
    /// The limit of the check that stopped that exploration, if one did
    /// (`None` with `complete` false: the state budget).
    pub stopped: Option<Bound>,
}

/// The findings of one step: its crash, and the context leaks it revealed.
pub(crate) fn step_findings(events: &[Event], failure: Option<&Failure>) -> Vec<Finding> {
    let mut out: Vec<Finding> = events.iter().map(detect::abandoned).collect();
    if let Some(f) = failure.filter(|f| f.kind.is_crash()) {
        out.push(detect::crash(f));
    }
    out
}

fn add(bugs: &mut BTreeMap<BugKey, Bug>, f: Finding, path: &[Transition]) {
    detect::record(bugs, f, || path.to_vec());
}

/// The states reachable from `start` (itself first), explored breadth-first
/// as a [`Graph`] the detectors can read; `Err(None)` past `budget` states,
/// past [`WING_LOCAL_STEPS`] local instructions in one step, or as soon as
/// a state satisfies `stop`; `Err(Some(bound))` when a limit of the check
/// (time, memory, Ctrl-C, or `--max-depth` steps after `start`) stops it.
pub(crate) fn reachable(
    prog: &Program,
    start: &State,
    budget: usize,
    limits: &Budget,
    mut stop: impl FnMut(&State) -> bool,
) -> Result<Graph, Option<Bound>> {
    let mut graph = Builder::new(Node::awake(start.clone()));
    let mut queue: VecDeque<StateId> = VecDeque::from([0]);
    while let Some(s) = queue.pop_front() {
        if let Some(b) = limits.stop(s as usize) {
            return Err(Some(b));
        }
        limits.may_expand(graph.graph().depth(s) as usize)?;
        let state = graph.graph().state(s);
        let mut crashes = 0;
        for t in semantics::enabled(prog, &state) {
            let out = semantics::step_within(prog, &state, &t, &wing_interrupt());
            if out
                .failure
                .as_ref()
                .is_some_and(|f| f.kind == FailureKind::Interrupted)
            {
                return Err(None);
            }
            if out.failure.is_some() {
                crashes += 1;
                continue;
            }
            // Canonical goroutine ids, as the search stores them: a chain
            // of goroutines each starting its successor repeats a state
            // (what is decided here is keyed by sites, not ids).
            let mut next = out.state;
            crate::state::canonical::canonical_goroutines(&mut next);
            let (id, new) = graph.add(s, Some(&state), &t, Node::awake(next));
            if new {
                if graph.graph().len() > budget || stop(&graph.graph().state(id)) {
                    return Err(None);
                }
                queue.push_back(id);
            }
        }
        graph.close(s, crashes, 0, true);
    }
    Ok(graph.finish())
}

/// Whether a goroutine of `state` stands blocked at `site`.
fn blocked_at(prog: &Program, state: &State, site: Site) -> bool {
    let (blocked, _) = blocking::blocked_goroutines(prog, state);
    state
        .goroutines
        .iter()
        .any(|g| g.site() == site && blocked.contains(&g.id))
}

fn pending_cancel(state: &State, site: Site) -> bool {
    state.objects.iter().any(|o| {
        matches!(o, Object::Context(c) if c.site == Some(site) && c.cancel == CancelStatus::Pending)
    })
}

/// The deadlocks, leaks and context leaks that are certain once a run is
/// in `state` (see the module doc); `Err(None)` when the states reachable
/// from it exceed `budget`, `Err(Some(bound))` when a limit of the check
/// stops their exploration.
pub(crate) fn blocking_bugs(
    prog: &Program,
    state: &State,
    budget: usize,
    limits: &Budget,
) -> Result<Vec<(BugKey, Bug)>, Option<Bound>> {
    let graph = reachable(prog, state, budget, limits, |_| false)?;
    Ok(blocking_in(prog, &graph))
}

/// The goroutines of `state` certainly blocked forever
/// ([`detect::certain`]), as leaks with the messages of the complete
/// search, each with an empty path; and whether they are all of its
/// blocked goroutines.
fn sure_leaks(prog: &Program, future: &ProgramFuture, state: &State) -> (Vec<Finding>, bool) {
    let blocked = detect::certain::blocked_positions(prog, state);
    let sure = detect::certain::blocked_forever(prog, future, state, &blocked);
    let mut seen = std::collections::BTreeSet::new();
    let leaks = sure
        .iter()
        .filter(|&&g| seen.insert(state.goroutines[g].site()))
        .map(|&g| detect::certain::leak(state, g, &sure, false))
        .collect();
    (leaks, sure.len() == blocked.len())
}

/// Whether the run is certain to show the leak or context leak `key` once
/// it is in `state`: `Some(false)` as soon as a reachable state shows it is
/// not (no goroutine blocked at the leak's site, no cancel pending at the
/// context's site), `Err` as [`blocking_bugs`] when undecided. With
/// `future` (the program's code summary: a leak found certain before a
/// cut), the leak is decided as the cut search decided it: whether a
/// goroutine at its site is one that nothing able to run can release.
pub(crate) fn certain(
    prog: &Program,
    future: Option<&ProgramFuture>,
    state: &State,
    key: &BugKey,
    budget: usize,
    limits: &Budget,
) -> Result<bool, Option<Bound>> {
    let Some(&site) = key.sites.first() else {
        return Ok(false);
    };
    if let Some(future) = future.filter(|_| key.kind == BugKind::Leak) {
        // Decided as the cut search decided it, from the state alone.
        return Ok(sure_leaks(prog, future, state)
            .0
            .iter()
            .any(|f| f.key == *key));
    }
    let escapes = |s: &State| match key.kind {
        BugKind::Leak => {
            let (blocked, _) = blocking::blocked_goroutines(prog, s);
            !s.goroutines
                .iter()
                .any(|g| g.site() == site && blocked.contains(&g.id))
        }
        BugKind::ContextLeak => !pending_cancel(s, site),
        _ => false,
    };
    if escapes(state) {
        return Ok(false);
    }
    let mut escaped = false;
    let graph = reachable(prog, state, budget, limits, |s| {
        let e = escapes(s);
        escaped |= e;
        e
    });
    match graph {
        Ok(g) => Ok(blocking_in(prog, &g).iter().any(|(k, _)| k == key)),
        Err(_) if escaped => Ok(false),
        Err(stopped) => Err(stopped),
    }
}

/// Whether some goroutine stands blocked at `site` in every state
/// reachable from `state` (a crashing step ends a run): what a leak found
/// certain before a cut claims, decided by exploring every such state;
/// `None` when they are more than `budget`. The referee of
/// [`detect::certain`] in the tests.
pub fn blocked_at_in_every_future(
    prog: &Program,
    state: &State,
    site: Site,
    budget: usize,
) -> Option<bool> {
    let escapes = |s: &State| {
        let (blocked, _) = blocking::blocked_goroutines(prog, s);
        !s.goroutines
            .iter()
            .any(|g| g.site() == site && blocked.contains(&g.id))
    };
    if escapes(state) {
        return Some(false);
    }
    let mut escaped = false;
    let explored = reachable(prog, state, budget, &Budget::default(), |s| {
        let e = escapes(s);
        escaped |= e;
        e
    });
    match explored {
        Ok(_) => Some(true),
        Err(_) if escaped => Some(false),
        Err(_) => None,
    }
}

fn blocking_in(prog: &Program, graph: &Graph) -> Vec<(BugKey, Bug)> {
    let mut found = BTreeMap::new();
    blocking::detect(prog, graph, &mut found);
    let terminal = graph.len() == 1 && graph.edge_count() == 0;
    let kept = found
        .into_iter()
        .filter(|(key, bug)| match key.kind {
            BugKind::Deadlock => terminal,
            // By site: the states are stored with canonical goroutine ids,
            // which rename a goroutine once an earlier one has ended.
            BugKind::Leak => bug
                .involved
                .first()
                .is_some_and(|i| graph.states().all(|state| blocked_at(prog, &state, i.site))),
            BugKind::ContextLeak => graph.states().all(|state| pending_cancel(&state, bug.site)),
            _ => false,
        })
        .collect();
    kept
}

/// Every bug the run `path` shows, given the events and crash of each of
/// its steps and the state it ends in (before the crash, if it crashed).
pub fn reached(
    prog: &Program,
    path: &[Transition],
    step_results: &[(Vec<Event>, Option<Failure>)],
    end: &State,
    budget: usize,
) -> Reached {
    reached_within(prog, path, step_results, end, budget, &Budget::default())
}

/// [`reached`] within the limits of a check (time, memory, Ctrl-C).
pub(crate) fn reached_within(
    prog: &Program,
    path: &[Transition],
    step_results: &[(Vec<Event>, Option<Failure>)],
    end: &State,
    budget: usize,
    limits: &Budget,
) -> Reached {
    let mut bugs = BTreeMap::new();
    let crashed = step_results.last().is_some_and(|(_, f)| f.is_some());
    for (events, failure) in step_results {
        for f in step_findings(events, failure.as_ref()) {
            add(&mut bugs, f, path);
        }
    }
    for f in detect::spins(end) {
        add(&mut bugs, f, path);
    }
    let mut complete = true;
    let mut stopped = None;
    if !crashed {
        race::detect(
            prog,
            race::Races::possible(prog),
            end,
            || path.to_vec(),
            &mut bugs,
        );
        let (sure, all_blocked_sure) = sure_leaks(prog, &ProgramFuture::new(prog), end);
        // The exploration after the run decides only blocked goroutines
        // (leaks), pending cancels and a dead end (deadlock): not needed
        // when every blocked goroutine is certainly blocked forever.
        let undecided = !all_blocked_sure
            || semantics::enabled(prog, end).is_empty()
            || end
                .objects
                .iter()
                .any(|o| matches!(o, Object::Context(c) if c.cancel == CancelStatus::Pending));
        let explored = if sure.is_empty() || undecided {
            Some(blocking_bugs(prog, end, budget, limits))
        } else {
            None
        };
        match explored {
            Some(Ok(found)) => {
                for (key, mut bug) in found {
                    bug.path = path.to_vec();
                    bugs.entry(key).or_insert(bug);
                }
            }
            Some(Err(by)) => {
                complete = false;
                stopped = by;
                sure.into_iter().for_each(|f| add(&mut bugs, f, path));
            }
            None => sure.into_iter().for_each(|f| add(&mut bugs, f, path)),
        }
    }
    Reached {
        bugs,
        complete,
        stopped,
    }
}

/// Local instructions one step of the wing's own searches may run: a step
/// the explorer completed runs at most as long, unless a bound cut the
/// search before it; beyond this, the wing's search counts as cut.
pub(crate) const WING_LOCAL_STEPS: u64 = 1 << 26;

/// The interrupt of the wing's own searches ([`WING_LOCAL_STEPS`]).
pub(crate) fn wing_interrupt() -> Interrupt {
    Interrupt::after(WING_LOCAL_STEPS)
}

/// The state budget for deciding, at the end of a replay, whether a
/// goroutine is blocked forever.
pub(crate) const REPLAY_BUDGET: usize = 1_000_000;

/// The state budget of the exploration after a run within `limits`: their
/// `--max-states` when it is smaller than [`REPLAY_BUDGET`] (with the bound
/// to name when it cuts), else [`REPLAY_BUDGET`] (and `None`).
pub(crate) fn replay_budget(limits: &Budget) -> (usize, Option<Bound>) {
    match limits.bounds().max_states {
        Some(m) if m < REPLAY_BUDGET => (m, Some(Bound::States(m))),
        _ => (REPLAY_BUDGET, None),
    }
}

/// Every bug the replayed run `trace` shows, exploring at most `budget`
/// states after it within `limits`.
pub(crate) fn of_trace(prog: &Program, trace: &Trace, budget: usize, limits: &Budget) -> Reached {
    let results: Vec<_> = trace
        .steps
        .iter()
        .map(|s| (s.events.clone(), s.failure.clone()))
        .collect();
    reached_within(prog, &trace.path, &results, &trace.last, budget, limits)
}

/// The key of a bug, as its detector built it.
pub fn key_of(bug: &Bug) -> BugKey {
    let mut sites: Vec<Site> = match bug.kind {
        BugKind::Race | BugKind::Deadlock => bug.involved.iter().map(|i| i.site).collect(),
        _ => vec![bug.site],
    };
    sites.sort();
    if bug.kind == BugKind::Deadlock {
        sites.dedup();
    }
    BugKey {
        kind: bug.kind,
        sites,
    }
}

/// The referee of the search's cheap screen before the certainty analysis
/// (`detect::certain::screened_out`): in each state reachable from the
/// start of `prog` (breadth-first, up to `budget` states), the goroutines certainly blocked forever as the search finds
/// them and as the whole analysis alone finds them, which must be the
/// same. `Ok` with how many states the screen ruled out only by undoing a
/// chain of waits; `Err` with the first state where the two differ. For
/// the test suite.
#[doc(hidden)]
pub fn referee_screen(prog: &Program, budget: usize) -> Result<usize, String> {
    let start = semantics::initial_state(prog).map_err(|f| format!("{f:?}"))?;
    let future = ProgramFuture::new(prog);
    let (mut chains, mut differ) = (0, None);
    let _ = reachable(prog, &start, budget, &Budget::default(), |s| {
        let transitions = semantics::enabled(prog, s);
        let certain = |screen| {
            certain::certain_in_state(
                prog,
                &future,
                s,
                &transitions,
                rustc_hash::FxHashSet::default,
                screen,
            )
            .map(|(new, _)| new)
        };
        let (by_search, alone) = (certain(true), certain(false));
        let moves = certain::moving(s, &transitions);
        let blocked: Vec<usize> = (0..s.goroutines.len())
            .filter(|&g| !moves[g] && !s.goroutines[g].spinning)
            .collect();
        let screened = certain::screened_out(prog, &future, s, &blocked, moves, &|_| false);
        chains += usize::from(screened.is_some_and(|n| n > 0));
        if by_search != alone {
            differ = Some(format!(
                "certainly blocked forever: {by_search:?} by the search, {alone:?} by the \
                     whole analysis, in {s:?}"
            ));
        }
        differ.is_some()
    });
    differ.map_or(Ok(chains), Err)
}
