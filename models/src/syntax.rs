//! The scenario syntax tree: what a RON scenario file says, with the source
//! span of every part, before names are resolved.
//!
//! The tree is produced by [`crate::decode`] from the spanned RON tree and
//! checked by [`crate::validate`]. Statement names follow the Go they model
//! (`Send`, `Recv`, `Lock`, `Wait`, `WithCancel`, ...); `models/README.md`
//! gives the Go next to each construct.

use crate::span::Span;

/// A name written in the scenario (a variable, object, function or parameter).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// The name as written.
    pub text: String,
    /// Where it is written (inside the quotes).
    pub span: Span,
}

/// An expression as written: a RON literal or a string in the expression
/// language (`"x + 1"`, `"len(ch) == 0"`, `"ctx.Done()"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprSrc {
    /// An integer literal.
    Int(i64, Span),
    /// A boolean literal.
    Bool(bool, Span),
    /// Expression text. `exact` is true when byte `i` of `text` sits at
    /// `span.start + i` in the file (the literal had no escapes).
    Text {
        /// The expression source.
        text: String,
        /// The span of the string's contents.
        span: Span,
        /// Whether offsets inside `text` map one-to-one onto the file.
        exact: bool,
    },
}

impl ExprSrc {
    /// The span of the whole expression in the file.
    pub fn span(&self) -> Span {
        match self {
            ExprSrc::Int(_, s) | ExprSrc::Bool(_, s) => *s,
            ExprSrc::Text { span, .. } => *span,
        }
    }
}

/// A Go type as written (`"chan int"`, `"*Server"`, `"[]sync.Mutex"`),
/// read by validation ([`crate::gotype`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeSrc {
    /// The type's text.
    pub text: String,
    /// Where it is written (inside the quotes).
    pub span: Span,
}

/// A record type: `types: {"Server": {"mu": "sync.Mutex", "n": "int"}}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeDecl {
    /// Its name.
    pub name: Name,
    /// Its fields in order: name and Go type.
    pub fields: Vec<(Name, TypeSrc)>,
    /// The whole declaration.
    pub span: Span,
}

/// The kinds of bug weft reports (the `expect` vocabulary).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum BugKind {
    /// Main has not returned and every live goroutine is blocked.
    Deadlock,
    /// A goroutine is blocked forever while others may still run (partial deadlock).
    Leak,
    /// Two conflicting accesses not ordered by happens-before.
    Race,
    /// An unrecovered panic or a fatal runtime error.
    Panic,
    /// A scenario `Assert` failed.
    Assert,
    /// A derived context whose cancel function is never called on some run.
    ContextLeak,
    /// A goroutine loops forever without a synchronisation operation.
    Spin,
    /// A timer or ticker still running that nothing can reach or stop any
    /// more (Go 1.22 semantics: the runtime keeps it until it fires, a
    /// ticker forever).
    ResourceLeak,
}

impl BugKind {
    /// Every kind, in report order.
    pub const ALL: [BugKind; 8] = [
        BugKind::Deadlock,
        BugKind::Leak,
        BugKind::Race,
        BugKind::Panic,
        BugKind::Assert,
        BugKind::ContextLeak,
        BugKind::Spin,
        BugKind::ResourceLeak,
    ];

    /// The RON spelling (`Deadlock`, `ContextLeak`, ...).
    pub fn ron_name(self) -> &'static str {
        match self {
            BugKind::Deadlock => "Deadlock",
            BugKind::Leak => "Leak",
            BugKind::Race => "Race",
            BugKind::Panic => "Panic",
            BugKind::Assert => "Assert",
            BugKind::ContextLeak => "ContextLeak",
            BugKind::Spin => "Spin",
            BugKind::ResourceLeak => "ResourceLeak",
        }
    }

    /// The JSON / CLI spelling (`deadlock`, `context-leak`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            BugKind::Deadlock => "deadlock",
            BugKind::Leak => "leak",
            BugKind::Race => "race",
            BugKind::Panic => "panic",
            BugKind::Assert => "assert",
            BugKind::ContextLeak => "context-leak",
            BugKind::Spin => "spin",
            BugKind::ResourceLeak => "resource-leak",
        }
    }
}

