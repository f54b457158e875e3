//! Sleep sets (Godefroid 1996): a transition explored from a state need not
//! be explored again after an independent one, since both orders reach the
//! same state. Each node of the reduced search is a state with the sleep
//! set it was reached with; a transition stays asleep in a successor while
//! it is independent of the step taken. With persistent sets, every
//! Mazurkiewicz trace of an acyclic state space is explored exactly once as
//! a complete run; runs that end with only sleeping transitions left are
//! prefixes of runs explored elsewhere and count for nothing.
//!
//! Sleeping transitions are named by the positions of their goroutines in
//! the node's own state (goroutines are kept sorted by their spawn-tree
//! ids, [`crate::state::canonical::canonical_goroutines`], so a position
//! is as canonical as the state): a successor's set follows each sleeping
//! goroutine to where it stands after the step (one ended or started
//! before it shifts it). Timer fires never sleep: a smaller sleep set only
//! costs work, never a bug.

use smallvec::SmallVec;

use super::StateView;
use crate::semantics::Transition;
use crate::state::canonical::GoroutineRenaming;
use crate::state::State;

/// A transition asleep in a node, its goroutines named by their positions
/// in the node's state. (Named by spawn-tree ids before, every test of a
/// transition against a set compared ids, and every set built, stored and
/// read copied them: positions took 4 % off the instructions of
/// readers(14), where sleep sets were 8 % of them.)
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub(crate) enum StepKey {
    /// A goroutine's step with its alternative.
    Step(u32, u32),
    /// A rendezvous: sender and its arm, receiver and its arm.
    Rendezvous(u32, u32, u32, u32),
}

/// The transitions asleep in a node, sorted.
pub(crate) type SleepSet = SmallVec<[StepKey; 4]>;

/// The key of transition `t`, if it may sleep, its goroutines' positions
/// mapped by `at`.
fn key_by(t: &Transition, mut at: impl FnMut(u32) -> Option<u32>) -> Option<StepKey> {
    match *t {
        Transition::Step { g, alt } => Some(StepKey::Step(at(g)?, alt)),
        Transition::Rendezvous {
            sender,
            send_arm,
            receiver,
            recv_arm,
        } => Some(StepKey::Rendezvous(
            at(sender)?,
            send_arm,
            at(receiver)?,
            recv_arm,
        )),
        Transition::Fire { .. } => None,
    }
}

/// The key of transition `t` of a node, if it may sleep.
pub(crate) fn key(t: &Transition) -> Option<StepKey> {
    key_by(t, Some)
}

/// True when transition `t` of a node is in the node's sleep set `sleep`.
pub(crate) fn asleep(sleep: &SleepSet, t: &Transition) -> bool {
    key(t).is_some_and(|k| sleep.contains(&k))
}

/// True when enabled transitions `i` and `j` of a state are independent.
pub(crate) fn independent(view: &StateView, i: usize, j: usize) -> bool {
    !view.actors[i].meet(view.actors[j]) && !view.touches(i).conflicts(view.touches(j))
}

/// Where the goroutine at position `p` of `state` stands in `next`, the
/// state a step from `state` reached, whose canonical ids renamed the
/// goroutines as `renaming` says; `None` when it is gone (it ended).
pub(crate) fn position_after(
    state: &State,
    next: &State,
    renaming: &GoroutineRenaming,
    p: u32,
) -> Option<u32> {
    let id = &state.goroutines[p as usize].id;
    let renamed = if renaming.is_empty() {
        None
    } else {
        renaming.get(id)
    };
    let id = renamed.as_ref().unwrap_or(id);
    // (Most steps neither start nor end a goroutine before it: it keeps
    // its position.)
    if next.goroutines.get(p as usize).is_some_and(|g| g.id == *id) {
        return Some(p);
    }
    let q = next.goroutines.binary_search_by(|g| g.id.cmp(id)).ok()?;
    u32::try_from(q).ok()
}

