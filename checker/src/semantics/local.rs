//! Goroutine-local execution between visible steps: assignments, jumps,
//! calls, returns, deferred blocks, recover and panic unwinding. Local code
//! commutes with every other goroutine, so it runs eagerly right after the
//! visible step that precedes it.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;
use smallvec::SmallVec;
use weft_models::ir::{FuncId, Op, Pc, Program};

use super::eval::{boolean, eval};
use super::{Exec, Failure, FailureKind, Fault};
use crate::state::canonical::for_each_value;
use crate::state::{Frame, Goroutine, GoroutineId, Object, PanicState, Site};
use crate::stop::LOOK_EVERY;
use crate::value::Value;

/// After how many local instructions of one step a goroutine's local state
/// is watched for a repeat: ordinary code never gets there and pays one
/// counter per instruction.
const WATCH_FROM: u64 = 1 << 12;

/// weft's goroutine stack: the deepest call stack. Validation forbids
/// recursion through named calls, but calls through function values may
/// recurse; past this depth the goroutine dies as Go's does when its stack
/// outgrows its limit (`fatal error: stack overflow`), and the message
/// names this bound. Go's own limit is a size (1 GB on 64-bit machines,
/// millions of small frames), but every level of a recursion that reads
/// shared state is a stored state holding the whole stack, so weft's
/// memory grows with the square of the depth: a thousand is its limit.
pub(crate) const MAX_FRAMES: usize = 1_000;

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
        ret: super::eval::constant(f.ret_zero),
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
    begin_panic(ex, id, site, message)?;
    run_local(ex, id)
}

/// Sets the panic in flight and moves to the first deferred block to run.
fn begin_panic(
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
    unwind(ex, id)
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
    let g = g.execution_mut();
    let frame = g.top_mut();
    if let Some(entry) = frame.defers.pop() {
        frame.pc = entry;
        return Ok(());
    }
    // The results, from the callee's result slots (Go's result variables)
    // where it has them, before its frame goes.
    let func = prog.func(frame.func);
    let ret = func
        .first_result
        .map_or(frame.ret, |slot| frame.locals[slot.index()]);
    let rest: SmallVec<[Value; 2]> = func
        .results
        .iter()
        .map(|slot| frame.locals[slot.index()])
        .collect();
    g.frames.pop();
    if g.panic.is_some() {
        return unwind(ex, id);
    }
    if let Some(caller) = g.frames.last_mut() {
        let op = &prog.instr(caller.func, caller.pc).op;
        if let Op::Call { dst: Some(d), .. } | Op::CallValue { dst: Some(d), .. } = op {
            caller.locals[d.index()] = ret;
        }
        if let Op::Call { more, .. } = op {
            for (d, v) in more.iter().zip(rest) {
                if let Some(d) = d {
                    caller.locals[d.index()] = v;
                }
            }
        }
        caller.pc = Pc(caller.pc.0 + 1);
    }
    Ok(())
}

/// Everything local code reads or writes of its goroutine: its frames and
/// the panic in flight. Local code touches nothing shared (it creates
/// objects, and reads only the handles of globals and fixed fields of
/// objects, like a context's `Done()` channel), so the goroutine's local
/// future is a function of this alone.
#[derive(Clone, PartialEq, Eq, Hash)]
struct LocalState {
    frames: SmallVec<[Frame; 1]>,
    panic: Option<Box<PanicState>>,
}

impl LocalState {
    fn of(g: &Goroutine) -> LocalState {
        LocalState {
            frames: g.frames.clone(),
            panic: g.panic.clone(),
        }
    }
}

/// Whether goroutine `g` is back in the local state `then`, up to the
/// identity of the objects its local code made during this run (handles
/// from `fresh` on): a one-to-one correspondence between those must carry
/// `then` to `g`, between objects equal in content. Local code can only
/// compare such handles, so the runs from two such states are the same up
/// to the correspondence. Conservative: a made object holding a handle to
/// another made object never matches.
fn repeats(then: &LocalState, g: &Goroutine, objects: &[Object], fresh: u32) -> bool {
    if then.panic != g.panic || then.frames.len() != g.frames.len() {
        return false;
    }
    let mut pairs: SmallVec<[(u32, u32); 4]> = SmallVec::new();
    let mut same = |a: Value, b: Value| -> bool {
        let (x, y) = match (a, b) {
            (Value::Obj(x), Value::Obj(y)) | (Value::Cancel(x), Value::Cancel(y))
                if x.0 >= fresh || y.0 >= fresh =>
            {
                (x.0, y.0)
            }
            _ => return a == b,
        };
        if x < fresh || y < fresh {
            return false;
        }
        if let Some(&(_, y0)) = pairs.iter().find(|p| p.0 == x) {
            return y0 == y;
        }
        if pairs.iter().any(|p| p.1 == y) {
            return false;
        }
        let (Some(ox), Some(oy)) = (objects.get(x as usize), objects.get(y as usize)) else {
            return false;
        };
        let mut inner_fresh = false;
        for_each_value(ox, |v| {
            inner_fresh |= v.object().is_some_and(|r| r.0 >= fresh)
        });
        if inner_fresh || ox != oy {
            return false;
        }
        pairs.push((x, y));
        true
    };
    // Innermost first: that is where a loop's state changes.
    then.frames
        .iter()
        .rev()
        .zip(g.frames.iter().rev())
        .all(|(a, b)| {
            a.func == b.func
                && a.pc == b.pc
                && a.defers == b.defers
                && a.returning == b.returning
                && a.locals.len() == b.locals.len()
                && a.locals.iter().zip(&b.locals).all(|(&x, &y)| same(x, y))
                && same(a.ret, b.ret)
        })
}