impl std::fmt::Display for BugKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which Go release's runtime semantics a scenario follows. Only timers
/// differ between the two (shared/design/semantics.md, Time): Go 1.23 made
/// timer channels synchronous and lets unreferenced timers be collected.
#[derive(
    Clone,
    Copy,
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
pub enum GoVersion {
    /// Go 1.22 and earlier: a timer's channel has capacity 1 and keeps a
    /// stale value; a running timer or ticker is held by the runtime.
    #[serde(rename = "1.22")]
    Go122,
    /// Go 1.23 and later (the default): synchronous timer channels.
    #[default]
    #[serde(rename = "1.23")]
    Go123,
}

impl GoVersion {
    /// How the version is written (`1.22`, `1.23`).
    pub fn as_str(self) -> &'static str {
        match self {
            GoVersion::Go122 => "1.22",
            GoVersion::Go123 => "1.23",
        }
    }

    /// Reads a Go version as a `go.mod` directive writes it (`1.21`,
    /// `1.22.5`, `1.24`): releases up to 1.22 have the Go 1.22 timers,
    /// later ones the Go 1.23 timers. `None` when `text` is not `1.N` or
    /// `1.N.P`.
    pub fn parse(text: &str) -> Option<GoVersion> {
        let mut parts = text.split('.');
        let major = parts.next()?;
        let minor = parts.next()?;
        let patch = parts.next();
        if parts.next().is_some() || major != "1" {
            return None;
        }
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(minor) || patch.is_some_and(|p| !digits(p)) {
            return None;
        }
        let minor: u32 = minor.parse().ok()?;
        Some(if minor <= 22 {
            GoVersion::Go122
        } else {
            GoVersion::Go123
        })
    }
}

impl std::fmt::Display for GoVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The study's first axis: does the bug block goroutines?
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Behavior {
    /// Goroutines get stuck.
    Blocking,
    /// Wrong results, races, panics.
    NonBlocking,
}

/// The study's second axis: what the bug misuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cause {
    /// Mutexes, variables, atomics, WaitGroup, Cond, Once.
    SharedMemory,
    /// Channels, select, context, timers.
    MessagePassing,
}

/// The study's taxonomy of a scenario's bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Taxonomy {
    /// Blocking or non-blocking.
    pub behavior: Behavior,
    /// Shared memory or message passing.
    pub cause: Cause,
}

/// A size parameter with its default (`params: {"workers": 3}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamDecl {
    /// The parameter's name.
    pub name: Name,
    /// The default value.
    pub default: i64,
}

/// A whole scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// The scenario's name.
    pub name: Name,
    /// One-line summary of the bug.
    pub summary: Option<String>,
    /// Where the bug comes from (`kubernetes/kubernetes#5316`).
    pub origin: Option<String>,
    /// The study's taxonomy.
    pub taxonomy: Option<Taxonomy>,
    /// The bug kinds the checker must find; empty means the scenario must be clean.
    pub expect: Vec<(BugKind, Span)>,
    /// The Go version whose runtime semantics apply (`go: "1.22"`), if given.
    pub go: Option<(GoVersion, Span)>,
    /// Size parameters with defaults, overridable with `--param`.
    pub params: Vec<ParamDecl>,
    /// Where `params:` is written, if it is.
    pub params_span: Option<Span>,
    /// Record types.
    pub types: Vec<TypeDecl>,
    /// Package-level objects and variables (declarations only).
    pub globals: Vec<Stmt>,
    /// The body of `main`.
    pub main: Block,
    /// Where `main:` is written.
    pub main_span: Span,
    /// Named functions, in file order.
    pub funcs: Vec<FuncDef>,
    /// The span of the whole `Scenario(...)`.
    pub span: Span,
}

/// A named function (`funcs: {"worker": (params: ["ch"], body: [...])}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuncDef {
    /// The function's name.
    pub name: Name,
    /// Its parameters.
    pub params: Vec<Name>,
    /// Its named results with their Go types, in order (`results: {"n":
    /// "int", "err": "error"}`, Go's `(n int, err error)`); empty for a
    /// function whose results are unnamed.
    pub results: Vec<(Name, TypeSrc)>,
    /// Where `results:` is written, if it is.
    pub results_span: Option<Span>,
    /// Its body.
    pub body: Block,
    /// The span of the definition.
    pub span: Span,
}

/// A sequence of statements.
pub type Block = Vec<Stmt>;

/// A statement with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stmt {
    /// What the statement does.
    pub kind: StmtKind,
    /// The span of the whole statement.
    pub span: Span,
}

/// The timer-like objects of package time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum TimerKind {
    /// `time.NewTimer(d)`: a stoppable one-shot timer; its channel is `t.C`.
    Timer,
    /// `time.After(d)`: the channel of an unstoppable one-shot timer.
    After,
    /// `time.NewTicker(d)`: a stoppable repeating ticker; its channel is `t.C`.
    Ticker,
    /// `time.Tick(d)`: the channel of an unstoppable ticker.
    Tick,
}

