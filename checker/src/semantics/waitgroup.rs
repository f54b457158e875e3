//! sync.WaitGroup: a counter; `Wait` is enabled at zero; below zero panics.

use super::{Exec, Fault, StepResult};
use crate::state::Object;
use crate::value::ObjRef;

/// The state of a WaitGroup.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct WaitGroupState {
    /// The counter.
    pub counter: i64,
}

/// `wg.Add(delta)` (`Done` is `Add(-1)`).
pub fn add(ex: &mut Exec, wg: ObjRef, delta: i64) -> StepResult {
    if let Object::WaitGroup(st) = ex.state.object_mut(wg) {
        st.counter = st.counter.wrapping_add(delta);
        if st.counter < 0 {
            return Err(Fault::Panic("sync: negative WaitGroup counter".into()));
        }
    }
    Ok(())
}

/// `wg.Wait()` is enabled when the counter is zero.
pub fn can_wait(st: &WaitGroupState) -> bool {
    st.counter == 0
}
