//! Stateless dynamic partial-order reduction with source sets and sleep
//! sets (Abdulla, Aronis, Jonsson, Sagonas: "Optimal dynamic partial order
//! reduction", POPL 2014, and "Source sets", JACM 2017; Algorithm 1,
//! "Source-DPOR"), used by `--reduction dpor` to choose the steps the
//! breadth-first search takes in each state.
//!
//! The stateful reduction ([`super::persistent`]) decides from what each
//! goroutine's code may still touch, statically. When an operation's
//! object is a run-time value (`table[h]` with `h` computed), that future
//! is "any element", and nothing commutes. DPOR instead runs the program
//! depth first and looks at what the steps of each run did touch: two
//! steps of different goroutines that touch one object (one writing)
//! and follow each other with nothing ordering them between are a
//! *race*, and the run with the second first is scheduled by adding a
//! goroutine that can start it (an *initial* of the steps after the
//! first that do not depend on it, then the second) at the state before
//! the first, unless one such goroutine is already scheduled there. Each
//! Mazurkiewicz trace of the program is then explored at least once (on
//! the classic families, once).
//!
//! It applies to programs whose runs all end (`explore::finite`: the
//! search would not end otherwise, as no state is remembered) and whose
//! goroutines wait only at a `sync.Mutex`'s `Lock`, a channel send or
//! receive (an unbuffered pair is one rendezvous step of both goroutines,
//! listed at its sender), or a WaitGroup's `Wait`
//! ([`crate::semantics::enabled::first_wait`] and `wait_step`: no select,
//! RWMutex, Cond, `Once`, timer or deadline). Every transition is then one
//! goroutine's step, the setting of Algorithm 1, and only those waiting
//! steps can be disabled: a `Lock` races by Nidhugg's rule (with the
//! mutex's last acquisition, not the `Unlock` it waits for), and at every
//! state each goroutine waiting is analysed as if it took its step, since
//! a step that waits forever shows its race in no run. A crash ends the
//! run, so it depends on every step.
//!
//! What the search keeps is what it chose: for each state it visited
//! (by a 128-bit hash of its encoding) the transitions taken there. The
//! breadth-first search then takes exactly those, so the bug detectors,
//! counterexamples and reports work on the graph of visited states as
//! with the other reductions. A data race shows as two racing plain
//! accesses (one a write) in a run; the state where both are about to
//! happen lies on a run made of the steps before the first that it does
//! not precede, and that run's steps are chosen too, so the race detector
//! sees that state (checker/README.md, "Stateless DPOR").

use std::collections::HashMap;

use smallvec::SmallVec;
use weft_models::ir::Program;

use super::{stepped, Bound, Budget};
use crate::reduce::touch::{self, Families, Mode};
pub use crate::reduce::NotApplicable;
use crate::semantics::enabled::{wait_step, MutexUse, WaitStep};
use crate::semantics::{self, Failure, FailureKind, Transition};
use crate::state::{Site, State};

/// The steps stateless DPOR took in each state it visited, with what it
/// counted.
#[derive(Debug, Default)]
pub(crate) struct Choices {
    /// For each visited state (by [`crate::graph::state_key`]), the
    /// transitions taken from it.
    chosen: HashMap<u128, SmallVec<[Transition; 2]>, rustc_hash::FxBuildHasher>,
    /// Runs that ended with no step enabled, or in a crash.
    pub traces: u128,
    /// Runs that ended with every enabled step asleep (explored from an
    /// equivalent run already).
    pub blocked: u128,
    /// Steps taken.
    pub steps: u64,
    /// The bound that cut the search, if one did.
    pub cut: Option<Bound>,
}

impl Choices {
    /// The transitions taken from `state`; `None` when it was not visited.
    pub(crate) fn at(&self, state: &State) -> Option<&[Transition]> {
        self.chosen
            .get(&crate::graph::state_key(state))
            .map(|v| v.as_slice())
    }

    /// How many distinct states were visited.
    pub(crate) fn states(&self) -> usize {
        self.chosen.len()
    }

    fn choose(&mut self, key: u128, t: &Transition) {
        let v = self.chosen.entry(key).or_default();
        if !v.contains(t) {
            v.push(t.clone());
        }
    }

