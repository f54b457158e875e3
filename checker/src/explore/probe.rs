//! A few runs of the program before a reduced search, each looking for a
//! state it has been in before: a cycle of the state graph, found for the
//! price of a run instead of a search.
//!
//! A reduced search with sleep sets is only used on a graph without a
//! cycle; on a cyclic one the search is made again with the cycle proviso
//! and no sleep sets (`explore_graph_monitored`). The first search learns
//! that the graph cycles only when it meets an edge back to an ancestor,
//! by which time it has often stored more states than the second search
//! stores in all (workers(4): 850, then 563). When a run finds a
//! repeated state, the search starts with the cycle proviso.
//!
//! The first run lets the goroutines take turns (the next enabled
//! transition after the last mover's, in position order, the clock last;
//! each actor's first alternative), so a loop that only ends when another
//! goroutine moves does not keep the run to itself. When a run ends, the
//! next one tries another order: the last actor that can move always
//! moving (the clock first), its last alternative, the unfair runs where
//! a ticker fires on while main never stops it or a loop never takes its
//! exit; then the first actor always moving; then a few runs of seeded
//! random choices. Each choice depends on the state (and the last mover,
//! or the seed) alone, so the runs are the same every time, and in a
//! finite state space a run that does not end comes back to a state. The
//! runs share a budget, [`PROBE_WORK`]; a run that meets no repeat within
//! it, or runs that all end (no transition left, a crash, a step cut
//! short), say nothing: the search then goes as before.
//!
//! Either search is sound on any graph: the runs only choose which one
//! runs. The one search gives the graph the two gave whenever the search
//! with sleep sets would have met a cycle too. On the corpus it does
//! wherever the runs find one, and they find every one of its 11 cyclic
//! graphs (a unit test); on the referee's generated programs, the split
//! between searches with sleep sets and with the proviso, and their
//! state totals, are what they were before the runs.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use weft_models::ir::Program;

use super::stepped;
use crate::semantics::{self, Transition};
use crate::state::State;
use crate::stop::Interrupt;

/// The work a run may do, in bytes hashed of the states it reaches (what
/// copying them also costs): some 16,000 steps of a state of 250 bytes,
/// a few milliseconds. A repeat is usually met within a few turns of
/// every goroutine's loop; a program whose states grow (a loop that makes
/// a goroutine per turn, or fills a channel) reaches the limit within a
/// few hundred steps, where a limit on steps alone would let it copy
/// thousands of goroutines or values at each (the first version:
/// spawn-forever's run took 1.3 s and 136 MB).
const PROBE_WORK: usize = 1 << 22;

/// The local instructions one step of the run may take: a step that
/// takes more ends the run (its search takes it as the search's own
/// steps do, within the user's bounds).
const PROBE_LOCAL_STEPS: u64 = crate::stop::LOOK_EVERY;

/// True when a run of `prog` (see the module's comment) comes back to a
/// state it has been in: the state graph has a cycle. False says nothing.
pub(crate) fn run_repeats(prog: &Program, interrupt: Interrupt) -> bool {
    // A step whose local code runs on (a counting loop) ends the run
    // rather than the search's time.
    let interrupt = &interrupt.or_after(PROBE_LOCAL_STEPS);
    let orders = [Order::Turns, Order::LastActor, Order::FirstActor]
        .into_iter()
        .chain((1..=RANDOM_RUNS).map(Order::Random));
    let mut work = 0;
    for order in orders {
        match run(prog, interrupt, order, &mut work) {
            Run::Repeated => return true,
            Run::Ended => continue,
            Run::Long => return false,
        }
    }
    false
}

/// The runs with seeded random choices after the three fixed orders end.
/// On the referee's generated programs (3,000 seeds; its lock loops end
/// in deadlocks and crashes in many schedules), 1,358 searches met a
/// cycle: the first two orders found 1,172 of them, the first actor 62
/// more, these four runs 23 more (eight runs: 40): 1,257 in all.
const RANDOM_RUNS: u64 = 4;

/// Which transition a run takes.
#[derive(Clone, Copy, PartialEq)]
enum Order {
    /// The next actor after the last mover (round again after the clock),
    /// its first alternative.
    Turns,
    /// The last actor that can move, its last alternative.
    LastActor,
    /// The first actor that can move, its first alternative.
    FirstActor,
    /// Any enabled transition, by a generator seeded with this number
    /// (xorshift: the same run every time).
    Random(u64),
}

