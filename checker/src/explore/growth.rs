//! What keeps growing when a limit cuts a search: a state space that grows
//! without bound is diagnosed, not just cut.
//!
//! Breadth-first, the last node stored is a deepest one. Along the path of
//! first discoveries from the start to it, [`SAMPLES`] evenly spaced states
//! are measured: live goroutines per function they started in, each
//! channel's buffer length, each variable's integer value and each map's
//! size (objects named by the global or local that first reaches them),
//! and live objects per kind and allocation site. A measure that never
//! decreases along the path and grows by at least [`MIN_GROWTH`] is a
//! fact; the [`MAX_FACTS`] largest are reported, with the code that makes
//! them grow, so the user knows what to bound.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;
use weft_models::ir::{FuncId, ObjectKind, Pc, Program};
use weft_models::ops::{self, Successor};

use super::Bound;
use crate::counterexample::describe;
use crate::graph::{Graph, StateId};
use crate::state::{GoroutineId, Object, Site, State};
use crate::value::Value;

/// How many states along the deepest path are measured (at most).
pub(crate) const SAMPLES: usize = 64;
/// The least growth, from the first to the last state measured, reported.
pub(crate) const MIN_GROWTH: i64 = 8;
/// How many facts are reported at most.
pub(crate) const MAX_FACTS: usize = 3;

/// Where the handle that names an object is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Holder {
    /// The program's global number `i`, in declaration order.
    Global(usize),
    /// Local `slot` of a frame of `func`.
    Local {
        /// The function.
        func: FuncId,
        /// The slot.
        slot: usize,
    },
}

/// What grew.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grown {
    /// The number of live goroutines that started in `func`.
    Goroutines {
        /// The function they started in.
        func: FuncId,
        /// The first `go` statement that starts it.
        spawned_at: Option<Site>,
    },
    /// The number of values buffered in a channel.
    Buffer {
        /// Who holds the channel.
        holder: Holder,
        /// Where it was made, when known.
        made_at: Option<Site>,
    },
    /// A variable's integer value.
    Value {
        /// Who holds the variable.
        holder: Holder,
        /// Where it was made, when known.
        made_at: Option<Site>,
    },
    /// A map's number of entries.
    MapSize {
        /// Who holds the map.
        holder: Holder,
        /// Where it was made, when known.
        made_at: Option<Site>,
    },
    /// The number of live objects of a kind made at one site.
    Objects {
        /// Their kind.
        kind: ObjectKind,
        /// Where they are made (`None`: not known).
        made_at: Option<Site>,
    },
}

/// One measure that grew along the deepest path of a cut search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Growth {
    /// What grew.
    pub what: Grown,
    /// Its value in the first state measured.
    pub from: i64,
    /// Its value in the deepest state.
    pub to: i64,
    /// The length of the path measured (the deepest state's depth).
    pub depth: usize,
}

/// Whether a bound cut a search that might otherwise have gone on (as
/// opposed to one that stopped because it had what it was asked for).
fn is_limit(bound: Bound) -> bool {
    match bound {
        Bound::States(_)
        | Bound::Depth(_)
        | Bound::Time(_)
        | Bound::Memory(_)
        | Bound::Interrupted => true,
        // Not a limit: the bit array missed states, nothing grew past it.
        Bound::FirstBug | Bound::Bitstate { .. } => false,
    }
}

/// What kept growing along the deepest path of `graph`, when `bound` is a
/// limit that cut the search; empty otherwise.
pub(crate) fn diagnose(prog: &Program, graph: &Graph, bound: Option<Bound>) -> Vec<Growth> {
    if !bound.is_some_and(is_limit) || graph.is_empty() {
        return Vec::new();
    }
    let deepest = (graph.len() - 1) as StateId;
    let mut path = vec![deepest];
    while let Some(p) = graph.parent(*path.last().unwrap_or(&0)) {
        path.push(p);
    }
    path.reverse();
    let depth = path.len() - 1;
    let picked: BTreeSet<usize> = (0..SAMPLES)
        .map(|i| i * depth / (SAMPLES - 1))
        .chain([depth])
        .collect();
    let mut meter = Meter::new(prog);
    let samples: Vec<BTreeMap<Key, i64>> = picked
        .iter()
        .map(|&i| meter.measure(&graph.state(path[i])))
        .collect();
    let mut facts = grown(&samples)
        .into_iter()
        .map(|(key, from, to)| Growth {
            what: meter.describe(key),
            from,
            to,
            depth,
        })
        .collect::<Vec<_>>();
    // Largest growth first; ties in the order of the measures.
    facts.sort_by_key(|g| std::cmp::Reverse(g.to - g.from));
    facts.truncate(MAX_FACTS);
    facts
}

/// How a state's object is reached: through a global, or a goroutine's
/// local (the goroutine is part of the measure's identity, not its name).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Root {
    Global(usize),
    Local {
        goroutine: GoroutineId,
        frame: usize,
        func: FuncId,
        slot: usize,
    },
}

/// One measure of a state.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Goroutines(FuncId),
    Buffer(Root),
    Value(Root),
    MapSize(Root),
    Objects(ObjectKind, Option<Site>),
}

impl Key {
    /// A count, zero where absent; otherwise a value that exists only while
    /// its object is reachable the same way.
    fn is_count(&self) -> bool {
        match self {
            Key::Goroutines(_) | Key::Objects(..) => true,
            Key::Buffer(_) | Key::Value(_) | Key::MapSize(_) => false,
        }
    }
}

