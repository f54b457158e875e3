//! Who waits for whom at the end of a counterexample.
//!
//! For every goroutine still alive at the end of a trace: its status, and
//! for a blocked one the operation and the objects it waits on, and which
//! goroutines could release it: the holders of the lock it wants (tracked
//! along the trace, [`crate::counterexample::identity`]), and the live goroutines that have an
//! operation ahead of them that would complete its wait (a receive for its
//! send, a `Done` for its `Wait`, a `cancel` for its `<-ctx.Done()`, ...).
//! "Ahead" is read from the code: every instruction reachable from where the
//! goroutine stands, through calls, deferred blocks and the goroutines it
//! would start, with operands evaluated in its current frame.
//!
//! The edges form the wait-for graph (a petgraph graph); a cycle in it is
//! the classic deadlock explanation (G1 waits for a mutex held by G2, which
//! waits to send on a channel only G1 receives from).

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use rustc_hash::{FxHashSet, FxHasher};
use weft_models::ir::{CaseDir, Expr, FuncId, Op, Pc, Program};
use weft_reports::view::{Release, WaitNote, WaitVerb};

use crate::counterexample::identity::ObjId;
use crate::counterexample::replay::Trace;
use crate::semantics::eval::eval;
use crate::state::{Goroutine, GoroutineId, Object, Site, State};
use crate::value::{ObjRef, Value};

/// What a goroutine is doing at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// No move is enabled.
    Blocked,
    /// It could move.
    Runnable,
    /// It loops forever without a visible operation.
    Spinning,
}

/// An operation ahead of a goroutine that would release a waiter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Could {
    /// The goroutine.
    pub goroutine: GoroutineId,
    /// The operation.
    pub site: Site,
    /// What it would do (`receive from`, `call Done on`, `cancel`).
    pub what: Release,
    /// On which object.
    pub object: ObjId,
    /// True when a goroutine it would start does it.
    pub via_spawn: bool,
}

/// What a blocked goroutine waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wait {
    /// What it is doing, after its name: `waits to send on`, `waits to lock`, ...
    pub verb: WaitVerb,
    /// The objects it waits on (several for a select).
    pub objects: Vec<ObjId>,
    /// Goroutines holding what it needs (a lock, a running `Once`).
    pub holders: Vec<GoroutineId>,
    /// Live goroutines with an operation ahead that would release it.
    pub could: Vec<Could>,
    /// A fact that explains the wait by itself (`nil channel`, `counter is 2`).
    pub note: Option<WaitNote>,
}

/// One live goroutine at the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoroutineState {
    /// Its identity.
    pub goroutine: GoroutineId,
    /// Where it stands.
    pub site: Site,
    /// Its status.
    pub status: Status,
    /// What it waits for, when blocked.
    pub wait: Option<Wait>,
}

/// Why one goroutine waits for another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Relation {
    /// The other holds the lock (or runs the `Once`) it wants.
    HeldBy,
    /// The other could complete its wait with the operation at `site`.
    CouldRelease {
        /// The operation.
        site: Site,
        /// What it would do.
        what: Release,
    },
}

/// An edge of the wait-for graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    /// The waiting goroutine.
    pub from: GoroutineId,
    /// The goroutine it waits for.
    pub to: GoroutineId,
    /// The object.
    pub object: ObjId,
    /// Why.
    pub relation: Relation,
}

/// The wait-for analysis of the end of a trace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WaitFor {
    /// Every live goroutine, in goroutine order.
    pub goroutines: Vec<GoroutineState>,
    /// The wait-for edges between blocked goroutines and the goroutines
    /// they wait for.
    pub edges: Vec<Edge>,
    /// A cycle of the graph, as indices into `edges` in order, if any.
    pub cycle: Vec<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Send,
    Recv,
    Close,
    Unlock,
    RUnlock,
    Done,
    Signal,
    Cancel,
    OnceExit,
}

