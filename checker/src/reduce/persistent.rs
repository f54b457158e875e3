//! Persistent sets: from a state, a subset of the enabled transitions such
//! that no run that avoids them can do anything dependent on them (Godefroid,
//! "Partial-Order Methods for the Verification of Concurrent Systems", 1996;
//! the goroutine-closure construction of stubborn sets, Valmari).
//!
//! Actors are the goroutines and the clock (every timer, ticker and
//! deadline). Starting from one actor, the set `G` grows until it is closed:
//! both partners of an enabled rendezvous are in `G`, and every actor whose
//! future (see [`super::future`]) touches, in a conflicting mode, a family
//! that the current operation of a member touches (over all its
//! alternatives, enabled or not) is in `G`. The persistent set is every
//! enabled transition of the members. A run avoiding it only moves actors
//! outside `G`, whose steps touch nothing the members' current operations
//! touch: they are independent of the set and cannot enable another
//! alternative of a member. The smallest such set over all starting actors
//! is chosen (the first one on ties, so the search stays deterministic).
//!
//! A transition that crashes the program ends every run through it, so it
//! is dependent on everything: a set containing one is not used, and when
//! every candidate contains one, the whole enabled set is explored.

use smallvec::SmallVec;
use weft_models::ir::Program;

use super::frozen::code_while_frozen;
use super::future::{
    future_of_code, goroutine_future, handles_may_move, Directions, FamilyModes, ProgramFuture,
};
use super::touch::{clock_touches, mode_of, transition_touches, Families, Touches};
use crate::semantics::Transition;
use crate::state::{Goroutine, Object, State};
use crate::value::ObjRef;
use weft_models::ops::ChanOp;

/// The reduction's view of one state (filled in place: [`analyse_into`]).
#[derive(Default)]
pub(crate) struct StateView {
    /// What each enabled transition touches ([`StateView::touches`]): an
    /// index into `rows`.
    touch_of: SmallVec<[u32; 16]>,
    /// What the actors' current operations touch (over all their
    /// alternatives), then what each rendezvous and each timer fire
    /// touches: a step touches its goroutine's row, shared, not copied.
    rows: SmallVec<[FamilyModes; 16]>,
    /// The actors of each enabled transition (goroutine positions; the
    /// clock is `goroutines.len()`).
    pub actors: SmallVec<[Actors; 16]>,
    /// Which enabled transitions are in the chosen persistent set.
    pub persistent: SmallVec<[bool; 16]>,
    /// True when a transition asleep in the node can never be woken (see
    /// [`doomed`]): every run from here ends with it still asleep, so the
    /// node's exploration is a prefix of runs explored elsewhere and
    /// nothing from it needs exploring.
    pub doomed: bool,
}

impl StateView {
    /// What enabled transition `i` touches.
    pub(crate) fn touches(&self, i: usize) -> &FamilyModes {
        &self.rows[self.touch_of[i] as usize]
    }
}

/// What the enabled transitions of a state touch, as the analysis builds
/// it: each transition's row, the rows of its own (rendezvous and fires)
/// kept apart until the actors' rows join them.
struct TouchRows {
    own: SmallVec<[FamilyModes; 2]>,
}

impl TouchRows {
    /// The rows of `enabled`, over `current` (the actors' rows), each
    /// transition's index into them written to `touch_of`; `fire`: what a
    /// timer fire touches.
    fn of(
        enabled: &[Transition],
        current: &[FamilyModes],
        touch_of: &mut SmallVec<[u32; 16]>,
        mut fire: impl FnMut(&Transition) -> FamilyModes,
    ) -> Self {
        let n = current.len() as u32;
        let mut own: SmallVec<[FamilyModes; 2]> = SmallVec::new();
        touch_of.clear();
        for t in enabled {
            let row = match *t {
                // A step touches what its goroutine's operation does, a
                // rendezvous what both partners' do.
                Transition::Step { g, .. } => {
                    touch_of.push(g);
                    continue;
                }
                Transition::Rendezvous {
                    sender, receiver, ..
                } => {
                    let mut both = current[sender as usize].clone();
                    both.absorb(&current[receiver as usize]);
                    both
                }
                Transition::Fire { .. } => fire(t),
            };
            touch_of.push(n + own.len() as u32);
            own.push(row);
        }
        TouchRows { own }
    }

    /// Completes the view's rows: the actors' (`current`), then the
    /// transitions' own.
    fn finish(self, current: &mut SmallVec<[FamilyModes; 16]>) {
        for row in self.own {
            current.push(row);
        }
    }
}

/// The actors of one transition: a goroutine, the two of a rendezvous, or
/// the clock. (A value, not a vector: the analysis reads them in its
/// innermost loops.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Actors {
    first: u32,
    /// The second actor, or [`Actors::NONE`].
    second: u32,
}

impl Actors {
    const NONE: u32 = u32::MAX;

    /// The actors of transition `t`, in a state whose clock is actor `clock`.
    pub(crate) fn of(t: &Transition, clock: usize) -> Actors {
        match *t {
            Transition::Step { g, .. } => Actors {
                first: g,
                second: Self::NONE,
            },
            Transition::Rendezvous {
                sender, receiver, ..
            } => Actors {
                first: sender,
                second: receiver,
            },
            Transition::Fire { .. } => Actors {
                first: clock as u32,
                second: Self::NONE,
            },
        }
    }

    /// Each actor, in order.
    pub(crate) fn iter(self) -> impl Iterator<Item = usize> {
        std::iter::once(self.first as usize)
            .chain((self.second != Self::NONE).then_some(self.second as usize))
    }

    /// True when `a` is one of them.
    pub(crate) fn contains(self, a: usize) -> bool {
        self.iter().any(|x| x == a)
    }

    /// True when `a` is the only one.
    fn only(self, a: usize) -> bool {
        self.second == Self::NONE && self.first as usize == a
    }

    /// True when the transition moves two actors.
    fn two(self) -> bool {
        self.second != Self::NONE
    }