    fn visit(&mut self, key: u128) {
        self.chosen.entry(key).or_default();
    }
}

/// What a step touched, by stable object identity, and whether it crashed
/// (then it depends on every other goroutine's step).
#[derive(Clone, Debug)]
struct Access {
    touches: SmallVec<[(u32, Mode); 4]>,
    crash: bool,
}

impl Access {
    fn conflicts(&self, other: &Access) -> bool {
        self.crash
            || other.crash
            || self.touches.iter().any(|&(a, ma)| {
                other
                    .touches
                    .iter()
                    .any(|&(b, mb)| a == b && (ma == Mode::Write || mb == Mode::Write))
            })
    }
}

/// A vector clock: for each goroutine (by stable id), one past the run
/// index of its latest step that happens before.
type Clock = SmallVec<[u32; 16]>;

fn join(into: &mut Clock, other: &Clock) {
    if into.len() < other.len() {
        into.resize(other.len(), 0);
    }
    for (a, &b) in into.iter_mut().zip(other.iter()) {
        *a = (*a).max(b);
    }
}

fn at(c: &Clock, thread: u32) -> u32 {
    c.get(thread as usize).copied().unwrap_or(0)
}

/// A step of the current run.
#[derive(Clone, Debug)]
struct Step {
    /// The goroutine (a rendezvous: its sender) and its key's alternative.
    thread: u32,
    /// A rendezvous's receiver.
    partner: Option<u32>,
    alt: u32,
    access: Access,
    clock: Clock,
    /// Where the goroutine stood.
    site: Site,
    /// Its plain or atomic memory accesses, if the step makes any.
    memory: SmallVec<[Memory; 1]>,
    /// What it did to a `sync.Mutex`, if anything.
    lock: Option<LockUse>,
}

/// A step's use of a `sync.Mutex`.
#[derive(Clone, Copy, Debug)]
struct LockUse {
    /// The mutex, by stable id.
    mutex: u32,
    kind: MutexUse,
    /// Whether the step takes the mutex (a `Lock`, a `TryLock` of a free
    /// one).
    acquires: bool,
}

/// A memory access by stable object id: (object, write, atomic).
type Memory = (u32, bool, bool);

/// Whether two memory accesses are a data race when unordered (as the
/// race detector decides, `crate::detect::race`).
fn data_race(a: Memory, b: Memory) -> bool {
    a.0 == b.0 && (a.1 || b.1) && !(a.2 && b.2)
}

/// A transition asleep in a state: explored from an equivalent run.
#[derive(Clone, Debug)]
struct Sleeper {
    thread: u32,
    partner: Option<u32>,
    alt: u32,
    access: Access,
}

/// The goroutines that move in a step: `thread`, and a rendezvous's
/// `partner`.
fn movers(thread: u32, partner: Option<u32>) -> SmallVec<[u32; 2]> {
    let mut m = smallvec::smallvec![thread];
    m.extend(partner);
    m
}

impl Step {
    fn movers(&self) -> SmallVec<[u32; 2]> {
        movers(self.thread, self.partner)
    }

    /// Whether goroutine `t` moves in it.
    fn moves(&self, t: u32) -> bool {
        self.thread == t || self.partner == Some(t)
    }

    /// Whether it shares a goroutine with `others` (then program order
    /// orders them: they never race).
    fn shares(&self, others: &[u32]) -> bool {
        others.iter().any(|&t| self.moves(t))
    }
}

/// A state of the current run.
struct Frame {
    state: State,
    key: u128,
    /// Stable goroutine ids by position.
    threads: Vec<u32>,
    /// Stable object ids by index.
    objects: Vec<u32>,
    enabled: Vec<Transition>,
    /// Goroutines to explore from here.
    backtrack: SmallVec<[u32; 4]>,
    /// Transitions explored from here, as (goroutine, alternative).
    done: SmallVec<[(u32, u32); 4]>,
    sleep: Vec<Sleeper>,
    /// How many goroutines each goroutine (by stable id) has started.
    spawned: SmallVec<[u32; 8]>,
    /// The next fresh object id below this state.
    fresh_object: u32,
}

