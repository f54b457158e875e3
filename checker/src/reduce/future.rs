//! What a goroutine may still touch: an over-approximation of the families
//! all its future steps (and those of the goroutines it will start) use.
//!
//! Two parts. A static summary of the code reachable from each instruction
//! (through jumps, select arms, deferred blocks, calls and `go`): the globals
//! it names with the mode of each use, the strongest mode of operations
//! whose object comes from a local (a *wildcard*: any object the goroutine
//! can reach), whether it can obtain handles from shared objects (a receive
//! or a load), and whether it can put handles into them (a send or a store
//! of a handle-valued expression). And a dynamic part, from the state: the
//! objects reachable from the goroutine's frames and the globals its code
//! names. A goroutine can only ever touch objects it can reach now, objects
//! created later (which no step of the current state touches) and objects
//! it obtains from shared objects; the last are limited to what is reachable
//! from them now unless some goroutine can still store handles, in which
//! case a goroutine that obtains handles may touch anything.
//!
//! The summary also says which channels the code may send on, receive from
//! or close: the leak detector ([`crate::detect::certain`]) asks it
//! whether anything that can still run can release a blocked goroutine.

use smallvec::SmallVec;
use weft_models::ir::{Expr, FuncId, Op, Pc, Program};
use weft_models::ops::{self, ChanOp, Role, Successor};

use super::touch::{mode_of, Families, Mode};
use crate::state::{Execution, Goroutine, Object, State};
use crate::value::{ObjRef, Value};

/// The summary of the code reachable from one instruction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct CodeFuture {
    /// Globals used as the object of an operation, with the strongest mode.
    pub globals: Vec<(u32, Mode)>,
    /// Every global named at all (roots of what the code can reach).
    pub named: Vec<u32>,
    /// The strongest mode of an operation on an object held in a local.
    pub wildcard: Option<Mode>,
    /// A receive or load that may bring a handle into a local.
    pub obtains: bool,
    /// A send or store of a value that may be a handle.
    pub stores: bool,
    /// Channel operations on a global's channel: the global, and what is
    /// done to it ([`Directions`]).
    pub chans: Vec<(u32, Directions)>,
    /// What channel operations do to channels held in locals.
    pub chan_wild: Directions,
    /// Operations whose footprint is their object's family alone (channel,
    /// WaitGroup and lock operations) and whose object is a plain local of
    /// this code's own function: the local and the strongest mode (also
    /// counted in `wildcard`). Such a local that `assigned` does not name holds the
    /// same channel for the rest of the frame, so these operations touch
    /// that channel only ([`future_of_code`]).
    pub local_objects: Vec<(u32, Mode)>,
    /// The strongest mode of the wildcard operations other than those in
    /// `local_objects`.
    pub wildcard_rest: Option<Mode>,
    /// The locals of this code's own function that it may assign.
    pub assigned: Vec<u32>,
}

impl CodeFuture {
    /// What this code may touch in a plain state ([`super::plain`]), run
    /// by a goroutine of one frame, when it operates on named globals only
    /// (no object held in a local: no wildcard).
    pub(crate) fn plain_words(&self) -> Option<[u64; 2]> {
        if !self.local_objects.is_empty() || self.wildcard_rest.is_some() {
            return None;
        }
        let mut words = [0u64; 2];
        for &(g, m) in &self.globals {
            if g >= 64 {
                return None;
            }
            super::plain::add(&mut words, g as usize, m);
        }
        Some(words)
    }
}

/// A set of [`ChanOp`]s, as bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Directions(u8);

impl Directions {
    /// The set holding just `op`.
    pub fn of(op: ChanOp) -> Directions {
        Directions(match op {
            ChanOp::Send => 1,
            ChanOp::Receive => 2,
            ChanOp::Close => 4,
        })
    }

    /// Both sets.
    pub fn union(self, o: Directions) -> Directions {
        Directions(self.0 | o.0)
    }

    /// True when the sets share an operation.
    pub fn meets(self, o: Directions) -> bool {
        self.0 & o.0 != 0
    }
}

impl CodeFuture {
    /// Adds everything `o` may do (both lists stay sorted by global).
    pub(super) fn merge(&mut self, o: &CodeFuture) {
        merge_into(
            &mut self.globals,
            &o.globals,
            |a, b| a.0.cmp(&b.0),
            |a, b| (a.0, a.1.max(b.1)),
        );
        merge_into(&mut self.named, &o.named, |a, b| a.cmp(b), |a, _| *a);
        merge_into(
            &mut self.chans,
            &o.chans,
            |a, b| a.0.cmp(&b.0),
            |a, b| (a.0, a.1.union(b.1)),
        );
        merge_into(
            &mut self.local_objects,
            &o.local_objects,
            |a, b| a.0.cmp(&b.0),
            |a, b| (a.0, a.1.max(b.1)),
        );
        merge_into(&mut self.assigned, &o.assigned, |a, b| a.cmp(b), |a, _| *a);
        self.wildcard_rest = self.wildcard_rest.max(o.wildcard_rest);
        self.wildcard = self.wildcard.max(o.wildcard);
        self.obtains |= o.obtains;
        self.stores |= o.stores;
        self.chan_wild = self.chan_wild.union(o.chan_wild);
    }

    /// This code as another function's sees it (a callee, a goroutine it
    /// starts): its locals are not the other function's, so its
    /// operations on them are plain wildcards.
    fn foreign(&self) -> CodeFuture {
        CodeFuture {
            local_objects: Vec::new(),
            wildcard_rest: self.wildcard,
            assigned: Vec::new(),
            ..self.clone()
        }
    }

    fn use_global(&mut self, g: u32, m: Mode) {
        match self.globals.binary_search_by_key(&g, |x| x.0) {
            Ok(i) => self.globals[i].1 = self.globals[i].1.max(m),
            Err(i) => self.globals.insert(i, (g, m)),
        }
    }

    fn use_chan(&mut self, g: u32, d: Directions) {
        match self.chans.binary_search_by_key(&g, |x| x.0) {
            Ok(i) => self.chans[i].1 = self.chans[i].1.union(d),
            Err(i) => self.chans.insert(i, (g, d)),
        }
    }

    /// True when this code may do one of `ops` to the channel `ch`, given
    /// the handles of the globals and whether `ch` is among the objects it
    /// can reach through its locals.
    pub(crate) fn may_do(
        &self,
        ops: Directions,
        ch: ObjRef,
        globals: &[Value],
        reachable: bool,
    ) -> bool {
        (reachable && self.chan_wild.meets(ops))
            || self.chans.iter().any(|&(g, d)| {
                d.meets(ops) && globals.get(g as usize).and_then(|v| v.object()) == Some(ch)
            })
    }

    fn name(&mut self, g: u32) {
        if let Err(i) = self.named.binary_search(&g) {
            self.named.insert(i, g);
        }
    }
}

/// Merges sorted `b` into sorted `a` ([`merge_sorted`]): in place when
/// `b` is short (the summary of one instruction, merged at every step of
/// a walk: most add nothing new, and a new list each time was 12 % of a
/// walk's instructions).
fn merge_into<T: Copy>(
    a: &mut Vec<T>,
    b: &[T],
    cmp: impl Fn(&T, &T) -> std::cmp::Ordering,
    both: impl Fn(&T, &T) -> T,
) {
    if b.len() <= 4 {
        for x in b {
            match a.binary_search_by(|y| cmp(y, x)) {
                Ok(i) => a[i] = both(&a[i], x),
                Err(i) => a.insert(i, *x),
            }
        }
    } else {
        *a = merge_sorted(a, b, cmp, both);
    }
}