    /// True when the two transitions share an actor.
    pub(crate) fn meet(self, o: Actors) -> bool {
        // (Compared directly: this runs for every pair a sleep set asks.)
        let has = |a: u32| a == o.first || (o.second != Self::NONE && a == o.second);
        has(self.first) || (self.second != Self::NONE && has(self.second))
    }

    /// True when one of them is in the actor set `members` (bits by
    /// actor).
    fn any_in(self, members: &[u64]) -> bool {
        let has = |a: u32| members[a as usize / 64] & (1 << (a % 64)) != 0;
        has(self.first) || (self.second != Self::NONE && has(self.second))
    }
}

fn modes_of(t: &Touches, n: usize) -> FamilyModes {
    let mut m = FamilyModes::new(n);
    for &(f, mode) in t {
        m.set(f as usize, mode);
    }
    m
}

/// The families the current operation of `g` touches, over all its
/// alternatives, with how ([`super::touch::goroutine_touches`], set
/// straight into the bits).
pub(super) fn goroutine_modes(
    prog: &Program,
    state: &State,
    fams: &Families,
    g: &Goroutine,
) -> FamilyModes {
    let mut m = FamilyModes::new(fams.len());
    crate::semantics::footprint::each_goroutine_touch(prog, state, g, |r, u| {
        m.set(fams.family(r) as usize, mode_of(u))
    });
    m
}

