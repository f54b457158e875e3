//! What an operation touches, as the reduction sees it: the footprint
//! ([`crate::semantics::footprint`]) grouped into *families* of objects,
//! each read or written.
//!
//! Two steps are independent when different goroutines make them and no
//! family is written by one and touched by the other. Families are coarser
//! than objects where one operation changes several objects at once: a
//! context, its parent and children, their `Done()` channels (cancel
//! propagates through all of them) form one family, and a timer with its
//! channel another. Everything else is a family of its own. A use that
//! changes nothing ([`Use::is_read_only`]: plain or atomic loads, `len`,
//! `Err()`) reads; everything else (a channel operation, a lock, a store, a
//! WaitGroup change, ...) writes.

use smallvec::SmallVec;
use weft_models::ir::Program;

use crate::semantics::footprint::{self, Use};
use crate::semantics::Transition;
use crate::state::{Goroutine, Object, State};
use crate::value::ObjRef;

/// How an operation uses a family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Mode {
    /// Reads only: commutes with other reads.
    Read = 1,
    /// Changes it (or synchronises on it): conflicts with everything.
    Write = 2,
}

/// A family: the representative object of a group that changes together.
pub(crate) type Family = u32;

/// The families touched by one step, with how.
pub(crate) type Touches = SmallVec<[(Family, Mode); 4]>;

/// The family of every object of a state.
#[derive(Clone, Debug)]
pub(crate) struct Families {
    /// How many objects there are.
    objects: usize,
    /// Union-find parents, inline for the few objects most states hold;
    /// made by the first union, so empty when every object is a family of
    /// its own (no context, timer, group or registration with parts to
    /// join: most states of most programs).
    root: SmallVec<[u32; 16]>,
}

impl Families {
    /// Groups the objects of `state` into families.
    pub(crate) fn of(state: &State) -> Families {
        let n = state.objects.len();
        // The table is made by the first union (most states have none).
        let mut f = Families {
            objects: n,
            root: SmallVec::new(),
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
                // The runner waiting on a registration moves when its
                // context is done: one family with the context.
                Object::Registration(r) => f.union(i, r.ctx.0),
                // A group and its parts are one family: its methods touch
                // them through the group.
                Object::Group(g) => {
                    for v in g.values() {
                        if let Some(r) = v.object() {
                            f.union(i, r.0);
                        }
                    }
                }
                Object::Chan(c) => {
                    if let Some(t) = c.timer {
                        f.union(i, t.0);
                    }
                }
                // A Cond's Locker is its own family: only Wait touches both.
                Object::Mutex(_)
                | Object::RwMutex(_)
                | Object::WaitGroup(_)
                | Object::Once(_)
                | Object::Cond(_)
                | Object::Record(_)
                | Object::Slice(_)
                | Object::Closure(_)
                | Object::Var(_)
                | Object::Map(_)
                | Object::Knowledge(_) => {}
            }
        }
        if f.grouped() {
            for i in 0..n {
                let r = f.find(i as u32);
                f.root[i] = r;
            }
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
        if self.root.is_empty() {
            self.root = (0..self.objects as u32).collect();
        }
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
    pub(crate) fn family(&self, r: ObjRef) -> Family {
        self.root.get(r.index()).copied().unwrap_or(r.0)
    }

    /// How many objects there are (families are numbered below this).
    pub fn len(&self) -> usize {
        self.objects
    }

    /// False when no object was joined to another, so every object is a
    /// family of its own: then the state holds no context and no timer
    /// (each is joined to its channel; see [`Families::of`]).
    pub(crate) fn grouped(&self) -> bool {
        !self.root.is_empty()
    }
}

/// Adds `(family, mode)`, keeping the strongest mode per family.
pub(crate) fn add(out: &mut Touches, fam: Family, mode: Mode) {
    match out.iter_mut().find(|(f, _)| *f == fam) {
        Some((_, m)) => *m = (*m).max(mode),
        None => out.push((fam, mode)),
    }
}

/// The mode in which a use touches an object's family.
pub(crate) fn mode_of(u: Use) -> Mode {
    if u.is_read_only() {
        Mode::Read
    } else {
        Mode::Write
    }
}

/// Adds the families of a footprint's objects.
fn add_all(out: &mut Touches, fams: &Families, objects: &footprint::Touches) {
    for &(r, u) in objects {
        add(out, fams.family(r), mode_of(u));
    }
}

/// The families the current operation of `g` touches, over all its
/// alternatives (see [`footprint::goroutine_touches`]).
pub(crate) fn goroutine_touches(
    prog: &Program,
    state: &State,
    fams: &Families,
    g: &Goroutine,
) -> Touches {
    let mut out = Touches::new();
    footprint::each_goroutine_touch(prog, state, g, |r, u| {
        add(&mut out, fams.family(r), mode_of(u))
    });
    out
}

/// The families a transition touches: its footprint, grouped.
pub(crate) fn transition_touches(
    prog: &Program,
    state: &State,
    fams: &Families,
    t: &Transition,
) -> Touches {
    let mut out = Touches::new();
    add_all(
        &mut out,
        fams,
        &footprint::footprint(prog, state, t).objects,
    );
    out
}

/// The families every timer, ticker and deadline that could ever fire
/// belongs to: the future of the clock.
pub(crate) fn clock_touches(state: &State, fams: &Families) -> Touches {
    let mut out = Touches::new();
    // Without timers and contexts (nothing grouped), nothing fires.
    if !fams.grouped() {
        return out;
    }
    for (i, o) in state.objects.iter().enumerate() {
        let fires = match o {
            // A `time.AfterFunc` timer fires by its runner's step.
            Object::Timer(t) => t.callback.is_none(),
            Object::Context(c) => c.deadline_pending && c.err.is_none(),
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
            | Object::Knowledge(_) => false,
        };
        if fires {
            add(&mut out, fams.family(ObjRef(i as u32)), Mode::Write);
        }
    }
    out
}
