//! Which transitions can fire in a state.
//!
//! A goroutine's next visible operation decides its transitions. An
//! unbuffered send pairs with every receiver waiting on the same channel
//! (plain or in a select) as one joint [`Transition::Rendezvous`], listed at
//! the sender. A select lists each ready arm; `default` when no arm is ready
//! from the channel's own state (buffered data or room, closed). A partner
//! goroutine poised at the other end does not rule `default` out: in Go it
//! may not have arrived at the channel yet, and nothing can observe whether
//! it has, so both outcomes are possible. Pending timers and deadlines add [`Transition::Fire`].

use smallvec::SmallVec;
use weft_models::ir::{CaseDir, Op, Program};

use super::eval::eval;
use super::{cond, maprange, mutex, once, rwmutex, timer, waitgroup, Transition, PLAIN};
use crate::state::{Goroutine, Object, State};
use crate::value::{ObjRef, Value};

/// A goroutine offering to communicate on a channel.
#[derive(Clone, Copy, Debug)]
struct Offer {
    g: u32,
    arm: u32,
    chan: ObjRef,
    send: bool,
}

fn chan_of(state: &State, g: &Goroutine, e: &weft_models::ir::Expr) -> Option<ObjRef> {
    match eval(state, &g.top().locals, e) {
        Ok(Value::Obj(r)) if matches!(state.object(r), Object::Chan(_)) => Some(r),
        _ => None,
    }
}

/// The channel offers of every goroutine, in goroutine then arm order.
fn offers(prog: &Program, state: &State) -> SmallVec<[Offer; 8]> {
    let mut out = SmallVec::new();
    for (i, g) in state.goroutines.iter().enumerate() {
        if g.spinning {
            continue;
        }
        let site = g.site();
        let gi = i as u32;
        match &prog.instr(site.func, site.pc).op {
            Op::Send { chan, .. } | Op::Recv { chan, .. } => {
                if let Some(c) = chan_of(state, g, chan) {
                    let send = matches!(prog.instr(site.func, site.pc).op, Op::Send { .. });
                    out.push(Offer {
                        g: gi,
                        arm: PLAIN,
                        chan: c,
                        send,
                    });
                }
            }
            Op::Select { arms, .. } => {
                for (a, arm) in arms.iter().enumerate() {
                    if let Some(c) = chan_of(state, g, &arm.chan) {
                        out.push(Offer {
                            g: gi,
                            arm: a as u32,
                            chan: c,
                            send: matches!(arm.dir, CaseDir::Send { .. }),
                        });
                    }
                }
            }
            // Not a channel operation: offers nothing to a partner.
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
            | Op::AtomicLoad { .. }
            | Op::AtomicStore { .. }
            | Op::AtomicAdd { .. }
            | Op::CompareAndSwap { .. } => {}
        }
    }
    // Grouped by channel and direction, each group in goroutine and arm
    // order (a stable sort), as [`partners`] reads them.
    out.sort_by_key(|o: &Offer| (o.chan, o.send));
    out
}

fn channel(state: &State, r: ObjRef) -> Option<&super::channel::ChannelState> {
    match state.object(r) {
        Object::Chan(c) => Some(c),
        _ => None,
    }
}

/// Every enabled transition of `state`, in a deterministic order:
/// goroutines by position (each with its rendezvous as sender), then fires.
pub fn enabled(prog: &Program, state: &State) -> Vec<Transition> {
    let mut out = Vec::with_capacity(state.goroutines.len());
    enabled_into(prog, state, &mut out);
    out
}

/// [`enabled`], into `out` (emptied first): a buffer kept from state to
/// state.
pub(crate) fn enabled_into(prog: &Program, state: &State, out: &mut Vec<Transition>) {
    out.clear();
    // The offers are gathered when a channel first needs a partner: most
    // states of most programs have none that does.
    let mut offers = None;
    for (i, g) in state.goroutines.iter().enumerate() {
        if g.spinning {
            continue;
        }
        goroutine_transitions(prog, state, i as u32, g, &mut offers, out);
    }
    for (i, o) in state.objects.iter().enumerate() {
        let fire = match o {
            Object::Timer(t) => timer::can_fire(state, t),
            Object::Context(c) => c.deadline_pending && c.err.is_none(),
            _ => false,
        };
        if fire {
            out.push(Transition::Fire {
                object: ObjRef(i as u32),
            });
        }
    }
}

