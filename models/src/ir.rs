//! The lowered program the checker executes.
//!
//! Each function is a flat list of [`Instr`]s with resolved slots and jump
//! targets: no name is looked up at run time. Every instruction carries the
//! span of the statement it came from; spans are left out of equality and
//! hashing, so editing whitespace never changes a state fingerprint.
//!
//! Expressions ([`Expr`]) are pure: they read locals, constants and the
//! handles of global objects. Every read of shared state (a variable, a map
//! entry, `len(ch)`, `ctx.Err()`) is lowered to its own instruction before the
//! expression that uses it, so that each shared access is one scheduling point.

use crate::span::Span;
use crate::syntax::{BugKind, GoVersion, Taxonomy, TimerKind};

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub struct $name(pub u32);
        impl $name {
            /// The id as an index.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

typed_id!(
    /// A function of the program.
    FuncId
);
typed_id!(
    /// A local slot of a function's frame (parameters come first).
    LocalId
);
typed_id!(
    /// A package-level object, created before main starts.
    GlobalId
);
typed_id!(
    /// An instruction index inside one function.
    Pc
);
typed_id!(
    /// A record type of the program ([`Program::types`]).
    RecordId
);

/// What one field of a record, or one element of a slice, is when the
/// record or slice is made. A field is a *cell*: a shared location of its
/// own, so two goroutines using different fields never conflict.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Cell {
    /// A shared variable holding a value, starting at the type's zero
    /// value: an integer or boolean, or a reference (a channel, map,
    /// pointer, slice, function, context, ...: nil).
    Value(Const),
    /// A synchronisation object held by value (`sync.Mutex`,
    /// `sync.RWMutex`, `sync.WaitGroup`, `sync.Once`): made with its owner.
    Object(ObjectKind),
    /// A record held by value: made with its owner.
    Record(RecordId),
    /// An array held by value (`[n]T`): made with its owner, `n` cells.
    Array(Box<Cell>, u32),
}

/// A record type: `type Server struct { mu sync.Mutex; ch chan int }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordType {
    /// Its name.
    pub name: String,
    /// Its fields, in declaration order: name and cell.
    pub fields: Vec<(String, Cell)>,
    /// Where it is declared.
    pub span: Span,
}

/// A constant value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Const {
    /// `nil`
    Nil,
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// `context.Canceled`
    Canceled,
    /// `context.DeadlineExceeded`
    DeadlineExceeded,
    /// `errors.New(text)`: the text is [`Metadata::errors`]`[i]`. Two
    /// errors made from the same text are equal (sentinel errors).
    Error(u32),
    /// A string: the text is [`Metadata::strings`]`[i]` (interned, so two
    /// strings are equal exactly when their indexes are; 0 is "", the
    /// zero value of `string`).
    Str(u32),
}

/// How Go lays a value of a type out in memory, as far as `append`'s
/// growth needs it: its size in bytes on a 64-bit platform, and whether it
/// holds pointers (Go 1.22's allocation headers are only for memory the
/// collector scans).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Layout {
    /// `unsafe.Sizeof` of the type.
    pub size: u32,
    /// Whether a value of the type holds pointers (strings, interfaces,
    /// slices, channels, maps, functions and pointers do).
    pub pointers: bool,
}

/// What an `append` knows of its slice's elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ElemType {
    /// The zero value: what the spare cells of a grown array hold.
    pub zero: Const,
    /// For records held in place (`[]T` of a struct whose fields are all
    /// values): their type. The values appended are then each record's
    /// field values in order, record after record.
    pub record: Option<RecordId>,
    /// Go's layout of the element type, which decides how much room Go's
    /// growth leaves (`None`: weft does not know the type; validation
    /// refuses such appends, so only hand-built programs have it).
    pub layout: Option<Layout>,
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    /// `-x`
    Neg,
    /// `!b`
    Not,
}

/// Binary operators (Go semantics: wrapping integer arithmetic, `/` and `%`
/// by zero panic, `&&` and `||` short-circuit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `&&`
    And,
    /// `||`
    Or,
}

/// A pure expression.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Expr {
    /// A constant.
    Const(Const),
    /// The value of a local slot.
    Local(LocalId),
    /// The handle of a global object (a channel, mutex, variable, ...).
    Global(GlobalId),
    /// A unary operation.
    Unary(UnOp, Box<Expr>),
    /// A binary operation.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `ctx.Done()`: the done channel of a context (immutable, so pure).
    DoneOf(Box<Expr>),
    /// `t.C`: the channel of a timer or ticker (immutable, so pure).
    ChanOf(Box<Expr>),
    /// `cap(ch)` of a channel or `cap(s)` of a slice (immutable, so pure).
    Cap(Box<Expr>),
    /// The handle of field `i` of a record (fixed at creation, so pure; a
    /// nil record panics: Go's nil pointer dereference).
    Field(Box<Expr>, u32),
    /// The handle of element `index` of a slice (fixed at creation, so
    /// pure; out of range panics).
    Elem(Box<Expr>, Box<Expr>),
    /// `len(s)` of a slice (fixed at creation, so pure; nil has length 0).
    SliceLen(Box<Expr>),
    /// A named function as a value.
    Func(FuncId),
    /// A part of an `errgroup.Group` (the objects of Go's own
    /// implementation, made with the group and never replaced, so pure).
    GroupPart(Box<Expr>, GroupPart),
    /// `c.L`: a Cond's Locker (immutable, so pure).
    CondLocker(Box<Expr>),
    /// `rw.RLocker()`: the RWMutex as a Locker whose `Lock` and `Unlock`
    /// are `RLock` and `RUnlock`.
    RLocker(Box<Expr>),
}

