//! Goroutines blocked forever, decided from one state: the leaks a search
//! cut by a bound can still report.
//!
//! [`super::blocking`] decides leaks on the bottom components of a
//! complete graph. A cut search has no bottom components beyond its
//! frontier, so the search judges each state it expands alone
//! ([`record_in_state`]), and keeps the result only if a bound cuts it: a
//! blocked goroutine is *certainly blocked forever* when nothing that can
//! still run could ever release it. What releases a blocked goroutine is known from its wait
//! ([`semantics::wake::blocked`]): the objects it waits on and the
//! operations that would release it. Who may still do them is known from
//! the future of every other goroutine ([`future::goroutine_future`]: what
//! its code, and the code of the goroutines it will start, may touch,
//! given the objects it can reach now and whether handles can still move
//! between goroutines) and from the clock (timers and deadlines,
//! [`touch::clock_touches`]):
//!
//! - a goroutine that may change (not only read) an object a blocked one
//!   waits on may release it, except that on a channel made by `Chan` (no
//!   timer or context owns it), only the operations that release that
//!   waiter count: a send or close for a receiver, a receive or close for a
//!   sender (so receivers of a global channel nothing sends on are stuck);
//! - goroutines that are themselves certainly blocked forever release
//!   nobody: the set of such goroutines is the largest set in which no
//!   goroutine can be released by one outside the set or by the clock (the
//!   first one released on any continuation would have to be released by
//!   one outside the set, which cannot happen).
//!
//! A goroutine certainly blocked forever never moves again on any
//! continuation. Every run from the state still ends in, or cycles inside,
//! a bottom component where it is blocked, unless the run crashes: so a
//! complete search reports it as a leak exactly when some continuation does
//! not crash. Complete searches keep the bottom components as the only
//! authority (their verdicts never depend on this module); a cut search,
//! which cannot know whether every continuation crashes, reports the
//! goroutine as a leak certain before the search was cut.

use rustc_hash::FxHashSet;
use std::collections::BTreeMap;

use weft_models::ir::Program;
use weft_models::syntax::BugKind;

use super::{record, Bug, BugKey, Finding, Involved};
use crate::reduce::future::{self, Directions, FamilyModes};
use crate::reduce::touch::{self, Families, Mode};
use crate::reduce::ProgramFuture;
use crate::semantics::wake::{self, Release, WaitNote};
use crate::semantics::{self, Transition};
use crate::state::{Object, Site, State};
use crate::value::ObjRef;
use smallvec::SmallVec;
use weft_models::ops::ChanOp;

/// An object a blocked goroutine waits on, and what would release it.
#[derive(Clone, Copy, Debug)]
enum Need {
    /// Any change of the object's family.
    Change(ObjRef),
    /// One of these operations on a channel made by `Chan`.
    Chan(ObjRef, Directions),
}

impl Need {
    fn object(self) -> ObjRef {
        match self {
            Need::Change(o) | Need::Chan(o, _) => o,
        }
    }
}

/// What would release goroutine `g` of `state`, blocked at its pending
/// operation; `None` when its wait is not one the semantics describes.
fn needs(
    prog: &Program,
    state: &State,
    fams: &Families,
    sizes: &[u32],
    g: usize,
) -> Option<Vec<Need>> {
    let b = wake::blocked(prog, state, &state.goroutines[g])?;
    let mut objects: Vec<ObjRef> = b.objects.to_vec();
    objects.extend(b.released_by.iter().map(|&(_, o)| o));
    objects.sort();
    objects.dedup();
    if objects.is_empty() {
        // Nothing could release it only when the wait itself says so.
        return match b.note {
            Some(WaitNote::NilChannel | WaitNote::EmptySelect | WaitNote::AllCasesNil) => {
                Some(Vec::new())
            }
            Some(
                WaitNote::Counter(_)
                | WaitNote::WriterWaiting
                | WaitNote::TimerRunning(_)
                | WaitNote::DeadlinePending,
            )
            | None => None,
        };
    }
    Some(
        objects
            .into_iter()
            .map(|o| {
                let plain_chan = matches!(state.object(o), Object::Chan(c) if c.timer.is_none())
                    && sizes.get(fams.family(o) as usize) == Some(&1);
                if !plain_chan {
                    return Need::Change(o);
                }
                // A close releases every waiter (a sender into a panic).
                let mut ops = Directions::of(ChanOp::Close);
                for &(r, x) in &b.released_by {
                    if x != o {
                        continue;
                    }
                    let op = match r {
                        Release::Send => ChanOp::Send,
                        Release::Receive => ChanOp::Receive,
                        Release::Close => ChanOp::Close,
                        Release::Unlock
                        | Release::ReadUnlock
                        | Release::Done
                        | Release::Signal
                        | Release::Cancel
                        | Release::FinishOnce => return Need::Change(o),
                    };
                    ops = ops.union(Directions::of(op));
                }
                Need::Chan(o, ops)
            })
            .collect(),
    )
}