/// The union of two sorted lists; `both` combines an element present in each.
fn merge_sorted<T: Copy>(
    a: &[T],
    b: &[T],
    cmp: impl Fn(&T, &T) -> std::cmp::Ordering,
    both: impl Fn(&T, &T) -> T,
) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match cmp(&a[i], &b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(both(&a[i], &b[j]));
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// The global an object operand denotes, if it is one (`ctx.Done()` and
/// `t.C` of a global belong to the global's family).
fn operand_global(e: &Expr) -> Option<u32> {
    match e {
        Expr::Global(g) => Some(g.0),
        Expr::DoneOf(x)
        | Expr::ChanOf(x)
        | Expr::Cap(x)
        | Expr::GroupPart(x, _)
        | Expr::RLocker(x) => operand_global(x),
        // A Cond's Locker is its own family; a field or element is an
        // object of its own, reached through its owner: a wildcard, like
        // an object held in a local.
        Expr::CondLocker(_)
        | Expr::Const(_)
        | Expr::Local(_)
        | Expr::Unary(..)
        | Expr::Binary(..)
        | Expr::Field(..)
        | Expr::Elem(..)
        | Expr::SliceLen(_)
        | Expr::Func(_) => None,
    }
}

fn may_be_handle(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Local(_)
            | Expr::Global(_)
            | Expr::DoneOf(_)
            | Expr::ChanOf(_)
            | Expr::GroupPart(..)
            | Expr::CondLocker(_)
            | Expr::RLocker(_)
            | Expr::Field(..)
            | Expr::Elem(..)
    )
}

fn named_globals(e: &Expr, out: &mut CodeFuture) {
    match e {
        Expr::Global(g) => out.name(g.0),
        other => {
            for a in other.operands().into_iter().flatten() {
                named_globals(a, out);
            }
        }
    }
}

/// The summary of one instruction alone (not what follows it).
fn instr_future(op: &Op) -> CodeFuture {
    let mut out = CodeFuture::default();
    // Operations that touch their object's family and nothing else (a
    // Cond's locker is added where a family is set: `future_of_code`).
    let own_family_only = matches!(
        op,
        Op::Send { .. }
            | Op::Recv { .. }
            | Op::Close { .. }
            | Op::Select { .. }
            | Op::WgAdd { .. }
            | Op::Wait { .. }
            | Op::Lock { .. }
            | Op::Unlock { .. }
            | Op::TryLock { .. }
            | Op::RLock { .. }
            | Op::RUnlock { .. }
    );
    ops::expressions(op, |e, role| {
        named_globals(e, &mut out);
        match role {
            Role::Object(u) => match (operand_global(e), e) {
                (Some(g), _) => out.use_global(g, mode_of(u)),
                (None, Expr::Local(l)) if own_family_only => {
                    let (l, m) = (l.index() as u32, mode_of(u));
                    match out.local_objects.binary_search_by_key(&l, |x| x.0) {
                        Ok(i) => out.local_objects[i].1 = out.local_objects[i].1.max(m),
                        Err(i) => out.local_objects.insert(i, (l, m)),
                    }
                    out.wildcard = out.wildcard.max(Some(m));
                }
                (None, _) => {
                    out.wildcard = out.wildcard.max(Some(mode_of(u)));
                    out.wildcard_rest = out.wildcard_rest.max(Some(mode_of(u)));
                }
            },
            Role::Stored => out.stores |= may_be_handle(e),
            Role::Value => {}
        }
    });
    ops::local_destinations(op, |l| {
        let l = l.index() as u32;
        if let Err(i) = out.assigned.binary_search(&l) {
            out.assigned.insert(i, l);
        }
    });
    out.obtains = ops::obtains(op);
    ops::channel_ops(op, |e, d| match e {
        Expr::Global(g) => out.use_chan(g.0, Directions::of(d)),
        Expr::Const(_)
        | Expr::Local(_)
        | Expr::Unary(..)
        | Expr::Binary(..)
        | Expr::DoneOf(_)
        | Expr::ChanOf(_)
        | Expr::Cap(_)
        | Expr::GroupPart(..)
        | Expr::CondLocker(_)
        | Expr::RLocker(_)
        | Expr::Field(..)
        | Expr::Elem(..)
        | Expr::SliceLen(_)
        | Expr::Func(_) => out.chan_wild = out.chan_wild.union(Directions::of(d)),
    });
    out
}

/// Each instruction's summary ([`instr_future`]), function by function,
/// its `assigned` cut to the locals some instruction of its function
/// operates on ([`CodeFuture::local_objects`]): only those are asked
/// about, and a summary of code that assigns many other locals (generated
/// code, long functions) would hold them all at every pc.
fn function_instructions(prog: &Program) -> Vec<Vec<CodeFuture>> {
    prog.funcs
        .iter()
        .map(|f| {
            let mut single: Vec<CodeFuture> = f.code.iter().map(|i| instr_future(&i.op)).collect();
            let mut objects: Vec<u32> = single
                .iter()
                .flat_map(|c| c.local_objects.iter().map(|&(l, _)| l))
                .collect();
            objects.sort_unstable();
            objects.dedup();
            for c in &mut single {
                c.assigned.retain(|l| objects.binary_search(l).is_ok());
            }
            single
        })
        .collect()
}

/// The control-flow successors of an instruction inside its function, and
/// the functions it runs (called or started).
fn successors(op: &Op, pc: usize, len: usize, next: &mut Vec<usize>, funcs: &mut Vec<FuncId>) {
    ops::successors(op, Pc(pc as u32), |s| match s {
        Successor::Pc(p) | Successor::Deferred(p) => {
            if p.index() < len {
                next.push(p.index())
            }
        }
        Successor::Call { func, .. } | Successor::Spawn { func, .. } => funcs.push(func),
    });
}

/// One function's control flow: per instruction, its successors in the
/// function and the functions it runs (called or started).
struct FuncEdges {
    next: Vec<Vec<u32>>,
    runs: Vec<Vec<FuncId>>,
}

/// [`FuncEdges`] of every function.
fn program_edges(prog: &Program) -> Vec<FuncEdges> {
    prog.funcs
        .iter()
        .map(|f| {
            let len = f.code.len();
            let mut edges = FuncEdges {
                next: Vec::with_capacity(len),
                runs: Vec::with_capacity(len),
            };
            let mut next = Vec::new();
            for (pc, i) in f.code.iter().enumerate() {
                let mut runs = Vec::new();
                next.clear();
                successors(&i.op, pc, len, &mut next, &mut runs);
                edges.next.push(next.iter().map(|&p| p as u32).collect());
                edges.runs.push(runs);
            }
            edges
        })
        .collect()
}

