//! `time.AfterFunc` and `context.AfterFunc`: callbacks that run in a
//! goroutine of their own once a timer fires or a context is done.
//!
//! `AfterFunc` starts the callback's *runner* goroutine at once (its
//! identity is fixed where the callback is registered, whatever the
//! timing); the runner stands at `AwaitCallback` until its trigger:
//!
//! - a `time.AfterFunc` timer: the runner's step *is* the fire (the clock
//!   never fires such a timer itself), so it may come at any moment while
//!   the timer runs, as any fire may. A runner whose timer was stopped
//!   first ends without calling (its step is always enabled: it never
//!   waits for ever). `t.Reset` re-arms the timer; if the runner has
//!   ended, Reset starts a new one (Go runs the callback again).
//! - a `context.AfterFunc` registration: the runner moves once the
//!   context is done (it calls) or `stop()` was called first (it ends).
//!   Until then it is *dormant*: Go has no goroutine there, only a
//!   registration, so the detectors never count it as blocked.
//!
//! `Stop` follows Go: `t.Stop()` is true iff the timer had not fired (the
//! runner had not taken its step) and `stop()` is true iff the context was
//! not done and `stop` had not been called: once the context is done, Go
//! has started the callback's goroutine (within `cancel`), so `stop`
//! returns false even if the runner has not moved yet.

use smallvec::SmallVec;
use weft_models::ir::{FuncId, Op, Program};

use super::{local, timer, Exec, Fault};
use crate::state::{Execution, Goroutine, GoroutineId, Object, Site, State};
use crate::value::{ObjRef, Value};

/// The callback of a `time.AfterFunc` timer.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct TimerCallback {
    /// The runner's function.
    pub runner: FuncId,
    /// The runner's arguments after the timer.
    pub args: SmallVec<[Value; 2]>,
    /// True while a runner waits for this timer (Reset starts one when
    /// none does).
    pub waiting: bool,
}

/// A `context.AfterFunc` registration (what its `stop` function stops).
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct RegistrationState {
    /// The context.
    pub ctx: ObjRef,
    /// Neither run nor stopped yet.
    pub armed: bool,
}

/// Starts goroutine `func(args...)` as the next child of `parent`; returns
/// its id.
pub(crate) fn spawn(
    ex: &mut Exec,
    parent: &GoroutineId,
    func: FuncId,
    args: &[Value],
) -> Result<GoroutineId, Fault> {
    let prog = ex.prog;
    let p = ex
        .goroutine_mut(parent)
        .ok_or_else(|| Fault::Internal("the spawning goroutine does not exist".into()))?;
    // (A child's index is a `u16`; `spawned` counts the children still
    // running, as the canonical renaming makes it. Past the last index two
    // children would share a name: the check stops instead.)
    if p.spawned > u32::from(u16::MAX) {
        return Err(Fault::Model(format!(
            "this goroutine has {} goroutines it started still running: weft names at most {} \
             running children of one goroutine",
            p.spawned,
            u32::from(u16::MAX) + 1
        )));
    }
    let child = p.id.child(p.spawned);
    p.spawned += 1;
    ex.state.insert_goroutine(Goroutine::new(
        child.clone(),
        Execution {
            frames: smallvec::smallvec![local::new_frame(prog, func, args)],
            panic: None,
            phase: 0,
            spinning: false,
        },
    ));
    Ok(child)
}

fn is_done(state: &State, ctx: ObjRef) -> bool {
    matches!(state.object(ctx), Object::Context(c) if c.err.is_some())
}

/// `AfterFunc`: makes the timer or registration and starts its runner;
/// returns the value `dst` gets and the runner.
pub(crate) fn register(
    ex: &mut Exec,
    by: &GoroutineId,
    trigger: Trigger,
    runner: FuncId,
    args: SmallVec<[Value; 2]>,
    site: Site,
) -> Result<(Value, GoroutineId), Fault> {
    let target = match trigger {
        Trigger::Timer => timer::create_with_callback(
            ex,
            by,
            site,
            TimerCallback {
                runner,
                args: args.clone(),
                waiting: true,
            },
        ),
        Trigger::Context(ctx) => {
            let ctx = match ctx.object() {
                Some(c) if matches!(ex.state.object(c), Object::Context(_)) => c,
                _ => return Err(Fault::Panic("cannot create context from nil parent".into())),
            };
            ex.state
                .alloc(Object::Registration(RegistrationState { ctx, armed: true }))
        }
    };
    let mut start: SmallVec<[Value; 6]> = SmallVec::new();
    start.push(Value::Obj(target));
    start.extend(args);
    let child = spawn(ex, by, runner, &start)?;
    Ok((Value::Obj(target), child))
}