/// Runs goroutine `id`'s local instructions until its next visible one (or
/// its end), however many that takes.
///
/// A run that goes on for [`WATCH_FROM`] instructions is watched for a
/// repeat with Brent's cycle detection: the local state is copied at every
/// power-of-two instruction count, and compared with the current one
/// whenever the goroutine stands at the copy's instruction and depth. Local
/// execution is deterministic in that state, so a repeat proves the
/// goroutine loops forever without a visible operation: it is parked at one
/// point of its cycle ([`park`]) and marked `spinning`. A loop that never
/// repeats (a counter counting up) runs on, as in Go, until the step's
/// interrupt fires (time, memory or Ctrl-C; every [`LOOK_EVERY`]
/// instructions it is looked at): then the step fails with
/// [`FailureKind::Interrupted`]. Only the objects it makes and the calls it
/// defers grow with such a run (values are scalars, and the call stack is
/// bounded by [`MAX_FRAMES`]), so the memory bound applies within it.
pub(crate) fn run_local(ex: &mut Exec, id: &GoroutineId) -> Result<(), Failure> {
    let fresh = u32::try_from(ex.state.objects.len()).unwrap_or(u32::MAX);
    let mut count: u64 = 0;
    // The copy, the count it was taken at, and where it stood (depth and
    // instruction: the cheap test made at every instruction).
    let mut copy: Option<(u64, LocalState)> = None;
    let mut copy_at: (usize, Site) = (
        0,
        Site {
            func: FuncId(0),
            pc: Pc(0),
        },
    );
    loop {
        let Some(g) = ex.goroutine(id) else {
            return Ok(());
        };
        let Some(frame) = g.frames.last() else {
            return Ok(());
        };
        let site = Site {
            func: frame.func,
            pc: frame.pc,
        };
        if !ex.prog.instr(site.func, site.pc).op.is_local() {
            return Ok(());
        }
        count += 1;
        if count >= WATCH_FROM {
            if copy_at == (g.frames.len(), site) {
                if let Some((at, then)) = &copy {
                    if repeats(then, g, &ex.state.objects, fresh) {
                        return park(ex, id, count - at);
                    }
                }
            }
            if count.is_power_of_two() {
                copy = Some((count, LocalState::of(g)));
                copy_at = (g.frames.len(), site);
            }
            if count.is_multiple_of(LOOK_EVERY) && ex.interrupt.fired(count) {
                return Err(Failure {
                    kind: FailureKind::Interrupted,
                    message: format!(
                        "interrupted after {count} local instructions without a visible operation"
                    ),
                    goroutine: id.clone(),
                    site,
                });
            }
        }
        local_instruction(ex, id, site)?;
    }
}

/// Executes the local instruction at `site`, goroutine `id`'s next one:
/// a fault starts a panic (or fails the run), a return finishes.
fn local_instruction(ex: &mut Exec, id: &GoroutineId, site: Site) -> Result<(), Failure> {
    let op = &ex.prog.instr(site.func, site.pc).op;
    match local_op(ex, id, op) {
        Ok(()) => {
            if let Op::Return { .. } | Op::EndDefer = op {
                finish_return(ex, id)?;
            }
            Ok(())
        }
        Err(Fault::Panic(message)) => begin_panic(ex, id, site, message),
        Err(fault) => raise(ex, id, site, fault),
    }
}

/// Parks goroutine `id`, proven to cycle through local states with
/// `period` instructions, at one point of its cycle and marks it
/// spinning. The point does not depend on where the cycle was entered:
/// the outermost frame's backward jump (the loop's own instruction), else
/// its lowest instruction, ties broken by the hash of the local state.
fn park(ex: &mut Exec, id: &GoroutineId, period: u64) -> Result<(), Failure> {
    let prog = ex.prog;
    let rank = |g: &Goroutine| {
        let f = g.top();
        let back = matches!(prog.instr(f.func, f.pc).op, Op::Jump { target } if target <= f.pc);
        let mut h = FxHasher::default();
        LocalState::of(g).hash(&mut h);
        (g.frames.len(), !back, f.pc, h.finish())
    };
    let mut best: Option<(u64, (usize, bool, Pc, u64))> = None;
    for i in 0..period {
        let g = ex.goroutine(id).ok_or_else(|| lost(id))?;
        let r = rank(g);
        if best.as_ref().is_none_or(|(_, b)| r < *b) {
            best = Some((i, r));
        }
        advance(ex, id)?;
    }
    for _ in 0..best.map_or(0, |(i, _)| i) {
        advance(ex, id)?;
    }
    if let Some(g) = ex.goroutine_mut(id) {
        g.spinning = true;
    }
    Ok(())
}

