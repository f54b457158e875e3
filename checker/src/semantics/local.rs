//! Goroutine-local execution between visible steps: assignments, jumps,
//! calls, returns, deferred blocks, recover and panic unwinding. Local code
//! commutes with every other goroutine, so it runs eagerly right after the
//! visible step that precedes it.

use smallvec::SmallVec;
use weft_models::ir::{FuncId, Op, Pc, Program};

use super::eval::{boolean, eval};
use super::{Exec, Failure, FailureKind, Fault};
use crate::state::{Frame, GoroutineId, PanicState, Site};
use crate::value::Value;

/// How many local instructions a goroutine may run between two visible
/// steps before it is considered to spin forever (`for {}` on locals only).
pub(crate) const SPIN_LIMIT: u32 = 100_000;

/// The deepest call stack allowed (validation forbids recursion; this only
/// guards against internal errors).
const MAX_FRAMES: usize = 256;

/// A fresh frame for `func` with `args` in its first slots.
pub(crate) fn new_frame(prog: &Program, func: FuncId, args: &[Value]) -> Frame {
    let f = prog.func(func);
    let mut locals: SmallVec<[Value; 6]> = SmallVec::from_slice(args);
    locals.resize(f.local_names.len().max(args.len()), Value::Nil);
    Frame {
        func,
        pc: Pc(0),
        locals,
        defers: SmallVec::new(),
        returning: false,
        ret: Value::Nil,
    }
}

/// Turns a fault into a failure of goroutine `id` at `site`, or starts
/// unwinding for a recoverable panic.
pub(crate) fn raise(
    ex: &mut Exec,
    id: &GoroutineId,
    site: Site,
    fault: Fault,
) -> Result<(), Failure> {
    match fault {
        Fault::Panic(message) => start_panic(ex, id, site, message),
        Fault::Fatal(message) => Err(Failure {
            kind: FailureKind::Fatal,
            message: format!("fatal error: {message}"),
            goroutine: id.clone(),
            site,
        }),
        Fault::Assert(message) => Err(Failure {
            kind: FailureKind::Assert,
            message: format!("assertion failed: {message}"),
            goroutine: id.clone(),
            site,
        }),
        Fault::Model(message) => Err(Failure {
            kind: FailureKind::Model,
            message,
            goroutine: id.clone(),
            site,
        }),
        Fault::Internal(message) => Err(Failure {
            kind: FailureKind::Internal,
            message,
            goroutine: id.clone(),
            site,
        }),
    }
}

/// Starts a panic in goroutine `id`: deferred blocks run, innermost first;
/// if none recovers, the program crashes.
pub(crate) fn start_panic(
    ex: &mut Exec,
    id: &GoroutineId,
    site: Site,
    message: String,
) -> Result<(), Failure> {
    if let Some(g) = ex.goroutine_mut(id) {
        g.panic = Some(Box::new(PanicState {
            message,
            origin: site,
        }));
    }
    unwind(ex, id)?;
    run_local(ex, id)
}

/// Continues a panic: the top frame runs its next deferred block, or is
/// popped; a panic leaving the goroutine's first frame crashes the program.
fn unwind(ex: &mut Exec, id: &GoroutineId) -> Result<(), Failure> {
    let Some(g) = ex.goroutine_mut(id) else {
        return Ok(());
    };
    loop {
        match g.frames.last_mut() {
            Some(frame) => {
                frame.returning = true;
                if let Some(entry) = frame.defers.pop() {
                    frame.pc = entry;
                    return Ok(());
                }
                g.frames.pop();
            }
            None => {
                let p = g.panic.take().map(|p| *p).unwrap_or(PanicState {
                    message: String::new(),
                    origin: Site {
                        func: FuncId(0),
                        pc: Pc(0),
                    },
                });
                return Err(Failure {
                    kind: FailureKind::Panic,
                    message: format!("panic: {}", p.message),
                    goroutine: id.clone(),
                    site: p.origin,
                });
            }
        }
    }
}

/// Finishes a return (or the end of a deferred block): run the next
/// deferred block, or pop the frame and hand the result to the caller.
fn finish_return(ex: &mut Exec, id: &GoroutineId) -> Result<(), Failure> {
    let prog = ex.prog;
    let Some(g) = ex.goroutine_mut(id) else {
        return Ok(());
    };
    let frame = g.top_mut();
    if let Some(entry) = frame.defers.pop() {
        frame.pc = entry;
        return Ok(());
    }
    let ret = frame.ret;
    g.frames.pop();
    if g.panic.is_some() {
        return unwind(ex, id);
    }
    if let Some(caller) = g.frames.last_mut() {
        if let Op::Call { dst: Some(d), .. } = &prog.instr(caller.func, caller.pc).op {
            caller.locals[d.index()] = ret;
        }
        caller.pc = Pc(caller.pc.0 + 1);
    }
    Ok(())
}

