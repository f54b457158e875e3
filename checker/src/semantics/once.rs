//! sync.Once: the first caller runs f; callers arriving while f runs block
//! until it returns; later callers return at once. `Do` inside f deadlocks.
//! f panicking still counts as done (the lowering runs `OnceExit` in a
//! deferred block).

use super::waits::{Blocked, Holder, Release, Waiting};
use crate::state::Object;
use crate::value::ObjRef;

use super::Exec;

/// The state of a Once.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub enum OnceState {
    /// f has not started.
    #[default]
    Idle,
    /// f is running.
    Running,
    /// f has returned (or panicked).
    Done,
}

/// `OnceEnter` is enabled unless f is running.
pub(crate) fn can_enter(st: &OnceState) -> bool {
    !matches!(st, OnceState::Running)
}

/// `OnceEnter`: returns true when the caller must run f.
pub(crate) fn enter(ex: &mut Exec, once: ObjRef) -> bool {
    if let Object::Once(st) = ex.state.object_mut(once) {
        if matches!(st, OnceState::Idle) {
            *st = OnceState::Running;
            return true;
        }
    }
    false
}

/// `OnceExit`: f returned.
pub(crate) fn exit(ex: &mut Exec, once: ObjRef) {
    if let Object::Once(st) = ex.state.object_mut(once) {
        *st = OnceState::Done;
    }
}

/// What a goroutine blocked entering `once.Do` of `o` waits for: the
/// goroutine running the function to finish it.
pub(crate) fn blocked(o: ObjRef) -> Blocked {
    let mut b = Blocked::new(Waiting::EnterOnce);
    b.objects.push(o);
    b.holders.push(Holder::Writer(o));
    b.released_by.push((Release::FinishOnce, o));
    b
}
