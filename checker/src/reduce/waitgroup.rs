//! When a WaitGroup's `Done` commutes with everything another goroutine
//! can do first. Two `Done`s on a WaitGroup whose counter stays above zero
//! commute (both orders subtract two, neither releases a `Wait` nor
//! panics), and a `Wait` cannot pass while the counter is above zero. So a
//! goroutine's `Done` with the counter at `c` is independent of every run
//! of the other goroutines that can take at most `c - 1` `Done`s and no
//! `Add`: through such a run the counter stays at 2 or more before each of
//! their `Done`s and never reaches zero, so no `Wait` passes. The
//! persistent-set closure ([`super::persistent`]) then leaves the
//! WaitGroup out of that `Done`'s touches: the fan-out's `Done`, which
//! every sender takes after its send, no longer pulls in the `Wait` of the
//! closer and, through its `close`, every send and receive.
//!
//! [`weft_models::dones`] bounds statically how many `Done`s the code from
//! each instruction may take, the goroutines it starts and the deferred
//! blocks it registers included; a loop around one, recursion, or any
//! `Add` other than `Done` leaves it unbounded (`None`). WaitGroups are not
//! told apart: a `Done` on any counts.

use weft_models::ir::DonesAhead;
use weft_models::ir::{Expr, Op, Program};

use crate::semantics;
use crate::state::{Goroutine, Object, State};
use crate::value::ObjRef;

/// The most `Done`s the code from each instruction may take
/// ([`weft_models::dones`]), and what it says of a state.
#[derive(Clone, Debug)]
pub(crate) struct DoneBounds {
    /// The program's bounds. `any_wait` false: no goroutine ever holds a
    /// `Wait` ([`Self::held_wait`]); `any_done` false: no goroutine ever
    /// takes a `Done` ([`Self::independent_done`], asked of every actor
    /// the analysis reaches, read each one's execution: 1.5 % of
    /// readers(18)'s time, which has no WaitGroup).
    at: DonesAhead,
}

impl DoneBounds {
    /// The bounds of `prog`'s instructions.
    pub(crate) fn new(prog: &Program) -> DoneBounds {
        DoneBounds {
            at: prog.dones_ahead.clone(),
        }
    }

    /// False when no goroutine of the program can ever hold a `Wait`
    /// ([`Self::held_wait`] is `None` for every goroutine of every state).
    pub(crate) fn any_wait(&self) -> bool {
        self.at.any_wait()
    }

    /// The most `Done`s goroutine `g` may still take.
    pub(crate) fn of_goroutine(&self, g: &Goroutine) -> Option<u32> {
        semantics::waitgroup::dones_of(&self.at, g)
    }

    /// The WaitGroup whose `Done` goroutine `a` takes next, when every
    /// other goroutine can take at most its counter less one `Done`s and
    /// no `Add`, and nothing can start a goroutine by itself (no timer or
    /// `context.AfterFunc` callback): its `Done` then commutes with every
    /// run of the others (see the module's comment).
    pub(crate) fn independent_done(
        &self,
        prog: &Program,
        state: &State,
        a: usize,
        wg_of: impl Fn(&Expr) -> Option<ObjRef>,
    ) -> Option<ObjRef> {
        if !self.at.any_done() {
            return None;
        }
        let g = state.goroutines.get(a)?;
        if g.panic.is_some() {
            return None;
        }
        let fr = g.frames.last()?;
        let instr = prog.funcs.get(fr.func.index())?.code.get(fr.pc.index())?;
        let Op::WgAdd { wg, .. } = &instr.op else {
            return None;
        };
        if !weft_models::dones::is_done(&instr.op) {
            return None;
        }
        let r = wg_of(wg)?;
        let Object::WaitGroup(w) = state.object(r) else {
            return None;
        };
        if semantics::waitgroup::callbacks(state) {
            return None;
        }
        let mut others = 0u32;
        for (b, h) in state.goroutines.iter().enumerate() {
            if b != a {
                others = others.checked_add(self.of_goroutine(h)?)?;
            }
        }
        // A `Wait` that registers, or one released and woken after an
        // `Add` from zero, behaves differently at a counter of 1 and of 0:
        // the others must leave the counter at 2 or more.
        let others = i64::from(others);
        let independent = others + 1 < w.counter
            || (others < w.counter
                && !semantics::waitgroup::registers(prog, state, w.counter)
                && !semantics::waitgroup::woken_above_zero(prog, state, r));
        independent.then_some(r)
    }

    /// The counter of the WaitGroup goroutine `a` waits on, when it is
    /// blocked in its `Wait` and nothing can start a goroutine by itself
    /// (no timer or `context.AfterFunc` callback): then only `Done`s or
    /// `Add`s by the goroutines that run can release it
    /// ([`Self::may_release`]).
    pub(crate) fn held_wait(&self, prog: &Program, state: &State, a: usize) -> Option<i64> {
        let g = state.goroutines.get(a)?;
        if g.spinning || g.panic.is_some() {
            return None;
        }
        // (Its operation first: most goroutines stand elsewhere, and the
        // callbacks are a walk over the objects.)
        let r = semantics::waitgroup::pending_wait(prog, state, g)?;
        if semantics::waitgroup::callbacks(state) {
            return None;
        }
        match state.object(r) {
            Object::WaitGroup(w)
                if w.counter > 0 && !semantics::waitgroup::can_wait(prog, state, w, g) =>
            {
                Some(w.counter)
            }
            _ => None,
        }
    }

    /// False when the goroutines `runs` holds can take, together, fewer
    /// than `counter` `Done`s and no other `Add`: a `Wait` on a counter at
    /// `counter` cannot pass while only they move.
    pub(crate) fn may_release(&self, state: &State, runs: &[bool], counter: i64) -> bool {
        let mut dones = 0u32;
        for (g, _) in state.goroutines.iter().zip(runs).filter(|(_, &r)| r) {
            match self.of_goroutine(g).and_then(|d| dones.checked_add(d)) {
                Some(d) => dones = d,
                None => return true,
            }
        }
        i64::from(dones) >= counter
    }
}
