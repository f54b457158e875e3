//! sync.WaitGroup: a counter and its registered waiters. Below zero
//! panics.
//!
//! `Wait` is Go's: at zero it returns; otherwise it registers as a waiter
//! (step 1, Go's compare-and-swap of the waiter count) and blocks until
//! the `Add` that brings the counter to zero releases every registered
//! waiter; woken (step 2), it panics if the counter is no longer zero
//! (an `Add` from zero came first: "reused before previous Wait has
//! returned"). An `Add` is one atomic step here, so Go's narrower misuse
//! panic (an `Add` between another `Add`'s zero and its release of the
//! waiters) shows as this one, in a run Go can take too.
//!
//! Registering matters only if the counter may rise again or fall below
//! zero: once no goroutine can add again ([`weft_models::adds`]) and the
//! goroutines can take no more `Done`s than the counter holds
//! ([`weft_models::dones`]), a blocked `Wait` that registered and one that
//! did not are released by the same `Done` and both return, so a `Wait`
//! then blocks at zero in one step, as it always did, and the registration
//! step (with the states it doubles) is left out. The
//! referee registers every blocking `Wait`
//! (`Program::registering_every_wait`).

use weft_models::ir::DonesAhead;
use weft_models::ir::{Const, Expr, ObjectKind, Op, Pc, Program};

use super::eval::{eval, int};
use super::waits::{Blocked, Release, WaitNote, Waiting};
use super::{Exec, Fault, StepResult};
use crate::state::{Frame, Goroutine, GoroutineId, Object, State};
use crate::value::{ObjRef, Value};

/// Go's message when a woken `Wait` finds the counter above zero.
pub(crate) const REUSED: &str = "sync: WaitGroup is reused before previous Wait has returned";

/// The state of a WaitGroup.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct WaitGroupState {
    /// The counter.
    pub counter: i64,
    /// The goroutines blocked in `Wait` that registered and are not yet
    /// released, sorted (one release frees them all: the order they
    /// registered in tells no states apart).
    pub waiters: Vec<GoroutineId>,
}

/// `wg.Add(delta)` (`Done` is `Add(-1)`): the `Add` that brings the
/// counter to zero releases the registered waiters.
pub(crate) fn add(ex: &mut Exec, wg: ObjRef, delta: i64) -> StepResult {
    if let Object::WaitGroup(st) = ex.state.object_mut(wg) {
        st.counter = st.counter.wrapping_add(delta);
        if st.counter < 0 {
            return Err(Fault::Panic("sync: negative WaitGroup counter".into()));
        }
        if st.counter == 0 {
            st.waiters.clear();
        }
    }
    Ok(())
}

/// Whether goroutine `g`'s `Wait` can take its step `phase`: step 1
/// returns at zero and otherwise registers, when its registration may
/// matter ([`registers`]); step 2 once released.
pub(crate) fn can_wait(prog: &Program, state: &State, st: &WaitGroupState, g: &Goroutine) -> bool {
    if g.phase > 0 {
        !st.waiters.contains(&g.id)
    } else {
        st.counter == 0 || registers(prog, state, st.counter)
    }
}

/// True when a `Wait` that blocks on a counter at `counter` registers as a
/// waiter: unless no goroutine may still `Add` (from where its innermost
/// frame stands, after the call where each caller's does, or in a block a
/// frame deferred) and the goroutines may take, together, at most
/// `counter` `Done`s, with no callback that may start one by itself. Then
/// the counter only falls, to zero at the lowest: a registered `Wait` is
/// released at zero and wakes at zero, as one that waited unregistered
/// returns there.
pub(crate) fn registers(prog: &Program, state: &State, counter: i64) -> bool {
    let (adds, bounds) = (&prog.adds_ahead, &prog.dones_ahead);
    let mut dones = 0u32;
    for g in &state.goroutines {
        if g.spinning {
            continue;
        }
        let top = g.frames.len().saturating_sub(1);
        for (k, fr) in g.frames.iter().enumerate() {
            // (A caller stands at its call; it goes on after it.)
            let next = if k < top { Pc(fr.pc.0 + 1) } else { fr.pc };
            if adds.at(fr.func, next) {
                return true;
            }
            match ahead(bounds, fr, next).and_then(|d| dones.checked_add(d)) {
                Some(d) => dones = d,
                None => return true,
            }
            for &d in &fr.defers {
                if adds.at(fr.func, d) {
                    return true;
                }
                match bounds.at(fr.func, d).and_then(|b| dones.checked_add(b)) {
                    Some(b) => dones = b,
                    None => return true,
                }
            }
        }
    }
    i64::from(dones) > counter || callbacks(state)
}

