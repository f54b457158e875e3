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
use crate::reduce::{self, Applied, Reduction, SleepSet};
use crate::semantics::{self, Event, Failure, FailureKind, Transition};
use crate::state::{Site, State};

pub mod bounds;

pub use bounds::{Bound, Bounds};

/// A node's id: its index in [`Graph::states`].
pub type StateId = u32;

/// A node of the search: a state and the transitions asleep in it (always
/// empty without reduction, so nodes are then exactly the states).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Node {
    /// The state.
    pub state: State,
    /// Transitions not to explore from it (explored from an equivalent run).
    pub sleep: SleepSet,
}

impl Node {
    /// A node with nothing asleep.
    pub fn awake(state: State) -> Node {
        Node {
            state,
            sleep: SleepSet::new(),
        }
    }
}

/// The explored state graph.
pub struct Graph {
    /// Every node reached, in discovery (breadth-first) order.
    pub states: IndexSet<Node, FxBuildHasher>,
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
    /// How many transitions of each expanded node's persistent set were
    /// asleep (explored from an equivalent run elsewhere): such a node is
    /// never the end of a run nor part of a bottom component.
    pub asleep: Vec<u32>,
}

impl Graph {
    /// The successors of an expanded state.
    pub fn successors(&self, s: StateId) -> &[StateId] {
        let i = s as usize;
        &self.targets[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// The state of the node with this id.
    pub fn state(&self, s: StateId) -> &State {
        &self.states[s as usize].state
    }

    /// An empty graph with `start` as its first node.
    pub fn new(start: State) -> Graph {
        let mut states = IndexSet::with_hasher(FxBuildHasher);
        states.insert(Node::awake(start));
        Graph {
            states,
            parent: vec![None],
            depth: vec![0],
            expanded: 0,
            offsets: vec![0],
            targets: Vec::new(),
            crashes: Vec::new(),
            asleep: Vec::new(),
        }
    }

    /// The successors of a node; none for a node not expanded.
    fn out(&self, s: StateId) -> &[StateId] {
        if (s as usize) < self.expanded {
            self.successors(s)
        } else {
            &[]
        }
    }

    /// Depth-first from `root`, calling `done` on every node reached in
    /// post-order (after all its successors). `mark` is shared between
    /// calls: 0 new, 1 on the stack, 2 done. False when a cycle is found.
    fn post_order(
        &self,
        root: StateId,
        mark: &mut [u8],
        mut done: impl FnMut(StateId, &[StateId]),
    ) -> bool {
        let mut stack: Vec<(StateId, usize)> = vec![(root, 0)];
        mark[root as usize] = 1;
        while let Some(&mut (s, ref mut next)) = stack.last_mut() {
            let succ = self.out(s);
            if *next < succ.len() {
                let t = succ[*next];
                *next += 1;
                match mark[t as usize] {
                    0 => {
                        mark[t as usize] = 1;
                        stack.push((t, 0));
                    }
                    1 => return false,
                    _ => {}
                }
                continue;
            }
            done(s, succ);
            mark[s as usize] = 2;
            stack.pop();
        }
        true
    }

    /// True when the expanded part of the graph has a cycle.
    pub fn has_cycle(&self) -> bool {
        let mut mark = vec![0u8; self.states.len()];
        (0..self.expanded as StateId)
            .any(|root| mark[root as usize] == 0 && !self.post_order(root, &mut mark, |_, _| {}))
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
    /// The reduction the search applied.
    pub reduction: Applied,
    /// Distinct program states among the nodes (with sleep sets, one state
    /// may be stored once per sleep set it was reached with).
    pub distinct_states: usize,
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
    let (graph, mut outcome, mut bugs) = explore_graph_with(prog, bounds, reduction)?;
    detect::blocking::detect(prog, &graph, &mut bugs);
    outcome.bugs = bugs.into_values().collect();
    Ok(outcome)
}

/// Explores without reduction and returns the graph too (for tests,
/// statistics and reports).
pub fn explore_graph(
    prog: &Program,
    bounds: &Bounds,
) -> Result<(Graph, Outcome, BTreeMap<BugKey, Bug>), ModelError> {
    explore_graph_with(prog, bounds, Reduction::None)
}

/// Explores with `reduction` and returns the graph. A reduced graph with a
/// cycle is explored again with persistent sets and a cycle proviso but no
/// sleep sets (see [`Applied::Proviso`]).
pub fn explore_graph_with(
    prog: &Program,
    bounds: &Bounds,
    reduction: Reduction,
) -> Result<(Graph, Outcome, BTreeMap<BugKey, Bug>), ModelError> {
    if reduction == Reduction::None {
        return search(prog, bounds, None);
    }
    let future = reduce::ProgramFuture::new(prog);
    let with_sleep = Reducer {
        future: &future,
        sleep: true,
    };
    let reduced = search(prog, bounds, Some(with_sleep))?;
    if !reduced.0.has_cycle() {
        return Ok(reduced);
    }
    let spent = reduced.1.stats.seconds;
    let with_proviso = Reducer {
        future: &future,
        sleep: false,
    };
    let mut again = search(prog, bounds, Some(with_proviso))?;
    again.1.stats.seconds += spent;
    Ok(again)
}

/// How a search reduces.
#[derive(Clone, Copy)]
struct Reducer<'a> {
    /// What each goroutine may still touch.
    future: &'a reduce::ProgramFuture,
    /// Sleep sets (acyclic state spaces); without them, the cycle proviso:
    /// a state with a persistent-set successor already visited is expanded
    /// fully, so every cycle of the reduced graph has a fully expanded state.
    sleep: bool,
}

/// The breadth-first search, reduced by `reducer` when given.
fn search(
    prog: &Program,
    bounds: &Bounds,
    reducer: Option<Reducer>,
) -> Result<(Graph, Outcome, BTreeMap<BugKey, Bug>), ModelError> {
    let future = reducer.map(|r| r.future);
    let use_sleep = reducer.is_some_and(|r| r.sleep);
    let budget = bounds::Budget::new(bounds.clone());
    let init = semantics::initial_state(prog).map_err(|failure| ModelError {
        failure,
        path: Vec::new(),
    })?;
    let mut graph = Graph::new(init);
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
        let Node { state, sleep } = graph.states[s as usize].clone();
        let transitions = semantics::enabled(prog, &state);
        detect::race::detect(prog, &state, || graph.path_to(s), &mut bugs);
        // Which transitions to explore, and the sleep set each successor
        // gets. Steps are taken on demand: the reduction asks whether the
        // transitions of a candidate set crash (a crash ends every other
        // goroutine's run, so it commutes with nothing), and the chosen
        // ones run.
        let mut outcomes: Vec<Option<semantics::StepOutcome>> =
            transitions.iter().map(|_| None).collect();
        let outcome = |outcomes: &mut Vec<Option<semantics::StepOutcome>>, i: usize| {
            if outcomes[i].is_none() {
                outcomes[i] = Some(semantics::step(prog, &state, &transitions[i]));
            }
        };
        let mut view = future.map(|f| {
            let mut crashing = |i: usize| {
                outcome(&mut outcomes, i);
                outcomes[i].as_ref().is_some_and(|o| o.failure.is_some())
            };
            reduce::analyse(prog, f, &state, &transitions, &mut crashing)
        });
        if let (Some(v), false) = (view.as_mut(), use_sleep) {
            // The cycle proviso (breadth-first form): a persistent set that
            // leads back to a state already visited is not enough.
            let partial = v.persistent.iter().any(|&p| !p);
            let back = partial
                && (0..transitions.len())
                    .filter(|&i| v.persistent[i])
                    .any(|i| {
                        outcome(&mut outcomes, i);
                        outcomes[i].as_ref().is_some_and(|o| {
                            o.failure.is_none()
                                && graph.states.contains(&Node::awake(o.state.clone()))
                        })
                    });
            if back {
                v.persistent.iter_mut().for_each(|p| *p = true);
            }
        }
        let mut asleep_here: Vec<usize> = Vec::new();
        let mut chosen: Vec<usize> = Vec::new();
        for (i, t) in transitions.iter().enumerate() {
            let in_set = view.as_ref().is_none_or(|v| v.persistent[i]);
            let sleeping = !sleep.is_empty()
                && reduce::sleep::key(&state, t).is_some_and(|k| sleep.contains(&k));
            if sleeping {
                asleep_here.push(i);
            } else if in_set {
                chosen.push(i);
            }
        }
        let asleep_in_set = asleep_here
            .iter()
            .filter(|&&i| view.as_ref().is_none_or(|v| v.persistent[i]))
            .count() as u32;
        let mut crashes = 0u32;
        for (k, &i) in chosen.iter().enumerate() {
            let t = &transitions[i];
            stats.transitions += 1;
            cover(prog, &state, t, &mut covered);
            outcome(&mut outcomes, i);
            let Some(out) = outcomes[i].take() else {
                continue;
            };
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
            let next_sleep = match &view {
                Some(v) if use_sleep => reduce::sleep::successor_sleep(
                    &state,
                    &transitions,
                    v,
                    &asleep_here,
                    &chosen[..k],
                    i,
                ),
                _ => SleepSet::new(),
            };
            let node = Node {
                state: out.state,
                sleep: next_sleep,
            };
            if bounds.max_states.is_some_and(|m| graph.states.len() >= m)
                && !graph.states.contains(&node)
            {
                // Storing one more state would exceed the bound: this state
                // stays unexpanded (its partial edges are dropped).
                cut = Some(Bound::States(graph.states.len()));
                graph.targets.truncate(graph.offsets[s as usize] as usize);
                break;
            }
            let (id, new) = graph.states.insert_full(node);
            let id = id as StateId;
            graph.targets.push(id);
            if new {
                graph.parent.push(Some((s, t.clone())));
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
        graph.asleep.push(asleep_in_set);
        // A terminal state with a goroutine left is a deadlock or a leak.
        let stuck = transitions.is_empty() && !state.goroutines.is_empty();
        if bounds.stop_at_first_bug && (stuck || !bugs.is_empty()) {
            cut = Some(Bound::FirstBug);
            break;
        }
    }
    stats.states = graph.states.len();
    stats.distinct_states = if future.is_some() {
        let mut seen: rustc_hash::FxHashSet<&State> = rustc_hash::FxHashSet::default();
        graph
            .states
            .iter()
            .filter(|n| seen.insert(&n.state))
            .count()
    } else {
        graph.states.len()
    };
    stats.reduction = match reducer {
        None => Applied::None,
        Some(r) if r.sleep => Applied::Por,
        Some(_) => Applied::Proviso,
    };
    stats.seconds = budget.seconds();
    let sample = graph.states.len().min(1000);
    stats.bytes_per_state = graph
        .states
        .iter()
        .take(sample)
        .map(|n| n.state.approx_bytes() + n.sleep.len() * std::mem::size_of::<reduce::StepKey>())
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
    let mut mark = vec![0u8; n];
    let mut runs = vec![0u128; n];
    let acyclic = graph.post_order(0, &mut mark, |s, succ| {
        let crashes = u128::from(graph.crashes[s as usize]);
        runs[s as usize] = if succ.is_empty() && crashes == 0 {
            // A node whose remaining transitions all sleep ends no run: its
            // continuations were explored from an equivalent run.
            u128::from(graph.asleep[s as usize] == 0)
        } else {
            succ.iter()
                .fold(crashes, |acc, &t| acc.saturating_add(runs[t as usize]))
        };
    });
    acyclic.then_some(runs[0])
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