/// Whether the arm/offer of goroutine `g` on `chan` (direction `send`) can
/// complete now, and the partners it would pair with.
/// `offers` is grouped by channel and direction ([`offers`]), so they are
/// one contiguous run: a goroutine waiting among many others on one
/// channel costs a search, not a scan.
fn partners(
    offers: &[Offer],
    g: u32,
    chan: ObjRef,
    send: bool,
) -> impl Iterator<Item = &Offer> + '_ {
    let want = (chan, !send);
    let from = offers.partition_point(|o| (o.chan, o.send) < want);
    let to = offers.partition_point(|o| (o.chan, o.send) <= want);
    offers[from..to].iter().filter(move |o| o.g != g)
}

/// The offers, gathered into `cache` on first use ([`offers`]).
fn offers_of<'a>(
    cache: &'a mut Option<SmallVec<[Offer; 8]>>,
    prog: &Program,
    state: &State,
) -> &'a [Offer] {
    cache.get_or_insert_with(|| offers(prog, state))
}

fn goroutine_transitions(
    prog: &Program,
    state: &State,
    gi: u32,
    g: &Goroutine,
    offers: &mut Option<SmallVec<[Offer; 8]>>,
    out: &mut Vec<Transition>,
) {
    let site = g.site();
    let locals = &g.top().locals;
    let obj = |e| eval(state, locals, e).ok().and_then(Value::object);
    let step = |alt| Transition::Step { g: gi, alt };
    match &prog.instr(site.func, site.pc).op {
        Op::Send { chan, .. } => {
            let Some(c) = chan_of(state, g, chan) else {
                return nil_or_fault(state, locals, chan, gi, out);
            };
            let Some(ch) = channel(state, c) else { return };
            if ch.send_ready_alone() {
                out.push(step(0));
            } else if ch.needs_partner() {
                for p in partners(offers_of(offers, prog, state), gi, c, true) {
                    out.push(Transition::Rendezvous {
                        sender: gi,
                        send_arm: PLAIN,
                        receiver: p.g,
                        recv_arm: p.arm,
                    });
                }
            }
        }
        Op::Recv { chan, .. } => {
            let Some(c) = chan_of(state, g, chan) else {
                return nil_or_fault(state, locals, chan, gi, out);
            };
            if channel(state, c).is_some_and(|ch| ch.recv_ready_alone()) {
                out.push(step(0));
            }
        }
        Op::Select { arms, default } => {
            let mut ready = false;
            for (a, arm) in arms.iter().enumerate() {
                let Some(c) = chan_of(state, g, &arm.chan) else {
                    continue;
                };
                let Some(ch) = channel(state, c) else {
                    continue;
                };
                let send = matches!(arm.dir, CaseDir::Send { .. });
                let alone = if send {
                    ch.send_ready_alone()
                } else {
                    ch.recv_ready_alone()
                };
                if alone {
                    ready = true;
                    out.push(step(a as u32));
                } else if ch.needs_partner() && send {
                    // A partner's readiness does not rule out `default`:
                    // its arrival at the channel is an internal step that
                    // can always be later than this select (see README).
                    {
                        for p in partners(offers_of(offers, prog, state), gi, c, send) {
                            out.push(Transition::Rendezvous {
                                sender: gi,
                                send_arm: a as u32,
                                receiver: p.g,
                                recv_arm: p.arm,
                            });
                        }
                    }
                }
            }
            if !ready && default.is_some() {
                out.push(step(arms.len() as u32));
            }
        }
        Op::Lock { mutex: m } if is_rlocker(state, locals, m) => {
            match obj(m).map(|r| state.object(r)) {
                Some(Object::RwMutex(st)) if !st.can_rlock() => {}
                _ => out.push(step(0)),
            }
        }
        Op::Lock { mutex: m } => match obj(m).map(|r| state.object(r)) {
            Some(Object::Mutex(st)) if mutex::can_lock(st) => out.push(step(0)),
            Some(Object::RwMutex(st)) if rwmutex::can_lock(st, g.phase) => out.push(step(0)),
            Some(Object::Mutex(_) | Object::RwMutex(_)) => {}
            _ => out.push(step(0)),
        },
        Op::RLock { mutex: m } => match obj(m).map(|r| state.object(r)) {
            Some(Object::RwMutex(st)) if !st.can_rlock() => {}
            _ => out.push(step(0)),
        },
        Op::Wait { target, .. } => match obj(target).map(|r| state.object(r)) {
            Some(Object::WaitGroup(st)) if !waitgroup::can_wait(prog, state, st, g) => {}
            Some(Object::Cond(c)) if g.phase > 0 && !cond::can_resume(state, c, &g.id) => {}
            _ => out.push(step(0)),
        },
        Op::OnceEnter { once: o, .. } => match obj(o).map(|r| state.object(r)) {
            Some(Object::Once(st)) if !once::can_enter(st) => {}
            _ => out.push(step(0)),
        },
        Op::AwaitCallback { target, .. } => match obj(target) {
            Some(r) if !super::callback::can_move(state, r) => {}
            _ => out.push(step(0)),
        },
        Op::Choose { values, .. } => {
            for a in 0..values.len() {
                out.push(step(a as u32));
            }
        }
        Op::MapNext { map, seen, .. } => {
            let record = locals.get(seen.index()).copied().unwrap_or(Value::Nil);
            match maprange::next(state, locals, map, record) {
                Ok(next) => (0..next.alternatives()).for_each(|a| out.push(step(a))),
                // The step raises the fault.
                Err(_) => out.push(step(0)),
            }
        }
        // Always enabled (a step may fail, which is a bug or a fault).
        Op::Go { .. }
        | Op::GoValue { .. }
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
        | Op::SyncMap { .. }
        | Op::AtomicLoad { .. }
        | Op::AtomicStore { .. }
        | Op::AtomicAdd { .. }
        | Op::CompareAndSwap { .. } => out.push(step(0)),
        // Local code runs eagerly and never stands at a scheduling point;
        // stepping it reports an internal error rather than hiding it.
        Op::Assign { .. }
        | Op::Jump { .. }
        | Op::JumpIfNot { .. }
        | Op::Call { .. }
        | Op::CallValue { .. }
        | Op::Return { .. }
        | Op::Defer { .. }
        | Op::EndDefer
        | Op::Recover { .. } => out.push(step(0)),
    }
}

