//! sync.RWMutex with Go's writer preference: a writer that has announced
//! itself (`pending`) stops new readers, so a recursive `RLock` deadlocks
//! once a writer arrives between the two `RLock`s.
//!
//! `Lock` takes two steps: (1) wait until no writer holds or is acquiring,
//! then announce (`pending`); (2) wait until active readers reach zero, then
//! hold. The goroutine's `phase` records which step it is in.

use super::waits::{Blocked, Holder, Release, WaitNote, Waiting};
use super::{Exec, Fault, StepResult};
use crate::state::{Goroutine, GoroutineId, Object};
use crate::value::ObjRef;

/// The state of an RWMutex.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct RwMutexState {
    /// A writer holds the lock.
    pub writer: bool,
    /// A writer announced itself and waits for readers to leave.
    pub pending: Option<GoroutineId>,
    /// Active readers.
    pub readers: u32,
}

impl RwMutexState {
    /// True when a new reader may enter.
    pub(crate) fn can_rlock(&self) -> bool {
        !self.writer && self.pending.is_none()
    }

    /// True when a writer may take the lock in one go (TryLock, Cond relock).
    pub(crate) fn can_lock_now(&self) -> bool {
        !self.writer && self.pending.is_none() && self.readers == 0
    }
}

/// Whether `Lock` in `phase` can make its next step.
pub(crate) fn can_lock(rw: &RwMutexState, phase: u8) -> bool {
    if phase == 0 {
        !rw.writer && rw.pending.is_none()
    } else {
        rw.readers == 0
    }
}

/// One step of `rw.Lock()`; returns true when the lock is held (the
/// instruction is complete).
pub(crate) fn lock_step(ex: &mut Exec, m: ObjRef, me: &GoroutineId, phase: u8) -> bool {
    if let Object::RwMutex(st) = ex.state.object_mut(m) {
        if phase == 0 {
            st.pending = Some(me.clone());
            if st.readers == 0 {
                // No reader to wait for: announce and hold in one step.
                st.pending = None;
                st.writer = true;
                return true;
            }
            return false;
        }
        st.pending = None;
        st.writer = true;
    }
    true
}

/// `rw.Unlock()`.
pub(crate) fn unlock(ex: &mut Exec, m: ObjRef) -> StepResult {
    if let Object::RwMutex(st) = ex.state.object_mut(m) {
        if !st.writer {
            return Err(Fault::Fatal("sync: Unlock of unlocked RWMutex".into()));
        }
        st.writer = false;
    }
    Ok(())
}

/// `rw.RLock()` once enabled.
pub(crate) fn rlock(ex: &mut Exec, m: ObjRef) -> StepResult {
    if let Object::RwMutex(st) = ex.state.object_mut(m) {
        st.readers += 1;
    }
    Ok(())
}

/// `rw.RUnlock()`.
pub(crate) fn runlock(ex: &mut Exec, m: ObjRef) -> StepResult {
    if let Object::RwMutex(st) = ex.state.object_mut(m) {
        if st.readers == 0 {
            return Err(Fault::Fatal("sync: RUnlock of unlocked RWMutex".into()));
        }
        st.readers -= 1;
    }
    Ok(())
}

/// `rw.TryLock()`.
pub(crate) fn try_lock(ex: &mut Exec, m: ObjRef) -> bool {
    if let Object::RwMutex(st) = ex.state.object_mut(m) {
        if st.can_lock_now() {
            st.writer = true;
            return true;
        }
    }
    false
}

/// What goroutine `g`, blocked in `Lock` on RWMutex `m`, waits for: in its
/// second phase, the readers inside to leave; before, the writer's
/// `Unlock` (and any other writer announced before it).
pub(crate) fn blocked_lock(rw: &RwMutexState, m: ObjRef, g: &Goroutine) -> Blocked {
    if g.phase > 0 {
        let mut b = Blocked::new(Waiting::ReadersLeave);
        b.objects.push(m);
        b.holders.push(Holder::Readers(m));
        b.released_by.push((Release::ReadUnlock, m));
        return b;
    }
    waits_for_writer(rw, m, g, Waiting::Lock)
}

/// What goroutine `g`, blocked in `RLock` on RWMutex `m`, waits for: the
/// writer's `Unlock`; a writer waiting to lock keeps new readers out too.
pub(crate) fn blocked_rlock(rw: &RwMutexState, m: ObjRef, g: &Goroutine) -> Blocked {
    waits_for_writer(rw, m, g, Waiting::ReadLock)
}

fn waits_for_writer(rw: &RwMutexState, m: ObjRef, g: &Goroutine, waiting: Waiting) -> Blocked {
    let mut b = Blocked::new(waiting);
    b.objects.push(m);
    b.holders.push(Holder::Writer(m));
    if let Some(p) = rw.pending.as_ref().filter(|p| **p != g.id) {
        b.holders.push(Holder::AnnouncedWriter(p.clone()));
        b.note = Some(WaitNote::WriterWaiting);
    }
    b.released_by.push((Release::Unlock, m));
    b
}