#[derive(Clone, Debug)]
struct Ahead {
    site: Site,
    kind: Kind,
    object: ObjRef,
    via_spawn: bool,
}

type Env = Vec<Option<Value>>;

fn known(e: &Expr, env: &Env) -> bool {
    match e {
        Expr::Const(_) | Expr::Global(_) => true,
        Expr::Local(l) => env.get(l.index()).is_some_and(Option::is_some),
        Expr::Unary(_, a) | Expr::DoneOf(a) | Expr::ChanOf(a) | Expr::Cap(a) => known(a, env),
        Expr::Binary(_, a, b) => known(a, env) && known(b, env),
    }
}

fn value(state: &State, env: &Env, e: &Expr) -> Option<Value> {
    if !known(e, env) {
        return None;
    }
    let locals: Vec<Value> = env.iter().map(|v| v.unwrap_or(Value::Nil)).collect();
    eval(state, &locals, e).ok()
}

struct Walker<'a> {
    prog: &'a Program,
    state: &'a State,
    out: Vec<Ahead>,
    seen: FxHashSet<(FuncId, u32, u64, bool)>,
    budget: usize,
}

impl Walker<'_> {
    fn record(&mut self, site: Site, kind: Kind, v: Option<Value>, via_spawn: bool) {
        let object = match (kind, v) {
            (Kind::Cancel, Some(Value::Cancel(r))) => r,
            (Kind::Cancel, _) => return,
            (_, Some(Value::Obj(r))) => r,
            _ => return,
        };
        self.out.push(Ahead {
            site,
            kind,
            object,
            via_spawn,
        });
    }

    fn goroutine(&mut self, g: &Goroutine) {
        let n = g.frames.len();
        for (depth, f) in g.frames.iter().enumerate().rev() {
            let env: Env = f.locals.iter().map(|v| Some(*v)).collect();
            let start = if depth + 1 == n { f.pc.0 } else { f.pc.0 + 1 };
            self.walk(f.func, start, &env, false);
            for d in &f.defers {
                self.walk(f.func, d.0, &env, false);
            }
        }
    }

    fn bind(&self, callee: FuncId, args: &[Expr], env: &Env) -> Env {
        let mut e: Env = vec![None; self.prog.func(callee).local_names.len()];
        for (slot, a) in e.iter_mut().zip(args) {
            *slot = value(self.state, env, a);
        }
        e
    }

    fn walk(&mut self, func: FuncId, start: u32, env: &Env, via_spawn: bool) {
        let mut h = FxHasher::default();
        env.hash(&mut h);
        let h = h.finish();
        let code = &self.prog.func(func).code;
        let mut stack = vec![start];
        while let Some(pc) = stack.pop() {
            if self.budget == 0 {
                return;
            }
            self.budget -= 1;
            if pc as usize >= code.len() || !self.seen.insert((func, pc, h, via_spawn)) {
                continue;
            }
            let site = Site { func, pc: Pc(pc) };
            let v = |e: &Expr| value(self.state, env, e);
            match &code[pc as usize].op {
                Op::Jump { target } => stack.push(target.0),
                Op::JumpIfNot { target, .. } => stack.extend([pc + 1, target.0]),
                Op::Return { .. } | Op::EndDefer => {}
                Op::Defer { entry } => stack.extend([pc + 1, entry.0]),
                Op::OnceEnter { skip, .. } => stack.extend([pc + 1, skip.0]),
                Op::Call { func: f, args, .. } => {
                    let e = self.bind(*f, args, env);
                    self.walk(*f, 0, &e, via_spawn);
                    stack.push(pc + 1);
                }
                Op::Go { func: f, args } => {
                    let e = self.bind(*f, args, env);
                    self.walk(*f, 0, &e, true);
                    stack.push(pc + 1);
                }
                Op::Select { arms, default } => {
                    for arm in arms {
                        let kind = match arm.dir {
                            CaseDir::Send { .. } => Kind::Send,
                            CaseDir::Recv { .. } => Kind::Recv,
                        };
                        let c = v(&arm.chan);
                        self.record(site, kind, c, via_spawn);
                        stack.push(arm.target.0);
                    }
                    if let Some(d) = default {
                        stack.push(d.0);
                    }
                }
                op => {
                    let rec = match op {
                        Op::Send { chan, .. } => Some((Kind::Send, v(chan))),
                        Op::Recv { chan, .. } => Some((Kind::Recv, v(chan))),
                        Op::Close { chan } => Some((Kind::Close, v(chan))),
                        Op::Unlock { mutex } => Some((Kind::Unlock, v(mutex))),
                        Op::RUnlock { mutex } => Some((Kind::RUnlock, v(mutex))),
                        Op::WgAdd { wg, delta } => {
                            let negative = match v(delta) {
                                Some(Value::Int(d)) => d < 0,
                                _ => true,
                            };
                            negative.then(|| (Kind::Done, v(wg)))
                        }
                        Op::Signal { cond } | Op::Broadcast { cond } => {
                            Some((Kind::Signal, v(cond)))
                        }
                        Op::Cancel { cancel } => Some((Kind::Cancel, v(cancel))),
                        Op::OnceExit { once } => Some((Kind::OnceExit, v(once))),
                        _ => None,
                    };
                    if let Some((kind, val)) = rec {
                        self.record(site, kind, val, via_spawn);
                    }
                    stack.push(pc + 1);
                }
            }
        }
    }
}

