//! What a goroutine may still touch while some variables keep their
//! current values and some channels stay open. The static summary
//! ([`super::future`]) follows every branch of the code; but when nothing
//! that can run may write a variable, a branch on a value read from it goes
//! one way only. lastzero's scanner reads `a[i]` and goes on to `a[i-1]`
//! only if it was not zero: while the writer of `a[i]` cannot move, the
//! scanner stops at `a[i]`, and its reads of the cells below are no part of
//! its future. Likewise, while nothing that can run may close a channel, a
//! `range` over it never ends: the code after the loop is no part of the
//! future.
//!
//! The walk follows the goroutine's code from its current instruction with
//! the values of its locals, a local being unknown once an operation writes
//! it with anything but a constant expression of known locals, a load of a
//! frozen variable, or the ok flag of a receive from a channel that stays
//! open (true). It decides `if` on a known condition and follows both ways
//! otherwise. An instruction reached again is walked again only with what
//! every way to it agrees on, and not at all when the ways before cover
//! the new one: a loop is walked until its locals stop losing known values.
//! Where it cannot follow precisely (a call, a `go`, a `defer`, or after
//! [`WALK_STEPS`] instructions), it takes the static summary of the code
//! from there, which over-approximates every run from there: so the result
//! is never smaller than what the goroutine may touch while the frozen
//! variables keep their values and the open channels stay open. The limit
//! only bounds the analysis' work: past it, the reduction is that of the
//! static summary.

use smallvec::SmallVec;
use weft_models::ir::{Expr, Op, Pc, Place, Program};
use weft_models::ops::{self, Successor};

use super::future::{CodeFuture, ProgramFuture};
use crate::semantics::eval::eval;
use crate::state::{Goroutine, Object, State};
use crate::value::{ObjRef, Value};

/// Instructions a walk follows before it takes the static summary.
const WALK_STEPS: usize = 256;

/// An instruction the walk has not reached (see `seen` in
/// [`code_while_frozen`]).
const UNWALKED: u32 = u32::MAX;

/// Locals' values; `None` where unknown.
type Env = SmallVec<[Option<Value>; 8]>;

/// The code `g` may run from `state` while every variable `frozen` holds
/// keeps its value and every channel `open` holds stays open; `None` when
/// the walk does not apply (several frames, deferred blocks, a panic or a
/// two-phase operation under way): the static summary is then the answer.
pub(crate) fn code_while_frozen(
    prog: &Program,
    future: &ProgramFuture,
    state: &State,
    g: &Goroutine,
    frozen: &dyn Fn(ObjRef) -> bool,
    open: &dyn Fn(ObjRef) -> bool,
) -> Option<CodeFuture> {
    if g.spinning || g.panic.is_some() || g.phase != 0 {
        return None;
    }
    let [fr] = g.frames.as_slice() else {
        return None;
    };
    if !fr.defers.is_empty() || fr.returning {
        return None;
    }
    let code = &prog.funcs.get(fr.func.index())?.code;
    // (This thread's buffers, kept from walk to walk: a walk's vectors
    // grown afresh each time were reallocated several times a walk, and
    // with two threads those reallocations waited on malloc's arena locks
    // for chunks the other thread had freed.)
    let mut buffers = WALK.take();
    let out = walk(future, state, fr, code, frozen, open, &mut buffers);
    WALK.set(buffers);
    out
}

/// Buffers of [`code_while_frozen`], kept by each thread.
#[derive(Default)]
struct Walk {
    seen: Vec<u32>,
    envs: Vec<Env>,
    stack: Vec<(usize, Env)>,
}

thread_local! {
    static WALK: std::cell::Cell<Walk> = std::cell::Cell::new(Walk::default());
}

