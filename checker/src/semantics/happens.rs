//! Happens-before knowledge: for each shared variable's last write and
//! the reads since (and for each channel's closed state, which a send
//! reads and `close` writes), which goroutines and which synchronisation
//! points know of it. Kept in the state of programs whose races an observation
//! could hide (`semantics::unsynced`), so that a race ordered only by
//! what a goroutine saw is found: an access races with an earlier
//! conflicting one that its goroutine does not know of.
//!
//! The edges are Go's race detector's own (Go 1.19's runtime and `sync`
//! package, ThreadSanitizer's operations on a synchronisation point at an
//! address): `acquire` makes the goroutine know what the point knows;
//! `release` (Go's `racerelease`, tsan's `ReleaseStore`) makes the point
//! know exactly what the goroutine knows; `release_merge` adds what the
//! goroutine knows; a channel slot swaps (`racereleaseacquire`). Knowing
//! is a set of names rather than a vector clock: two runs that reach the
//! same state with the same knowledge are one state, the sets are finite,
//! and operations of different goroutines on different points commute on
//! them (the reduction's independence holds). An access every live
//! goroutine knows of can race with nothing that follows (a goroutine
//! started later inherits its parent's knowledge), so it is forgotten.

use smallvec::SmallVec;
use weft_models::ir::{CallbackSource, Expr, NewObject, ObjectKind, Op, Program};
use weft_models::ops::Role;

use super::footprint::memory_accesses;
use super::{Exec, Transition};
use crate::state::{GoroutineId, Object, Site, State};
use crate::value::{ObjRef, Value};

/// A place synchronising operations release to and acquire from: an
/// object and which part of it (a channel's slot, an RWMutex's reader or
/// writer semaphore).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct SyncPoint {
    /// The object.
    pub object: ObjRef,
    /// Which of its points ([`SyncPoint::MAIN`] for objects with one).
    pub part: u32,
}

impl SyncPoint {
    /// A mutex, a WaitGroup, an atomic variable, a channel's address (what
    /// `close` releases and a receive of a closed channel acquires; an
    /// unbuffered channel's hand-off too).
    pub const MAIN: u32 = 0;
    /// An RWMutex's `readerSem` (what `RLock` and `Lock` acquire, and
    /// `Unlock` releases).
    pub const READERS: u32 = 1;
    /// An RWMutex's `writerSem` (what `RUnlock` merges into, and `Lock`
    /// acquires).
    pub const WRITERS: u32 = 2;

    /// Point `part` of `object`.
    pub fn new(object: ObjRef, part: u32) -> Self {
        SyncPoint { object, part }
    }

    /// Slot `slot` of a buffered channel's ring.
    pub fn slot(chan: ObjRef, slot: u32) -> Self {
        SyncPoint::new(chan, slot + 1)
    }
}

/// Who knows of an access: goroutines and synchronisation points, each
/// sorted.
#[derive(
    Clone,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Knowers {
    /// The goroutines.
    pub goroutines: SmallVec<[GoroutineId; 2]>,
    /// The points.
    pub points: SmallVec<[SyncPoint; 2]>,
}

/// Who acquires or releases: a goroutine, or a point standing for a
/// runtime goroutine weft does not run (the one a context's deadline
/// timer starts to cancel it).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Knower<'a> {
    /// A goroutine of the program.
    Goroutine(&'a GoroutineId),
    /// A point that knows what the runtime goroutine knows.
    Point(SyncPoint),
}

impl Knowers {
    fn only(g: &GoroutineId) -> Self {
        Knowers {
            goroutines: smallvec::smallvec![g.clone()],
            points: SmallVec::new(),
        }
    }

    /// True when goroutine `g` knows.
    pub fn goroutine(&self, g: &GoroutineId) -> bool {
        self.goroutines.binary_search(g).is_ok()
    }

    /// True when point `p` knows.
    pub fn point(&self, p: SyncPoint) -> bool {
        self.points.binary_search(&p).is_ok()
    }

    fn set_goroutine(&mut self, g: &GoroutineId, knows: bool) {
        match (self.goroutines.binary_search(g), knows) {
            (Err(i), true) => self.goroutines.insert(i, g.clone()),
            (Ok(i), false) => {
                self.goroutines.remove(i);
            }
            _ => {}
        }
    }

    /// True when `w` knows.
    pub(crate) fn knows(&self, w: Knower) -> bool {
        match w {
            Knower::Goroutine(g) => self.goroutine(g),
            Knower::Point(p) => self.point(p),
        }
    }

    /// Makes `w` know, or not.
    pub(crate) fn set(&mut self, w: Knower, knows: bool) {
        match w {
            Knower::Goroutine(g) => self.set_goroutine(g, knows),
            Knower::Point(p) => self.set_point(p, knows),
        }
    }

    pub(crate) fn set_point(&mut self, p: SyncPoint, knows: bool) {
        match (self.points.binary_search(&p), knows) {
            (Err(i), true) => self.points.insert(i, p),
            (Ok(i), false) => {
                self.points.remove(i);
            }
            _ => {}
        }
    }
}

/// One access of a variable, and who knows of it.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Access {
    /// Where it was made.
    pub site: Site,
    /// An atomic access (races only with plain ones).
    pub atomic: bool,
    /// The goroutine that made it, while it lives.
    pub by: Option<GoroutineId>,
    /// Who knows of it.
    pub knowers: Knowers,
}

/// A variable's (or map's, or channel's closed state's) accesses that a
/// later one may race with: the last write, and the reads since (one per
/// site and knowledge).
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct History {
    /// The variable, map or channel.
    pub object: ObjRef,
    /// The last write, unless every goroutine knows of it.
    pub write: Option<Access>,
    /// The reads since, sorted.
    pub reads: Vec<Access>,
}

