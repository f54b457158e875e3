//! Minimal counterexamples: among the runs that reach a bug, one with the
//! fewest preemptions, then the fewest steps.
//!
//! A preemption is a context switch away from a goroutine that could have
//! gone on ([`crate::counterexample::replay::switch_kind`]): a reader follows a schedule
//! with few of them much more easily, and the bugs of the study need two or
//! three (CHESS's observation, which its iterative context bounding uses).
//!
//! The search is a shortest-path search (Dijkstra, cost = preemptions then
//! steps) over pairs (state, goroutines of the last step), run on the
//! semantics seam itself, so it does not depend on what the explorer stored
//! (a reduced exploration may skip the very paths that are minimal). A run
//! reaches the bug when [`crate::counterexample::verdict`] finds a bug with the same key:
//! the same crash on a step, the same racing pair enabled, the same global
//! deadlock, the same goroutine blocked forever (in a state where every
//! goroutine stuck with it is blocked at its operation: a leak's story ends
//! where all of them are stuck, not where the leak becomes certain), the
//! same cancel never called. The work is capped (by `--minimal-cap` and by the check's own
//! `--max-states`), and stops with the check's time, memory and Ctrl-C
//! ([`Budget`]); past them the checker's breadth-first (shortest)
//! counterexample is kept and the report says which limit stopped it.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use indexmap::IndexSet;
use rustc_hash::{FxBuildHasher, FxHashMap};
use smallvec::SmallVec;
use weft_models::ir::Program;
use weft_models::syntax::BugKind;

use crate::counterexample::replay::{mover_ids, switch_kind, Switch};
use crate::counterexample::verdict::{self, key_of};
use crate::detect::{self, blocking, race, Bug, BugKey};
use crate::explore::{Bound, Budget};
use crate::reduce::ProgramFuture;
use crate::semantics::context::CancelStatus;
use crate::semantics::{self, Event, Transition};
use crate::state::{Object, Site, State};

/// The default cap on the search's work: states stored and expanded, plus
/// states explored to decide whether a goroutine is blocked forever.
pub const DEFAULT_CAP: usize = 200_000;

/// How a counterexample was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Search {
    /// Proven minimal: fewest preemptions, then fewest steps.
    Minimal,
    /// The search hit its cap, or a limit of the check, after this much
    /// work: the checker's shortest (breadth-first) counterexample is kept.
    Cut {
        /// Work done.
        explored: usize,
        /// The limit of the check that stopped it; `None` for its own cap
        /// (`--minimal-cap`).
        by: Option<Bound>,
    },
    /// The search found no run reaching the bug (it should not happen): the
    /// checker's counterexample is kept.
    NotFound,
}

/// The counterexample to show for a bug.
#[derive(Clone, Debug)]
pub struct Minimal {
    /// The schedule.
    pub path: Vec<Transition>,
    /// How it was chosen.
    pub search: Search,
}

type Last = SmallVec<[crate::state::GoroutineId; 2]>;

/// A queue entry: (preemptions, steps, insertion sequence, node, and the
/// index of the goal step taken from that node when the entry is a goal).
type Entry = (u32, u32, u64, usize, Option<usize>);

struct Succ {
    t: Transition,
    /// The next state, `None` when the step crashed.
    next: Option<u32>,
    /// How the step renamed goroutines (states are stored with canonical
    /// ids, so that a chain of goroutines each starting its successor
    /// repeats a state, as in the search).
    renaming: crate::state::canonical::GoroutineRenaming,
    /// Whether the step itself shows the bug (a crash, a context leak).
    goal: bool,
}

struct Node {
    state: u32,
    last: Last,
    parent: Option<(usize, Transition)>,
    cost: (u32, u32),
}

struct Searcher<'p> {
    prog: &'p Program,
    bug: &'p Bug,
    key: BugKey,
    states: IndexSet<State, FxBuildHasher>,
    succs: Vec<Option<(Vec<Transition>, Vec<Succ>)>>,
    goal_memo: Vec<Option<bool>>,
    work: usize,
    cap: usize,
    cut: bool,
    limits: &'p Budget,
    /// The check's `--max-states` when it is the cap.
    cap_bound: Option<Bound>,
    /// The limit of the check that stopped the search, if one did.
    stopped: Option<Bound>,
    /// For a leak found certain before a cut, the program's code summary:
    /// a run reaches it once nothing able to run can release a goroutine
    /// at its site, as the cut search decided (see [`verdict::certain`]).
    /// Other leaks are decided as the complete search decides them.
    future: Option<ProgramFuture>,
    /// The kinds of race the program can make (read once).
    races: race::Races,
}