/// For every pc of one function whose successors `next` lists: the join
/// (`join`: associative, commutative and idempotent, from `empty`) of the
/// values of the pcs reachable from it, itself included, never entering a
/// pc for which `stop` holds (a stop pc reaches nothing: its result is
/// `empty`); `add(r, p)` joins the value of pc `p` into `r`. Returns each
/// pc's component and each component's result.
///
/// The pcs of one strongly connected component reach the same pcs, so a
/// component's result is its own pcs' values joined with the results of
/// the components it steps into, which Tarjan's order gives first: linear
/// in the code (times a join), where a walk from every pc was quadratic
/// in time and memory (a straight function of 16,000 instructions took
/// 3.7 s and 1 GB).
fn join_reachable<T: Clone>(
    next: &[Vec<u32>],
    stop: impl Fn(usize) -> bool,
    empty: &T,
    add: impl Fn(&mut T, usize),
    join: impl Fn(&mut T, &T),
) -> (Vec<u32>, Vec<T>) {
    // (A stop pc steps nowhere, so it is a component of its own whose
    // result, `empty`, adds nothing to those stepping into it.)
    let comps = crate::scc::components(next.len(), |p| {
        if stop(p as usize) {
            &[]
        } else {
            &next[p as usize]
        }
    });
    let mut comp_of = vec![0u32; next.len()];
    for (c, pcs) in comps.iter().enumerate() {
        for &p in pcs {
            comp_of[p as usize] = c as u32;
        }
    }
    let mut results: Vec<T> = Vec::new();
    for (c, pcs) in comps.iter().enumerate() {
        let mut r = empty.clone();
        for &p in pcs.iter().filter(|&&p| !stop(p as usize)) {
            add(&mut r, p as usize);
            for &q in &next[p as usize] {
                let d = comp_of[q as usize] as usize;
                if d != c {
                    join(&mut r, &results[d]);
                }
            }
        }
        results.push(r);
    }
    (comp_of, results)
}

/// The global below 64 that `op` locks (`Lock`, or `RLock`: an RWMutex's
/// `RLock` waits too while a writer holds it), if it is one.
fn locked_global(op: &Op) -> Option<u32> {
    match op {
        Op::Lock {
            mutex: Expr::Global(g),
        }
        | Op::RLock {
            mutex: Expr::Global(g),
        } if g.0 < 64 => Some(g.0),
        _ => None,
    }
}

/// The globals some instruction of `prog` locks ([`locked_global`]),
/// sorted, once each.
fn lock_targets(prog: &Program) -> Vec<u32> {
    let mut targets: Vec<u32> = prog
        .funcs
        .iter()
        .flat_map(|f| f.code.iter().filter_map(|i| locked_global(&i.op)))
        .collect();
    targets.sort_unstable();
    targets.dedup();
    targets
}

/// The code a goroutine may run before it takes a held mutex, for the
/// persistent sets of plain states ([`super::plain::PlainTables::before`]):
/// per global below 64 that a `Lock` or `RLock` names, per instruction,
/// the plain words ([`CodeFuture::plain_words`]) of the code reachable
/// from it without executing a `Lock` or `RLock` of that global. Functions called or started
/// on the way count whole (`whole`, as any function's code sees them),
/// their own `Lock`s included: an over-approximation.
fn before_locks(
    prog: &Program,
    edges: &[FuncEdges],
    single: &[Vec<CodeFuture>],
    whole: &[CodeFuture],
) -> super::plain::BeforeLocks {
    let targets = lock_targets(prog);
    if targets.is_empty() {
        return Vec::new();
    }
    // (Words join as the summaries merge: a part without words makes
    // the whole without.)
    let join = |a: [u64; 2], b: Option<[u64; 2]>| Some([a[0] | b?[0], a[1] | b?[1]]);
    let single_words: super::plain::WordsTable = single
        .iter()
        .map(|code| code.iter().map(CodeFuture::plain_words).collect())
        .collect();
    let whole_words: Vec<Option<[u64; 2]>> =
        whole.iter().map(|w| w.foreign().plain_words()).collect();
    targets
        .iter()
        .map(|&m| {
            let tables = prog
                .funcs
                .iter()
                .enumerate()
                .map(|(f, func)| {
                    let stop = |p: usize| locked_global(&func.code[p].op) == Some(m);
                    // An instruction's own words and those of the
                    // functions it runs.
                    let add = |w: &mut Option<[u64; 2]>, p: usize| {
                        *w = w.and_then(|w| join(w, single_words[f][p])).and_then(|w| {
                            edges[f].runs[p]
                                .iter()
                                .try_fold(w, |w, c| join(w, whole_words[c.index()]))
                        });
                    };
                    let (comp_of, words) = join_reachable(
                        &edges[f].next,
                        stop,
                        &Some([0; 2]),
                        add,
                        |a: &mut Option<[u64; 2]>, b| *a = a.and_then(|a| join(a, *b)),
                    );
                    comp_of.iter().map(|&c| words[c as usize]).collect()
                })
                .collect();
            (m, tables)
        })
        .collect()
}

/// True when a conditional jump of `code` tests a local that holds, or is
/// computed from, a value loaded from a variable (in any order of the
/// instructions: a fixed point over the assignments).
fn branches_on_loads(code: &[weft_models::ir::Instr]) -> bool {
    // Iterative: expressions nest as deep as the scenario writes them.
    fn mentioned(e: &Expr, mut f: impl FnMut(usize) -> bool) -> bool {
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            match e {
                Expr::Local(l) => {
                    if f(l.index()) {
                        return true;
                    }
                }
                other => stack.extend(other.operands().into_iter().flatten()),
            }
        }
        false
    }
    // The locals a load (or a receive's ok flag: known while its channel
    // stays open) writes, then, through the assignments, every local
    // computed from one: a worklist over who is assigned from whom (a
    // pass over the code per link was quadratic in a long chain).
    let mut loaded: Vec<bool> = Vec::new();
    let mut from: Vec<Vec<usize>> = Vec::new();
    let mut todo: Vec<usize> = Vec::new();
    let mark = |loaded: &mut Vec<bool>, todo: &mut Vec<usize>, slot: usize| {
        if slot >= loaded.len() {
            loaded.resize(slot + 1, false);
        }
        if !std::mem::replace(&mut loaded[slot], true) {
            todo.push(slot);
        }
    };
    for i in code {
        match &i.op {
            Op::Load { dst, .. } | Op::AtomicLoad { dst, .. } => {
                mark(&mut loaded, &mut todo, dst.index())
            }
            Op::Assign { dst, value } => {
                mentioned(value, |l| {
                    if l >= from.len() {
                        from.resize(l + 1, Vec::new());
                    }
                    from[l].push(dst.index());
                    false
                });
            }
            Op::Recv { ok: Some(ok), .. } => mark(&mut loaded, &mut todo, ok.index()),
            _ => {}
        }
    }
    while let Some(l) = todo.pop() {
        for &dst in from.get(l).map_or(&[][..], |d| &d[..]) {
            mark(&mut loaded, &mut todo, dst);
        }
    }
    code.iter().any(|i| match &i.op {
        Op::JumpIfNot { cond, .. } => mentioned(cond, |l| loaded.get(l).copied().unwrap_or(false)),
        _ => false,
    })
}

/// Static summaries of every instruction of a program.
#[derive(Clone, Debug)]
pub(crate) struct ProgramFuture {
    /// `at[f]`: the code reachable from each pc of function `f`.
    at: Vec<FuncCode>,
    /// `single[f][pc]`: the instruction at `pc` of function `f` alone.
    single: Vec<Vec<CodeFuture>>,
    /// Per function: whether it branches on a loaded value or a receive's
    /// ok flag (so that a walk of its code may decide a branch:
    /// [`super::frozen`]).
    branches_on_loads: Vec<bool>,
    /// How many WaitGroup `Done`s the code from each instruction may take.
    pub(crate) dones: super::waitgroup::DoneBounds,
    /// What a goroutine at each instruction touches and may touch, in a
    /// plain state ([`super::plain`]).
    pub(crate) plain: super::plain::PlainTables,
    /// Names this summary (a clone keeps it: same program, same answers)
    /// in the per-thread cache of merged code ([`MERGED`]).
    serial: u64,
}

