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

use weft_models::ir::Program;

use super::future::{goroutine_future, handles_may_move, FamilyModes, ProgramFuture};
use super::touch::{clock_touches, goroutine_touches, transition_touches, Families, Touches};
use crate::semantics::Transition;
use crate::state::State;

/// The reduction's view of one state.
pub(crate) struct StateView {
    /// What each enabled transition touches, in `enabled` order.
    pub touches: Vec<Touches>,
    /// The actors of each enabled transition (goroutine positions; the
    /// clock is `goroutines.len()`).
    pub actors: Vec<smallvec::SmallVec<[usize; 2]>>,
    /// Which enabled transitions are in the chosen persistent set.
    pub persistent: Vec<bool>,
}

fn modes_of(t: &Touches, n: usize) -> FamilyModes {
    let mut m = vec![0u8; n];
    for &(f, mode) in t {
        let f = f as usize;
        if f < n {
            m[f] = m[f].max(mode as u8);
        }
    }
    m
}

fn conflicts(a: &FamilyModes, b: &FamilyModes) -> bool {
    a.iter()
        .zip(b)
        .any(|(&x, &y)| x > 0 && y > 0 && (x == 2 || y == 2))
}

/// Analyses `state` and chooses a persistent subset of `enabled`.
pub(crate) fn analyse(
    prog: &Program,
    future: &ProgramFuture,
    state: &State,
    enabled: &[Transition],
    crashing: &mut dyn FnMut(usize) -> bool,
) -> StateView {
    let families = Families::of(state);
    let nf = families.len();
    let ng = state.goroutines.len();
    let clock = ng;
    let touches: Vec<Touches> = enabled
        .iter()
        .map(|t| transition_touches(prog, state, &families, t))
        .collect();
    let actors: Vec<smallvec::SmallVec<[usize; 2]>> = enabled
        .iter()
        .map(|t| match t {
            Transition::Fire { .. } => smallvec::smallvec![clock],
            Transition::Step { .. } | Transition::Rendezvous { .. } => {
                t.actors().iter().map(|&a| a as usize).collect()
            }
        })
        .collect();
    let mut persistent = vec![true; enabled.len()];
    if enabled.len() <= 1 {
        return StateView {
            touches,
            actors,
            persistent,
        };
    }
    // Current operations of every actor.
    let mut current: Vec<FamilyModes> = state
        .goroutines
        .iter()
        .map(|g| modes_of(&goroutine_touches(prog, state, &families, g), nf))
        .collect();
    current.push(modes_of(&clock_touches(state, &families), nf));
    // A goroutine whose next step touches nothing shared (`go`, a choice,
    // `Sleep`, `panic`) conflicts with no one: its steps alone are a
    // persistent set, unless one crashes. No futures needed.
    for (a, cur) in current.iter().enumerate().take(ng) {
        if cur.iter().any(|&m| m > 0) {
            continue;
        }
        let set: Vec<bool> = actors.iter().map(|xs| xs.as_slice() == [a]).collect();
        let mine: Vec<usize> = (0..enabled.len()).filter(|&i| set[i]).collect();
        if mine.is_empty() || actors.iter().any(|xs| xs.len() > 1 && xs.contains(&a)) {
            continue;
        }
        if mine.iter().all(|&i| !crashing(i)) {
            return StateView {
                touches,
                actors,
                persistent: set,
            };
        }
    }
    // Futures of every actor.
    let anything = handles_may_move(future, state);
    let mut fut: Vec<FamilyModes> = state
        .goroutines
        .iter()
        .map(|g| goroutine_future(future, state, &families, g, anything))
        .collect();
    fut.push(current[clock].clone());
    for (f, c) in fut.iter_mut().zip(&current) {
        for (x, &y) in f.iter_mut().zip(c) {
            *x = (*x).max(y);
        }
    }
    let has_move: Vec<bool> = (0..=ng)
        .map(|a| actors.iter().any(|xs| xs.contains(&a)))
        .collect();
    // The candidate sets, smallest first (ties in actor order). The first
    // without a crash is chosen: a crash ends every run through it, so a
    // set holding one must hold everything (the other goroutines could
    // have moved first). Whether a step crashes is learnt by running it,
    // so only the sets that may be chosen are asked, in the order they
    // would be: the chosen set's steps run anyway, and no step runs only
    // to be dropped for a smaller set found later.
    let mut candidates: Vec<(usize, Vec<bool>)> = Vec::new();
    for start in (0..=ng).filter(|&a| has_move[a]) {
        let members = closure(start, &current, &fut, &actors);
        let set: Vec<bool> = actors
            .iter()
            .map(|xs| xs.iter().any(|&a| members[a]))
            .collect();
        let len = set.iter().filter(|&&b| b).count();
        if len == 1 && !(0..set.len()).any(|i| set[i] && crashing(i)) {
            // No set is smaller: the first crash-free one of one step.
            return StateView {
                touches,
                actors,
                persistent: set,
            };
        }
        candidates.push((len, set));
    }
    candidates.sort_by_key(|(len, _)| *len);
    if let Some((_, set)) = candidates
        .into_iter()
        .find(|(_, set)| !(0..set.len()).any(|i| set[i] && crashing(i)))
    {
        persistent = set;
    }
    StateView {
        touches,
        actors,
        persistent,
    }
}

/// The closed actor set grown from `start`.
fn closure(
    start: usize,
    current: &[FamilyModes],
    fut: &[FamilyModes],
    actors: &[smallvec::SmallVec<[usize; 2]>],
) -> Vec<bool> {
    let n = current.len();
    let nf = current.first().map_or(0, Vec::len);
    let mut member = vec![false; n];
    let mut touched = vec![0u8; nf];
    let mut queue = vec![start];
    member[start] = true;
    loop {
        while let Some(a) = queue.pop() {
            for (x, &y) in touched.iter_mut().zip(&current[a]) {
                *x = (*x).max(y);
            }
            for xs in actors.iter().filter(|xs| xs.contains(&a)) {
                for &b in xs {
                    if !member[b] {
                        member[b] = true;
                        queue.push(b);
                    }
                }
            }
        }
        for b in 0..n {
            if !member[b] && conflicts(&fut[b], &touched) {
                member[b] = true;
                queue.push(b);
            }
        }
        if queue.is_empty() {
            return member;
        }
    }
}
