//! The static facts of every operation, in one place.
//!
//! Each function here is one exhaustive `match` over [`Op`] with no
//! wildcard arm: adding an `Op` variant does not compile until its facts
//! are stated. Every client of the checker reads operations through these
//! tables: the reduction (what a goroutine touches now and may touch
//! later), the race detector and the reports (the run-time footprint built
//! from [`expressions`]), and every walk over the code ([`successors`]).
//!
//! - [`expressions`]: every expression an operation evaluates, with its
//!   [`Role`]: the object it operates on and how ([`Use`]), a value it puts
//!   into a shared object (a handle stored there can reach other
//!   goroutines), or a value it only computes with.
//! - [`obtains`]: whether it brings a value out of a shared object into a
//!   local (a receive or a load may bring a handle).
//! - [`local_destinations`] and [`may_skip_a_destination`]: the locals it
//!   writes, and whether it writes them all on every completion.
//! - [`channel_ops`]: the channels it sends on, receives from or closes.
//! - [`successors`]: where control goes after it inside its function, and
//!   the functions it runs (called or started).

use crate::ir::{
    CallbackSource, CaseDir, Expr, FuncId, LocalId, NewObject, Op, Pc, Place, SyncMapOp,
};

/// How an operation uses an object operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Use {
    /// A plain read of a shared variable or map (races with a write).
    Read,
    /// A plain write of a shared variable or map.
    Write,
    /// An atomic read.
    AtomicRead,
    /// An atomic write (store, add, compare-and-swap).
    AtomicWrite,
    /// Looks at an object without changing or synchronising with it:
    /// `len(ch)` (Go's memory model gives `len` no happens-before edge) or
    /// `len(m)` (a plain read when the object is a map, decided at run time).
    Inspect,
    /// Changes or synchronises on the object: channel operations, locks,
    /// WaitGroup, Once, Cond, cancel, `ctx.Err()` (which locks the
    /// context's mutex: two calls do not commute for the race detector),
    /// timers, and registering a child with its parent context.
    Sync,
}

impl Use {
    /// True when the use never changes the object (reads commute).
    pub fn is_read_only(self) -> bool {
        match self {
            Use::Read | Use::AtomicRead | Use::Inspect => true,
            Use::Write | Use::AtomicWrite | Use::Sync => false,
        }
    }

    /// True when Go's memory model orders accesses of this kind to one
    /// object by happens-before (synchronising operations and atomics);
    /// plain accesses and `len` give no edge.
    pub fn synchronises(self) -> bool {
        match self {
            Use::AtomicRead | Use::AtomicWrite | Use::Sync => true,
            Use::Read | Use::Write | Use::Inspect => false,
        }
    }
}

/// The role of an expression an operation evaluates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// It denotes the object operated on, used this way.
    Object(Use),
    /// Its value is put into an existing shared object (sent, stored, a
    /// map key), where another goroutine can take it out.
    Stored,
    /// It is only computed with (a condition, a delta, an argument, a
    /// duration, the initial value of a new object, ...).
    Value,
}