/// What starts a callback, evaluated.
pub(crate) enum Trigger {
    /// A `time.AfterFunc` timer.
    Timer,
    /// `context.AfterFunc` on this context.
    Context(Value),
}

/// Whether a runner waiting on `target` can move: always for a timer (it
/// fires, or ends when stopped); for a registration once the context is
/// done or `stop` was called.
pub(crate) fn can_move(state: &State, target: ObjRef) -> bool {
    match state.object(target) {
        Object::Registration(r) => !r.armed || is_done(state, r.ctx),
        _ => true,
    }
}

/// The runner's step: true when the callback runs now.
pub(crate) fn await_callback(ex: &mut Exec, target: ObjRef) -> Result<bool, Fault> {
    match ex.state.object_mut(target) {
        Object::Timer(t) => {
            let fired = std::mem::replace(&mut t.active, false);
            if let Some(cb) = &mut t.callback {
                cb.waiting = false;
            }
            Ok(fired)
        }
        Object::Registration(r) => Ok(std::mem::replace(&mut r.armed, false)),
        o => Err(Fault::Model(format!(
            "a callback waits for a timer or a context, found {}",
            o.describe()
        ))),
    }
}

/// `stop()` of a `context.AfterFunc` registration.
pub(crate) fn stop(ex: &mut Exec, reg: ObjRef) -> bool {
    let (ctx, armed) = match ex.state.object(reg) {
        Object::Registration(r) => (r.ctx, r.armed),
        _ => return false,
    };
    if !armed || is_done(&ex.state, ctx) {
        // Stopped already, or the callback has started (Go starts it
        // within the cancel; the runner's step only shows it).
        return false;
    }
    if let Object::Registration(r) = ex.state.object_mut(reg) {
        r.armed = false;
    }
    true
}

/// `t.Reset(d)` of a `time.AfterFunc` timer whose runner has ended: starts
/// a new one. Returns it, if any.
pub(crate) fn restart(
    ex: &mut Exec,
    by: &GoroutineId,
    t: ObjRef,
) -> Result<Option<GoroutineId>, Fault> {
    let (runner, args) = match ex.state.object_mut(t) {
        Object::Timer(st) => match &mut st.callback {
            Some(cb) if !cb.waiting => {
                cb.waiting = true;
                (cb.runner, cb.args.clone())
            }
            _ => return Ok(None),
        },
        _ => return Ok(None),
    };
    let mut start: SmallVec<[Value; 6]> = SmallVec::new();
    start.push(Value::Obj(t));
    start.extend(args);
    spawn(ex, by, runner, &start).map(Some)
}

/// True when goroutine `g` is a runner still waiting for its trigger:
/// Go has no goroutine there yet (only a timer or a registration).
pub fn waiting_runner(prog: &Program, g: &Goroutine) -> bool {
    if g.spinning {
        return false;
    }
    let site = g.site();
    matches!(prog.instr(site.func, site.pc).op, Op::AwaitCallback { .. })
}

#[cfg(test)]
mod tests {
    use crate::semantics::{enabled, initial_state, step, FailureKind};

    /// A goroutine with a child at the last index may start no other
    /// while it runs: the step fails with a model error that says so,
    /// rather than naming two goroutines alike. One child fewer starts.
    #[test]
    fn a_child_past_the_last_index_stops_the_check() {
        let prog = crate::testing::program(
            r#"Scenario(name: "s", globals: [Var("x", 0)],
                main: [Go(body: [AtomicLoad("x", "v")]), AtomicStore("x", "1")])"#,
        );
        for (running, fails) in [
            (u32::from(u16::MAX), false),
            (u32::from(u16::MAX) + 1, true),
        ] {
            let mut state = initial_state(&prog).expect("the scenario starts");
            state.goroutines[0].spawned = running;
            let go = enabled(&prog, &state);
            assert_eq!(go.len(), 1, "{go:?}");
            let out = step(&prog, &state, &go[0]);
            match out.failure {
                Some(f) => {
                    assert!(fails, "{running}: {}", f.message);
                    assert_eq!(f.kind, FailureKind::Model);
                    assert!(
                        f.message
                            .contains("65536 goroutines it started still running")
                            && f.message.contains("at most 65536 running children"),
                        "{}",
                        f.message
                    );
                }
                None => {
                    assert!(!fails, "{running} running children, and one more started");
                    assert_eq!(out.state.goroutines.len(), 2);
                }
            }
        }
    }
}
