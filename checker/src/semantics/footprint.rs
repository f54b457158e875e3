//! What a transition touches: its footprint, the one dynamic description
//! of an operation's accesses. The reduction groups it into families, the
//! race detector reads the memory accesses in it, and the reports draw
//! happens-before edges and slices from it.
//!
//! The static part comes from `weft_models::ops` (which expressions of an
//! operation denote objects, and how each is used); this file evaluates
//! them in the goroutine's frame and adds what only the run-time state
//! knows: the Locker a `Cond.Wait` releases and retakes, the channel a
//! timer fires into, the `Done()` channel a deadline closes, and whether
//! `len` looks at a map (a plain read) or at a channel.

use smallvec::SmallVec;
use weft_models::ir::{Op, Program};
pub(crate) use weft_models::ops::Use;

use super::eval::eval;
use super::Transition;
use crate::state::{Goroutine, Object, State};
use crate::value::{ObjRef, Value};

/// The objects one goroutine's operation touches, with how.
pub(crate) type Touches = SmallVec<[(ObjRef, Use); 4]>;

/// The goroutines and objects a transition involves.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Footprint {
    /// Goroutines that move.
    pub goroutines: SmallVec<[u32; 2]>,
    /// Objects touched and how.
    pub objects: Touches,
}

/// A pending plain or atomic memory access of one goroutine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MemoryAccess {
    /// The variable or map.
    pub object: ObjRef,
    /// Write (or read).
    pub write: bool,
    /// Atomic (never races with another atomic).
    pub atomic: bool,
}

impl MemoryAccess {
    /// The memory access a use of `object` makes, if it is one.
    fn of(object: ObjRef, u: Use) -> Option<MemoryAccess> {
        let (write, atomic) = match u {
            Use::Read => (false, false),
            Use::Write => (true, false),
            Use::AtomicRead => (false, true),
            Use::AtomicWrite => (true, true),
            Use::Inspect | Use::Sync => return None,
        };
        Some(MemoryAccess {
            object,
            write,
            atomic,
        })
    }
}

/// What the current operation of goroutine `g` touches, over all its
/// alternatives (every arm of a select, enabled or not: another arm
/// becoming ready changes what the goroutine may do). A goroutine that
/// spins on local code touches nothing.
pub(crate) fn goroutine_touches(prog: &Program, state: &State, g: &Goroutine) -> Touches {
    let mut out = Touches::new();
    each_goroutine_touch(prog, state, g, |r, u| out.push((r, u)));
    out
}

/// Calls `f` on each object [`goroutine_touches`] lists, in its order,
/// without collecting them.
pub(crate) fn each_goroutine_touch(
    prog: &Program,
    state: &State,
    g: &Goroutine,
    mut f: impl FnMut(ObjRef, Use),
) {
    each_touch(
        prog,
        state,
        g,
        |_| true,
        |r, u| {
            f(r, u);
            false
        },
    );
}

/// Calls `f` on each object the current operation of `g` touches, with
/// how, evaluating only the operands whose static use `wanted` accepts,
/// until `f` returns true.
fn each_touch(
    prog: &Program,
    state: &State,
    g: &Goroutine,
    wanted: impl Fn(Use) -> bool,
    mut f: impl FnMut(ObjRef, Use) -> bool,
) {
    if g.spinning {
        return;
    }
    let site = g.site();
    let op = &prog.instr(site.func, site.pc).op;
    let locals = &g.top().locals;
    let mut done = false;
    // An append's operands: the slice appended to first, then (spread)
    // the slice whose elements it appends; `appended` values in all.
    let mut operand = 0usize;
    let appended = match op {
        Op::Append {
            values,
            spread: true,
            ..
        } => values
            .first()
            .and_then(|v| eval(state, locals, v).ok())
            .and_then(Value::object)
            .map_or(0, |r| match state.object(r) {
                Object::Slice(s) => s.len as usize,
                _ => 0,
            }),
        Op::Append { values, elem, .. } => {
            let width = elem
                .record
                .and_then(|id| prog.types.get(id.index()))
                .map_or(1, |t| t.fields.len().max(1));
            values.len() / width
        }
        _ => 0,
    };
    // The cells holding an element's values: itself, or a record's fields.
    let cells = |c: ObjRef| super::record::value_cells(state, c).unwrap_or_default();
    weft_models::ops::operands(op, |e, u| {
        operand += 1;
        if done || !wanted(u) {
            return;
        }
        let Some(r) = eval(state, locals, e).ok().and_then(Value::object) else {
            return;
        };
        let object = state.object(r);
        let u = match (u, object) {
            // `len(m)` reads the map's memory.
            (Use::Inspect, Object::Map(_)) => Use::Read,
            // `append` writes the cell past the length, not the slice
            // (below); `models::ops` says Write for what it may reach.
            (_, Object::Slice(_)) if matches!(op, Op::Append { .. }) => Use::Inspect,
            (u, _) => u,
        };
        done = f(r, u);
        // `Cond.Wait` also unlocks and relocks the Cond's Locker.
        if let (false, Op::Wait { .. }, Object::Cond(c)) = (done, op, object) {
            done = f(c.locker, Use::Sync);
        }
        // `append` with spare capacity for its values writes the next
        // cells of the backing array in place, plain writes other slices
        // of the array see (and race with); without, it reads every
        // element it copies, as it reads those of a spread slice: plain
        // reads, which Go's race detector checks too (`growslice` and
        // `slicecopy` report the ranges they read).
        if let (Op::Append { .. }, Object::Slice(s)) = (op, object) {
            let in_place = operand == 1 && s.spare_for(appended);
            let (elements, u) = if in_place {
                let past = s.elems.get(s.len as usize..s.len as usize + appended);
                (past.unwrap_or(&[]), Use::Write)
            } else {
                (s.elements(), Use::Read)
            };
            for &e in elements {
                for c in cells(e) {
                    if done {
                        break;
                    }
                    done = f(c, u);
                }
            }
        }
    });
}