/// The parts of an `errgroup.Group`, as golang.org/x/sync/errgroup
/// declares them: `g.Go`, `g.Wait` and `g.SetLimit` are lowered to Go's
/// own code over these objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupPart {
    /// `g.wg`: the WaitGroup counting running functions.
    Wg,
    /// `g.errOnce`: the Once that records the first error.
    ErrOnce,
    /// `g.err`: a shared variable holding the first error.
    Err,
    /// `g.sem`: a shared variable holding the limit's channel (nil: no limit).
    Sem,
    /// `g.cancel`: the cancel function of `errgroup.WithContext` (nil for a
    /// zero group).
    Cancel,
}

impl GroupPart {
    /// The field's name in Go's implementation.
    pub fn field(self) -> &'static str {
        match self {
            GroupPart::Wg => "wg",
            GroupPart::ErrOnce => "errOnce",
            GroupPart::Err => "err",
            GroupPart::Sem => "sem",
            GroupPart::Cancel => "cancel",
        }
    }
}

impl Expr {
    /// The expressions directly inside this one, in evaluation order: the
    /// one exhaustive description every walk over expressions uses.
    pub fn operands(&self) -> [Option<&Expr>; 2] {
        match self {
            Expr::Const(_) | Expr::Local(_) | Expr::Global(_) | Expr::Func(_) => [None, None],
            Expr::Unary(_, a)
            | Expr::DoneOf(a)
            | Expr::ChanOf(a)
            | Expr::Cap(a)
            | Expr::GroupPart(a, _)
            | Expr::CondLocker(a)
            | Expr::RLocker(a)
            | Expr::Field(a, _)
            | Expr::SliceLen(a) => [Some(a), None],
            Expr::Binary(_, a, b) | Expr::Elem(a, b) => [Some(a), Some(b)],
        }
    }
}

/// A shared location read or written by [`Op::Load`] and [`Op::Store`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Place {
    /// A shared variable; the expression evaluates to its handle.
    Var(Expr),
    /// `m[key]`; `map` evaluates to a map handle.
    MapEntry {
        /// The map.
        map: Expr,
        /// The key.
        key: Expr,
        /// What a read gives when the map is nil: the zero value of its
        /// values' type, as far as validation knows the map's type (a made
        /// map holds its own, [`NewObject::Map`]'s).
        nil_read: Const,
    },
}

/// What [`Op::New`] creates.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum NewObject {
    /// `make(chan T, cap)`; a negative capacity panics at run time
    /// (validation rejects negative constants).
    Chan {
        /// The capacity.
        cap: Expr,
        /// Its elements are references (`chan *Job`, `chan chan int`, ...):
        /// a receive from it closed gives nil, Go's zero value, rather than 0.
        nil_zero: bool,
        /// Its elements have size zero (`chan struct{}`): Go's race
        /// detector then sees one buffer address for every slot.
        zero_size: bool,
    },
    /// `sync.Mutex`
    Mutex,
    /// `sync.RWMutex`
    RwMutex,
    /// `sync.WaitGroup`
    WaitGroup,
    /// `sync.Once`
    Once,
    /// `sync.NewCond(locker)`
    Cond {
        /// The Mutex or RWMutex.
        locker: Expr,
    },
    /// A shared variable.
    Var {
        /// Its initial value.
        init: Expr,
    },
    /// A map (also a `sync.Map`).
    Map {
        /// What an absent entry reads as: the zero value of the map's
        /// values' type (0 for `map[K]int`, false, nil for references).
        zero: Const,
    },
    /// `context.Background()`
    Background,
    /// `context.WithCancel(parent)` / `WithTimeout(parent, d)`: the context
    /// goes to the instruction's `dst`, its cancel function to `cancel`.
    WithCancel {
        /// The parent context.
        parent: Expr,
        /// Where the cancel function is stored.
        cancel: LocalId,
        /// `Some(d)` for WithTimeout.
        timeout: Option<Expr>,
    },
    /// A timer, ticker, `time.After` or `time.Tick`. For `After` and `Tick`
    /// the destination receives the channel; otherwise the timer.
    Timer {
        /// Which constructor.
        kind: TimerKind,
        /// The duration; `<= 0` means already fired.
        duration: Expr,
    },
    /// `&T{f: v, ...}`: a record with every field made ([`Cell`]), then
    /// the given value fields set.
    Record {
        /// Its type.
        ty: RecordId,
        /// Initial values of value fields, by field index.
        inits: Vec<(u32, Expr)>,
    },
    /// `make([]T, len, cap)`: `cap` cells of one kind, the first `len` of
    /// them the elements; a negative length, or a capacity below it,
    /// panics.
    Slice {
        /// What each element is.
        elem: Cell,
        /// The length.
        len: Expr,
        /// The capacity (`None`: the length).
        cap: Option<Expr>,
    },
    /// `of[low:high]`: a slice sharing the elements of `of` from `low`
    /// (default 0) up to `high` (default its length); a bound out of range
    /// panics with Go's message, and a nil slice's `[0:0]` is nil. The
    /// capacity past `high` is kept, as Go keeps it.
    SlicePart {
        /// The slice.
        of: Expr,
        /// The first element's index.
        low: Option<Expr>,
        /// The index after the last element.
        high: Option<Expr>,
    },
    /// `func(params) { ... }` closing over values: calling it calls `func`
    /// with the captured values first, then the arguments.
    Closure {
        /// The function.
        func: FuncId,
        /// The captured values.
        captured: Vec<Expr>,
    },
    /// `errgroup.Group`: a WaitGroup, a Once and two shared variables
    /// (`err`, `sem`), and the cancel function of `errgroup.WithContext`.
    Group {
        /// The cancel function (`None` for a zero `errgroup.Group`).
        cancel: Option<Expr>,
    },
}