/// The knowledge of a state: every history, and where each buffered
/// channel's next receive takes its element (Go's `recvx`, which names the
/// slot a send or receive synchronises on).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct KnowledgeState {
    /// Histories, sorted by object.
    pub histories: Vec<History>,
    /// Buffered channels' receive index, sorted by channel; absent is 0.
    pub received: Vec<(ObjRef, u32)>,
    /// The channels whose elements have size zero (`chan struct{}`),
    /// sorted: Go's race detector sees one buffer address for all their
    /// slots.
    pub zero_size: Vec<ObjRef>,
    /// The cancellable contexts, sorted ([`super::context_edges`]).
    pub contexts: Vec<ContextRecord>,
    /// The program may race on a WaitGroup
    /// ([`super::waitgroup::may_race`]): the accesses Go's race detector
    /// makes to WaitGroups' semaphores are recorded, each under its
    /// WaitGroup ([`super::waitgroup::semaphore_access`]).
    pub wait_groups: bool,
}

/// What a cancellable context's `done` field (an `atomic.Value`) holds.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum DoneValue {
    /// Nothing yet: no `Done()` call and no cancel.
    Empty,
    /// The channel the first `Done()` call made (a cancel closes it).
    Made,
    /// Go's shared `closedchan`, stored by a cancel that came before any
    /// `Done()` call.
    ClosedChan,
}

/// What Go's race detector sees of one cancellable context besides its
/// points ([`super::context_edges`]).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct ContextRecord {
    /// The context.
    pub ctx: ObjRef,
    /// What its `done` holds.
    pub done: DoneValue,
    /// A `WithTimeout` context (Go's `timerCtx`, whose cancel locks its
    /// mutex once more to stop the timer).
    pub timer: bool,
    /// Its cancel function removes it from its parent (all but a
    /// `WithTimeout` whose deadline had passed when it was made).
    pub cancel_removes: bool,
}

/// A race an access makes with an earlier one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PastRace {
    /// The earlier access.
    pub earlier: Access,
    /// True when the earlier access wrote.
    pub earlier_wrote: bool,
}

impl KnowledgeState {
    /// Calls `f` on who knows of each access recorded.
    pub(crate) fn each_knowers(&mut self, mut f: impl FnMut(&mut Knowers)) {
        for h in &mut self.histories {
            if let Some(w) = &mut h.write {
                f(&mut w.knowers);
            }
            for r in &mut h.reads {
                f(&mut r.knowers);
            }
        }
    }

    /// Go's `raceacquire`: `g` learns what `p` knows.
    pub fn acquire(&mut self, g: &GoroutineId, p: SyncPoint) {
        self.each_knowers(|k| {
            if k.point(p) {
                k.set_goroutine(g, true)
            }
        });
    }

    /// `acquire` by any knower: `w` learns what `p` knows.
    pub(crate) fn acquire_by(&mut self, w: Knower, p: SyncPoint) {
        self.each_knowers(|k| {
            if k.point(p) {
                k.set(w, true)
            }
        });
    }

    /// `release` by any knower: `p` knows exactly what `w` knows.
    pub(crate) fn release_by(&mut self, w: Knower, p: SyncPoint) {
        self.each_knowers(|k| {
            let knows = k.knows(w);
            k.set_point(p, knows)
        });
    }

    /// The record of cancellable context `ctx`, if it is one.
    pub fn context(&self, ctx: ObjRef) -> Option<&ContextRecord> {
        self.contexts
            .binary_search_by_key(&ctx, |c| c.ctx)
            .ok()
            .map(|i| &self.contexts[i])
    }

    /// Sets what context `ctx`'s `done` holds, if it is cancellable.
    pub(crate) fn set_done(&mut self, ctx: ObjRef, done: DoneValue) {
        if let Ok(i) = self.contexts.binary_search_by_key(&ctx, |c| c.ctx) {
            self.contexts[i].done = done;
        }
    }

    /// Records a new cancellable context.
    pub(crate) fn add_context(&mut self, record: ContextRecord) {
        match self.contexts.binary_search_by_key(&record.ctx, |c| c.ctx) {
            Ok(i) => self.contexts[i] = record,
            Err(i) => self.contexts.insert(i, record),
        }
    }

    /// Go's `racerelease` (tsan's `ReleaseStore`): `p` knows exactly what
    /// `g` knows.
    pub fn release(&mut self, g: &GoroutineId, p: SyncPoint) {
        self.each_knowers(|k| {
            let knows = k.goroutine(g);
            k.set_point(p, knows)
        });
    }

    /// Go's `racereleasemerge`: `p` learns what `g` knows.
    pub fn release_merge(&mut self, g: &GoroutineId, p: SyncPoint) {
        self.each_knowers(|k| {
            if k.goroutine(g) {
                k.set_point(p, true)
            }
        });
    }

    /// Go's `racereleaseacquire` (a buffered channel's slot): `g` learns
    /// what `p` knew, and `p` knows what `g` knew before.
    pub fn release_acquire(&mut self, g: &GoroutineId, p: SyncPoint) {
        self.each_knowers(|k| {
            let (knew, had) = (k.goroutine(g), k.point(p));
            k.set_goroutine(g, knew || had);
            k.set_point(p, knew);
        });
    }

    /// An atomic read-modify-write (tsan's acquire-release on the
    /// variable): `g` and `p` both know what either knew.
    pub fn acquire_release(&mut self, g: &GoroutineId, p: SyncPoint) {
        self.each_knowers(|k| {
            let both = k.goroutine(g) || k.point(p);
            k.set_goroutine(g, both);
            k.set_point(p, both);
        });
    }