/// The alternative of a rendezvous names its receiver (by stable id)
/// under this bit; a step's own alternatives are small.
const PARTNER: u32 = 1 << 31;

/// The position of the goroutine that takes `t` (a rendezvous: its
/// sender) and, for a rendezvous, its receiver's; `None` for a timer.
fn positions(t: &Transition) -> Option<(u32, Option<u32>)> {
    match *t {
        Transition::Step { g, .. } => Some((g, None)),
        // Selects are outside the class: both arms are plain.
        Transition::Rendezvous {
            sender, receiver, ..
        } => Some((sender, Some(receiver))),
        Transition::Fire { .. } => None,
    }
}

/// `t`'s key in frame `f`: (goroutine by stable id, alternative), the
/// same in every run through `f`. A rendezvous is its sender's, with the
/// receiver in the alternative.
fn key(f: &Frame, t: &Transition) -> Option<(u32, u32)> {
    match *t {
        Transition::Step { g, alt } => Some((f.threads[g as usize], alt)),
        Transition::Rendezvous {
            sender, receiver, ..
        } => Some((
            f.threads[sender as usize],
            PARTNER | f.threads[receiver as usize],
        )),
        Transition::Fire { .. } => None,
    }
}

/// The goroutines (by stable id) that move in `t`, in frame `f`.
fn actors(f: &Frame, t: &Transition) -> SmallVec<[u32; 2]> {
    match positions(t) {
        Some((g, None)) => smallvec::smallvec![f.threads[g as usize]],
        Some((g, Some(r))) => smallvec::smallvec![f.threads[g as usize], f.threads[r as usize]],
        None => SmallVec::new(),
    }
}

/// How the search ended when it did not produce choices.
pub(crate) enum Stop {
    /// The program left the class (a step not a goroutine's own, or a
    /// step disabled by another): checked as the search goes, besides the
    /// static check.
    Outside(NotApplicable),
    /// A failure that is not the program's crash (a model error).
    Failure(Failure, Vec<Transition>),
}

/// Whether stateless DPOR applies to `prog` (see the module's comment).
pub fn applies(prog: &Program) -> Result<(), NotApplicable> {
    if let Some(site) = semantics::enabled::first_wait(prog) {
        return Err(NotApplicable::Waits(Some(site)));
    }
    if !super::runs_are_finite(prog) {
        return Err(NotApplicable::Unbounded);
    }
    Ok(())
}