/// The code a goroutine may still run ([`ProgramFuture::of_goroutine`]):
/// one instruction's summary, or the merge of its frames' and deferred
/// blocks', shared from this thread's cache.
pub(crate) enum GoroutineCode<'a> {
    /// One frame, nothing deferred: the summary at its pc.
    At(&'a CodeFuture),
    /// Several frames or deferred blocks: their summaries merged.
    Merged(std::rc::Rc<CodeFuture>),
}

impl std::ops::Deref for GoroutineCode<'_> {
    type Target = CodeFuture;

    fn deref(&self) -> &CodeFuture {
        match self {
            GoroutineCode::At(c) => c,
            GoroutineCode::Merged(c) => c,
        }
    }
}

/// The frames and deferred blocks of a goroutine, as a cache key: per
/// frame its function, its pc and how many blocks it defers, then those.
type FramesKey = SmallVec<[u32; 8]>;

/// Most entries [`MERGED`] keeps before it starts again (a program that
/// recurses makes a new stack at every depth). A bound on a cache, not on
/// the search: a stack not kept is merged again.
const MERGED_ENTRIES: usize = 4096;

/// How many executions [`Merged::recent`] remembers.
const RECENT: usize = 64;

/// A thread's merged summaries, for the program summary with `serial`.
struct Merged {
    serial: u64,
    /// By frame stack.
    by_frames: rustc_hash::FxHashMap<FramesKey, std::rc::Rc<CodeFuture>>,
    /// By execution, for the executions met lately (by address; each held,
    /// so that its address is not reused while it is here). A goroutine's
    /// execution is shared by the states that hold it unchanged, and it is
    /// asked for its code several times a state: this answers without
    /// building the key (4.7 % of the instructions on gops-fixed(5,3)).
    recent: Vec<Option<(std::rc::Rc<Execution>, std::rc::Rc<CodeFuture>)>>,
}

impl Merged {
    fn new() -> Self {
        Merged {
            serial: u64::MAX,
            by_frames: rustc_hash::FxHashMap::default(),
            recent: Vec::new(),
        }
    }
}

thread_local! {
    /// Merged summaries of the frame stacks this thread met, for the
    /// summary with the serial held: merging allocates every list of the
    /// summary, and a goroutine inside a call is analysed at every state
    /// (12 % of the instructions on gops-fixed(4, 2)).
    static MERGED: std::cell::RefCell<Merged> = std::cell::RefCell::new(Merged::new());
}

/// Frees this thread's merged summaries (at the end of a search).
pub(crate) fn forget_merged() {
    MERGED.with(|cell| *cell.borrow_mut() = Merged::new());
}

/// The summary of no code.
static NOTHING: CodeFuture = CodeFuture {
    globals: Vec::new(),
    named: Vec::new(),
    wildcard: None,
    obtains: false,
    stores: false,
    chans: Vec::new(),
    chan_wild: Directions(0),
    local_objects: Vec::new(),
    wildcard_rest: None,
    assigned: Vec::new(),
};

/// Serials of [`ProgramFuture`]s.
static SERIALS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The code reachable from each instruction of one function: the pcs of
/// one strongly connected component share a summary (a loop of many
/// instructions that assign many locals would otherwise hold its summary
/// once per instruction: quadratic memory).
#[derive(Clone, Debug)]
struct FuncCode {
    /// Each pc's component.
    comp_of: Vec<u32>,
    /// Each component's summary.
    summaries: Vec<CodeFuture>,
}

impl FuncCode {
    /// The summary of the code reachable from `pc`.
    fn at(&self, pc: usize) -> Option<&CodeFuture> {
        self.summaries.get(*self.comp_of.get(pc)? as usize)
    }
}

/// The code reachable from an instruction ([`join_reachable`]): its
/// instructions' summaries joined, and the functions it runs (sorted,
/// once each).
#[derive(Clone, Default)]
struct Reached {
    own: CodeFuture,
    runs: Vec<FuncId>,
}

impl Reached {
    fn join(&mut self, o: &Reached) {
        self.own.merge(&o.own);
        merge_into(&mut self.runs, &o.runs, |a, b| a.cmp(b), |a, _| *a);
    }
}

impl ProgramFuture {
    /// Summarises `prog`.
    pub fn new(prog: &Program) -> ProgramFuture {
        let edges = program_edges(prog);
        let single = function_instructions(prog);
        // Per function, per pc: the code reachable from it (its
        // instructions' summaries joined) and the functions that code runs.
        let local: Vec<(Vec<u32>, Vec<Reached>)> = edges
            .iter()
            .enumerate()
            .map(|(f, e)| {
                join_reachable(
                    &e.next,
                    |_| false,
                    &Reached::default(),
                    |r: &mut Reached, p| {
                        r.own.merge(&single[f][p]);
                        for &c in &e.runs[p] {
                            if let Err(i) = r.runs.binary_search(&c) {
                                r.runs.insert(i, c);
                            }
                        }
                    },
                    Reached::join,
                )
            })
            .collect();
        let entry = |f: usize| {
            let (comp_of, results) = &local[f];
            comp_of.first().map(|&c| &results[c as usize])
        };
        // Whole-function summaries (from the first instruction), to a
        // fixpoint over calls: callees first (the call graph's components
        // in Tarjan's order), each component of functions that start one
        // another again until it stops changing. (Passes over every
        // function until none changed took one pass per link of a chain
        // of calls: 2,000 functions calling the next, 4 s.)
        let n = prog.funcs.len();
        let mut whole: Vec<CodeFuture> = (0..n)
            .map(|f| entry(f).map(|r| r.own.clone()).unwrap_or_default())
            .collect();
        let runs: Vec<Vec<u32>> = (0..n)
            .map(|f| entry(f).map_or_else(Vec::new, |r| r.runs.iter().map(|c| c.0).collect()))
            .collect();
        for comp in crate::scc::components(n, |f| &runs[f as usize]).iter() {
            let cyclic = comp.len() > 1 || runs[comp[0] as usize].contains(&comp[0]);
            loop {
                let mut changed = false;
                for &f in comp {
                    let f = f as usize;
                    let mut s = whole[f].clone();
                    for &c in &runs[f] {
                        s.merge(&whole[c as usize].foreign());
                    }
                    if s != whole[f] {
                        whole[f] = s;
                        changed = true;
                    }
                }
                if !cyclic || !changed {
                    break;
                }
            }
        }
        // Each component's summary, with the functions it runs.
        let foreign: Vec<CodeFuture> = whole.iter().map(CodeFuture::foreign).collect();
        let at: Vec<FuncCode> = local
            .into_iter()
            .map(|(comp_of, results)| FuncCode {
                comp_of,
                summaries: results
                    .into_iter()
                    .map(|r| {
                        let mut s = r.own;
                        for c in &r.runs {
                            s.merge(&foreign[c.index()]);
                        }
                        s
                    })
                    .collect(),
            })
            .collect();
        let branches_on_loads = prog
            .funcs
            .iter()
            .map(|f| branches_on_loads(&f.code))
            .collect();
        let words = at
            .iter()
            .map(|code| {
                let words: Vec<_> = code.summaries.iter().map(CodeFuture::plain_words).collect();
                code.comp_of.iter().map(|&c| words[c as usize]).collect()
            })
            .collect();
        let plain = super::plain::PlainTables::new(prog, words);
        ProgramFuture {
            serial: SERIALS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            plain,
            at,
            single,
            branches_on_loads,
            dones: super::waitgroup::DoneBounds::new(prog),
        }
    }

