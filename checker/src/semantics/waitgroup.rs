//! sync.WaitGroup: a counter; `Wait` is enabled at zero; below zero panics.

use weft_models::ir::{Op, Program};

use super::eval::{eval, int};
use super::waits::{Blocked, Release, WaitNote, Waiting};
use super::{Exec, Fault, StepResult};
use crate::state::{Goroutine, Object, State};
use crate::value::{ObjRef, Value};

/// The state of a WaitGroup.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct WaitGroupState {
    /// The counter.
    pub counter: i64,
}

/// `wg.Add(delta)` (`Done` is `Add(-1)`).
pub(crate) fn add(ex: &mut Exec, wg: ObjRef, delta: i64) -> StepResult {
    if let Object::WaitGroup(st) = ex.state.object_mut(wg) {
        st.counter = st.counter.wrapping_add(delta);
        if st.counter < 0 {
            return Err(Fault::Panic("sync: negative WaitGroup counter".into()));
        }
    }
    Ok(())
}

/// `wg.Wait()` is enabled when the counter is zero.
pub(crate) fn can_wait(st: &WaitGroupState) -> bool {
    st.counter == 0
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
/// calls bringing the counter to zero.
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