/// How many objects each family has.
fn family_sizes(fams: &Families) -> Vec<u32> {
    let mut n = vec![0u32; fams.len()];
    for i in 0..fams.len() {
        let f = fams.family(ObjRef(i as u32)) as usize;
        if let Some(c) = n.get_mut(f) {
            *c += 1;
        }
    }
    n
}

/// The positions, among `state`'s goroutines, of those certainly blocked
/// forever (see the module doc), given the positions of its `blocked`
/// goroutines (no enabled transition, not spinning).
pub(crate) fn blocked_forever(
    prog: &Program,
    future: &ProgramFuture,
    state: &State,
    blocked: &[usize],
) -> Vec<usize> {
    if blocked.is_empty() {
        return Vec::new();
    }
    let fams = Families::of(state);
    let clock = touch::clock_touches(state, &fams);
    let sizes = family_sizes(&fams);
    // Candidates: blocked goroutines whose wait is known and not the
    // clock's to end.
    let mut stuck: BTreeMap<usize, Vec<Need>> = blocked
        .iter()
        .filter_map(|&g| {
            let n = needs(prog, state, &fams, &sizes, g)?;
            let timed = n.iter().any(|x| {
                let f = fams.family(x.object());
                clock.iter().any(|&(c, _)| c == f)
            });
            (!timed).then_some((g, n))
        })
        .collect();
    if stuck.is_empty() {
        return Vec::new();
    }
    let anything = future::handles_may_move(future, state);
    let mut futures: Vec<Option<FamilyModes>> = vec![None; state.goroutines.len()];
    loop {
        let mut released: Vec<usize> = Vec::new();
        for (&g, needs) in &stuck {
            let mut by_other = (0..state.goroutines.len()).filter(|h| !stuck.contains_key(h));
            let free = by_other.any(|h| {
                let other = &state.goroutines[h];
                if other.spinning {
                    return false;
                }
                let modes = futures[h].get_or_insert_with(|| {
                    future::goroutine_future(future, state, &fams, other, anything)
                });
                needs.iter().any(|&n| {
                    let o = n.object();
                    let m = modes.get(fams.family(o) as usize);
                    match n {
                        Need::Change(_) => m == Some(Mode::Write),
                        Need::Chan(ch, ops) => {
                            m.is_some()
                                && future
                                    .of_goroutine(other)
                                    .may_do(ops, ch, &state.globals, true)
                        }
                    }
                })
            });
            if free {
                released.push(g);
            }
        }
        if released.is_empty() {
            break;
        }
        for g in released {
            stuck.remove(&g);
        }
        if stuck.is_empty() {
            break;
        }
    }
    stuck.into_keys().collect()
}

/// The positions of the goroutines of `state` with no enabled transition
/// and not spinning.
pub(crate) fn blocked_positions(prog: &Program, state: &State) -> Vec<usize> {
    blocked_among(prog, state, &semantics::enabled(prog, state))
}

/// The positions of the goroutines of `state` that move in none of its
/// enabled `transitions` and are not spinning (nor callback runners still
/// waiting for their trigger: see [`super::blocking::blocked_goroutines`]).
pub(crate) fn blocked_among(
    prog: &Program,
    state: &State,
    transitions: &[Transition],
) -> Vec<usize> {
    let moves = moving(state, transitions);
    (0..state.goroutines.len())
        .filter(|&g| {
            let gr = &state.goroutines[g];
            !moves[g] && !gr.spinning && !semantics::callback::waiting_runner(prog, gr)
        })
        .collect()
}

/// Per goroutine of `state`, whether it moves in one of `transitions`.
pub(crate) fn moving(state: &State, transitions: &[Transition]) -> SmallVec<[bool; 16]> {
    let mut moves: SmallVec<[bool; 16]> = smallvec::smallvec![false; state.goroutines.len()];
    for t in transitions {
        for a in t.actors() {
            if let Some(m) = moves.get_mut(a as usize) {
                *m = true;
            }
        }
    }
    moves
}

