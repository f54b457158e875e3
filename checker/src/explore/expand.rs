//! Expanding a node, apart from committing it: what a node's expansion
//! computes from the node alone (its enabled transitions, the bugs visible
//! in its state, the persistent set and the steps it chooses) needs nothing
//! of the graph, so a batch of nodes is expanded in parallel on the current
//! thread pool ([`rayon`]); the search then commits each expansion in node
//! order (stores its successors, records its bugs with their paths), as a
//! sequential search would. What depends on the graph (the cycle proviso's
//! "already visited", the state bound, the first path to a bug) is decided
//! at commit, so the result is the same for any number of threads.

use std::collections::BTreeMap;

use rayon::prelude::*;
use weft_models::ir::Program;

use super::{fair_level, stepped, Bounds, Stepped};
use crate::detect::{self, Bug, BugKey};
use crate::graph::{Node, StateId};
use crate::reduce::{self, ProgramFuture, StateView};
use crate::semantics::{self, Transition};
use crate::stop::Interrupt;

/// What expanding one node computed.
pub(super) struct Expansion {
    /// The node's id.
    pub s: StateId,
    /// Its breadth-first depth.
    pub depth: usize,
    /// The node itself.
    pub node: Node,
    /// Its enabled transitions.
    pub transitions: Vec<Transition>,
    /// Races and spins in its state (paths left empty: the commit gives
    /// the path to the node).
    pub found: BTreeMap<BugKey, Bug>,
    /// Leaks certain in its state (paths left empty).
    pub certain: BTreeMap<BugKey, Bug>,
    /// The reduction's view, when the search reduces; on a full level,
    /// every transition is in its persistent set.
    pub view: Option<StateView>,
    /// The outcome of every step taken: the chosen ones and those the
    /// reduction took to learn whether they crash.
    pub outcomes: Vec<Option<Stepped>>,
    /// Which transitions are in the node's sleep set.
    pub in_sleep: smallvec::SmallVec<[bool; 16]>,
    /// True on a level expanded fully (the ignoring proviso).
    pub fair: bool,
}

/// Expands nodes of one search.
pub(super) struct Expander<'a> {
    pub prog: &'a Program,
    /// The steps stateless DPOR chose, when it chose them.
    pub choices: Option<&'a super::dpor::Choices>,
    /// What each goroutine may still touch, when the search reduces.
    pub future: Option<&'a ProgramFuture>,
    /// The same for the certain-leak check (always present).
    pub leak_future: &'a ProgramFuture,
    pub bounds: &'a Bounds,
    pub interrupt: &'a Interrupt,
}

/// How many nodes a batch holds: one when the pool has one thread (no
/// batching at all), else enough to keep every thread busy.
pub(super) fn batch_size() -> usize {
    match rayon::current_num_threads() {
        0 | 1 => 1,
        n => n * 32,
    }
}