/// The most `Done`s goroutine `g` may still take (from every frame's
/// instruction and every deferred block it registered; `None`: unbounded).
pub(crate) fn dones_of(bounds: &DonesAhead, g: &Goroutine) -> Option<u32> {
    if g.spinning {
        return Some(0);
    }
    let mut total = 0u32;
    let top = g.frames.len().saturating_sub(1);
    for (k, fr) in g.frames.iter().enumerate() {
        // (A caller stands at its call, whose bound counts the callee's
        // `Done`s that the callee's frame counts: it goes on after it.)
        let next = if k < top { Pc(fr.pc.0 + 1) } else { fr.pc };
        total = total.checked_add(ahead(bounds, fr, next)?)?;
        for &d in &fr.defers {
            total = total.checked_add(bounds.at(fr.func, d)?)?;
        }
    }
    Some(total)
}

/// The most `Done`s frame `fr` may take from instruction `next` on, its
/// counted loops read where they stand.
fn ahead(bounds: &DonesAhead, fr: &Frame, next: Pc) -> Option<u32> {
    bounds.at_frame(fr.func, next, |v| match fr.locals.get(v.index()) {
        Some(Value::Int(i)) => Some(*i),
        _ => None,
    })
}

/// True when a timer or `context.AfterFunc` callback may start a goroutine
/// by itself: its `Done`s are no goroutine's yet.
pub(crate) fn callbacks(state: &State) -> bool {
    state.objects.iter().any(|o| match o {
        Object::Timer(t) => t.callback.is_some(),
        Object::Registration(_) => true,
        _ => false,
    })
}

/// True when a goroutine released from its `Wait` on WaitGroup `r` has not
/// woken yet and the counter is above zero again: woken, it panics.
pub(crate) fn woken_above_zero(prog: &Program, state: &State, r: ObjRef) -> bool {
    let Object::WaitGroup(st) = state.object(r) else {
        return false;
    };
    st.counter > 0
        && state.goroutines.iter().any(|g| {
            // (The phase first: it is 0 for nearly every goroutine.)
            g.phase > 0 && !st.waiters.contains(&g.id) && pending_wait(prog, state, g) == Some(r)
        })
}

/// Step `phase` of goroutine `me`'s `wg.Wait()`; true when it returns
/// (false: it registered and stays).
pub(crate) fn wait(ex: &mut Exec, wg: ObjRef, me: &GoroutineId, phase: u8) -> Result<bool, Fault> {
    let Object::WaitGroup(st) = ex.state.object_mut(wg) else {
        return Ok(true);
    };
    if phase > 0 {
        return match st.counter {
            0 => Ok(true),
            _ => Err(Fault::Panic(REUSED.into())),
        };
    }
    if st.counter == 0 {
        return Ok(true);
    }
    let at = st.waiters.binary_search(me).unwrap_or_else(|at| at);
    st.waiters.insert(at, me.clone());
    Ok(false)
}

