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
//! The edges form the wait-for graph; a cycle in it is
//! the classic deadlock explanation (G1 waits for a mutex held by G2, which
//! waits to send on a channel only G1 receives from).

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashSet, FxHasher};
use weft_models::ir::{Expr, FuncId, Pc, Program};
use weft_models::ops::{self, Successor};
use weft_reports::view::{Release, WaitNote, WaitVerb};

use crate::counterexample::identity::ObjId;
use crate::counterexample::replay::Trace;
use crate::semantics::eval::eval;
use crate::semantics::wake;
use crate::state::{Goroutine, GoroutineId, Site, State};
use crate::value::{ObjRef, Value};

/// What a goroutine is doing at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    /// No move is enabled.
    Blocked,
    /// It could move.
    Runnable,
    /// It loops forever without a visible operation.
    Spinning,
    /// A callback's runner still waiting for its timer or context.
    NotStarted,
}

/// An operation ahead of a goroutine that would release a waiter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Could {
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
pub(crate) struct Wait {
    /// What it is doing, after its name: `waits to send on`, `waits to lock`, ...
    pub verb: WaitVerb,
    /// The objects it waits on (several for a select).
    pub objects: Vec<ObjId>,
    /// Goroutines holding what it needs (a lock, a running `Once`).
    pub holders: Vec<GoroutineId>,
    /// RWMutex writers it queues behind: announced, waiting for the lock
    /// themselves, not holding it.
    pub behind: Vec<GoroutineId>,
    /// Live goroutines with an operation ahead that would release it.
    pub could: Vec<Could>,
    /// A fact that explains the wait by itself (`nil channel`, `counter is 2`).
    pub note: Option<WaitNote>,
    /// False when the walk over some goroutine's code ahead stopped at
    /// [`WALK_BUDGET`]: `could` may then miss a releaser, and the report
    /// must not say that nobody can release it.
    pub determined: bool,
}

