//! The global state of a model: goroutines and objects, kept canonical so
//! that equal states hash equal.
//!
//! Two rules make the representation canonical:
//! - goroutines are identified by their position in the spawn tree
//!   ([`GoroutineId`]: main is `[]`, its first child `[0]`, that child's second
//!   child `[0, 1]`), which does not depend on the interleaving, and are kept
//!   sorted by it;
//! - objects are garbage-collected and renumbered after every step in the
//!   order a fixed traversal from the roots (globals, then each goroutine's
//!   frames) first reaches them ([`canonical::canonicalize`]).

use std::rc::Rc;

use smallvec::SmallVec;
use weft_models::ir::{FuncId, ObjectKind, Pc};

use crate::semantics::callback::RegistrationState;
use crate::semantics::channel::ChannelState;
use crate::semantics::cond::CondState;
use crate::semantics::context::ContextState;
use crate::semantics::errgroup::GroupState;
use crate::semantics::happens::KnowledgeState;
use crate::semantics::mutex::MutexState;
use crate::semantics::once::OnceState;
use crate::semantics::record::{ClosureState, RecordState, SliceState};
use crate::semantics::rwmutex::RwMutexState;
use crate::semantics::timer::TimerState;
use crate::semantics::variable::{MapState, VarState};
use crate::semantics::waitgroup::WaitGroupState;
use crate::value::{ObjRef, Value};

pub(crate) mod canonical;

/// A goroutine's identity: its path in the spawn tree. Stable across
/// interleavings, unlike spawn order.
#[derive(Debug, Eq, PartialOrd, Ord, Default, serde::Serialize, serde::Deserialize)]
pub struct GoroutineId(pub SmallVec<[u16; 4]>);

impl PartialEq for GoroutineId {
    /// Element by element: ids are a few numbers long, and the slices'
    /// own test calls `memcmp` (ids are compared in every sleep-set test
    /// and renaming: 1.8 % of the instructions on readers(12)).
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0.as_slice(), other.0.as_slice());
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
    }
}

impl std::hash::Hash for GoroutineId {
    /// As the path's (what a derived hash gives), consistent with `eq`.
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.as_slice().hash(h);
    }
}

impl Clone for GoroutineId {
    /// A copy of the path: a short one (most are) as four plain loads
    /// into the inline buffer; a derived clone pushes element by element,
    /// and a slice copy calls `memcpy` for a few bytes (ids are cloned
    /// with every state a step copies).
    fn clone(&self) -> Self {
        let path = self.0.as_slice();
        if path.len() > 4 {
            return GoroutineId(SmallVec::from_slice(path));
        }
        let at = |i: usize| path.get(i).copied().unwrap_or(0);
        GoroutineId(SmallVec::from_buf_and_len(
            [at(0), at(1), at(2), at(3)],
            path.len(),
        ))
    }
}

impl GoroutineId {
    /// The main goroutine.
    pub(crate) fn main() -> Self {
        GoroutineId(SmallVec::new())
    }

    /// The id of the `n`-th goroutine spawned by this one.
    pub(crate) fn child(&self, n: u32) -> Self {
        let mut path = self.0.clone();
        path.push(u16::try_from(n).unwrap_or(u16::MAX));
        GoroutineId(path)
    }

    /// True for main.
    pub(crate) fn is_main(&self) -> bool {
        self.0.is_empty()
    }
}

/// A code location: function and instruction.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Site {
    /// The function.
    pub func: FuncId,
    /// The instruction.
    pub pc: Pc,
}

/// One activation of a function.
#[derive(Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Frame {
    /// The function running.
    pub func: FuncId,
    /// The next instruction (while a callee runs: the `Call`).
    pub pc: Pc,
    /// Local slots.
    pub locals: SmallVec<[Value; 6]>,
    /// Deferred blocks still to run, innermost last.
    pub defers: SmallVec<[Pc; 2]>,
    /// True once the function is returning (running its deferred blocks).
    pub returning: bool,
    /// The value being returned.
    pub ret: Value,
}

impl Clone for Frame {
    /// The locals and deferred blocks copied in one move each (a derived
    /// clone pushes them element by element).
    fn clone(&self) -> Self {
        Frame {
            func: self.func,
            pc: self.pc,
            locals: SmallVec::from_slice(&self.locals),
            defers: SmallVec::from_slice(&self.defers),
            returning: self.returning,
            ret: self.ret,
        }
    }
}

