//! Timers and tickers with abstract time, following the timer semantics of
//! the scenario's Go version (shared/design/semantics.md, Time; the rules
//! are listed with their tests in models/README.md, "Timers and Go
//! versions").
//!
//! A running timer may fire at any moment (a separate transition), which
//! covers every real timing. A ticker fires repeatedly; a tick is dropped
//! while the previous one waits in the channel, which keeps the state space
//! finite.
//!
//! - Go 1.22: the channel has capacity 1 and a fired value stays in it
//!   until received (`Stop` and `Reset` leave it: the stale value). A
//!   duration `<= 0` fires at some moment after creation, like any other.
//!   The runtime holds a running timer or ticker: one that becomes
//!   unreachable is a resource leak (garbage collection reports it).
//! - Go 1.23: the channel is synchronous (`len` and `cap` read 0): the
//!   fired value waits inside the timer, `Stop` and `Reset` take it back
//!   (no stale value) and report true while it is there. A duration `<= 0`
//!   has expired at creation. Unreachable timers are collected.
//! - Both: `NewTicker(d)` and `Ticker.Reset(d)` panic when `d <= 0`, and
//!   `time.Tick(d)` is nil then.

use weft_models::syntax::{GoVersion, TimerKind};

use super::callback::TimerCallback;
use super::channel::{self, ChannelState};
use super::happens;
use super::waits::{Blocked, WaitNote};
use super::{Exec, Fault};
use crate::state::{GoroutineId, Object, Site};
use crate::value::{ObjRef, Value};

/// The state of a timer or ticker.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct TimerState {
    /// Which constructor made it.
    pub kind: TimerKind,
    /// Its channel (one value of room; under Go 1.23 `len` and `cap` of it
    /// read 0).
    pub chan: ObjRef,
    /// Pending (a timer) or running (a ticker).
    pub active: bool,
    /// Go 1.22: the runtime holds it until it is stopped (a ticker, or a
    /// timer) or its value is received (a timer). A timer that fired but
    /// whose value nobody took counts as held: no step between its fire
    /// and the drop of its last handle looked at it, so the run where it
    /// fires after the drop, and is held then, has the same steps (this
    /// keeps the verdict independent of where the reduction puts the fire).
    pub held: bool,
    /// Where it was made (a resource leak is reported there).
    pub site: Site,
    /// The Go version whose timer semantics it follows.
    pub go: GoVersion,
    /// The callback of a `time.AfterFunc` timer (its channel then stays
    /// empty, and `t.C` is nil).
    pub callback: Option<TimerCallback>,
}

impl TimerState {
    /// True for tickers.
    pub(crate) fn periodic(&self) -> bool {
        match self.kind {
            TimerKind::Ticker | TimerKind::Tick => true,
            TimerKind::Timer | TimerKind::After => false,
        }
    }

    /// True when the runtime holds it: under Go 1.22 a running timer or
    /// ticker stays alive (and keeps firing) even when the program can no
    /// longer reach it, so dropping it is a resource leak.
    pub(crate) fn held_by_runtime(&self) -> bool {
        match self.go {
            GoVersion::Go122 => self.held,
            GoVersion::Go123 => false,
        }
    }
}

/// True for the channel of a Go 1.23 timer or ticker: `len` and `cap`
/// read 0 although the fired value waits in its buffer.
pub(crate) fn synchronous(state: &crate::state::State, c: &ChannelState) -> bool {
    c.timer
        .is_some_and(|t| matches!(state.object(t), Object::Timer(st) if st.go == GoVersion::Go123))
}