    /// An unbuffered hand-off (Go's `racesync`): sender, receiver and the
    /// channel's point all know what either goroutine knew.
    pub fn hand_off(&mut self, sender: &GoroutineId, receiver: &GoroutineId, p: SyncPoint) {
        self.each_knowers(|k| {
            let any = k.goroutine(sender) || k.goroutine(receiver);
            k.set_goroutine(sender, any);
            k.set_goroutine(receiver, any);
            k.set_point(p, any);
        });
    }

    /// A runtime context that acquired `from` releases into `into` with
    /// tsan's acquire-release (a timer firing into its channel's slot):
    /// `into` learns what `from` knows.
    pub fn pass_on(&mut self, from: SyncPoint, into: SyncPoint) {
        self.each_knowers(|k| {
            if k.point(from) {
                k.set_point(into, true)
            }
        });
    }

    /// A buffered send or receive on a channel of zero-size elements:
    /// Go's `racenotify` then acquires and releases the buffer's one
    /// address, so `g` and that point both know what either knew. That
    /// address is the channel's own (`makechan` sets `c.buf` to
    /// `c.raceaddr()` when the elements take no memory), the point
    /// `close` releases.
    pub fn buffer_of_zero_size(&mut self, g: &GoroutineId, ch: ObjRef) {
        self.acquire_release(g, SyncPoint::new(ch, SyncPoint::MAIN));
    }

    /// `go f()`: the new goroutine knows what its parent knows.
    pub fn spawn(&mut self, parent: &GoroutineId, child: &GoroutineId) {
        self.each_knowers(|k| {
            let knows = k.goroutine(parent);
            k.set_goroutine(child, knows)
        });
    }

    /// The races an access by `g` of `object` would make with the
    /// accesses recorded, earliest site first.
    pub fn races(
        &self,
        g: &GoroutineId,
        object: ObjRef,
        write: bool,
        atomic: bool,
    ) -> Vec<PastRace> {
        let Ok(i) = self.histories.binary_search_by_key(&object, |h| h.object) else {
            return Vec::new();
        };
        let h = &self.histories[i];
        let unordered = |a: &Access| !(a.knowers.goroutine(g) || a.atomic && atomic);
        let mut out: Vec<PastRace> = Vec::new();
        if let Some(w) = h.write.as_ref().filter(|w| unordered(w)) {
            out.push(PastRace {
                earlier: w.clone(),
                earlier_wrote: true,
            });
        }
        if write {
            for r in h.reads.iter().filter(|r| unordered(r)) {
                out.push(PastRace {
                    earlier: r.clone(),
                    earlier_wrote: false,
                });
            }
        }
        out
    }

    /// Records an access by `g` at `site` of `object`.
    pub fn access(
        &mut self,
        g: &GoroutineId,
        site: Site,
        object: ObjRef,
        write: bool,
        atomic: bool,
    ) {
        let i = match self.histories.binary_search_by_key(&object, |h| h.object) {
            Ok(i) => i,
            Err(i) => {
                self.histories.insert(
                    i,
                    History {
                        object,
                        write: None,
                        reads: Vec::new(),
                    },
                );
                i
            }
        };
        let h = &mut self.histories[i];
        let access = Access {
            site,
            atomic,
            by: Some(g.clone()),
            knowers: Knowers::only(g),
        };
        if write {
            h.write = Some(access);
            h.reads.clear();
        } else {
            // An earlier read at the same site that `g` knows of is known
            // by whoever learns of this one: this one stands for it.
            h.reads
                .retain(|r| !(r.site == site && r.atomic == atomic && r.knowers.goroutine(g)));
            if let Err(at) = h.reads.binary_search(&access) {
                h.reads.insert(at, access);
            }
        }
    }

    /// Forgets the goroutines not in `live` (sorted) and the accesses
    /// every live goroutine knows of.
    pub fn forget(&mut self, live: &[&GoroutineId]) {
        let known_by_all = |k: &Knowers| live.iter().all(|g| k.goroutine(g));
        let prune = |a: &mut Access| {
            a.knowers
                .goroutines
                .retain(|g| live.binary_search(&&*g).is_ok());
            if a.by
                .as_ref()
                .is_some_and(|g| live.binary_search(&g).is_err())
            {
                a.by = None;
            }
        };
        for h in &mut self.histories {
            if h.write.as_ref().is_some_and(|w| known_by_all(&w.knowers)) {
                h.write = None;
            }
            h.reads.retain(|r| !known_by_all(&r.knowers));
            if let Some(w) = &mut h.write {
                prune(w);
            }
            h.reads.iter_mut().for_each(prune);
            h.reads.sort();
            h.reads.dedup();
        }
        self.histories
            .retain(|h| h.write.is_some() || !h.reads.is_empty());
    }

    /// Where a buffered channel's next receive takes its element.
    pub fn receive_index(&self, chan: ObjRef) -> u32 {
        match self.received.binary_search_by_key(&chan, |&(c, _)| c) {
            Ok(i) => self.received[i].1,
            Err(_) => 0,
        }
    }

    /// Moves a buffered channel's receive index on by one, around `cap`.
    pub fn received_one(&mut self, chan: ObjRef, cap: u32) {
        let next = (self.receive_index(chan) + 1) % cap.max(1);
        match self.received.binary_search_by_key(&chan, |&(c, _)| c) {
            Ok(i) if next == 0 => {
                self.received.remove(i);
            }
            Ok(i) => self.received[i].1 = next,
            Err(i) if next != 0 => self.received.insert(i, (chan, next)),
            Err(_) => {}
        }
    }