/// What starts an `AfterFunc` callback.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CallbackSource {
    /// `time.AfterFunc(duration, f)`: the timer fires.
    Timer {
        /// The duration.
        duration: Expr,
    },
    /// `context.AfterFunc(ctx, f)`: the context is done.
    Context {
        /// The context.
        ctx: Expr,
    },
}

/// The methods of `sync.Map`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SyncMapOp {
    /// `v, ok := m.Load(k)`
    Load,
    /// `m.Store(k, v)`
    Store,
    /// `actual, loaded := m.LoadOrStore(k, v)`
    LoadOrStore,
    /// `v, loaded := m.LoadAndDelete(k)`
    LoadAndDelete,
    /// `m.Delete(k)`
    Delete,
}

impl SyncMapOp {
    /// True for `Load`, the only method that never writes.
    pub fn is_read(self) -> bool {
        match self {
            SyncMapOp::Load => true,
            SyncMapOp::Store
            | SyncMapOp::LoadOrStore
            | SyncMapOp::LoadAndDelete
            | SyncMapOp::Delete => false,
        }
    }
}

/// The direction of a select case.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CaseDir {
    /// `case ch <- value:`
    Send {
        /// The value sent.
        value: Expr,
    },
    /// `case v, ok := <-ch:`
    Recv {
        /// Where the value goes.
        dst: Option<LocalId>,
        /// Where the ok flag goes.
        ok: Option<LocalId>,
    },
}

/// One case of [`Op::Select`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SelectArm {
    /// The channel (may evaluate to nil: never ready).
    pub chan: Expr,
    /// Send or receive.
    pub dir: CaseDir,
    /// Where execution continues when this case is taken.
    pub target: Pc,
    /// The span of the case, for reports.
    pub span: Span,
}

