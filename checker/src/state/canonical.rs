//! Canonical form of a state: objects garbage-collected and renumbered in
//! the order a fixed traversal from the roots first reaches them, and
//! goroutine identities taken from the spawn tree of the live goroutines
//! ([`canonical_goroutines`]).
//!
//! Roots are the globals (in declaration order), then each goroutine (in id
//! order): its frames' locals and return values. Objects are then visited
//! breadth-first through the handles they hold. Two states that differ only
//! in the order their objects were created (as happens when independent
//! goroutines allocate in different interleavings) become identical.
//!
//! Garbage collection also detects context leaks exactly: when no handle to
//! a context's cancel function is reachable any more and it was never
//! called, it never will be; and, under Go 1.22 timers, a timer or ticker
//! the runtime still holds that nothing else reaches (both are
//! [`Event::Abandoned`]).

use std::collections::BTreeMap;
use std::rc::Rc;

use smallvec::SmallVec;

use super::{GoroutineId, Object, State};
use crate::semantics::context::CancelStatus;
use crate::semantics::{Event, Resource};
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
        Object::Timer(t) => {
            f(Value::Obj(t.chan));
            if let Some(cb) = &t.callback {
                cb.args.iter().for_each(|&v| f(v));
            }
        }
        Object::Registration(r) => f(Value::Obj(r.ctx)),
        Object::Group(g) => g.values().into_iter().for_each(f),
        Object::Record(r) => r.fields.iter().for_each(|&x| f(Value::Obj(x))),
        Object::Slice(s) => s.elems.iter().for_each(|&x| f(Value::Obj(x))),
        Object::Closure(c) => c.captured.iter().for_each(|&v| f(v)),
        // The knowledge names objects without keeping them alive.
        Object::Mutex(_)
        | Object::RwMutex(_)
        | Object::WaitGroup(_)
        | Object::Once(_)
        | Object::Knowledge(_) => {}
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
        Object::Timer(t) => {
            t.chan = r(t.chan);
            if let Some(cb) = &mut t.callback {
                cb.args.iter_mut().for_each(|v| *v = v.remap(map));
            }
        }
        Object::Registration(reg) => reg.ctx = r(reg.ctx),
        Object::Group(g) => g.remap(map),
        Object::Record(rec) => rec.fields.iter_mut().for_each(|x| *x = r(*x)),
        Object::Slice(sl) => sl.elems.iter_mut().for_each(|x| *x = r(*x)),
        Object::Closure(c) => c.captured.iter_mut().for_each(|v| *v = v.remap(map)),
        Object::Knowledge(k) => k.remap(map),
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
    /// New index by old index; [`UNSEEN`] when collected (inline for the
    /// few objects most states hold: this is made after every step).
    map: SmallVec<[u32; 16]>,
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

/// The traversal's work lists: inline for the few objects most states
/// hold (this runs after every step).
struct Walk {
    map: SmallVec<[u32; 16]>,
    order: SmallVec<[u32; 16]>,
    cancel_reachable: SmallVec<[bool; 32]>,
}

impl Walk {
    /// Numbers the object `v` refers to, if any, when first met. (Inlined:
    /// it runs for every global, local and value held in an object after
    /// every step.)
    #[inline]
    fn visit(&mut self, v: Value) {
        let r = match v {
            Value::Cancel(r) => {
                self.cancel_reachable[r.index()] = true;
                r
            }
            Value::Obj(r) | Value::RLocker(r) => r,
            Value::Nil
            | Value::Int(_)
            | Value::Bool(_)
            | Value::Err(_)
            | Value::Func(_)
            | Value::Str(_) => return,
        };
        let seen = &mut self.map[r.index()];
        if *seen == UNSEEN {
            *seen = self.order.len() as u32;
            self.order.push(r.0);
        }
    }
}