    /// Makes the tables of the code before each `Lock`
    /// ([`super::plain::PlainTables::before`]), which only the search with
    /// the cycle proviso reads: made for it, not for every program (their
    /// cost grows with the mutexes times the code).
    pub(crate) fn learn_held_locks(&mut self, prog: &Program) {
        let edges = program_edges(prog);
        // A function's whole summary is the one at its first instruction.
        let whole: Vec<CodeFuture> = self
            .at
            .iter()
            .map(|code| code.at(0).cloned().unwrap_or_default())
            .collect();
        let before = before_locks(prog, &edges, &self.single, &whole);
        self.plain.set_before(before);
    }

    /// True when a walk of `g`'s code may decide a branch on a loaded
    /// value (its function loads a variable and branches).
    pub(super) fn may_branch_on_loads(&self, g: &Goroutine) -> bool {
        g.frames.iter().any(|fr| {
            self.branches_on_loads
                .get(fr.func.index())
                .copied()
                .unwrap_or(true)
        })
    }

    /// The code reachable from `pc` of function `f`.
    pub(super) fn code(&self, f: FuncId, pc: usize) -> Option<&CodeFuture> {
        self.at.get(f.index())?.at(pc)
    }

    /// The instruction at `pc` of function `f` alone.
    pub(super) fn instruction(&self, f: FuncId, pc: usize) -> Option<&CodeFuture> {
        self.single.get(f.index())?.get(pc)
    }

    /// The code a goroutine may still run: from every frame's pc and every
    /// pending deferred block.
    #[inline]
    pub(crate) fn of_goroutine(&self, g: &Goroutine) -> GoroutineCode<'_> {
        // The common cases, one frame and nothing deferred, or no frame
        // (a goroutine that has returned): no merge.
        match g.frames.as_slice() {
            [] => return GoroutineCode::At(&NOTHING),
            [fr] if fr.defers.is_empty() => {
                if let Some(c) = self.code(fr.func, fr.pc.index()) {
                    return GoroutineCode::At(c);
                }
            }
            _ => {}
        }
        self.merged_of(g)
    }

    /// [`Self::of_goroutine`] for several frames or deferred blocks: the
    /// merge, from this thread's cache. (Apart, so that the common case
    /// stays small enough to be inlined.)
    #[inline(never)]
    fn merged_of(&self, g: &Goroutine) -> GoroutineCode<'_> {
        let execution = g.execution();
        let at = (std::rc::Rc::as_ptr(execution) as usize >> 4) % RECENT;
        MERGED.with(|cell| {
            let m = &mut *cell.borrow_mut();
            if m.serial != self.serial || m.by_frames.len() >= MERGED_ENTRIES {
                m.serial = self.serial;
                m.by_frames.clear();
                m.recent.clear();
            }
            if m.recent.is_empty() {
                m.recent.resize(RECENT, None);
            }
            if let Some((e, code)) = &m.recent[at] {
                if std::rc::Rc::ptr_eq(e, execution) {
                    return GoroutineCode::Merged(std::rc::Rc::clone(code));
                }
            }
            let mut key = FramesKey::new();
            for fr in &g.frames {
                key.extend([fr.func.index() as u32, fr.pc.index() as u32]);
                key.push(fr.defers.len() as u32);
                key.extend(fr.defers.iter().map(|d| d.index() as u32));
            }
            let code = std::rc::Rc::clone(
                m.by_frames
                    .entry(key)
                    .or_insert_with(|| std::rc::Rc::new(self.merge_frames(g))),
            );
            m.recent[at] = Some((std::rc::Rc::clone(execution), std::rc::Rc::clone(&code)));
            GoroutineCode::Merged(code)
        })
    }

    /// The summaries of every frame's pc and every pending deferred block
    /// of `g`, merged.
    fn merge_frames(&self, g: &Goroutine) -> CodeFuture {
        let mut s = CodeFuture::default();
        for fr in &g.frames {
            if let Some(c) = self.code(fr.func, fr.pc.index()) {
                s.merge(c);
            }
            for d in &fr.defers {
                if let Some(c) = self.code(fr.func, d.index()) {
                    s.merge(c);
                }
            }
        }
        s
    }
}

/// Calls `f` on every handle an object holds.
fn handles_in(o: &Object, mut f: impl FnMut(ObjRef)) {
    crate::state::canonical::for_each_value(o, |v| {
        if let Some(r) = v.object() {
            f(r)
        }
    });
}

/// True when a shared object (buffer, variable, map) holds a handle now.
pub(crate) fn handles_stored(state: &State) -> bool {
    state.objects.iter().any(|o| {
        let mut any = false;
        match o {
            Object::Chan(c) => any = c.buf.iter().any(|x| x.object().is_some()),
            Object::Var(x) => any = x.value.object().is_some(),
            Object::Map(m) => {
                any = m
                    .entries
                    .iter()
                    .any(|(k, x)| k.object().is_some() || x.object().is_some())
            }
            // Handles these hold are fixed at creation (a Cond's Locker, a
            // timer's channel, a context's relatives, a group's parts): no
            // goroutine can take them out as values.
            Object::Mutex(_)
            | Object::RwMutex(_)
            | Object::WaitGroup(_)
            | Object::Once(_)
            | Object::Cond(_)
            | Object::Context(_)
            | Object::Timer(_)
            | Object::Registration(_)
            | Object::Group(_)
            // Fields, elements and captured values are fixed at creation
            // and reachable from the object (see `for_each_value`).
            | Object::Record(_)
            | Object::Slice(_)
            | Object::Closure(_)
            // The knowledge names objects no goroutine can take.
            | Object::Knowledge(_) => {}
        }
        any
    })
}

/// Per family, the strongest mode something uses it with (none, read or
/// write): two bit sets over the families, the touched and the written.
/// The reduction asks it, for every actor of every state, whether two of
/// them conflict: a word-wise test.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct FamilyModes {
    bits: ModeBits,
}

/// The words of [`FamilyModes`]: up to 64 families (most states) two words
/// held in place, one each way, so that making, copying and testing them
/// is a few instructions; past that, the touched words then the written
/// words, as many each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum ModeBits {
    /// No family.
    #[default]
    None,
    /// Up to 64 families: touched, written.
    One([u64; 2]),
    /// More than 64 families.
    Many(Box<[u64]>),
}

impl FamilyModes {
    /// No family touched, over `n` families.
    pub(crate) fn new(n: usize) -> Self {
        let bits = match n {
            0 => ModeBits::None,
            1..=64 => ModeBits::One([0; 2]),
            _ => ModeBits::Many(vec![0; 2 * n.div_ceil(64)].into_boxed_slice()),
        };
        FamilyModes { bits }
    }

    /// Up to 64 families (at least one), from the touched word and the
    /// written word.
    pub(crate) fn one(words: [u64; 2]) -> Self {
        FamilyModes {
            bits: ModeBits::One(words),
        }
    }

    /// The touched words and the written words.
    pub(crate) fn halves(&self) -> (&[u64], &[u64]) {
        match &self.bits {
            ModeBits::None => (&[], &[]),
            ModeBits::One(w) => w.split_at(1),
            ModeBits::Many(w) => w.split_at(w.len() / 2),
        }
    }

