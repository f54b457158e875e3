//! sync.Mutex: not reentrant, no owner; unlocking an unlocked mutex is a
//! fatal error.

use super::waits::{Blocked, Holder, Release, Waiting};
use super::{Exec, Fault, StepResult};
use crate::state::Object;
use crate::value::ObjRef;

/// The state of a Mutex.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct MutexState {
    /// Held by some goroutine.
    pub locked: bool,
}

/// `Lock` is enabled when the mutex is free.
pub(crate) fn can_lock(m: &MutexState) -> bool {
    !m.locked
}

/// `m.Lock()` once enabled.
pub(crate) fn lock(ex: &mut Exec, m: ObjRef) -> StepResult {
    if let Object::Mutex(st) = ex.state.object_mut(m) {
        st.locked = true;
    }
    Ok(())
}

/// `m.Unlock()`.
pub(crate) fn unlock(ex: &mut Exec, m: ObjRef) -> StepResult {
    if let Object::Mutex(st) = ex.state.object_mut(m) {
        if !st.locked {
            return Err(Fault::Fatal("sync: unlock of unlocked mutex".into()));
        }
        st.locked = false;
    }
    Ok(())
}

/// `m.TryLock()`.
pub(crate) fn try_lock(ex: &mut Exec, m: ObjRef) -> bool {
    if let Object::Mutex(st) = ex.state.object_mut(m) {
        if !st.locked {
            st.locked = true;
            return true;
        }
    }
    false
}

/// What a goroutine blocked in `Lock` on Mutex `m` waits for: its holder's
/// `Unlock`.
pub(crate) fn blocked_lock(m: ObjRef) -> Blocked {
    let mut b = Blocked::new(Waiting::Lock);
    b.objects.push(m);
    b.holders.push(Holder::Writer(m));
    b.released_by.push((Release::Unlock, m));
    b
}
