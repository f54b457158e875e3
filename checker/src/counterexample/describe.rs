//! What an operation is, for the people reading a counterexample: the one
//! place outside the semantics that reads the IR's operations. Everything
//! a report says about an operation (its action, the token alternative it
//! takes, whether it passes messages, the span of a select case, which
//! operation makes an object) comes from here, so a new `Op` variant is
//! decided once, in the exhaustive match of [`operation`].

use weft_models::ir::{Expr, FuncId, NewObject, Op, Pc, Place, Program};
use weft_models::ops;
use weft_models::span::Span;
use weft_reports::view::Action;

use crate::counterexample::token::Alt;
use crate::state::{Goroutine, Object, Site, State};

/// Which side of the study's cause axis an operation stands on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cause {
    /// Channels, select, contexts, timers (and making objects).
    MessagePassing,
    /// Locks, WaitGroups, Once, Cond, variables, atomics.
    SharedMemory,
    /// Says nothing: `go`, choices, sleeps, panics, assertions.
    Neither,
}

/// An operation taken with one alternative, described.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Operation {
    /// What it does.
    pub action: Action,
    /// The alternative as replay tokens write it.
    pub alt: Alt,
    /// Its side of the cause axis.
    pub cause: Cause,
}

/// The operation at `site` taking goroutine alternative `alt` in `phase`
/// (of a two-phase `Lock` or `Wait`).
pub(crate) fn operation(prog: &Program, site: Site, alt: u32, phase: u8) -> Operation {
    use Action as A;
    use Cause::{MessagePassing as Mp, Neither, SharedMemory as Sm};
    let (action, alt, cause) = match &prog.instr(site.func, site.pc).op {
        Op::Send { .. } => (A::Send, Alt::Only, Mp),
        Op::Recv { .. } => (A::Receive, Alt::Only, Mp),
        Op::Close { .. } => (A::Close, Alt::Only, Mp),
        Op::Select { arms, .. } if alt as usize >= arms.len() => {
            (A::SelectDefault, Alt::Default, Mp)
        }
        Op::Select { .. } => (A::SelectCase(alt + 1), Alt::Case(alt + 1), Mp),
        Op::Lock { .. } if phase == 0 => (A::Lock, Alt::Only, Sm),
        Op::Lock { .. } => (A::LockReadersGone, Alt::Only, Sm),
        Op::Unlock { .. } => (A::Unlock, Alt::Only, Sm),
        Op::TryLock { .. } => (A::TryLock, Alt::Only, Sm),
        Op::RLock { .. } => (A::ReadLock, Alt::Only, Sm),
        Op::RUnlock { .. } => (A::ReadUnlock, Alt::Only, Sm),
        Op::WgAdd { .. } => (A::Add, Alt::Only, Sm),
        Op::Wait { .. } if phase == 0 => (A::Wait, Alt::Only, Sm),
        Op::Wait { .. } => (A::WakeAndRelock, Alt::Only, Sm),
        Op::Signal { .. } => (A::Signal, Alt::Only, Sm),
        Op::Broadcast { .. } => (A::Broadcast, Alt::Only, Sm),
        Op::OnceEnter { .. } => (A::OnceDo, Alt::Only, Sm),
        Op::OnceExit { .. } => (A::OnceDoReturns, Alt::Only, Sm),
        Op::Cancel { .. } => (A::Cancel, Alt::Only, Mp),
        Op::CtxErr { .. } => (A::CtxErr, Alt::Only, Mp),
        Op::TimerStop { .. } => (A::StopTimer, Alt::Only, Mp),
        Op::TimerReset { .. } => (A::ResetTimer, Alt::Only, Mp),
        Op::AfterFunc { .. } => (A::AfterFunc, Alt::Only, Mp),
        Op::Append { .. } => (A::Append, Alt::Only, Sm),
        Op::AwaitCallback { .. } => (A::CallbackTrigger, Alt::Only, Mp),
        Op::Load { .. } => (A::Read, Alt::Only, Sm),
        Op::Store { .. } => (A::Write, Alt::Only, Sm),
        Op::MapDelete { .. } => (A::Delete, Alt::Only, Sm),
        Op::Len { .. } => (A::Len, Alt::Only, Sm),
        Op::MapNext { .. } => (A::RangeMap(alt + 1), Alt::Choice(alt + 1), Sm),
        Op::SyncMap { op, .. } if op.is_read() => (A::AtomicLoad, Alt::Only, Sm),
        Op::SyncMap { .. } => (A::AtomicStore, Alt::Only, Sm),
        Op::AtomicLoad { .. } => (A::AtomicLoad, Alt::Only, Sm),
        Op::AtomicStore { .. } => (A::AtomicStore, Alt::Only, Sm),
        Op::AtomicAdd { .. } => (A::AtomicAdd, Alt::Only, Sm),
        Op::CompareAndSwap { .. } => (A::CompareAndSwap, Alt::Only, Sm),
        Op::Go { .. } | Op::GoValue { .. } => (A::Go, Alt::Only, Neither),
        Op::Choose { .. } => (A::Choice(alt + 1), Alt::Choice(alt + 1), Neither),
        Op::Panic { .. } => (A::Panic, Alt::Only, Neither),
        Op::Assert { .. } => (A::Assert, Alt::Only, Neither),
        Op::Sleep => (A::Sleep, Alt::Only, Neither),
        Op::New { .. } => (A::Make, Alt::Only, Mp),
        // Local instructions run between visible steps and are never a
        // step's operation nor a bug's site; they count as before.
        Op::Assign { .. }
        | Op::Jump { .. }
        | Op::JumpIfNot { .. }
        | Op::Call { .. }
        | Op::CallValue { .. }
        | Op::Return { .. }
        | Op::Defer { .. }
        | Op::EndDefer
        | Op::Recover { .. } => (A::Local, Alt::Only, Sm),
    };
    Operation { action, alt, cause }
}