    /// [`Self::halves`], to change.
    fn halves_mut(&mut self) -> (&mut [u64], &mut [u64]) {
        match &mut self.bits {
            ModeBits::None => (&mut [], &mut []),
            ModeBits::One(w) => w.split_at_mut(1),
            ModeBits::Many(w) => {
                let words = w.len() / 2;
                w.split_at_mut(words)
            }
        }
    }

    /// Records a use of family `f` in mode `m` (families beyond the ones
    /// counted at creation are ignored, as objects created by a step the
    /// state does not have yet).
    pub(crate) fn set(&mut self, f: usize, m: Mode) {
        let (w, bit) = (f / 64, 1u64 << (f % 64));
        let (touched, written) = self.halves_mut();
        if w >= touched.len() {
            return;
        }
        touched[w] |= bit;
        if m == Mode::Write {
            written[w] |= bit;
        }
    }

    /// The strongest mode family `f` is used with, if any.
    pub(crate) fn get(&self, f: usize) -> Option<Mode> {
        let (w, bit) = (f / 64, 1u64 << (f % 64));
        let (touched, written) = self.halves();
        let touched = touched.get(w).is_some_and(|x| x & bit != 0);
        let written = written.get(w).is_some_and(|x| x & bit != 0);
        match (touched, written) {
            (_, true) => Some(Mode::Write),
            (true, false) => Some(Mode::Read),
            (false, false) => None,
        }
    }

    /// True when some family is written by one and touched by the other.
    /// (Inlined: the analysis tests an actor's operation against every
    /// future in its innermost loop.)
    #[inline]
    pub(crate) fn conflicts(&self, other: &FamilyModes) -> bool {
        if let (ModeBits::One([t1, w1]), ModeBits::One([t2, w2])) = (&self.bits, &other.bits) {
            return (w1 & t2) | (t1 & w2) != 0;
        }
        let (t1, w1) = self.halves();
        let (t2, w2) = other.halves();
        conflict(t1, w1, t2, w2)
    }

    /// The touched word and the written word, when at most 64 families
    /// are counted (none: both 0).
    #[inline]
    pub(crate) fn one_words(&self) -> Option<[u64; 2]> {
        match &self.bits {
            ModeBits::None => Some([0; 2]),
            ModeBits::One(w) => Some(*w),
            ModeBits::Many(_) => None,
        }
    }

    /// Adds every use of `other`.
    pub(crate) fn absorb(&mut self, other: &FamilyModes) {
        if let (ModeBits::One([t1, w1]), ModeBits::One([t2, w2])) = (&mut self.bits, &other.bits) {
            *t1 |= t2;
            *w1 |= w2;
            return;
        }
        let (t2, w2) = other.halves();
        let (t1, w1) = self.halves_mut();
        for (x, y) in t1.iter_mut().zip(t2) {
            *x |= y;
        }
        for (x, y) in w1.iter_mut().zip(w2) {
            *x |= y;
        }
    }

    /// The same uses, but none of family `f`.
    pub(crate) fn without(&self, f: usize) -> FamilyModes {
        let mut out = self.clone();
        let (touched, written) = out.halves_mut();
        if f / 64 < touched.len() {
            let bit = !(1u64 << (f % 64));
            touched[f / 64] &= bit;
            written[f / 64] &= bit;
        }
        out
    }

    /// True when no family is used.
    pub(crate) fn is_empty(&self) -> bool {
        if let ModeBits::One([touched, _]) = &self.bits {
            return *touched == 0;
        }
        self.halves().0.iter().all(|&w| w == 0)
    }
}

/// [`FamilyModes::conflicts`] on the halves of two family modes: true
/// when some family is written by one and touched by the other.
pub(crate) fn conflict(t1: &[u64], w1: &[u64], t2: &[u64], w2: &[u64]) -> bool {
    t1.iter()
        .zip(w1)
        .zip(t2.iter().zip(w2))
        .any(|((t1, w1), (t2, w2))| (w1 & t2) | (t1 & w2) != 0)
}

/// The future of goroutine `g`: per family, how it may still be touched.
/// `anything` says that handles can still move between goroutines, so a
/// goroutine that obtains handles may reach every object.
pub(crate) fn goroutine_future(
    prog_future: &ProgramFuture,
    state: &State,
    fams: &Families,
    g: &Goroutine,
    anything: bool,
) -> FamilyModes {
    if g.spinning {
        return FamilyModes::new(fams.len());
    }
    future_of_code(&prog_future.of_goroutine(g), state, fams, g, anything)
}

/// What a goroutine that may run `code` may touch in `state` (see
/// [`goroutine_future`]).
pub(crate) fn future_of_code(
    code: &CodeFuture,
    state: &State,
    fams: &Families,
    g: &Goroutine,
    anything: bool,
) -> FamilyModes {
    let mut modes = FamilyModes::new(fams.len());
    if g.spinning {
        return modes;
    }
    let set = |modes: &mut FamilyModes, r: ObjRef, m: Mode| {
        if r.index() >= fams.len() {
            return;
        }
        modes.set(fams.family(r) as usize, m);
        if let Object::Cond(c) = state.object(r) {
            modes.set(fams.family(c.locker) as usize, Mode::Write);
        }
    };
    for &(gl, m) in &code.globals {
        if let Some(r) = state.globals.get(gl as usize).and_then(|v| v.object()) {
            set(&mut modes, r, m);
        }
    }
    // A channel, WaitGroup or lock operation on a local that nothing left in the frame
    // assigns touches the channel the local holds now, and nothing else.
    // With several frames, the code mixes functions and their locals:
    // every such operation stays a wildcard.
    let wildcard = match g.frames.as_slice() {
        [fr] => {
            let mut rest = code.wildcard_rest;
            for &(l, m) in &code.local_objects {
                let held = (code.assigned.binary_search(&l).is_err())
                    .then(|| fr.locals.get(l as usize).copied())
                    .flatten();
                match held {
                    Some(v) => {
                        if let Some(r) = v.object() {
                            set(&mut modes, r, m);
                        }
                    }
                    None => rest = rest.max(Some(m)),
                }
            }
            rest
        }
        _ => code.wildcard,
    };
    let Some(wild) = wildcard else {
        return modes;
    };
    if code.obtains && anything {
        for i in 0..state.objects.len() {
            set(&mut modes, ObjRef(i as u32), wild);
        }
        return modes;
    }
    // Everything reachable from the frames and the named globals.
    // (Inline buffers: this runs for most goroutines in every state.)
    let mut seen: SmallVec<[u64; 4]> = SmallVec::from_elem(0, state.objects.len().div_ceil(64));
    let mut stack: SmallVec<[ObjRef; 16]> = SmallVec::new();
    let push = |v: Value, stack: &mut SmallVec<[ObjRef; 16]>| {
        if let Some(r) = v.object() {
            stack.push(r);
        }
    };
    for fr in &g.frames {
        fr.locals.iter().for_each(|&v| push(v, &mut stack));
        push(fr.ret, &mut stack);
    }
    for &gl in &code.named {
        if let Some(&v) = state.globals.get(gl as usize) {
            push(v, &mut stack);
        }
    }
    while let Some(r) = stack.pop() {
        let (w, bit) = (r.index() / 64, 1u64 << (r.index() % 64));
        match seen.get_mut(w) {
            Some(x) if *x & bit == 0 => *x |= bit,
            _ => continue,
        }
        set(&mut modes, r, wild);
        handles_in(state.object(r), |x| stack.push(x));
    }
    modes
}