/// One case of a `Select`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectCase {
    /// What the case does.
    pub kind: CaseKind,
    /// Statements run when the case is chosen.
    pub body: Block,
    /// The span of the case.
    pub span: Span,
}

/// One case of a `Switch`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SwitchCase {
    /// The values compared with the tag (conditions without a tag);
    /// empty for `Default`.
    pub values: Vec<ExprSrc>,
    /// True for `default:`.
    pub default: bool,
    /// Statements run when the case matches.
    pub body: Block,
    /// The span of the case.
    pub span: Span,
}

/// The kind of a select case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseKind {
    /// `case ch <- v:`
    Send {
        /// The channel.
        chan: ExprSrc,
        /// The value sent.
        value: Option<ExprSrc>,
    },
    /// `case v, ok := <-ch:`
    Recv {
        /// The channel.
        chan: ExprSrc,
        /// Local that receives the value.
        into: Option<Name>,
        /// Local that receives the ok flag.
        ok: Option<Name>,
    },
    /// `case <-time.After(d):`
    After {
        /// The duration (only `<= 0` versus `> 0` matters).
        duration: Option<ExprSrc>,
    },
    /// `default:`
    Default,
}

/// Every statement of the language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StmtKind {
    // ----- declarations (also allowed in `globals`) -----
    /// `ch := make(chan int, cap)`
    Chan {
        /// The channel's name.
        name: Name,
        /// Capacity (default 0).
        cap: Option<ExprSrc>,
        /// The element type, when given (`"*Job"`): what a receive gives.
        elem: Option<TypeSrc>,
    },
    /// `var ch chan int` (a nil channel)
    NilChan {
        /// The name.
        name: Name,
    },
    /// `var mu sync.Mutex`
    Mutex {
        /// The name.
        name: Name,
    },
    /// `var mu sync.RWMutex`
    RwMutex {
        /// The name.
        name: Name,
    },
    /// `var wg sync.WaitGroup`
    WaitGroup {
        /// The name.
        name: Name,
    },
    /// `var once sync.Once`
    Once {
        /// The name.
        name: Name,
    },
    /// `c := sync.NewCond(&mu)`
    Cond {
        /// The name.
        name: Name,
        /// The Mutex or RWMutex it uses as its Locker.
        locker: Option<ExprSrc>,
    },
    /// `var x int = init` (a shared variable, visible to every goroutine that can name it)
    Var {
        /// The name.
        name: Name,
        /// Initial value (default: the type's zero value, else 0).
        init: Option<ExprSrc>,
        /// Its Go type, when given (`"chan int"`): what it may hold.
        ty: Option<TypeSrc>,
    },
    /// `s := &Server{ch: c, n: 3}`
    New {
        /// The name.
        name: Name,
        /// The record type.
        ty: Name,
        /// Initial values of fields, by name.
        fields: Vec<(Name, ExprSrc)>,
    },
    /// `xs := make([]T, n)`, `xs := make([]T, n, c)`
    Slice {
        /// The name.
        name: Name,
        /// The element type.
        elem: TypeSrc,
        /// The length (default 0).
        len: Option<ExprSrc>,
        /// The capacity (default: the length).
        cap: Option<ExprSrc>,
    },
    /// `f := func(params) { body }`
    Func {
        /// The name.
        name: Name,
        /// Parameter names.
        params: Vec<Name>,
        /// The body.
        body: Block,
        /// Its named result (`func() (err error)`), at most one, and where
        /// it is written.
        results: Vec<(Name, TypeSrc)>,
        /// Where `results` is written.
        results_span: Option<Span>,
    },
    /// `m := map[K]V{}`
    Map {
        /// The name.
        name: Name,
        /// The type of its values (default `int`).
        elem: Option<TypeSrc>,
    },
    /// `ctx := context.Background()`
    Background {
        /// The name.
        name: Name,
    },
    /// `ctx, cancel := context.WithCancel(parent)` or `WithTimeout(parent, d)`
    WithCancel {
        /// The child context's name.
        ctx: Name,
        /// The cancel function's name.
        cancel: Name,
        /// The parent (default `context.Background()`).
        parent: Option<ExprSrc>,
        /// `Some` for WithTimeout / WithDeadline.
        timeout: Option<ExprSrc>,
        /// True when written as `WithTimeout`.
        is_timeout: bool,
    },
    /// `t := time.NewTimer(d)`, `c := time.After(d)`, `t := time.NewTicker(d)`, `c := time.Tick(d)`
    Timer {
        /// Which function made it.
        kind: TimerKind,
        /// The name.
        name: Name,
        /// The duration (default 1).
        duration: Option<ExprSrc>,
    },
    /// `t := time.AfterFunc(d, f)`, or `time.AfterFunc(d, func() { body })`
    AfterFunc {
        /// The timer's name (`None`: the timer is discarded).
        name: Option<Name>,
        /// The duration (default 1).
        duration: Option<ExprSrc>,
        /// The function, or `None` for an anonymous body.
        func: Option<Name>,
        /// Arguments of `func`.
        args: Vec<ExprSrc>,
        /// The anonymous body (empty when `func` is set).
        body: Block,
    },
    /// `stop := context.AfterFunc(ctx, f)`
    ContextAfterFunc {
        /// The name of the stop function (`None`: discarded).
        stop: Option<Name>,
        /// The context.
        ctx: ExprSrc,
        /// The function, or `None` for an anonymous body.
        func: Option<Name>,
        /// Arguments of `func`.
        args: Vec<ExprSrc>,
        /// The anonymous body (empty when `func` is set).
        body: Block,
    },

    // ----- locals and shared variables -----
    /// `xs = append(xs, v)`, `xs = append(xs, a, b)` (`value: ["a",
    /// "b"]`), `xs = append(xs, ys...)` (`value: "ys..."`)
    Append {
        /// The slice, where the result goes too (a local, a shared
        /// variable, a field or an element).
        target: ExprSrc,
        /// The values appended (none when the list was empty, an error).
        values: Vec<ExprSrc>,
    },
    /// `x := e` (a goroutine-local variable)
    Let {
        /// The local's name.
        name: Name,
        /// Its value.
        value: ExprSrc,
        /// Its Go type, when given (`var s *Server = v`): what it holds.
        ty: Option<TypeSrc>,
    },
    /// `x = e`, `*p = e`, `m[k] = e`
    Set {
        /// The place assigned: a local, a shared variable, `*p` or `m[k]`.
        target: ExprSrc,
        /// The value.
        value: ExprSrc,
    },
    /// `delete(m, k)`
    Delete {
        /// The map.
        map: ExprSrc,
        /// The key.
        key: ExprSrc,
    },

    // ----- channels -----
    /// `ch <- v`
    Send {
        /// The channel.
        chan: ExprSrc,
        /// The value (default 0).
        value: Option<ExprSrc>,
    },
    /// `v, ok := <-ch`
    Recv {
        /// The channel.
        chan: ExprSrc,
        /// Local for the value.
        into: Option<Name>,
        /// Local for the ok flag.
        ok: Option<Name>,
    },
    /// `close(ch)`
    Close {
        /// The channel.
        chan: ExprSrc,
    },
    /// `for v := range ch { body }`, `for k, v := range m { body }` (every
    /// iteration order), `for i := range n { body }`: what is ranged over
    /// is decided by the kind of `chan`.
    Range {
        /// The channel, map or integer.
        chan: ExprSrc,
        /// Local for each value (a channel), key (a map) or index (an integer).
        var: Option<Name>,
        /// Local for each map value (a map only).
        value: Option<Name>,
        /// The loop body.
        body: Block,
        /// The statement's label (`outer:` in Go), for `Break`/`Continue`.
        label: Option<Name>,
    },
    /// `select { cases }`
    Select {
        /// The cases, in order.
        cases: Vec<SelectCase>,
        /// The statement's label, for `Break`.
        label: Option<Name>,
    },
    /// `switch tag { case a, b: ...; default: ... }`, or `switch { case
    /// cond: ... }` without a tag.
    Switch {
        /// The value compared with each case's values; `None`: each case
        /// value is a condition.
        tag: Option<ExprSrc>,
        /// The cases, in order (at most one default).
        cases: Vec<SwitchCase>,
        /// The statement's label, for `Break`.
        label: Option<Name>,
    },

    // ----- sync -----
    /// `mu.Lock()` (Mutex or RWMutex)
    Lock {
        /// The mutex.
        mutex: ExprSrc,
    },
    /// `mu.Unlock()`
    Unlock {
        /// The mutex.
        mutex: ExprSrc,
    },
    /// `ok := mu.TryLock()`
    TryLock {
        /// The mutex.
        mutex: ExprSrc,
        /// Local for the result.
        into: Option<Name>,
    },
    /// `mu.RLock()`
    RLock {
        /// The RWMutex.
        mutex: ExprSrc,
    },
    /// `mu.RUnlock()`
    RUnlock {
        /// The RWMutex.
        mutex: ExprSrc,
    },
    /// `wg.Add(n)`
    Add {
        /// The WaitGroup.
        wg: ExprSrc,
        /// The delta.
        delta: ExprSrc,
    },
    /// `wg.Done()`
    Done {
        /// The WaitGroup.
        wg: ExprSrc,
    },
    /// `wg.Wait()` or `c.Wait()` (WaitGroup or Cond), or `err := g.Wait()`
    /// (an `errgroup.Group`)
    Wait {
        /// The WaitGroup, Cond or group.
        target: ExprSrc,
        /// Where a group's first error goes.
        into: Option<Name>,
    },
    /// `c.Signal()`
    Signal {
        /// The Cond.
        cond: ExprSrc,
    },
    /// `c.Broadcast()`
    Broadcast {
        /// The Cond.
        cond: ExprSrc,
    },
    /// `once.Do(func() { body })`
    Do {
        /// The Once.
        once: ExprSrc,
        /// The function run at most once.
        body: Block,
    },
    /// `cancel()`
    Cancel {
        /// The cancel function.
        cancel: ExprSrc,
    },
    /// `stopped := t.Stop()`
    Stop {
        /// The timer or ticker.
        timer: ExprSrc,
        /// Local for the result.
        into: Option<Name>,
    },
    /// `active := t.Reset(d)`
    Reset {
        /// The timer or ticker.
        timer: ExprSrc,
        /// The new duration.
        duration: Option<ExprSrc>,
        /// Local for the result.
        into: Option<Name>,
    },
    /// `time.Sleep(d)`
    Sleep {
        /// The duration.
        duration: Option<ExprSrc>,
    },

    // ----- atomics -----
    /// `v := atomic.LoadInt64(&x)`
    AtomicLoad {
        /// The shared variable (`x` or `*p`).
        var: ExprSrc,
        /// Local for the value.
        into: Name,
    },
    /// `atomic.StoreInt64(&x, v)`
    AtomicStore {
        /// The shared variable.
        var: ExprSrc,
        /// The value.
        value: ExprSrc,
    },
    /// `n := atomic.AddInt64(&x, d)`
    AtomicAdd {
        /// The shared variable.
        var: ExprSrc,
        /// The delta.
        delta: ExprSrc,
        /// Local for the new value.
        into: Option<Name>,
    },
    /// `ok := atomic.CompareAndSwapInt64(&x, old, new)`
    CompareAndSwap {
        /// The shared variable.
        var: ExprSrc,
        /// Expected value.
        old: ExprSrc,
        /// New value.
        new: ExprSrc,
        /// Local for the result.
        into: Option<Name>,
    },

    // ----- control -----
    /// `if cond { then } else { else }`
    If {
        /// The condition.
        cond: ExprSrc,
        /// Then branch.
        then: Block,
        /// Else branch.
        els: Block,
    },
    /// `for var := from; var < to; var++ { body }`
    For {
        /// The loop variable (a local).
        var: Option<Name>,
        /// Start (default 0).
        from: Option<ExprSrc>,
        /// End, exclusive.
        to: ExprSrc,
        /// The body.
        body: Block,
        /// The loop's label, for `Break`/`Continue`.
        label: Option<Name>,
    },
    /// `for cond { body }`
    While {
        /// The condition.
        cond: ExprSrc,
        /// The body.
        body: Block,
        /// The loop's label, for `Break`/`Continue`.
        label: Option<Name>,
    },
    /// `for { body }`
    Loop {
        /// The body.
        body: Block,
        /// The loop's label, for `Break`/`Continue`.
        label: Option<Name>,
    },
    /// `break` / `break label`
    Break {
        /// The labelled statement to leave (innermost loop, select or
        /// switch when `None`).
        label: Option<Name>,
    },
    /// `continue` / `continue label`
    Continue {
        /// The labelled loop to continue (innermost loop when `None`).
        label: Option<Name>,
    },
    /// `return` / `return v` / `return v, err` (`Return(["v", "err"])`)
    Return {
        /// The returned value (the first, when there are several).
        value: Option<ExprSrc>,
        /// The values after the first, for a function with several
        /// results.
        more: Vec<ExprSrc>,
    },
    /// A choice point: `into` takes each of `values` in turn (an input or error return).
    Choose {
        /// The local that receives the choice.
        into: Name,
        /// The alternatives.
        values: Vec<ExprSrc>,
    },
    /// A choice point between blocks (`fn()` may fail: `Either([[Return], []])`).
    Either {
        /// The alternatives.
        branches: Vec<Block>,
    },
    /// `var m sync.Map`
    SyncMap {
        /// The map.
        name: Name,
    },
    /// `v, ok := m.Load(k)` (a `sync.Map`)
    SyncLoad {
        /// The map.
        map: ExprSrc,
        /// The key.
        key: ExprSrc,
        /// Where the value goes (nil when absent).
        into: Option<Name>,
        /// Where the presence flag goes.
        ok: Option<Name>,
    },
    /// `m.Store(k, v)` (a `sync.Map`)
    SyncStore {
        /// The map.
        map: ExprSrc,
        /// The key.
        key: ExprSrc,
        /// The value.
        value: ExprSrc,
    },
    /// `actual, loaded := m.LoadOrStore(k, v)`
    SyncLoadOrStore {
        /// The map.
        map: ExprSrc,
        /// The key.
        key: ExprSrc,
        /// The value stored when the key is absent.
        value: ExprSrc,
        /// Where the value in the map after the call goes.
        into: Option<Name>,
        /// Where "the key was present" goes.
        loaded: Option<Name>,
    },
    /// `v, loaded := m.LoadAndDelete(k)`
    SyncLoadAndDelete {
        /// The map.
        map: ExprSrc,
        /// The key.
        key: ExprSrc,
        /// Where the deleted value goes (nil when absent).
        into: Option<Name>,
        /// Where "the key was present" goes.
        loaded: Option<Name>,
    },
    /// `var g errgroup.Group`
    Group {
        /// The group.
        name: Name,
    },
    /// `g, ctx := errgroup.WithContext(parent)`
    GroupWithContext {
        /// The group.
        group: Name,
        /// The derived context (cancelled by the first error or by `Wait`).
        ctx: Name,
        /// The parent context (default `context.Background()`).
        parent: Option<ExprSrc>,
    },
    /// `g.Go(func() error { body })` or `g.Go(f)` (`f(args)`, a function
    /// returning an error).
    GroupGo {
        /// The group.
        group: ExprSrc,
        /// The function, or `None` for an anonymous body.
        func: Option<Name>,
        /// Arguments.
        args: Vec<ExprSrc>,
        /// The anonymous body (empty when `func` is set).
        body: Block,
    },
    /// `g.SetLimit(n)`
    SetLimit {
        /// The group.
        group: ExprSrc,
        /// The limit (negative: none).
        limit: ExprSrc,
    },
    /// `ctx := context.WithValue(parent, key, value)`
    WithValue {
        /// The new context.
        ctx: Name,
        /// Its parent.
        parent: ExprSrc,
        /// The key (evaluated, otherwise unused).
        key: ExprSrc,
        /// The value (evaluated, otherwise unused).
        value: ExprSrc,
    },
    /// `go f(args)`, or `go func() { body }()` when `func` is `None`.
    Go {
        /// The function started, or `None` for an anonymous body.
        func: Option<Name>,
        /// Arguments.
        args: Vec<ExprSrc>,
        /// The anonymous body (empty when `func` is set).
        body: Block,
    },
    /// `r := f(args)` / `v, err := f(args)` (`into: ["v", "err"]`)
    Call {
        /// The function called.
        func: Name,
        /// Arguments.
        args: Vec<ExprSrc>,
        /// Local for the result (the first, when there are several).
        into: Option<Name>,
        /// Locals for the results after the first (`None` for `_`);
        /// empty unless `into` is a list of two names or more.
        more: Vec<Option<Name>>,
    },
    /// `defer func() { body }()`, or `defer recover()` (the direct form:
    /// recover is then not called by a deferred function, so it stops no
    /// panic, as in Go).
    Defer {
        /// The deferred statements.
        body: Block,
        /// `Some` for the direct form `defer recover()`: where `recover()`
        /// is written.
        direct_recover: Option<Span>,
    },
    /// `panic(msg)`
    Panic {
        /// The panic message.
        message: String,
    },
    /// `r := recover()` (r is true when a panic was stopped)
    Recover {
        /// Local for the result.
        into: Option<Name>,
    },
    /// A wrong-result check: fails the run when `cond` is false.
    Assert {
        /// The condition.
        cond: ExprSrc,
        /// The message reported.
        message: String,
    },
}
