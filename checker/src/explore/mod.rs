//! The stateful explorer: breadth-first over canonical states with a
//! visited set, so loops, tickers and retries terminate whenever the state
//! space is finite, and every counterexample is a shortest path.
//!
//! Detectors run as the search goes (races, panics, assertions, context
//! leaks on garbage collection) and on the finished graph (deadlocks, leaks
//! and pending cancels in bottom strongly connected components).

use std::collections::VecDeque;
use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexSet;
use rustc_hash::FxBuildHasher;
use weft_models::ir::Program;

use crate::detect::{self, Bug, BugKey};
use crate::semantics::{self, Event, Failure, FailureKind, Transition};
use crate::state::{Site, State};

pub mod bounds;

pub use bounds::{Bound, Bounds};

/// A state's id: its index in [`Graph::states`].
pub type StateId = u32;

/// The explored state graph.
pub struct Graph {
    /// Every state reached, in discovery (breadth-first) order.
    pub states: IndexSet<State, FxBuildHasher>,
    /// The breadth-first tree: how each state was first reached.
    pub parent: Vec<Option<(StateId, Transition)>>,
    /// Breadth-first depth of each state.
    pub depth: Vec<u32>,
    /// How many states (a prefix, in id order) were expanded.
    pub expanded: usize,
    /// Successors of expanded state `i`: `targets[offsets[i]..offsets[i+1]]`.
    pub offsets: Vec<u32>,
    /// Edge targets.
    pub targets: Vec<StateId>,
    /// How many transitions from each expanded state crashed the program
    /// (each ends a run without reaching a stored state).
    pub crashes: Vec<u32>,
}