/// Calls `f` on every expression `op` evaluates, with its role, in the
/// order the operation evaluates them.
pub fn expressions(op: &Op, mut f: impl FnMut(&Expr, Role)) {
    use Role::{Object, Stored, Value};
    let place = |p: &Place, u: Use, f: &mut dyn FnMut(&Expr, Role), key_role: Role| match p {
        Place::Var(e) => f(e, Object(u)),
        Place::MapEntry { map, key, .. } => {
            f(map, Object(u));
            f(key, key_role)
        }
    };
    match op {
        Op::Assign { value, .. } => f(value, Value),
        Op::Jump { .. } => {}
        Op::JumpIfNot { cond, .. } => f(cond, Value),
        Op::Call { args, .. } => args.iter().for_each(|a| f(a, Value)),
        Op::CallValue { callee, args, .. } | Op::GoValue { callee, args, .. } => {
            f(callee, Value);
            args.iter().for_each(|a| f(a, Value))
        }
        Op::Return { value, more } => {
            value.iter().for_each(|v| f(v, Value));
            more.iter().for_each(|(_, v)| f(v, Value));
        }
        Op::Defer { .. } | Op::EndDefer | Op::Recover { .. } => {}
        Op::Go { args, .. } => args.iter().for_each(|a| f(a, Value)),
        Op::Choose { values, .. } => values.iter().for_each(|v| f(v, Value)),
        Op::Panic { .. } | Op::Sleep => {}
        Op::Assert { cond, .. } => f(cond, Value),
        Op::New { object, .. } => match object {
            NewObject::Chan { cap, .. } => f(cap, Value),
            NewObject::Mutex
            | NewObject::RwMutex
            | NewObject::WaitGroup
            | NewObject::Once
            | NewObject::Map { .. }
            | NewObject::Background => {}
            NewObject::Cond { locker } => f(locker, Value),
            NewObject::Var { init } => f(init, Value),
            NewObject::WithCancel {
                parent, timeout, ..
            } => {
                // The child registers with its parent: cancelling the
                // parent reaches it.
                f(parent, Object(Use::Sync));
                timeout.iter().for_each(|t| f(t, Value));
            }
            NewObject::Timer { duration, .. } => f(duration, Value),
            NewObject::Group { cancel } => cancel.iter().for_each(|c| f(c, Value)),
            // Values put into the new object: private until its handle is
            // sent or stored.
            NewObject::Record { inits, .. } => inits.iter().for_each(|(_, v)| f(v, Value)),
            NewObject::Slice { len, cap, .. } => {
                f(len, Value);
                cap.iter().for_each(|c| f(c, Value))
            }
            // The new slice holds `of`'s element cells, which whoever
            // holds `of` reaches already: no element is read or written.
            NewObject::SlicePart { of, low, high } => {
                f(of, Value);
                low.iter().chain(high).for_each(|b| f(b, Value))
            }
            NewObject::Closure { captured, .. } => captured.iter().for_each(|v| f(v, Value)),
        },
        Op::Send { chan, value } => {
            f(chan, Object(Use::Sync));
            f(value, Stored)
        }
        Op::Recv { chan, .. } | Op::Close { chan } => f(chan, Object(Use::Sync)),
        Op::Select { arms, .. } => {
            // Every arm's channel: another arm becoming ready changes what
            // the select may do, so all of them are operands.
            for a in arms {
                f(&a.chan, Object(Use::Sync));
                match &a.dir {
                    CaseDir::Send { value } => f(value, Stored),
                    CaseDir::Recv { .. } => {}
                }
            }
        }
        Op::Lock { mutex }
        | Op::Unlock { mutex }
        | Op::TryLock { mutex, .. }
        | Op::RLock { mutex }
        | Op::RUnlock { mutex } => f(mutex, Object(Use::Sync)),
        Op::WgAdd { wg, delta } => {
            f(wg, Object(Use::Sync));
            f(delta, Value)
        }
        Op::Wait { target, .. } => f(target, Object(Use::Sync)),
        Op::Signal { cond } | Op::Broadcast { cond } => f(cond, Object(Use::Sync)),
        Op::OnceEnter { once, .. } | Op::OnceExit { once } => f(once, Object(Use::Sync)),
        Op::Cancel { cancel } => f(cancel, Object(Use::Sync)),
        Op::CtxErr { ctx, .. } => f(ctx, Object(Use::Sync)),
        Op::TimerStop { timer, .. } => f(timer, Object(Use::Sync)),
        Op::TimerReset {
            timer, duration, ..
        } => {
            f(timer, Object(Use::Sync));
            f(duration, Value)
        }
        Op::AfterFunc { source, args, .. } => {
            match source {
                CallbackSource::Timer { duration } => f(duration, Value),
                // The registration joins the context: cancelling it
                // reaches the callback.
                CallbackSource::Context { ctx } => f(ctx, Object(Use::Sync)),
            }
            args.iter().for_each(|a| f(a, Value))
        }
        Op::AwaitCallback { target, .. } => f(target, Object(Use::Sync)),
        // With spare capacity for the values it writes the cells past the
        // slice's length in place; without, it reads the elements it
        // copies (plain accesses of memory the slice reaches, which the
        // race detector checks). The checker's footprint says which, at
        // run time. A spread slice's elements are read as copied.
        Op::Append {
            from,
            values,
            spread,
            ..
        } => {
            f(from, Object(Use::Write));
            for v in values {
                f(v, if *spread { Object(Use::Read) } else { Stored });
            }
        }
        Op::Load { place: p, .. } => place(p, Use::Read, &mut f, Value),
        Op::Store { place: p, value } => {
            place(p, Use::Write, &mut f, Stored);
            f(value, Stored)
        }
        Op::MapDelete { map, key } => {
            f(map, Object(Use::Write));
            f(key, Value)
        }
        Op::Len { target, .. } => f(target, Object(Use::Inspect)),
        Op::MapNext {
            map, seen, sync, ..
        } => {
            // A plain read of the map (it races with a concurrent write;
            // a sync.Map's Range is synchronised), and a write of the
            // loop's own record of produced keys.
            f(map, Object(if *sync { Use::AtomicRead } else { Use::Read }));
            f(&Expr::Local(*seen), Object(Use::Write))
        }
        Op::SyncMap {
            map,
            op,
            key,
            value,
            ..
        } => {
            // sync.Map's methods synchronise: a write is synchronised
            // before a read that observes it (the Go memory model).
            f(
                map,
                Object(if op.is_read() {
                    Use::AtomicRead
                } else {
                    Use::AtomicWrite
                }),
            );
            f(key, Stored);
            value.iter().for_each(|v| f(v, Stored));
        }
        Op::AtomicLoad { var, .. } => f(var, Object(Use::AtomicRead)),
        Op::AtomicStore { var, value } => {
            f(var, Object(Use::AtomicWrite));
            f(value, Stored)
        }
        Op::AtomicAdd { var, delta, .. } => {
            f(var, Object(Use::AtomicWrite));
            f(delta, Value)
        }
        Op::CompareAndSwap { var, old, new, .. } => {
            f(var, Object(Use::AtomicWrite));
            f(old, Value);
            f(new, Stored)
        }
    }
}