/// One more instruction of a goroutine proven to stay in local code.
fn advance(ex: &mut Exec, id: &GoroutineId) -> Result<(), Failure> {
    let g = ex.goroutine(id).ok_or_else(|| lost(id))?;
    let site = g.site();
    if !ex.prog.instr(site.func, site.pc).op.is_local() {
        return Err(Failure {
            kind: FailureKind::Internal,
            message: "a goroutine proven to loop locally reached a visible operation".into(),
            goroutine: id.clone(),
            site,
        });
    }
    local_instruction(ex, id, site)
}

fn lost(id: &GoroutineId) -> Failure {
    Failure {
        kind: FailureKind::Internal,
        message: "a goroutine proven to loop locally ended".into(),
        goroutine: id.clone(),
        site: Site {
            func: FuncId(0),
            pc: Pc(0),
        },
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
        let (v, extra) = super::exec::new_object(ex, &locals, object, site, Some(id))?;
        let f = ex.goroutine_mut(id).ok_or_else(vanished)?.top_mut();
        f.locals[dst.index()] = v;
        if let Some((slot, c)) = extra {
            f.locals[slot.index()] = c;
        }
        f.pc = Pc(f.pc.0 + 1);
        return Ok(());
    }
    let pos = ex.goroutine_position(id).ok_or_else(vanished)?;
    let state = &mut ex.state;
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
            Op::Call { .. } | Op::CallValue { .. } => {
                let (func, vals) = match op {
                    Op::CallValue { callee, args, .. } => {
                        let f = eval(state, locals, callee)?;
                        let vals = args
                            .iter()
                            .map(|a| eval(state, locals, a))
                            .collect::<Result<SmallVec<[Value; 6]>, _>>()?;
                        super::record::callee(state, prog, f, vals)?
                    }
                    Op::Call { func, args, .. } => (
                        *func,
                        args.iter()
                            .map(|a| eval(state, locals, a))
                            .collect::<Result<SmallVec<[Value; 6]>, _>>()?,
                    ),
                    _ => return Err(Fault::Internal("not a call".into())),
                };
                if g.frames.len() >= MAX_FRAMES {
                    return Err(Fault::Fatal(format!(
                        "stack overflow (the call stack exceeds weft's limit of {MAX_FRAMES} calls)"
                    )));
                }
                let callee = new_frame(prog, func, &vals);
                state.goroutine_at_mut(pos).frames.push(callee);
                return Ok(());
            }
            Op::Return { value, more } => {
                // Go evaluates every result, left to right, before it
                // writes any.
                let v = match value {
                    Some(e) => eval(state, locals, e)?,
                    None => Value::Nil,
                };
                if !more.is_empty() {
                    let rest = more
                        .iter()
                        .map(|(slot, e)| Ok((slot.index(), eval(state, locals, e)?)))
                        .collect::<Result<SmallVec<[(usize, Value); 2]>, Fault>>()?;
                    let f = state.goroutine_at_mut(pos).top_mut();
                    for (slot, v) in rest {
                        f.locals[slot] = v;
                    }
                }
                let f = state.goroutine_at_mut(pos).top_mut();
                f.ret = v;
                f.returning = true;
                return Ok(());
            }
            Op::Defer { entry } => {
                let f = state.goroutine_at_mut(pos).top_mut();
                f.defers.push(*entry);
                f.pc = next;
                return Ok(());
            }
            Op::EndDefer => return Ok(()),
            Op::Recover { dst } => {
                let g = state.goroutine_at_mut(pos);
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
    let f = state.goroutine_at_mut(pos).top_mut();
    if let Some((slot, v)) = write {
        f.locals[slot] = v;
    }
    if let Some(pc) = next_pc {
        f.pc = pc;
    }
    Ok(())
}

/// Removes goroutines that have returned; notes when main has. True when
/// one was removed.
pub(crate) fn reap(ex: &mut Exec) -> bool {
    let state = &mut ex.state;
    // (One pass when none ended, the common case: this runs after every
    // step.)
    let Some(first) = state.goroutines.iter().position(|g| g.frames.is_empty()) else {
        return false;
    };
    if state.goroutines[first].id.is_main() {
        state.main_returned = true;
    }
    state.goroutines.retain(|g| !g.frames.is_empty());
    true
}

fn vanished() -> Fault {
    Fault::Internal("goroutine vanished".into())
}