/// An operation. Operations marked *local* touch only the goroutine's own
/// frame; the checker runs them eagerly after each visible step. All others
/// are visible steps (scheduling points).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    // ----- local -----
    /// *local*: `dst = value`.
    Assign {
        /// Destination slot.
        dst: LocalId,
        /// Value.
        value: Expr,
    },
    /// *local*: go to `target`.
    Jump {
        /// Where to go.
        target: Pc,
    },
    /// *local*: go to `target` when `cond` is false.
    JumpIfNot {
        /// A boolean expression.
        cond: Expr,
        /// Where to go when false.
        target: Pc,
    },
    /// *local*: call `func` with `args`; its return value goes to `dst`.
    Call {
        /// The callee.
        func: FuncId,
        /// Arguments, one per parameter.
        args: Vec<Expr>,
        /// Where the result goes (the first, when there are several).
        dst: Option<LocalId>,
        /// Where the results after the first go, from the callee's
        /// [`Function::results`] (`None` drops one).
        more: Vec<Option<LocalId>>,
    },
    /// *local*: return from the current function (running its deferred
    /// blocks first). Returning from a goroutine's first function ends it.
    Return {
        /// The returned value (the first, when there are several).
        value: Option<Expr>,
        /// The values after the first, each with the result slot
        /// ([`Function::results`]) it is written to.
        more: Vec<(LocalId, Expr)>,
    },
    /// *local*: push the deferred block that starts at `entry` (it ends with
    /// [`Op::EndDefer`]); deferred blocks run in the frame that deferred them.
    Defer {
        /// First instruction of the deferred block.
        entry: Pc,
    },
    /// *local*: end of a deferred block: run the next deferred block or finish
    /// the return (or keep panicking).
    EndDefer,
    /// *local*: `recover()`; stores true when it stopped a panic.
    Recover {
        /// Where the result goes.
        dst: Option<LocalId>,
    },

    /// *local*: call the function value `callee` (a function or closure)
    /// with `args`; `candidates` are every function it may be (the
    /// functions the program uses as values), for the static analyses.
    CallValue {
        /// The function value.
        callee: Expr,
        /// Arguments.
        args: Vec<Expr>,
        /// Where the result goes.
        dst: Option<LocalId>,
        /// Every function `callee` may be.
        candidates: Vec<FuncId>,
    },

    // ----- visible, goroutine-level -----
    /// `go func(args)`.
    Go {
        /// The function started.
        func: FuncId,
        /// Arguments (evaluated by the spawning goroutine).
        args: Vec<Expr>,
    },
    /// `go callee(args)` through a function value (see [`Op::CallValue`]).
    GoValue {
        /// The function value.
        callee: Expr,
        /// Arguments.
        args: Vec<Expr>,
        /// Every function `callee` may be.
        candidates: Vec<FuncId>,
    },
    /// A choice point: one transition per value; `dst` gets the chosen value.
    Choose {
        /// Where the chosen value goes.
        dst: LocalId,
        /// The alternatives.
        values: Vec<Expr>,
    },
    /// `panic(message)`.
    Panic {
        /// The message.
        message: String,
    },
    /// A scenario assertion.
    Assert {
        /// Must be true.
        cond: Expr,
        /// Reported when it is false.
        message: String,
    },
    /// `time.Sleep(d)`: a scheduling point with no effect.
    Sleep,

    // ----- objects -----
    /// Create an object; `dst` receives its handle (for `After`/`Tick`, the
    /// channel). Creation is local except for contexts (which register with
    /// their parent) and timers (which start running).
    New {
        /// Where the handle goes.
        dst: LocalId,
        /// What to create.
        object: NewObject,
    },
    /// `chan <- value`.
    Send {
        /// The channel.
        chan: Expr,
        /// The value.
        value: Expr,
    },
    /// `dst, ok = <-chan`.
    Recv {
        /// The channel.
        chan: Expr,
        /// Where the value goes.
        dst: Option<LocalId>,
        /// Where the ok flag goes.
        ok: Option<LocalId>,
    },
    /// `close(chan)`.
    Close {
        /// The channel.
        chan: Expr,
    },
    /// `select`: every ready arm is a separate transition; `default` is taken
    /// only when no arm is ready.
    Select {
        /// The arms, in source order.
        arms: Vec<SelectArm>,
        /// Where `default` continues, if present.
        default: Option<Pc>,
    },
    /// `m.Lock()` on a Mutex, or the two-phase writer lock of an RWMutex.
    Lock {
        /// The mutex.
        mutex: Expr,
    },
    /// `m.Unlock()`.
    Unlock {
        /// The mutex.
        mutex: Expr,
    },
    /// `dst = m.TryLock()`.
    TryLock {
        /// The mutex.
        mutex: Expr,
        /// Where the result goes.
        dst: Option<LocalId>,
    },
    /// `rw.RLock()`.
    RLock {
        /// The RWMutex.
        mutex: Expr,
    },
    /// `rw.RUnlock()`.
    RUnlock {
        /// The RWMutex.
        mutex: Expr,
    },
    /// `wg.Add(delta)` (`Done` is `Add(-1)`).
    WgAdd {
        /// The WaitGroup.
        wg: Expr,
        /// The delta.
        delta: Expr,
    },
    /// `wg.Wait()` or `c.Wait()`, by the object's kind at run time.
    Wait {
        /// The WaitGroup or Cond.
        target: Expr,
        /// The target is known to be a Cond where the scenario is checked
        /// (its type is; a parameter's or a field's too): this `Wait` is
        /// no WaitGroup's.
        cond: bool,
    },
    /// `c.Signal()`.
    Signal {
        /// The Cond.
        cond: Expr,
    },
    /// `c.Broadcast()`.
    Broadcast {
        /// The Cond.
        cond: Expr,
    },
    /// Start of `once.Do(f)`: continue to run f if first, jump to `skip` if
    /// done, block while another goroutine runs f.
    OnceEnter {
        /// The Once.
        once: Expr,
        /// Where to continue when f has already run.
        skip: Pc,
    },
    /// End of f in `once.Do(f)` (also reached when f panics): mark done.
    OnceExit {
        /// The Once.
        once: Expr,
    },
    /// `cancel()`.
    Cancel {
        /// The cancel function.
        cancel: Expr,
    },
    /// `dst = ctx.Err()`.
    CtxErr {
        /// The context.
        ctx: Expr,
        /// Where the result goes.
        dst: LocalId,
    },
    /// `dst = t.Stop()`.
    TimerStop {
        /// The timer or ticker.
        timer: Expr,
        /// Where the result goes.
        dst: Option<LocalId>,
    },
    /// `dst = t.Reset(d)`.
    TimerReset {
        /// The timer or ticker.
        timer: Expr,
        /// The new duration.
        duration: Expr,
        /// Where the result goes.
        dst: Option<LocalId>,
        /// The `time.AfterFunc` runners a Reset may start again (every one
        /// in the program: which timer this is is known at run time only).
        respawn: Vec<FuncId>,
    },
    /// `dst = time.AfterFunc(d, f)` or `dst = context.AfterFunc(ctx, f)`:
    /// makes the timer (or the registration whose `stop` is `dst`) and
    /// starts `runner(it, args...)`, which waits for it.
    AfterFunc {
        /// What starts the callback.
        source: CallbackSource,
        /// The runner goroutine's function.
        runner: FuncId,
        /// The runner's arguments after the timer or registration.
        args: Vec<Expr>,
        /// Where the timer or the stop function goes.
        dst: Option<LocalId>,
    },
    /// `dst = append(from, values...)`: when they fit in `from`'s spare
    /// capacity, the values go into the next cells of its backing array;
    /// else a new array holding copies of the elements of `from` (nil:
    /// none) and the values, with the room Go's growth leaves past them.
    Append {
        /// The slice appended to.
        from: Expr,
        /// The values appended: one or more, or (`spread`) one slice
        /// whose elements are appended (`append(xs, ys...)`).
        values: Vec<Expr>,
        /// Whether `values` is one slice to spread.
        spread: bool,
        /// Its elements' zero value and Go layout.
        elem: ElemType,
        /// Where the new slice goes.
        dst: LocalId,
    },
    /// A callback runner waits for its timer to fire or its context to be
    /// done; `dst` is true when the callback runs, false when it was
    /// stopped first (the runner then ends).
    AwaitCallback {
        /// The timer or registration.
        target: Expr,
        /// Whether the callback runs.
        dst: LocalId,
    },
    /// Plain read of a shared variable or map entry.
    Load {
        /// What is read.
        place: Place,
        /// Where the value goes (for an absent map entry, the zero value).
        dst: LocalId,
        /// For a map entry, where the comma-ok flag goes (`v, ok :=
        /// m[k]`: whether the key was present); always `None` for a
        /// variable.
        ok: Option<LocalId>,
    },
    /// Plain write of a shared variable or map entry.
    Store {
        /// What is written.
        place: Place,
        /// The value.
        value: Expr,
    },
    /// `delete(m, key)`: a plain write of the map.
    MapDelete {
        /// The map.
        map: Expr,
        /// The key.
        key: Expr,
    },
    /// One iteration of `for k, v := range m`: a plain read of the map.
    /// `seen` is the loop's own map of the keys produced so far (nil
    /// before the first iteration, which records every key present then
    /// as pending). The step's alternative picks the next key: any
    /// pending key still in the map, or any key added since the loop
    /// began (Go may or may not produce those); the last alternative,
    /// offered once no pending key is left, ends the loop. Writes the key,
    /// its value, and whether an iteration was taken (`more`).
    MapNext {
        /// The map ranged over.
        map: Expr,
        /// The loop's record of produced keys (a local holding a map).
        seen: LocalId,
        /// Where the key goes.
        key: Option<LocalId>,
        /// Where the value goes.
        value: Option<LocalId>,
        /// Set to true for an iteration, false when the loop ends.
        more: LocalId,
        /// True for `m.Range` of a `sync.Map`: a synchronised read.
        sync: bool,
    },
    /// An operation of a `sync.Map` (one synchronised step: a read for
    /// `Load`, a write for the others).
    SyncMap {
        /// The map.
        map: Expr,
        /// Which method.
        op: SyncMapOp,
        /// The key.
        key: Expr,
        /// The value stored (`Store`, `LoadOrStore`).
        value: Option<Expr>,
        /// Where the value found goes (`Load`, `LoadOrStore`: the actual
        /// value; `LoadAndDelete`: the deleted value).
        dst: Option<LocalId>,
        /// Where the flag goes (`Load`: ok; the others: loaded).
        ok: Option<LocalId>,
    },
    /// `len(ch)` or `len(m)`: a read.
    Len {
        /// The channel or map.
        target: Expr,
        /// Where the length goes.
        dst: LocalId,
    },
    /// `atomic.Load`.
    AtomicLoad {
        /// The variable handle.
        var: Expr,
        /// Where the value goes.
        dst: LocalId,
    },
    /// `atomic.Store`.
    AtomicStore {
        /// The variable handle.
        var: Expr,
        /// The value.
        value: Expr,
    },
    /// `atomic.Add`; `dst` gets the new value.
    AtomicAdd {
        /// The variable handle.
        var: Expr,
        /// The delta.
        delta: Expr,
        /// Where the new value goes.
        dst: Option<LocalId>,
    },
    /// `atomic.CompareAndSwap`.
    CompareAndSwap {
        /// The variable handle.
        var: Expr,
        /// Expected value.
        old: Expr,
        /// New value.
        new: Expr,
        /// Where the result goes.
        dst: Option<LocalId>,
    },
}