    /// Renumbers the objects named (`map`: new index by old, `u32::MAX`
    /// for a collected object): a collected variable's history goes, a
    /// collected point is forgotten.
    pub fn remap(&mut self, map: &[u32]) {
        let new = |r: ObjRef| {
            map.get(r.index())
                .copied()
                .filter(|&i| i != u32::MAX)
                .map(ObjRef)
        };
        let remap_knowers = |k: &mut Knowers| {
            k.points = k
                .points
                .iter()
                .filter_map(|p| new(p.object).map(|o| SyncPoint::new(o, p.part)))
                .collect();
            k.points.sort();
        };
        self.histories.retain_mut(|h| match new(h.object) {
            Some(o) => {
                h.object = o;
                true
            }
            None => false,
        });
        self.each_knowers(remap_knowers);
        for h in &mut self.histories {
            h.reads.sort();
            h.reads.dedup();
        }
        self.histories.sort_by_key(|h| h.object);
        self.received = self
            .received
            .iter()
            .filter_map(|&(c, i)| new(c).map(|c| (c, i)))
            .collect();
        self.received.sort();
        self.zero_size = self.zero_size.iter().filter_map(|&c| new(c)).collect();
        self.zero_size.sort();
        self.contexts = self
            .contexts
            .iter()
            .filter_map(|c| new(c.ctx).map(|ctx| ContextRecord { ctx, ..*c }))
            .collect();
        self.contexts.sort();
    }

    /// True when some goroutine is named (renaming may change it).
    pub fn names_goroutines(&self) -> bool {
        !self.histories.is_empty()
    }

    /// Renames every goroutine named through `f` (a renaming that keeps
    /// their order).
    pub fn rename(&mut self, f: impl Fn(&GoroutineId) -> GoroutineId) {
        for h in &mut self.histories {
            for a in h.write.iter_mut().chain(h.reads.iter_mut()) {
                a.knowers.goroutines.iter_mut().for_each(|g| *g = f(g));
                if let Some(by) = &mut a.by {
                    *by = f(by);
                }
            }
            h.reads.sort();
        }
    }
}

/// True when `prog`'s states keep happens-before knowledge: it can race
/// on memory or on a channel's close, it has an operation that may observe
/// without synchronising (`semantics::unsynced`; an `Unlock`, `RUnlock` or
/// a Cond's `Wait` that may release what its frame does not hold is one),
/// and every operation it has gives edges this
/// module knows (`context.AfterFunc`, `sync.Map` and errgroups are not
/// modelled, nor a context's `Done()` called outside a receive or select:
/// their races stay undecided, and the verdict says so).
pub(crate) fn tracked(prog: &Program) -> bool {
    // (A close beside a send may race too, and an `Add` from zero with a
    // `Wait`.)
    if !(super::footprint::plain_accesses(prog)
        || super::footprint::sends_and_closes(prog)
        || super::waitgroup::may_race(prog))
    {
        return false;
    }
    let known_globals = prog.globals.iter().all(|g| match g.kind {
        ObjectKind::Group | ObjectKind::SyncMap | ObjectKind::StopFunc | ObjectKind::Knowledge => {
            false
        }
        ObjectKind::Context
        | ObjectKind::CancelFunc
        | ObjectKind::Timer
        | ObjectKind::Once
        | ObjectKind::Chan
        | ObjectKind::Mutex
        | ObjectKind::RwMutex
        | ObjectKind::WaitGroup
        | ObjectKind::Cond
        | ObjectKind::Var
        | ObjectKind::Map
        | ObjectKind::Locker
        | ObjectKind::Record
        | ObjectKind::Slice
        | ObjectKind::Func => true,
    });
    let mut observes = false;
    for instr in prog.funcs.iter().flat_map(|f| &f.code) {
        let (known, observation) = match &instr.op {
            // (`len` of a map is a read of it, no observation.)
            Op::Len { target, .. } => (true, !is_global(prog, target, ObjectKind::Map)),
            Op::TryLock { .. } | Op::Signal { .. } | Op::Broadcast { .. } => (true, true),
            // (A Stop or Reset whose result is used may report false.)
            Op::TimerStop { dst, .. } | Op::TimerReset { dst, .. } => (true, dst.is_some()),
            // `context.AfterFunc`'s edges are not modelled.
            Op::AfterFunc { source, .. } => (matches!(source, CallbackSource::Timer { .. }), false),
            Op::Select { default, .. } => (true, default.is_some()),
            Op::New { object, .. } => (
                match object {
                    NewObject::Chan { .. }
                    | NewObject::Mutex
                    | NewObject::RwMutex
                    | NewObject::WaitGroup
                    | NewObject::Cond { .. }
                    | NewObject::Var { .. }
                    | NewObject::Map { .. }
                    | NewObject::Record { .. }
                    | NewObject::Slice { .. }
                    | NewObject::SlicePart { .. }
                    | NewObject::Closure { .. }
                    | NewObject::Once
                    | NewObject::Timer { .. }
                    | NewObject::Background
                    | NewObject::WithCancel { .. } => true,
                    NewObject::Group { .. } => false,
                },
                false,
            ),
            Op::Assign { .. }
            | Op::Jump { .. }
            | Op::JumpIfNot { .. }
            | Op::Call { .. }
            | Op::CallValue { .. }
            | Op::Return { .. }
            | Op::Defer { .. }
            | Op::EndDefer
            | Op::Recover { .. }
            | Op::Go { .. }
            | Op::GoValue { .. }
            | Op::Choose { .. }
            | Op::Panic { .. }
            | Op::Assert { .. }
            | Op::Sleep
            | Op::Send { .. }
            | Op::Recv { .. }
            | Op::Close { .. }
            | Op::Lock { .. }
            | Op::Unlock { .. }
            | Op::RLock { .. }
            | Op::RUnlock { .. }
            | Op::WgAdd { .. }
            | Op::Wait { .. }
            | Op::Append { .. }
            | Op::Load { .. }
            | Op::Store { .. }
            | Op::MapDelete { .. }
            | Op::MapNext { .. }
            | Op::AtomicLoad { .. }
            | Op::AtomicStore { .. }
            | Op::AtomicAdd { .. }
            | Op::CompareAndSwap { .. }
            | Op::OnceEnter { .. }
            | Op::OnceExit { .. }
            | Op::AwaitCallback { .. }
            | Op::Cancel { .. }
            | Op::CtxErr { .. } => (true, false),
            Op::SyncMap { .. } => (false, false),
        };
        if !known || !done_called_on_entry_only(&instr.op) {
            return false;
        }
        observes |= observation;
    }
    // A release its own frame may not hold observes in the schedules where
    // another goroutine holds the lock (`weft_models::releases`).
    known_globals && (observes || !weft_models::releases::unheld_releases(&prog.funcs).is_empty())
}