/// Calls `f` on every object operand of `op` with its use.
pub fn operands(op: &Op, mut f: impl FnMut(&Expr, Use)) {
    expressions(op, |e, role| match role {
        Role::Object(u) => f(e, u),
        Role::Stored | Role::Value => {}
    })
}

/// True when `op` writes a value taken out of a shared object into a local:
/// a receive or a load, which may bring a handle another goroutine put
/// there.
pub fn obtains(op: &Op) -> bool {
    match op {
        Op::Recv { dst, .. } => dst.is_some(),
        Op::Select { arms, .. } => arms
            .iter()
            .any(|a| matches!(a.dir, CaseDir::Recv { dst: Some(_), .. })),
        Op::Load { .. } | Op::AtomicLoad { .. } => true,
        Op::MapNext { key, value, .. } => key.is_some() || value.is_some(),
        Op::SyncMap { op, dst, .. } => {
            dst.is_some()
                && match op {
                    SyncMapOp::Load | SyncMapOp::LoadOrStore | SyncMapOp::LoadAndDelete => true,
                    SyncMapOp::Store | SyncMapOp::Delete => false,
                }
        }
        // Results computed by the operation itself (a flag, a count, a new
        // handle, an error value) are not taken out of a shared object.
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
        | Op::Panic { .. }
        | Op::Assert { .. }
        | Op::Sleep
        | Op::New { .. }
        | Op::Send { .. }
        | Op::Close { .. }
        | Op::Lock { .. }
        | Op::Unlock { .. }
        | Op::TryLock { .. }
        | Op::RLock { .. }
        | Op::RUnlock { .. }
        | Op::WgAdd { .. }
        | Op::Wait { .. }
        | Op::Signal { .. }
        | Op::Broadcast { .. }
        | Op::OnceEnter { .. }
        | Op::OnceExit { .. }
        | Op::Cancel { .. }
        | Op::CtxErr { .. }
        | Op::TimerStop { .. }
        | Op::TimerReset { .. }
        | Op::AfterFunc { .. }
        | Op::AwaitCallback { .. }
        | Op::Append { .. }
        | Op::Store { .. }
        | Op::MapDelete { .. }
        | Op::Len { .. }
        | Op::AtomicStore { .. }
        | Op::AtomicAdd { .. }
        | Op::CompareAndSwap { .. } => false,
    }
}