impl Op {
    /// True for operations the checker runs eagerly, with no scheduling point.
    pub fn is_local(&self) -> bool {
        match self {
            Op::Assign { .. }
            | Op::Jump { .. }
            | Op::JumpIfNot { .. }
            | Op::Call { .. }
            | Op::CallValue { .. }
            | Op::Return { .. }
            | Op::Defer { .. }
            | Op::EndDefer
            | Op::Recover { .. } => true,
            // Creation is local except for contexts (which register with
            // their parent) and timers (which start running).
            Op::New { object, .. } => match object {
                NewObject::Chan { .. }
                | NewObject::Mutex
                | NewObject::RwMutex
                | NewObject::WaitGroup
                | NewObject::Once
                | NewObject::Cond { .. }
                | NewObject::Var { .. }
                | NewObject::Map { .. }
                | NewObject::Background
                | NewObject::Group { .. }
                | NewObject::Record { .. }
                | NewObject::Slice { .. }
                | NewObject::SlicePart { .. }
                | NewObject::Closure { .. } => true,
                NewObject::WithCancel { .. } | NewObject::Timer { .. } => false,
            },
            Op::Go { .. }
            | Op::GoValue { .. }
            | Op::Choose { .. }
            | Op::Panic { .. }
            | Op::Assert { .. }
            | Op::Sleep
            | Op::Send { .. }
            | Op::Recv { .. }
            | Op::Close { .. }
            | Op::Select { .. }
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
            | Op::CompareAndSwap { .. } => false,
        }
    }
}

