//! Canonical form of a state: objects garbage-collected and renumbered in
//! the order a fixed traversal from the roots first reaches them.
//!
//! Roots are the globals (in declaration order), then each goroutine (in id
//! order): its frames' locals and return values. Objects are then visited
//! breadth-first through the handles they hold. Two states that differ only
//! in the order their objects were created (as happens when independent
//! goroutines allocate in different interleavings) become identical.
//!
//! Garbage collection also detects context leaks exactly: when no handle to
//! a context's cancel function is reachable any more and it was never
//! called, it never will be ([`Event::ContextLeak`]).

use super::{Object, State};
use crate::semantics::context::CancelStatus;
use crate::semantics::Event;
use crate::value::{ObjRef, Value};

/// Calls `f` on every value held by an object (its buffer, value, entries,
/// and the handles it keeps: a Cond's Locker, a context's family, a timer's
/// channel).
pub(crate) fn for_each_value(o: &Object, mut f: impl FnMut(Value)) {
    match o {
        Object::Chan(c) => {
            c.buf.iter().for_each(|&v| f(v));
            if let Some(t) = c.timer {
                f(Value::Obj(t));
            }
        }
        Object::Cond(c) => f(Value::Obj(c.locker)),
        Object::Var(v) => f(v.value),
        Object::Map(m) => m.entries.iter().for_each(|&(k, v)| {
            f(k);
            f(v)
        }),
        Object::Context(c) => {
            if let Some(p) = c.parent {
                f(Value::Obj(p));
            }
            f(Value::Obj(c.done));
            c.children.iter().for_each(|&ch| f(Value::Obj(ch)));
        }
        Object::Timer(t) => f(Value::Obj(t.chan)),
        Object::Mutex(_) | Object::RwMutex(_) | Object::WaitGroup(_) | Object::Once(_) => {}
    }
}

/// Rewrites every handle inside an object through `map`.
fn remap_object(o: &mut Object, map: &[u32]) {
    let r = |x: ObjRef| ObjRef(map[x.index()]);
    match o {
        Object::Chan(c) => {
            c.buf.iter_mut().for_each(|v| *v = v.remap(map));
            c.timer = c.timer.map(r);
        }
        Object::Cond(c) => c.locker = r(c.locker),
        Object::Var(v) => v.value = v.value.remap(map),
        Object::Map(m) => {
            m.entries
                .iter_mut()
                .for_each(|(k, v)| (*k, *v) = (k.remap(map), v.remap(map)));
            // Keys holding handles may reorder.
            m.entries.sort();
        }
        Object::Context(c) => {
            c.parent = c.parent.map(r);
            c.done = r(c.done);
            c.children.iter_mut().for_each(|x| *x = r(*x));
            c.children.sort();
        }
        Object::Timer(t) => t.chan = r(t.chan),
        Object::Mutex(_) | Object::RwMutex(_) | Object::WaitGroup(_) | Object::Once(_) => {}
    }
}

const UNSEEN: u32 = u32::MAX;

/// What canonicalisation did to object numbering: for each object of the
/// state before it (in index order), its index after, or none when it was
/// garbage-collected. Objects a step created come after those of the state
/// it started from, so their old indices are that state's object count and
/// up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Renumbering {
    /// New index by old index; [`UNSEEN`] when collected.
    map: Vec<u32>,
}

impl Renumbering {
    /// The new handle of the object with old index `old`; `None` when it
    /// was garbage-collected (or never existed).
    pub fn get(&self, old: usize) -> Option<ObjRef> {
        self.map
            .get(old)
            .copied()
            .filter(|&i| i != UNSEEN)
            .map(ObjRef)
    }

    /// How many objects there were before canonicalisation.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when there were no objects (or nothing was canonicalised).
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

struct Walk {
    map: Vec<u32>,
    order: Vec<u32>,
    cancel_reachable: Vec<bool>,
}

impl Walk {
    fn visit(&mut self, v: Value) {
        if let Value::Cancel(r) = v {
            self.cancel_reachable[r.index()] = true;
        }
        if let Some(r) = v.object() {
            if self.map[r.index()] == UNSEEN {
                self.map[r.index()] = self.order.len() as u32;
                self.order.push(r.0);
            }
        }
    }
}

/// Puts `state` in canonical form; reports contexts whose cancel function
/// just became unreachable without having been called. Returns where each
/// object went (the traversal's own map, so it costs no extra work).
pub(crate) fn canonicalize(state: &mut State, events: &mut Vec<Event>) -> Renumbering {
    let n = state.objects.len();
    let mut walk = Walk {
        map: vec![UNSEEN; n],
        order: Vec::with_capacity(n),
        cancel_reachable: vec![false; n],
    };
    for &v in &state.globals {
        walk.visit(v);
    }
    for g in &state.goroutines {
        for f in &g.frames {
            f.locals.iter().for_each(|&v| walk.visit(v));
            walk.visit(f.ret);
        }
    }
    let mut i = 0;
    while i < walk.order.len() {
        let o = &state.objects[walk.order[i] as usize];
        for_each_value(o, |v| walk.visit(v));
        i += 1;
    }
    // Context leaks: a pending cancel function that nothing can reach.
    for (idx, o) in state.objects.iter_mut().enumerate() {
        if let Object::Context(c) = o {
            if c.cancel == CancelStatus::Pending && !walk.cancel_reachable[idx] {
                c.cancel = CancelStatus::Abandoned;
                if let Some(site) = c.site {
                    events.push(Event::ContextLeak { site });
                }
            }
        }
    }
    let identity =
        walk.order.len() == n && walk.order.iter().enumerate().all(|(i, &o)| i as u32 == o);
    if identity {
        return Renumbering { map: walk.map };
    }
    let mut objects = Vec::with_capacity(walk.order.len());
    for &old in &walk.order {
        let mut o = state.objects[old as usize].clone();
        remap_object(&mut o, &walk.map);
        objects.push(o);
    }
    state.objects = objects;
    let map = &walk.map;
    state.globals.iter_mut().for_each(|v| *v = v.remap(map));
    for g in &mut state.goroutines {
        for f in &mut g.frames {
            f.locals.iter_mut().for_each(|v| *v = v.remap(map));
            f.ret = f.ret.remap(map);
        }
    }
    Renumbering { map: walk.map }
}