/// Calls `f` on every local slot of its own frame that `op` may write:
/// an assignment's target, a result or flag an operation stores, a
/// receive's value. Frames are private and closures capture by value
/// (models/README.md), so these are the only writes to a frame's locals.
pub fn local_destinations(op: &Op, mut f: impl FnMut(LocalId)) {
    fn opt(d: &Option<LocalId>, f: &mut impl FnMut(LocalId)) {
        if let Some(d) = d {
            f(*d)
        }
    }
    match op {
        Op::New { dst, object } => {
            f(*dst);
            // `ctx, cancel := context.WithCancel(parent)`: both.
            if let NewObject::WithCancel { cancel, .. } = object {
                f(*cancel);
            }
        }
        Op::Assign { dst, .. }
        | Op::Choose { dst, .. }
        | Op::CtxErr { dst, .. }
        | Op::Append { dst, .. }
        | Op::AwaitCallback { dst, .. }
        | Op::Len { dst, .. }
        | Op::AtomicLoad { dst, .. } => f(*dst),
        Op::Call { dst, more, .. } => {
            opt(dst, &mut f);
            more.iter().for_each(|d| opt(d, &mut f));
        }
        Op::Return { more, .. } => more.iter().for_each(|(slot, _)| f(*slot)),
        Op::CallValue { dst, .. }
        | Op::Recover { dst }
        | Op::TryLock { dst, .. }
        | Op::TimerStop { dst, .. }
        | Op::TimerReset { dst, .. }
        | Op::AfterFunc { dst, .. }
        | Op::AtomicAdd { dst, .. }
        | Op::CompareAndSwap { dst, .. } => opt(dst, &mut f),
        Op::Recv { dst, ok, .. } => {
            opt(dst, &mut f);
            opt(ok, &mut f);
        }
        Op::Load { dst, ok, .. } => {
            f(*dst);
            opt(ok, &mut f);
        }
        Op::SyncMap { dst, ok, .. } => {
            opt(dst, &mut f);
            opt(ok, &mut f);
        }
        Op::MapNext {
            seen,
            key,
            value,
            more,
            ..
        } => {
            f(*seen);
            opt(key, &mut f);
            opt(value, &mut f);
            f(*more);
        }
        Op::Select { arms, .. } => {
            for a in arms {
                match &a.dir {
                    CaseDir::Recv { dst, ok } => {
                        opt(dst, &mut f);
                        opt(ok, &mut f);
                    }
                    CaseDir::Send { .. } => {}
                }
            }
        }
        Op::Jump { .. }
        | Op::JumpIfNot { .. }
        | Op::Defer { .. }
        | Op::EndDefer
        | Op::Go { .. }
        | Op::GoValue { .. }
        | Op::Panic { .. }
        | Op::Assert { .. }
        | Op::Sleep
        | Op::Send { .. }
        | Op::Close { .. }
        | Op::Lock { .. }
        | Op::Unlock { .. }
        | Op::RLock { .. }
        | Op::RUnlock { .. }
        | Op::WgAdd { .. }
        | Op::Wait { .. }
        | Op::Signal { .. }
        | Op::Broadcast { .. }
        | Op::OnceEnter { .. }
        | Op::OnceExit { .. }
        | Op::Cancel { .. }
        | Op::Store { .. }
        | Op::MapDelete { .. }
        | Op::AtomicStore { .. } => {}
    }
}

