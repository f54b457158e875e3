//! Expanding a node, apart from committing it: what a node's expansion
//! computes from the node alone (its enabled transitions, the bugs visible
//! in its state, the persistent set, the steps it chooses and their
//! successors, encoded against the node) needs nothing of the graph, so a
//! batch of nodes is expanded in parallel on the current thread pool
//! ([`rayon`]); the search then commits each expansion in node order
//! (stores its successors, records its bugs with their paths), as a
//! sequential search would. What depends on the graph (the cycle proviso's
//! "already visited", the state bound, the first path to a bug) is decided
//! at commit, so the result is the same for any number of threads.
//!
//! What crosses threads is bytes: a node of the full store is copied out
//! of it ([`Packed`]) and decoded by the thread that expands it (with one
//! thread, the search's own, which decodes it in place: nothing is
//! copied), which encodes the successors it makes
//! ([`crate::graph::Encoded`]); the states themselves are made and dropped
//! on one thread (a state allocated on one thread and freed on another
//! costs more than expanding it: checker/README, "Every core"). The
//! buffers of jobs and expansions are kept from batch to batch.

use std::collections::BTreeMap;

use rayon::prelude::*;
use smallvec::SmallVec;
use weft_models::ir::Program;

use super::{fair_level, stepped, Bounds, Stepped};
use crate::detect::{self, Bug, BugKey};
use crate::graph::{EncodeFor, Found, Node, Packed, SentState, StateId, StoreKind};
use crate::reduce::{self, ProgramFuture, SleepSet, StateView};
use crate::semantics::{self, Event, Failure, Transition};
use crate::state::{Site, State};
use crate::stop::Interrupt;

/// A node to expand, as the search hands it over.
#[derive(Default)]
pub(super) struct Job {
    /// The node's id.
    pub s: StateId,
    /// Its breadth-first depth.
    pub depth: usize,
    /// The node copied out of the store, decoded by the thread that
    /// expands it (a state's goroutines share their executions through
    /// counts that are not atomic: a state never leaves its thread); its
    /// part ids only, when `here`.
    pub packed: Packed,
    /// True when the search's thread decoded the node already and kept it
    /// for itself ([`keep_here`]: one thread, which expands it).
    pub here: bool,
}

/// What becomes of a step taken.
pub(super) enum Next {
    /// It failed (`Taken::failure`): no successor.
    Failed,
    /// Its successor, encoded for the store (`Steps::encoded[start..end]`,
    /// see [`crate::graph::encode_successor`]).
    Encoded(usize, usize),
}

/// A step taken from the node expanded, to commit.
pub(super) struct Taken {
    /// The transition.
    pub t: Transition,
    /// Its position among the node's enabled transitions.
    pub index: u32,
    /// The instructions it reached (coverage).
    pub sites: SmallVec<[Site; 4]>,
    /// Its events.
    pub events: Vec<Event>,
    /// Its operation, when it observed without synchronising.
    pub observed: Option<semantics::Observation>,
    /// Set when it failed (a crash, an interruption, a type error).
    pub failure: Option<Failure>,
    /// Its successor.
    pub next: Next,
    /// What a lookup of its successor in the full store found before the
    /// commit adds it (for the cycle proviso).
    pub found: Found,
}

/// The steps a node explores, taken in transition order.
#[derive(Default)]
pub(super) struct Steps {
    /// The steps.
    pub taken: Vec<Taken>,
    /// How many transitions of the persistent set slept (all of them for
    /// a state stateless DPOR picked nothing in): if any, the node ends
    /// no run.
    pub asleep_in_set: u32,
    /// The encoded successors, back to back (one buffer per expansion, kept
    /// from batch to batch, read in order by the commit).
    pub encoded: Vec<u8>,
}