/// The leak of the goroutine at position `g` of `state`, certainly blocked
/// forever with the goroutines at `with`. `cut`: found by a search a bound
/// cut, and the message says so; otherwise the message is the one of
/// [`super::blocking`] (a replayed run whose end shows the leak reports it
/// as the complete search does).
pub(crate) fn leak(state: &State, g: usize, with: &[usize], cut: bool) -> Finding {
    let site = state.goroutines[g].site();
    let involved = |p: usize| Involved {
        goroutine: state.goroutines[p].id.clone(),
        site: state.goroutines[p].site(),
    };
    let main = state.goroutines[g].id.is_main();
    let message = match (main, cut) {
        (true, true) => "main is blocked forever: nothing that can still run can unblock it \
                         (partial deadlock, certain before the search was cut)"
            .to_string(),
        (false, true) => "goroutine blocked forever: nothing that can still run can unblock it \
                          (goroutine leak, certain before the search was cut)"
            .to_string(),
        (true, false) => super::blocking::MAIN_LEAK.to_string(),
        (false, false) => super::blocking::LEAK.to_string(),
    };
    Finding {
        key: BugKey {
            kind: BugKind::Leak,
            sites: vec![site],
        },
        message,
        site,
        involved: std::iter::once(involved(g))
            .chain(with.iter().filter(|&&p| p != g).map(|&p| involved(p)))
            .collect(),
    }
}

/// Words a leak certain in one state for a bit-state search, which no
/// bound cut but which decided no bottom component of more than one state
/// (checker/README.md, "The bit-state store").
pub(crate) fn reword_for_bitstate(bug: &mut Bug) {
    bug.message = if bug.involved.first().is_some_and(|i| i.goroutine.is_main()) {
        "main is blocked forever: nothing that can still run can unblock it \
         (partial deadlock, certain in the state shown; the bit-state search decided no cycle)"
    } else {
        "goroutine blocked forever: nothing that can still run can unblock it \
         (goroutine leak, certain in the state shown; the bit-state search decided no cycle)"
    }
    .to_string();
}

/// Records in `found` the leaks certain in `state`, an expanded state of
/// the search whose enabled transitions are `transitions` and whose path
/// `path` gives: one per site not yet in `known` (the leaks found by
/// earlier states) nor in `found`, flagged [`Bug::certain_before_cut`]. The search keeps them only if a bound cuts
/// it. Cheap when nothing is certain: a blocked goroutine that a goroutine
/// able to move now may release (through a global its code uses, or a
/// handle its frames hold), or one such a goroutine releases, and so on, is
/// ruled out before the whole analysis.
pub(crate) fn record_in_state(
    prog: &Program,
    future: &ProgramFuture,
    state: &State,
    transitions: &[Transition],
    known: &BTreeMap<BugKey, Bug>,
    found: &mut BTreeMap<BugKey, Bug>,
    path: impl FnOnce() -> Vec<Transition>,
) {
    // The sites of the leaks found so far (a goroutine blocked at one is
    // not looked at again).
    let known_sites = || -> FxHashSet<Site> {
        known
            .keys()
            .chain(found.keys())
            .filter(|k| k.kind == BugKind::Leak)
            .filter_map(|k| match k.sites.as_slice() {
                [site] => Some(*site),
                _ => None,
            })
            .collect()
    };
    let Some((new, sure)) = certain_in_state(prog, future, state, transitions, known_sites, true)
    else {
        return;
    };
    let path = path();
    for g in new {
        let finding = leak(state, g, &sure, true);
        let k = finding.key.clone();
        record(found, finding, || path.clone());
        if let Some(bug) = found.get_mut(&k) {
            bug.certain_before_cut = true;
        }
    }
}

/// The goroutines of `state` certainly blocked forever and not at one of
/// the `known` sites (asked only when some goroutine is blocked), with all
/// those certainly blocked forever, as positions; `None` when there are
/// none that are not known. `screen`: rule out first, cheaply, the blocked
/// goroutines that one able to move may release, directly or along a
/// chain of waits ([`screened_out`], the search's way); without it the
/// whole analysis decides alone, as the referee does.
pub(crate) fn certain_in_state(
    prog: &Program,
    future: &ProgramFuture,
    state: &State,
    transitions: &[Transition],
    known: impl FnOnce() -> FxHashSet<Site>,
    screen: bool,
) -> Option<(Vec<usize>, Vec<usize>)> {
    let moves = moving(state, transitions);
    // (Pushed one by one: collecting a filter into a `SmallVec` took 2.5
    // times the instructions, at every state.)
    let mut blocked: SmallVec<[usize; 16]> = SmallVec::new();
    for (g, goroutine) in state.goroutines.iter().enumerate() {
        if !moves[g] && !goroutine.spinning {
            blocked.push(g);
        }
    }
    // (Most states: every goroutine can move.)
    if blocked.is_empty() {
        return None;
    }
    let known_sites = known();
    let known = |g: usize| known_sites.contains(&state.goroutines[g].site());
    if screen && screened_out(prog, future, state, &blocked, moves, &known).is_some() {
        return None;
    }
    let sure = blocked_forever(prog, future, state, &blocked);
    let new: Vec<usize> = sure.iter().copied().filter(|&g| !known(g)).collect();
    (!new.is_empty()).then_some((new, sure))
}