/// How a run went.
#[derive(PartialEq)]
enum Run {
    /// It came back to a state.
    Repeated,
    /// No transition was left, a step crashed or was interrupted.
    Ended,
    /// The runs' [`PROBE_WORK`] done without a repeat.
    Long,
}

/// One run of `prog`, taking transitions in `order`, adding to `work`.
fn run(prog: &Program, interrupt: &Interrupt, mut order: Order, work: &mut usize) -> Run {
    let Ok(mut state) = semantics::initial_state_within(prog, interrupt) else {
        return Run::Ended;
    };
    // The states' hashes: two states with one hash (rare: 64 bits over a
    // few thousand states) would only start the search with the proviso.
    let mut seen: HashSet<u64> = HashSet::from([hash(&state, work)]);
    let mut last = usize::MAX;
    let mut enabled: Vec<Transition> = Vec::new();
    while *work < PROBE_WORK {
        semantics::enabled_into(prog, &state, &mut enabled);
        let clock = state.goroutines.len();
        if let Order::Random(x) = &mut order {
            *x ^= *x << 13;
            *x ^= *x >> 7;
            *x ^= *x << 17;
        }
        let Some(t) = next(&enabled, clock, last, order) else {
            return Run::Ended;
        };
        let (out, _) = stepped(prog, &state, t, interrupt);
        if out.failure.is_some() {
            return Run::Ended;
        }
        last = first_actor(t, clock);
        state = out.state;
        if !seen.insert(hash(&state, work)) {
            return Run::Repeated;
        }
    }
    Run::Long
}

/// A hash of `state` that is the same on every run of the checker;
/// adds the bytes hashed to `work`. (FxHash: std's SipHash took 1.6 % of
/// the instructions of gops-fixed(5,3), most of the runs' cost.)
fn hash(state: &State, work: &mut usize) -> u64 {
    let mut h = Counting {
        inner: rustc_hash::FxHasher::default(),
        bytes: 0,
    };
    state.hash(&mut h);
    *work += h.bytes;
    h.finish()
}

/// A hasher that counts the bytes it is given.
struct Counting {
    inner: rustc_hash::FxHasher,
    bytes: usize,
}

impl Hasher for Counting {
    fn write(&mut self, bytes: &[u8]) {
        self.bytes += bytes.len();
        self.inner.write(bytes);
    }

    fn write_u8(&mut self, i: u8) {
        self.bytes += 1;
        self.inner.write_u8(i);
    }

    fn write_u16(&mut self, i: u16) {
        self.bytes += 2;
        self.inner.write_u16(i);
    }

    fn write_u32(&mut self, i: u32) {
        self.bytes += 4;
        self.inner.write_u32(i);
    }

    fn write_u64(&mut self, i: u64) {
        self.bytes += 8;
        self.inner.write_u64(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.bytes += std::mem::size_of::<usize>();
        self.inner.write_usize(i);
    }

    fn finish(&self) -> u64 {
        self.inner.finish()
    }
}

/// The actor of `t` that takes the turn: its goroutine (a rendezvous's
/// sender), or the clock, after every goroutine (`clock`).
fn first_actor(t: &Transition, clock: usize) -> usize {
    match *t {
        Transition::Step { g, .. } => g as usize,
        Transition::Rendezvous { sender, .. } => sender as usize,
        Transition::Fire { .. } => clock,
    }
}

/// The transition `order` takes of `enabled`, `last` having moved last.
fn next(enabled: &[Transition], clock: usize, last: usize, order: Order) -> Option<&Transition> {
    let actor = |t: &&Transition| first_actor(t, clock);
    let next = match order {
        Order::Turns => {
            let after = enabled
                .iter()
                .filter(|t| last == usize::MAX || actor(t) > last)
                .min_by_key(actor);
            actor(&after.or_else(|| enabled.iter().min_by_key(actor))?)
        }
        Order::LastActor => actor(&enabled.iter().max_by_key(actor)?),
        Order::FirstActor => actor(&enabled.iter().min_by_key(actor)?),
        Order::Random(x) => {
            let n = enabled.len() as u64;
            return (n > 0).then(|| &enabled[(x % n) as usize]);
        }
    };
    let mut its = enabled.iter().filter(|t| actor(t) == next);
    match order {
        Order::LastActor => its.next_back(),
        Order::Turns | Order::FirstActor | Order::Random(_) => its.next(),
    }
}
