//! Committing expansions: what depends on the graph, done in node order
//! on the search's thread (see `expand` for what is computed apart). The
//! budget is checked per node, each finding is recorded with the path to
//! its first node, the cycle proviso asks the graph, and the successors
//! are stored, which assigns their ids: the same ids, bugs and paths for
//! any number of threads.

use std::collections::{BTreeMap, VecDeque};

use weft_models::ir::Program;

use super::expand::{self, Expander, Expansion};
use super::progress::{self, Progress};
use super::{cover, Bound, Bounds, Budget, Coverage, ModelError, Stats};
use weft_models::syntax::BugKind;

use crate::detect::{self, Bug, BugKey};
use crate::graph::{Builder, Found, StateId};
use crate::semantics::FailureKind;

/// The search's state between batches, and the commit of each.
pub(super) struct Committer<'a, 'm> {
    pub prog: &'a Program,
    pub budget: &'a Budget,
    pub bounds: &'a Bounds,
    pub expander: &'a Expander<'a>,
    pub monitor: &'a mut progress::Monitor<'m>,
    /// True for a bit-state search of a program that may cycle (it notes
    /// where goroutines stand blocked in open nodes).
    pub bitstate_cycles: bool,
    /// The graph so far.
    pub builder: Builder,
    /// The nodes waiting to be expanded, in id order.
    pub queue: VecDeque<StateId>,
    pub stats: Stats,
    pub bugs: BTreeMap<BugKey, Bug>,
    /// Leaks certain in the expanded states (`detect::certain`), kept
    /// only if a bound cuts the search: a complete search decides leaks on
    /// its bottom components alone.
    pub certain: BTreeMap<BugKey, Bug>,
    pub covered: Coverage,
    /// The bound that cut the search, if one did.
    pub cut: Option<Bound>,
    /// True for a search with sleep sets of a program that may run
    /// forever: it stops at the first edge that closes a cycle, since a
    /// cyclic graph is explored again with the cycle proviso, and only
    /// that search counts (see `explore_graph_monitored`).
    pub watch_cycles: bool,
    /// The level (depth) of the nodes being committed, and the id of the
    /// first node of the next level (for the cycle proviso).
    pub level: (usize, StateId),
}

impl Committer<'_, '_> {
    /// Commits `exps`, expansions of the next nodes in id order; true when
    /// the search stops (`cut` says why, unless it stops at its first bug).
    pub(super) fn commit(&mut self, exps: &mut [Expansion]) -> Result<bool, ModelError> {
        // With several nodes (several threads), the successors' lookups in
        // a fingerprint set are done first, in parallel by shard, with the
        // answers the commit in order would find; unless a node asks the
        // graph for the cycle proviso (which must see only the nodes before
        // it) and may take more steps here.
        if exps.len() > 1 && !exps.iter().any(|e| e.proviso) {
            self.builder.insert_ahead(exps.iter().flat_map(|e| {
                e.steps.taken.iter().filter_map(|taken| match taken.next {
                    expand::Next::Encoded(start, end) => Some(&e.steps.encoded[start..end]),
                    expand::Next::Failed => None,
                })
            }));
        }
        let stop = self.commit_in_order(exps);
        self.builder.forget_ahead();
        stop
    }