/// A send or receive on a nil channel blocks forever; on something that is
/// not a channel it is a type error, surfaced by stepping it.
fn nil_or_fault(
    state: &State,
    locals: &SmallVec<[Value; 6]>,
    chan: &weft_models::ir::Expr,
    gi: u32,
    out: &mut Vec<Transition>,
) {
    match eval(state, locals, chan) {
        Ok(Value::Nil) => {}
        _ => out.push(Transition::Step { g: gi, alt: 0 }),
    }
}

/// True when `m` evaluates to `rw.RLocker()`: its `Lock` is an `RLock`.
fn is_rlocker(state: &State, locals: &[Value], m: &weft_models::ir::Expr) -> bool {
    matches!(eval(state, locals, m), Ok(Value::RLocker(_)))
}

/// The first instruction (function, instruction) of `prog` at which a
/// goroutine may have to wait, or that makes something that fires by
/// itself (a timer, a deadline, a callback); `None` when there is none.
/// Without one, a goroutine's next step is enabled in every state until
/// it takes it, and every transition is a goroutine's step: the class of
/// programs stateless DPOR explores (`crate::explore::dpor`).
pub(crate) fn first_wait(prog: &Program) -> Option<crate::state::Site> {
    if prog
        .globals
        .iter()
        .any(|g| g.init.as_ref().is_some_and(fires))
    {
        return Some(crate::state::Site {
            func: prog.main,
            pc: weft_models::ir::Pc(0),
        });
    }
    for (f, func) in prog.funcs.iter().enumerate() {
        for (pc, instr) in func.code.iter().enumerate() {
            if may_wait(&instr.op) {
                return Some(crate::state::Site {
                    func: weft_models::ir::FuncId(f as u32),
                    pc: weft_models::ir::Pc(pc as u32),
                });
            }
        }
    }
    None
}

/// Whether a goroutine standing at `op` may be unable to take it, or `op`
/// makes something that fires by itself.
fn may_wait(op: &Op) -> bool {
    match op {
        Op::New { object, .. } => fires(object),
        // A `sync.Mutex`'s Lock, a channel operation and a WaitGroup's
        // Wait wait, but stateless DPOR has race rules for them; one that
        // turns out to be on something else (an RWMutex, a Cond) is
        // refused as the search runs
        // ([`wait_step`]).
        Op::Lock { .. } | Op::Send { .. } | Op::Recv { .. } | Op::Wait { .. } => false,
        Op::Select { .. }
        | Op::RLock { .. }
        | Op::OnceEnter { .. }
        | Op::AwaitCallback { .. }
        | Op::AfterFunc { .. }
        | Op::TimerStop { .. }
        | Op::TimerReset { .. } => true,
        Op::Assign { .. }
        | Op::Jump { .. }
        | Op::JumpIfNot { .. }
        | Op::Call { .. }
        | Op::Return { .. }
        | Op::Defer { .. }
        | Op::EndDefer
        | Op::Recover { .. }
        | Op::CallValue { .. }
        | Op::Go { .. }
        | Op::GoValue { .. }
        | Op::Choose { .. }
        | Op::Panic { .. }
        | Op::Assert { .. }
        | Op::Sleep
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
        | Op::Append { .. }
        | Op::Load { .. }
        | Op::Store { .. }
        | Op::MapDelete { .. }
        | Op::MapNext { .. }
        | Op::SyncMap { .. }
        | Op::Len { .. }
        | Op::AtomicLoad { .. }
        | Op::AtomicStore { .. }
        | Op::AtomicAdd { .. }
        | Op::CompareAndSwap { .. } => false,
    }
}