impl Expander<'_> {
    /// Expands `nodes` (id, depth, node), in parallel when the pool has
    /// more than one thread, into `out` (emptied first), in the order of
    /// `nodes`, which it empties. `known`: the certain leaks earlier
    /// batches found (a goroutine blocked at one of their sites is not
    /// analysed again).
    pub(super) fn expand_all(
        &self,
        nodes: &mut Vec<(StateId, usize, Node)>,
        known: &BTreeMap<BugKey, Bug>,
        out: &mut Vec<Expansion>,
    ) {
        if nodes.len() <= 1 {
            out.clear();
            out.extend(
                nodes
                    .drain(..)
                    .map(|(s, depth, node)| self.expand(s, depth, node, known)),
            );
            return;
        }
        nodes
            .par_drain(..)
            .map(|(s, depth, node)| self.expand(s, depth, node, known))
            .collect_into_vec(out);
    }

    /// Expands one node: everything that does not depend on the graph.
    fn expand(
        &self,
        s: StateId,
        depth: usize,
        node: Node,
        known: &BTreeMap<BugKey, Bug>,
    ) -> Expansion {
        let prog = self.prog;
        let state = &node.state;
        let sleep = &node.sleep;
        let transitions = semantics::enabled(prog, state);
        let mut found = BTreeMap::new();
        detect::race::detect(prog, state, Vec::new, &mut found);
        for f in detect::spins(state) {
            detect::record(&mut found, f, Vec::new);
        }
        let mut certain = BTreeMap::new();
        detect::certain::record_in_state(
            prog,
            self.leak_future,
            state,
            &transitions,
            known,
            &mut certain,
            Vec::new,
        );
        // Which transitions to explore. Steps are taken on demand: the
        // reduction asks whether the transitions of a candidate set crash
        // (a crash ends every other goroutine's run, so it commutes with
        // nothing), and the chosen ones run.
        let mut outcomes: Vec<Option<Stepped>> = transitions.iter().map(|_| None).collect();
        let outcome = |outcomes: &mut Vec<Option<Stepped>>, i: usize| {
            if outcomes[i].is_none() {
                outcomes[i] = Some(stepped(prog, state, &transitions[i], self.interrupt));
            }
        };
        // The transitions in the node's sleep set. None of them crashes: a
        // step that crashed is never put to sleep, and a sleeping step was
        // taken, without crashing, from an earlier state that only
        // independent steps separate from this one, which did not change
        // what it touches; so it is not run to ask.
        let in_sleep: smallvec::SmallVec<[bool; 16]> = transitions
            .iter()
            .map(|t| {
                !sleep.is_empty()
                    && reduce::sleep::key(state, t).is_some_and(|k| sleep.contains(&k))
            })
            .collect();
        let mut view = self.future.map(|f| {
            let mut crashing = |i: usize| {
                if in_sleep[i] {
                    return false;
                }
                outcome(&mut outcomes, i);
                outcomes[i].as_ref().is_some_and(|o| o.0.failure.is_some())
            };
            reduce::analyse(prog, f, state, &transitions, &in_sleep, &mut crashing)
        });
        // The ignoring proviso (see checker/README.md): on levels that recur
        // along every infinite path, every enabled transition is taken, as
        // if the search started afresh there (sleep sets included: what they
        // leave to sibling branches may never be reached on an infinite one).
        let fair = view.is_some() && fair_level(depth, self.bounds);
        if let (Some(v), true) = (view.as_mut(), fair) {
            v.persistent.iter_mut().for_each(|p| *p = true);
        }
        // The steps the commit takes unless the cycle proviso widens the
        // set: taken here, in parallel.
        let picked = self.choices.map(|c| c.at(state).unwrap_or(&[]));
        for (i, &asleep) in in_sleep.iter().enumerate() {
            let in_set = view.as_ref().is_none_or(|v| v.persistent[i])
                && picked.is_none_or(|p| p.contains(&transitions[i]));
            if in_set && (fair || !asleep) {
                outcome(&mut outcomes, i);
            }
        }
        Expansion {
            s,
            depth,
            node,
            transitions,
            found,
            certain,
            view,
            outcomes,
            in_sleep,
            fair,
        }
    }
}

/// Records in `bugs` each bug of `local` (found in one node) that no
/// earlier node found, with the path to that node (`path`, computed once);
/// a bug an earlier node found counts this node too ([`Bug::times_found`]),
/// but for a leak certain before a cut.
pub(super) fn adopt(
    bugs: &mut BTreeMap<BugKey, Bug>,
    local: BTreeMap<BugKey, Bug>,
    path: impl FnOnce() -> Vec<Transition>,
) {
    let mut path = Some(path);
    let mut computed: Option<Vec<Transition>> = None;
    for (key, mut bug) in local {
        if let Some(known) = bugs.get_mut(&key) {
            // A leak certain before a cut is looked for only at sites no
            // earlier batch knew: how many nodes of one batch meet it
            // depends on the batches, so it is not counted.
            if !bug.certain_before_cut {
                known.times_found += bug.times_found;
            }
            continue;
        }
        if computed.is_none() {
            computed = path.take().map(|p| p());
        }
        bug.path = computed.clone().unwrap_or_default();
        bugs.insert(key, bug);
    }
}