/// The search (see the module's comment), within `budget`: a bound that
/// stops it leaves [`Choices::cut`] set and what was chosen so far.
pub(crate) fn search(prog: &Program, init: State, budget: &Budget) -> Result<Choices, Stop> {
    let interrupt = budget.interrupt();
    let mut out = Choices::default();
    let mut names = Names::default();
    let root = frame(prog, init, vec![0], None, SmallVec::new(), 0)?;
    // The start, to replay the runs that show races from.
    let origin = (root.state.clone(), root.objects.clone());
    let mut witnessed: std::collections::BTreeSet<(Site, Site)> = Default::default();
    let mut stack: Vec<Frame> = vec![root];
    let mut run: Vec<Step> = Vec::new();
    // The clock of the step that started each goroutine (by stable id).
    let mut spawned_at: Vec<Clock> = vec![Clock::new()];
    start(&mut stack[0], &mut out);
    let mut tick = 0usize;
    loop {
        let depth = stack.len() - 1;
        let top = stack.last_mut().expect("the root stays");
        let next = top.enabled.iter().position(|t| {
            let (thread, alt) = key(top, t).expect("checked at the frame");
            top.backtrack.contains(&thread)
                && !top.done.contains(&(thread, alt))
                && !top.sleep.iter().any(|s| s.thread == thread && s.alt == alt)
        });
        let Some(i) = next else {
            // Every scheduled step explored: back to the parent, where the
            // step that led here sleeps in the siblings explored after it.
            let _ = stack.pop();
            let Some(parent) = stack.last_mut() else {
                break;
            };
            let step = run.pop().expect("a step per frame below the root");
            let (_, alt) = *parent.done.last().expect("the step taken");
            parent.sleep.push(Sleeper {
                thread: step.thread,
                partner: step.partner,
                alt,
                access: step.access,
            });
            continue;
        };
        tick += 1;
        // The search's own bounds, as the breadth-first search checks them:
        // `--max-states` counts the distinct states visited here (the graph
        // built from them holds no more), with time, memory and Ctrl-C.
        if let Some(b) = budget.exhausted(out.states(), tick) {
            out.cut = Some(b);
            return Ok(out);
        }
        if let Some(max) = budget.bounds().max_depth {
            if depth >= max {
                out.cut = Some(Bound::Depth(max));
                // Not expanded: the states below are not visited.
                top.backtrack.clear();
                continue;
            }
        }
        let t = top.enabled[i].clone();
        let (g, receiver) = positions(&t).expect("checked at the frame");
        let (thread, alt) = key(top, &t).expect("checked at the frame");
        let partner = receiver.map(|r| top.threads[r as usize]);
        top.done.push((thread, alt));
        out.steps += 1;
        out.choose(top.key, &t);
        let mut access = access_of(prog, top, &t);
        let goroutine = &top.state.goroutines[g as usize];
        let site = goroutine.site();
        let memory: SmallVec<[Memory; 1]> =
            crate::semantics::footprint::memory_accesses(prog, &top.state, goroutine)
                .iter()
                .map(|m| (top.objects[m.object.index()], m.write, m.atomic))
                .collect();
        let lock = match wait_step(prog, &top.state, goroutine) {
            WaitStep::None | WaitStep::Queue => None,
            WaitStep::Mutex(r, kind) => Some(LockUse {
                mutex: top.objects[r.index()],
                kind,
                acquires: match kind {
                    MutexUse::Acquire => true,
                    MutexUse::Release => false,
                    MutexUse::Try => {
                        !matches!(top.state.object(r), crate::state::Object::Mutex(m) if m.locked)
                    }
                },
            }),
            WaitStep::Other => return Err(Stop::Outside(NotApplicable::Waits(Some(site)))),
        };
        let (next, renaming) = stepped(prog, &top.state, &t, &interrupt);
        if let Some(failure) = &next.failure {
            match failure.kind {
                FailureKind::Interrupted => {
                    out.cut = Some(budget.interrupted());
                    return Ok(out);
                }
                k if k.is_crash() => access.crash = true,
                _ => return Err(Stop::Failure(failure.clone(), path(&stack))),
            }
        }
        // The step's clock, and the races it closes: for each, a goroutine
        // that starts the reversed run is scheduled before the first step
        // unless one is already.
        let who = movers(thread, partner);
        let pre = pre_clock(&run, &spawned_at, &who);
        let clock = step_clock(&run, pre.clone(), &who, &access);
        for i in racing(&run, pre, &who, &access, lock) {
            let races = run[i]
                .memory
                .iter()
                .any(|&a| memory.iter().any(|&b| data_race(a, b)));
            {
                let pair = (run[i].site.min(site), run[i].site.max(site));
                if races && witnessed.insert(pair) {
                    // Not every run passes the state where both accesses
                    // are next: the one of the steps that do not follow
                    // the first does.
                    let first = run[i].thread;
                    let before: Vec<(u32, u32)> = run
                        .iter()
                        .enumerate()
                        .filter(|&(j, s)| j != i && at(&s.clock, first) <= i as u32)
                        .map(|(_, s)| (s.thread, s.alt))
                        .collect();
                    witness(prog, &origin, &before, &mut names, &mut out, &interrupt)?;
                }
            }
            schedule(&mut stack[i], &initials(&run, i, &who, &clock));
        }
        let top = stack.last_mut().expect("the root stays");
        if access.crash {
            // A crash ends the run (counted as one, as the graph counts
            // it): every other goroutine's step may come first, and is
            // explored from here.
            out.traces += 1;
            let all: Vec<u32> = top
                .enabled
                .iter()
                .filter_map(|t| key(top, t))
                .map(|(q, _)| q)
                .collect();
            for q in all {
                if !top.backtrack.contains(&q) {
                    top.backtrack.push(q);
                }
            }
            continue;
        }
        let mut child = advance(prog, top, thread, next, &renaming, &mut names)?;
        for &t in child.threads.iter().filter(|t| !top.threads.contains(t)) {
            if spawned_at.len() <= t as usize {
                spawned_at.resize(t as usize + 1, Clock::new());
            }
            spawned_at[t as usize] = clock.clone();
        }
        let sleep: Vec<Sleeper> = top
            .sleep
            .iter()
            .filter(|s| {
                !who.iter().any(|&m| s.thread == m || s.partner == Some(m))
                    && !s.access.conflicts(&access)
            })
            .cloned()
            .collect();
        // The goroutines that could move before this step, but for those
        // about to take a mutex (another's Lock disables it), send or
        // receive (another's send fills the buffer, a receive empties it)
        // or wait for a WaitGroup (an Add raises it).
        let still: Vec<u32> = top
            .enabled
            .iter()
            .filter_map(positions)
            .filter(|&(g, _)| {
                !matches!(
                    wait_step(prog, &top.state, &top.state.goroutines[g as usize]),
                    WaitStep::Mutex(_, MutexUse::Acquire) | WaitStep::Queue
                )
            })
            .map(|(g, _)| top.threads[g as usize])
            .filter(|q| !who.contains(q))
            .collect();
        child.sleep = sleep;
        // Steps never disable each other in the class: a goroutine that
        // could move before this step still can.
        if still
            .iter()
            .any(|q| !child.enabled.iter().any(|t| actors(&child, t).contains(q)))
        {
            return Err(Stop::Outside(NotApplicable::Waits(None)));
        }
        run.push(Step {
            thread,
            partner,
            alt,
            access,
            clock,
            site,
            memory,
            lock,
        });
        pending_waits(prog, &run, &spawned_at, &mut stack, &child);
        start(&mut child, &mut out);
        stack.push(child);
    }
    Ok(out)
}