/// What expanding one node computed.
#[derive(Default)]
pub(super) struct Expansion {
    /// The node's id.
    pub s: StateId,
    /// Its breadth-first depth.
    pub depth: usize,
    /// Its state, kept when the commit needs it: to take the steps the
    /// cycle proviso may add (`proviso`, unless the full store keeps the
    /// node), or to note where goroutines stand blocked (bit-state search
    /// of a program that may cycle). Encoded: the commit's thread decodes
    /// its own copy.
    pub state: Option<SentState>,
    /// Its part ids in the full store (empty for the other stores, whose
    /// nodes are encoded whole).
    pub parts: SmallVec<[u32; 16]>,
    /// Its enabled transitions.
    pub transitions: Vec<Transition>,
    /// Races and spins in its state (paths left empty: the commit gives
    /// the path to the node).
    pub found: BTreeMap<BugKey, Bug>,
    /// Leaks certain in its state (paths left empty).
    pub certain: BTreeMap<BugKey, Bug>,
    /// The reduction's view, kept when the commit reads it (`proviso`);
    /// on a full level, every transition is in its persistent set.
    pub view: Option<Box<StateView>>,
    /// Which transitions are in the node's sleep set.
    pub in_sleep: SmallVec<[bool; 16]>,
    /// True on a level expanded fully (the ignoring proviso).
    pub fair: bool,
    /// True when the persistent set leaves transitions out and the commit
    /// asks the graph whether it leads to a state of the node's level or an
    /// earlier one (the cycle proviso): if it does, the commit takes the
    /// others too.
    pub proviso: bool,
    /// True when the state is terminal with a goroutine left (a deadlock or
    /// a leak; a callback runner still waiting is not a goroutine in Go).
    pub stuck: bool,
    /// True when a context made at a known site waits for its cancel in
    /// the state (a context leak, if the state is terminal).
    pub context_pending: bool,
    /// The steps taken: the persistent set's (the cycle proviso may add
    /// the others at the commit).
    pub steps: Steps,
}

/// Keeps node `s`, decoded by this thread, for this thread to expand.
pub(super) fn keep_here(s: StateId, node: Node) {
    HERE.set(Some((s, node)));
}

thread_local! {
    /// The node this thread decoded for itself to expand next.
    static HERE: std::cell::Cell<Option<(StateId, Node)>> = const { std::cell::Cell::new(None) };
    /// The outcomes of the steps a node's expansion took, by transition.
    static OUTCOMES: std::cell::Cell<Vec<Option<Box<Stepped>>>> =
        const { std::cell::Cell::new(Vec::new()) };
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
    /// True when the reduction uses sleep sets (else, when it reduces, it
    /// uses the cycle proviso, which the commit applies).
    pub use_sleep: bool,
    /// True when the commit needs every state (see [`Expansion::state`]).
    pub keep_states: bool,
    pub bounds: &'a Bounds,
    pub interrupt: &'a Interrupt,
    /// The kinds of race the program's code can make.
    pub races: detect::race::Races,
}

/// How many nodes a batch holds: one when the pool has one thread (no
/// batching at all), else enough to keep every thread busy between two
/// hand-overs (a thread that runs out of work sleeps, and waking it costs
/// more than a few nodes: 32 per thread was 4 % slower than 64 on
/// lastzero(16)). The three batches in flight are a fixed cost of the
/// search. With fingerprints, 64 per thread: 128 was 2-3.5 % faster on
/// readers(18), lastzero(13) and lastzero(16), `--jobs 2` (`farm-bench`,
/// 5 runs each, every node its own task as in `expand_all`), but it added
/// 1.1-1.5 bytes a state beyond the frontier on readers(18) and
/// lastzero(13) (13.7 and 14.1, against the 16). The full store,
/// whose commit inserts each new successor's parts, takes 128: a batch's
/// commit varies more, and while it runs long the other threads wait
/// (perf, lastzero(14), two threads: the expanding thread idle about a
/// fifth of the time); `farm-bench`, 7-9 pairs, took lastzero(13), (14)
/// and (16) to 0.978, 0.965 and 0.957 of the time with 64, readers(18)
/// 1.02 (within its noise), for 1 MB more at most. 256 gained nothing
/// more (lastzero(14) 0.99, readers(18) 1.01 against 128).
pub(super) fn batch_size(store: StoreKind) -> usize {
    let per_thread = match store {
        StoreKind::Full => 128,
        StoreKind::Fingerprint | StoreKind::Bitstate { .. } | StoreKind::Auto => 64,
    };
    match rayon::current_num_threads() {
        0 | 1 => 1,
        n => n * per_thread,
    }
}

