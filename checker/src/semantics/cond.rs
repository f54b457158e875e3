//! sync.Cond: `Wait` unlocks the Locker and joins the queue (step 1), then,
//! once woken, re-acquires the Locker (step 2). `Signal` wakes the
//! longest-waiting goroutine; `Broadcast` wakes all; a signal with no waiter
//! is lost. No spurious wakeups.

use super::waits::{Blocked, Holder, Release, Waiting};
use super::{Exec, Fault, StepResult};
use crate::state::{GoroutineId, Object, State};
use crate::value::ObjRef;

/// The state of a Cond.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct CondState {
    /// The Mutex or RWMutex.
    pub locker: ObjRef,
    /// True when the Locker is `rw.RLocker()`: `Wait` read-unlocks and
    /// read-locks it.
    pub read: bool,
    /// Waiting goroutines, longest-waiting first.
    pub waiters: Vec<GoroutineId>,
}

/// Whether the Locker can be taken now by a waking waiter (read-locked,
/// for `read`).
pub(crate) fn locker_free(state: &State, locker: ObjRef, read: bool) -> bool {
    match state.object(locker) {
        Object::Mutex(m) => !m.locked,
        Object::RwMutex(rw) if read => rw.can_rlock(),
        Object::RwMutex(rw) => rw.can_lock_now(),
        _ => false,
    }
}

/// Step 2 of `Wait` is enabled once `me` has been woken and the Locker is free.
pub(crate) fn can_resume(state: &State, c: &CondState, me: &GoroutineId) -> bool {
    !c.waiters.contains(me) && locker_free(state, c.locker, c.read)
}

fn cond_mut<'s>(ex: &'s mut Exec, c: ObjRef) -> Option<&'s mut CondState> {
    match ex.state.object_mut(c) {
        Object::Cond(st) => Some(st),
        _ => None,
    }
}

/// Step 1 of `c.Wait()`: unlock the Locker and join the queue.
pub(crate) fn wait_begin(ex: &mut Exec, c: ObjRef, me: &GoroutineId) -> StepResult {
    let Some((locker, read)) = cond_mut(ex, c).map(|st| (st.locker, st.read)) else {
        return Ok(());
    };
    match ex.state.object_mut(locker) {
        Object::RwMutex(rw) if read => {
            if rw.readers == 0 {
                return Err(Fault::Fatal("sync: RUnlock of unlocked RWMutex".into()));
            }
            rw.readers -= 1;
        }
        Object::Mutex(m) => {
            if !m.locked {
                return Err(Fault::Fatal("sync: unlock of unlocked mutex".into()));
            }
            m.locked = false;
        }
        Object::RwMutex(rw) => {
            if !rw.writer {
                return Err(Fault::Fatal("sync: Unlock of unlocked RWMutex".into()));
            }
            rw.writer = false;
        }
        other => {
            return Err(Fault::Model(format!(
                "the Locker of a Cond must be a Mutex or RWMutex, found {}",
                other.describe()
            )))
        }
    }
    if let Some(st) = cond_mut(ex, c) {
        st.waiters.push(me.clone());
    }
    Ok(())
}

/// Step 2 of `c.Wait()`: re-acquire the Locker.
pub(crate) fn wait_end(ex: &mut Exec, c: ObjRef) {
    let Some((locker, read)) = cond_mut(ex, c).map(|st| (st.locker, st.read)) else {
        return;
    };
    match ex.state.object_mut(locker) {
        Object::RwMutex(rw) if read => rw.readers += 1,
        Object::Mutex(m) => m.locked = true,
        Object::RwMutex(rw) => rw.writer = true,
        _ => {}
    }
}

/// `c.Signal()`; true when it woke a waiter.
pub(crate) fn signal(ex: &mut Exec, c: ObjRef) -> bool {
    match cond_mut(ex, c) {
        Some(st) if !st.waiters.is_empty() => {
            st.waiters.remove(0);
            true
        }
        _ => false,
    }
}

/// `c.Broadcast()`; true when it woke a waiter.
pub(crate) fn broadcast(ex: &mut Exec, c: ObjRef) -> bool {
    match cond_mut(ex, c) {
        Some(st) if !st.waiters.is_empty() => {
            st.waiters.clear();
            true
        }
        _ => false,
    }
}

/// What goroutine `me`, blocked in `Wait` on Cond `r`, waits for: a
/// `Signal` while queued; once woken, the Locker's `Unlock`.
pub(crate) fn blocked(c: &CondState, r: ObjRef, me: &GoroutineId) -> Blocked {
    let queued = c.waiters.contains(me);
    let mut b = Blocked::new(if queued {
        Waiting::Signal
    } else {
        Waiting::Relock
    });
    b.objects.push(r);
    if queued {
        b.released_by.push((Release::Signal, r));
    } else {
        // A read relock waits for a writer too (RLock never waits for readers).
        b.holders.push(Holder::Writer(c.locker));
        b.released_by.push((Release::Unlock, c.locker));
    }
    b
}