/// Builds a frame, checking that every enabled transition is a
/// goroutine's own step.
fn frame(
    prog: &Program,
    state: State,
    threads: Vec<u32>,
    objects: Option<Vec<u32>>,
    spawned: SmallVec<[u32; 8]>,
    fresh_object: u32,
) -> Result<Frame, Stop> {
    let enabled = semantics::enabled(prog, &state);
    if enabled.iter().any(|t| positions(t).is_none()) {
        return Err(Stop::Outside(NotApplicable::Waits(None)));
    }
    let n = state.objects.len() as u32;
    let (objects, fresh_object) = match objects {
        Some(o) => (o, fresh_object),
        None => ((0..n).collect(), n),
    };
    Ok(Frame {
        key: crate::graph::state_key(&state),
        state,
        threads,
        objects,
        enabled,
        backtrack: SmallVec::new(),
        done: SmallVec::new(),
        sleep: Vec::new(),
        spawned,
        fresh_object,
    })
}

/// Records a frame as visited and schedules its first goroutine with an
/// awake step; counts the run when it ends there.
fn start(f: &mut Frame, out: &mut Choices) {
    out.visit(f.key);
    if f.enabled.is_empty() {
        out.traces += 1;
        return;
    }
    let awake = f
        .enabled
        .iter()
        .filter_map(|t| key(f, t))
        .find(|&(thread, alt)| !f.sleep.iter().any(|s| s.thread == thread && s.alt == alt));
    match awake {
        Some((thread, _)) => f.backtrack.push(thread),
        None => out.blocked += 1,
    }
}

/// What transition `t` touches in frame `f`, by stable object ids: each
/// object of every family it touches (a family changes as one).
fn access_of(prog: &Program, f: &Frame, t: &Transition) -> Access {
    let fams = Families::of(&f.state);
    let touched = touch::transition_touches(prog, &f.state, &fams, t);
    stable_access(&fams, &f.objects, &touched)
}

/// `touched` (families of a state whose objects have the stable ids
/// `objects`) as every object of those families, by stable id.
fn stable_access(fams: &Families, objects: &[u32], touched: &touch::Touches) -> Access {
    let mut touches: SmallVec<[(u32, Mode); 4]> = SmallVec::new();
    for (o, stable) in objects.iter().enumerate() {
        let fam = fams.family(crate::value::ObjRef(o as u32));
        if let Some(&(_, mode)) = touched.iter().find(|&&(fm, _)| fm == fam) {
            touches.push((*stable, mode));
        }
    }
    Access {
        touches,
        crash: false,
    }
}