/// True when every `ctx.Done()` of `op` is the channel of a receive or of
/// a select's arm, where Go calls it as the goroutine enters the
/// operation (`semantics::context_edges` makes the call's edges there).
fn done_called_on_entry_only(op: &Op) -> bool {
    let mut ok = true;
    let on_entry = matches!(op, Op::Recv { .. } | Op::Select { .. });
    weft_models::ops::expressions(op, |e, role| {
        let mut stack: Vec<&Expr> = match (e, on_entry, role) {
            (Expr::DoneOf(x), true, Role::Object(_)) => vec![&**x],
            _ => vec![e],
        };
        while let Some(e) = stack.pop() {
            ok &= !matches!(e, Expr::DoneOf(_));
            stack.extend(e.operands().into_iter().flatten());
        }
    });
    ok
}

/// True when `e` names a global of kind `kind`.
fn is_global(prog: &Program, e: &Expr, kind: ObjectKind) -> bool {
    matches!(e, Expr::Global(g) if prog.globals.get(g.index()).is_some_and(|x| x.kind == kind))
}

/// The hidden global that holds the knowledge: the one after the
/// program's.
fn handle(prog: &Program, state: &State) -> Option<ObjRef> {
    state
        .globals
        .get(prog.globals.len())
        .and_then(|v| v.object())
}

/// The knowledge `state` keeps, if any.
pub(crate) fn of<'s>(prog: &Program, state: &'s State) -> Option<&'s KnowledgeState> {
    match state.objects.get(handle(prog, state)?.index()) {
        Some(Object::Knowledge(k)) => Some(k),
        _ => None,
    }
}

pub(crate) fn of_mut<'s>(prog: &Program, state: &'s mut State) -> Option<&'s mut KnowledgeState> {
    let r = handle(prog, state)?;
    match state.objects_mut().get_mut(r.index()) {
        Some(Object::Knowledge(k)) => Some(k),
        _ => None,
    }
}

/// Adds the knowledge to a state whose globals were just created, when
/// the program keeps one ([`tracked`]).
pub(crate) fn start(prog: &Program, state: &mut State) {
    if tracked(prog) {
        let mut k = KnowledgeState {
            wait_groups: super::waitgroup::may_race(prog),
            ..KnowledgeState::default()
        };
        for (g, v) in prog.globals.iter().zip(&state.globals) {
            if let (
                Some(NewObject::Chan {
                    zero_size: true, ..
                }),
                Some(c),
            ) = (&g.init, v.object())
            {
                k.zero_size.push(c);
            }
        }
        k.zero_size.sort();
        let r = state.alloc(Object::Knowledge(Box::new(k)));
        state.globals.push(Value::Obj(r));
    }
}

/// Channel `ch` was made with elements of size zero.
pub(crate) fn zero_size(ex: &mut Exec, ch: ObjRef) {
    learn(ex, |k| {
        if let Err(i) = k.zero_size.binary_search(&ch) {
            k.zero_size.insert(i, ch);
        }
    });
}

/// Applies `f` to the knowledge of the state being stepped, if it keeps
/// one.
pub(crate) fn learn(ex: &mut Exec, f: impl FnOnce(&mut KnowledgeState)) {
    if let Some(k) = of_mut(ex.prog, &mut ex.state) {
        f(k)
    }
}

/// An access to record: who, where, of what, a write, atomic.
type Recorded = (GoroutineId, Site, ObjRef, bool, bool);