impl Searcher<'_> {
    fn intern(&mut self, s: State) -> u32 {
        let (id, new) = self.states.insert_full(s);
        if new {
            // Stored states are work too: one expansion of a state with
            // many goroutines stores as many successors, each as large.
            self.work += 1;
            self.succs.push(None);
            self.goal_memo.push(None);
        }
        id as u32
    }

    fn edge_goal(&self, events: &[Event], failure: Option<&semantics::Failure>) -> bool {
        match self.key.kind {
            BugKind::Panic | BugKind::Assert => failure
                .filter(|f| f.kind.is_crash())
                .is_some_and(|f| detect::crash(f).key == self.key),
            BugKind::ContextLeak | BugKind::ResourceLeak => events
                .iter()
                .any(|e| e.bug() == (self.key.kind, self.bug.site)),
            BugKind::Deadlock | BugKind::Leak | BugKind::Race | BugKind::Spin => false,
        }
    }

    fn expand(&mut self, s: u32) {
        if self.succs[s as usize].is_some() {
            return;
        }
        self.work += 1;
        let state = self.states[s as usize].clone();
        let enabled = semantics::enabled(self.prog, &state);
        let mut out = Vec::with_capacity(enabled.len());
        for t in &enabled {
            let step = semantics::step_within(self.prog, &state, t, &verdict::wing_interrupt());
            if step
                .failure
                .as_ref()
                .is_some_and(|f| f.kind == semantics::FailureKind::Interrupted)
            {
                // A step the explorer may never have run (a bound cut it):
                // this search is cut too.
                self.cut = true;
            }
            let goal = self.edge_goal(&step.events, step.failure.as_ref());
            let mut renaming = Default::default();
            let next = match step.failure {
                Some(_) => None,
                None => {
                    let mut next = step.state;
                    renaming = crate::state::canonical::canonical_goroutines(&mut next);
                    Some(self.intern(next))
                }
            };
            out.push(Succ {
                t: t.clone(),
                next,
                renaming,
                goal,
            });
        }
        self.succs[s as usize] = Some((enabled, out));
    }

    fn state_goal(&mut self, s: u32) -> bool {
        if let Some(g) = self.goal_memo[s as usize] {
            return g;
        }
        let state = self.states[s as usize].clone();
        let terminal = self.succs[s as usize]
            .as_ref()
            .is_some_and(|(e, _)| e.is_empty());
        let candidate = match self.key.kind {
            BugKind::Race => {
                let mut found = BTreeMap::new();
                race::detect(self.prog, self.races, &state, Vec::new, &mut found);
                self.goal_memo[s as usize] = Some(found.contains_key(&self.key));
                return found.contains_key(&self.key);
            }
            BugKind::Spin => {
                // A spinning goroutine never moves again: certain at once.
                let found = detect::spins(&state).any(|f| f.key == self.key);
                self.goal_memo[s as usize] = Some(found);
                return found;
            }
            BugKind::Deadlock => terminal,
            BugKind::Leak => {
                // The story ends where every goroutine stuck with the leak
                // is stuck, not where the leak becomes certain: as many
                // goroutines blocked at each of their operations as the
                // bug names there.
                let (blocked, _) = blocking::blocked_goroutines(self.prog, &state);
                let stuck_at = |site: Site| {
                    state
                        .goroutines
                        .iter()
                        .filter(|g| g.site() == site && blocked.contains(&g.id))
                        .count()
                };
                let mut sites: Vec<Site> = self.bug.involved.iter().map(|i| i.site).collect();
                sites.push(self.bug.site);
                sites.sort();
                sites.dedup();
                sites.iter().all(|&site| {
                    let named = self
                        .bug
                        .involved
                        .iter()
                        .filter(|i| i.site == site)
                        .count()
                        .max(1);
                    stuck_at(site) >= named
                })
            }
            BugKind::ContextLeak => state.objects.iter().any(|o| {
                matches!(o, Object::Context(c)
                    if c.site == Some(self.bug.site) && c.cancel == CancelStatus::Pending)
            }),
            // Found only when garbage collection abandons it (an edge).
            BugKind::Panic | BugKind::Assert | BugKind::ResourceLeak => false,
        };
        let goal = candidate && {
            let budget = self.cap.saturating_sub(self.work).max(1);
            let answer = match self.key.kind {
                BugKind::Deadlock => verdict::blocking_bugs(self.prog, &state, budget, self.limits)
                    .map(|found| found.iter().any(|(k, _)| *k == self.key)),
                _ => verdict::certain(
                    self.prog,
                    self.future.as_ref(),
                    &state,
                    &self.key,
                    budget,
                    self.limits,
                ),
            };
            self.work += 1;
            answer.unwrap_or_else(|stopped| {
                self.cut = true;
                self.stopped = self.stopped.or(stopped).or(self.cap_bound);
                false
            })
        };
        self.goal_memo[s as usize] = Some(goal);
        goal
    }
}

fn rebuild(nodes: &[Node], mut n: usize, last: Option<Transition>) -> Vec<Transition> {
    let mut path: Vec<Transition> = last.into_iter().collect();
    while let Some((p, t)) = &nodes[n].parent {
        path.push(t.clone());
        n = *p;
    }
    path.reverse();
    path
}

/// Finds a minimal counterexample for `bug` of `prog`, within `cap` work
/// (0: do not search, keep the checker's counterexample).
pub fn minimal_schedule(prog: &Program, bug: &Bug, cap: usize) -> Minimal {
    minimal_schedule_within(prog, bug, cap, &Budget::default())
}

