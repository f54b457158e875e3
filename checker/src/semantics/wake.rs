//! What a blocked goroutine waits for, and which operations would release
//! it: the semantics' answer to "why is it stuck, and who could help", in
//! the vocabulary of [`super::waits`].
//!
//! [`blocked`] asks the primitive of a goroutine's pending operation (each
//! answers in its own file: `channel`, `mutex`, `rwmutex`, `waitgroup`,
//! `cond`, `once`, `context`) what it waits for. [`releases`] says what an
//! operation would do that can release a waiter; the wait explanation walks
//! every goroutine's code ahead and matches the two.

use weft_models::ir::{CaseDir, Expr, Op, Program};

use super::eval::eval;
pub(crate) use super::waits::{Blocked, Holder, Release, WaitNote, Waiting};
use super::{channel, cond, context, mutex, once, rwmutex, timer, waitgroup};
use crate::state::{Goroutine, Object, State};
use crate::value::{ObjRef, Value};

fn object(state: &State, g: &Goroutine, e: &Expr) -> Option<ObjRef> {
    eval(state, &g.top().locals, e).ok().and_then(Value::object)
}

/// What goroutine `g`, blocked at its pending operation, waits for; `None`
/// when that operation is not one that blocks.
pub(crate) fn blocked(prog: &Program, state: &State, g: &Goroutine) -> Option<Blocked> {
    let site = g.site();
    let obj = |e: &Expr| object(state, g, e);
    let b = match &prog.instr(site.func, site.pc).op {
        Op::Send { chan, .. } => channel::blocked(obj(chan), true),
        Op::Recv { chan, .. } => {
            let ch = obj(chan);
            let mut b = channel::blocked(ch, false);
            if let Some(r) = ch {
                context::cancels_close(state, r, &mut b);
                timer::feeds(state, r, &mut b);
            }
            b
        }
        Op::Select { arms, .. } => {
            let arms: Vec<(Option<ObjRef>, bool)> = arms
                .iter()
                .map(|a| (obj(&a.chan), matches!(a.dir, CaseDir::Send { .. })))
                .collect();
            let mut b = channel::blocked_select(&arms);
            for &(ch, send) in &arms {
                if let (Some(r), false) = (ch, send) {
                    context::cancels_close(state, r, &mut b);
                    timer::feeds(state, r, &mut b);
                }
            }
            b
        }
        Op::Lock { mutex: rl }
            if matches!(eval(state, &g.top().locals, rl), Ok(Value::RLocker(_))) =>
        {
            let m = obj(rl)?;
            match state.object(m) {
                Object::RwMutex(rw) => rwmutex::blocked_rlock(rw, m, g),
                _ => return None,
            }
        }
        Op::Lock { mutex: m } => {
            let m = obj(m)?;
            match state.object(m) {
                Object::RwMutex(rw) => rwmutex::blocked_lock(rw, m, g),
                Object::Mutex(_) => mutex::blocked_lock(m),
                _ => return None,
            }
        }
        Op::RLock { mutex: m } => {
            let m = obj(m)?;
            match state.object(m) {
                Object::RwMutex(rw) => rwmutex::blocked_rlock(rw, m, g),
                _ => return None,
            }
        }
        Op::Wait { target, .. } => {
            let r = obj(target)?;
            match state.object(r) {
                Object::WaitGroup(wg) => waitgroup::blocked(wg, r),
                Object::Cond(c) => cond::blocked(c, r, &g.id),
                _ => return None,
            }
        }
        Op::OnceEnter { once: o, .. } => once::blocked(obj(o)?),
        // A callback's runner waiting for its trigger is not a goroutine
        // in Go (see `callback`): it is never reported as stuck.
        Op::AwaitCallback { .. } => return None,
        // Operations that never block: a goroutine is never stuck at one.
        Op::Assign { .. }
        | Op::Jump { .. }
        | Op::JumpIfNot { .. }
        | Op::Call { .. }
        | Op::CallValue { .. }
        | Op::Return { .. }
        | Op::Defer { .. }
        | Op::EndDefer
        | Op::Recover { .. }
        | Op::Go { .. }
        | Op::GoValue { .. }
        | Op::Choose { .. }
        | Op::MapNext { .. }
        | Op::SyncMap { .. }
        | Op::Panic { .. }
        | Op::Assert { .. }
        | Op::Sleep
        | Op::New { .. }
        | Op::Close { .. }
        | Op::Unlock { .. }
        | Op::TryLock { .. }
        | Op::RUnlock { .. }
        | Op::WgAdd { .. }
        | Op::Signal { .. }
        | Op::Broadcast { .. }
        | Op::OnceExit { .. }
        | Op::Cancel { .. }
        | Op::CtxErr { .. }
        | Op::TimerStop { .. }
        | Op::TimerReset { .. }
        | Op::AfterFunc { .. }
        | Op::Append { .. }
        | Op::Load { .. }
        | Op::Store { .. }
        | Op::MapDelete { .. }
        | Op::Len { .. }
        | Op::AtomicLoad { .. }
        | Op::AtomicStore { .. }
        | Op::AtomicAdd { .. }
        | Op::CompareAndSwap { .. } => return None,
    };
    Some(b)
}