/// The operations ahead of goroutine `g` in `state`.
fn ahead(prog: &Program, state: &State, g: &Goroutine) -> Vec<Ahead> {
    let mut w = Walker {
        prog,
        state,
        out: Vec::new(),
        seen: FxHashSet::default(),
        budget: 20_000,
    };
    w.goroutine(g);
    w.out
}

fn context_of_done(state: &State, ch: ObjRef) -> Vec<ObjRef> {
    let mut out = Vec::new();
    let start = state
        .objects
        .iter()
        .position(|o| matches!(o, Object::Context(c) if c.done == ch));
    let mut cur = start.map(|i| ObjRef(i as u32));
    while let Some(c) = cur {
        out.push(c);
        cur = match state.object(c) {
            Object::Context(ctx) => ctx.parent,
            _ => None,
        };
    }
    out
}

/// What would release a wait on `ch` in direction `send` (true: the waiter
/// sends), as (kinds, objects).
fn chan_needs(state: &State, ch: ObjRef, send: bool) -> Vec<(Kind, ObjRef)> {
    if send {
        return vec![(Kind::Recv, ch)];
    }
    let mut v = vec![(Kind::Send, ch), (Kind::Close, ch)];
    v.extend(
        context_of_done(state, ch)
            .into_iter()
            .map(|c| (Kind::Cancel, c)),
    );
    v
}

fn what(kind: Kind) -> Release {
    match kind {
        Kind::Send => Release::SendOn,
        Kind::Recv => Release::ReceiveFrom,
        Kind::Close => Release::Close,
        Kind::Unlock => Release::Unlock,
        Kind::RUnlock => Release::ReadUnlock,
        Kind::Done => Release::CallDoneOn,
        Kind::Signal => Release::Signal,
        Kind::Cancel => Release::Cancel,
        Kind::OnceExit => Release::FinishOnceDoOf,
    }
}

struct Analysis<'a> {
    prog: &'a Program,
    trace: &'a Trace,
}