/// Analyses `state` and chooses a persistent subset of `enabled`, into
/// `view`; `asleep` says which of them sleep in the node; `held_locks`:
/// whether the sets lean on the mutexes held ([`HeldLocks`]). (The view
/// is several hundred bytes held in place, made for every state: filled
/// in place, not returned, it is not moved along the return paths.)
#[allow(clippy::too_many_arguments)]
pub(crate) fn analyse_into(
    prog: &Program,
    future: &ProgramFuture,
    state: &State,
    enabled: &[Transition],
    asleep: &[bool],
    held_locks: bool,
    crashing: &mut dyn FnMut(usize) -> bool,
    view: &mut StateView,
) {
    let StateView {
        touch_of,
        rows: current,
        actors,
        persistent,
        doomed: view_doomed,
    } = view;
    let families = Families::of(state);
    let nf = families.len();
    let ng = state.goroutines.len();
    let clock = ng;
    actors.clear();
    // (Pushed one by one here and below: `SmallVec::extend`, which
    // reserves first, and `collect` took 1.6 and 2.6 times the
    // instructions for these few elements.)
    for t in enabled {
        actors.push(Actors::of(t, clock));
    }
    let actors = &*actors;
    persistent.clear();
    for _ in enabled {
        persistent.push(true);
    }
    *view_doomed = false;
    let transition_modes =
        |t: &Transition| modes_of(&transition_touches(prog, state, &families, t), nf);
    current.clear();
    if enabled.len() <= 1 {
        // (A lone transition's own footprint, not its goroutine's
        // operation over all alternatives: no row of an actor is needed.)
        touch_of.clear();
        for (i, t) in enabled.iter().enumerate() {
            touch_of.push(i as u32);
            current.push(transition_modes(t));
        }
        return;
    }
    // The current operation of every actor, over all its alternatives.
    // (In a plain state, from the program's tables where they know.)
    // They are the view's first rows.
    let plain = super::plain::is_plain(state, &families);
    let tables = &future.plain;
    current.reserve(ng + 1);
    for g in &state.goroutines {
        current.push(match plain.then(|| tables.current(g)).flatten() {
            Some(words) => FamilyModes::one(words),
            None => goroutine_modes(prog, state, &families, g),
        });
    }
    current.push(modes_of(&clock_touches(state, &families), nf));
    let touches = TouchRows::of(enabled, current, touch_of, transition_modes);
    // Futures of every actor (each with its current operation), computed
    // in place when first needed (empty until then: there is always the
    // clock's).
    let mut fut: SmallVec<[FamilyModes; 16]> = SmallVec::new();
    let futures = |fut: &mut SmallVec<[FamilyModes; 16]>| {
        if !fut.is_empty() {
            return;
        }
        // (Asked only of a goroutine the tables do not answer for.)
        let mut anything = None;
        fut.reserve_exact(ng + 1);
        for (g, c) in state.goroutines.iter().zip(current.iter()) {
            let mut f = match plain.then(|| tables.future(g)).flatten() {
                Some(words) => FamilyModes::one(words),
                None => {
                    let anything = *anything.get_or_insert_with(|| handles_may_move(future, state));
                    goroutine_future(future, state, &families, g, anything)
                }
            };
            f.absorb(c);
            fut.push(f);
        }
        fut.push(current[clock].clone());
    };
    if asleep.iter().any(|&a| a) {
        futures(&mut fut);
        let all = &fut;
        let frozen = Frozen {
            prog,
            future,
            state,
            families: &families,
        };
        let waits = Waits::new(prog, future, state);
        if doomed(actors, asleep, current, all, &waits)
            || frozen.doomed(actors, asleep, current, all, &waits)
        {
            persistent.iter_mut().for_each(|p| *p = false);
            *view_doomed = true;
            touches.finish(current);
            return;
        }
    }
    // A goroutine whose next step touches nothing shared (`go`, a choice,
    // `Sleep`, `panic`) conflicts with no one: its steps alone are a
    // persistent set, unless one crashes. No futures needed.
    for (a, cur) in current.iter().enumerate().take(ng) {
        if !cur.is_empty() {
            continue;
        }
        let set: SmallVec<[bool; 16]> = actors.iter().map(|xs| xs.only(a)).collect();
        let mine: SmallVec<[usize; 16]> = (0..enabled.len()).filter(|&i| set[i]).collect();
        if mine.is_empty() || actors.iter().any(|xs| xs.two() && xs.contains(a)) {
            continue;
        }
        if mine.iter().all(|&i| !crashing(i)) {
            *persistent = set;
            touches.finish(current);
            return;
        }
    }
    futures(&mut fut);
    let held = (plain && held_locks)
        .then(|| HeldLocks::of(tables, state, &fut))
        .flatten();
    // Who joins with each actor: its partners (the actors of each
    // transition it takes part in: a rendezvous moves two goroutines) and
    // every actor whose future conflicts with its current operation. (A
    // future conflicts with what the members touch together exactly when
    // it conflicts with one of them, so a closed set is what the members
    // reach along these edges.) An actor that is a partner of itself has
    // an enabled transition: the candidate sets start from those.
    let n = ng + 1;
    let mut joins = ActorSets::new(n);
    for xs in actors {
        for a in xs.iter() {
            for b in xs.iter() {
                joins.insert(a, b);
            }
        }
    }
    let mut starts: SmallVec<[usize; 16]> = SmallVec::new();
    for a in 0..n {
        if joins.contains(a, a) {
            starts.push(a);
        }
    }
    // An actor's conflicts are added to its set when a closure first
    // reaches it: the first start's closure is often the chosen set, and
    // reaches few actors. The first [`DIRECT_ROWS`] rows test each future;
    // past them, the futures turned round by family answer, at a cost per
    // family used rather than per actor.
    let mut by_family: Option<ByFamily> = None;
    let mut by_family_held: Option<ByFamily> = None;
    let mut last_row: Option<([u64; 2], u64)> = None;
    let mut rows_filled = 0;
    let mut conflicts = |a: usize, row: &mut [u64]| {
        let cur = &current[a];
        // A `Done` that commutes with every run of the others does not
        // pull in who else uses its WaitGroup (`super::waitgroup`).
        let relaxed = (a < ng)
            .then(|| {
                let g = &state.goroutines[a];
                future.dones.independent_done(prog, state, a, |e| {
                    let locals = g.frames.last().map_or(&[][..], |f| &f.locals[..]);
                    crate::semantics::eval::eval(state, locals, e)
                        .ok()?
                        .object()
                })
            })
            .flatten()
            .map(|wg| cur.without(families.family(wg) as usize));
        let cur = relaxed.as_ref().unwrap_or(cur);
        // Actors doing the same operation (readers of one variable,
        // workers on one channel) have the same row, and the closures meet
        // them one after the other: up to 64 actors, the last row is kept
        // with its operation's words. (The last four kept cost more on
        // fanout(6) than they saved.)
        let words = (row.len() == 1).then(|| cur.one_words()).flatten();
        if let (Some(w), Some((x, same))) = (words, last_row) {
            if w == x {
                row[0] |= same;
                return;
            }
        }
        let mut one = [0u64];
        let own: &mut [u64] = if words.is_some() { &mut one } else { row };
        rows_filled += 1;
        let direct = rows_filled <= DIRECT_ROWS;
        match &held {
            // (Written out, as before held locks: through the function,
            // philosophers-fixed(8) took 1.3 % more instructions in the
            // analysis.)
            None if by_family.is_none() && direct => {
                for (b, f) in fut.iter().enumerate() {
                    if f.conflicts(cur) {
                        own[b / 64] |= 1 << (b % 64);
                    }
                }
            }
            None => by_family
                .get_or_insert_with(|| ByFamily::of(&fut, n))
                .conflicting(cur, own),
            Some(held) => {
                // The actors whose futures, up to a held lock, conflict;
                // and, when some whole future conflicts beyond its held
                // lock, whoever may release a held lock (see
                // [`HeldLocks`]).
                let mut within: SmallVec<[u64; 1]> = smallvec::smallvec![0; own.len()];
                conflicting(cur, &held.within, &mut by_family_held, direct, &mut within);
                let mut whole: SmallVec<[u64; 1]> = smallvec::smallvec![0; own.len()];
                conflicting(cur, &fut, &mut by_family, direct, &mut whole);
                let beyond = whole.iter().zip(&within).any(|(w, i)| w & !i != 0);
                for (o, (i, r)) in own.iter_mut().zip(within.iter().zip(&held.releasers)) {
                    *o |= i | if beyond { *r } else { 0 };
                }
            }
        }
        if let Some(w) = words {
            row[0] |= one[0];
            last_row = Some((w, one[0]));
        }
    };
    let w = joins.words;
    let in_set = |members: &[u64], i: usize| actors[i].any_in(members);
    // When each transition moves one actor and no actor has two, a set's
    // transitions are counted by its actors that move: a word-wise count,
    // not a test of each transition. (Learnt at the third start: most
    // states choose at the first.)
    let mut moving: Option<(SmallVec<[u64; 1]>, bool)> = None;
    let mut count_in = |k: usize, members: &[u64]| -> usize {
        let each = |members: &[u64]| (0..enabled.len()).filter(|&i| in_set(members, i)).count();
        if k < 2 {
            return each(members);
        }
        let (moving, one_each) = moving.get_or_insert_with(|| {
            let mut moving: SmallVec<[u64; 1]> = smallvec::smallvec![0; w];
            let mut one_each = true;
            for xs in actors {
                let (word, bit) = (xs.first as usize / 64, 1u64 << (xs.first % 64));
                one_each &= !xs.two() && moving[word] & bit == 0;
                moving[word] |= bit;
            }
            (moving, one_each)
        });
        if !*one_each {
            return each(members);
        }
        members
            .iter()
            .zip(moving.iter())
            .map(|(m, x)| (m & x).count_ones() as usize)
            .sum()
    };
    let crash_free = |members: &[u64], crashing: &mut dyn FnMut(usize) -> bool| {
        !(0..enabled.len()).any(|i| in_set(members, i) && crashing(i))
    };
    // The candidate sets, smallest first (ties in actor order). The first
    // without a crash is chosen: a crash ends every run through it, so a
    // set holding one must hold everything (the other goroutines could
    // have moved first). Whether a step crashes is learnt by running it,
    // so only the sets that may be chosen are asked, in the order they
    // would be: the chosen set's steps run anyway, and no step runs only
    // to be dropped for a smaller set found later. Candidate `k`'s members
    // are `sets[k * w..(k + 1) * w]`.
    let mut candidates: SmallVec<[(usize, usize); 16]> = SmallVec::new();
    let mut sets: SmallVec<[u64; 16]> = if starts.len() * w <= 16 {
        SmallVec::from_buf_and_len([0; 16], starts.len() * w)
    } else {
        SmallVec::from_elem(0, starts.len() * w)
    };
    // Which candidate's set is each actor's closed set, once grown.
    let mut grown: SmallVec<[usize; 32]> = if n <= 32 {
        SmallVec::from_buf_and_len([usize::MAX; 32], n)
    } else {
        smallvec::smallvec![usize::MAX; n]
    };
    for (k, &start) in starts.iter().enumerate() {
        let (before, rest) = sets.split_at_mut(k * w);
        let members = &mut rest[..w];
        joins.closure(
            start,
            members,
            |a| {
                let kk = grown[a];
                (kk != usize::MAX).then(|| &before[kk * w..(kk + 1) * w])
            },
            &mut conflicts,
        );
        grown[start] = k;
        let members = &*members;
        let len = count_in(k, members);
        if len == 1 && crash_free(members, crashing) {
            // No set is smaller: the first crash-free one of one step.
            let chosen = (0..enabled.len()).map(|i| in_set(members, i));
            persistent.iter_mut().zip(chosen).for_each(|(p, c)| *p = c);
            touches.finish(current);
            return;
        }
        candidates.push((len, k));
    }
    candidates.sort_by_key(|(len, _)| *len);
    if let Some(&(_, k)) = candidates
        .iter()
        .find(|(_, k)| crash_free(&sets[k * w..(k + 1) * w], crashing))
    {
        let members = &sets[k * w..(k + 1) * w];
        let chosen = (0..enabled.len()).map(|i| in_set(members, i));
        persistent.iter_mut().zip(chosen).for_each(|(p, c)| *p = c);
    }
    touches.finish(current);
}