/// The sleep set of the successor `next` by enabled transition `taken`,
/// given the node's sleep set (as indices into the enabled transitions)
/// and the transitions explored before it from the same node; the step
/// renamed goroutines as `renaming` says.
#[inline]
#[allow(clippy::too_many_arguments)]
pub(crate) fn successor_sleep(
    state: &State,
    next: &State,
    enabled: &[Transition],
    view: &StateView,
    asleep: &[usize],
    earlier: &[usize],
    taken: usize,
    renaming: &GoroutineRenaming,
) -> SleepSet {
    let mut out = SleepSet::new();
    for &z in asleep.iter().chain(earlier) {
        if !independent(view, z, taken) {
            continue;
        }
        // A transition independent of the step moves no goroutine the
        // step moved, so its goroutines are still there. (Were one gone,
        // leaving the key out would only cost work.)
        let key = key_by(&enabled[z], |p| position_after(state, next, renaming, p));
        debug_assert!(key.is_some() || matches!(enabled[z], Transition::Fire { .. }));
        if let Some(key) = key {
            out.push(key);
        }
    }
    // No two keys are equal: the sleeping transitions and those explored
    // are distinct enabled transitions, and a state's transitions have
    // distinct keys. So sorting is all the set needs.
    out.sort_unstable();
    debug_assert!(out.windows(2).all(|w| w[0] < w[1]));
    out
}

#[cfg(test)]
mod tests {

    use super::{asleep, key, position_after, SleepSet, StepKey};
    use crate::explore::stepped;
    use crate::semantics::{enabled, initial_state, Transition};
    use crate::stop::Interrupt;

    /// A goroutine's position after a step is where the goroutine with its
    /// (renamed) id stands, found by a plain walk; one that ended is gone.
    /// Over the corpus's states, both where goroutines keep their
    /// positions and where a goroutine started or ended before them.
    #[test]
    fn positions_follow_goroutines_through_steps() {
        let (mut kept, mut moved, mut gone) = (0, 0, 0);
        for prog in &crate::testing::corpus() {
            let Ok(init) = initial_state(prog) else {
                continue;
            };
            let mut queue = vec![init];
            let mut seen = 0;
            while let Some(state) = queue.pop() {
                seen += 1;
                if seen > 60 {
                    break;
                }
                for t in enabled(prog, &state) {
                    let (out, renaming) = stepped(prog, &state, &t, &Interrupt::default());
                    if out.failure.is_some() {
                        continue;
                    }
                    let next = &out.state;
                    for (p, g) in state.goroutines.iter().enumerate() {
                        let id = renaming.apply(&g.id);
                        let want = next.goroutines.iter().position(|h| h.id == id);
                        let got = position_after(&state, next, &renaming, p as u32);
                        assert_eq!(got.map(|q| q as usize), want, "{t:?} from {state:?}");
                        match got {
                            Some(q) if q as usize == p => kept += 1,
                            Some(_) => moved += 1,
                            None => gone += 1,
                        }
                    }
                    queue.push(out.state);
                }
            }
        }
        assert!(
            kept > 1000 && moved > 20 && gone > 20,
            "{kept} {moved} {gone}"
        );
    }

    /// A transition is asleep exactly when its key is in the set; timer
    /// fires have none and never sleep.
    #[test]
    fn asleep_is_membership_of_the_key() {
        let sleep: SleepSet = [StepKey::Step(1, 0), StepKey::Rendezvous(0, 1, 2, 0)]
            .into_iter()
            .collect();
        let step = |g, alt| Transition::Step { g, alt };
        assert!(asleep(&sleep, &step(1, 0)));
        assert!(!asleep(&sleep, &step(1, 1)));
        assert!(!asleep(&sleep, &step(0, 0)));
        let rendezvous = |sender, send_arm, receiver, recv_arm| Transition::Rendezvous {
            sender,
            send_arm,
            receiver,
            recv_arm,
        };
        assert!(asleep(&sleep, &rendezvous(0, 1, 2, 0)));
        assert!(!asleep(&sleep, &rendezvous(2, 0, 0, 1)));
        assert_eq!(key(&step(3, 2)), Some(StepKey::Step(3, 2)));
    }
}