/// The walk of [`code_while_frozen`] from frame `fr`, whose function's
/// code is `code`, in `buffers`.
fn walk(
    future: &ProgramFuture,
    state: &State,
    fr: &crate::state::Frame,
    code: &[weft_models::ir::Instr],
    frozen: &dyn Fn(ObjRef) -> bool,
    open: &dyn Fn(ObjRef) -> bool,
    buffers: &mut Walk,
) -> Option<CodeFuture> {
    let mut out = CodeFuture::default();
    // The locals at each instruction walked, as general as every way the
    // walk reached it: a way whose locals this covers adds nothing. (By
    // instruction, an index into `envs`: the walk meets few of a
    // function's instructions, and an empty table of environments was a
    // tenth of its cost.)
    let Walk { seen, envs, stack } = buffers;
    seen.clear();
    seen.resize(code.len(), UNWALKED);
    envs.clear();
    stack.clear();
    let mut steps = 0;
    stack.push((fr.pc.index(), fr.locals.iter().map(|&v| Some(v)).collect()));
    // A way is followed in place while it goes straight on (its locals
    // are not copied from instruction to instruction: they were pushed and
    // popped at every step, and memcpy, mostly those moves, was a sixth of
    // the walk's instructions on workers(4)); where it forks, the other
    // ways wait on the stack, in the order they always had.
    while let Some((first, mut env)) = stack.pop() {
        let mut pc = first;
        while let Some(instr) = code.get(pc) {
            if steps >= WALK_STEPS {
                out.merge(future.code(fr.func, pc)?);
                break;
            }
            match seen[pc] {
                UNWALKED => {
                    seen[pc] = envs.len() as u32;
                    envs.push(Env::from_slice(&env));
                }
                k => {
                    let before = &mut envs[k as usize];
                    if covers(before, &env) {
                        break;
                    }
                    // Reached again with other values (a loop): walk on
                    // with what both ways agree on, so that a loop is
                    // walked again only while its locals lose known values.
                    join(before, &env);
                    env = Env::from_slice(before);
                }
            }
            steps += 1;
            out.merge(future.instruction(fr.func, pc)?);
            let next = pc + 1;
            match &instr.op {
                Op::JumpIfNot { cond, target } => match known(state, &env, cond) {
                    Some(Value::Bool(true)) => pc = next,
                    Some(Value::Bool(false)) => pc = target.index(),
                    _ => {
                        stack.push((target.index(), Env::from_slice(&env)));
                        pc = next;
                    }
                },
                Op::Assign { dst, value } => {
                    let v = known(state, &env, value);
                    set(&mut env, dst.index(), v);
                    pc = next;
                }
                Op::AtomicLoad { var, dst }
                | Op::Load {
                    place: Place::Var(var),
                    dst,
                    ok: None,
                } => {
                    let v = known(state, &env, var)
                        .and_then(|h| h.object())
                        .filter(|&r| frozen(r))
                        .and_then(|r| match state.object(r) {
                            Object::Var(x) => Some(x.value),
                            _ => None,
                        });
                    set(&mut env, dst.index(), v);
                    pc = next;
                }
                // A receive from a channel that stays open either blocks or
                // gets a value: its ok flag is true.
                Op::Recv {
                    chan,
                    dst,
                    ok: Some(ok),
                } if known(state, &env, chan)
                    .and_then(Value::object)
                    .is_some_and(open) =>
                {
                    if let Some(d) = dst {
                        set(&mut env, d.index(), None);
                    }
                    set(&mut env, ok.index(), Some(Value::Bool(true)));
                    pc = next;
                }
                op => {
                    // Anything else: its local destinations become unknown;
                    // a call, a `go` or a `defer` takes the summary from
                    // here.
                    let mut plain = true;
                    let mut nexts: SmallVec<[usize; 4]> = SmallVec::new();
                    ops::successors(op, Pc(pc as u32), |s| match s {
                        Successor::Pc(p) => nexts.push(p.index()),
                        Successor::Deferred(_)
                        | Successor::Call { .. }
                        | Successor::Spawn { .. } => plain = false,
                    });
                    if !plain {
                        out.merge(future.code(fr.func, pc)?);
                        break;
                    }
                    ops::local_destinations(op, |d| set(&mut env, d.index(), None));
                    // The last way is followed here, the others wait (the
                    // last pushed is the first popped, as before).
                    let Some(last) = nexts.pop() else {
                        break;
                    };
                    for p in nexts {
                        stack.push((p, Env::from_slice(&env)));
                    }
                    pc = last;
                }
            }
        }
    }
    Some(out)
}

/// The value of slot `i` (a slot never written holds nil).
fn slot(env: &Env, i: usize) -> Option<Value> {
    env.get(i).copied().unwrap_or(Some(Value::Nil))
}

/// True when every local `general` knows has the same value in `env`: a
/// walk from `general` follows every way a walk from `env` would.
fn covers(general: &Env, env: &Env) -> bool {
    (0..general.len().max(env.len()))
        .all(|i| slot(general, i).is_none_or(|v| slot(env, i) == Some(v)))
}

/// Makes `into` unknown wherever `other` differs.
fn join(into: &mut Env, other: &Env) {
    if into.len() < other.len() {
        into.resize(other.len(), Some(Value::Nil));
    }
    for (i, x) in into.iter_mut().enumerate() {
        if x.is_some() && *x != slot(other, i) {
            *x = None;
        }
    }
}

fn set(env: &mut Env, slot: usize, v: Option<Value>) {
    if slot >= env.len() {
        env.resize(slot + 1, Some(Value::Nil));
    }
    env[slot] = v;
}

/// The value of `e` if it is a constant expression of known locals (and
/// global handles, which never change); `None` otherwise, or if it would
/// fail.
fn known(state: &State, env: &Env, e: &Expr) -> Option<Value> {
    // Iterative: expressions nest as deep as the scenario writes them.
    fn only_known(env: &Env, e: &Expr) -> bool {
        let mut stack: SmallVec<[&Expr; 8]> = smallvec::smallvec![e];
        while let Some(e) = stack.pop() {
            match e {
                Expr::Const(_) | Expr::Global(_) => {}
                Expr::Local(l) => {
                    let known =
                        env.get(l.index()).copied().flatten().is_some() || l.index() >= env.len();
                    if !known {
                        return false;
                    }
                }
                Expr::Unary(_, a) => stack.push(a),
                Expr::Binary(_, a, b) => {
                    stack.push(a);
                    stack.push(b);
                }
                Expr::DoneOf(_)
                | Expr::ChanOf(_)
                | Expr::Cap(_)
                | Expr::GroupPart(..)
                | Expr::CondLocker(_)
                | Expr::RLocker(_)
                | Expr::Field(..)
                | Expr::Elem(..)
                | Expr::SliceLen(_)
                | Expr::Func(_) => return false,
            }
        }
        true
    }
    if !only_known(env, e) {
        return None;
    }
    let mut locals: SmallVec<[Value; 8]> = SmallVec::with_capacity(env.len());
    for v in env {
        locals.push(v.unwrap_or(Value::Nil));
    }
    eval(state, &locals, e).ok()
}