/// Adds to `out` every actor whose future (in `fut`) conflicts with
/// `cur`: each future tested while `direct` and no [`ByFamily`] is made,
/// else by family (made once, into `by`).
fn conflicting(
    cur: &FamilyModes,
    fut: &[FamilyModes],
    by: &mut Option<ByFamily>,
    direct: bool,
    out: &mut [u64],
) {
    if by.is_none() && direct {
        for (b, f) in fut.iter().enumerate() {
            if f.conflicts(cur) {
                out[b / 64] |= 1 << (b % 64);
            }
        }
    } else {
        by.get_or_insert_with(|| ByFamily::of(fut, fut.len()))
            .conflicting(cur, out);
    }
}

/// The futures of the actors of a plain state up to the mutexes held in
/// it (lock-aware persistent sets).
///
/// While a mutex stays held (a locked `sync.Mutex`, an RWMutex a writer
/// holds), no goroutine passes a `Lock` of it (nor an `RLock` of the
/// RWMutex): each moves within the code it reaches without one (`within`,
/// from [`super::plain::PlainTables::before`], over every held mutex at
/// once). Only a step of that code that touches the mutex (an `Unlock`)
/// can free it; the actors whose `within` touches a held mutex are its
/// `releasers`.
///
/// The closure then joins an actor to a member when its `within`
/// conflicts with the member's operation, and every releaser when some
/// actor's whole future conflicts with it but its `within` does not. Why
/// that is a persistent set: take a run from the state that avoids the
/// set, and its first step that conflicts with a member's operation, by
/// an actor `b` outside it. Had every held mutex stayed locked until then,
/// `b` moved within its `within` code, which then conflicts: `b` would be
/// a member. So some step before it freed a held mutex, and the first such
/// step was taken while all were still locked, by an actor moving within
/// its `within` code, that touches the mutex: a releaser. But `b`'s whole
/// future conflicts and its `within` does not, so every releaser is a
/// member, and no step of the run is theirs. (A `Lock` waiting on a held
/// mutex is not taken in such a run, so it is in no `within`.)
struct HeldLocks {
    /// Per actor, its future up to the held mutexes.
    within: SmallVec<[FamilyModes; 16]>,
    /// The releasers, as bits by actor.
    releasers: SmallVec<[u64; 1]>,
}

impl HeldLocks {
    /// The held locks of plain `state`, given the actors' whole futures
    /// `fut` (the goroutines', then the clock's); `None` when no mutex a
    /// `Lock` of the program names is locked.
    fn of(
        tables: &super::plain::PlainTables,
        state: &State,
        fut: &[FamilyModes],
    ) -> Option<HeldLocks> {
        let held = tables.held(state);
        if held.is_empty() {
            return None;
        }
        let mut releasers: SmallVec<[u64; 1]> = smallvec::smallvec![0; fut.len().div_ceil(64)];
        let within: SmallVec<[FamilyModes; 16]> = fut
            .iter()
            .enumerate()
            .map(|(b, whole)| {
                let cut = state.goroutines.get(b).and_then(|g| {
                    held.iter().try_fold([u64::MAX; 2], |w, &k| {
                        let before = tables.before(k, g)?;
                        Some([w[0] & before[0], w[1] & before[1]])
                    })
                });
                let within = cut.map_or_else(|| whole.clone(), FamilyModes::one);
                let touched = within.halves().0;
                let frees = held.iter().any(|&k| {
                    let m = tables.held_global(k);
                    touched
                        .get(m / 64)
                        .is_some_and(|w| w & (1 << (m % 64)) != 0)
                });
                if frees {
                    releasers[b / 64] |= 1 << (b % 64);
                }
                within
            })
            .collect();
        Some(HeldLocks { within, releasers })
    }
}

/// How many actors' rows of conflicts are found by testing every future
/// before the futures are turned round by family ([`ByFamily`]). On the
/// bench families (up to 19 actors) testing each future was cheaper for
/// every row (1-2 % of all instructions against 3 rows, then the turn);
/// with many actors, the rows past these cost a row per family used, not
/// the square of the actors.
const DIRECT_ROWS: usize = 16;

