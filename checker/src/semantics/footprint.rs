//! What a transition touches: its footprint. Reductions decide independence
//! from footprints, and the race detector reads the memory accesses that
//! goroutines are about to make.

use smallvec::SmallVec;
use weft_models::ir::{Expr, Op, Place, Program};

use super::eval::eval;
use super::{Transition, PLAIN};
use crate::state::{Goroutine, Object, State};
use crate::value::{ObjRef, Value};

/// How an operation uses an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Access {
    /// A plain read of a variable or map.
    Read,
    /// A plain write of a variable or map.
    Write,
    /// An atomic access.
    Atomic,
    /// Any synchronising operation (channel, mutex, WaitGroup, ...): it
    /// conflicts with every other operation on the same object.
    Sync,
}

/// The goroutines and objects a transition involves.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Footprint {
    /// Goroutines that move.
    pub goroutines: SmallVec<[u32; 2]>,
    /// Objects touched and how.
    pub objects: SmallVec<[(ObjRef, Access); 4]>,
    /// True when the transition starts a goroutine or creates objects
    /// shared with the world (contexts, timers).
    pub spawns: bool,
}

/// A pending plain or atomic memory access of one goroutine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryAccess {
    /// The variable or map.
    pub object: ObjRef,
    /// Write (or read).
    pub write: bool,
    /// Atomic (never races with another atomic).
    pub atomic: bool,
}

fn handle(state: &State, g: &Goroutine, e: &Expr) -> Option<ObjRef> {
    eval(state, &g.top().locals, e).ok().and_then(Value::object)
}

/// The memory access goroutine `g` is about to make, if its next operation
/// is one.
pub fn memory_access(prog: &Program, state: &State, g: &Goroutine) -> Option<MemoryAccess> {
    let site = g.site();
    let acc = |e: &Expr, write, atomic| {
        handle(state, g, e).map(|object| MemoryAccess {
            object,
            write,
            atomic,
        })
    };
    let place = |p: &Place, write| match p {
        Place::Var(e) => acc(e, write, false),
        Place::MapEntry { map, .. } => acc(map, write, false),
    };
    match &prog.instr(site.func, site.pc).op {
        Op::Load { place: p, .. } => place(p, false),
        Op::Store { place: p, .. } => place(p, true),
        Op::MapDelete { map, .. } => acc(map, true, false),
        Op::Len { target, .. } => {
            let r = handle(state, g, target)?;
            matches!(state.object(r), Object::Map(_)).then_some(MemoryAccess {
                object: r,
                write: false,
                atomic: false,
            })
        }
        Op::AtomicLoad { var, .. } => acc(var, false, true),
        Op::AtomicStore { var, .. }
        | Op::AtomicAdd { var, .. }
        | Op::CompareAndSwap { var, .. } => acc(var, true, true),
        _ => None,
    }
}

/// The objects the next operation of goroutine `g` (arm `arm`) touches.
fn goroutine_objects(prog: &Program, state: &State, g: &Goroutine, arm: u32, fp: &mut Footprint) {
    if let Some(m) = memory_access(prog, state, g) {
        let a = match (m.atomic, m.write) {
            (true, _) => Access::Atomic,
            (false, true) => Access::Write,
            (false, false) => Access::Read,
        };
        fp.objects.push((m.object, a));
        return;
    }
    let site = g.site();
    let mut sync = |e: &Expr| {
        if let Some(r) = handle(state, g, e) {
            fp.objects.push((r, Access::Sync));
        }
    };
    match &prog.instr(site.func, site.pc).op {
        Op::Send { chan, .. } | Op::Recv { chan, .. } | Op::Close { chan } => sync(chan),
        Op::Select { arms, .. } => {
            // Every channel of every arm: readiness of the others decides
            // whether this arm (or default) may be taken.
            let _ = arm;
            for a in arms {
                sync(&a.chan);
            }
        }
        Op::Lock { mutex }
        | Op::Unlock { mutex }
        | Op::TryLock { mutex, .. }
        | Op::RLock { mutex }
        | Op::RUnlock { mutex } => sync(mutex),
        Op::WgAdd { wg, .. } => sync(wg),
        Op::Wait { target } => {
            sync(target);
            if let Some(Object::Cond(c)) = handle(state, g, target).map(|r| state.object(r)) {
                fp.objects.push((c.locker, Access::Sync));
            }
        }
        Op::Signal { cond } | Op::Broadcast { cond } => sync(cond),
        Op::OnceEnter { once, .. } | Op::OnceExit { once } => sync(once),
        Op::Cancel { cancel } | Op::CtxErr { ctx: cancel, .. } => sync(cancel),
        Op::TimerStop { timer, .. } | Op::TimerReset { timer, .. } => sync(timer),
        Op::Go { .. } | Op::New { .. } => fp.spawns = true,
        _ => {}
    }
}

/// The footprint of a transition in `state`.
pub fn footprint(prog: &Program, state: &State, t: &Transition) -> Footprint {
    let mut fp = Footprint::default();
    match *t {
        Transition::Step { g, alt } => {
            fp.goroutines.push(g);
            goroutine_objects(prog, state, &state.goroutines[g as usize], alt, &mut fp);
        }
        Transition::Rendezvous {
            sender,
            send_arm,
            receiver,
            recv_arm,
        } => {
            fp.goroutines.push(sender);
            fp.goroutines.push(receiver);
            let s = &state.goroutines[sender as usize];
            let r = &state.goroutines[receiver as usize];
            goroutine_objects(prog, state, s, send_arm, &mut fp);
            goroutine_objects(prog, state, r, recv_arm, &mut fp);
            let _ = PLAIN;
        }
        Transition::Fire { object } => {
            fp.objects.push((object, Access::Sync));
            match state.object(object) {
                Object::Timer(t) => fp.objects.push((t.chan, Access::Sync)),
                Object::Context(c) => fp.objects.push((c.done, Access::Sync)),
                _ => {}
            }
        }
    }
    fp
}