impl Analysis<'_> {
    fn obj(&self, g: &Goroutine, e: &Expr) -> Option<ObjRef> {
        eval(&self.trace.last, &g.top().locals, e)
            .ok()
            .and_then(Value::object)
    }

    fn wait_of(&self, g: &Goroutine) -> Wait {
        let state = &self.trace.last;
        let site = g.site();
        let mut w = Wait {
            verb: WaitVerb::WaitsOn,
            objects: Vec::new(),
            holders: Vec::new(),
            could: Vec::new(),
            note: None,
        };
        let mut needs: Vec<(Kind, ObjRef)> = Vec::new();
        let id = |r: ObjRef| self.trace.objects.id(r);
        let chan = |e: &Expr| match eval(state, &g.top().locals, e) {
            Ok(Value::Obj(r)) => Some(r),
            _ => None,
        };
        match &self.prog.instr(site.func, site.pc).op {
            Op::Send { chan: c, .. } | Op::Recv { chan: c, .. } => {
                let send = matches!(self.prog.instr(site.func, site.pc).op, Op::Send { .. });
                w.verb = if send {
                    WaitVerb::WaitsToSendOn
                } else {
                    WaitVerb::WaitsToReceiveFrom
                };
                match chan(c) {
                    None => w.note = Some(WaitNote::NilChannel),
                    Some(r) => {
                        w.objects.push(id(r));
                        needs = chan_needs(state, r, send);
                    }
                }
            }
            Op::Select { arms, .. } => {
                w.verb = WaitVerb::WaitsInSelectOn;
                if arms.is_empty() {
                    w.note = Some(WaitNote::EmptySelect);
                }
                for arm in arms {
                    if let Some(r) = chan(&arm.chan) {
                        w.objects.push(id(r));
                        needs.extend(chan_needs(
                            state,
                            r,
                            matches!(arm.dir, CaseDir::Send { .. }),
                        ));
                    }
                }
                if !arms.is_empty() && w.objects.is_empty() {
                    w.note = Some(WaitNote::EveryCaseNil);
                }
            }
            Op::Lock { mutex } | Op::RLock { mutex } => {
                let read = matches!(self.prog.instr(site.func, site.pc).op, Op::RLock { .. });
                w.verb = if read {
                    WaitVerb::WaitsToReadLock
                } else {
                    WaitVerb::WaitsToLock
                };
                if let Some(r) = self.obj(g, mutex) {
                    w.objects.push(id(r));
                    let h = self.trace.objects.holders(id(r));
                    match state.object(r) {
                        Object::RwMutex(_) if !read && g.phase > 0 => {
                            w.verb = WaitVerb::WaitsForReadersToLeave;
                            w.holders = h.readers.clone();
                            needs.push((Kind::RUnlock, r));
                        }
                        Object::RwMutex(rw) => {
                            w.holders.extend(h.writer.clone());
                            if let Some(p) = rw.pending.as_ref().filter(|p| **p != g.id) {
                                w.holders.push(p.clone());
                                w.note = Some(WaitNote::WriterPending);
                            }
                            needs.push((Kind::Unlock, r));
                        }
                        _ => {
                            w.holders.extend(h.writer.clone());
                            needs.push((Kind::Unlock, r));
                        }
                    }
                }
            }
            Op::Wait { target } => {
                if let Some(r) = self.obj(g, target) {
                    w.objects.push(id(r));
                    match state.object(r) {
                        Object::WaitGroup(st) => {
                            w.verb = WaitVerb::WaitsFor;
                            w.note = Some(WaitNote::Counter(st.counter));
                            needs.push((Kind::Done, r));
                        }
                        Object::Cond(c) if c.waiters.contains(&g.id) => {
                            w.verb = WaitVerb::WaitsForSignalOn;
                            needs.push((Kind::Signal, r));
                        }
                        Object::Cond(c) => {
                            w.verb = WaitVerb::WaitsToRelockLockerOf;
                            w.holders
                                .extend(self.trace.objects.holders(id(c.locker)).writer);
                            needs.push((Kind::Unlock, c.locker));
                        }
                        _ => {}
                    }
                }
            }
            Op::OnceEnter { once, .. } => {
                w.verb = WaitVerb::WaitsToEnterOnceDoOf;
                if let Some(r) = self.obj(g, once) {
                    w.objects.push(id(r));
                    w.holders.extend(self.trace.objects.holders(id(r)).writer);
                    needs.push((Kind::OnceExit, r));
                }
            }
            _ => {}
        }
        w.holders.dedup();
        for other in &state.goroutines {
            if other.id == g.id {
                continue;
            }
            for a in ahead(self.prog, state, other) {
                if needs.iter().any(|&(k, o)| k == a.kind && o == a.object) {
                    let c = Could {
                        goroutine: other.id.clone(),
                        site: a.site,
                        what: what(a.kind),
                        object: id(a.object),
                        via_spawn: a.via_spawn,
                    };
                    if !w.could.contains(&c) {
                        w.could.push(c);
                    }
                }
            }
        }
        w
    }
}