/// Calls `f` with what `op` would do that can release a waiter, and on
/// which object. `value` evaluates an operand where it is known (a walk
/// over code ahead knows some locals, not all); unknown operands release
/// nothing that could be named.
pub(crate) fn releases(
    op: &Op,
    value: &mut dyn FnMut(&Expr) -> Option<Value>,
    f: &mut dyn FnMut(Release, ObjRef),
) {
    let mut on = |r: Release, e: &Expr, value: &mut dyn FnMut(&Expr) -> Option<Value>| {
        if let Some(o) = value(e).and_then(Value::object) {
            f(r, o)
        }
    };
    match op {
        Op::Send { chan, .. } => on(Release::Send, chan, value),
        Op::Recv { chan, .. } => on(Release::Receive, chan, value),
        Op::Close { chan } => on(Release::Close, chan, value),
        Op::Select { arms, .. } => {
            for a in arms {
                let r = match a.dir {
                    CaseDir::Send { .. } => Release::Send,
                    CaseDir::Recv { .. } => Release::Receive,
                };
                on(r, &a.chan, value);
            }
        }
        Op::Unlock { mutex } => {
            // The Unlock of `rw.RLocker()` is an RUnlock.
            let r = match value(mutex) {
                Some(Value::RLocker(_)) => Release::ReadUnlock,
                _ => Release::Unlock,
            };
            on(r, mutex, value)
        }
        Op::RUnlock { mutex } => on(Release::ReadUnlock, mutex, value),
        Op::WgAdd { wg, delta } => {
            let delta = match value(delta) {
                Some(Value::Int(d)) => Some(d),
                _ => None,
            };
            if waitgroup::may_release(delta) {
                on(Release::Done, wg, value);
            }
        }
        Op::Signal { cond } | Op::Broadcast { cond } => on(Release::Signal, cond, value),
        Op::Cancel { cancel } => {
            if let Some(Value::Cancel(ctx)) = value(cancel) {
                f(Release::Cancel, ctx);
            }
        }
        Op::OnceExit { once } => on(Release::FinishOnce, once, value),
        Op::Assign { .. }
        | Op::Jump { .. }
        | Op::JumpIfNot { .. }
        | Op::Call { .. }
        | Op::CallValue { .. }
        | Op::Return { .. }
        | Op::Defer { .. }
        | Op::EndDefer
        | Op::Recover { .. }
        | Op::Go { .. }
        | Op::GoValue { .. }
        | Op::Choose { .. }
        | Op::MapNext { .. }
        | Op::SyncMap { .. }
        | Op::Panic { .. }
        | Op::Assert { .. }
        | Op::Sleep
        | Op::New { .. }
        | Op::Lock { .. }
        | Op::TryLock { .. }
        | Op::RLock { .. }
        | Op::Wait { .. }
        | Op::OnceEnter { .. }
        | Op::AwaitCallback { .. }
        | Op::CtxErr { .. }
        | Op::TimerStop { .. }
        | Op::TimerReset { .. }
        | Op::AfterFunc { .. }
        | Op::Append { .. }
        | Op::Load { .. }
        | Op::Store { .. }
        | Op::MapDelete { .. }
        | Op::Len { .. }
        | Op::AtomicLoad { .. }
        | Op::AtomicStore { .. }
        | Op::AtomicAdd { .. }
        | Op::CompareAndSwap { .. } => {}
    }
}