/// True when `op` may complete without writing every local
/// [`local_destinations`] names: a `select` writes the locals of the case
/// taken only, a map range its key and value only for an iteration, and
/// the others leave a result unwritten on some outcome. Where false, each
/// of those locals is written on every completion, so the value it held
/// before is never read again through it (`crate::liveness`).
pub fn may_skip_a_destination(op: &Op) -> bool {
    match op {
        Op::Select { .. }
        | Op::MapNext { .. }
        | Op::SyncMap { .. }
        | Op::Append { .. }
        | Op::AwaitCallback { .. }
        | Op::Recover { .. }
        | Op::TimerStop { .. }
        | Op::TimerReset { .. }
        | Op::AfterFunc { .. } => true,
        // The value computed, the handle made, the value loaded or
        // received (a closed channel gives the zero value and `ok`
        // false), the callee's result (its `return` writes the caller's
        // slot), the flag or count an operation reports; or no local.
        Op::Assign { .. }
        | Op::Choose { .. }
        | Op::New { .. }
        | Op::CtxErr { .. }
        | Op::Len { .. }
        | Op::AtomicLoad { .. }
        | Op::Recv { .. }
        | Op::Load { .. }
        | Op::Call { .. }
        | Op::CallValue { .. }
        | Op::TryLock { .. }
        | Op::AtomicAdd { .. }
        | Op::CompareAndSwap { .. }
        | Op::Jump { .. }
        | Op::JumpIfNot { .. }
        | Op::Return { .. }
        | Op::Defer { .. }
        | Op::EndDefer
        | Op::Go { .. }
        | Op::GoValue { .. }
        | Op::Panic { .. }
        | Op::Assert { .. }
        | Op::Sleep
        | Op::Send { .. }
        | Op::Close { .. }
        | Op::Lock { .. }
        | Op::Unlock { .. }
        | Op::RLock { .. }
        | Op::RUnlock { .. }
        | Op::WgAdd { .. }
        | Op::Wait { .. }
        | Op::Signal { .. }
        | Op::Broadcast { .. }
        | Op::OnceEnter { .. }
        | Op::OnceExit { .. }
        | Op::Cancel { .. }
        | Op::Store { .. }
        | Op::MapDelete { .. }
        | Op::AtomicStore { .. } => false,
    }
}

/// What a channel operation does to its channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChanOp {
    /// Sends on it (a `select` case too).
    Send,
    /// Receives from it (a `select` case too).
    Receive,
    /// Closes it.
    Close,
}

/// Calls `f` on every channel `op` sends on, receives from or closes, with
/// what it does. These are the only operations that change a channel made
/// by `Chan` (timers and contexts also change the channels they own, which
/// are not made by `Chan`): a goroutine blocked on such a channel can only
/// be released by one of them.
pub fn channel_ops(op: &Op, mut f: impl FnMut(&Expr, ChanOp)) {
    match op {
        Op::Send { chan, .. } => f(chan, ChanOp::Send),
        Op::Recv { chan, .. } => f(chan, ChanOp::Receive),
        Op::Close { chan } => f(chan, ChanOp::Close),
        Op::Select { arms, .. } => {
            for a in arms {
                match a.dir {
                    CaseDir::Send { .. } => f(&a.chan, ChanOp::Send),
                    CaseDir::Recv { .. } => f(&a.chan, ChanOp::Receive),
                }
            }
        }
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
        | Op::Panic { .. }
        | Op::Assert { .. }
        | Op::Sleep
        | Op::New { .. }
        | Op::Lock { .. }
        | Op::Unlock { .. }
        | Op::TryLock { .. }
        | Op::RLock { .. }
        | Op::RUnlock { .. }
        | Op::WgAdd { .. }
        | Op::Wait { .. }
        | Op::Signal { .. }
        | Op::Broadcast { .. }
        | Op::OnceEnter { .. }
        | Op::OnceExit { .. }
        | Op::Cancel { .. }
        | Op::CtxErr { .. }
        | Op::TimerStop { .. }
        | Op::TimerReset { .. }
        | Op::AfterFunc { .. }
        | Op::AwaitCallback { .. }
        | Op::Append { .. }
        | Op::Load { .. }
        | Op::Store { .. }
        | Op::MapDelete { .. }
        | Op::Len { .. }
        | Op::MapNext { .. }
        | Op::SyncMap { .. }
        | Op::AtomicLoad { .. }
        | Op::AtomicStore { .. }
        | Op::AtomicAdd { .. }
        | Op::CompareAndSwap { .. } => {}
    }
}