/// True when some live goroutine can still put a handle into a shared
/// object, or one is there already.
pub(crate) fn handles_may_move(prog_future: &ProgramFuture, state: &State) -> bool {
    handles_stored(state)
        || state
            .goroutines
            .iter()
            .any(|g| !g.spinning && prog_future.of_goroutine(g).stores)
}

#[cfg(test)]
mod tests {

    use super::{conflict, program_edges, CodeFuture, FamilyModes, FuncEdges, ProgramFuture};
    use crate::reduce::plain::BeforeLocks;
    use crate::reduce::touch::Mode;
    use weft_models::ir::{Expr, FuncId, Op, Program};

    /// The pcs reachable from `start` (never entering a `stop` pc) and the
    /// functions they run, by a walk: the summaries' definition, as they
    /// were computed before [`super::join_reachable`] (a walk from every
    /// pc, quadratic).
    fn walk(
        e: &FuncEdges,
        start: usize,
        stop: impl Fn(usize) -> bool,
    ) -> (Vec<usize>, Vec<FuncId>) {
        let mut seen = vec![false; e.next.len()];
        let (mut stack, mut pcs, mut runs) = (vec![start], Vec::new(), Vec::new());
        while let Some(p) = stack.pop() {
            if seen[p] || stop(p) {
                continue;
            }
            seen[p] = true;
            pcs.push(p);
            runs.extend(e.runs[p].iter().copied());
            stack.extend(e.next[p].iter().map(|&q| q as usize));
        }
        (pcs, runs)
    }