/// For each goroutine of `next` (by position), its stable id in `f` when
/// it was there (`None` for the one the step started).
fn follow_threads(
    f: &Frame,
    next: &State,
    renaming: &crate::state::canonical::GoroutineRenaming,
) -> Vec<Option<u32>> {
    next.goroutines
        .iter()
        .map(|g| {
            let old = renaming.old_of(&g.id);
            f.state
                .position(old.as_ref().unwrap_or(&g.id))
                .map(|p| f.threads[p])
        })
        .collect()
}

/// What orders the next step of the goroutines `who` (one, or a
/// rendezvous's two) before it looks at others: each one's previous step,
/// or the step that started it.
fn pre_clock(run: &[Step], spawned_at: &[Clock], who: &[u32]) -> Clock {
    let mut clock = Clock::new();
    for &thread in who {
        let own = run
            .iter()
            .rev()
            .find(|s| s.moves(thread))
            .map(|s| s.clock.clone())
            .unwrap_or_else(|| spawned_at.get(thread as usize).cloned().unwrap_or_default());
        join(&mut clock, &own);
    }
    clock
}

/// The clock of the next step of `who` with `access` after `run`: `pre`
/// and every earlier step it depends on.
fn step_clock(run: &[Step], mut clock: Clock, who: &[u32], access: &Access) -> Clock {
    for s in run {
        if !s.shares(who) && s.access.conflicts(access) {
            join(&mut clock, &s.clock);
        }
    }
    for &thread in who {
        if clock.len() <= thread as usize {
            clock.resize(thread as usize + 1, 0);
        }
        clock[thread as usize] = run.len() as u32 + 1;
    }
    clock
}

/// The steps of `run` that race with `thread`'s next step (`access`, its
/// clock before other goroutines `pre`, what it does to a mutex `lock`):
/// of another goroutine, dependent, and ordered before it by nothing but
/// itself.
///
/// A `Lock` is the exception (Nidhugg's rule, Abdulla et al., JACM'17):
/// it waits for the `Unlock` before it, so it never moves before that,
/// and it follows the mutex's last acquisition through it. It races with
/// that acquisition (a `Lock` or a `TryLock` that took the mutex) when
/// another goroutine made it and nothing else orders the two: reversing
/// the two critical sections is a run. Every other step races by the
/// plain rule (an `Unlock` or `TryLock` never waits, so it can always move
/// earlier; Go lets any goroutine unlock, and unlocking a free mutex
/// crashes).
fn racing(
    run: &[Step],
    pre: Clock,
    who: &[u32],
    access: &Access,
    lock: Option<LockUse>,
) -> Vec<usize> {
    if let Some(LockUse {
        mutex,
        kind: MutexUse::Acquire,
        ..
    }) = lock
    {
        let last = run
            .iter()
            .enumerate()
            .rev()
            .find(|(_, s)| s.lock.is_some_and(|l| l.mutex == mutex && l.acquires));
        return match last {
            Some((i, s)) if !s.shares(who) && at(&pre, s.thread) <= i as u32 => vec![i],
            _ => Vec::new(),
        };
    }
    // Walking back, `seen` is what the step's own past and the later
    // dependent steps already order: a dependent step inside it precedes
    // the next step through another one.
    let mut seen = pre;
    let mut out = Vec::new();
    for i in (0..run.len()).rev() {
        let s = &run[i];
        if s.shares(who) || !s.access.conflicts(access) {
            continue;
        }
        if at(&seen, s.thread) <= i as u32 {
            out.push(i);
        }
        join(&mut seen, &s.clock);
    }
    out
}