/// One live goroutine at the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GoroutineState {
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
pub(crate) enum Relation {
    /// The other holds the lock (or runs the `Once`) it wants.
    HeldBy,
    /// The other is an RWMutex writer waiting for the lock, which it
    /// queues behind.
    QueuedBehind,
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
pub(crate) struct Edge {
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
pub(crate) struct WaitFor {
    /// Every live goroutine, in goroutine order.
    pub goroutines: Vec<GoroutineState>,
    /// The wait-for edges between blocked goroutines and the goroutines
    /// they wait for.
    pub edges: Vec<Edge>,
    /// A cycle of the graph, as indices into `edges` in order, if any.
    pub cycle: Vec<usize>,
    /// When there is no cycle, the chains to the holders ([`chains`]).
    pub chains: Vec<Vec<usize>>,
}

/// How many instructions the walk over one goroutine's code ahead may
/// visit. Past it, the explanation says that who could release a waiter
/// was not determined, never that nobody can.
pub const WALK_BUDGET: usize = 20_000;

/// An operation ahead of a goroutine that would release a waiter.
#[derive(Clone, Debug)]
struct Ahead {
    site: Site,
    release: wake::Release,
    object: ObjRef,
    via_spawn: bool,
}

/// What the walk over a goroutine's code ahead found.
struct Walked {
    ahead: Vec<Ahead>,
    /// False when the walk stopped at [`WALK_BUDGET`].
    complete: bool,
}

/// A frame's locals as far as the walk knows them: a callee's parameters
/// are known when the caller's arguments are, its other locals are not.
type Env = Vec<Option<Value>>;

fn known(e: &Expr, env: &Env) -> bool {
    match e {
        Expr::Local(l) => env.get(l.index()).is_some_and(Option::is_some),
        other => other
            .operands()
            .into_iter()
            .flatten()
            .all(|a| known(a, env)),
    }
}

fn value(state: &State, env: &Env, e: &Expr) -> Option<Value> {
    if !known(e, env) {
        return None;
    }
    let locals: Vec<Value> = env.iter().map(|v| v.unwrap_or(Value::Nil)).collect();
    eval(state, &locals, e).ok()
}

/// One place the walk still has to visit: an instruction of a function,
/// in an environment (an index into the walk's environments), and whether
/// a goroutine the walked one would start runs it.
struct Visit {
    func: FuncId,
    pc: Pc,
    env: usize,
    via_spawn: bool,
}

/// Walks every instruction reachable from where goroutine `g` stands
/// (through jumps, calls, deferred blocks and the goroutines it would
/// start, following [`ops::successors`]), iteratively, and records the
/// operations that would release a waiter, with operands evaluated where
/// the walk knows them.
fn ahead(prog: &Program, state: &State, g: &Goroutine) -> Walked {
    let mut envs: Vec<(Env, u64)> = Vec::new();
    let add_env = |envs: &mut Vec<(Env, u64)>, env: Env| {
        let mut h = FxHasher::default();
        env.hash(&mut h);
        envs.push((env, h.finish()));
        envs.len() - 1
    };
    let mut stack: Vec<Visit> = Vec::new();
    let n = g.frames.len();
    // The stack pops its last entry first: push in reverse of the order
    // of walking, which is the innermost frame first, from where it
    // stands, then its deferred blocks in order, then its caller.
    for (depth, f) in g.frames.iter().enumerate() {
        let env = add_env(&mut envs, f.locals.iter().map(|v| Some(*v)).collect());
        for d in f.defers.iter().rev() {
            stack.push(Visit {
                func: f.func,
                pc: *d,
                env,
                via_spawn: false,
            });
        }
        // A caller resumes after its call.
        let pc = if depth + 1 == n { f.pc } else { Pc(f.pc.0 + 1) };
        stack.push(Visit {
            func: f.func,
            pc,
            env,
            via_spawn: false,
        });
    }
    let mut seen: FxHashSet<(FuncId, Pc, u64, bool)> = FxHashSet::default();
    let mut out = Walked {
        ahead: Vec::new(),
        complete: true,
    };
    let mut budget = WALK_BUDGET;
    while let Some(v) = stack.pop() {
        let code = &prog.func(v.func).code;
        if v.pc.index() >= code.len() || !seen.insert((v.func, v.pc, envs[v.env].1, v.via_spawn)) {
            continue;
        }
        if budget == 0 {
            out.complete = false;
            break;
        }
        budget -= 1;
        let op = &code[v.pc.index()].op;
        let site = Site {
            func: v.func,
            pc: v.pc,
        };
        wake::releases(
            op,
            &mut |e| value(state, &envs[v.env].0, e),
            &mut |release, object| {
                out.ahead.push(Ahead {
                    site,
                    release,
                    object,
                    via_spawn: v.via_spawn,
                })
            },
        );
        // Branches are pushed in order (the last is walked first); a
        // callee or started goroutine is pushed last, so it is walked
        // through before the caller's continuation, as a call runs.
        let mut next: Vec<Visit> = Vec::new();
        let mut runs: Vec<Visit> = Vec::new();
        ops::successors(op, v.pc, |s| match s {
            Successor::Pc(pc) | Successor::Deferred(pc) => next.push(Visit {
                func: v.func,
                pc,
                env: v.env,
                via_spawn: v.via_spawn,
            }),
            Successor::Call { func, args } | Successor::Spawn { func, args } => {
                let mut callee: Env = vec![None; prog.func(func).local_names.len()];
                for (slot, a) in callee.iter_mut().zip(args) {
                    *slot = value(state, &envs[v.env].0, a);
                }
                let env = add_env(&mut envs, callee);
                runs.push(Visit {
                    func,
                    pc: Pc(0),
                    env,
                    via_spawn: v.via_spawn || matches!(s, Successor::Spawn { .. }),
                });
            }
        });
        stack.extend(next);
        stack.extend(runs);
    }
    out
}

fn verb(waiting: Option<wake::Waiting>) -> WaitVerb {
    use wake::Waiting as W;
    match waiting {
        None => WaitVerb::WaitsOn,
        Some(W::Send) => WaitVerb::WaitsToSendOn,
        Some(W::Receive) => WaitVerb::WaitsToReceiveFrom,
        Some(W::Select) => WaitVerb::WaitsInSelectOn,
        Some(W::Lock) => WaitVerb::WaitsToLock,
        Some(W::ReadLock) => WaitVerb::WaitsToReadLock,
        Some(W::ReadersLeave) => WaitVerb::WaitsForReadersToLeave,
        Some(W::WaitGroup) => WaitVerb::WaitsFor,
        Some(W::Signal) => WaitVerb::WaitsForSignalOn,
        Some(W::Relock) => WaitVerb::WaitsToRelockLockerOf,
        Some(W::EnterOnce) => WaitVerb::WaitsToEnterOnceDoOf,
    }
}

fn what(release: wake::Release) -> Release {
    use wake::Release as R;
    match release {
        R::Send => Release::SendOn,
        R::Receive => Release::ReceiveFrom,
        R::Close => Release::Close,
        R::Unlock => Release::Unlock,
        R::ReadUnlock => Release::ReadUnlock,
        R::Done => Release::CallDoneOn,
        R::Signal => Release::Signal,
        R::Cancel => Release::Cancel,
        R::FinishOnce => Release::FinishOnceDoOf,
    }
}

fn note(n: wake::WaitNote) -> WaitNote {
    use wake::WaitNote as N;
    match n {
        N::NilChannel => WaitNote::NilChannel,
        N::EmptySelect => WaitNote::EmptySelect,
        N::AllCasesNil => WaitNote::EveryCaseNil,
        N::Counter(c) => WaitNote::Counter(c),
        N::WriterWaiting => WaitNote::WriterPending,
        N::TimerRunning(true) => WaitNote::TickerRunning,
        N::TimerRunning(false) => WaitNote::TimerPending,
        N::DeadlinePending => WaitNote::DeadlinePending,
    }
}

struct Analysis<'a> {
    prog: &'a Program,
    trace: &'a Trace,
}

impl Analysis<'_> {
    fn wait_of(&self, g: &Goroutine) -> Wait {
        let state = &self.trace.last;
        let id = |r: ObjRef| self.trace.objects.id(r);
        let blocked = wake::blocked(self.prog, state, g);
        let mut w = Wait {
            verb: verb(blocked.as_ref().map(|b| b.waiting)),
            objects: Vec::new(),
            holders: Vec::new(),
            behind: Vec::new(),
            could: Vec::new(),
            note: None,
            determined: true,
        };
        let Some(b) = blocked else {
            return w;
        };
        w.objects = b.objects.iter().map(|&r| id(r)).collect();
        w.note = b.note.map(note);
        for h in &b.holders {
            match h {
                wake::Holder::Writer(r) => {
                    w.holders.extend(self.trace.objects.holders(id(*r)).writer)
                }
                wake::Holder::Readers(r) => {
                    w.holders.extend(self.trace.objects.holders(id(*r)).readers)
                }
                wake::Holder::AnnouncedWriter(g) => w.behind.push(g.clone()),
            }
        }
        w.holders.dedup();
        w.behind.dedup();
        for other in &state.goroutines {
            if other.id == g.id {
                continue;
            }
            let walked = ahead(self.prog, state, other);
            w.determined &= walked.complete;
            for a in walked.ahead {
                if b.released_by.contains(&(a.release, a.object)) {
                    let c = Could {
                        goroutine: other.id.clone(),
                        site: a.site,
                        what: what(a.release),
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
pub(crate) fn analyse(prog: &Program, trace: &Trace) -> WaitFor {
    let a = Analysis { prog, trace };
    let mut out = WaitFor::default();
    for (g, end) in trace.last.goroutines.iter().zip(&trace.end) {
        let status = if end.spinning {
            Status::Spinning
        } else if end.not_started {
            Status::NotStarted
        } else if end.blocked {
            Status::Blocked
        } else {
            Status::Runnable
        };
        let wait = (status == Status::Blocked).then(|| a.wait_of(g));
        out.goroutines.push(GoroutineState {
            goroutine: g.id.clone(),
            site: g.site(),
            status,
            wait,
        });
    }
    drop_acquirers(&mut out.goroutines);
    for g in &out.goroutines {
        if let Some(w) = &g.wait {
            edges_of(&g.goroutine, w, &mut out.edges);
        }
    }
    out.cycle = cycle(&out);
    if out.cycle.is_empty() {
        out.chains = chains(&out);
    }
    out
}

/// Whether a goroutine waiting so wants to acquire the lock it waits on
/// (its own unlock of it comes after).
fn acquires(verb: WaitVerb) -> bool {
    match verb {
        WaitVerb::WaitsToLock
        | WaitVerb::WaitsToReadLock
        | WaitVerb::WaitsForReadersToLeave
        | WaitVerb::WaitsToRelockLockerOf => true,
        WaitVerb::WaitsOn
        | WaitVerb::WaitsToSendOn
        | WaitVerb::WaitsToReceiveFrom
        | WaitVerb::WaitsInSelectOn
        | WaitVerb::WaitsFor
        | WaitVerb::WaitsForSignalOn
        | WaitVerb::WaitsToEnterOnceDoOf => false,
    }
}

/// Drops from every wait the releasers that are themselves blocked
/// acquiring the very lock they would unlock: the unlock ahead of them
/// comes after they get it, so they cannot release anyone waiting for it.
fn drop_acquirers(goroutines: &mut [GoroutineState]) {
    let acquiring: Vec<(GoroutineId, Vec<ObjId>)> = goroutines
        .iter()
        .filter_map(|g| {
            let w = g.wait.as_ref()?;
            acquires(w.verb).then(|| (g.goroutine.clone(), w.objects.clone()))
        })
        .collect();
    for g in goroutines.iter_mut() {
        if let Some(w) = &mut g.wait {
            w.could.retain(|c| {
                !acquiring
                    .iter()
                    .any(|(a, objs)| *a == c.goroutine && objs.contains(&c.object))
            });
        }
    }
}

/// The wait-for edges of goroutine `from`, waiting so: to the holders of
/// what it needs and the writers it queues behind when there are any
/// (only they can release it), else to the goroutines that could.
fn edges_of(from: &GoroutineId, w: &Wait, edges: &mut Vec<Edge>) {
    let object = w.objects.first().copied().unwrap_or(ObjId(u32::MAX));
    for h in &w.holders {
        edges.push(Edge {
            from: from.clone(),
            to: h.clone(),
            object,
            relation: Relation::HeldBy,
        });
    }
    for b in w.behind.iter().filter(|b| !w.holders.contains(b)) {
        edges.push(Edge {
            from: from.clone(),
            to: b.clone(),
            object,
            relation: Relation::QueuedBehind,
        });
    }
    if !w.holders.is_empty() || !w.behind.is_empty() {
        return;
    }
    let mut seen = BTreeSet::new();
    for c in &w.could {
        if !seen.insert(c.goroutine.clone()) {
            continue;
        }
        edges.push(Edge {
            from: from.clone(),
            to: c.goroutine.clone(),
            object: c.object,
            relation: Relation::CouldRelease {
                site: c.site,
                what: c.what,
            },
        });
    }
}

/// The chains of held-by and queued-behind edges of a graph without a
/// cycle: one from each goroutine that has such an edge and is not the
/// target of one, following the first such edge of every goroutine until
/// one that has none (a holder waiting for something else, or able to
/// run). Edge indices, in order.
fn chains(w: &WaitFor) -> Vec<Vec<usize>> {
    let holding = |e: &Edge| matches!(e.relation, Relation::HeldBy | Relation::QueuedBehind);
    let first_out = |g: &GoroutineId| w.edges.iter().position(|e| e.from == *g && holding(e));
    let mut out = Vec::new();
    for g in &w.goroutines {
        let id = &g.goroutine;
        let targeted = w.edges.iter().any(|e| e.to == *id && holding(e));
        if targeted || first_out(id).is_none() {
            continue;
        }
        let mut chain: Vec<usize> = Vec::new();
        let mut visited: Vec<&GoroutineId> = vec![id];
        let mut cur = id;
        while let Some(i) = first_out(cur) {
            chain.push(i);
            cur = &w.edges[i].to;
            if visited.contains(&cur) {
                break;
            }
            visited.push(cur);
        }
        out.push(chain);
    }
    out
}

/// A cycle of the wait-for graph among blocked goroutines (found with
/// its strongly connected components), as edge indices in order,
/// starting from the lowest goroutine of the cycle.
fn cycle(w: &WaitFor) -> Vec<usize> {
    let blocked: Vec<&GoroutineId> = w
        .goroutines
        .iter()
        .filter(|g| g.status == Status::Blocked)
        .map(|g| &g.goroutine)
        .collect();
    let node = |id: &GoroutineId| blocked.iter().position(|g| *g == id).map(|i| i as u32);
    // Successors of each blocked goroutine, and the edge to each.
    let mut succ: Vec<Vec<u32>> = vec![Vec::new(); blocked.len()];
    let mut edges: Vec<Vec<(u32, usize)>> = vec![Vec::new(); blocked.len()];
    for (i, e) in w.edges.iter().enumerate() {
        if let (Some(a), Some(b)) = (node(&e.from), node(&e.to)) {
            succ[a as usize].push(b);
            edges[a as usize].push((b, i));
        }
    }
    let mut sccs = crate::scc::tarjan(blocked.len(), |v| &succ[v as usize]);
    sccs.iter_mut().for_each(|s| s.sort());
    sccs.sort();
    for scc in sccs {
        let start = scc[0];
        let cyclic = scc.len() > 1 || succ[start as usize].contains(&start);
        if !cyclic {
            continue;
        }
        // Walk inside the component until a node repeats.
        let mut path: Vec<(u32, usize)> = Vec::new();
        let mut cur = start;
        loop {
            if let Some(p) = path.iter().position(|(n, _)| *n == cur) {
                return path[p..].iter().map(|(_, e)| *e).collect();
            }
            let Some(&(to, edge)) = edges[cur as usize]
                .iter()
                .filter(|(to, _)| scc.contains(to))
                .min()
            else {
                break;
            };
            path.push((cur, edge));
            cur = to;
        }
    }
    Vec::new()
}