/// Analyses the end of a trace.
pub fn analyse(prog: &Program, trace: &Trace) -> WaitFor {
    let a = Analysis { prog, trace };
    let mut out = WaitFor::default();
    for (g, end) in trace.last.goroutines.iter().zip(&trace.end) {
        let status = if end.spinning {
            Status::Spinning
        } else if end.blocked {
            Status::Blocked
        } else {
            Status::Runnable
        };
        let wait = (status == Status::Blocked).then(|| a.wait_of(g));
        if let Some(w) = &wait {
            let object = w.objects.first().copied().unwrap_or(ObjId(u32::MAX));
            for h in &w.holders {
                out.edges.push(Edge {
                    from: g.id.clone(),
                    to: h.clone(),
                    object,
                    relation: Relation::HeldBy,
                });
            }
            let mut seen = BTreeSet::new();
            for c in &w.could {
                if w.holders.contains(&c.goroutine) || !seen.insert(c.goroutine.clone()) {
                    continue;
                }
                out.edges.push(Edge {
                    from: g.id.clone(),
                    to: c.goroutine.clone(),
                    object: c.object,
                    relation: Relation::CouldRelease {
                        site: c.site,
                        what: c.what,
                    },
                });
            }
        }
        out.goroutines.push(GoroutineState {
            goroutine: g.id.clone(),
            site: g.site(),
            status,
            wait,
        });
    }
    out.cycle = cycle(&out);
    out
}

/// A cycle of the wait-for graph among blocked goroutines (found with
/// petgraph's strongly connected components), as edge indices in order,
/// starting from the lowest goroutine of the cycle.
fn cycle(w: &WaitFor) -> Vec<usize> {
    let blocked: Vec<&GoroutineId> = w
        .goroutines
        .iter()
        .filter(|g| g.status == Status::Blocked)
        .map(|g| &g.goroutine)
        .collect();
    let mut graph: DiGraph<GoroutineId, usize> = DiGraph::new();
    let nodes: Vec<NodeIndex> = blocked
        .iter()
        .map(|g| graph.add_node((*g).clone()))
        .collect();
    let node = |id: &GoroutineId| blocked.iter().position(|g| *g == id).map(|i| nodes[i]);
    for (i, e) in w.edges.iter().enumerate() {
        if let (Some(a), Some(b)) = (node(&e.from), node(&e.to)) {
            graph.add_edge(a, b, i);
        }
    }
    let mut sccs = tarjan_scc(&graph);
    sccs.iter_mut().for_each(|s| s.sort());
    sccs.sort();
    for scc in sccs {
        let start = scc[0];
        let cyclic = scc.len() > 1 || graph.find_edge(start, start).is_some();
        if !cyclic {
            continue;
        }
        // Walk inside the component until a node repeats.
        let mut path: Vec<(NodeIndex, usize)> = Vec::new();
        let mut cur = start;
        loop {
            if let Some(p) = path.iter().position(|(n, _)| *n == cur) {
                return path[p..].iter().map(|(_, e)| *e).collect();
            }
            let mut next = graph
                .edges(cur)
                .filter(|e| scc.contains(&petgraph::visit::EdgeRef::target(e)))
                .map(|e| (petgraph::visit::EdgeRef::target(&e), *e.weight()))
                .collect::<Vec<_>>();
            next.sort();
            let Some(&(to, edge)) = next.first() else {
                break;
            };
            path.push((cur, edge));
            cur = to;
        }
    }
    Vec::new()
}