impl Graph {
    /// The successors of an expanded state.
    pub fn successors(&self, s: StateId) -> &[StateId] {
        let i = s as usize;
        &self.targets[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// The state with this id.
    pub fn state(&self, s: StateId) -> &State {
        &self.states[s as usize]
    }

    /// The transitions from the initial state to `s`.
    pub fn path_to(&self, s: StateId) -> Vec<Transition> {
        let mut path = Vec::new();
        let mut cur = s;
        while let Some((p, t)) = &self.parent[cur as usize] {
            path.push(t.clone());
            cur = *p;
        }
        path.reverse();
        path
    }
}

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
    /// Approximate bytes per stored state.
    pub bytes_per_state: usize,
    /// The number of maximal paths (complete runs) through the explored
    /// graph, counting each crashing step as the end of a run; `None` when
    /// the graph has a cycle or the search was cut.
    pub complete_runs: Option<u128>,
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
}

/// A run-time type error in the scenario (something validation could not
/// rule out statically): the scenario is invalid, not buggy.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{}", failure.message)]
pub struct ModelError {
    /// Where and what.
    pub failure: Failure,
    /// How the explorer got there.
    pub path: Vec<Transition>,
}

/// Explores every reachable state of `prog` within `bounds`.
pub fn explore(prog: &Program, bounds: &Bounds) -> Result<Outcome, ModelError> {
    let (graph, mut outcome, mut bugs) = explore_graph(prog, bounds)?;
    detect::blocking::detect(prog, &graph, &mut bugs);
    outcome.bugs = bugs.into_values().collect();
    Ok(outcome)
}

/// Explores and returns the graph too (for tests, statistics and reports).
pub fn explore_graph(
    prog: &Program,
    bounds: &Bounds,
) -> Result<(Graph, Outcome, BTreeMap<BugKey, Bug>), ModelError> {
    let budget = bounds::Budget::new(bounds.clone());
    let init = semantics::initial_state(prog).map_err(|failure| ModelError {
        failure,
        path: Vec::new(),
    })?;
    let mut graph = Graph {
        states: IndexSet::with_hasher(FxBuildHasher),
        parent: vec![None],
        depth: vec![0],
        expanded: 0,
        offsets: vec![0],
        targets: Vec::new(),
        crashes: Vec::new(),
    };
    graph.states.insert(init);
    let mut bugs: BTreeMap<BugKey, Bug> = BTreeMap::new();
    let mut queue: VecDeque<StateId> = VecDeque::from([0]);
    let mut stats = Stats::default();
    let mut cut: Option<Bound> = None;
    let mut covered = BTreeSet::new();

    while let Some(s) = queue.pop_front() {
        if let Some(b) = budget.exhausted(graph.states.len()) {
            cut = Some(b);
            break;
        }
        let depth = graph.depth[s as usize] as usize;
        stats.max_depth = stats.max_depth.max(depth);
        if let Err(b) = budget.may_expand(depth) {
            // Not expanded: the search is incomplete from here on.
            cut.get_or_insert(b);
            break;
        }
        debug_assert_eq!(s as usize, graph.expanded);
        let state = graph.states[s as usize].clone();
        let transitions = semantics::enabled(prog, &state);
        let mut crashes = 0u32;
        detect::race::detect(prog, &state, || graph.path_to(s), &mut bugs);
        for t in transitions {
            stats.transitions += 1;
            cover(prog, &state, &t, &mut covered);
            let out = semantics::step(prog, &state, &t);
            for e in &out.events {
                let Event::ContextLeak { site } = e;
                detect::record(&mut bugs, detect::context_leak(*site), || {
                    let mut p = graph.path_to(s);
                    p.push(t.clone());
                    p
                });
            }
            if let Some(failure) = out.failure {
                let mut path = graph.path_to(s);
                path.push(t.clone());
                if failure.kind == FailureKind::Model {
                    return Err(ModelError { failure, path });
                }
                detect::record(&mut bugs, detect::crash(&failure), || path);
                crashes += 1;
                continue;
            }
            if bounds.max_states.is_some_and(|m| graph.states.len() >= m)
                && !graph.states.contains(&out.state)
            {
                // Storing one more state would exceed the bound: this state
                // stays unexpanded (its partial edges are dropped).
                cut = Some(Bound::States(graph.states.len()));
                graph.targets.truncate(graph.offsets[s as usize] as usize);
                break;
            }
            let (id, new) = graph.states.insert_full(out.state);
            let id = id as StateId;
            graph.targets.push(id);
            if new {
                graph.parent.push(Some((s, t)));
                graph.depth.push(depth as u32 + 1);
                queue.push_back(id);
            }
        }
        if cut.is_some() {
            break;
        }
        graph.expanded += 1;
        graph.offsets.push(graph.targets.len() as u32);
        graph.crashes.push(crashes);
    }
    stats.states = graph.states.len();
    stats.seconds = budget.seconds();
    let sample = graph.states.len().min(1000);
    stats.bytes_per_state = graph
        .states
        .iter()
        .take(sample)
        .map(State::approx_bytes)
        .sum::<usize>()
        .checked_div(sample)
        .unwrap_or(0);
    let complete = cut.is_none();
    if complete {
        stats.complete_runs = complete_runs(&graph);
    }
    let outcome = Outcome {
        bugs: Vec::new(),
        complete,
        bound: cut,
        stats,
        covered,
    };
    Ok((graph, outcome, bugs))
}

/// Counts maximal paths from the initial state by dynamic programming in
/// reverse topological order; `None` if the graph has a cycle.
pub fn complete_runs(graph: &Graph) -> Option<u128> {
    let n = graph.expanded;
    if n != graph.states.len() {
        return None;
    }
    // Iterative DFS post-order with cycle detection (0 new, 1 open, 2 done).
    let mut mark = vec![0u8; n];
    let mut runs = vec![0u128; n];
    let mut stack: Vec<(StateId, usize)> = vec![(0, 0)];
    mark[0] = 1;
    while let Some(&mut (s, ref mut next)) = stack.last_mut() {
        let succ = graph.successors(s);
        if *next < succ.len() {
            let t = succ[*next];
            *next += 1;
            match mark[t as usize] {
                0 => {
                    mark[t as usize] = 1;
                    stack.push((t, 0));
                }
                1 => return None,
                _ => {}
            }
            continue;
        }
        let crashes = u128::from(graph.crashes[s as usize]);
        let total = if succ.is_empty() && crashes == 0 {
            1
        } else {
            succ.iter()
                .fold(crashes, |acc, &t| acc.saturating_add(runs[t as usize]))
        };
        runs[s as usize] = total;
        mark[s as usize] = 2;
        stack.pop();
    }
    Some(runs[0])
}

/// Records the operations a transition executes, and for a select the
/// first instruction of the arm it takes (so a case can be shown reached).
fn cover(prog: &Program, state: &State, t: &Transition, covered: &mut BTreeSet<Site>) {
    let mut arm_of = |g: u32, alt: u32| {
        let site = state.goroutines[g as usize].site();
        covered.insert(site);
        if let weft_models::ir::Op::Select { arms, default } = &prog.instr(site.func, site.pc).op {
            let target = arms.get(alt as usize).map(|a| a.target).or(*default);
            if let Some(pc) = target {
                covered.insert(Site {
                    func: site.func,
                    pc,
                });
            }
        }
    };
    match *t {
        Transition::Step { g, alt } => arm_of(g, alt),
        Transition::Rendezvous {
            sender,
            send_arm,
            receiver,
            recv_arm,
        } => {
            arm_of(sender, send_arm);
            arm_of(receiver, recv_arm);
        }
        Transition::Fire { .. } => {}
    }
}
