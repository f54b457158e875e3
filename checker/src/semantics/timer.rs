//! Timers and tickers with abstract time: a pending timer may fire at any
//! moment (a separate transition), which covers every real timing. A timer
//! with a duration `<= 0` has fired at creation. A ticker fires repeatedly;
//! a tick is dropped when its capacity-1 channel is full, which keeps the
//! state space finite.

use weft_models::syntax::TimerKind;

use super::channel::{self, ChannelState};
use super::waits::{Blocked, WaitNote};
use super::Exec;
use crate::state::Object;
use crate::value::{ObjRef, Value};

/// The state of a timer or ticker.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct TimerState {
    /// Which constructor made it.
    pub kind: TimerKind,
    /// Its channel (capacity 1).
    pub chan: ObjRef,
    /// Pending (a timer) or running (a ticker).
    pub active: bool,
}

impl TimerState {
    /// True for tickers.
    pub(crate) fn periodic(&self) -> bool {
        matches!(self.kind, TimerKind::Ticker | TimerKind::Tick)
    }
}

/// A fire transition is enabled for an active timer, and for an active
/// ticker whose channel has room.
pub(crate) fn can_fire(ex_state: &crate::state::State, t: &TimerState) -> bool {
    if !t.active {
        return false;
    }
    if !t.periodic() {
        return true;
    }
    match ex_state.object(t.chan) {
        Object::Chan(c) => c.buf.is_empty(),
        _ => false,
    }
}

/// Notes on a receiver's wait on channel `ch` that a running timer or
/// ticker sends on it: the wait will end without any goroutine's help.
pub(crate) fn feeds(state: &crate::state::State, ch: ObjRef, b: &mut Blocked) {
    let Object::Chan(c) = state.object(ch) else {
        return;
    };
    if let Some(Object::Timer(t)) = c.timer.map(|t| state.object(t)) {
        if t.active && b.note.is_none() {
            b.note = Some(WaitNote::TimerRunning(t.periodic()));
        }
    }
}

/// Creates a timer; returns (timer, channel).
pub(crate) fn create(ex: &mut Exec, kind: TimerKind, duration: i64) -> (ObjRef, ObjRef) {
    let ch = ex.state.alloc(Object::Chan(ChannelState::new(1)));
    let t = ex.state.alloc(Object::Timer(TimerState {
        kind,
        chan: ch,
        active: true,
    }));
    if let Object::Chan(c) = ex.state.object_mut(ch) {
        c.timer = Some(t);
    }
    if duration <= 0 {
        fire(ex, t);
    }
    (t, ch)
}

/// The timer fires: a value goes into its channel if there is room; a
/// one-shot timer becomes inactive.
pub(crate) fn fire(ex: &mut Exec, t: ObjRef) {
    let Object::Timer(st) = ex.state.object_mut(t) else {
        return;
    };
    let ch = st.chan;
    if !st.periodic() {
        st.active = false;
    }
    channel::offer(ex, ch, Value::Int(0));
}

/// `t.Stop()`: returns true when it stopped a pending fire.
pub fn stop(ex: &mut Exec, t: ObjRef) -> bool {
    match ex.state.object_mut(t) {
        Object::Timer(st) => std::mem::replace(&mut st.active, false),
        _ => false,
    }
}

/// `t.Reset(d)`: returns whether the timer was active (Go 1.22: the channel
/// is not drained).
pub(crate) fn reset(ex: &mut Exec, t: ObjRef, duration: i64) -> bool {
    let was = match ex.state.object_mut(t) {
        Object::Timer(st) => std::mem::replace(&mut st.active, true),
        _ => return false,
    };
    if duration <= 0 {
        fire(ex, t);
    }
    was
}
