//! What a blocked goroutine waits for, and which operations would release
//! it: the semantics' answer to "why is it stuck, and who could help".
//!
//! [`blocked`] asks the primitive of a goroutine's pending operation (each
//! answers in its own file: `channel`, `mutex`, `rwmutex`, `waitgroup`,
//! `cond`, `once`, `context`) what it waits for. [`releases`] says what an
//! operation would do that can release a waiter; the wait explanation walks
//! every goroutine's code ahead and matches the two.

use weft_models::ir::{CaseDir, Expr, Op, Program};

use super::eval::eval;
use super::{channel, cond, mutex, once, rwmutex, waitgroup};
use crate::state::{Goroutine, GoroutineId, Object, State};
use crate::value::{ObjRef, Value};

/// An operation that can release a blocked goroutine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Release {
    /// A send on the channel.
    Send,
    /// A receive from the channel.
    Receive,
    /// Closing the channel.
    Close,
    /// Unlocking the (RW)Mutex.
    Unlock,
    /// Read-unlocking the RWMutex.
    ReadUnlock,
    /// `Done` (a negative `Add`) on the WaitGroup.
    Done,
    /// `Signal` or `Broadcast` on the Cond.
    Signal,
    /// Calling the context's cancel function.
    Cancel,
    /// Finishing the function a `Once` runs.
    FinishOnce,
}

/// What a blocked goroutine is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Waiting {
    /// Sending on a channel.
    Send,
    /// Receiving from a channel.
    Receive,
    /// In a `select`.
    Select,
    /// `Lock` on a Mutex or RWMutex.
    Lock,
    /// `RLock` on an RWMutex.
    ReadLock,
    /// An RWMutex writer that has announced itself, waiting for the
    /// readers inside to leave.
    ReadersLeave,
    /// `Wait` on a WaitGroup.
    WaitGroup,
    /// `Wait` on a Cond, not yet signalled.
    Signal,
    /// `Wait` on a Cond, signalled, retaking the Locker.
    Relock,
    /// Entering `once.Do` while another goroutine runs the function.
    EnterOnce,
}

/// A fact that explains a wait by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum WaitNote {
    /// The channel is nil: it is never ready.
    NilChannel,
    /// `select {}`: blocks forever.
    EmptySelect,
    /// Every case of the select is on a nil channel.
    AllCasesNil,
    /// The WaitGroup's counter.
    Counter(i64),
    /// A writer is waiting for the RWMutex, so new readers wait too.
    WriterWaiting,
}

/// Who holds what a blocked goroutine needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Holder {
    /// The goroutine holding the write lock of this (RW)Mutex, or running
    /// this `Once`'s function: the run's history knows who.
    Writer(ObjRef),
    /// The goroutines holding read locks of this RWMutex (history knows).
    Readers(ObjRef),
    /// This goroutine, known from the state (an RWMutex's pending writer).
    Goroutine(GoroutineId),
}

/// What a blocked goroutine waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Blocked {
    /// What it is doing.
    pub waiting: Waiting,
    /// The objects it waits on (several for a select), in operand order.
    pub objects: Vec<ObjRef>,
    /// Who holds what it needs.
    pub holders: Vec<Holder>,
    /// The operations, on which objects, that would release it.
    pub released_by: Vec<(Release, ObjRef)>,
    /// A fact that explains the wait.
    pub note: Option<WaitNote>,
}

impl Blocked {
    /// A wait with nothing known yet.
    pub fn new(waiting: Waiting) -> Blocked {
        Blocked {
            waiting,
            objects: Vec::new(),
            holders: Vec::new(),
            released_by: Vec::new(),
            note: None,
        }
    }
}

fn object(state: &State, g: &Goroutine, e: &Expr) -> Option<ObjRef> {
    eval(state, &g.top().locals, e).ok().and_then(Value::object)
}

/// What goroutine `g`, blocked at its pending operation, waits for; `None`
/// when that operation is not one that blocks.
pub(crate) fn blocked(prog: &Program, state: &State, g: &Goroutine) -> Option<Blocked> {
    let site = g.site();
    let obj = |e: &Expr| object(state, g, e);
    let b = match &prog.instr(site.func, site.pc).op {
        Op::Send { chan, .. } => channel::blocked(state, obj(chan), true),
        Op::Recv { chan, .. } => channel::blocked(state, obj(chan), false),
        Op::Select { arms, .. } => {
            let arms: Vec<(Option<ObjRef>, bool)> = arms
                .iter()
                .map(|a| (obj(&a.chan), matches!(a.dir, CaseDir::Send { .. })))
                .collect();
            channel::blocked_select(state, &arms)
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
        Op::Wait { target } => {
            let r = obj(target)?;
            match state.object(r) {
                Object::WaitGroup(wg) => waitgroup::blocked(wg, r),
                Object::Cond(c) => cond::blocked(c, r, &g.id),
                _ => return None,
            }
        }
        Op::OnceEnter { once: o, .. } => once::blocked(obj(o)?),
        // Operations that never block: a goroutine is never stuck at one.
        Op::Assign { .. }
        | Op::Jump { .. }
        | Op::JumpIfNot { .. }
        | Op::Call { .. }
        | Op::Return { .. }
        | Op::Defer { .. }
        | Op::EndDefer
        | Op::Recover { .. }
        | Op::Go { .. }
        | Op::Choose { .. }
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
        Op::Unlock { mutex } => on(Release::Unlock, mutex, value),
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
        | Op::Return { .. }
        | Op::Defer { .. }
        | Op::EndDefer
        | Op::Recover { .. }
        | Op::Go { .. }
        | Op::Choose { .. }
        | Op::Panic { .. }
        | Op::Assert { .. }
        | Op::Sleep
        | Op::New { .. }
        | Op::Lock { .. }
        | Op::TryLock { .. }
        | Op::RLock { .. }
        | Op::Wait { .. }
        | Op::OnceEnter { .. }
        | Op::CtxErr { .. }
        | Op::TimerStop { .. }
        | Op::TimerReset { .. }
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