    /// Commits `exps` one after the other (see [`Committer::commit`]).
    fn commit_in_order(&mut self, exps: &mut [Expansion]) -> Result<bool, ModelError> {
        for e in exps {
            let (s, depth) = (e.s, e.depth);
            if let Some(b) = self
                .budget
                .exhausted(self.builder.graph().len(), s as usize)
            {
                self.cut = Some(b);
                return Ok(true);
            }
            self.stats.max_depth = self.stats.max_depth.max(depth);
            self.monitor.tick(|| Progress {
                states: self.builder.graph().len(),
                transitions: self.stats.transitions,
                depth,
                frontier: self.queue.len() + 1,
                elapsed: std::time::Duration::ZERO,
            });
            if let Err(b) = self.budget.may_expand(depth) {
                // Not expanded: the search is incomplete from here on.
                self.cut.get_or_insert(b);
                return Ok(true);
            }
            debug_assert_eq!(s, self.builder.expanding());
            // The findings of the state, each recorded with the path to it
            // unless an earlier state found it first.
            // (Most nodes find nothing: an empty map is neither taken nor
            // dropped here, on the search's thread, where dropping the two
            // was 2.5 % of the time of lastzero(13) with two threads.)
            if !e.found.is_empty() {
                expand::adopt(&mut self.bugs, std::mem::take(&mut e.found), || {
                    self.builder.graph().path_to(s)
                });
            }
            if !e.certain.is_empty() {
                expand::adopt(&mut self.certain, std::mem::take(&mut e.certain), || {
                    self.builder.graph().path_to(s)
                });
            }
            if depth != self.level.0 {
                // The first node of its level: every node of the next
                // level is stored after it.
                self.level = (depth, self.builder.graph().len() as StateId);
            }
            if e.proviso {
                // The cycle proviso (breadth-first form): a persistent set
                // that leads to a state of this level or an earlier one is
                // not enough. Every cycle of the graph has such an edge (a
                // successor's level is at most one more), so every cycle
                // passes a node where every enabled transition is taken. A
                // successor already stored in the next level closes no
                // cycle there: it joins two paths of the same length (two
                // orders of independent steps, most often). (Asked here,
                // of the graph as every earlier node left it.)
                // (What the full store finds of a successor here is kept
                // for its addition below: looking each one up twice cost
                // workers(9) 1.6 % of its instructions.)
                let next_level = self.level.1;
                let expand::Steps { taken, encoded, .. } = &mut e.steps;
                let back = taken.iter_mut().any(|taken| match taken.next {
                    expand::Next::Encoded(start, end) => {
                        let encoded = &mut encoded[start..end];
                        taken.found = self.builder.find_ahead(encoded);
                        taken
                            .found
                            .below(next_level)
                            .unwrap_or_else(|| self.builder.stored_below(encoded, next_level))
                    }
                    expand::Next::Failed => false,
                });
                if back {
                    self.take_the_rest(e);
                }
            }
            let mut crashes = 0u32;
            for taken in e.steps.taken.drain(..) {
                let expand::Taken {
                    t,
                    index: _,
                    sites,
                    events,
                    observed,
                    failure,
                    next,
                    found,
                } = taken;
                self.stats.transitions += 1;
                cover(&sites, observed, &mut self.covered);
                for ev in &events {
                    detect::record(&mut self.bugs, detect::abandoned(ev), || {
                        let mut p = self.builder.graph().path_to(s);
                        p.push(t.clone());
                        p
                    });
                }
                if let Some(failure) = failure {
                    if failure.kind == FailureKind::Interrupted {
                        // The step did not finish: this state stays unexpanded.
                        self.cut = Some(self.budget.interrupted());
                        self.builder.abandon(s);
                        return Ok(true);
                    }
                    let mut path = self.builder.graph().path_to(s);
                    path.push(t.clone());
                    if !failure.kind.is_crash() {
                        return Err(ModelError { failure, path });
                    }
                    detect::record(&mut self.bugs, detect::crash(&failure), || path);
                    crashes += 1;
                    continue;
                }
                let full = self
                    .bounds
                    .max_states
                    .is_some_and(|m| self.builder.graph().len() >= m);
                let (id, new) = match next {
                    expand::Next::Failed => continue,
                    expand::Next::Encoded(start, end) => {
                        let encoded = &e.steps.encoded[start..end];
                        if full
                            && !matches!(found, Found::Stored(_))
                            && !self.builder.contains_encoded(encoded)
                        {
                            // Storing one more state would exceed the bound: this
                            // state stays unexpanded (its partial edges are dropped).
                            self.cut = Some(Bound::States(self.builder.graph().len()));
                            self.builder.abandon(s);
                            return Ok(true);
                        }
                        self.builder.add_encoded(s, &t, encoded, found)
                    }
                };
                if new {
                    self.queue.push_back(id);
                } else if self.watch_cycles && self.builder.closes_cycle(s, id) {
                    self.builder.abandon(s);
                    return Ok(true);
                }
            }
            self.builder.close(
                s,
                crashes,
                e.steps.asleep_in_set,
                e.stuck || e.context_pending,
            );
            if self.bitstate_cycles {
                let state = e
                    .state
                    .as_ref()
                    .expect("internal weft bug: a bit-state expansion without its state")
                    .state();
                let state = &state;
                let pending = state.objects.iter().filter_map(|o| match o {
                    crate::state::Object::Context(c)
                        if c.cancel == crate::semantics::context::CancelStatus::Pending =>
                    {
                        c.site.map(|site| (BugKind::ContextLeak, site))
                    }
                    _ => None,
                });
                self.builder.note_blocked(
                    s,
                    detect::certain::blocked_among(self.prog, state, &e.transitions)
                        .into_iter()
                        .map(|g| (BugKind::Leak, state.goroutines[g].site()))
                        .chain(pending),
                );
            }
            // A terminal state with a goroutine left is a deadlock or a leak.
            if self.bounds.stop_at_first_bug
                && (e.stuck || !self.bugs.is_empty() || !self.certain.is_empty())
            {
                self.cut = Some(Bound::FirstBug);
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Takes the steps of `e` that its persistent set left out, the cycle
    /// proviso having found that the set leads to a state of the node's
    /// level or an earlier one: then every transition is explored. They join the steps taken, in
    /// transition order, as if all had been taken at once.
    fn take_the_rest(&self, e: &mut Expansion) {
        // (Sent by the expanding thread, or decoded from the full store,
        // which keeps it: only when the proviso asks for the rest.)
        let state = match &e.state {
            Some(sent) => sent.state(),
            None => self.builder.stored_state(e.s).expect(
                "internal weft bug: an expansion left to the cycle proviso without its state",
            ),
        };
        let state = &state;
        let view = e
            .view
            .as_mut()
            .expect("internal weft bug: an expansion left to the cycle proviso without its view");
        // The rest, as the set to take (a step known to crash was taken).
        view.persistent.iter_mut().for_each(|p| *p = true);
        for taken in &e.steps.taken {
            view.persistent[taken.index as usize] = false;
        }
        let mut rest = expand::Steps::default();
        // (The steps taken to ask whether they crash are taken again: their
        // states stayed on the expanding thread.)
        let mut outcomes = Vec::new();
        outcomes.resize_with(e.transitions.len(), || None);
        self.expander.take_steps(
            state,
            &e.transitions,
            Some(view),
            &mut outcomes,
            &e.in_sleep,
            e.fair,
            self.expander.encode_for(&e.parts),
            &mut rest,
        );
        view.persistent.iter_mut().for_each(|p| *p = true);
        // All in transition order (each successor's bytes are found by
        // its range, the rest's after the set's).
        let steps = &mut e.steps;
        let shift = steps.encoded.len();
        steps.encoded.extend_from_slice(&rest.encoded);
        steps.taken.extend(rest.taken.into_iter().map(|mut taken| {
            if let expand::Next::Encoded(start, end) = taken.next {
                taken.next = expand::Next::Encoded(start + shift, end + shift);
            }
            taken
        }));
        steps.taken.sort_by_key(|taken| taken.index);
    }
}