/// Whether making `object` makes something that fires by itself: a timer
/// or a context with a deadline.
fn fires(object: &weft_models::ir::NewObject) -> bool {
    use weft_models::ir::NewObject;
    match object {
        NewObject::Timer { .. } => true,
        NewObject::WithCancel { timeout, .. } => timeout.is_some(),
        NewObject::Chan { .. }
        | NewObject::Mutex
        | NewObject::RwMutex
        | NewObject::WaitGroup
        | NewObject::Once
        | NewObject::Cond { .. }
        | NewObject::Var { .. }
        | NewObject::Map { .. }
        | NewObject::Background
        | NewObject::Record { .. }
        | NewObject::Slice { .. }
        | NewObject::SlicePart { .. }
        | NewObject::Closure { .. }
        | NewObject::Group { .. } => false,
    }
}

/// How goroutine `g`'s next operation may wait, for stateless DPOR's race
/// rules (`crate::explore::dpor`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WaitStep {
    /// It never waits and is no mutex operation.
    None,
    /// `Lock` (waits while another holds it), `Unlock` or `TryLock` of a
    /// `sync.Mutex`.
    Mutex(ObjRef, MutexUse),
    /// A channel send or receive (waits for room or a value; an
    /// unbuffered channel's rendezvous shows as such a transition), or a
    /// WaitGroup's `Wait` (waits for the counter to reach zero).
    Queue,
    /// It may wait on something else (an RWMutex, its RLocker, a Cond):
    /// not in stateless DPOR's class.
    Other,
}

/// How an operation uses a `sync.Mutex`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MutexUse {
    /// `Lock`.
    Acquire,
    /// `Unlock`.
    Release,
    /// `TryLock`: never waits.
    Try,
}

/// How goroutine `g`'s next operation may wait.
pub(crate) fn wait_step(prog: &Program, state: &State, g: &Goroutine) -> WaitStep {
    let site = g.site();
    let locals = &g.top().locals;
    let mutex = |e: &weft_models::ir::Expr, u: MutexUse| match eval(state, locals, e) {
        Ok(Value::Obj(r)) if matches!(state.object(r), Object::Mutex(_)) => WaitStep::Mutex(r, u),
        _ => WaitStep::Other,
    };
    match &prog.instr(site.func, site.pc).op {
        Op::Lock { mutex: m } => mutex(m, MutexUse::Acquire),
        Op::Unlock { mutex: m } => mutex(m, MutexUse::Release),
        Op::TryLock { mutex: m, .. } => mutex(m, MutexUse::Try),
        Op::RLock { .. } | Op::RUnlock { .. } => WaitStep::Other,
        Op::Send { .. } | Op::Recv { .. } => WaitStep::Queue,
        Op::Wait { target, .. } => match eval(state, locals, target) {
            Ok(Value::Obj(r)) if matches!(state.object(r), Object::WaitGroup(_)) => WaitStep::Queue,
            _ => WaitStep::Other,
        },
        Op::Assign { .. }
        | Op::Jump { .. }
        | Op::JumpIfNot { .. }
        | Op::Call { .. }
        | Op::Return { .. }
        | Op::Defer { .. }
        | Op::EndDefer
        | Op::Recover { .. }
        | Op::CallValue { .. }
        | Op::Go { .. }
        | Op::GoValue { .. }
        | Op::Choose { .. }
        | Op::Panic { .. }
        | Op::Assert { .. }
        | Op::Sleep
        | Op::New { .. }
        | Op::Close { .. }
        | Op::Select { .. }
        | Op::WgAdd { .. }
        | Op::Signal { .. }
        | Op::Broadcast { .. }
        | Op::OnceEnter { .. }
        | Op::OnceExit { .. }
        | Op::Cancel { .. }
        | Op::CtxErr { .. }
        | Op::TimerStop { .. }
        | Op::TimerReset { .. }
        | Op::AfterFunc { .. }
        | Op::Append { .. }
        | Op::AwaitCallback { .. }
        | Op::Load { .. }
        | Op::Store { .. }
        | Op::MapDelete { .. }
        | Op::MapNext { .. }
        | Op::SyncMap { .. }
        | Op::Len { .. }
        | Op::AtomicLoad { .. }
        | Op::AtomicStore { .. }
        | Op::AtomicAdd { .. }
        | Op::CompareAndSwap { .. } => WaitStep::None,
    }
}
