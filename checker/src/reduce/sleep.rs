//! Sleep sets (Godefroid 1996): a transition explored from a state need not
//! be explored again after an independent one, since both orders reach the
//! same state. Each node of the reduced search is a state with the sleep
//! set it was reached with; a transition stays asleep in a successor while
//! it is independent of the step taken. With persistent sets, every
//! Mazurkiewicz trace of an acyclic state space is explored exactly once as
//! a complete run; runs that end with only sleeping transitions left are
//! prefixes of runs explored elsewhere and count for nothing.
//!
//! Sleeping transitions are named by the goroutines' spawn-tree ids (their
//! positions shift when goroutines start or end), renamed with the state
//! when a goroutine ends ([`crate::state::canonical::canonical_goroutines`]). Timer fires never sleep:
//! a smaller sleep set only costs work, never a bug.

use smallvec::SmallVec;

use super::StateView;
use crate::semantics::Transition;
use crate::state::canonical::GoroutineRenaming;
use crate::state::{GoroutineId, State};

/// A transition named independently of goroutine positions.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub(crate) enum StepKey {
    /// A goroutine's step with its alternative.
    Step(GoroutineId, u32),
    /// A rendezvous: sender and its arm, receiver and its arm.
    Rendezvous(GoroutineId, u32, GoroutineId, u32),
}

/// The transitions asleep in a node, sorted.
pub(crate) type SleepSet = SmallVec<[StepKey; 2]>;

/// The key of a transition, if it may sleep.
#[cfg(test)]
pub(crate) fn key(state: &State, t: &Transition) -> Option<StepKey> {
    key_by(t, |g| state.goroutines[g as usize].id.clone())
}

/// The key of transition `t`, its goroutines named by `id`.
fn key_by(t: &Transition, id: impl Fn(u32) -> GoroutineId) -> Option<StepKey> {
    match *t {
        Transition::Step { g, alt } => Some(StepKey::Step(id(g), alt)),
        Transition::Rendezvous {
            sender,
            send_arm,
            receiver,
            recv_arm,
        } => Some(StepKey::Rendezvous(
            id(sender),
            send_arm,
            id(receiver),
            recv_arm,
        )),
        Transition::Fire { .. } => None,
    }
}

/// True when transition `t` of `state` is in `sleep`: [`key`]'s test,
/// without building the key (no id is copied).
pub(crate) fn asleep(sleep: &SleepSet, state: &State, t: &Transition) -> bool {
    let id = |g: u32| &state.goroutines[g as usize].id;
    match *t {
        Transition::Step { g, alt } => sleep
            .iter()
            .any(|k| matches!(k, StepKey::Step(x, a) if *a == alt && x == id(g))),
        Transition::Rendezvous {
            sender,
            send_arm,
            receiver,
            recv_arm,
        } => sleep.iter().any(|k| {
            matches!(k, StepKey::Rendezvous(s, sa, r, ra)
                if *sa == send_arm && *ra == recv_arm && s == id(sender) && r == id(receiver))
        }),
        Transition::Fire { .. } => false,
    }
}

/// True when enabled transitions `i` and `j` of a state are independent.
pub(crate) fn independent(view: &StateView, i: usize, j: usize) -> bool {
    !view.actors[i].meet(view.actors[j]) && !view.touches(i).conflicts(view.touches(j))
}

/// The sleep set of the successor by enabled transition `taken`, given the
/// node's sleep set (as indices into the enabled transitions) and the
/// transitions explored before it from the same node.
#[inline]
pub(crate) fn successor_sleep(
    state: &State,
    enabled: &[Transition],
    view: &StateView,
    asleep: &[usize],
    earlier: &[usize],
    taken: usize,
    renaming: &GoroutineRenaming,
) -> SleepSet {
    // (Sized once, and each id copied once, already renamed: this runs
    // for every successor.)
    let mut out = SleepSet::with_capacity(asleep.len() + earlier.len());
    let id = |g: u32| {
        let id = &state.goroutines[g as usize].id;
        if renaming.is_empty() {
            return id.clone();
        }
        renaming.get(id).unwrap_or(id).clone()
    };
    for &z in asleep.iter().chain(earlier) {
        if !independent(view, z, taken) {
            continue;
        }
        out.extend(key_by(&enabled[z], id));
    }
    // No two keys are equal: the sleeping transitions and those explored
    // are distinct enabled transitions, and a state's transitions have
    // distinct keys. So sorting is all the set needs.
    out.sort();
    debug_assert!(out.windows(2).all(|w| w[0] < w[1]));
    out
}

#[cfg(test)]
mod tests {

    use super::{asleep, key, SleepSet};
    use crate::semantics::{enabled, initial_state, step, Transition};

    /// Every state of a short run of a program with steps and rendezvous,
    /// its enabled transitions, and their keys.
    #[test]
    fn asleep_agrees_with_the_keys() {
        let ron = r#"Scenario(name: "s", globals: [Chan("c", 0), Var("x", 0)],
            main: [
                Go(body: [Send("c", "1"), Set("x", 1)]),
                Go(body: [Recv("c", "v"), Send("c", "2")]),
                Go(body: [Recv("c", "w")]),
                Go(body: [AtomicLoad("x", "y")]),
            ])"#;
        let prog = crate::testing::program(ron);
        let mut state = initial_state(&prog).expect("the scenario starts");
        let (mut rendezvous, mut checked) = (0, 0);
        for _ in 0..12 {
            let ts = enabled(&prog, &state);
            let Some(last) = ts.last().cloned() else {
                break;
            };
            let keys: Vec<_> = ts.iter().filter_map(|t| key(&state, t)).collect();
            // Each sleep set of one key, of every other key, and none.
            let mut sets: Vec<SleepSet> = keys
                .iter()
                .map(|k| std::iter::once(k.clone()).collect())
                .collect();
            sets.push(keys.iter().skip(1).step_by(2).cloned().collect());
            sets.push(SleepSet::new());
            for sleep in &sets {
                for t in &ts {
                    let by_key = key(&state, t).is_some_and(|k| sleep.contains(&k));
                    assert_eq!(asleep(sleep, &state, t), by_key, "{t:?} in {sleep:?}");
                    checked += 1;
                }
            }
            rendezvous += ts
                .iter()
                .filter(|t| matches!(t, Transition::Rendezvous { .. }))
                .count();
            state = step(&prog, &state, &last).state;
        }
        assert!(rendezvous > 0 && checked > 20, "{rendezvous} {checked}");
    }
}