/// Puts `state` in canonical form; reports contexts whose cancel function
/// just became unreachable without having been called. Returns where each
/// object went (the traversal's own map, so it costs no extra work).
pub(crate) fn canonicalize(state: &mut State, events: &mut Vec<Event>) -> Renumbering {
    let n = state.objects.len();
    // When the globals reach every object in order, the numbering is
    // already canonical and nothing is collected (what the walk below
    // would find: every object is seen). Only an abandoned context is
    // left to find, and there is none without a context. (Most states
    // of programs whose shared objects are globals: most of the
    // canonical form's cost on lastzero.)
    let contexts = state
        .objects
        .iter()
        .any(|o| matches!(o, Object::Context(_)));
    if !contexts && globals_number_every_object(&state.globals, n) {
        // (Pushed one by one: collecting the range took 3.4 times the
        // instructions, after every step.)
        let mut map = SmallVec::new();
        for i in 0..n as u32 {
            map.push(i);
        }
        return Renumbering { map };
    }
    let mut walk = Walk {
        map: smallvec::smallvec![UNSEEN; n],
        order: SmallVec::with_capacity(n),
        cancel_reachable: smallvec::smallvec![false; n],
    };
    for &v in &state.globals {
        walk.visit(v);
    }
    // Once every object is numbered, the rest of the walk can change
    // nothing but which cancel functions it reaches: without a context,
    // it stops there.
    let all_seen = |walk: &Walk| !contexts && walk.order.len() == n;
    for g in &state.goroutines {
        if all_seen(&walk) {
            break;
        }
        for f in &g.frames {
            f.locals.iter().for_each(|&v| walk.visit(v));
            walk.visit(f.ret);
        }
    }
    let mut i = 0;
    while i < walk.order.len() && !all_seen(&walk) {
        let o = &state.objects[walk.order[i] as usize];
        for_each_value(o, |v| walk.visit(v));
        i += 1;
    }
    // Context leaks: a pending cancel function that nothing can reach.
    // Resource leaks: a running timer the runtime holds (Go 1.22) that
    // nothing else can reach; it is collected here, which changes nothing
    // the program can observe.
    // (Read first: the objects are copied only for a context to mark.)
    for idx in 0..n {
        match &state.objects[idx] {
            Object::Context(c) => {
                if c.cancel == CancelStatus::Pending && !walk.cancel_reachable[idx] {
                    let site = c.site;
                    if let Object::Context(c) = &mut state.objects_mut()[idx] {
                        c.cancel = CancelStatus::Abandoned;
                    }
                    if let Some(site) = site {
                        events.push(Event::Abandoned {
                            resource: Resource::Cancel,
                            site,
                        });
                    }
                }
            }
            Object::Timer(t) => {
                if t.held_by_runtime() && walk.map[idx] == UNSEEN {
                    events.push(Event::Abandoned {
                        resource: Resource::Timer {
                            ticker: t.periodic(),
                        },
                        site: t.site,
                    });
                }
            }
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
    state.objects = Rc::new(objects);
    let map = &walk.map;
    state.globals.iter_mut().for_each(|v| *v = v.remap(map));
    for g in &mut state.goroutines {
        // Only a goroutine holding a moved handle is copied.
        let moved = g
            .frames
            .iter()
            .any(|f| f.locals.iter().chain([&f.ret]).any(|&v| v.remap(map) != v));
        if moved {
            for f in &mut g.frames {
                f.locals.iter_mut().for_each(|v| *v = v.remap(map));
                f.ret = f.ret.remap(map);
            }
        }
    }
    Renumbering { map: walk.map }
}

/// True when the walk from `globals` alone ([`Walk::visit`] of each)
/// numbers all `n` objects as they are numbered now: the handles the
/// globals hold, first meetings only, are `0, 1, ..., n - 1`.
fn globals_number_every_object(globals: &[Value], n: usize) -> bool {
    let mut next = 0u32;
    for &v in globals {
        match v {
            Value::Obj(r) | Value::RLocker(r) | Value::Cancel(r) => {
                if r.0 == next {
                    next += 1;
                } else if r.0 > next {
                    // First met out of order: it would be renumbered.
                    return false;
                }
            }
            Value::Nil
            | Value::Int(_)
            | Value::Bool(_)
            | Value::Err(_)
            | Value::Func(_)
            | Value::Str(_) => {}
        }
    }
    next as usize == n
}

/// What canonical goroutine identities did: the goroutines whose id
/// changed, each with its old and new id (usually none).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct GoroutineRenaming {
    renamed: Renamed,
}

/// The renamed goroutines, in one of two forms.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Renamed {
    /// Every live goroutine is main or a child of main (most states):
    /// the live children had the indices `0..top` but the `gaps` (sorted),
    /// and child `[c]` becomes `[c - (gaps below c)]`. (Most steps that
    /// rename end one goroutine: one gap, where the pairs, one per
    /// goroutine after it, took an allocation and two ids each: 1.8 % of
    /// the instructions of readers(14).) Every gap lies below a live
    /// child, so a gap means a renaming.
    /// (`top` is one past a child index, which may be `u16::MAX`.)
    Flat { gaps: SmallVec<[u16; 2]>, top: u32 },
    /// `(old, new)` for every renamed goroutine, in goroutine order (so
    /// sorted by old id).
    Pairs(Vec<(GoroutineId, GoroutineId)>),
}

