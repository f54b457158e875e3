//! Object identity along a trace, for reports.
//!
//! States are canonical: objects are garbage-collected and renumbered after
//! every step, so an [`ObjRef`] means different objects in different states.
//! A report needs to say "the mutex `f1`" across a whole schedule and to know
//! who holds it. [`Objects`] follows each object from one state to the next
//! through the renumbering the step reports (exact: no re-execution, no
//! guessing), gives each a stable [`ObjId`] and a name (from the references
//! that reach it, by the shortest way: a global, a goroutine's local slot
//! unless it only carries the object on ([`describe::carrier_locals`]), a
//! field or element of another object, the variable holding it), and
//! records lock holders by comparing each object's state
//! before and after a step.

use std::collections::{BTreeMap, VecDeque};

use weft_models::ir::{FuncId, ObjectKind, Program};

use crate::counterexample::describe;
use crate::semantics::once::OnceState;
use crate::state::canonical::Renumbering;
use crate::state::{GoroutineId, Object, Site, State};
use crate::value::ObjRef;

/// A stable identity of an object along one trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjId(pub u32);

/// What is known about one object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ObjInfo {
    /// The name the scenario gives it where it is first seen named (a
    /// global, the local it was first stored in unless that local only
    /// carries it on, a field or element path, the variable holding it;
    /// `t.C` for a timer's channel, `ctx.Done()` for a context's), made
    /// unique among objects of its kind along the trace with a `#2`
    /// suffix; `None` when it only ever lived in a temporary.
    pub name: Option<String>,
    /// Its kind.
    pub kind: ObjectKind,
    /// The operation of the step that created it (`None` for globals and
    /// objects made before main's first step).
    pub created: Option<Site>,
}

/// Who holds a lock-like object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Holders {
    /// The writer (Mutex, RWMutex write lock) or the goroutine running a
    /// `Once`'s function.
    pub writer: Option<GoroutineId>,
    /// Goroutines holding a read lock, in the order they took it.
    pub readers: Vec<GoroutineId>,
}

/// A way to reach an object from the roots of a state.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Root {
    Global(usize),
    Local {
        goroutine: GoroutineId,
        func: FuncId,
        slot: usize,
    },
}

fn roots(state: &State) -> Vec<(Root, ObjRef)> {
    let mut out = Vec::new();
    for (i, v) in state.globals.iter().enumerate() {
        if let Some(r) = v.object() {
            out.push((Root::Global(i), r));
        }
    }
    for g in &state.goroutines {
        for f in &g.frames {
            for (slot, v) in f.locals.iter().enumerate() {
                if let Some(r) = v.object() {
                    out.push((
                        Root::Local {
                            goroutine: g.id.clone(),
                            func: f.func,
                            slot,
                        },
                        r,
                    ));
                }
            }
        }
    }
    out
}