/// The measures that never decrease and grow by at least [`MIN_GROWTH`],
/// with their first and last values.
fn grown(samples: &[BTreeMap<Key, i64>]) -> Vec<(Key, i64, i64)> {
    let keys: BTreeSet<&Key> = samples.iter().flat_map(|s| s.keys()).collect();
    let mut out = Vec::new();
    for key in keys {
        let series: Vec<Option<i64>> = samples
            .iter()
            .map(|s| match s.get(key) {
                None if key.is_count() => Some(0),
                v => v.copied(),
            })
            .collect();
        // From the first state where it exists, it must exist to the end.
        let Some(first) = series.iter().position(Option::is_some) else {
            continue;
        };
        let Some(values) = series[first..]
            .iter()
            .copied()
            .collect::<Option<Vec<i64>>>()
        else {
            continue;
        };
        let monotone = values.windows(2).all(|w| w[0] <= w[1]);
        let (from, to) = (values[0], values[values.len() - 1]);
        if monotone && to.saturating_sub(from) >= MIN_GROWTH {
            out.push((key.clone(), from, to));
        }
    }
    out
}

/// Measures states of one program, remembering what it looked up.
struct Meter<'a> {
    prog: &'a Program,
    makers: FxHashMap<(FuncId, usize), Option<Pc>>,
}

impl<'a> Meter<'a> {
    fn new(prog: &'a Program) -> Self {
        Meter {
            prog,
            makers: FxHashMap::default(),
        }
    }

    /// The operation of `func` that makes the object of local `slot`.
    fn maker(&mut self, func: FuncId, slot: usize) -> Option<Site> {
        let prog = self.prog;
        self.makers
            .entry((func, slot))
            .or_insert_with(|| describe::maker_of_local(prog, func, slot))
            .map(|pc| Site { func, pc })
    }

    fn measure(&mut self, state: &State) -> BTreeMap<Key, i64> {
        let mut out: BTreeMap<Key, i64> = BTreeMap::new();
        for g in &state.goroutines {
            if let Some(f) = g.frames.first() {
                *out.entry(Key::Goroutines(f.func)).or_default() += 1;
            }
        }
        // Each object is named by the first root that reaches it, in the
        // canonical order (globals, then goroutines' frames).
        let mut roots: Vec<(Root, Value, Option<Site>)> = state
            .globals
            .iter()
            .enumerate()
            .map(|(i, &v)| (Root::Global(i), v, None))
            .collect();
        for g in &state.goroutines {
            for (frame, f) in g.frames.iter().enumerate() {
                for (slot, &v) in f.locals.iter().enumerate() {
                    if v.object().is_some() {
                        let made = self.maker(f.func, slot);
                        let root = Root::Local {
                            goroutine: g.id.clone(),
                            frame,
                            func: f.func,
                            slot,
                        };
                        roots.push((root, v, made));
                    }
                }
            }
        }
        let mut named = vec![false; state.objects.len()];
        for (root, v, made) in roots {
            let Some(r) = v.object() else { continue };
            let Some(seen) = named.get_mut(r.index()) else {
                continue;
            };
            if std::mem::replace(seen, true) {
                continue;
            }
            let object = &state.objects[r.index()];
            match object {
                Object::Chan(c) => {
                    out.insert(Key::Buffer(root), c.buf.len() as i64);
                }
                Object::Var(x) => {
                    if let Value::Int(n) = x.value {
                        out.insert(Key::Value(root), n);
                    }
                }
                Object::Map(m) => {
                    out.insert(Key::MapSize(root), m.entries.len() as i64);
                }
                Object::Mutex(_)
                | Object::RwMutex(_)
                | Object::WaitGroup(_)
                | Object::Once(_)
                | Object::Cond(_)
                | Object::Context(_)
                | Object::Timer(_)
                | Object::Registration(_)
                | Object::Group(_)
                | Object::Record(_)
                | Object::Slice(_)
                | Object::Closure(_)
                | Object::Knowledge(_) => {}
            }
            *out.entry(Key::Objects(object.kind(), made)).or_default() += 1;
        }
        for (i, o) in state.objects.iter().enumerate() {
            if !named[i] {
                *out.entry(Key::Objects(o.kind(), None)).or_default() += 1;
            }
        }
        out
    }

    /// The measure in the program's terms.
    fn describe(&mut self, key: Key) -> Grown {
        let holder = |root: Root| match root {
            Root::Global(i) => Holder::Global(i),
            Root::Local { func, slot, .. } => Holder::Local { func, slot },
        };
        let made = |m: &mut Self, root: &Root| match *root {
            Root::Global(_) => None,
            Root::Local { func, slot, .. } => m.maker(func, slot),
        };
        match key {
            Key::Goroutines(func) => Grown::Goroutines {
                func,
                spawned_at: spawn_site(self.prog, func),
            },
            Key::Buffer(root) => Grown::Buffer {
                made_at: made(self, &root),
                holder: holder(root),
            },
            Key::Value(root) => Grown::Value {
                made_at: made(self, &root),
                holder: holder(root),
            },
            Key::MapSize(root) => Grown::MapSize {
                made_at: made(self, &root),
                holder: holder(root),
            },
            Key::Objects(kind, made_at) => Grown::Objects { kind, made_at },
        }
    }
}

/// The first `go` statement of the program that starts `func`.
fn spawn_site(prog: &Program, func: FuncId) -> Option<Site> {
    prog.funcs.iter().enumerate().find_map(|(f, code)| {
        code.code.iter().enumerate().find_map(|(pc, instr)| {
            let pc = Pc(pc as u32);
            let mut spawns = false;
            ops::successors(&instr.op, pc, |s| {
                spawns |= matches!(s, Successor::Spawn { func: target, .. } if target == func);
            });
            spawns.then_some(Site {
                func: FuncId(f as u32),
                pc,
            })
        })
    })
}