/// A panic in flight in one goroutine.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct PanicState {
    /// Go's message (`send on closed channel`, or the scenario's text).
    pub message: String,
    /// Where it started.
    pub origin: Site,
}

/// One goroutine: its identity, and what it is running.
///
/// The two are kept apart because they change apart: a step changes what
/// one goroutine or two run, while canonical identities
/// ([`canonical::canonical_goroutines`]) rename every goroutine spawned
/// after one that ended. The execution is shared between the states that
/// hold it unchanged ([`Rc`]): cloning a state copies pointers, renaming
/// copies none, and a step copies only the executions it changes (on the
/// first write through [`std::ops::DerefMut`]). Fields of the execution
/// read as fields of the goroutine.
///
/// The counts are not atomic (`Rc`, not `Arc`), so a state never leaves
/// the thread that made it (the compiler holds to that: `State` is not
/// `Send`): a parallel search hands nodes to its threads encoded, each
/// decodes its own, and what a commit needs of a state comes back encoded
/// ([`crate::graph::SentState`]). The atomic counts cost more than their
/// instructions show: on lastzero(16), one thread, 10 % of perf's samples
/// fell on the instruction after a `lock`-prefixed one, some 50 of them
/// run per stored state on readers(14).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Goroutine {
    /// Its identity.
    pub id: GoroutineId,
    /// How many goroutines it has spawned (names its next child). Part of
    /// the naming, so renamed with the identities.
    pub spawned: u32,
    /// What it is running.
    execution: Rc<Execution>,
}

/// What a goroutine is running: everything about it but its identity.
#[derive(Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Execution {
    /// Its call stack, innermost last; never empty for a live goroutine.
    pub frames: SmallVec<[Frame; 1]>,
    /// A panic being propagated.
    pub panic: Option<Box<PanicState>>,
    /// Progress inside a two-phase operation (RWMutex `Lock`, Cond `Wait`).
    pub phase: u8,
    /// True once it is proven to loop forever in local code (its local
    /// state repeated, `semantics/local.rs`): it never moves again, yet is
    /// not blocked (it runs, as Go's scheduler keeps running it).
    pub spinning: bool,
}

impl Clone for Execution {
    /// One frame (most goroutines) copied straight into the inline slot;
    /// a derived clone collects the frames through `extend` (the copy a
    /// step makes of the goroutine it moves).
    fn clone(&self) -> Self {
        Execution {
            frames: match self.frames.as_slice() {
                [frame] => SmallVec::from_buf([frame.clone()]),
                frames => frames.iter().cloned().collect(),
            },
            panic: self.panic.clone(),
            phase: self.phase,
            spinning: self.spinning,
        }
    }
}

impl Goroutine {
    /// A goroutine `id` that has spawned none yet, running `execution`.
    pub(crate) fn new(id: GoroutineId, execution: Execution) -> Self {
        Self::sharing(id, 0, Rc::new(execution))
    }

    /// A goroutine `id` that has spawned `spawned`, running a shared
    /// `execution`.
    pub(crate) fn sharing(id: GoroutineId, spawned: u32, execution: Rc<Execution>) -> Self {
        Goroutine {
            id,
            spawned,
            execution,
        }
    }

    /// Its execution, shared.
    pub(crate) fn execution(&self) -> &Rc<Execution> {
        &self.execution
    }

    /// Its execution, to change (copied first if another state shares
    /// it). Each write through [`std::ops::DerefMut`] asks the reference
    /// count again: code that changes several fields takes this once.
    pub(crate) fn execution_mut(&mut self) -> &mut Execution {
        Rc::make_mut(&mut self.execution)
    }

    /// True when another goroutine value (of another state) runs this
    /// very execution: it was not changed since that state was copied.
    pub(crate) fn execution_shared(&self) -> bool {
        Rc::strong_count(&self.execution) > 1
    }
}

impl std::ops::Deref for Goroutine {
    type Target = Execution;
    fn deref(&self) -> &Execution {
        &self.execution
    }
}

impl std::ops::DerefMut for Goroutine {
    /// Copies the execution first if another state shares it.
    fn deref_mut(&mut self) -> &mut Execution {
        Rc::make_mut(&mut self.execution)
    }
}

impl Execution {
    /// The innermost frame.
    pub(crate) fn top(&self) -> &Frame {
        self.frames
            .last()
            .expect("internal weft bug: live goroutine without frames")
    }

    /// The innermost frame, mutably.
    pub(crate) fn top_mut(&mut self) -> &mut Frame {
        self.frames
            .last_mut()
            .expect("internal weft bug: live goroutine without frames")
    }