/// Handles an object holds in fixed positions, with the field's name.
fn fields(o: &Object) -> Vec<(&'static str, ObjRef)> {
    match o {
        Object::Context(c) => {
            let mut v = vec![("Done()", c.done)];
            if let Some(p) = c.parent {
                v.push(("parent", p));
            }
            v
        }
        Object::Timer(t) => vec![("C", t.chan)],
        Object::Chan(c) => c.timer.map(|t| vec![("timer", t)]).unwrap_or_default(),
        Object::Cond(c) => vec![("L", c.locker)],
        Object::Var(v) => v
            .value
            .object()
            .map(|r| vec![("value", r)])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Stable identities, names and lock holders of the objects of a trace.
#[derive(Clone, Debug)]
pub struct Objects {
    infos: Vec<ObjInfo>,
    /// The id of each object of the current state, by index.
    current: Vec<ObjId>,
    holders: BTreeMap<ObjId, Holders>,
    /// How many objects of each kind took each name so far.
    used_names: BTreeMap<(ObjectKind, String), u32>,
    /// Per function, its locals that only carry objects to where they
    /// are named ([`describe::carrier_locals`]).
    carriers: Vec<Vec<bool>>,
}

impl Objects {
    /// Identities for the objects of the initial state.
    pub fn new(prog: &Program, state: &State) -> Self {
        let mut o = Objects {
            infos: Vec::new(),
            current: Vec::new(),
            holders: BTreeMap::new(),
            used_names: BTreeMap::new(),
            carriers: (0..prog.funcs.len())
                .map(|f| describe::carrier_locals(prog, FuncId(f as u32)))
                .collect(),
        };
        let fresh = vec![None; state.objects.len()];
        o.current = o.assign(prog, state, fresh, &[], None);
        o
    }

    /// The id of an object of the current state.
    pub(crate) fn id(&self, r: ObjRef) -> ObjId {
        self.current
            .get(r.index())
            .copied()
            .expect("internal weft bug: object handle outside the state")
    }

    /// What is known about an object.
    pub(crate) fn info(&self, id: ObjId) -> &ObjInfo {
        &self.infos[id.0 as usize]
    }

    /// Who holds a lock-like object now.
    pub(crate) fn holders(&self, id: ObjId) -> Holders {
        self.holders.get(&id).cloned().unwrap_or_default()
    }

    /// Follows the objects from `before` to `after`, the states around a
    /// step by `actors` at `site` (no actor for a timer firing), through
    /// the step's `renumbering` ([`crate::semantics::StepOutcome`]): an
    /// object keeps its id wherever canonicalisation moved it, and the
    /// objects the step created get new ones.
    pub(crate) fn advance(
        &mut self,
        prog: &Program,
        before: &State,
        renumbering: &Renumbering,
        after: &State,
        actors: &[GoroutineId],
        site: Option<Site>,
    ) {
        let mut map: Vec<Option<ObjId>> = vec![None; after.objects.len()];
        for (old, &id) in self.current.iter().enumerate() {
            if let Some(slot) = renumbering.get(old).and_then(|r| map.get_mut(r.index())) {
                *slot = Some(id);
            }
        }
        let current = self.assign(prog, after, map, actors, site);
        self.track_holders(before, after, &current, actors);
        self.current = current;
    }

    /// Gives new ids (and names) to the objects of `state` not in `map`,
    /// and names to those still unnamed that `state` names.
    fn assign(
        &mut self,
        prog: &Program,
        state: &State,
        mut map: Vec<Option<ObjId>>,
        actors: &[GoroutineId],
        site: Option<Site>,
    ) -> Vec<ObjId> {
        // Names: globals, then the movers' locals, then everyone's.
        let mut named: Vec<Option<String>> = vec![None; state.objects.len()];
        let mut made: Vec<Option<Site>> = vec![None; state.objects.len()];
        let mut reached: VecDeque<usize> = VecDeque::new();
        let mut refs = roots(state);
        refs.sort_by_key(|(root, _)| match root {
            Root::Global(_) => 0,
            Root::Local { goroutine, .. } if actors.contains(goroutine) => 1,
            Root::Local { .. } => 2,
        });
        for (root, r) in &refs {
            let name = match root {
                // (A hidden global past the program's holds the race
                // detector's knowledge: `semantics::happens`.)
                Root::Global(i) => match prog.globals.get(*i) {
                    Some(g) => g.name.clone(),
                    None => continue,
                },
                Root::Local { func, slot, .. } => {
                    let new = describe::maker_of_local(prog, *func, *slot);
                    if let (Some(pc), None) = (new, made[r.index()]) {
                        made[r.index()] = Some(Site { func: *func, pc });
                    }
                    let carrier = self
                        .carriers
                        .get(func.index())
                        .and_then(|c| c.get(*slot))
                        .is_some_and(|&c| c);
                    if carrier {
                        continue;
                    }
                    match prog.func(*func).local_names.get(*slot) {
                        Some(n) if !n.starts_with('$') => n.clone(),
                        // The new slice of an append, named as its target.
                        Some(n) if n.starts_with("$append:") => n["$append:".len()..].to_string(),
                        _ => continue,
                    }
                }
            };
            if named[r.index()].is_none() {
                named[r.index()] = Some(name);
                reached.push_back(r.index());
            }
        }
        // Objects reached only through others, by the shortest way: field
        // names (`t.C`, `ctx.Done()`), a record's fields (`j.status`), a
        // slice's elements (`xs[1]`) and what a variable holds (the slice
        // in variable `base`, the channel in field `s.done`: named as the
        // variable, as Go code says `s.done` for both).
        while let Some(i) = reached.pop_front() {
            let Some(base) = named[i].clone() else {
                continue;
            };
            let mut children: Vec<(ObjRef, String)> = Vec::new();
            for (field, r) in fields(&state.objects[i]) {
                match field {
                    "C" | "Done()" => children.push((r, format!("{base}.{field}"))),
                    "value" => children.push((r, base.clone())),
                    _ => {}
                }
            }
            match &state.objects[i] {
                Object::Record(rec) => {
                    let names = prog
                        .types
                        .get(rec.ty.index())
                        .map_or(&[][..], |t| &t.fields);
                    for (&r, (field, _)) in rec.fields.iter().zip(names) {
                        children.push((r, format!("{base}.{field}")));
                    }
                }
                Object::Slice(s) => {
                    for (k, &r) in s.elems.iter().enumerate() {
                        children.push((r, format!("{base}[{k}]")));
                    }
                }
                _ => {}
            }
            for (r, name) in children {
                if named[r.index()].is_none() {
                    named[r.index()] = Some(name);
                    reached.push_back(r.index());
                }
            }
        }
        let mut out = Vec::with_capacity(state.objects.len());
        for (i, slot) in map.iter_mut().enumerate() {
            let id = match *slot {
                // (Named at first sight: an object made in a carrier
                // local takes the name of where it lands.)
                Some(id) => {
                    if self.infos[id.0 as usize].name.is_none() {
                        if let Some(n) = named[i].take() {
                            let kind = self.infos[id.0 as usize].kind;
                            self.infos[id.0 as usize].name = Some(self.unique(kind, n));
                        }
                    }
                    id
                }
                None => {
                    let id = ObjId(self.infos.len() as u32);
                    let kind = state.objects[i].kind();
                    let name = named[i].take().map(|n| self.unique(kind, n));
                    self.infos.push(ObjInfo {
                        name,
                        kind,
                        created: made[i].or(site),
                    });
                    id
                }
            };
            out.push(id);
        }
        out
    }

    /// `name`, or `name#2`, ... when an object of the same kind had it
    /// (a variable and the channel it holds share their name).
    fn unique(&mut self, kind: ObjectKind, name: String) -> String {
        let n = self.used_names.entry((kind, name.clone())).or_insert(0);
        *n += 1;
        if *n == 1 {
            name
        } else {
            format!("{name}#{n}")
        }
    }

    fn track_holders(
        &mut self,
        before: &State,
        after: &State,
        current: &[ObjId],
        actors: &[GoroutineId],
    ) {
        let Some(actor) = actors.first() else {
            return;
        };
        for (ai, ao) in after.objects.iter().enumerate() {
            let id = current[ai];
            let Some(bi) = self.current.iter().position(|&c| c == id) else {
                continue;
            };
            let bo = &before.objects[bi];
            let h = self.holders.entry(id).or_default();
            match (bo, ao) {
                (Object::Mutex(b), Object::Mutex(a)) if b.locked != a.locked => {
                    h.writer = a.locked.then(|| actor.clone());
                }
                (Object::RwMutex(b), Object::RwMutex(a)) => {
                    if b.writer != a.writer {
                        h.writer = a.writer.then(|| actor.clone());
                    }
                    if a.readers > b.readers {
                        h.readers.push(actor.clone());
                    } else if a.readers < b.readers {
                        match h.readers.iter().position(|r| r == actor) {
                            Some(p) => {
                                h.readers.remove(p);
                            }
                            None if !h.readers.is_empty() => {
                                h.readers.remove(0);
                            }
                            None => {}
                        }
                    }
                }
                (Object::Once(b), Object::Once(a)) if b != a => {
                    h.writer = matches!(a, OnceState::Running).then(|| actor.clone());
                }
                _ => {}
            }
        }
    }
}