/// Records the memory access transition `t` is about to make (before it
/// runs: its own edges, such as an atomic store's release, then include
/// it), its access of a WaitGroup's semaphore (when the program may race
/// on one), and its accesses of channels' closed state: Go's race detector
/// reads it at a send (`racereadpc` in `chansend`, and in `selectgo` for
/// each send case it polls, in a random order: every send case may be
/// polled before the one taken, or before the select blocks) and writes
/// it at `close`, so a send and a close unordered by happens-before race.
pub(crate) fn record_access(prog: &Program, state: &mut State, t: &Transition) {
    if handle(prog, state).is_none() {
        return;
    }
    let wait_groups = of(prog, state).is_some_and(|k| k.wait_groups);
    let (g, other) = match *t {
        Transition::Step { g, .. } => (g, None),
        Transition::Rendezvous {
            sender, receiver, ..
        } => (sender, Some(receiver)),
        Transition::Fire { .. } => return,
    };
    let gr = &state.goroutines[g as usize];
    let memory = match t {
        Transition::Step { .. } => memory_accesses(prog, state, gr),
        Transition::Rendezvous { .. } | Transition::Fire { .. } => SmallVec::new(),
    };
    // (A receiver in a select polled its send cases too.)
    let mut accesses: SmallVec<[Recorded; 4]> = SmallVec::new();
    for gr in std::iter::once(gr).chain(other.map(|r| &state.goroutines[r as usize])) {
        let (id, site) = (&gr.id, gr.site());
        for (c, write) in channel_accesses(prog, state, gr) {
            accesses.push((id.clone(), site, c, write, false));
        }
    }
    for (k, a) in memory.iter().enumerate() {
        accesses.insert(k, (gr.id.clone(), gr.site(), a.object, a.write, a.atomic));
    }
    if let (true, Transition::Step { .. }) = (wait_groups, t) {
        if let Some((w, write)) = super::waitgroup::semaphore_access(prog, state, gr) {
            accesses.push((gr.id.clone(), gr.site(), w, write, false));
        }
    }
    if let Some(k) = of_mut(prog, state) {
        for (id, site, object, write, atomic) in accesses {
            k.access(&id, site, object, write, atomic);
        }
    }
}

/// The channels whose closed state goroutine `g`'s operation reads (a
/// send, or every send case of a select) or writes (a close of an open
/// channel).
pub(crate) fn channel_accesses(
    prog: &Program,
    state: &State,
    g: &crate::state::Goroutine,
) -> SmallVec<[(ObjRef, bool); 2]> {
    let site = g.site();
    let locals = &g.top().locals;
    let chan = |e: &Expr| {
        super::eval::eval(state, locals, e)
            .ok()
            .and_then(Value::object)
    };
    let mut out = SmallVec::new();
    match &prog.instr(site.func, site.pc).op {
        Op::Send { chan: c, .. } => out.extend(chan(c).map(|c| (c, false))),
        Op::Select { arms, .. } => {
            for a in arms {
                if let (weft_models::ir::CaseDir::Send { .. }, Some(c)) = (&a.dir, chan(&a.chan)) {
                    if !out.contains(&(c, false)) {
                        out.push((c, false));
                    }
                }
            }
        }
        Op::Close { chan: c } => out.extend(
            chan(c)
                .filter(|&c| matches!(state.object(c), Object::Chan(st) if !st.closed))
                .map(|c| (c, true)),
        ),
        Op::Assign { .. }
        | Op::Jump { .. }
        | Op::JumpIfNot { .. }
        | Op::Call { .. }
        | Op::CallValue { .. }
        | Op::Return { .. }
        | Op::Defer { .. }
        | Op::EndDefer
        | Op::Recover { .. }
        | Op::Go { .. }
        | Op::GoValue { .. }
        | Op::Choose { .. }
        | Op::Panic { .. }
        | Op::Assert { .. }
        | Op::Sleep
        | Op::New { .. }
        | Op::Recv { .. }
        | Op::Lock { .. }
        | Op::Unlock { .. }
        | Op::TryLock { .. }
        | Op::RLock { .. }
        | Op::RUnlock { .. }
        | Op::WgAdd { .. }
        | Op::Wait { .. }
        | Op::Signal { .. }
        | Op::Broadcast { .. }
        | Op::OnceEnter { .. }
        | Op::OnceExit { .. }
        | Op::Cancel { .. }
        | Op::CtxErr { .. }
        | Op::TimerStop { .. }
        | Op::TimerReset { .. }
        | Op::AfterFunc { .. }
        | Op::AwaitCallback { .. }
        | Op::Append { .. }
        | Op::Load { .. }
        | Op::Store { .. }
        | Op::MapDelete { .. }
        | Op::Len { .. }
        | Op::MapNext { .. }
        | Op::SyncMap { .. }
        | Op::AtomicLoad { .. }
        | Op::AtomicStore { .. }
        | Op::AtomicAdd { .. }
        | Op::CompareAndSwap { .. } => {}
    }
    out
}

/// After a step: forgets the goroutines that ended, and the accesses every
/// live goroutine knows of.
pub(crate) fn settle(prog: &Program, state: &mut State) {
    if handle(prog, state).is_none() {
        return;
    }
    let live: Vec<GoroutineId> = state.goroutines.iter().map(|g| g.id.clone()).collect();
    let live: Vec<&GoroutineId> = live.iter().collect();
    if let Some(k) = of_mut(prog, state) {
        k.forget(&live);
    }
}

/// `go f()` by `parent` started `child`.
pub(crate) fn spawns(ex: &mut Exec, parent: &GoroutineId, child: &GoroutineId) {
    learn(ex, |k| k.spawn(parent, child));
}

/// A buffered channel's length, capacity and receive index, if tracked.
fn buffered(ex: &Exec, ch: ObjRef) -> Option<(u32, u32, bool)> {
    match ex.state.object(ch) {
        Object::Chan(c) => Some((c.buf.len() as u32, c.cap, c.closed)),
        _ => None,
    }
}

/// Before a send that completes alone (into a buffer): Go's
/// `racenotify` on the slot it fills (`racereleaseacquire`).
pub(crate) fn sends(ex: &mut Exec, id: &GoroutineId, ch: ObjRef) {
    if handle(ex.prog, &ex.state).is_none() {
        return;
    }
    let Some((len, cap, false)) = buffered(ex, ch) else {
        return;
    };
    learn(ex, |k| {
        if k.zero_size.binary_search(&ch).is_ok() {
            k.buffer_of_zero_size(id, ch);
            return;
        }
        let slot = (k.receive_index(ch) + len) % cap.max(1);
        k.release_acquire(id, SyncPoint::slot(ch, slot));
    });
}