    /// Where the goroutine stands.
    pub fn site(&self) -> Site {
        let f = self.top();
        Site {
            func: f.func,
            pc: f.pc,
        }
    }
}

/// Every kind of shared object.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Object {
    /// A channel.
    Chan(ChannelState),
    /// A sync.Mutex.
    Mutex(MutexState),
    /// A sync.RWMutex.
    RwMutex(RwMutexState),
    /// A sync.WaitGroup.
    WaitGroup(WaitGroupState),
    /// A sync.Once.
    Once(OnceState),
    /// A sync.Cond.
    Cond(CondState),
    /// A shared variable.
    Var(VarState),
    /// A map.
    Map(MapState),
    /// A context.
    Context(ContextState),
    /// A timer or ticker.
    Timer(TimerState),
    /// An `errgroup.Group` (its parts are objects of their own).
    Group(GroupState),
    /// A record: its fields' cells.
    Record(RecordState),
    /// A slice or array: its elements' cells.
    Slice(SliceState),
    /// A function value with its captured values.
    Closure(ClosureState),
    /// A `context.AfterFunc` registration (the object of its `stop`).
    Registration(RegistrationState),
    /// The happens-before knowledge of a program whose races an
    /// observation could hide (`semantics::happens`): no object of the
    /// program, reached only from a hidden global after the program's.
    Knowledge(Box<KnowledgeState>),
}

impl Object {
    /// Becomes a copy of `src`. A variable over a variable takes its value
    /// alone (no drop of the old object, no write of the whole enum), as
    /// does a mutex over a mutex; any other object is replaced by a clone.
    pub(crate) fn assign(&mut self, src: &Object) {
        match (&mut *self, src) {
            (Object::Var(d), Object::Var(s)) => *d = s.clone(),
            (Object::Mutex(d), Object::Mutex(s)) => d.clone_from(s),
            _ => *self = src.clone(),
        }
    }

    /// The object's kind: the one map from states' objects to the IR's
    /// kinds, whose table holds the words.
    pub fn kind(&self) -> ObjectKind {
        match self {
            Object::Chan(_) => ObjectKind::Chan,
            Object::Mutex(_) => ObjectKind::Mutex,
            Object::RwMutex(_) => ObjectKind::RwMutex,
            Object::WaitGroup(_) => ObjectKind::WaitGroup,
            Object::Once(_) => ObjectKind::Once,
            Object::Cond(_) => ObjectKind::Cond,
            Object::Var(_) => ObjectKind::Var,
            Object::Map(_) => ObjectKind::Map,
            Object::Context(_) => ObjectKind::Context,
            Object::Timer(_) => ObjectKind::Timer,
            Object::Group(_) => ObjectKind::Group,
            Object::Record(_) => ObjectKind::Record,
            Object::Slice(_) => ObjectKind::Slice,
            Object::Closure(_) => ObjectKind::Func,
            Object::Registration(_) => ObjectKind::StopFunc,
            Object::Knowledge(_) => ObjectKind::Knowledge,
        }
    }

    /// How messages name the object's kind (`a channel`).
    pub(crate) fn describe(&self) -> &'static str {
        self.kind().describe()
    }
}

/// The whole state of a run.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct State {
    /// Handles of the program's globals, in declaration order.
    pub globals: Vec<Value>,
    /// Live goroutines, sorted by id. Their executions are shared between
    /// the states that hold them unchanged ([`Goroutine`]).
    pub goroutines: Vec<Goroutine>,
    /// Objects, canonically numbered: shared between the states that hold
    /// them unchanged (a step copies them only when it changes one,
    /// through [`State::objects_mut`]).
    pub objects: Rc<Vec<Object>>,
    /// True once main has returned (the other goroutines keep running).
    pub main_returned: bool,
}

impl State {
    /// The position of a goroutine in [`State::goroutines`].
    pub fn position(&self, id: &GoroutineId) -> Option<usize> {
        self.goroutines.binary_search_by(|g| g.id.cmp(id)).ok()
    }

    /// The object behind a handle.
    pub(crate) fn object(&self, r: ObjRef) -> &Object {
        &self.objects[r.index()]
    }

    /// The object behind a handle, mutably.
    pub(crate) fn object_mut(&mut self, r: ObjRef) -> &mut Object {
        &mut self.objects_mut()[r.index()]
    }