/// The action goroutine `g` takes with alternative `alt` in `state`: as
/// [`operation`]'s, with a WaitGroup's woken `Wait` told from a Cond's
/// (the operation alone does not say which it waits on).
pub(crate) fn action(prog: &Program, state: &State, g: &Goroutine, alt: u32) -> Action {
    match operation(prog, g.site(), alt, g.phase).action {
        Action::WakeAndRelock
            if matches!(
                crate::semantics::waitgroup::pending_wait(prog, state, g).map(|r| state.object(r)),
                Some(Object::WaitGroup(_))
            ) =>
        {
            Action::WaitWoken
        }
        a => a,
    }
}

/// The span of select case `alt` at `site`, when `site` is a select and
/// `alt` one of its cases.
pub(crate) fn case_span(prog: &Program, site: Site, alt: u32) -> Option<Span> {
    let Op::Select { arms, .. } = &prog.instr(site.func, site.pc).op else {
        return None;
    };
    arms.get(alt as usize).map(|arm| arm.span)
}

/// The first operation of `func` that makes an object into local `slot`.
pub(crate) fn maker_of_local(prog: &Program, func: FuncId, slot: usize) -> Option<Pc> {
    prog.func(func)
        .code
        .iter()
        .position(|i| matches!(&i.op, Op::New { dst, .. } if dst.index() == slot))
        .map(|pc| Pc(pc as u32))
}

/// The locals of `func` that only carry an object to where the program
/// names it: every read of such a local is the whole value put into a
/// record's field, a shared variable, a store, an append or another named
/// local (the import's `make_1` in `Chan("make_1", 0)`, `New("s", "server",
/// {"reqs": "make_1"})`), or, before it is handed over, the base of a
/// place written (`Set("xs_made1[0]", 1)`: filling it). A report names
/// the object by where it lands (`s.reqs`), not by its carrier; a local
/// read any other way (a send on it, a field of it, an argument: a
/// callee's parameter names what the object is there, `in` of two
/// workers, not what the caller made) names its object.
pub(crate) fn carrier_locals(prog: &Program, func: FuncId) -> Vec<bool> {
    let f = prog.func(func);
    let n = f.local_names.len();
    let (mut carried, mut filled, mut read) = (vec![0u32; n], vec![0u32; n], vec![0u32; n]);
    // Per local, the first instruction handing it over and the last
    // filling it: filled after, it is the program's own name for it.
    let (mut first_carry, mut last_fill) = (vec![usize::MAX; n], vec![0usize; n]);
    for (pc, instr) in f.code.iter().enumerate() {
        let mut carry = |e: &Expr| {
            if let Expr::Local(l) = e {
                if let Some(c) = carried.get_mut(l.index()) {
                    *c += 1;
                    first_carry[l.index()] = first_carry[l.index()].min(pc);
                }
            }
        };
        if let Op::Store { place, .. } = &instr.op {
            // The local at the base of the place written, under one field
            // or element at least (`xs[0]`, `jobs[1].id`, `m[k]`).
            let (mut at, mut under) = match place {
                Place::Var(e) => (e, false),
                Place::MapEntry { map, .. } => (map, true),
            };
            while let Expr::Field(inner, _) | Expr::Elem(inner, _) = at {
                (at, under) = (inner, true);
            }
            if let (Expr::Local(l), true) = (at, under) {
                if let Some(c) = filled.get_mut(l.index()) {
                    *c += 1;
                    last_fill[l.index()] = pc;
                }
            }
        }
        match &instr.op {
            Op::New {
                object: NewObject::Record { inits, .. },
                ..
            } => inits.iter().for_each(|(_, v)| carry(v)),
            Op::New {
                object: NewObject::Var { init },
                ..
            } => carry(init),
            Op::Store { value, .. } => carry(value),
            Op::Append {
                values,
                spread: false,
                ..
            } => values.iter().for_each(&mut carry),
            // (To a named local: a lowering temporary names nothing.)
            Op::Assign { dst, value }
                if f.local_names
                    .get(dst.index())
                    .is_some_and(|d| !d.starts_with('$')) =>
            {
                carry(value)
            }
            // (Any other read names the object by its local: the old way.)
            _ => {}
        }
        ops::expressions(&instr.op, |e, _| {
            // (Expressions nest as deep as the scenario writes them.)
            let mut stack: Vec<&Expr> = vec![e];
            while let Some(e) = stack.pop() {
                match e {
                    Expr::Local(l) => {
                        if let Some(r) = read.get_mut(l.index()) {
                            *r += 1;
                        }
                    }
                    other => stack.extend(other.operands().into_iter().flatten()),
                }
            }
        });
        if let Op::MapNext { seen, .. } = &instr.op {
            if let Some(r) = read.get_mut(seen.index()) {
                *r += 1;
            }
        }
    }
    (0..n)
        .map(|l| {
            carried[l] > 0
                && carried[l] + filled[l] == read[l]
                && (filled[l] == 0 || last_fill[l] < first_carry[l])
        })
        .collect()
}