impl Expander<'_> {
    /// Expands `jobs` (in parallel when there are several) into the first
    /// `jobs.len()` slots of `out`, in order (growing `out` if needed).
    /// `known`: the certain leaks earlier batches found (a goroutine
    /// blocked at one of their sites is not analysed again).
    pub(super) fn expand_all(
        &self,
        jobs: &mut [Job],
        known: &BTreeMap<BugKey, Bug>,
        out: &mut Vec<Expansion>,
    ) {
        if out.len() < jobs.len() {
            out.resize_with(jobs.len(), Expansion::default);
        }
        let out = &mut out[..jobs.len()];
        if jobs.len() <= 1 {
            for (job, e) in jobs.iter_mut().zip(out) {
                self.expand(job, known, e);
            }
            return;
        }
        // Every node is a task of its own. Left to itself, rayon splits a
        // batch into a few long runs of nodes, and at the batch's end one
        // thread finishes the last run while the others wait: lastzero(16),
        // full store, two threads, took 10 % longer so.
        jobs.par_iter_mut()
            .zip(out.par_iter_mut())
            .with_max_len(1)
            .for_each(|(job, e)| self.expand(job, known, e));
    }

    /// Expands one node into `e`: everything that does not depend on the
    /// graph.
    fn expand(&self, job: &mut Job, known: &BTreeMap<BugKey, Bug>, e: &mut Expansion) {
        let prog = self.prog;
        let node = if job.here {
            HERE.take()
                .filter(|(s, _)| *s == job.s)
                .map(|(_, node)| node)
                .expect("internal weft bug: a node decoded by another thread than its expander")
        } else {
            job.packed.decode()
        };
        e.parts.clear();
        e.parts.extend_from_slice(&job.packed.parts);
        let Node { state, sleep } = node;
        e.s = job.s;
        e.depth = job.depth;
        // (Into the slot's buffer, kept from node to node.)
        let mut transitions = std::mem::take(&mut e.transitions);
        semantics::enabled_into(prog, &state, &mut transitions);
        // (Cleared only when not empty: clearing an empty map still walks
        // its machinery, at every node.)
        if !e.found.is_empty() {
            e.found.clear();
        }
        detect::race::detect(prog, self.races, &state, Vec::new, &mut e.found);
        for f in detect::spins(&state) {
            detect::record(&mut e.found, f, Vec::new);
        }
        if !e.certain.is_empty() {
            e.certain.clear();
        }
        detect::certain::record_in_state(
            prog,
            self.leak_future,
            &state,
            &transitions,
            known,
            &mut e.certain,
            Vec::new,
        );
        // Which transitions to explore. Steps are taken on demand: the
        // reduction asks whether the transitions of a candidate set crash
        // (a crash ends every other goroutine's run, so it commutes with
        // nothing), and the chosen ones run.
        // (This thread's vector, kept from node to node. Boxed: a state
        // with many enabled transitions would keep a kilobyte or more in
        // it.)
        let mut outcomes: Vec<Option<Box<Stepped>>> = OUTCOMES.take();
        outcomes.clear();
        outcomes.resize_with(transitions.len(), || None);
        let outcome = |outcomes: &mut Vec<Option<Box<Stepped>>>, i: usize| {
            if outcomes[i].is_none() {
                outcomes[i] = Some(Box::new(stepped(
                    prog,
                    &state,
                    &transitions[i],
                    self.interrupt,
                )));
            }
        };
        // The transitions in the node's sleep set. None of them crashes: a
        // step that crashed is never put to sleep, and a sleeping step was
        // taken, without crashing, from an earlier state that only
        // independent steps separate from this one, which did not change
        // what it touches; so it is not run to ask.
        e.in_sleep.clear();
        if sleep.is_empty() {
            e.in_sleep.resize(transitions.len(), false);
        } else {
            for t in &transitions {
                e.in_sleep.push(reduce::sleep::asleep(&sleep, t));
            }
        }
        let in_sleep = &e.in_sleep;
        // (Filled in place on this thread's stack: kept in the slot, whose
        // memory the other thread may have written last, it cost two
        // threads 2.7 % on lastzero(13); returned by value, it was moved.)
        let mut view = StateView::default();
        let reduced = match self.future {
            Some(f) => {
                let mut crashing = |i: usize| {
                    if in_sleep[i] {
                        return false;
                    }
                    outcome(&mut outcomes, i);
                    outcomes[i].as_ref().is_some_and(|o| o.0.failure.is_some())
                };
                reduce::analyse_into(
                    prog,
                    f,
                    &state,
                    &transitions,
                    in_sleep,
                    !self.use_sleep,
                    &mut crashing,
                    &mut view,
                );
                true
            }
            None => false,
        };
        // The ignoring proviso (see checker/README.md): on levels that recur
        // along every infinite path, every enabled transition is taken, as
        // if the search started afresh there (sleep sets included: what they
        // leave to sibling branches may never be reached on an infinite one).
        let fair = reduced && fair_level(e.depth, self.bounds);
        if fair {
            view.persistent.iter_mut().for_each(|p| *p = true);
        }
        e.fair = fair;
        e.stuck = transitions.is_empty()
            && state
                .goroutines
                .iter()
                .any(|g| !crate::semantics::callback::waiting_runner(prog, g));
        e.context_pending = state.objects.iter().any(|o| {
            matches!(o, crate::state::Object::Context(c)
                if c.cancel == crate::semantics::context::CancelStatus::Pending && c.site.is_some())
        });
        // The cycle proviso asks the graph whether a persistent set that
        // leaves transitions out leads to a state of the node's level or an
        // earlier one: the commit
        // decides, and takes the others then. The set's steps are taken
        // here, in parallel, as everywhere else (without sleep sets, a
        // successor's node does not depend on which siblings are taken).
        e.proviso = !self.use_sleep && reduced && view.persistent.iter().any(|&p| !p);
        let how = self.encode_for(&e.parts);
        self.take_steps(
            &state,
            &transitions,
            reduced.then_some(&view),
            &mut outcomes,
            &e.in_sleep,
            fair,
            how,
            &mut e.steps,
        );
        // What the commit does not read is dropped here, on the thread that
        // made it; the slot's buffers are reused by the next batch. (The
        // steps taken only to ask whether they crash are taken again by
        // the commit if the proviso wants them: their states stay here.)
        e.view = e.proviso.then(|| Box::new(view));
        outcomes.clear();
        OUTCOMES.set(outcomes);
        e.transitions = transitions;
        // (The full store keeps the node: the commit decodes it there if
        // the proviso asks for the rest, which it seldom does.)
        let stored = !e.parts.is_empty();
        e.state = ((e.proviso && !stored) || self.keep_states).then(|| SentState::of(&state));
        state.give_back();
    }

    /// How the successors of a node whose part ids in the full store are
    /// `parts` are encoded for the search's store.
    pub(super) fn encode_for<'p>(&self, parts: &'p [u32]) -> EncodeFor<'p> {
        match self.bounds.store {
            StoreKind::Full => EncodeFor::Near(parts),
            StoreKind::Fingerprint => EncodeFor::Fingerprint,
            StoreKind::Auto => unreachable!("{}", crate::graph::AUTO_CHOSEN),
            StoreKind::Bitstate { .. } => EncodeFor::Bitstate,
        }
    }

    /// Takes the steps the node explores, in transition order, into
    /// `steps`: its persistent set (all when `view` is `None`) minus its
    /// sleep set (unless `fair`), only those stateless DPOR picked when it
    /// did, and every step already known to crash. Each successor is
    /// encoded as `how` says, for the search's store.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn take_steps(
        &self,
        state: &State,
        transitions: &[Transition],
        view: Option<&StateView>,
        outcomes: &mut [Option<Box<Stepped>>],
        in_sleep: &[bool],
        fair: bool,
        how: EncodeFor,
        steps: &mut Steps,
    ) {
        let prog = self.prog;
        // (The buffers are kept from batch to batch, also with many slots,
        // and counted with the frontier's bytes. Freed at every node, they
        // were allocated by the thread that expanded the node and freed by
        // the one that expands its slot next, often the other: 10 % of the
        // time with two threads on lastzero(13) and readers(18), for the
        // 2 bytes per stored state they hold.)
        steps.taken.clear();
        steps.encoded.clear();
        // The steps stateless DPOR took here (`--reduction dpor`); a
        // state it chose nothing in (all asleep, or not visited when a
        // bound cut it) is no end of a run.
        let picked = self.choices.map(|c| c.at(state).unwrap_or(&[]));
        let mut asleep_here: SmallVec<[usize; 16]> = SmallVec::new();
        let mut chosen: SmallVec<[usize; 16]> = SmallVec::new();
        for i in 0..transitions.len() {
            let in_set = view.is_none_or(|v| v.persistent[i])
                && picked.is_none_or(|p| p.contains(&transitions[i]));
            let sleeping = !fair && in_sleep[i];
            // A step the reduction found to crash while weighing candidate
            // sets is explored too: it stores no state, and a crash must not
            // wait for the set holding it to be chosen (it may never be).
            let known_crash = outcomes[i].as_ref().is_some_and(|o| o.0.failure.is_some());
            if sleeping {
                asleep_here.push(i);
            } else if in_set || known_crash {
                chosen.push(i);
            }
        }
        // A doomed node (see `reduce::persistent::doomed`) explores
        // nothing; its sleeping transitions make it no end of a run.
        let doomed = !fair && view.is_some_and(|v| v.doomed);
        steps.asleep_in_set = asleep_here
            .iter()
            .filter(|&&i| doomed || view.is_none_or(|v| v.persistent[i]))
            .count() as u32
            + if picked.is_some_and(|p| p.is_empty()) {
                transitions.len() as u32
            } else {
                0
            };
        // The chosen steps taken so far that did not crash: each sleeps in
        // the later siblings it is independent of. A step that failed is
        // not put to sleep (it stays explorable, and sleeping steps are
        // known not to crash).
        let mut explored: SmallVec<[usize; 16]> = SmallVec::new();
        steps.taken.reserve_exact(chosen.len());
        // The successors are encoded into this thread's buffer, kept from
        // node to node (one per thread, as large as one node's successors
        // ever were), then copied into the slot's at their exact size: one
        // allocation a node, where growing the slot's buffer from empty
        // took several (3 % of the instructions on readers(12)).
        let mut encoded = ENCODED.take();
        encoded.clear();
        for &i in &chosen {
            let t = &transitions[i];
            let sites = semantics::reached_sites(prog, state, t);
            let (out, renaming) = match outcomes[i].take() {
                Some(o) => *o,
                None => stepped(prog, state, t, self.interrupt),
            };
            let semantics::StepOutcome {
                state: next_state,
                events,
                failure,
                observed,
                ..
            } = out;
            if failure.is_some() {
                steps.taken.push(Taken {
                    t: t.clone(),
                    index: i as u32,
                    sites,
                    events,
                    observed,
                    failure,
                    next: Next::Failed,
                    found: Found::NotAsked,
                });
                continue;
            }
            let next_sleep = match view {
                Some(v) if self.use_sleep && !fair => reduce::sleep::successor_sleep(
                    state,
                    &next_state,
                    transitions,
                    v,
                    &asleep_here,
                    &explored,
                    i,
                    &renaming,
                ),
                _ => SleepSet::new(),
            };
            explored.push(i);
            let node = Node {
                state: next_state,
                sleep: next_sleep,
            };
            let start = encoded.len();
            crate::graph::encode_successor(&mut encoded, &node, state, how);
            let next = Next::Encoded(start, encoded.len());
            node.state.give_back();
            steps.taken.push(Taken {
                t: t.clone(),
                index: i as u32,
                sites,
                events,
                observed,
                failure: None,
                next,
                found: Found::NotAsked,
            });
        }
        steps.encoded.extend_from_slice(&encoded);
        ENCODED.set(encoded);
    }
}

thread_local! {
    /// The buffer [`Expander::take_steps`] encodes a node's successors in.
    static ENCODED: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Frees this thread's encoding buffer (at the end of a search: it is as
/// large as the largest node's successors), and the node it kept for
/// itself, if the search stopped before expanding it ([`keep_here`]).
pub(super) fn forget_encoded() {
    ENCODED.take();
    HERE.set(None);
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
    // (Most nodes find nothing: asked twice for every node committed.)
    if local.is_empty() {
        return;
    }
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