impl Default for Renamed {
    fn default() -> Self {
        Renamed::Flat {
            gaps: SmallVec::new(),
            top: 0,
        }
    }
}

/// The child of main `[c]`, or `None` for any other id.
fn flat_index(id: &GoroutineId) -> Option<u16> {
    match id.0.as_slice() {
        &[c] => Some(c),
        _ => None,
    }
}

impl GoroutineRenaming {
    /// The id the goroutine that now has `new` had before; `None` when it
    /// kept it.
    pub(crate) fn old_of(&self, new: &GoroutineId) -> Option<GoroutineId> {
        match &self.renamed {
            Renamed::Flat { gaps, top } => {
                let k = u32::from(flat_index(new)?);
                // The `k`-th index of `0..top` that is no gap.
                let mut c = k;
                for &g in gaps {
                    if u32::from(g) > c {
                        break;
                    }
                    c += 1;
                }
                let c = u16::try_from(c).ok().filter(|_| c != k && c < *top)?;
                Some(GoroutineId(smallvec::smallvec![c]))
            }
            Renamed::Pairs(pairs) => pairs.iter().find(|(_, n)| n == new).map(|(o, _)| o.clone()),
        }
    }

    /// The new id of the goroutine that had `old`; `None` when it kept it
    /// (or ended).
    pub fn get(&self, old: &GoroutineId) -> Option<GoroutineId> {
        match &self.renamed {
            Renamed::Flat { gaps, top } => {
                let c = flat_index(old)?;
                let below = gaps.partition_point(|&g| g < c);
                let live = u32::from(c) < *top && gaps.get(below) != Some(&c);
                (live && below > 0).then(|| GoroutineId(smallvec::smallvec![c - below as u16]))
            }
            Renamed::Pairs(pairs) => pairs
                .binary_search_by(|(o, _)| o.cmp(old))
                .ok()
                .map(|i| pairs[i].1.clone()),
        }
    }

    /// The old id of the goroutine now called `new`; `None` when it kept it.
    pub(crate) fn original(&self, new: &GoroutineId) -> Option<GoroutineId> {
        self.old_of(new)
    }

    /// `id` as it is called after the renaming.
    pub(crate) fn apply(&self, id: &GoroutineId) -> GoroutineId {
        self.get(id).unwrap_or_else(|| id.clone())
    }

    /// True when no goroutine was renamed.
    pub(crate) fn is_empty(&self) -> bool {
        match &self.renamed {
            Renamed::Flat { gaps, .. } => gaps.is_empty(),
            Renamed::Pairs(pairs) => pairs.is_empty(),
        }
    }
}

/// Makes goroutine identities canonical: a goroutine's id is its path in
/// the spawn tree *of the goroutines alive now*. Along every path of live
/// goroutines' ids, each child index becomes its rank among the children
/// of the same parent that still have a live goroutine in their subtree,
/// and each live goroutine's spawn counter becomes the number of such
/// children. So when the goroutines a loop started have ended, the loop's
/// next state equals an earlier one (`for { go f(); <-done }` is finite).
///
/// The renaming keeps every spawn-order relation between live goroutines
/// (ranks are monotonic), so goroutine positions in the state do not
/// change; ids kept in objects (a Cond's queue, an RWMutex's pending
/// writer) are renamed with them. It only renames after a goroutine has
/// ended: a spawn alone keeps ids canonical.
pub(crate) fn canonical_goroutines(state: &mut State) -> GoroutineRenaming {
    let renaming = if state.goroutines.iter().all(|g| g.id.0.len() <= 1) {
        // (Renames the goroutines as it goes.)
        flat_ranks(state)
    } else {
        let pairs = tree_ranks(state);
        // The pairs are in goroutine order: one walk renames them.
        let mut next = pairs.iter().peekable();
        for g in &mut state.goroutines {
            if let Some((_, new)) = next.next_if(|(old, _)| *old == g.id) {
                g.id = new.clone();
            }
        }
        GoroutineRenaming {
            renamed: Renamed::Pairs(pairs),
        }
    };
    if renaming.is_empty() {
        return renaming;
    }
    // (The objects are copied only when one names a goroutine: most
    // states share theirs with the state before the step.)
    if state.objects.iter().any(names_goroutines) {
        for o in state.objects_mut() {
            rename_in_object(o, &renaming);
        }
    }
    renaming
}

