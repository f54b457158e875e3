//! What an operation touches, as the reduction sees it: *families* of
//! objects, each read or written.
//!
//! Two steps are independent when different goroutines make them and no
//! family is written by one and touched by the other. Families are coarser
//! than objects where one operation changes several objects at once: a
//! context, its parent and children, their `Done()` channels (cancel
//! propagates through all of them) form one family, and a timer with its
//! channel another. Everything else is a family of its own. Reads are plain
//! or atomic loads and `len`/`Err()`; everything else (a channel operation, a
//! lock, a store, a WaitGroup change, ...) writes.

use smallvec::SmallVec;
use weft_models::ir::{Expr, NewObject, Op, Place, Program};

use crate::semantics::eval::eval;
use crate::semantics::Transition;
use crate::state::{Goroutine, Object, State};
use crate::value::{ObjRef, Value};

/// How an operation uses a family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// Reads only: commutes with other reads.
    Read = 1,
    /// Changes it (or synchronises on it): conflicts with everything.
    Write = 2,
}

/// A family: the representative object of a group that changes together.
pub type Family = u32;

/// The families touched by one step, with how.
pub type Touches = SmallVec<[(Family, Mode); 4]>;

/// The family of every object of a state.
#[derive(Clone, Debug)]
pub struct Families {
    root: Vec<u32>,
}

impl Families {
    /// Groups the objects of `state` into families.
    pub fn of(state: &State) -> Families {
        let n = state.objects.len();
        let mut f = Families {
            root: (0..n as u32).collect(),
        };
        for (i, o) in state.objects.iter().enumerate() {
            let i = i as u32;
            match o {
                Object::Context(c) => {
                    f.union(i, c.done.0);
                    if let Some(p) = c.parent {
                        f.union(i, p.0);
                    }
                    for ch in &c.children {
                        f.union(i, ch.0);
                    }
                }
                Object::Timer(t) => f.union(i, t.chan.0),
                Object::Chan(c) => {
                    if let Some(t) = c.timer {
                        f.union(i, t.0);
                    }
                }
                _ => {}
            }
        }
        for i in 0..n {
            let r = f.find(i as u32);
            f.root[i] = r;
        }
        f
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.root[x as usize] != x {
            let up = self.root[self.root[x as usize] as usize];
            self.root[x as usize] = up;
            x = up;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        if (b as usize) >= self.root.len() {
            return;
        }
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.root[hi as usize] = lo;
        }
    }

    /// The family of an object.
    pub fn family(&self, r: ObjRef) -> Family {
        self.root.get(r.index()).copied().unwrap_or(r.0)
    }

    /// How many objects there are (families are numbered below this).
    pub fn len(&self) -> usize {
        self.root.len()
    }

    /// True when the state has no objects.
    pub fn is_empty(&self) -> bool {
        self.root.is_empty()
    }
}

/// Adds `(family, mode)`, keeping the strongest mode per family.
pub fn add(out: &mut Touches, fam: Family, mode: Mode) {
    match out.iter_mut().find(|(f, _)| *f == fam) {
        Some((_, m)) => *m = (*m).max(mode),
        None => out.push((fam, mode)),
    }
}

/// True when the two touch sets conflict: a family written by one and
/// touched by the other.
pub fn conflict(a: &Touches, b: &Touches) -> bool {
    a.iter().any(|&(fa, ma)| {
        b.iter()
            .any(|&(fb, mb)| fa == fb && (ma == Mode::Write || mb == Mode::Write))
    })
}

/// The operand expressions of an operation with the mode each is used in
/// (object operands only; values, keys and deltas are not).
pub fn operands(op: &Op, mut f: impl FnMut(&Expr, Mode)) {
    fn place(p: &Place) -> &Expr {
        match p {
            Place::Var(e) => e,
            Place::MapEntry { map, .. } => map,
        }
    }
    match op {
        Op::Load { place: p, .. } => f(place(p), Mode::Read),
        Op::Store { place: p, .. } => f(place(p), Mode::Write),
        Op::MapDelete { map, .. } => f(map, Mode::Write),
        Op::Len { target, .. } => f(target, Mode::Read),
        Op::AtomicLoad { var, .. } => f(var, Mode::Read),
        Op::AtomicStore { var, .. }
        | Op::AtomicAdd { var, .. }
        | Op::CompareAndSwap { var, .. } => f(var, Mode::Write),
        Op::Send { chan, .. } | Op::Recv { chan, .. } | Op::Close { chan } => f(chan, Mode::Write),
        Op::Select { arms, .. } => arms.iter().for_each(|a| f(&a.chan, Mode::Write)),
        Op::Lock { mutex }
        | Op::Unlock { mutex }
        | Op::TryLock { mutex, .. }
        | Op::RLock { mutex }
        | Op::RUnlock { mutex } => f(mutex, Mode::Write),
        Op::WgAdd { wg, .. } => f(wg, Mode::Write),
        Op::Wait { target } => f(target, Mode::Write),
        Op::Signal { cond } | Op::Broadcast { cond } => f(cond, Mode::Write),
        Op::OnceEnter { once, .. } | Op::OnceExit { once } => f(once, Mode::Write),
        Op::Cancel { cancel } => f(cancel, Mode::Write),
        Op::CtxErr { ctx, .. } => f(ctx, Mode::Read),
        Op::TimerStop { timer, .. } | Op::TimerReset { timer, .. } => f(timer, Mode::Write),
        Op::New {
            object: NewObject::WithCancel { parent, .. },
            ..
        } => f(parent, Mode::Write),
        _ => {}
    }
}

/// The families the current operation of `g` touches, over all its
/// alternatives (every arm of a select, enabled or not: another arm
/// becoming ready changes what the goroutine may do).
pub fn goroutine_touches(prog: &Program, state: &State, fams: &Families, g: &Goroutine) -> Touches {
    let mut out = Touches::new();
    if g.spinning {
        return out;
    }
    let site = g.site();
    let locals = &g.top().locals;
    operands(&prog.instr(site.func, site.pc).op, |e, mode| {
        let Some(r) = eval(state, locals, e).ok().and_then(Value::object) else {
            return;
        };
        add(&mut out, fams.family(r), mode);
        // Cond.Wait also unlocks and relocks the Cond's Locker.
        if let Object::Cond(c) = state.object(r) {
            add(&mut out, fams.family(c.locker), Mode::Write);
        }
    });
    out
}

/// The families a transition touches.
pub fn transition_touches(
    prog: &Program,
    state: &State,
    fams: &Families,
    t: &Transition,
) -> Touches {
    match *t {
        Transition::Step { g, .. } => {
            goroutine_touches(prog, state, fams, &state.goroutines[g as usize])
        }
        Transition::Rendezvous {
            sender, receiver, ..
        } => {
            let mut out = goroutine_touches(prog, state, fams, &state.goroutines[sender as usize]);
            for (f, m) in goroutine_touches(prog, state, fams, &state.goroutines[receiver as usize])
            {
                add(&mut out, f, m);
            }
            out
        }
        Transition::Fire { object } => smallvec::smallvec![(fams.family(object), Mode::Write)],
    }
}

/// The families every timer, ticker and deadline that could ever fire
/// belongs to: the future of the clock.
pub fn clock_touches(state: &State, fams: &Families) -> Touches {
    let mut out = Touches::new();
    for (i, o) in state.objects.iter().enumerate() {
        let fires = match o {
            Object::Timer(_) => true,
            Object::Context(c) => c.deadline_pending && c.err.is_none(),
            _ => false,
        };
        if fires {
            add(&mut out, fams.family(ObjRef(i as u32)), Mode::Write);
        }
    }
    out
}