/// The actors' futures turned round: per family, the set of actors that
/// may touch it and the set that may write it. The actors whose futures
/// conflict with an operation are then the union of a row per family the
/// operation uses, not a test of every actor's future against it (which
/// made the join graph cost the square of the actors in every state).
struct ByFamily {
    /// Words per row (actors / 64, rounded up).
    words: usize,
    /// Row `f`: the actors whose future touches family `f`.
    touch: SmallVec<[u64; 16]>,
    /// Row `f`: the actors whose future writes family `f`.
    write: SmallVec<[u64; 16]>,
}

impl ByFamily {
    /// The rows of the futures `fut` of `n` actors: a row per family up
    /// to the highest any future uses (the others are in no future).
    fn of(fut: &[FamilyModes], n: usize) -> Self {
        let words = n.div_ceil(64);
        let families = fut
            .iter()
            .filter_map(|f| highest_family(f.halves().0))
            .max()
            .map_or(0, |f| f + 1);
        let mut by = ByFamily {
            words,
            touch: smallvec::smallvec![0; families * words],
            write: smallvec::smallvec![0; families * words],
        };
        for (b, f) in fut.iter().enumerate() {
            let (touched, written) = f.halves();
            let bit = 1u64 << (b % 64);
            each_family(touched, |fam| by.touch[fam * words + b / 64] |= bit);
            each_family(written, |fam| by.write[fam * words + b / 64] |= bit);
        }
        by
    }

    /// Adds to `out` every actor whose future conflicts with `cur`: one
    /// that may touch a family `cur` writes, or write one it touches
    /// ([`super::future::conflict`]).
    fn conflicting(&self, cur: &FamilyModes, out: &mut [u64]) {
        let (touched, written) = cur.halves();
        let w = self.words;
        // (A family beyond the futures' words is in no future.)
        let mut add = |rows: &[u64], fam: usize| {
            let Some(row) = rows.get(fam * w..(fam + 1) * w) else {
                return;
            };
            for (o, r) in out.iter_mut().zip(row) {
                *o |= r;
            }
        };
        each_family(written, |fam| add(&self.touch, fam));
        each_family(touched, |fam| add(&self.write, fam));
    }
}

/// The highest family whose bit is set in `words`, if any.
fn highest_family(words: &[u64]) -> Option<usize> {
    words
        .iter()
        .enumerate()
        .rev()
        .find(|(_, &w)| w != 0)
        .map(|(i, &w)| i * 64 + 63 - w.leading_zeros() as usize)
}

/// Calls `f` on each family whose bit is set in `words`.
fn each_family(words: &[u64], mut f: impl FnMut(usize)) {
    for (i, &word) in words.iter().enumerate() {
        let mut x = word;
        while x != 0 {
            f(i * 64 + x.trailing_zeros() as usize);
            x &= x - 1;
        }
    }
}

/// True when some transition asleep in the node can never be woken. The
/// actors that may move at first are those with a transition awake, and
/// the clock when it has none enabled (time may pass later); to a fixed
/// point, every other actor starts moving when its current operation (over
/// all its alternatives) conflicts with the future of an actor that moves. For an actor all of whose enabled transitions
/// sleep, only a dependent step wakes one; for a blocked goroutine (none
/// enabled), only a dependent step enables one, and a goroutine in a
/// WaitGroup's `Wait` also waits until the movers can take enough `Done`s
/// to bring its counter to zero ([`Waits`]). So, by induction on any
/// run from the node, until one of the actors left over moves, only the
/// movers move, within their futures, and none of their steps wakes or
/// enables a transition of an actor left over: none of those ever moves.
/// When one of them sleeps, its transitions stay enabled and asleep to the
/// end of every run from the node: no run from here is complete (every one
/// ends with them asleep), and each run from here, with one of them moved
/// to its front, is a run from the branch where that one was explored (it
/// commutes with the whole run). Such an exploration is what optimal DPOR
/// avoids (a sleep-set-blocked one), here caught statically. (Blocked
/// goroutines left over alone doom nothing: no transition sleeps.)
fn doomed(
    actors: &[Actors],
    asleep: &[bool],
    current: &[FamilyModes],
    fut: &[FamilyModes],
    waits: &Waits,
) -> bool {
    let n = fut.len();
    let (mut moves, sleeps) = first_movers(n, actors, asleep);
    // (The movers only grow: once every sleeper moves, the answer is no.)
    while sleeper_left(&moves, &sleeps) {
        if !start_moving(&mut moves, fut, current, waits) {
            return true;
        }
    }
    false
}

/// The goroutines blocked in a WaitGroup's `Wait`, for the doomed checks:
/// such a `Wait` passes only once the counter is zero, and while only the
/// movers move, only their `Done`s lower it (see
/// [`super::waitgroup::DoneBounds::held_wait`]).
struct Waits<'a> {
    dones: &'a super::waitgroup::DoneBounds,
    state: &'a State,
    /// Per goroutine, the counter of the WaitGroup it waits on.
    counters: SmallVec<[Option<i64>; 16]>,
}

impl<'a> Waits<'a> {
    fn new(prog: &Program, future: &'a ProgramFuture, state: &'a State) -> Self {
        Waits {
            dones: &future.dones,
            state,
            // (None held in a program without a `Wait`: asked of no one.)
            counters: if future.dones.any_wait() {
                (0..state.goroutines.len())
                    .map(|a| future.dones.held_wait(prog, state, a))
                    .collect()
            } else {
                SmallVec::new()
            },
        }
    }

    /// False when actor `a` waits on a counter that the actors `moves`
    /// holds cannot bring to zero.
    fn may_pass(&self, a: usize, moves: &[bool]) -> bool {
        match self.counters.get(a).copied().flatten() {
            None => true,
            Some(c) => self.dones.may_release(self.state, moves, c),
        }
    }
}