/// A fire transition is enabled for an active timer, and for an active
/// ticker whose channel has room.
pub(crate) fn can_fire(ex_state: &crate::state::State, t: &TimerState) -> bool {
    // A `time.AfterFunc` timer fires by its runner's step.
    if !t.active || t.callback.is_some() {
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

/// Creates a timer or ticker made at `site` by goroutine `by` (none for a
/// global's); returns the value the program gets (the timer, or the
/// channel for `After` and `Tick`; nil for `Tick(d)` with `d <= 0`).
pub(crate) fn create(
    ex: &mut Exec,
    kind: TimerKind,
    duration: i64,
    site: Site,
    by: Option<&GoroutineId>,
) -> Result<Value, Fault> {
    match kind {
        TimerKind::Ticker if duration <= 0 => {
            return Err(Fault::Panic("non-positive interval for NewTicker".into()))
        }
        TimerKind::Tick if duration <= 0 => return Ok(Value::Nil),
        TimerKind::Ticker | TimerKind::Tick | TimerKind::Timer | TimerKind::After => {}
    }
    let go = ex.prog.meta.go;
    let ch = ex.state.alloc(Object::Chan(ChannelState::new(1)));
    let t = ex.state.alloc(Object::Timer(TimerState {
        kind,
        chan: ch,
        active: true,
        held: true,
        site,
        go,
        callback: None,
    }));
    if let Object::Chan(c) = ex.state.object_mut(ch) {
        c.timer = Some(t);
    }
    if let Some(by) = by {
        happens::timer_set(ex, by, t);
    }
    expire_if_due(ex, t, duration);
    Ok(Value::Obj(match kind {
        TimerKind::After | TimerKind::Tick => ch,
        TimerKind::Timer | TimerKind::Ticker => t,
    }))
}

/// Makes the timer of `time.AfterFunc(d, f)` called by `by`: running,
/// with no channel value ever (its runner fires it). It is never a
/// resource leak: the runner holds it until it fires or is stopped, and
/// then calls or ends.
pub(crate) fn create_with_callback(
    ex: &mut Exec,
    by: &GoroutineId,
    site: Site,
    callback: TimerCallback,
) -> ObjRef {
    let go = ex.prog.meta.go;
    let ch = ex.state.alloc(Object::Chan(ChannelState::new(1)));
    let t = ex.state.alloc(Object::Timer(TimerState {
        kind: TimerKind::Timer,
        chan: ch,
        active: true,
        held: false,
        site,
        go,
        callback: Some(callback),
    }));
    if let Object::Chan(c) = ex.state.object_mut(ch) {
        c.timer = Some(t);
    }
    happens::timer_set(ex, by, t);
    t
}

/// Under Go 1.23 a timer set to `d <= 0` has expired at once; under Go
/// 1.22 it fires at some later moment (the fire transition). A
/// `time.AfterFunc` callback runs in its own goroutine in both: its
/// runner's step is the fire.
fn expire_if_due(ex: &mut Exec, t: ObjRef, duration: i64) {
    let callback = matches!(ex.state.object(t), Object::Timer(st) if st.callback.is_some());
    if duration <= 0 && ex.prog.meta.go == GoVersion::Go123 && !callback {
        fire(ex, t);
    }
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
    happens::timer_fires(ex, t, ch);
    channel::offer(ex, ch, Value::Int(0));
}

/// Go 1.23: takes back a fired value not yet received (no stale value
/// after `Stop` or `Reset`); returns whether there was one. Go 1.22 leaves
/// the channel alone.
fn take_back(ex: &mut Exec, t: ObjRef) -> bool {
    let (ch, go) = match ex.state.object(t) {
        Object::Timer(st) => (st.chan, st.go),
        _ => return false,
    };
    match go {
        GoVersion::Go122 => false,
        GoVersion::Go123 => match ex.state.object_mut(ch) {
            Object::Chan(c) => {
                let had = !c.buf.is_empty();
                c.buf.clear();
                had
            }
            _ => false,
        },
    }
}

/// `t.Stop()`: Go 1.22: true when it stopped a pending fire; Go 1.23: also
/// true when it took back a fired value not yet received.
pub(crate) fn stop(ex: &mut Exec, t: ObjRef) -> bool {
    let was_active = match ex.state.object_mut(t) {
        Object::Timer(st) => {
            st.held = false;
            std::mem::replace(&mut st.active, false)
        }
        _ => false,
    };
    let took = take_back(ex, t);
    was_active || took
}

/// `t.Reset(d)` by goroutine `by`: the timer runs again; returns what
/// `Stop` would have. Go 1.22 leaves a fired, unreceived value in the
/// channel (the stale value); Go 1.23 takes it back. A ticker's
/// `Reset(d <= 0)` panics.
pub(crate) fn reset(
    ex: &mut Exec,
    by: &GoroutineId,
    t: ObjRef,
    duration: i64,
) -> Result<bool, Fault> {
    // Go releases the timer in `resetTimer`: a Timer's `Reset` under both
    // versions, a Ticker's from Go 1.23 on (before, `modTimer`, which
    // does not).
    let releases = match ex.state.object(t) {
        Object::Timer(st) => !st.periodic() || st.go == GoVersion::Go123,
        _ => false,
    };
    let was_active = match ex.state.object_mut(t) {
        Object::Timer(st) => {
            if st.periodic() && duration <= 0 {
                return Err(Fault::Panic(
                    "non-positive interval for Ticker.Reset".into(),
                ));
            }
            st.held = st.callback.is_none();
            std::mem::replace(&mut st.active, true)
        }
        _ => return Ok(false),
    };
    let took = take_back(ex, t);
    if releases {
        happens::timer_set(ex, by, t);
    }
    expire_if_due(ex, t, duration);
    Ok(was_active || took)
}

/// A receive took the value of timer `t`'s channel: a one-shot timer is
/// then released by the runtime (Go 1.22).
pub(crate) fn received(ex: &mut Exec, t: ObjRef) {
    if let Object::Timer(st) = ex.state.object_mut(t) {
        if !st.periodic() && !st.active {
            st.held = false;
        }
    }
}