    /// The objects, to change (copied first if another state shares
    /// them).
    pub(crate) fn objects_mut(&mut self) -> &mut Vec<Object> {
        if Rc::get_mut(&mut self.objects).is_none() {
            // Copied into an emptied buffer this thread kept, when it has
            // one (a step that changes an object copies them all).
            let mut own = SPARE_OBJECTS
                .with(|s| s.borrow_mut().pop())
                .unwrap_or_default();
            assign_objects(Rc::make_mut(&mut own), &self.objects);
            self.objects = own;
        }
        Rc::make_mut(&mut self.objects)
    }

    /// The objects' buffer, to overwrite: not shared with another state,
    /// holding whatever objects it held last (nothing is copied), for a
    /// decoder to write in place and cut to its length.
    pub(crate) fn objects_to_overwrite(&mut self) -> &mut Vec<Object> {
        if Rc::get_mut(&mut self.objects).is_none() {
            self.objects = SPARE_OBJECTS
                .with(|s| s.borrow_mut().pop())
                .unwrap_or_default();
        }
        Rc::make_mut(&mut self.objects)
    }

    /// Makes the objects those of `objects` (shared with whoever holds
    /// them); the buffer they replace is kept for a later copy.
    pub(crate) fn share_objects(&mut self, objects: &Rc<Vec<Object>>) {
        keep_objects(std::mem::replace(&mut self.objects, Rc::clone(objects)));
    }

    /// Adds an object and returns its (temporary, until canonicalised) handle.
    pub(crate) fn alloc(&mut self, object: Object) -> ObjRef {
        let objects = self.objects_mut();
        objects.push(object);
        ObjRef(u32::try_from(objects.len() - 1).unwrap_or(u32::MAX))
    }

    /// Inserts a goroutine at its sorted position.
    pub(crate) fn insert_goroutine(&mut self, g: Goroutine) {
        let at = self
            .goroutines
            .binary_search_by(|x| x.id.cmp(&g.id))
            .unwrap_or_else(|e| e);
        self.goroutines.insert(at, g);
    }

    /// The goroutine at position `p`, to change (its execution is copied
    /// on the first write if another state shares it).
    pub(crate) fn goroutine_at_mut(&mut self, p: usize) -> &mut Goroutine {
        &mut self.goroutines[p]
    }

    /// A copy of the state, made in the buffers of a state this thread
    /// gave back ([`State::give_back`]) when it has one. A step copies
    /// its state and the search drops the successor once encoded: with
    /// the buffers kept, the copy allocates nothing (three allocations
    /// and three frees a step were 2-3 % of a search's instructions).
    ///
    /// A state given back keeps its goroutines (see [`State::give_back`]):
    /// a goroutine whose execution is the one already there is not copied
    /// again: copying a goroutine's execution handle and dropping it are
    /// two writes to the count, and a state's copies are nearly all made
    /// from states that differ from the one given back in the goroutine or
    /// two a step moved.
    pub(crate) fn copy(&self) -> State {
        let mut out = State::spare_with_goroutines();
        out.globals.extend_from_slice(&self.globals);
        out.goroutines.truncate(self.goroutines.len());
        for (mine, theirs) in out.goroutines.iter_mut().zip(&self.goroutines) {
            if !Rc::ptr_eq(&mine.execution, &theirs.execution) {
                mine.execution = Rc::clone(&theirs.execution);
            }
            mine.id.clone_from(&theirs.id);
            mine.spawned = theirs.spawned;
        }
        let kept = out.goroutines.len();
        out.goroutines.extend_from_slice(&self.goroutines[kept..]);
        let emptied = std::mem::replace(&mut out.objects, Rc::clone(&self.objects));
        keep_objects(emptied);
        out.main_returned = self.main_returned;
        out
    }

    /// A state to fill by [`State::put_goroutine`] (then cut to the
    /// goroutines put), in the buffers of a state this thread gave back
    /// when it has one, with the goroutines that one held: no globals,
    /// main not returned, and the objects it held, to overwrite
    /// ([`State::objects_to_overwrite`]) or replace
    /// ([`State::share_objects`]).
    pub(crate) fn spare_with_goroutines() -> State {
        SPARE.with(|s| s.borrow_mut().pop()).unwrap_or_default()
    }