/// Whether every one of the `blocked` goroutines that is not `known` may
/// be released: by a goroutine that moves now (`moves`), or by a blocked
/// one shown releasable so, and so on (a chain of waits, as philosophers
/// waiting on each other's forks make, is undone link by link). A blocked
/// goroutine whose wait the semantics does not describe is never certain,
/// so it releases as a moving one does; one that is `known` is left out
/// (it could only release more). Each release found implies that
/// [`blocked_forever`] finds the goroutine releasable, so `Some` means it
/// finds none that is not known: `Some` with how many links of chains
/// were undone past the first round.
pub(crate) fn screened_out(
    prog: &Program,
    future: &ProgramFuture,
    state: &State,
    blocked: &[usize],
    moves: SmallVec<[bool; 16]>,
    known: &impl Fn(usize) -> bool,
) -> Option<usize> {
    let mut free = moves;
    // The goroutines freed after the start, in order: a wait tested
    // against those before `tested` is tested again against the rest only
    // (whether one goroutine may release another does not change).
    let mut freed: SmallVec<[usize; 16]> = SmallVec::new();
    let mut waits: SmallVec<[Wait; 4]> = SmallVec::new();
    for &g in blocked.iter().filter(|&&g| !known(g)) {
        let all = (0..free.len()).filter(|&h| free[h]);
        match wake::blocked(prog, state, &state.goroutines[g]) {
            Some(b) if !released_by_any(future, state, g, &b, all) => waits.push(Wait {
                g,
                blocked: b,
                tested: freed.len(),
            }),
            Some(_) | None => {
                free[g] = true;
                freed.push(g);
            }
        }
    }
    // (Most states: none left.)
    let mut chained = 0;
    while !waits.is_empty() {
        let before = waits.len();
        waits.retain(|w| {
            let since = freed[w.tested..].iter().copied();
            if released_by_any(future, state, w.g, &w.blocked, since) {
                freed.push(w.g);
                return false;
            }
            w.tested = freed.len();
            true
        });
        if waits.len() == before {
            return None;
        }
        chained += before - waits.len();
    }
    Some(chained)
}

/// A blocked goroutine not yet shown releasable ([`screened_out`]).
struct Wait {
    g: usize,
    blocked: wake::Blocked,
    /// How many of the goroutines freed after the start it was tested
    /// against.
    tested: usize,
}

/// Whether one of the goroutines `candidates` (able to move now, or shown
/// releasable in turn) may release goroutine `g`, blocked with `b`:
/// one whose code changes an object `g` waits on through a global, or
/// holds a handle to it in a frame and changes objects held in locals (for
/// a channel: does what would release `g`). Each case implies that
/// [`blocked_forever`] finds `g` releasable, given that it finds each
/// candidate able to move or releasable.
fn released_by_any(
    future: &ProgramFuture,
    state: &State,
    g: usize,
    b: &wake::Blocked,
    candidates: impl Iterator<Item = usize> + Clone,
) -> bool {
    let holds = |h: usize, o: ObjRef| {
        state.goroutines[h].frames.iter().any(|f| {
            f.locals
                .iter()
                .chain(std::iter::once(&f.ret))
                .any(|v| v.object() == Some(o))
        })
    };
    let objects = b.objects.iter().chain(b.released_by.iter().map(|(_, o)| o));
    for &o in objects {
        let chan_ops = matches!(state.object(o), Object::Chan(_)).then(|| {
            b.released_by.iter().filter(|&&(_, x)| x == o).fold(
                Directions::of(ChanOp::Close),
                |d, &(r, _)| match r {
                    Release::Send => d.union(Directions::of(ChanOp::Send)),
                    Release::Receive => d.union(Directions::of(ChanOp::Receive)),
                    Release::Close
                    | Release::Unlock
                    | Release::ReadUnlock
                    | Release::Done
                    | Release::Signal
                    | Release::Cancel
                    | Release::FinishOnce => d,
                },
            )
        });
        for h in candidates.clone().filter(|&h| h != g) {
            let code = future.of_goroutine(&state.goroutines[h]);
            let may = match chan_ops {
                Some(ops) => code.may_do(ops, o, &state.globals, holds(h, o)),
                None => {
                    code.globals.iter().any(|&(gl, m)| {
                        m == Mode::Write
                            && state.globals.get(gl as usize).and_then(|v| v.object()) == Some(o)
                    }) || (code.wildcard == Some(Mode::Write) && holds(h, o))
                }
            };
            if may {
                return true;
            }
        }
    }
    false
}