/// True when an actor all of whose enabled transitions sleep does not move.
fn sleeper_left(moves: &[bool], sleeps: &[bool]) -> bool {
    moves.iter().zip(sleeps).any(|(&m, &s)| s && !m)
}

/// One round of the doomed checks: every actor that does not move yet,
/// whose current operation conflicts with the future of one that moved at
/// the round's start, and whose `Wait`, if it is in one, those movers may
/// release, starts moving. True when one did.
fn start_moving<F: std::borrow::Borrow<FamilyModes>>(
    moves: &mut [bool],
    fut: &[F],
    current: &[FamilyModes],
    waits: &Waits,
) -> bool {
    let before: SmallVec<[bool; 32]> = SmallVec::from_slice(moves);
    // An operation conflicts with some mover's future exactly when it
    // conflicts with their union (a family written by one and touched by
    // the other, mover by mover or all at once): one union a round, not a
    // test of every pair.
    // (A future of no family adds nothing; it is left out, so that the
    // union starts from one with the state's words.)
    let mut movers =
        (0..before.len()).filter(|&b| before[b] && !fut[b].borrow().halves().0.is_empty());
    let Some(first) = movers.next() else {
        return false;
    };
    let mut union = fut[first].borrow().clone();
    for b in movers {
        union.absorb(fut[b].borrow());
    }
    let mut changed = false;
    for (a, m) in moves.iter_mut().enumerate() {
        if !*m && union.conflicts(&current[a]) && waits.may_pass(a, &before) {
            *m = true;
            changed = true;
        }
    }
    changed
}

/// Which actors may move at first: those with a transition awake, and the
/// clock (the last actor) when it has none enabled (time may pass later);
/// and which actors have transitions enabled, all asleep (see [`doomed`]).
fn first_movers(
    n: usize,
    actors: &[Actors],
    asleep: &[bool],
) -> (SmallVec<[bool; 32]>, SmallVec<[bool; 32]>) {
    // (The moving actors first hold those with a transition awake, the
    // sleepers those with one enabled; both are set from there in place.)
    let mut moves: SmallVec<[bool; 32]> = smallvec::smallvec![false; n];
    let mut sleeps: SmallVec<[bool; 32]> = smallvec::smallvec![false; n];
    for (xs, &sleeping) in actors.iter().zip(asleep) {
        for a in xs.iter() {
            sleeps[a] = true;
            moves[a] |= !sleeping;
        }
    }
    let clock = n - 1;
    moves[clock] |= !sleeps[clock];
    for (s, &m) in sleeps.iter_mut().zip(&moves) {
        *s &= !m;
    }
    (moves, sleeps)
}

/// The [`doomed`] check again, with futures that know which variables the
/// actors that may move cannot write and which channels they cannot close
/// ([`super::frozen`]).
struct Frozen<'a> {
    prog: &'a Program,
    future: &'a ProgramFuture,
    state: &'a State,
    families: &'a Families,
}

impl Frozen<'_> {
    /// True when some transition asleep in the node can never be woken,
    /// as [`doomed`] decides it, but with each moving goroutine's future
    /// taken while the variables that no moving actor may write keep their
    /// values and the channels that none may close stay open. The argument
    /// is [`doomed`]'s with one more step: until an actor left over moves,
    /// only the movers move, so a variable only the others may write keeps
    /// its value and a channel only they may close stays open, every moving
    /// goroutine runs within its future under those values (the walk
    /// over-approximates it), and none of those futures conflicts with an
    /// operation of an actor left over: by induction on the run, none is
    /// ever woken or enabled. `fut`: the static futures, which bound what a
    /// moving actor may write.
    fn doomed(
        &self,
        actors: &[Actors],
        asleep: &[bool],
        current: &[FamilyModes],
        fut: &[FamilyModes],
        waits: &Waits,
    ) -> bool {
        let n = fut.len();
        let ng = self.state.goroutines.len();
        // Without a goroutine whose walk may decide a branch, every future
        // is the static one, and so is the answer.
        let walks: SmallVec<[bool; 16]> = self
            .state
            .goroutines
            .iter()
            .map(|g| self.future.may_branch_on_loads(g))
            .collect();
        if !walks.contains(&true) {
            return false;
        }
        let (mut moves, sleeps) = first_movers(n, actors, asleep);
        let anything = handles_may_move(self.future, self.state);
        let words = fut.first().map_or(0, |f| f.halves().1.len());
        loop {
            if !sleeper_left(&moves, &sleeps) {
                return false;
            }
            // Families some moving actor may write.
            let mut written: SmallVec<[u64; 4]> = smallvec::smallvec![0; words];
            for (a, f) in fut.iter().enumerate() {
                if moves[a] {
                    for (w, x) in written.iter_mut().zip(f.halves().1) {
                        *w |= x;
                    }
                }
            }
            let fams = self.families;
            let frozen = |r: ObjRef| {
                let f = fams.family(r) as usize;
                written
                    .get(f / 64)
                    .is_some_and(|w| w & (1 << (f % 64)) == 0)
            };
            let open = |r: ObjRef| self.stays_open(r, &moves);
            let futures: SmallVec<[std::borrow::Cow<'_, FamilyModes>; 16]> = (0..n)
                .map(|a| {
                    let walked = (a < ng && moves[a] && walks[a])
                        .then(|| {
                            let g = &self.state.goroutines[a];
                            code_while_frozen(self.prog, self.future, self.state, g, &frozen, &open)
                                .map(|code| {
                                    let mut m =
                                        future_of_code(&code, self.state, fams, g, anything);
                                    m.absorb(&current[a]);
                                    m
                                })
                        })
                        .flatten();
                    match walked {
                        Some(m) => std::borrow::Cow::Owned(m),
                        None => std::borrow::Cow::Borrowed(&fut[a]),
                    }
                })
                .collect();
            // Against this round's movers only: one that starts moving
            // now has its future walked in the next round.
            if !start_moving(&mut moves, &futures, current, waits) {
                return true;
            }
        }
    }

    /// True when channel `r` stays open while only the goroutines `moves`
    /// holds move: it is open, no goroutine among them may close it, and
    /// nothing else may (it is no timer's or context's channel, and no
    /// callback may start a goroutine that would).
    fn stays_open(&self, r: ObjRef, moves: &[bool]) -> bool {
        let state = self.state;
        let Object::Chan(c) = state.object(r) else {
            return false;
        };
        if c.closed || c.timer.is_some() || crate::semantics::waitgroup::callbacks(state) {
            return false;
        }
        let of_context = state
            .objects
            .iter()
            .any(|o| matches!(o, Object::Context(x) if x.done == r));
        let close = Directions::of(ChanOp::Close);
        !of_context
            && !state.goroutines.iter().zip(moves).any(|(g, &m)| {
                m && self
                    .future
                    .of_goroutine(g)
                    .may_do(close, r, &state.globals, true)
            })
    }
}