    /// Makes the goroutine at position `k` (one past the last put, at
    /// most) `id`, which has spawned `spawned`, running `execution`: as
    /// [`State::copy`] does, a goroutine already running that execution
    /// keeps its handle.
    pub(crate) fn put_goroutine(
        &mut self,
        k: usize,
        id: GoroutineId,
        spawned: u32,
        execution: &Rc<Execution>,
    ) {
        match self.goroutines.get_mut(k) {
            Some(g) => {
                if !Rc::ptr_eq(&g.execution, execution) {
                    g.execution = Rc::clone(execution);
                }
                g.id = id;
                g.spawned = spawned;
            }
            None => self
                .goroutines
                .push(Goroutine::sharing(id, spawned, Rc::clone(execution))),
        }
    }

    /// Drops the state's contents and keeps its buffers for this
    /// thread's next [`State::copy`] (at most [`SPARE_STATES`] are kept).
    ///
    /// Its goroutines stay, for [`State::copy`] to find the executions it
    /// shares with the state it copies; so do its objects when no other
    /// state shares them, to be overwritten in place (a variable over a
    /// variable is one value written: dropping each object here, then
    /// writing it whole again, was 4 % of the instructions on lastzero).
    pub(crate) fn give_back(mut self) {
        self.globals.clear();
        // (Otherwise the state holds none, which allocates nothing.)
        if Rc::get_mut(&mut self.objects).is_none() {
            self.objects = NO_OBJECTS.with(Rc::clone);
        }
        self.main_returned = false;
        SPARE.with(|s| {
            let mut spare = s.borrow_mut();
            if spare.len() < SPARE_STATES {
                spare.push(self);
            }
        });
    }
}

/// How many emptied states a thread keeps for [`State::copy`]: a step
/// gives its successor back before the next step copies (one would do);
/// a few more cover the steps the reduction takes before it encodes any.
const SPARE_STATES: usize = 16;

thread_local! {
    /// Emptied states kept for their buffers ([`State::give_back`]).
    static SPARE: std::cell::RefCell<Vec<State>> = const { std::cell::RefCell::new(Vec::new()) };
    /// Emptied objects' buffers no state shares, kept for the next
    /// [`State::objects_mut`] that must copy ([`SPARE_STATES`] at most).
    static SPARE_OBJECTS: std::cell::RefCell<Vec<Rc<Vec<Object>>>> =
        const { std::cell::RefCell::new(Vec::new()) };
    /// No objects, shared: what a state given back holds when its objects
    /// were shared.
    static NO_OBJECTS: Rc<Vec<Object>> = Rc::new(Vec::new());
}

/// Keeps `objects`, a state's no longer used, for a later copy to
/// overwrite ([`assign_objects`]) when no other state shares them.
fn keep_objects(mut objects: Rc<Vec<Object>>) {
    let Some(buffer) = Rc::get_mut(&mut objects) else {
        return;
    };
    if buffer.capacity() == 0 {
        return;
    }
    SPARE_OBJECTS.with(|s| {
        let mut spare = s.borrow_mut();
        if spare.len() < SPARE_STATES {
            spare.push(objects);
        }
    });
}

/// Makes `dst`, a kept buffer, a copy of `src`: each object it still
/// holds overwritten in place ([`Object::assign`]), the rest cut or
/// appended.
fn assign_objects(dst: &mut Vec<Object>, src: &[Object]) {
    dst.truncate(src.len());
    let kept = dst.len();
    for (d, s) in dst.iter_mut().zip(src) {
        d.assign(s);
    }
    dst.extend_from_slice(&src[kept..]);
}