/// Before a receive that completes alone: from the buffer, Go's
/// `racenotify` on the slot it empties; from a closed, drained channel,
/// an acquire of what `close` released.
pub(crate) fn receives(ex: &mut Exec, id: &GoroutineId, ch: ObjRef) {
    if handle(ex.prog, &ex.state).is_none() {
        return;
    }
    let Some((len, cap, _)) = buffered(ex, ch) else {
        return;
    };
    learn(ex, |k| {
        if len > 0 && k.zero_size.binary_search(&ch).is_ok() {
            k.buffer_of_zero_size(id, ch);
        } else if len > 0 {
            let slot = k.receive_index(ch);
            k.release_acquire(id, SyncPoint::slot(ch, slot));
            k.received_one(ch, cap);
        } else {
            k.acquire(id, SyncPoint::new(ch, SyncPoint::MAIN));
        }
    });
}

/// An unbuffered send met its receive (Go's `racesync`).
pub(crate) fn hands_off(ex: &mut Exec, sender: &GoroutineId, receiver: &GoroutineId, ch: ObjRef) {
    learn(ex, |k| {
        k.hand_off(sender, receiver, SyncPoint::new(ch, SyncPoint::MAIN))
    });
}

/// `close(ch)` done (Go's `racerelease` of the channel's address).
pub(crate) fn closes(ex: &mut Exec, id: &GoroutineId, ch: Value) {
    if let Some(c) = ch.object() {
        learn(ex, |k| k.release(id, SyncPoint::new(c, SyncPoint::MAIN)));
    }
}

/// A Locker taken: a Mutex's `Lock` acquires it; an RWMutex's `Lock`
/// acquires its reader and writer semaphores, `RLock` (`read`) the
/// reader one.
pub(crate) fn locked(ex: &mut Exec, id: &GoroutineId, m: ObjRef, read: bool) {
    let mutex = matches!(ex.state.object(m), Object::Mutex(_));
    learn(ex, |k| match (mutex, read) {
        (true, _) => k.acquire(id, SyncPoint::new(m, SyncPoint::MAIN)),
        (false, true) => k.acquire(id, SyncPoint::new(m, SyncPoint::READERS)),
        (false, false) => {
            k.acquire(id, SyncPoint::new(m, SyncPoint::READERS));
            k.acquire(id, SyncPoint::new(m, SyncPoint::WRITERS));
        }
    });
}

/// A Locker released: a Mutex's `Unlock` releases it; an RWMutex's
/// `Unlock` its reader semaphore, `RUnlock` (`read`) merges into the
/// writer one.
pub(crate) fn unlocked(ex: &mut Exec, id: &GoroutineId, m: ObjRef, read: bool) {
    let mutex = matches!(ex.state.object(m), Object::Mutex(_));
    learn(ex, |k| match (mutex, read) {
        (true, _) => k.release(id, SyncPoint::new(m, SyncPoint::MAIN)),
        (false, true) => k.release_merge(id, SyncPoint::new(m, SyncPoint::WRITERS)),
        (false, false) => k.release(id, SyncPoint::new(m, SyncPoint::READERS)),
    });
}

/// `wg.Add(delta)`: a decrement merges into the WaitGroup (Go's
/// `ReleaseMerge`); an increment gives nothing.
pub(crate) fn adds(ex: &mut Exec, id: &GoroutineId, wg: ObjRef, delta: i64) {
    if delta < 0 {
        learn(ex, |k| {
            k.release_merge(id, SyncPoint::new(wg, SyncPoint::MAIN))
        });
    }
}

/// `wg.Wait()` returned: it acquires what the `Done`s merged.
pub(crate) fn waited(ex: &mut Exec, id: &GoroutineId, wg: ObjRef) {
    learn(ex, |k| k.acquire(id, SyncPoint::new(wg, SyncPoint::MAIN)));
}

/// An atomic operation on `var`, as Go's race runtime orders it: a load
/// acquires, a store releases, an add or swap (and a compare-and-swap
/// that swaps) does both, a failed compare-and-swap acquires.
pub(crate) fn atomic(ex: &mut Exec, id: &GoroutineId, var: ObjRef, kind: Atomic) {
    let p = SyncPoint::new(var, SyncPoint::MAIN);
    learn(ex, |k| match kind {
        Atomic::Load => k.acquire(id, p),
        Atomic::Store => k.release(id, p),
        Atomic::ReadModifyWrite => k.acquire_release(id, p),
    });
}

/// `once.Do(f)` found f done (Go's fast path: an atomic load of `done`
/// acquires what the first caller stored after f).
pub(crate) fn once_found_done(ex: &mut Exec, id: &GoroutineId, once: ObjRef) {
    learn(ex, |k| k.acquire(id, SyncPoint::new(once, SyncPoint::MAIN)));
}

/// f of `once.Do(f)` returned (or panicked): the atomic store of `done`
/// and the unlock of the Once's mutex release what its caller knows.
pub(crate) fn once_done(ex: &mut Exec, id: &GoroutineId, once: ObjRef) {
    learn(ex, |k| k.release(id, SyncPoint::new(once, SyncPoint::MAIN)));
}

/// A timer was started or reset by `id` (Go's `racerelease` of the timer
/// in `startTimer`, `resetTimer`, `newTimer`): what fires it, and a
/// `time.AfterFunc` callback, learns what `id` knows now.
pub(crate) fn timer_set(ex: &mut Exec, id: &GoroutineId, timer: ObjRef) {
    learn(ex, |k| {
        k.release(id, SyncPoint::new(timer, SyncPoint::MAIN))
    });
}