/// Schedules one of `starters` (the initials of a reversed race) at frame
/// `f`, unless one is already: the smallest, so the search depends on
/// nothing but the run.
fn schedule(f: &mut Frame, starters: &[u32]) {
    if starters.iter().any(|q| f.backtrack.contains(q)) {
        return;
    }
    let Some(&q) = starters.iter().min() else {
        return;
    };
    let moves = f
        .enabled
        .iter()
        .filter_map(|t| key(f, t))
        .any(|(thread, _)| thread == q);
    if moves {
        f.backtrack.push(q);
        return;
    }
    // Not expected (the steps before the second of a race are a run from
    // here), but should the goroutine wait here, every goroutine is
    // explored (Flanagan and Godefroid's rule for a disabled one).
    let all: Vec<u32> = f
        .enabled
        .iter()
        .filter_map(|t| key(f, t))
        .map(|(thread, _)| thread)
        .collect();
    for q in all {
        if !f.backtrack.contains(&q) {
            f.backtrack.push(q);
        }
    }
}

/// The races of the operations goroutines of `next` (the state after
/// `run`) wait at: an operation that waits forever is never taken, so no
/// run shows its race with the steps it waits behind, yet taking it first
/// may be a run (where another goroutine waits instead, or deadlocks).
/// Each is analysed as if taken now: a `Lock` by Nidhugg's rule, a send,
/// receive or WaitGroup `Wait` (with what it touches over all its
/// alternatives) by the plain rule.
fn pending_waits(
    prog: &Program,
    run: &[Step],
    spawned_at: &[Clock],
    stack: &mut [Frame],
    next: &Frame,
) {
    let mut fams: Option<Families> = None;
    for (p, g) in next.state.goroutines.iter().enumerate() {
        let wait = wait_step(prog, &next.state, g);
        let lock = match wait {
            WaitStep::Mutex(r, MutexUse::Acquire) => Some(LockUse {
                mutex: next.objects[r.index()],
                kind: MutexUse::Acquire,
                acquires: true,
            }),
            WaitStep::Queue => None,
            WaitStep::None | WaitStep::Mutex(..) | WaitStep::Other => continue,
        };
        let thread = next.threads[p];
        if next
            .enabled
            .iter()
            .any(|t| actors(next, t).contains(&thread))
        {
            continue;
        }
        let access = match lock {
            Some(l) => Access {
                touches: smallvec::smallvec![(l.mutex, Mode::Write)],
                crash: false,
            },
            None => {
                let fams = fams.get_or_insert_with(|| Families::of(&next.state));
                let touched = touch::goroutine_touches(prog, &next.state, fams, g);
                stable_access(fams, &next.objects, &touched)
            }
        };
        let who = [thread];
        let pre = pre_clock(run, spawned_at, &who);
        let clock = step_clock(run, pre.clone(), &who, &access);
        for i in racing(run, pre, &who, &access, lock) {
            schedule(&mut stack[i], &initials(run, i, &who, &clock));
        }
    }
}

/// The goroutines that can start the run that reverses the race between
/// step `i` of `run` and the next step of `who` (clock `clock`): the steps
/// after `i` that it does not precede, then the next step; a step is an
/// initial when it is the first there of each goroutine that moves in it
/// and none of those steps is before it. A rendezvous is started by its
/// sender (its key's goroutine).
fn initials(run: &[Step], i: usize, who: &[u32], clock: &Clock) -> SmallVec<[u32; 4]> {
    let first = run[i].thread;
    // The steps not after step i, by run index, and each goroutine's
    // first among them.
    let mut firsts: Vec<(u32, usize)> = Vec::new();
    let mut steps: Vec<usize> = Vec::new();
    for (j, s) in run.iter().enumerate().skip(i + 1) {
        if at(&s.clock, first) > i as u32 {
            continue;
        }
        steps.push(j);
        for m in s.movers() {
            if !firsts.iter().any(|&(t, _)| t == m) {
                firsts.push((m, j));
            }
        }
    }
    let first_of = |t: u32| firsts.iter().find(|&&(u, _)| u == t).map(|&(_, j)| j);
    let before = |c: &Clock, own: &[u32]| {
        firsts
            .iter()
            .any(|&(u, j)| !own.contains(&u) && at(c, u) > j as u32)
    };
    let mut out: SmallVec<[u32; 4]> = SmallVec::new();
    for j in steps {
        let s = &run[j];
        let own = s.movers();
        let initial = own.iter().all(|&m| first_of(m) == Some(j)) && !before(&s.clock, &own);
        if initial && !out.contains(&s.thread) {
            out.push(s.thread);
        }
    }
    if who.iter().all(|&m| first_of(m).is_none()) && !before(clock, who) && !out.contains(&who[0]) {
        out.push(who[0]);
    }
    out
}