/// An instruction: an operation and the span of the statement it came from.
/// Equality and hashing ignore the span.
#[derive(Clone, Debug)]
pub struct Instr {
    /// What it does.
    pub op: Op,
    /// Where it was written.
    pub span: Span,
}

impl PartialEq for Instr {
    fn eq(&self, other: &Self) -> bool {
        self.op == other.op
    }
}
impl Eq for Instr {}
impl std::hash::Hash for Instr {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.op.hash(state);
    }
}

/// The dead locals of one function, per instruction, as bits by slot
/// (computed by [`crate::liveness`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeadLocals {
    /// Words per instruction.
    words: usize,
    /// `bits[pc * words..(pc + 1) * words]`: the slots dead at `pc`, before
    /// it executes (and while a goroutine waits there).
    bits: Vec<u64>,
}

impl DeadLocals {
    /// No local dead anywhere: values are kept (the plain search's view).
    pub fn none() -> Self {
        DeadLocals::default()
    }

    /// The slots dead at `pc`, as words of bits by slot (empty when none
    /// is known dead).
    pub fn at(&self, pc: Pc) -> &[u64] {
        let start = pc.index() * self.words;
        self.bits.get(start..start + self.words).unwrap_or(&[])
    }

    /// True when slot `l` is dead at `pc`.
    pub fn is_dead(&self, pc: Pc, l: LocalId) -> bool {
        self.at(pc)
            .get(l.index() / 64)
            .is_some_and(|w| w & (1 << (l.index() % 64)) != 0)
    }

    /// True when some slot is dead somewhere.
    pub fn any(&self) -> bool {
        self.bits.iter().any(|&w| w != 0)
    }

    /// The table of `words` words per instruction ([`crate::liveness`]).
    pub(crate) fn from_bits(words: usize, bits: Vec<u64>) -> Self {
        DeadLocals { words, bits }
    }
}

/// Per instruction of every function, whether a WaitGroup `Add` may lie
/// ahead (computed by [`crate::adds`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddsAhead {
    /// The first instruction of each function in [`Self::bits`]'s
    /// numbering (asked for every goroutine's frames in a state, so one
    /// flat table).
    start: Vec<u32>,
    /// One bit per instruction, across functions.
    bits: Vec<u64>,
    /// True everywhere (the referee's view: every blocking `Wait`
    /// registers).
    everywhere: bool,
}

impl AddsAhead {
    /// "May add" at every instruction.
    pub fn everywhere() -> Self {
        AddsAhead {
            everywhere: true,
            ..AddsAhead::default()
        }
    }

    /// True when an `Add` may lie ahead of instruction `pc` of `func`.
    #[inline]
    pub fn at(&self, func: FuncId, pc: Pc) -> bool {
        if self.everywhere {
            return true;
        }
        let (Some(&from), Some(&to)) = (
            self.start.get(func.index()),
            self.start.get(func.index() + 1),
        ) else {
            return false;
        };
        let i = from + pc.0;
        i < to
            && self
                .bits
                .get(i as usize / 64)
                .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// False when no instruction has an `Add` ahead.
    pub fn any(&self) -> bool {
        self.everywhere || self.bits.iter().any(|&w| w != 0)
    }

    /// The table of one bit per instruction, numbered across functions
    /// from `start[f]` ([`crate::adds`]).
    pub(crate) fn from_bits(start: Vec<u32>, bits: Vec<u64>) -> Self {
        AddsAhead {
            start,
            bits,
            everywhere: false,
        }
    }
}

/// The most WaitGroup `Done`s the code from each instruction may take
/// (computed by [`crate::dones`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DonesAhead {
    /// `at[f][pc]`; `None`: unbounded.
    at: Vec<Vec<Option<u32>>>,
    /// Each function's counted loops, for bounds that read how far the
    /// loops have come ([`DonesAhead::at_frame`]).
    loops: Vec<LoopsAhead>,
    /// False when no instruction of the program is a `Wait`.
    waits: bool,
    /// False when no instruction of the program is a `Done`.
    dones: bool,
}

/// A function's counted loops, as the bound of `Done`s ahead sees them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoopsAhead {
    /// Each instruction's bound to the end of its innermost loop's
    /// current iteration (or of the function, outside loops).
    pub to_iteration_end: Vec<Option<u32>>,
    /// Each instruction's innermost loop (`u32::MAX`: none).
    pub innermost: Vec<u32>,
    /// The loops.
    pub loops: Vec<LoopAhead>,
}