/// [`tree_ranks`] where every goroutine is main or a child of main (the
/// common case, and cheap): the `k`-th live child becomes `[k]`. Unlike
/// [`tree_ranks`], it also renames the goroutines (each id in place).
fn flat_ranks(state: &mut State) -> GoroutineRenaming {
    let mut gaps = SmallVec::new();
    // The index after the last child met.
    let mut top: u32 = 0;
    // (A count, which may reach one past the last index.)
    let mut k: u32 = 0;
    let mut main = None;
    for (i, g) in state.goroutines.iter_mut().enumerate() {
        if g.id.is_main() {
            main = Some(i);
            continue;
        }
        let c = g.id.0[0];
        if u32::from(c) != k {
            // (Pushed one by one: most renamed children follow a gap
            // already noted, and extending by an empty range still
            // reserved.)
            for gap in top..u32::from(c) {
                gaps.push(gap as u16);
            }
            // (`k` is below `c` here, so it fits.)
            g.id.0[0] = k as u16;
        }
        top = u32::from(c) + 1;
        if g.spawned != 0 {
            g.spawned = 0;
        }
        k += 1;
    }
    if let Some(m) = main {
        if state.goroutines[m].spawned != k {
            state.goroutines[m].spawned = k;
        }
    }
    GoroutineRenaming {
        renamed: Renamed::Flat { gaps, top },
    }
}

/// Sets each goroutine's spawn count to its live children and returns the
/// renaming of ids to ranks among live siblings (not yet applied): `(old,
/// new)` for each goroutine renamed, in goroutine order.
fn tree_ranks(state: &mut State) -> Vec<(GoroutineId, GoroutineId)> {
    // Every prefix of a live id (the nodes of the live spawn tree), with
    // the child indices under it; the goroutines are sorted by id, so the
    // children of each prefix come out sorted.
    let mut children: BTreeMap<&[u16], Vec<u16>> = BTreeMap::new();
    for g in &state.goroutines {
        let path = g.id.0.as_slice();
        for d in 0..path.len() {
            let kids = children.entry(&path[..d]).or_default();
            if kids.last() != Some(&path[d]) {
                kids.push(path[d]);
            }
        }
    }
    let rank = |prefix: &[u16], c: u16| -> u16 {
        let kids = &children[prefix];
        kids.binary_search(&c).unwrap_or(kids.len()) as u16
    };
    let live: std::collections::BTreeSet<&[u16]> =
        state.goroutines.iter().map(|g| g.id.0.as_slice()).collect();
    // A node of the tree that is no live goroutine and has one child is
    // spliced out: its child takes its place. So a goroutine that starts
    // its successor and ends (`func f() { ...; go f() }`, a callback that
    // re-arms its timer) keeps an id of the same length, and such a chain
    // reaches a state seen before. Splicing keeps the order of live ids.
    let spliced =
        |node: &[u16]| !live.contains(node) && children.get(node).map_or(0, Vec::len) == 1;
    let mut pairs = Vec::new();
    let mut spawned = Vec::with_capacity(state.goroutines.len());
    for g in &state.goroutines {
        let path = g.id.0.as_slice();
        let mut new: SmallVec<[u16; 4]> = SmallVec::new();
        let mut carried = None;
        for d in 0..path.len() {
            let r = carried.take().unwrap_or_else(|| rank(&path[..d], path[d]));
            if d + 1 < path.len() && spliced(&path[..=d]) {
                carried = Some(r);
            } else {
                new.push(r);
            }
        }
        spawned.push(children.get(path).map_or(0, |k| k.len() as u32));
        if new.as_slice() != path {
            pairs.push((g.id.clone(), GoroutineId(new)));
        }
    }
    for (g, n) in state.goroutines.iter_mut().zip(spawned) {
        if g.spawned != n {
            g.spawned = n;
        }
    }
    pairs
}