/// A set of actors (goroutine positions, then the clock) per actor: a
/// square bit matrix, one row of words per actor, in one buffer (inline
/// for up to 64 actors).
#[derive(Clone, Debug)]
struct ActorSets {
    /// Words per row.
    words: usize,
    /// The rows, one after the other.
    bits: SmallVec<[u64; 64]>,
    /// Which rows [`ActorSets::closure`] completed (see there).
    filled: SmallVec<[u64; 1]>,
}

impl ActorSets {
    /// `n` empty sets over `n` actors.
    fn new(n: usize) -> Self {
        let words = n.div_ceil(64);
        // (Up to 64 actors, a word a row: the rows inline, zeroed at
        // once, where `smallvec!` wrote them one by one.)
        let bits = if n * words <= 64 {
            SmallVec::from_buf_and_len([0; 64], n * words)
        } else {
            smallvec::smallvec![0; n * words]
        };
        ActorSets {
            words,
            bits,
            filled: smallvec::smallvec![0; words],
        }
    }

    /// True when the set of actor `a` holds `b`.
    fn contains(&self, a: usize, b: usize) -> bool {
        self.bits[a * self.words + b / 64] & (1 << (b % 64)) != 0
    }

    /// Adds `b` to the set of actor `a`.
    fn insert(&mut self, a: usize, b: usize) {
        self.bits[a * self.words + b / 64] |= 1 << (b % 64);
    }

    /// The set of actor `a`, to add to.
    fn row_mut(&mut self, a: usize) -> &mut [u64] {
        &mut self.bits[a * self.words..(a + 1) * self.words]
    }