/// One counted loop's part in the bound of `Done`s ahead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoopAhead {
    /// Its variable, which only its increments write.
    pub var: LocalId,
    /// The bound its header tests the variable against (`var < to`).
    pub to: i64,
    /// The most times its body runs.
    pub trips: u32,
    /// One iteration's bound.
    pub iteration: Option<u32>,
    /// The most the code its exits go on to may take, to the end of the
    /// parent's iteration.
    pub exits: Option<u32>,
    /// The loop it is in (`u32::MAX`: none).
    pub parent: u32,
    /// The instructions that jump back to its header, after the
    /// iteration's increment, sorted.
    pub latches: Vec<u32>,
}

impl DonesAhead {
    /// The most `Done`s the code from instruction `pc` of `func` may take
    /// (`None`: unbounded).
    pub fn at(&self, func: FuncId, pc: Pc) -> Option<u32> {
        self.at
            .get(func.index())?
            .get(pc.index())
            .copied()
            .flatten()
    }

    /// [`DonesAhead::at`] for a frame standing at `pc` of `func` whose
    /// locals `local` reads (`None`: not an integer): each counted loop
    /// around `pc` may still run `to - var` iterations after the current
    /// one (`to - var - 1` before the iteration's increment), never more
    /// than its trip count allows.
    pub fn at_frame(
        &self,
        func: FuncId,
        pc: Pc,
        local: impl Fn(LocalId) -> Option<i64>,
    ) -> Option<u32> {
        let Some(l) = self.loops.get(func.index()).filter(|l| !l.loops.is_empty()) else {
            return self.at(func, pc);
        };
        let mut total = *l.to_iteration_end.get(pc.index())?;
        let mut inner = *l.innermost.get(pc.index())?;
        let mut at_latch = true;
        while let Some(lp) = l.loops.get(inner as usize) {
            at_latch &= lp.latches.binary_search(&pc.0).is_ok();
            let most = i64::from(lp.trips.saturating_sub(1));
            let left = match local(lp.var) {
                Some(v) => lp
                    .to
                    .saturating_sub(v)
                    .saturating_sub(i64::from(!at_latch))
                    .clamp(0, most),
                None => most,
            };
            let left = u32::try_from(left).unwrap_or(u32::MAX);
            let rest = lp.iteration.and_then(|i| i.checked_mul(left));
            total = total
                .zip(rest)
                .and_then(|(x, y)| x.checked_add(y))
                .zip(lp.exits)
                .and_then(|(x, y)| x.checked_add(y));
            // (Around an inner loop, the outer one's increment is ahead.)
            at_latch = false;
            inner = lp.parent;
        }
        total
    }

    /// False when no instruction of the program is a `Wait`.
    pub fn any_wait(&self) -> bool {
        self.waits
    }

    /// False when no instruction of the program is a `Done`.
    pub fn any_done(&self) -> bool {
        self.dones
    }

    /// The bounds, `[f][pc]` (for tests comparing whole tables).
    #[cfg(test)]
    pub(crate) fn table(&self) -> &[Vec<Option<u32>>] {
        &self.at
    }

    /// The bounds `at[f][pc]`, each function's counted loops, and whether
    /// any instruction is a `Wait` or a `Done` ([`crate::dones`]).
    pub(crate) fn from_bounds(
        at: Vec<Vec<Option<u32>>>,
        loops: Vec<LoopsAhead>,
        waits: bool,
        dones: bool,
    ) -> Self {
        DonesAhead {
            at,
            loops,
            waits,
            dones,
        }
    }
}

/// A lowered function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// Its name (`main`, `worker`, or a generated `main.func1` for anonymous bodies).
    pub name: String,
    /// How many leading locals are parameters.
    pub param_count: u32,
    /// The name of every local slot, for reports (temporaries are `$t0`, ...).
    pub local_names: Vec<String>,
    /// The code.
    pub code: Vec<Instr>,
    /// Where it is defined.
    pub span: Span,
    /// The locals dead at each instruction ([`crate::liveness`]).
    pub dead: DeadLocals,
    /// The named first result's slot (Go's result variable): when set,
    /// the function returns what it holds once the deferred blocks have
    /// run, and every `Return` writes its values to the result slots.
    pub first_result: Option<LocalId>,
    /// The slots holding the results after the first while the function
    /// returns (empty unless it returns several values).
    pub results: Vec<LocalId>,
    /// The first result's value until a `Return` sets it: its zero value
    /// (what a function whose panic is recovered returns).
    pub ret_zero: Const,
}

/// The kind of a global object, for reports and kind checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectKind {
    /// A channel.
    Chan,
    /// A Mutex.
    Mutex,
    /// An RWMutex.
    RwMutex,
    /// A WaitGroup.
    WaitGroup,
    /// A Once.
    Once,
    /// A Cond.
    Cond,
    /// A shared variable.
    Var,
    /// A map.
    Map,
    /// A context.
    Context,
    /// A cancel function.
    CancelFunc,
    /// A timer or ticker.
    Timer,
    /// An `errgroup.Group`.
    Group,
    /// A `sync.Map` (a map at run time, used only through its methods).
    SyncMap,
    /// A `sync.Locker` whose kind is known at run time only: a Cond's
    /// `c.L`, or `rw.RLocker()`.
    Locker,
    /// A record (`&T{...}`).
    Record,
    /// A slice.
    Slice,
    /// A function value.
    Func,
    /// The `stop` function `context.AfterFunc` returns.
    StopFunc,
    /// No object of the program: the race detector's happens-before
    /// knowledge, which the checker keeps as a hidden object of the state.
    Knowledge,
}