/// Timer `timer` fires a value into its channel `chan`: the runtime's
/// timer context acquires the timer and sends (a buffered send's
/// `racereleaseacquire`), so the slot it fills learns what the timer
/// knew.
/// (Go's context is one per P and keeps what every timer it ran knew;
/// one per timer gives fewer edges, the races of a run where the timers
/// fire on different Ps.)
pub(crate) fn timer_fires(ex: &mut Exec, timer: ObjRef, chan: ObjRef) {
    if handle(ex.prog, &ex.state).is_none() {
        return;
    }
    let Some((len, cap, _)) = buffered(ex, chan) else {
        return;
    };
    if len >= cap {
        // (A full channel drops the value: `sendTime`'s select default.)
        return;
    }
    learn(ex, |k| {
        let slot = (k.receive_index(chan) + len) % cap.max(1);
        k.pass_on(
            SyncPoint::new(timer, SyncPoint::MAIN),
            SyncPoint::slot(chan, slot),
        );
    });
}

/// A `time.AfterFunc` callback starts: its goroutine (Go's `go f()` from
/// the timer context) learns what the timer knew.
pub(crate) fn callback_starts(ex: &mut Exec, id: &GoroutineId, timer: ObjRef) {
    learn(ex, |k| {
        k.acquire(id, SyncPoint::new(timer, SyncPoint::MAIN))
    });
}

/// How an atomic operation synchronises ([`atomic`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Atomic {
    /// A load, or a compare-and-swap that did not swap.
    Load,
    /// A store.
    Store,
    /// An add, a swap, a compare-and-swap that swapped.
    ReadModifyWrite,
}

#[cfg(test)]
mod tests {
    use super::*;
    use weft_models::ir::{FuncId, Pc};

    fn g(path: &[u16]) -> GoroutineId {
        GoroutineId(path.iter().copied().collect())
    }

    fn site(pc: u32) -> Site {
        Site {
            func: FuncId(0),
            pc: Pc(pc),
        }
    }

    const X: ObjRef = ObjRef(0);
    const M: ObjRef = ObjRef(1);

    #[test]
    fn a_write_released_and_acquired_is_known_and_races_with_nothing() {
        let (main, child) = (g(&[]), g(&[0]));
        let mut k = KnowledgeState::default();
        k.access(&child, site(1), X, true, false);
        assert_eq!(k.races(&main, X, false, false).len(), 1);
        k.release(&child, SyncPoint::new(M, 0));
        k.acquire(&main, SyncPoint::new(M, 0));
        assert!(k.races(&main, X, false, false).is_empty());
        // Both goroutines know of it: forgotten.
        k.forget(&[&main, &child]);
        assert!(k.histories.is_empty());
    }

    #[test]
    fn a_release_store_forgets_what_an_earlier_releaser_gave_the_point() {
        let (main, a, b) = (g(&[]), g(&[0]), g(&[1]));
        let mut k = KnowledgeState::default();
        let p = SyncPoint::new(M, 0);
        k.access(&a, site(1), X, true, false);
        k.release(&a, p);
        // b's release (an Unlock of a's Lock) overwrites the point.
        k.release(&b, p);
        k.acquire(&main, p);
        assert_eq!(k.races(&main, X, false, false).len(), 1);
        // A merge keeps it.
        let mut k = KnowledgeState::default();
        k.access(&a, site(1), X, true, false);
        k.release_merge(&a, p);
        k.release_merge(&b, p);
        k.acquire(&main, p);
        assert!(k.races(&main, X, false, false).is_empty());
    }

    #[test]
    fn reads_race_with_a_write_that_does_not_know_them_and_atomics_with_plain_only() {
        let (main, a) = (g(&[]), g(&[0]));
        let mut k = KnowledgeState::default();
        k.access(&a, site(1), X, false, false);
        assert!(k.races(&main, X, false, false).is_empty(), "two reads");
        assert_eq!(k.races(&main, X, true, false).len(), 1);
        let mut k = KnowledgeState::default();
        k.access(&a, site(1), X, true, true);
        assert!(k.races(&main, X, false, true).is_empty(), "two atomics");
        assert_eq!(k.races(&main, X, false, false).len(), 1);
    }

    #[test]
    fn a_slot_passes_the_senders_knowledge_to_its_receiver_only() {
        let (main, a) = (g(&[]), g(&[0]));
        let mut k = KnowledgeState::default();
        let slot = SyncPoint::slot(M, 0);
        k.access(&a, site(1), X, true, false);
        k.release_acquire(&a, slot);
        k.release_acquire(&main, slot);
        assert!(k.races(&main, X, false, false).is_empty());
        // The slot now holds what main knew before: a later sender on it
        // does not learn of a's write through main's receive... but main
        // knew nothing of it then.
        let c = g(&[1]);
        k.release_acquire(&c, slot);
        assert_eq!(k.races(&c, X, false, false).len(), 1);
    }

    #[test]
    fn renumbering_drops_collected_points_and_histories() {
        let a = g(&[0]);
        let mut k = KnowledgeState::default();
        k.access(&a, site(1), ObjRef(2), true, false);
        k.release(&a, SyncPoint::new(ObjRef(3), 0));
        k.remap(&[u32::MAX, u32::MAX, 0, u32::MAX]);
        assert_eq!(k.histories[0].object, ObjRef(0));
        assert!(k.histories[0]
            .write
            .as_ref()
            .expect("the write is kept")
            .knowers
            .points
            .is_empty());
        k.remap(&[u32::MAX]);
        assert!(k.histories.is_empty());
    }
}