/// The transitions of the current run, from the root to the top frame.
fn path(stack: &[Frame]) -> Vec<Transition> {
    stack
        .iter()
        .filter_map(|f| {
            let &(thread, alt) = f.done.last()?;
            f.enabled
                .iter()
                .find(|t| key(f, t) == Some((thread, alt)))
                .cloned()
        })
        .collect()
}

/// Replays `steps` (goroutine by stable id, alternative) from the start
/// `origin` (its state and object ids), choosing each in the state it is
/// taken from, so that the breadth-first search reaches the state at the
/// end: where two racing accesses are both next.
fn witness(
    prog: &Program,
    origin: &(State, Vec<u32>),
    steps: &[(u32, u32)],
    names: &mut Names,
    out: &mut Choices,
    interrupt: &crate::stop::Interrupt,
) -> Result<(), Stop> {
    let mut f = frame(
        prog,
        origin.0.clone(),
        vec![0],
        Some(origin.1.clone()),
        SmallVec::new(),
        origin.1.len() as u32,
    )?;
    for &(thread, alt) in steps {
        let Some(t) = f
            .enabled
            .iter()
            .find(|t| key(&f, t) == Some((thread, alt)))
            .cloned()
        else {
            // Cannot happen in the class (steps never disable each
            // other): the search stops rather than guess.
            return Err(Stop::Outside(NotApplicable::Waits(None)));
        };
        out.choose(f.key, &t);
        let (next, renaming) = stepped(prog, &f.state, &t, interrupt);
        if next.failure.is_some() {
            return Ok(());
        }
        f = advance(prog, &f, thread, next, &renaming, names)?;
    }
    out.visit(f.key);
    Ok(())
}

/// Stable goroutine ids: main is 0, and the `k`-th goroutine that the
/// goroutine with id `p` starts has the same id in every run (a
/// goroutine's `k`-th `go` statement is the same step of its own code
/// whatever the interleaving), so backtrack points and replays name
/// goroutines alike.
#[derive(Default)]
struct Names {
    ids: HashMap<(u32, u32), u32>,
}

impl Names {
    fn child(&mut self, parent: u32, k: u32) -> u32 {
        let next = self.ids.len() as u32 + 1;
        *self.ids.entry((parent, k)).or_insert(next)
    }
}

/// The frame after `thread`'s step from `f`, which did not crash: its
/// goroutines and objects followed through the step's renaming and
/// renumbering (a goroutine the step started is named by [`Names`], an
/// object it made gets a fresh id).
fn advance(
    prog: &Program,
    f: &Frame,
    thread: u32,
    next: crate::semantics::StepOutcome,
    renaming: &crate::state::canonical::GoroutineRenaming,
    names: &mut Names,
) -> Result<Frame, Stop> {
    let mut spawned = f.spawned.clone();
    if spawned.len() <= thread as usize {
        spawned.resize(thread as usize + 1, 0);
    }
    let threads: Vec<u32> = follow_threads(f, &next.state, renaming)
        .into_iter()
        .map(|t| {
            t.unwrap_or_else(|| {
                let k = spawned[thread as usize];
                spawned[thread as usize] += 1;
                names.child(thread, k)
            })
        })
        .collect();
    let mut fresh_object = f.fresh_object;
    let mut objects = vec![u32::MAX; next.state.objects.len()];
    for old in 0..next.renumbering.len() {
        if let Some(r) = next.renumbering.get(old) {
            if let Some(slot) = objects.get_mut(r.index()) {
                *slot = f.objects.get(old).copied().unwrap_or(u32::MAX);
            }
        }
    }
    for o in objects.iter_mut().filter(|o| **o == u32::MAX) {
        *o = fresh_object;
        fresh_object += 1;
    }
    frame(
        prog,
        next.state,
        threads,
        Some(objects),
        spawned,
        fresh_object,
    )
}