/// True when object `o` names a goroutine ([`rename_in_object`] may
/// change it).
fn names_goroutines(o: &Object) -> bool {
    match o {
        Object::Cond(c) => !c.waiters.is_empty(),
        Object::WaitGroup(wg) => !wg.waiters.is_empty(),
        Object::RwMutex(rw) => rw.pending.is_some(),
        Object::Knowledge(k) => k.names_goroutines(),
        Object::Chan(_)
        | Object::Mutex(_)
        | Object::Once(_)
        | Object::Var(_)
        | Object::Map(_)
        | Object::Context(_)
        | Object::Timer(_)
        | Object::Group(_)
        | Object::Record(_)
        | Object::Slice(_)
        | Object::Closure(_)
        | Object::Registration(_) => false,
    }
}

/// Renames the goroutine ids an object keeps.
fn rename_in_object(o: &mut Object, renaming: &GoroutineRenaming) {
    match o {
        Object::Cond(c) => c.waiters.iter_mut().for_each(|w| *w = renaming.apply(w)),
        Object::WaitGroup(wg) => {
            wg.waiters.iter_mut().for_each(|w| *w = renaming.apply(w));
            wg.waiters.sort();
        }
        Object::RwMutex(rw) => {
            if let Some(p) = rw.pending.as_mut() {
                *p = renaming.apply(p);
            }
        }
        Object::Knowledge(k) => k.rename(|g| renaming.apply(g)),
        Object::Chan(_)
        | Object::Mutex(_)
        | Object::Once(_)
        | Object::Var(_)
        | Object::Map(_)
        | Object::Context(_)
        | Object::Timer(_)
        | Object::Group(_)
        | Object::Record(_)
        | Object::Slice(_)
        | Object::Closure(_)
        | Object::Registration(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantics::channel::ChannelState;
    use crate::semantics::context::ContextState;
    use crate::semantics::variable::VarState;
    use crate::state::Site;
    use weft_models::ir::{FuncId, Pc};

    fn var(value: Value) -> Object {
        Object::Var(VarState { value })
    }

    fn state(globals: Vec<Value>, objects: Vec<Object>) -> State {
        State {
            globals,
            goroutines: Vec::new(),
            objects: Rc::new(objects),
            main_returned: false,
        }
    }

    #[test]
    fn globals_that_reach_every_object_in_order_leave_the_numbering() {
        let mut s = state(
            vec![Value::Obj(ObjRef(0)), Value::Obj(ObjRef(1))],
            vec![var(Value::Obj(ObjRef(1))), var(Value::Int(3))],
        );
        let before = s.clone();
        let map = canonicalize(&mut s, &mut Vec::new());
        assert_eq!(s, before);
        assert_eq!((map.get(0), map.get(1)), (Some(ObjRef(0)), Some(ObjRef(1))));
    }

    #[test]
    fn globals_number_every_object_through_repeats_and_other_values() {
        let obj = |i| Value::Obj(ObjRef(i));
        assert!(globals_number_every_object(
            &[
                obj(0),
                Value::Int(7),
                obj(0),
                Value::RLocker(ObjRef(1)),
                obj(2)
            ],
            3
        ));
        // An object the globals do not reach, and one met out of order.
        assert!(!globals_number_every_object(&[obj(0), obj(1)], 3));
        assert!(!globals_number_every_object(&[obj(1), obj(0)], 2));
        assert!(globals_number_every_object(&[Value::Nil], 0));
    }

    #[test]
    fn globals_that_reach_every_object_out_of_order_renumber_them() {
        let mut s = state(
            vec![Value::Obj(ObjRef(1)), Value::Obj(ObjRef(0))],
            vec![var(Value::Int(0)), var(Value::Obj(ObjRef(0)))],
        );
        let map = canonicalize(&mut s, &mut Vec::new());
        assert_eq!(
            s.globals,
            vec![Value::Obj(ObjRef(0)), Value::Obj(ObjRef(1))]
        );
        assert_eq!(
            *s.objects,
            vec![var(Value::Obj(ObjRef(1))), var(Value::Int(0))]
        );
        assert_eq!((map.get(0), map.get(1)), (Some(ObjRef(1)), Some(ObjRef(0))));
    }

    #[test]
    fn a_context_reached_only_by_the_globals_still_has_its_cancel_abandoned() {
        // Global 0 holds the context, global 1 its Done channel; no value
        // holds the cancel function, so it is lost, although the globals
        // reach every object in order.
        let site = Site {
            func: FuncId(0),
            pc: Pc(0),
        };
        let mut s = state(
            vec![Value::Obj(ObjRef(0)), Value::Obj(ObjRef(1))],
            vec![
                Object::Context(ContextState {
                    parent: None,
                    done: ObjRef(1),
                    err: None,
                    children: Vec::new(),
                    cancel: CancelStatus::Pending,
                    deadline_pending: false,
                    site: Some(site),
                }),
                Object::Chan(ChannelState::new(0)),
            ],
        );
        let mut events = Vec::new();
        canonicalize(&mut s, &mut events);
        assert!(matches!(&s.objects[0], Object::Context(c) if c.cancel == CancelStatus::Abandoned));
        assert!(matches!(
            events.as_slice(),
            [Event::Abandoned { resource: Resource::Cancel, site: at }] if *at == site
        ));
    }

    /// The flat form of a renaming answers as the pairs `tree_ranks`
    /// makes for the same goroutines, on every set of live children of
    /// 0..10, on random sets of 0..40 and on sets up to the last index,
    /// with main and after it returned; and both rename the goroutines and
    /// count their spawns alike.
    #[test]
    fn flat_renamings_answer_as_the_pairs_of_the_tree_ranks() {
        use crate::state::Goroutine;
        let prog = crate::testing::program(
            r#"Scenario(name: "s", globals: [Var("x", 0)], main: [Set("x", "1")])"#,
        );
        let start = crate::semantics::initial_state(&prog).expect("a start");
        let execution = start.goroutines[0].execution.clone();
        let mut lives: Vec<Vec<u16>> = (0u32..1 << 10)
            .map(|m| (0..10).filter(|&c| m & 1 << c != 0).collect())
            .collect();
        let mut word = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        for _ in 0..500 {
            lives.push((0..40).filter(|_| word() % 10 < 7).collect());
        }
        // (The last index a spawn can give.)
        lives.extend([vec![u16::MAX], vec![0, 2, u16::MAX - 1, u16::MAX]]);
        // (Every index: main's count of live children is then one past
        // the last index.)
        lives.push((0..=u16::MAX).collect());
        let id = |c: u16| GoroutineId(smallvec::smallvec![c]);
        for live in &lives {
            for with_main in [true, false] {
                let make = || {
                    let main = with_main
                        .then(|| Goroutine::sharing(GoroutineId::main(), 50, execution.clone()));
                    let children = live
                        .iter()
                        .map(|&c| Goroutine::sharing(id(c), 2, execution.clone()));
                    State {
                        globals: Vec::new(),
                        goroutines: main.into_iter().chain(children).collect(),
                        objects: Rc::new(Vec::new()),
                        main_returned: !with_main,
                    }
                };
                let (mut flat, mut tree) = (make(), make());
                let renaming = flat_ranks(&mut flat);
                let pairs = tree_ranks(&mut tree);
                for g in &mut tree.goroutines {
                    if let Some((_, new)) = pairs.iter().find(|(old, _)| *old == g.id) {
                        g.id = new.clone();
                    }
                }
                let by_pairs = GoroutineRenaming {
                    renamed: Renamed::Pairs(pairs),
                };
                assert!(matches!(renaming.renamed, Renamed::Flat { .. }));
                assert_eq!(renaming.is_empty(), by_pairs.is_empty(), "{live:?}");
                let asked = (0..45)
                    .chain([u16::MAX - 2, u16::MAX - 1, u16::MAX])
                    .map(id)
                    .chain([GoroutineId::main(), GoroutineId(smallvec::smallvec![0, 1])]);
                for x in asked {
                    assert_eq!(renaming.get(&x), by_pairs.get(&x), "get {x:?} of {live:?}");
                    assert_eq!(
                        renaming.old_of(&x),
                        by_pairs.old_of(&x),
                        "old of {x:?}, {live:?}"
                    );
                    assert_eq!(renaming.apply(&x), by_pairs.apply(&x));
                }
                let named = |s: &State| -> Vec<(GoroutineId, u32)> {
                    s.goroutines
                        .iter()
                        .map(|g| (g.id.clone(), g.spawned))
                        .collect()
                };
                assert_eq!(named(&flat), named(&tree), "{live:?}");
            }
        }
    }
}