/// Frees this thread's emptied states (a search ends, as the other
/// per-thread caches are freed: a search of large states leaves none
/// behind for the next).
pub(crate) fn forget_spare_states() {
    SPARE.with(|s| *s.borrow_mut() = Vec::new());
    SPARE_OBJECTS.with(|s| *s.borrow_mut() = Vec::new());
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::{GoroutineId, Object};
    use crate::semantics::{enabled, initial_state, step, Transition};
    use crate::value::Value;

    /// A step that only reads shares its state's objects; one that writes
    /// changes its own copy, and the state it left keeps its values.
    #[test]
    fn objects_are_copied_only_by_a_step_that_changes_one() {
        let ron = r#"Scenario(name: "s", globals: [Var("x", 0), Var("y", 0)],
            main: [
                Go(body: [AtomicLoad("x", "v")]),
                Go(body: [AtomicStore("y", "1")]),
            ])"#;
        let prog = crate::testing::program(ron);
        let mut state = initial_state(&prog).expect("the scenario starts");
        // Main runs until it has started both goroutines.
        let of_main = |state: &super::State, t: &Transition| matches!(t, Transition::Step { g, .. } if state.goroutines[*g as usize].id.is_main());
        for _ in 0..10 {
            let ts = enabled(&prog, &state);
            match ts.iter().find(|t| of_main(&state, t)) {
                Some(t) => state = step(&prog, &state, t).state,
                None => break,
            }
        }
        assert_eq!(enabled(&prog, &state).len(), 2, "{state:?}");
        let value_of_y = |objects: &[Object]| match &objects[1] {
            Object::Var(v) => v.value,
            other => panic!("y is a variable, found {other:?}"),
        };
        let before = state.clone();
        let (mut shared, mut copied) = (0, 0);
        for t in enabled(&prog, &state) {
            assert!(matches!(t, Transition::Step { .. }), "{t:?}");
            let next = step(&prog, &state, &t).state;
            if value_of_y(&next.objects) == Value::Int(0) {
                // The reader.
                assert!(Rc::ptr_eq(&next.objects, &state.objects));
                shared += 1;
            } else {
                assert!(!Rc::ptr_eq(&next.objects, &state.objects));
                assert_eq!(value_of_y(&next.objects), Value::Int(1));
                copied += 1;
            }
        }
        assert_eq!((shared, copied), (1, 1));
        assert_eq!(state, before);
        assert_eq!(value_of_y(&state.objects), Value::Int(0));
    }

    /// A copy made into a state given back holds exactly the goroutines of
    /// the state it copies (ids, spawn counts, the same executions), be
    /// the one given back longer, shorter or different in any goroutine;
    /// so does a state given back filled goroutine by goroutine.
    #[test]
    fn a_copy_into_a_state_given_back_is_the_state_copied() {
        let ron = r#"Scenario(name: "s", globals: [Var("x", 0)],
            main: [
                Go(body: [AtomicLoad("x", "v")]),
                Go(body: [AtomicStore("x", "1")]),
                Go(body: [AtomicLoad("x", "w")]),
            ])"#;
        let prog = crate::testing::program(ron);
        // Every state of every run, in the order a search meets them.
        let mut states = vec![initial_state(&prog).expect("the scenario starts")];
        let mut at = 0;
        while at < states.len() {
            for t in enabled(&prog, &states[at]) {
                let next = step(&prog, &states[at], &t).state;
                if !states.contains(&next) {
                    states.push(next);
                }
            }
            at += 1;
        }
        assert!(states.len() > 10, "{} states", states.len());
        let counts: Vec<usize> = states.iter().map(|s| s.goroutines.len()).collect();
        assert!(counts.contains(&3) && counts.contains(&0), "{counts:?}");
        // Each state is copied over the copies of the others, given back.
        for (i, a) in states.iter().enumerate() {
            for b in states.iter().skip(i).chain(states.iter().take(i)) {
                a.copy().give_back();
                let copy = b.copy();
                assert_eq!(&copy, b);
                for (x, y) in copy.goroutines.iter().zip(&b.goroutines) {
                    assert!(Rc::ptr_eq(x.execution(), y.execution()));
                    assert_eq!((&x.id, x.spawned), (&y.id, y.spawned));
                }
                copy.give_back();
                // As a decoder fills one.
                a.copy().give_back();
                let mut filled = super::State::spare_with_goroutines();
                for (k, g) in b.goroutines.iter().enumerate() {
                    filled.put_goroutine(k, g.id.clone(), g.spawned, g.execution());
                }
                filled.goroutines.truncate(b.goroutines.len());
                assert_eq!(filled.goroutines, b.goroutines);
                for (x, y) in filled.goroutines.iter().zip(&b.goroutines) {
                    assert!(Rc::ptr_eq(x.execution(), y.execution()));
                }
                filled.give_back();
            }
        }
    }

    /// A kept buffer made a copy of other objects holds exactly those,
    /// whatever it held: more, fewer, variables, other kinds.
    #[test]
    fn objects_assigned_over_others_are_copies() {
        let lists = crate::testing::assorted_objects();
        for old in &lists {
            for new in &lists {
                let mut buffer = old.clone();
                super::assign_objects(&mut buffer, new);
                assert_eq!(&buffer, new, "over {old:?}");
            }
        }
    }

    #[test]
    fn an_id_of_any_length_clones_to_itself() {
        for len in 0..8u16 {
            let id = GoroutineId((1..=len).map(|x| x * 1000 + 7).collect());
            let copy = id.clone();
            assert_eq!(copy, id);
            assert_eq!(copy.0.as_slice(), id.0.as_slice());
        }
    }
}