/// True when `prog` may race on a WaitGroup: it has an `Add` that may
/// raise the counter and a `Wait` that may be a WaitGroup's, not both in
/// main's body only (main's own order puts its `Add`s and `Wait`s in
/// sequence; main's body counts as main's only when no call or `go`
/// statement runs it again).
pub(crate) fn may_race(prog: &Program) -> bool {
    let cond =
        |e: &Expr| matches!(e, Expr::Global(g) if prog.globals[g.index()].kind == ObjectKind::Cond);
    let main_reused = prog
        .funcs
        .iter()
        .flat_map(|f| &f.code)
        .any(|i| match &i.op {
            Op::Go { func, .. } | Op::Call { func, .. } => *func == prog.main,
            Op::CallValue { candidates, .. } | Op::GoValue { candidates, .. } => {
                candidates.contains(&prog.main)
            }
            _ => false,
        });
    let (mut add, mut wait, mut beyond_main) = (false, false, false);
    for (f, func) in prog.funcs.iter().enumerate() {
        let in_main = f == prog.main.index() && !main_reused;
        for instr in &func.code {
            let on_waitgroup = match &instr.op {
                Op::WgAdd { delta, .. } => {
                    let positive = !matches!(delta, Expr::Const(Const::Int(d)) if *d < 0);
                    add |= positive;
                    positive
                }
                Op::Wait {
                    target,
                    cond: of_cond,
                } => {
                    let of_waitgroup = !(*of_cond || cond(target));
                    wait |= of_waitgroup;
                    of_waitgroup
                }
                _ => false,
            };
            beyond_main |= on_waitgroup && !in_main;
        }
    }
    add && wait && beyond_main
}

/// The access Go's race detector makes to a WaitGroup's semaphore (`semap`)
/// when goroutine `g` takes its next step, if any: an `Add` that raises
/// the counter from zero reads it; a `Wait` that blocks as the first
/// waiter (none registered) writes it, when it registers. A blocked
/// `Wait` whose registration is left out ([`registers`]) has not moved
/// since it blocked, so it counts as about to register; any of several
/// such `Wait`s may be the first in some run, as nothing orders their
/// registrations but their arrival.
pub(crate) fn semaphore_access(
    prog: &Program,
    state: &State,
    g: &Goroutine,
) -> Option<(ObjRef, bool)> {
    let site = g.site();
    match &prog.instr(site.func, site.pc).op {
        Op::WgAdd { .. } => pending_add_from_zero(prog, state, g).map(|w| (w, false)),
        Op::Wait { .. } if g.phase == 0 => {
            let w = pending_wait(prog, state, g)?;
            matches!(state.object(w), Object::WaitGroup(st) if st.counter != 0 && st.waiters.is_empty())
                .then_some((w, true))
        }
        _ => None,
    }
}

/// The WaitGroup goroutine `g` is about to `Add` a positive delta to while
/// its counter is zero: the Add that Go requires to happen before any
/// concurrent `Wait` (its race detector reports one that does not).
pub(crate) fn pending_add_from_zero(
    prog: &Program,
    state: &State,
    g: &Goroutine,
) -> Option<ObjRef> {
    let site = g.site();
    let Op::WgAdd { wg, delta } = &prog.instr(site.func, site.pc).op else {
        return None;
    };
    let locals = &g.top().locals;
    let w = eval(state, locals, wg).ok().and_then(Value::object)?;
    let zero = matches!(state.object(w), Object::WaitGroup(st) if st.counter == 0);
    let positive = int(state, locals, delta).is_ok_and(|d| d > 0);
    (zero && positive).then_some(w)
}

/// The WaitGroup (or Cond) goroutine `g` is about to `Wait` on.
pub(crate) fn pending_wait(prog: &Program, state: &State, g: &Goroutine) -> Option<ObjRef> {
    let site = g.site();
    let Op::Wait { target, .. } = &prog.instr(site.func, site.pc).op else {
        return None;
    };
    eval(state, &g.top().locals, target)
        .ok()
        .and_then(Value::object)
}

/// What a goroutine blocked in `Wait` on WaitGroup `r` waits for: `Done`
/// calls bringing the counter to zero (registered or not).
pub(crate) fn blocked(wg: &WaitGroupState, r: ObjRef) -> Blocked {
    let mut b = Blocked::new(Waiting::WaitGroup);
    b.objects.push(r);
    b.note = Some(WaitNote::Counter(wg.counter));
    b.released_by.push((Release::Done, r));
    b
}

/// Whether an `Add` of `delta` (unknown: `None`) may release a waiter: a
/// negative delta (`Done`) lowers the counter.
pub(crate) fn may_release(delta: Option<i64>) -> bool {
    !matches!(delta, Some(d) if d >= 0)
}