/// Where control may go after an instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Successor<'a> {
    /// An instruction of the same function (it may be past the end of the
    /// code, which no lowered function reaches; walks skip it).
    Pc(Pc),
    /// A deferred block registered here; it runs when the function returns
    /// or panics.
    Deferred(Pc),
    /// A call: the callee runs with these arguments, then control returns
    /// to the instruction after the call (also given as a [`Successor::Pc`]).
    Call {
        /// The callee.
        func: FuncId,
        /// Its arguments, evaluated in the caller's frame.
        args: &'a [Expr],
    },
    /// A `go` statement: the function runs in a new goroutine, and the
    /// spawner goes on (also given as a [`Successor::Pc`]).
    Spawn {
        /// The function started.
        func: FuncId,
        /// Its arguments, evaluated by the spawner.
        args: &'a [Expr],
    },
}

/// Calls `f` on every successor of the instruction `op` at `pc`.
///
/// `return`, the end of a deferred block and `panic` have no successor in
/// their function (deferred blocks already registered are reached through
/// [`Successor::Deferred`]); a failed assertion ends the program, so only
/// its passing successor counts.
pub fn successors<'a>(op: &'a Op, pc: Pc, mut f: impl FnMut(Successor<'a>)) {
    let next = Successor::Pc(Pc(pc.0 + 1));
    match op {
        Op::Jump { target } => f(Successor::Pc(*target)),
        Op::JumpIfNot { target, .. } => {
            f(next);
            f(Successor::Pc(*target))
        }
        Op::Select { arms, default } => {
            // Every case jumps to its body: the select never falls through.
            for a in arms {
                f(Successor::Pc(a.target));
            }
            if let Some(d) = default {
                f(Successor::Pc(*d));
            }
        }
        Op::OnceEnter { skip, .. } => {
            f(next);
            f(Successor::Pc(*skip))
        }
        Op::Defer { entry } => {
            f(next);
            f(Successor::Deferred(*entry))
        }
        Op::Return { .. } | Op::EndDefer | Op::Panic { .. } => {}
        Op::Call { func, args, .. } => {
            f(Successor::Call { func: *func, args });
            f(next)
        }
        Op::Go { func, args } => {
            f(Successor::Spawn { func: *func, args });
            f(next)
        }
        // Through a function value: any function the program uses as one.
        // The arguments are not the callee's parameters one for one (a
        // closure's captured values come first), so none are given.
        Op::CallValue { candidates, .. } => {
            for func in candidates {
                f(Successor::Call {
                    func: *func,
                    args: &[],
                });
            }
            f(next)
        }
        Op::AfterFunc { runner, .. } => {
            // The runner's parameters are the timer or registration, then
            // the arguments: not one for one, so none are given.
            f(Successor::Spawn {
                func: *runner,
                args: &[],
            });
            f(next)
        }
        // Reset of a `time.AfterFunc` timer whose callback has started
        // starts its runner again.
        Op::TimerReset { respawn, .. } => {
            for func in respawn {
                f(Successor::Spawn {
                    func: *func,
                    args: &[],
                });
            }
            f(next)
        }
        Op::GoValue { candidates, .. } => {
            for func in candidates {
                f(Successor::Spawn {
                    func: *func,
                    args: &[],
                });
            }
            f(next)
        }
        Op::Assign { .. }
        | Op::Recover { .. }
        | Op::Choose { .. }
        | Op::Assert { .. }
        | Op::Sleep
        | Op::New { .. }
        | Op::Send { .. }
        | Op::Recv { .. }
        | Op::Close { .. }
        | Op::Lock { .. }
        | Op::Unlock { .. }
        | Op::TryLock { .. }
        | Op::RLock { .. }
        | Op::RUnlock { .. }
        | Op::WgAdd { .. }
        | Op::Wait { .. }
        | Op::Signal { .. }
        | Op::Broadcast { .. }
        | Op::OnceExit { .. }
        | Op::Cancel { .. }
        | Op::CtxErr { .. }
        | Op::TimerStop { .. }
        | Op::AwaitCallback { .. }
        | Op::Append { .. }
        | Op::Load { .. }
        | Op::Store { .. }
        | Op::MapDelete { .. }
        | Op::Len { .. }
        | Op::MapNext { .. }
        | Op::SyncMap { .. }
        | Op::AtomicLoad { .. }
        | Op::AtomicStore { .. }
        | Op::AtomicAdd { .. }
        | Op::CompareAndSwap { .. } => f(next),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{GlobalId, LocalId, SelectArm};
    use crate::span::Span;

    fn g(i: u32) -> Expr {
        Expr::Global(GlobalId(i))
    }

    /// `ctx, cancel := context.WithCancel(parent)` writes both locals: the
    /// reduction's record of the locals an operation assigns, the walk of
    /// a frozen goroutine's code and the liveness analysis all read them
    /// here (before, the cancel function's was left out).
    #[test]
    fn a_with_cancel_writes_the_context_and_its_cancel_function() {
        let op = Op::New {
            dst: LocalId(3),
            object: NewObject::WithCancel {
                parent: g(0),
                cancel: LocalId(5),
                timeout: None,
            },
        };
        let mut written = Vec::new();
        local_destinations(&op, |l| written.push(l));
        assert_eq!(written, vec![LocalId(3), LocalId(5)]);
        assert!(!may_skip_a_destination(&op));
    }

    fn roles(op: &Op) -> Vec<(Expr, Role)> {
        let mut out = Vec::new();
        expressions(op, |e, r| out.push((e.clone(), r)));
        out
    }

    fn succ(op: &Op, pc: u32) -> Vec<String> {
        let mut out = Vec::new();
        successors(op, Pc(pc), |s| out.push(format!("{s:?}")));
        out
    }

    #[test]
    fn a_send_syncs_on_its_channel_and_stores_its_value() {
        let op = Op::Send {
            chan: g(0),
            value: Expr::Local(LocalId(1)),
        };
        assert_eq!(
            roles(&op),
            vec![
                (g(0), Role::Object(Use::Sync)),
                (Expr::Local(LocalId(1)), Role::Stored)
            ]
        );
        assert!(!obtains(&op));
    }

    #[test]
    fn reads_writes_and_observations_are_told_apart() {
        let load = Op::Load {
            place: Place::MapEntry {
                map: g(1),
                key: Expr::Local(LocalId(0)),
                nil_read: crate::ir::Const::Int(0),
            },
            dst: LocalId(2),
            ok: None,
        };
        assert_eq!(
            roles(&load),
            vec![
                (g(1), Role::Object(Use::Read)),
                (Expr::Local(LocalId(0)), Role::Value)
            ]
        );
        assert!(obtains(&load));
        let err = Op::CtxErr {
            ctx: g(2),
            dst: LocalId(0),
        };
        assert_eq!(roles(&err), vec![(g(2), Role::Object(Use::Sync))]);
        assert!(Use::Read.is_read_only() && Use::Inspect.is_read_only());
        assert!(!Use::Sync.is_read_only() && !Use::AtomicWrite.is_read_only());
    }

    #[test]
    fn with_cancel_registers_with_its_parent() {
        let op = Op::New {
            dst: LocalId(0),
            object: NewObject::WithCancel {
                parent: g(3),
                cancel: LocalId(1),
                timeout: None,
            },
        };
        assert_eq!(roles(&op), vec![(g(3), Role::Object(Use::Sync))]);
    }

    #[test]
    fn panic_and_return_end_the_walk_and_select_never_falls_through() {
        assert!(succ(
            &Op::Panic {
                message: "x".into()
            },
            3
        )
        .is_empty());
        assert!(succ(
            &Op::Return {
                value: None,
                more: Vec::new()
            },
            3
        )
        .is_empty());
        let arm = |t: u32| SelectArm {
            chan: g(0),
            dir: CaseDir::Recv {
                dst: None,
                ok: None,
            },
            target: Pc(t),
            span: Span::default(),
        };
        let sel = Op::Select {
            arms: vec![arm(5), arm(9)],
            default: Some(Pc(12)),
        };
        assert_eq!(succ(&sel, 4), vec!["Pc(Pc(5))", "Pc(Pc(9))", "Pc(Pc(12))"]);
        assert_eq!(succ(&Op::Sleep, 4), vec!["Pc(Pc(5))"]);
        let call = Op::Call {
            func: FuncId(2),
            args: vec![],
            dst: None,
            more: Vec::new(),
        };
        assert_eq!(
            succ(&call, 4),
            vec!["Call { func: FuncId(2), args: [] }", "Pc(Pc(5))"]
        );
    }
}