/// [`minimal_schedule`] within the limits of a check: at most its
/// `--max-states` of work, and what is left of its time and memory.
pub(crate) fn minimal_schedule_within(
    prog: &Program,
    bug: &Bug,
    cap: usize,
    limits: &Budget,
) -> Minimal {
    let fallback = |search| Minimal {
        path: bug.path.clone(),
        search,
    };
    if cap == 0 {
        return fallback(Search::Cut {
            explored: 0,
            by: None,
        });
    }
    // The check's --max-states caps this search too.
    let (cap, cap_bound) = match limits.bounds().max_states {
        Some(m) if m < cap => (m, Some(Bound::States(m))),
        _ => (cap, None),
    };
    if let Some(b) = limits.stop(0) {
        return fallback(Search::Cut {
            explored: 0,
            by: Some(b),
        });
    }
    let Ok(init) = semantics::initial_state(prog) else {
        return fallback(Search::NotFound);
    };
    let mut s = Searcher {
        prog,
        bug,
        key: key_of(bug),
        states: IndexSet::with_hasher(FxBuildHasher),
        succs: Vec::new(),
        goal_memo: Vec::new(),
        work: 0,
        cap,
        cut: false,
        limits,
        cap_bound,
        stopped: None,
        future: bug.certain_before_cut.then(|| ProgramFuture::new(prog)),
        races: race::Races::possible(prog),
    };
    let root = s.intern(init);
    let mut nodes = vec![Node {
        state: root,
        last: Last::new(),
        parent: None,
        cost: (0, 0),
    }];
    let mut index: FxHashMap<(u32, Last), usize> = FxHashMap::default();
    index.insert((root, Last::new()), 0);
    let mut heap: BinaryHeap<Reverse<Entry>> = BinaryHeap::new();
    let mut seq = 0u64;
    heap.push(Reverse((0, 0, seq, 0, None)));
    let mut done: Vec<bool> = vec![false];
    let mut ticks = 0usize;
    while let Some(Reverse((p, d, _, n, edge))) = heap.pop() {
        ticks += 1;
        if let Some(b) = limits.stop(ticks) {
            s.cut = true;
            s.stopped = Some(b);
            break;
        }
        if let Some(i) = edge {
            let state = nodes[n].state;
            let t = s.succs[state as usize]
                .as_ref()
                .map(|(_, succ)| succ[i].t.clone());
            return Minimal {
                path: rebuild(&nodes, n, t),
                search: Search::Minimal,
            };
        }
        if done[n] || nodes[n].cost != (p, d) {
            continue;
        }
        done[n] = true;
        let state = nodes[n].state;
        s.expand(state);
        if s.state_goal(state) {
            if s.cut {
                break;
            }
            return Minimal {
                path: rebuild(&nodes, n, None),
                search: Search::Minimal,
            };
        }
        if s.work >= cap || s.cut {
            if !s.cut {
                s.stopped = s.cap_bound;
            }
            s.cut = true;
            break;
        }
        let here = s.states[state as usize].clone();
        let Some((enabled, succs)) = s.succs[state as usize].as_ref() else {
            continue;
        };
        let mut pushes = Vec::new();
        for (i, succ) in succs.iter().enumerate() {
            let kind = switch_kind(&here, enabled, &nodes[n].last, &succ.t);
            let cost = (p + u32::from(kind == Switch::Preemption), d + 1);
            if succ.goal {
                pushes.push((cost, n, Some(i), None));
                continue;
            }
            let Some(next) = succ.next else { continue };
            let movers = mover_ids(&here, &succ.t);
            let last = if movers.is_empty() {
                nodes[n].last.clone()
            } else {
                movers
            };
            // In the next state's names (a goroutine that ended may leave
            // its id to another: then only the preemption count of this
            // ranking is off, never the schedule).
            let last: Last = if succ.renaming.is_empty() {
                last
            } else {
                let after = &s.states[next as usize];
                last.iter()
                    .map(|id| succ.renaming.apply(id))
                    .filter(|id| after.position(id).is_some())
                    .collect()
            };
            pushes.push((cost, n, None, Some((next, last, succ.t.clone()))));
        }
        for (cost, from, edge, target) in pushes {
            seq += 1;
            match target {
                None => heap.push(Reverse((cost.0, cost.1, seq, from, edge))),
                Some((next, last, t)) => {
                    let key = (next, last);
                    let m = match index.get(&key) {
                        Some(&m) if nodes[m].cost <= cost => continue,
                        Some(&m) => {
                            nodes[m].cost = cost;
                            nodes[m].parent = Some((from, t));
                            m
                        }
                        None => {
                            nodes.push(Node {
                                state: key.0,
                                last: key.1.clone(),
                                parent: Some((from, t)),
                                cost,
                            });
                            done.push(false);
                            index.insert(key, nodes.len() - 1);
                            nodes.len() - 1
                        }
                    };
                    heap.push(Reverse((cost.0, cost.1, seq, m, None)));
                }
            }
        }
    }
    if s.cut {
        fallback(Search::Cut {
            explored: s.work,
            by: s.stopped,
        })
    } else {
        fallback(Search::NotFound)
    }
}