impl ObjectKind {
    /// The one table of the kind's words: the noun reports put before an
    /// object's name (``Mutex `mu` ``, `the channel made at 3:5`), and the
    /// phrase messages use (`found a channel`).
    fn words(self) -> (&'static str, &'static str) {
        match self {
            ObjectKind::Chan => ("channel", "a channel"),
            ObjectKind::Mutex => ("Mutex", "a Mutex"),
            ObjectKind::RwMutex => ("RWMutex", "an RWMutex"),
            ObjectKind::WaitGroup => ("WaitGroup", "a WaitGroup"),
            ObjectKind::Once => ("Once", "a Once"),
            ObjectKind::Cond => ("Cond", "a Cond"),
            ObjectKind::Var => ("variable", "a shared variable"),
            ObjectKind::Map => ("map", "a map"),
            ObjectKind::Context => ("context", "a context"),
            ObjectKind::CancelFunc => ("cancel function", "a cancel function"),
            ObjectKind::Timer => ("timer", "a timer"),
            ObjectKind::Group => ("errgroup.Group", "an errgroup.Group"),
            ObjectKind::Locker => ("Locker", "a Locker"),
            ObjectKind::SyncMap => ("sync.Map", "a sync.Map"),
            ObjectKind::Record => ("record", "a record"),
            ObjectKind::Slice => ("slice", "a slice"),
            ObjectKind::Func => ("function", "a function"),
            ObjectKind::StopFunc => (
                "AfterFunc stop function",
                "a context.AfterFunc stop function",
            ),
            ObjectKind::Knowledge => ("happens-before knowledge", "no object of the program"),
        }
    }

    /// The noun reports put before an object's name (`channel`, `Mutex`).
    pub fn noun(self) -> &'static str {
        self.words().0
    }

    /// How a message names the kind ("a channel", "a Mutex", ...).
    pub fn describe(self) -> &'static str {
        self.words().1
    }
}

/// A package-level object, created in order before main starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Global {
    /// Its name.
    pub name: String,
    /// What it is. A nil channel is a global whose `init` is `None`.
    pub init: Option<NewObject>,
    /// Its kind.
    pub kind: ObjectKind,
    /// Where it is declared.
    pub span: Span,
}

/// Scenario metadata carried through to reports.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Metadata {
    /// The scenario's name.
    pub name: String,
    /// One-line summary.
    pub summary: Option<String>,
    /// Origin of the bug.
    pub origin: Option<String>,
    /// The study's taxonomy.
    pub taxonomy: Option<Taxonomy>,
    /// Expected bug kinds (empty: clean).
    pub expect: Vec<BugKind>,
    /// The Go version whose runtime semantics the checker follows (the
    /// scenario's `go`, or the default; `--go` overrides it).
    pub go: GoVersion,
    /// The parameter values this program was lowered with, in declaration order.
    pub params: Vec<(String, i64)>,
    /// The texts of the program's `errors.New` values, by [`Const::Error`] index.
    pub errors: Vec<String>,
    /// The texts of the program's strings, by [`Const::Str`] index; the
    /// first is "" (the zero value of `string`).
    pub strings: Vec<String>,
}

/// A lowered, validated scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// Metadata.
    pub meta: Metadata,
    /// Global objects, created in order at start.
    pub globals: Vec<Global>,
    /// All functions; `main` is one of them.
    pub funcs: Vec<Function>,
    /// Record types, by [`RecordId`].
    pub types: Vec<RecordType>,
    /// The entry function.
    pub main: FuncId,
    /// Where a WaitGroup `Add` may lie ahead ([`crate::adds`]).
    pub adds_ahead: AddsAhead,
    /// How many `Done`s may lie ahead of each instruction ([`crate::dones`]).
    pub dones_ahead: DonesAhead,
}

impl Program {
    /// The function with this id.
    pub fn func(&self, id: FuncId) -> &Function {
        &self.funcs[id.index()]
    }

    /// The instruction at `pc` of `func`.
    pub fn instr(&self, func: FuncId, pc: Pc) -> &Instr {
        &self.funcs[func.index()].code[pc.index()]
    }

    /// The same program with no local known dead: every value is kept, as
    /// the plain exhaustive search keeps it (the referee of forgetting
    /// dead values).
    pub fn keeping_dead_locals(&self) -> Program {
        let mut p = self.clone();
        for f in &mut p.funcs {
            f.dead = DeadLocals::none();
        }
        p
    }

    /// The same program with an `Add` taken as possible everywhere: every
    /// `Wait` that blocks registers as a waiter (the referee of leaving
    /// the registration out while the counter can neither rise again nor
    /// fall below zero).
    pub fn registering_every_wait(&self) -> Program {
        let mut p = self.clone();
        p.adds_ahead = AddsAhead::everywhere();
        p
    }
}