/// The memory accesses goroutine `g` is about to make, if its next
/// operation makes any: one for most, one per cell written for an
/// `append` of several values in place.
pub(crate) fn memory_accesses(
    prog: &Program,
    state: &State,
    g: &Goroutine,
) -> SmallVec<[MemoryAccess; 1]> {
    // The synchronising operands are not evaluated: most goroutines wait
    // at a channel or a lock, and have no memory access to find.
    let mut found = SmallVec::new();
    each_touch(
        prog,
        state,
        g,
        |u| !matches!(u, Use::Sync),
        |r, u| {
            found.extend(MemoryAccess::of(r, u));
            false
        },
    );
    found
}

/// True when some operand of `prog` is a plain read or write, or a `len`
/// that may read a map: the accesses two of which may race.
pub(crate) fn plain_accesses(prog: &Program) -> bool {
    let mut plain = false;
    for instr in prog.funcs.iter().flat_map(|f| &f.code) {
        weft_models::ops::operands(&instr.op, |_, u| {
            plain |= match u {
                Use::Read | Use::Write | Use::Inspect => true,
                Use::AtomicRead | Use::AtomicWrite | Use::Sync => false,
            };
        });
    }
    plain
}

/// True when `prog` closes channels and sends on channels (a send, or a
/// select's send case): a send may race with a close.
pub(crate) fn sends_and_closes(prog: &Program) -> bool {
    let (mut close, mut send) = (false, false);
    for op in prog.funcs.iter().flat_map(|f| &f.code).map(|i| &i.op) {
        close |= matches!(op, Op::Close { .. });
        send |= match op {
            Op::Send { .. } => true,
            Op::Select { arms, .. } => arms
                .iter()
                .any(|a| matches!(a.dir, weft_models::ir::CaseDir::Send { .. })),
            _ => false,
        };
    }
    close && send
}

/// The objects a timer or context deadline firing touches: the object and
/// the channel it fires into (a timer's `C`, a context's `Done()`).
pub(crate) fn fire_touches(state: &State, object: ObjRef) -> Touches {
    let mut out = Touches::new();
    out.push((object, Use::Sync));
    match state.object(object) {
        Object::Timer(t) => out.push((t.chan, Use::Sync)),
        Object::Context(c) => out.push((c.done, Use::Sync)),
        Object::Chan(_)
        | Object::Mutex(_)
        | Object::RwMutex(_)
        | Object::WaitGroup(_)
        | Object::Once(_)
        | Object::Cond(_)
        | Object::Var(_)
        | Object::Map(_)
        | Object::Group(_)
        | Object::Record(_)
        | Object::Slice(_)
        | Object::Closure(_)
        | Object::Registration(_)
        | Object::Knowledge(_) => {}
    }
    out
}

/// The footprint of a transition in `state`.
pub(crate) fn footprint(prog: &Program, state: &State, t: &Transition) -> Footprint {
    let mut fp = Footprint::default();
    match *t {
        Transition::Step { g, .. } => {
            fp.goroutines.push(g);
            fp.objects = goroutine_touches(prog, state, &state.goroutines[g as usize]);
        }
        Transition::Rendezvous {
            sender, receiver, ..
        } => {
            fp.goroutines.push(sender);
            fp.goroutines.push(receiver);
            for p in [sender, receiver] {
                let g = &state.goroutines[p as usize];
                fp.objects.extend(goroutine_touches(prog, state, g));
            }
        }
        Transition::Fire { object } => fp.objects = fire_touches(state, object),
    }
    fp
}