/// Runs goroutine `id`'s local instructions until its next visible one (or
/// its end).
pub(crate) fn run_local(ex: &mut Exec, id: &GoroutineId) -> Result<(), Failure> {
    let prog = ex.prog;
    let mut budget = SPIN_LIMIT;
    loop {
        let Some(g) = ex.goroutine_mut(id) else {
            return Ok(());
        };
        let Some(frame) = g.frames.last() else {
            return Ok(());
        };
        let site = Site {
            func: frame.func,
            pc: frame.pc,
        };
        let op = &prog.instr(site.func, site.pc).op;
        if !op.is_local() {
            return Ok(());
        }
        if budget == 0 {
            g.spinning = true;
            return Ok(());
        }
        budget -= 1;
        if let Err(fault) = local_op(ex, id, op) {
            raise(ex, id, site, fault)?;
            return Ok(());
        }
        if let Op::Return { .. } | Op::EndDefer = op {
            finish_return(ex, id)?;
        }
    }
}

/// Executes one local operation (returns and `EndDefer` only prepare; the
/// caller finishes them).
fn local_op(ex: &mut Exec, id: &GoroutineId, op: &Op) -> Result<(), Fault> {
    let prog = ex.prog;
    if let Op::New { dst, object } = op {
        let g = ex.goroutine(id).ok_or_else(vanished)?;
        let site = g.site();
        let locals = g.top().locals.clone();
        let (v, extra) = super::exec::new_object(ex, &locals, object, site)?;
        let f = ex.goroutine_mut(id).ok_or_else(vanished)?.top_mut();
        f.locals[dst.index()] = v;
        if let Some((slot, c)) = extra {
            f.locals[slot.index()] = c;
        }
        f.pc = Pc(f.pc.0 + 1);
        return Ok(());
    }
    let state = &mut ex.state;
    let pos = state.position(id).ok_or_else(vanished)?;
    // Evaluate with a shared borrow first, then write.
    let (next_pc, write): (Option<Pc>, Option<(usize, Value)>) = {
        let g = &state.goroutines[pos];
        let frame = g.top();
        let locals = &frame.locals[..];
        let next = Pc(frame.pc.0 + 1);
        match op {
            Op::Assign { dst, value } => {
                (Some(next), Some((dst.index(), eval(state, locals, value)?)))
            }
            Op::Jump { target } => (Some(*target), None),
            Op::JumpIfNot { cond, target } => {
                if boolean(state, locals, cond)? {
                    (Some(next), None)
                } else {
                    (Some(*target), None)
                }
            }
            Op::Call { func, args, .. } => {
                let vals = args
                    .iter()
                    .map(|a| eval(state, locals, a))
                    .collect::<Result<SmallVec<[Value; 6]>, _>>()?;
                if g.frames.len() >= MAX_FRAMES {
                    return Err(Fault::Model("call stack too deep".into()));
                }
                let callee = new_frame(prog, *func, &vals);
                state.goroutines[pos].frames.push(callee);
                return Ok(());
            }
            Op::Return { value } => {
                let v = match value {
                    Some(e) => eval(state, locals, e)?,
                    None => Value::Nil,
                };
                let f = state.goroutines[pos].top_mut();
                f.ret = v;
                f.returning = true;
                return Ok(());
            }
            Op::Defer { entry } => {
                let f = state.goroutines[pos].top_mut();
                f.defers.push(*entry);
                f.pc = next;
                return Ok(());
            }
            Op::EndDefer => return Ok(()),
            Op::Recover { dst } => {
                let g = &mut state.goroutines[pos];
                let in_defer = g.top().returning;
                let recovered = in_defer && g.panic.is_some();
                if recovered {
                    g.panic = None;
                }
                (Some(next), dst.map(|d| (d.index(), Value::Bool(recovered))))
            }
            other => {
                return Err(Fault::Internal(format!(
                    "{other:?} is not a local operation"
                )))
            }
        }
    };
    let f = state.goroutines[pos].top_mut();
    if let Some((slot, v)) = write {
        f.locals[slot] = v;
    }
    if let Some(pc) = next_pc {
        f.pc = pc;
    }
    Ok(())
}

/// Removes goroutines that have returned; notes when main has.
pub(crate) fn reap(ex: &mut Exec) {
    let state = &mut ex.state;
    if state
        .goroutines
        .iter()
        .any(|g| g.frames.is_empty() && g.id.is_main())
    {
        state.main_returned = true;
    }
    state.goroutines.retain(|g| !g.frames.is_empty());
}

fn vanished() -> Fault {
    Fault::Internal("goroutine vanished".into())
}