    /// Writes into `out` (empty, one row's words) the closed set grown
    /// from `start`: the actors it reaches along the sets, itself included.
    /// `known` gives the closed sets of actors grown before: one reached
    /// is added whole, not walked again (every actor it holds reaches
    /// only actors it holds). A set is completed by `fill` (which adds to
    /// it) the first time a closure reads it.
    fn closure<'a>(
        &mut self,
        start: usize,
        out: &mut [u64],
        known: impl Fn(usize) -> Option<&'a [u64]>,
        mut fill: impl FnMut(usize, &mut [u64]),
    ) {
        let w = self.words;
        if w == 1 {
            // Up to 64 actors (most states): the actors still to walk are
            // a word too, taken lowest first (the set reached is the same
            // in any order).
            let mut reached = out[0] | 1 << start;
            let mut todo = 1u64 << start;
            while todo != 0 {
                let a = todo.trailing_zeros() as usize;
                todo &= todo - 1;
                if let Some(closed) = known(a) {
                    reached |= closed[0];
                    continue;
                }
                if self.filled[0] & 1 << a == 0 {
                    self.filled[0] |= 1 << a;
                    fill(a, self.row_mut(a));
                }
                let new = self.bits[a] & !reached;
                reached |= new;
                todo |= new;
            }
            out[0] = reached;
            return;
        }
        out[start / 64] |= 1 << (start % 64);
        let mut queue: SmallVec<[usize; 32]> = smallvec::smallvec![start];
        while let Some(a) = queue.pop() {
            if let Some(closed) = known(a) {
                for (o, &c) in out.iter_mut().zip(closed) {
                    *o |= c;
                }
                continue;
            }
            let bit = 1u64 << (a % 64);
            if self.filled[a / 64] & bit == 0 {
                self.filled[a / 64] |= bit;
                fill(a, self.row_mut(a));
            }
            let bits = &self.bits[..];
            for (x, (o, &row)) in out.iter_mut().zip(&bits[a * w..(a + 1) * w]).enumerate() {
                let mut new = row & !*o;
                *o |= new;
                while new != 0 {
                    queue.push(x * 64 + new.trailing_zeros() as usize);
                    new &= new - 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ActorSets, ByFamily, FamilyModes};

    /// Workers loop over a store to `y` and a critical section of `mu` on
    /// `x`. In a state where one holds `mu` and stands at its load of `x`
    /// while the others are at their stores, those can reach `x` only
    /// through `Lock("mu")`: with held locks, the load alone is the
    /// persistent set; without, every worker's future writes `x` and all
    /// are taken. A goroutine that unlocks `mu` without taking it (Go
    /// allows it) may free it: it joins the set.
    #[test]
    fn a_held_mutex_keeps_the_waiting_workers_out_of_the_set() {
        use crate::semantics::{enabled, initial_state, step, Transition};
        use crate::state::Object;
        use weft_models::ir::Op;
        let body = r#"Loop([AtomicStore("y", 1), Lock("mu"), Let("v", "x"), Set("x", "(v + 1) % 2"), Unlock("mu")])"#;
        // (Its load of `x` conflicts with the workers' stores: its own
        // set holds them all.)
        let releaser = r#"Loop([Let("w", "x"), Unlock("mu")])"#;
        // (The sets, with held locks and without: with the releaser, its
        // load conflicts only with the loading worker's future.)
        for (third, sets) in [(body, [1, 3]), (releaser, [2, 2])] {
            let prog = crate::testing::program(&format!(
                r#"Scenario(name: "w", globals: [Mutex("mu"), Var("x", 0), Var("y", 0), Var("z", 0)],
                    main: [Go(body: [{body}]), Go(body: [{body}]), {third}])"#
            ));
            let mut future = super::ProgramFuture::new(&prog);
            future.learn_held_locks(&prog);
            // Breadth first, to a state where a goroutine stands at the
            // load and every goroutine has a step.
            let start = initial_state(&prog).expect("a start");
            let mut queue = std::collections::VecDeque::from([start]);
            let mut seen = std::collections::HashSet::new();
            let (state, ts) = loop {
                let s = queue.pop_front().expect("such a state is reachable");
                let ts = enabled(&prog, &s);
                let loading = s.goroutines.iter().any(|g| {
                    let site = g.site();
                    site.func != prog.main
                        && matches!(prog.instr(site.func, site.pc).op, Op::Load { .. })
                }) && matches!(s.objects[0], Object::Mutex(ref m) if m.locked);
                let movers = ts
                    .iter()
                    .filter_map(|t| match t {
                        Transition::Step { g, .. } => Some(*g),
                        _ => None,
                    })
                    .collect::<std::collections::BTreeSet<_>>();
                if loading && movers.len() == 3 && ts.len() == 3 {
                    break (s, ts);
                }
                for t in &ts {
                    let next = step(&prog, &s, t).state;
                    if seen.insert(next.clone()) {
                        queue.push_back(next);
                    }
                }
            };
            let asleep = vec![false; ts.len()];
            for (held, want) in [(true, sets[0]), (false, sets[1])] {
                let mut view = super::StateView::default();
                let no_crash = &mut |_| false;
                super::analyse_into(
                    &prog, &future, &state, &ts, &asleep, held, no_crash, &mut view,
                );
                let chosen = view.persistent.iter().filter(|&&p| p).count();
                assert_eq!(chosen, want, "held locks {held}, third {third}: {ts:?}");
                // The releaser (main) is in the set with held locks, and
                // not without.
                let main_in = ts.iter().zip(&view.persistent).any(|(t, &p)| {
                    p && matches!(t, Transition::Step { g, .. }
                        if state.goroutines[*g as usize].site().func == prog.main)
                });
                if third == releaser {
                    assert_eq!(main_in, held, "held locks {held}: {ts:?}");
                }
            }
        }
    }

    /// The closed set grown from each actor is what a plain walk of the
    /// sets reaches, over one word of actors (the word-wise walk) and
    /// over several (the queue), with rows filled on first reading and
    /// the closed sets of earlier starts reused.
    #[test]
    fn closures_are_the_actors_reached() {
        let mut next = crate::testing::xorshift(0x853c_49e6_748f_ea9b_u64);
        for n in [1usize, 2, 5, 17, 64, 65, 130] {
            for _ in 0..20 {
                let density = 1 + next() % 6;
                let edges: Vec<Vec<usize>> = (0..n)
                    .map(|_| {
                        (0..n)
                            .filter(|_| next() % (2 * n as u64) < density)
                            .collect()
                    })
                    .collect();
                let reached = |start: usize| {
                    let mut seen = vec![false; n];
                    let mut stack = vec![start];
                    seen[start] = true;
                    while let Some(a) = stack.pop() {
                        for &b in &edges[a] {
                            if !seen[b] {
                                seen[b] = true;
                                stack.push(b);
                            }
                        }
                    }
                    seen
                };
                let mut sets = ActorSets::new(n);
                let w = sets.words;
                let mut closed: Vec<Vec<u64>> = Vec::new();
                for start in 0..n {
                    let mut out = vec![0u64; w];
                    let earlier = &closed;
                    sets.closure(
                        start,
                        &mut out,
                        |a| earlier.get(a).map(|c| &c[..]),
                        |a, row| {
                            for &b in &edges[a] {
                                row[b / 64] |= 1 << (b % 64);
                            }
                        },
                    );
                    let want = reached(start);
                    for (b, &r) in want.iter().enumerate() {
                        assert_eq!(out[b / 64] & (1 << (b % 64)) != 0, r, "{n}: {start} -> {b}");
                    }
                    closed.push(out);
                }
            }
        }
    }

    use crate::reduce::touch::Mode;

    /// The futures turned round by family give, for any operation, the
    /// actors a test of each future gives (the analysis uses the first
    /// for an actor's row past `DIRECT_ROWS` rows, the second before).
    #[test]
    fn rows_by_family_are_the_rows_of_each_future() {
        let mut next = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15_u64);
        let mut conflicts_seen = 0;
        for round in 0..200 {
            // Up to 130 families (three words) and 70 actors (two words).
            let families = 1 + (next() % 130) as usize;
            let actors = 1 + (round % 70);
            let modes = |next: &mut dyn FnMut() -> u64| {
                let mut m = FamilyModes::new(families);
                for _ in 0..(next() % 4) {
                    let f = (next() % families as u64) as usize;
                    let mode = if next().is_multiple_of(2) {
                        Mode::Read
                    } else {
                        Mode::Write
                    };
                    m.set(f, mode);
                }
                m
            };
            let fut: Vec<FamilyModes> = (0..actors).map(|_| modes(&mut next)).collect();
            let by = ByFamily::of(&fut, actors);
            for _ in 0..10 {
                let cur = modes(&mut next);
                let words = actors.div_ceil(64);
                let mut turned = vec![0u64; words];
                by.conflicting(&cur, &mut turned);
                let mut direct = vec![0u64; words];
                for (b, f) in fut.iter().enumerate() {
                    if f.conflicts(&cur) {
                        direct[b / 64] |= 1 << (b % 64);
                    }
                }
                assert_eq!(turned, direct, "round {round}");
                conflicts_seen += direct.iter().map(|w| w.count_ones()).sum::<u32>();
            }
        }
        assert!(conflicts_seen > 100, "too few conflicts: {conflicts_seen}");
    }
}