    /// Every pc's summary and the tables of the code before each `Lock`,
    /// by a walk from every pc.
    fn by_walks(prog: &Program) -> (Vec<Vec<CodeFuture>>, BeforeLocks) {
        let edges = program_edges(prog);
        let single = super::function_instructions(prog);
        let own = |f: usize, pcs: &[usize]| {
            let mut s = CodeFuture::default();
            for &p in pcs {
                s.merge(&single[f][p]);
            }
            s
        };
        let n = prog.funcs.len();
        let mut whole: Vec<CodeFuture> = (0..n)
            .map(|f| match prog.funcs[f].code.is_empty() {
                true => CodeFuture::default(),
                false => own(f, &walk(&edges[f], 0, |_| false).0),
            })
            .collect();
        loop {
            let mut changed = false;
            for f in (0..n).filter(|&f| !prog.funcs[f].code.is_empty()) {
                let mut s = whole[f].clone();
                for c in walk(&edges[f], 0, |_| false).1 {
                    s.merge(&whole[c.index()].foreign());
                }
                if s != whole[f] {
                    whole[f] = s;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let at: Vec<Vec<CodeFuture>> = (0..n)
            .map(|f| {
                (0..prog.funcs[f].code.len())
                    .map(|start| {
                        let (pcs, runs) = walk(&edges[f], start, |_| false);
                        let mut s = own(f, &pcs);
                        for c in runs {
                            s.merge(&whole[c.index()].foreign());
                        }
                        s
                    })
                    .collect()
            })
            .collect();
        let join = |a: [u64; 2], b: Option<[u64; 2]>| Some([a[0] | b?[0], a[1] | b?[1]]);
        let before = super::lock_targets(prog)
            .iter()
            .map(|&m| {
                let tables = (0..n)
                    .map(|f| {
                        let code = &prog.funcs[f].code;
                        (0..code.len())
                            .map(|start| {
                                let stop = |p: usize| super::locked_global(&code[p].op) == Some(m);
                                let (pcs, runs) = walk(&edges[f], start, stop);
                                let words = pcs.iter().try_fold([0; 2], |w, &p| {
                                    join(w, single[f][p].plain_words())
                                })?;
                                runs.iter().try_fold(words, |w, c| {
                                    join(w, whole[c.index()].foreign().plain_words())
                                })
                            })
                            .collect()
                    })
                    .collect();
                (m, tables)
            })
            .collect();
        (at, before)
    }

    /// [`super::branches_on_loads`] by passes over the code until none
    /// marks a local more (as before the worklist).
    fn branches_on_loads_by_passes(code: &[weft_models::ir::Instr]) -> bool {
        fn mentions(e: &Expr, loaded: &[bool]) -> bool {
            let mut stack = vec![e];
            while let Some(e) = stack.pop() {
                match e {
                    Expr::Local(l) => {
                        if loaded.get(l.index()).copied().unwrap_or(false) {
                            return true;
                        }
                    }
                    other => stack.extend(other.operands().into_iter().flatten()),
                }
            }
            false
        }
        let mut loaded: Vec<bool> = Vec::new();
        let mark = |loaded: &mut Vec<bool>, slot: usize| {
            if slot >= loaded.len() {
                loaded.resize(slot + 1, false);
            }
            !std::mem::replace(&mut loaded[slot], true)
        };
        loop {
            let mut changed = false;
            for i in code {
                match &i.op {
                    Op::Load { dst, .. } | Op::AtomicLoad { dst, .. } => {
                        changed |= mark(&mut loaded, dst.index())
                    }
                    Op::Assign { dst, value } if mentions(value, &loaded) => {
                        changed |= mark(&mut loaded, dst.index())
                    }
                    Op::Recv { ok: Some(ok), .. } => changed |= mark(&mut loaded, ok.index()),
                    _ => {}
                }
            }
            if !changed {
                break;
            }
        }
        code.iter().any(|i| match &i.op {
            Op::JumpIfNot { cond, .. } => mentions(cond, &loaded),
            _ => false,
        })
    }

    /// The worklist finds the functions that branch on loaded values that
    /// passes over the code find: on the corpus, and on chains of
    /// assignments from a load written in either order, with the branch
    /// on the chain's start, its end, or a local no load reaches.
    #[test]
    fn branches_on_loads_by_worklist_as_by_passes() {
        let chain = |reversed: bool, cond: &str| {
            let mut sets: Vec<String> = (0..6)
                .map(|i| format!(r#"Set("a{i}", "a{} + 1")"#, i + 1))
                .collect();
            if reversed {
                sets.reverse();
            }
            let mut lets: Vec<String> = (0..7).map(|i| format!(r#"Let("a{i}", 0)"#)).collect();
            lets.push(r#"Let("b", 1)"#.to_string());
            crate::testing::program(&format!(
                r#"Scenario(
  name: "chain",
  globals: [Var("x", 0)],
  main: [
    {},
    For("i", 0, 2, [{}, AtomicLoad("x", "a6")]),
    If("{cond}", [Set("x", "2")]),
  ],
)"#,
                lets.join(", "),
                sets.join(", ")
            ))
        };
        let mut programs = crate::testing::corpus();
        let mut branching = 0;
        for reversed in [false, true] {
            for cond in ["a0 > 0", "a6 > 0", "b > 0"] {
                programs.push(chain(reversed, cond));
            }
        }
        for (k, prog) in programs.iter().enumerate() {
            for (f, func) in prog.funcs.iter().enumerate() {
                let by_passes = branches_on_loads_by_passes(&func.code);
                assert_eq!(
                    super::branches_on_loads(&func.code),
                    by_passes,
                    "program {k}, function {f}"
                );
                branching += usize::from(by_passes);
            }
        }
        assert!(branching > 0, "some function branches on a loaded value");
    }

    /// The summaries by components are those of a walk from every pc, on
    /// the corpus and on a program of loops, calls, `defer`, `select`, a
    /// function that starts itself, three that start each other in a
    /// ring, and locks taken inside loops.
    #[test]
    fn summaries_by_components_are_those_of_walks() {
        let mut programs = crate::testing::corpus();
        programs.push(crate::testing::program(
            r#"Scenario(
  name: "shapes",
  globals: [Var("x", 0), Var("y", 0), Mutex("mu"), Mutex("mv"), WaitGroup("wg")],
  main: [
    Chan("c", 1),
    Add("wg", 2),
    Go("worker", ["c"]), Go("worker", ["c"]), Go("g1", ["3"]),
    Send("c", "1"),
    Wait("wg"),
  ],
  funcs: {
    "rec": (params: ["n"], body: [
      If("n > 0", [Go("rec", ["n - 1"]), Set("y", "1")]),
      Lock("mv"), Unlock("mv"),
    ]),
    "g1": (params: ["n"], body: [If("n > 0", [Go("g2", ["n - 1"])]), Set("x", "1")]),
    "g2": (params: ["n"], body: [If("n > 0", [Go("g3", ["n - 1"])]), Set("y", "1")]),
    "g3": (params: ["n"], body: [If("n > 0", [Go("g1", ["n - 1"])]), Lock("mu"), Unlock("mu")]),
    "worker": (params: ["c"], body: [
      Defer([Done("wg")]),
      For("i", 0, 3, [
        Lock("mu"), Set("x", "x + 1"),
        Select([
          Recv(chan: "c", body: [Call("rec", ["2"])]),
          Send(chan: "c", value: "2"),
        ]),
        Unlock("mu"),
      ]),
      Loop([Lock("mv"), If("y > 0", [Unlock("mv"), Return]), Unlock("mv")]),
    ]),
  },
)"#,
        ));
        for (k, prog) in programs.iter().enumerate() {
            let mut future = ProgramFuture::new(prog);
            future.learn_held_locks(prog);
            let (at, before) = by_walks(prog);
            for (f, at) in at.iter().enumerate() {
                for (pc, code) in at.iter().enumerate() {
                    let id = FuncId(f as u32);
                    assert_eq!(future.code(id, pc), Some(code), "program {k}, {f}:{pc}");
                }
            }
            assert_eq!(
                future.plain.before_tables(),
                &before,
                "tables before locks of program {k}"
            );
        }
    }

    /// Family modes over 0, 1, 64, 65 and 130 families (no word, one word
    /// each way in place, several words) answer as a plain list of modes
    /// does: set, get, conflicts, absorb, without, emptiness.
    #[test]
    fn family_modes_answer_as_a_list_of_modes() {
        let mut next = crate::testing::xorshift(0x2545_f491_4f6c_dd1d_u64);
        let mut conflicting = 0;
        for n in [0usize, 1, 64, 65, 130] {
            for _ in 0..200 {
                let mut pair = Vec::new();
                for _ in 0..2 {
                    let mut m = FamilyModes::new(n);
                    // (Held by words: a family past the last word is
                    // ignored, now and then one is set.)
                    let mut list: Vec<Option<Mode>> = vec![None; n.div_ceil(64) * 64];
                    for _ in 0..(next() % 5) {
                        let f = (next() % (list.len() as u64 + 2)) as usize;
                        let mode = if next().is_multiple_of(2) {
                            Mode::Read
                        } else {
                            Mode::Write
                        };
                        m.set(f, mode);
                        if let Some(x) = list.get_mut(f) {
                            *x = (*x).max(Some(mode));
                        }
                    }
                    for (f, x) in list.iter().enumerate() {
                        assert_eq!(m.get(f), *x, "family {f} of {n}");
                    }
                    assert_eq!(m.is_empty(), list.iter().all(Option::is_none));
                    pair.push((m, list));
                }
                let ((a, la), (b, lb)) = (&pair[0], &pair[1]);
                let listed = la.iter().zip(lb).any(|(x, y)| {
                    x.is_some()
                        && y.is_some()
                        && (*x == Some(Mode::Write) || *y == Some(Mode::Write))
                });
                assert_eq!(a.conflicts(b), listed);
                conflicting += usize::from(listed);
                let mut both = a.clone();
                both.absorb(b);
                for f in 0..la.len() {
                    assert_eq!(both.get(f), la[f].max(lb[f]));
                }
                if n > 0 {
                    let f = (next() % n as u64) as usize;
                    let w = both.without(f);
                    assert_eq!(w.get(f), None);
                    for g in (0..la.len()).filter(|&g| g != f) {
                        assert_eq!(w.get(g), both.get(g));
                    }
                }
            }
        }
        assert!(conflicting > 20, "{conflicting}");
    }

    /// The one-word test (up to 64 families) answers as the general one,
    /// and emptiness too, over every pair of uses of families 0 and 63.
    #[test]
    fn one_word_modes_conflict_as_the_general_test_says() {
        let uses = [None, Some(Mode::Read), Some(Mode::Write)];
        let modes = |a: Option<Mode>, b: Option<Mode>| {
            let mut m = FamilyModes::new(64);
            if let Some(a) = a {
                m.set(0, a);
            }
            if let Some(b) = b {
                m.set(63, b);
            }
            m
        };
        let all: Vec<FamilyModes> = uses
            .iter()
            .flat_map(|&a| uses.iter().map(move |&b| modes(a, b)))
            .collect();
        let mut conflicting = 0;
        for x in &all {
            let (t, _) = x.halves();
            assert_eq!(x.is_empty(), t.iter().all(|&w| w == 0));
            for y in &all {
                let ((t1, w1), (t2, w2)) = (x.halves(), y.halves());
                assert_eq!(x.conflicts(y), conflict(t1, w1, t2, w2));
                conflicting += usize::from(x.conflicts(y));
            }
        }
        assert!(conflicting > 0 && conflicting < all.len() * all.len());
    }
    use crate::semantics::{enabled, initial_state, step, Transition};

    use crate::testing::program as compile;

    /// A program whose goroutine calls a function that defers, and the
    /// same shape of call with other code in it.
    fn program(callee_body: &str) -> weft_models::ir::Program {
        compile(&format!(
            r#"Scenario(name: "f", globals: [Chan("c", 1), Var("x", 0), Mutex("m")],
            main: [
                Go(body: [Defer([Set("x", 2)]), Call(func: "f", args: [])]),
            ],
            funcs: {{
                "f": (params: [], body: [Defer([Send("c", "1")]), {callee_body}, Set("x", 1)]),
            }})"#
        ))
    }

    /// Along a run, every goroutine's code from the cache is the merge of
    /// its frames, also for a second program met on the same thread
    /// (whose frame stacks look the same and whose code differs).
    #[test]
    fn the_merged_code_of_a_goroutine_comes_from_its_own_program() {
        let mut stacks = 0;
        for body in [
            r#"Lock("m"), Unlock("m")"#,
            r#"Recv("c", "v"), Send("c", "v")"#,
        ] {
            let prog = program(body);
            let future = ProgramFuture::new(&prog);
            let mut state = initial_state(&prog).expect("it starts");
            for _ in 0..12 {
                for g in &state.goroutines {
                    if g.frames.len() > 1 {
                        stacks += 1;
                    }
                    // Twice: once merged, once from the cache.
                    for _ in 0..2 {
                        assert_eq!(*future.of_goroutine(g), future.merge_frames(g));
                    }
                }
                let ts: Vec<Transition> = enabled(&prog, &state);
                let Some(t) = ts.last() else { break };
                state = step(&prog, &state, t).state;
            }
        }
        assert!(stacks >= 4, "too few stacks of calls met: {stacks}");
    }
}
