//! Plain data describing a checked scenario, its bugs and their
//! counterexamples. Field names are the JSON schema (documented in
//! reports/README.md); the checker fills them in, the renderers only read
//! them.

use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// The version of the JSON schema these types produce.
pub const SCHEMA_VERSION: u32 = 1;

/// Declares a closed vocabulary of the views: an enum whose variants are
/// spelled in JSON and text as given (serde renames), with `as_str`,
/// `Display`, and comparison with its spelling (`status == "blocked"`).
macro_rules! vocabulary {
    ($(#[$m:meta])* pub enum $name:ident {
        $($(#[$vm:meta])* $variant:ident => $word:literal,)*
    }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $word)] $variant,)*
        }

        impl $name {
            /// Its spelling in JSON and text.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)*
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }
    };
}

vocabulary! {
    /// The kind of a bug.
    pub enum BugKind {
        /// Every goroutine is blocked and main has not returned.
        Deadlock => "deadlock",
        /// A goroutine blocked forever (a partial deadlock).
        Leak => "leak",
        /// A data race.
        Race => "race",
        /// A panic or fatal error crashed the program.
        Panic => "panic",
        /// A failed assertion.
        Assert => "assert",
        /// A cancel function never called.
        ContextLeak => "context-leak",
        /// A goroutine loops forever without a synchronisation operation.
        Spin => "spin",
        /// A running timer or ticker nothing can reach or stop (Go 1.22).
        ResourceLeak => "resource-leak",
    }
}

impl BugKind {
    /// Every kind, in the order of [`BugKind::index`].
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

    /// Its place in [`BugKind::ALL`] (a SARIF rule's index).
    pub fn index(self) -> usize {
        match self {
            BugKind::Deadlock => 0,
            BugKind::Leak => 1,
            BugKind::Race => 2,
            BugKind::Panic => 3,
            BugKind::Assert => 4,
            BugKind::ContextLeak => 5,
            BugKind::Spin => 6,
            BugKind::ResourceLeak => 7,
        }
    }
}

vocabulary! {
    /// The study's behaviour axis.
    pub enum Behavior {
        /// Goroutines get stuck.
        Blocking => "blocking",
        /// Something goes wrong while everyone moves.
        NonBlocking => "non-blocking",
    }
}

vocabulary! {
    /// The study's cause axis.
    pub enum Cause {
        /// Locks, atomics, shared variables.
        SharedMemory => "shared-memory",
        /// Channels, select, contexts, timers.
        MessagePassing => "message-passing",
    }
}

impl Cause {
    /// The cause in running text (`shared memory`).
    pub fn words(self) -> &'static str {
        match self {
            Cause::SharedMemory => "shared memory",
            Cause::MessagePassing => "message passing",
        }
    }
}

vocabulary! {
    /// Whether a step switched goroutines.
    pub enum SwitchMark {
        /// The same goroutine goes on (or a timer fires, or the first step).
        None => "none",
        /// The previous goroutine blocked or ended.
        Switch => "switch",
        /// The previous goroutine could have gone on.
        Preemption => "preemption",
    }
}

vocabulary! {
    /// A goroutine's state at the end of a counterexample.
    pub enum GoroutineStatus {
        /// No move is enabled.
        Blocked => "blocked",
        /// It could move.
        Runnable => "runnable",
        /// It loops forever without a visible operation.
        Spinning => "spinning",
        /// A `time.AfterFunc` or `context.AfterFunc` callback's goroutine
        /// still waiting for its timer or context: Go has not started it.
        NotStarted => "not-started",
        /// It has ended.
        Exited => "exited",
        /// Main has returned.
        Returned => "returned",
        /// Its step crashed the program.
        Crashed => "crashed",
    }
}

vocabulary! {
    /// The part a pending operation plays in a bug.
    pub enum Role {
        /// One access of a race.
        Races => "races",
        /// An operation a goroutine is blocked on.
        Blocked => "blocked",
        /// The operation that crashed the program, in the local code its
        /// goroutine ran after its last step (no step's own operation).
        Crashes => "crashes",
    }
}

vocabulary! {
    /// Why one goroutine waits for another.
    pub enum Relation {
        /// The other holds what it needs.
        HeldBy => "held-by",
        /// The other has an operation ahead that would release it.
        CouldRelease => "could-release",
        /// The other is an RWMutex writer waiting for the lock, which new
        /// readers and writers queue behind (it does not hold it).
        QueuedBehind => "queued-behind",
    }
}

vocabulary! {
    /// How a counterexample was chosen.
    pub enum Search {
        /// Proven fewest preemptions, then fewest steps.
        Minimal => "minimal",
        /// The checker's breadth-first schedule.
        Shortest => "shortest",
        /// A schedule given to `weft replay`.
        Replayed => "replayed",
    }
}

vocabulary! {
    /// What a blocked goroutine is trying to do, after its name.
    pub enum WaitVerb {
        /// Nothing more precise is known.
        WaitsOn => "waits on",
        /// A channel send.
        WaitsToSendOn => "waits to send on",
        /// A channel receive.
        WaitsToReceiveFrom => "waits to receive from",
        /// A select with no ready case.
        WaitsInSelectOn => "waits in a select on",
        /// `Lock`.
        WaitsToLock => "waits to lock",
        /// `RLock`.
        WaitsToReadLock => "waits to read-lock",
        /// The second phase of an RWMutex `Lock`.
        WaitsForReadersToLeave => "waits for the readers to leave",
        /// WaitGroup `Wait`.
        WaitsFor => "waits for",
        /// Cond `Wait`, before a signal.
        WaitsForSignalOn => "waits for a signal on",
        /// Cond `Wait`, signalled, relocking.
        WaitsToRelockLockerOf => "waits to relock the Locker of",
        /// `once.Do` while another goroutine runs it.
        WaitsToEnterOnceDoOf => "waits to enter once.Do of",
    }
}

impl WaitVerb {
    /// Why nobody can release a goroutine waiting so, when nobody can.
    pub fn nobody(self) -> &'static str {
        match self {
            WaitVerb::WaitsToSendOn => "nobody left can receive from it",
            WaitVerb::WaitsToReceiveFrom => "nobody left can send on it, close it or cancel it",
            WaitVerb::WaitsInSelectOn => "nobody left can complete any of its cases",
            WaitVerb::WaitsFor => "nobody left can call Done on it",
            WaitVerb::WaitsForSignalOn => "nobody left can signal it",
            WaitVerb::WaitsToEnterOnceDoOf => "nobody left can finish it",
            WaitVerb::WaitsOn
            | WaitVerb::WaitsToLock
            | WaitVerb::WaitsToReadLock
            | WaitVerb::WaitsForReadersToLeave
            | WaitVerb::WaitsToRelockLockerOf => "nobody left can unlock it",
        }
    }
}

vocabulary! {
    /// An operation that would release a waiter.
    pub enum Release {
        /// A send, for a receiver.
        SendOn => "send on",
        /// A receive, for a sender.
        ReceiveFrom => "receive from",
        /// A close, for a receiver.
        Close => "close",
        /// An unlock, for a locker.
        Unlock => "unlock",
        /// A read-unlock, for a writer.
        ReadUnlock => "read-unlock",
        /// `Done`, for a WaitGroup waiter.
        CallDoneOn => "call Done on",
        /// `Signal` or `Broadcast`, for a Cond waiter.
        Signal => "signal",
        /// A cancel, for a `Done()` receiver.
        Cancel => "cancel",
        /// The end of a running `once.Do`.
        FinishOnceDoOf => "finish once.Do of",
    }
}

/// A fact that explains a wait by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WaitNote {
    /// A send or receive on a nil channel.
    NilChannel,
    /// `select {}`.
    EmptySelect,
    /// A select whose every case is on a nil channel.
    EveryCaseNil,
    /// An RLock behind a pending writer.
    WriterPending,
    /// A WaitGroup's counter.
    Counter(i64),
    /// The channel is a running ticker's: it sends at every tick.
    TickerRunning,
    /// The channel is a pending timer's: it sends when the timer fires.
    TimerPending,
    /// The channel is the `Done()` of a context whose deadline (or an
    /// ancestor's) is pending: it closes when the deadline expires.
    DeadlinePending,
}

impl fmt::Display for WaitNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitNote::NilChannel => f.write_str("the channel is nil: it is never ready"),
            WaitNote::EmptySelect => f.write_str("`select {}` blocks forever"),
            WaitNote::EveryCaseNil => f.write_str("every case is on a nil channel"),
            WaitNote::WriterPending => {
                f.write_str("a writer is waiting for the lock, so new readers wait too")
            }
            WaitNote::Counter(n) => write!(f, "its counter is {n}"),
            WaitNote::TickerRunning => {
                f.write_str("its ticker is running: it sends on it at every tick")
            }
            WaitNote::TimerPending => {
                f.write_str("its timer is pending: it sends on it when it fires")
            }
            WaitNote::DeadlinePending => f.write_str(
                "the context's deadline is pending: it closes the channel when it expires",
            ),
        }
    }
}

impl Serialize for WaitNote {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What a step did (or what an enabled transition would do).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// A channel send.
    Send,
    /// A channel receive.
    Receive,
    /// A close.
    Close,
    /// Select case `n` (1-based).
    SelectCase(u32),
    /// The select's default.
    SelectDefault,
    /// `Lock` (its first phase, for an RWMutex).
    Lock,
    /// The second phase of an RWMutex `Lock`, once the readers are gone.
    LockReadersGone,
    /// `Unlock`.
    Unlock,
    /// `TryLock`.
    TryLock,
    /// `RLock`.
    ReadLock,
    /// `RUnlock`.
    ReadUnlock,
    /// WaitGroup `Add` (or `Done`).
    Add,
    /// WaitGroup or Cond `Wait` (its first phase).
    Wait,
    /// Cond `Wait`'s second phase: woken, relock.
    WakeAndRelock,
    /// WaitGroup `Wait`'s second phase: released, it returns (or panics,
    /// when the WaitGroup was reused before it returned).
    WaitWoken,
    /// Cond `Signal`.
    Signal,
    /// Cond `Broadcast`.
    Broadcast,
    /// Entering `once.Do`.
    OnceDo,
    /// Leaving `once.Do`.
    OnceDoReturns,
    /// A cancel function call.
    Cancel,
    /// `ctx.Err()`.
    CtxErr,
    /// Timer `Stop`.
    StopTimer,
    /// Timer `Reset`.
    ResetTimer,
    /// `append`: copies a slice's elements into a new slice.
    Append,
    /// `time.AfterFunc` or `context.AfterFunc`: registers a callback and
    /// starts the goroutine that will run it.
    AfterFunc,
    /// A callback's goroutine sees its timer fire or its context done (or
    /// its registration stopped, and ends).
    CallbackTrigger,
    /// A read of a shared variable or map.
    Read,
    /// A write of a shared variable or map.
    Write,
    /// A map delete.
    Delete,
    /// `len` of a channel or map.
    Len,
    /// The next iteration of a range over a map: alternative `n`
    /// (1-based) among the keys it may produce, the last one ending the
    /// loop when it may end.
    RangeMap(u32),
    /// An atomic load.
    AtomicLoad,
    /// An atomic store.
    AtomicStore,
    /// An atomic add.
    AtomicAdd,
    /// An atomic compare-and-swap.
    CompareAndSwap,
    /// A `go` statement.
    Go,
    /// Choice-point alternative `n` (1-based).
    Choice(u32),
    /// A panic.
    Panic,
    /// An assertion.
    Assert,
    /// A sleep.
    Sleep,
    /// Making an object.
    Make,
    /// A local instruction (never a step's own operation).
    Local,
    /// An unbuffered send handed over to its receiver in one step.
    SendHandedOver,
    /// Select case `n` (1-based) of a sender, handed over in one step.
    SelectCaseHandedOver(u32),
    /// A send handed over to the named goroutine (an enabled choice).
    SendTo(String),
    /// A timer fires.
    TimerFires,
    /// A ticker ticks.
    TickerTicks,
    /// A context's deadline expires.
    DeadlineExpires,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = match self {
            Action::SelectCase(n) => return write!(f, "select: case {n}"),
            Action::Choice(n) => return write!(f, "choice {n}"),
            Action::RangeMap(n) => return write!(f, "range over map: choice {n}"),
            Action::SelectCaseHandedOver(n) => return write!(f, "select: case {n} (handed over)"),
            Action::SendTo(g) => return write!(f, "send to {g}"),
            Action::Send => "send",
            Action::Receive => "receive",
            Action::Close => "close",
            Action::SelectDefault => "select: default",
            Action::Lock => "lock",
            Action::LockReadersGone => "lock (readers gone)",
            Action::Unlock => "unlock",
            Action::TryLock => "trylock",
            Action::ReadLock => "read-lock",
            Action::ReadUnlock => "read-unlock",
            Action::Add => "add",
            Action::Wait => "wait",
            Action::WakeAndRelock => "wake and relock",
            Action::WaitWoken => "wake",
            Action::Signal => "signal",
            Action::Broadcast => "broadcast",
            Action::OnceDo => "once.Do",
            Action::OnceDoReturns => "once.Do returns",
            Action::Cancel => "cancel",
            Action::CtxErr => "ctx.Err",
            Action::StopTimer => "stop timer",
            Action::ResetTimer => "reset timer",
            Action::AfterFunc => "AfterFunc",
            Action::Append => "append",
            Action::CallbackTrigger => "callback triggered",
            Action::Read => "read",
            Action::Write => "write",
            Action::Delete => "delete",
            Action::Len => "len",
            Action::AtomicLoad => "atomic load",
            Action::AtomicStore => "atomic store",
            Action::AtomicAdd => "atomic add",
            Action::CompareAndSwap => "compare-and-swap",
            Action::Go => "go",
            Action::Panic => "panic",
            Action::Assert => "assert",
            Action::Sleep => "sleep",
            Action::Make => "make",
            Action::Local => "step",
            Action::SendHandedOver => "send (handed over)",
            Action::TimerFires => "timer fires",
            Action::TickerTicks => "ticker ticks",
            Action::DeadlineExpires => "context deadline expires",
        };
        f.write_str(word)
    }
}

impl Serialize for Action {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A position in a scenario file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
    /// The source text of the operation, comments dropped and whitespace
    /// collapsed to one line.
    pub text: String,
}

/// The study's taxonomy of a bug.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaxonomyView {
    /// `blocking` or `non-blocking`.
    pub behavior: Behavior,
    /// `shared-memory` or `message-passing`.
    pub cause: Cause,
}

/// A goroutine's column in the schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LaneView {
    /// Its name: `main`, or its function and spawn number (`worker#2`).
    pub goroutine: String,
    /// Spawn number, as in schedule tokens (0 is main).
    pub number: u32,
    /// The function it started in.
    pub function: String,
    /// The step that started it (absent for main).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_by: Option<usize>,
}

/// The receiving side of a hand-off step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartnerView {
    /// Its lane (index into `lanes`).
    pub lane: usize,
    /// Its name.
    pub goroutine: String,
    /// Its operation as written.
    pub op: String,
    /// What it did (`receive`, `select: case 2`).
    pub action: Action,
    /// Line of its operation.
    pub line: u32,
    /// Column of its operation.
    pub col: u32,
    /// With `--values`: the locals its operation read and the step wrote.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locals: Vec<LocalView>,
}

vocabulary! {
    /// How a step touched a local.
    pub enum LocalAccess {
        /// Its operation read it.
        Read => "read",
        /// The step wrote it.
        Write => "write",
    }
}

/// A local a step read or wrote, with its value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LocalView {
    /// Its name.
    pub name: String,
    /// Its value (before the step for a read, after it for a write), as
    /// Go would print it; an object by its name.
    pub value: String,
    /// `read` or `write`.
    pub access: LocalAccess,
}

/// The alternative a choice point (`Choose`, `Either`) took.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChosenView {
    /// The local that gets the value (absent for an `Either`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local: Option<String>,
    /// The value chosen; for an `Either`, the 1-based branch.
    pub value: String,
    /// Which alternative, 1-based (the `cN` of the schedule).
    pub alt: u32,
    /// How many alternatives there were.
    pub of: usize,
    /// The choice in words: `ok = true`, `branch 1 of 2`.
    pub sentence: String,
}

/// One step of a counterexample.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepView {
    /// 1-based step number.
    pub index: usize,
    /// The step's item in the schedule token (`2`, `0s3`, `1>0`, `t`).
    pub item: String,
    /// The lane of the goroutine that moved; `None` for a timer firing.
    pub lane: Option<usize>,
    /// The goroutine that moved (the sender of a hand-off), or `timer`.
    pub goroutine: String,
    /// The operation as written in the scenario (for a select, the case
    /// taken); for a timer, the operation that made it.
    pub op: String,
    /// What happened (`send`, `select: case 2`, `choice 1`, `timer fires`).
    pub action: Action,
    /// Line of the operation (for a timer: where it was made; 0 if unknown).
    pub line: u32,
    /// Column of the operation.
    pub col: u32,
    /// The receiver of a hand-off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner: Option<PartnerView>,
    /// `none`, `switch` (the previous goroutine blocked or ended) or
    /// `preemption` (it could have gone on).
    pub switch: SwitchMark,
    /// False for a step that cannot matter to the bug: concurrent with it
    /// and touching nothing it depends on. The text report folds these.
    pub relevant: bool,
    /// True for the step that shows the bug (a crash, a context leak).
    pub failing: bool,
    /// Earlier steps of other goroutines this one synchronises with
    /// (spawns and successive operations on one synchronisation object),
    /// by index: the edges of the happens-before graph besides program order.
    pub after: Vec<usize>,
    /// For a choice point (`Choose`, `Either`), the alternative taken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chosen: Option<ChosenView>,
    /// With `--values`: the locals of the goroutine that moved that its
    /// operation read and the step wrote.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locals: Vec<LocalView>,
}

/// An operation about to happen at the end of a counterexample that is part
/// of the bug: both accesses of a race, the operations goroutines are
/// blocked on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PendingView {
    /// The goroutine's lane.
    pub lane: usize,
    /// Its name.
    pub goroutine: String,
    /// The operation as written.
    pub op: String,
    /// `races` or `blocked`.
    pub role: Role,
    /// Line.
    pub line: u32,
    /// Column.
    pub col: u32,
}

/// An operation ahead of a goroutine that would release a waiter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReleaseView {
    /// The goroutine that could do it.
    pub goroutine: String,
    /// What it would do (`receive from`, `call Done on`).
    pub what: Release,
    /// The object.
    pub object: String,
    /// Where.
    pub at: Location,
    /// True when a goroutine it would start does it.
    pub via_spawn: bool,
}

/// What a blocked goroutine waits for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WaitView {
    /// What it is trying to do: `send on`, `receive from`, `lock`, ...
    pub verb: WaitVerb,
    /// The objects it waits on, by name (`` `ch` ``, `` Mutex `mu` ``).
    pub objects: Vec<String>,
    /// Goroutines holding what it needs.
    pub held_by: Vec<String>,
    /// RWMutex writers waiting for the lock (not holding it) that it
    /// queues behind.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub queued_behind: Vec<String>,
    /// Operations ahead of live goroutines that would release it.
    pub could_release: Vec<ReleaseView>,
    /// A fact that explains the wait (`its counter is 2`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<WaitNote>,
    /// Set when the search for releasers stopped at this many instructions
    /// of code ahead: `could_release` may then be incomplete.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undetermined_after: Option<usize>,
    /// The whole explanation in one sentence.
    pub why: String,
}

/// A goroutine at the end of a counterexample.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GoroutineView {
    /// Its name.
    pub goroutine: String,
    /// Spawn number.
    pub number: u32,
    /// `blocked`, `runnable`, `spinning`, `exited` (or `returned` for main),
    /// or `crashed` for the goroutine whose step crashed the program.
    pub status: GoroutineStatus,
    /// Where it stands (absent once it has ended).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Location>,
    /// What it waits for, when blocked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting: Option<WaitView>,
    /// When it stands inside a call: the functions it is in, outermost
    /// first, each with where it stands in it (the call, then the
    /// operation).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub call_chain: Vec<CallView>,
}

/// A function a goroutine is in, and where it stands in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallView {
    /// The function.
    pub function: String,
    /// Line of the call it makes (of the operation, in the innermost).
    pub line: u32,
    /// Column.
    pub col: u32,
}

/// An edge of the wait-for graph.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WaitEdgeView {
    /// The waiting goroutine.
    pub from: String,
    /// The goroutine it waits for.
    pub to: String,
    /// The object between them.
    pub object: String,
    /// `held-by` or `could-release`.
    pub relation: Relation,
    /// The edge in words: ``waits to lock Mutex `f1`, held by phil#2``.
    pub label: String,
}

/// The wait-for graph at the end of a counterexample.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WaitForView {
    /// Its edges.
    pub edges: Vec<WaitEdgeView>,
    /// A cycle, as indices into `edges` in order (empty when there is none).
    pub cycle: Vec<usize>,
    /// When there is no cycle: from each blocked goroutine that waits for
    /// a lock's holder (or a writer it queues behind) and that nobody waits
    /// for so, the chain of such edges to the goroutine at its end.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chains: Vec<WaitChainView>,
}

/// A chain of held-by (and queued-behind) edges of the wait-for graph,
/// ending at a goroutine that waits for no holder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WaitChainView {
    /// Its edges, as indices into the graph's `edges`, in order.
    pub edges: Vec<usize>,
    /// The goroutine at its end.
    pub end: String,
    /// The chain in words, with what the goroutine at its end does.
    pub sentence: String,
}

vocabulary! {
    /// Where a goroutine is in one state of a counterexample (the review
    /// page's step-by-step view; the end row says `blocked` only of a
    /// goroutine blocked for good, this says what holds in that state).
    pub enum LaneStatus {
        /// Its `go` statement has not run yet.
        NotStarted => "not-started",
        /// It has a move enabled in this state.
        Ready => "ready",
        /// It has no move enabled in this state.
        Waiting => "waiting",
        /// It has ended.
        Exited => "exited",
        /// Main has returned.
        Returned => "returned",
        /// Its step crashed the program.
        Crashed => "crashed",
    }
}

/// A goroutine in one state of a counterexample.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LaneStateView {
    /// Where it is.
    pub status: LaneStatus,
    /// Its next operation (absent when it has not started or has ended).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Location>,
}

/// An object in one state of a counterexample.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ObjectStateView {
    /// How reports name it (`` channel `ch` ``, `` Mutex `mu` ``).
    pub object: String,
    /// Its state in words (`2 buffered of 3: 1, 2`, `held by worker#1`,
    /// `counter 2`).
    pub state: String,
    /// Who holds it: the writer of a Mutex or RWMutex, then its readers;
    /// the goroutine running a `once.Do`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub held_by: Vec<String>,
    /// A channel's buffered values, oldest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buffered: Option<Vec<String>>,
    /// A WaitGroup's counter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counter: Option<i64>,
}

/// The run of a counterexample before its first step or after a step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SnapshotView {
    /// The step just taken (0: the start, before any step).
    pub step: usize,
    /// Every lane of the counterexample, in lane order.
    pub lanes: Vec<LaneStateView>,
    /// The objects that exist in this state, in the order the run made
    /// them.
    pub objects: Vec<ObjectStateView>,
}

/// How the counterexample was chosen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MinimalityView {
    /// `minimal` (proven fewest preemptions, then fewest steps), `shortest`
    /// (the checker's breadth-first schedule, when the minimal search hit
    /// its cap) or `replayed` (a schedule given to `weft replay`).
    pub search: Search,
    /// Steps.
    pub steps: usize,
    /// Context switches (including preemptions).
    pub context_switches: usize,
    /// Preemptions: switches away from a goroutine that could have gone on.
    pub preemptions: usize,
    /// The claim in words.
    pub note: String,
}

/// A place where the Go import over-approximated (data weft does not
/// track: a condition explored both ways, a value sent as 0) that a
/// counterexample goes through: the bug may need that data to be what Go
/// never makes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AbstractionView {
    /// Line of the abstraction in the Go file.
    pub line: u32,
    /// Its column.
    pub col: u32,
    /// What the import did there (its `note: abstraction:` sentence).
    pub what: String,
}

/// One bug and its counterexample.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BugView {
    /// `deadlock`, `leak`, `race`, `panic`, `assert`, `context-leak` or
    /// `spin`.
    pub kind: BugKind,
    /// The kind in words: `global deadlock`, `goroutine leak`, ...
    pub title: String,
    /// The study's classification of this bug.
    pub taxonomy: TaxonomyView,
    /// Go's message (`panic: send on closed channel`, `fatal error: all
    /// goroutines are asleep - deadlock!`), or weft's description.
    pub message: String,
    /// The goroutine where the bug shows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goroutine: Option<String>,
    /// Where the bug shows.
    pub location: Location,
    /// Other locations involved (the second access of a race, other blocked
    /// goroutines).
    pub related: Vec<Location>,
    /// The replay token.
    pub schedule: String,
    /// How the schedule was chosen, and its switch counts.
    pub minimality: MinimalityView,
    /// The command that replays the counterexample.
    pub reproduce: String,
    /// The goroutines of the schedule, in spawn order: the table's columns.
    pub lanes: Vec<LaneView>,
    /// The counterexample's steps.
    pub steps: Vec<StepView>,
    /// Operations about to happen at the end that are part of the bug.
    pub pending: Vec<PendingView>,
    /// Every goroutine of the run at the end.
    pub goroutines: Vec<GoroutineView>,
    /// Who waits for whom at the end.
    pub wait_for: WaitForView,
    /// Why the bug happens, in sentences (for a leak: why nobody can release
    /// the goroutine).
    pub explanation: Vec<String>,
    /// For a scenario imported from Go: the import's abstractions that the
    /// counterexample's steps go through, in step order (empty, and left out
    /// of JSON, when it goes through none: the bug is Go's as it stands).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub abstractions: Vec<AbstractionView>,
    /// What this one report of a distinct bug stands for (absent in a
    /// replay's report, which shows one run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covers: Option<CoversView>,
    /// The run step by step: the start, then the state after each step
    /// (`steps.len() + 1` of them). Filled only when asked for (the review
    /// page, `weft check --html`); otherwise empty and left out of JSON.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub states: Vec<SnapshotView>,
}

/// What one report of a distinct bug stands for: a deadlock or a leak is
/// its kind and the set of operations blocked forever at its end, any
/// other bug its kind and code locations (checker/README.md, "One report
/// per bug").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CoversView {
    /// The detectors' findings it stands for: one per operation blocked
    /// forever (several goroutines may stand at one) for a leak of
    /// goroutines stuck together, else 1.
    pub findings: usize,
    /// Where each finding shows (the blocked operations of a leak), in
    /// order.
    pub sites: Vec<Location>,
    /// How many times the search met them (the most any of them was met):
    /// the states, bottom components or steps of the explored graph that
    /// show them (fewer with partial-order reduction, which explores
    /// fewer).
    pub times_found: usize,
    /// The sentence the text report prints.
    pub sentence: String,
}

/// Search counters.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StatsView {
    /// Distinct states.
    pub states: usize,
    /// Transitions executed.
    pub transitions: usize,
    /// Wall time.
    pub seconds: f64,
    /// Deepest level.
    pub max_depth: usize,
    /// Bytes the explored graph holds per stored state.
    pub bytes_per_state: usize,
    /// The process's peak resident memory, in bytes, when the search ended.
    pub peak_resident_bytes: Option<u64>,
    /// The store the search kept its states in: `full`, `fingerprint` or
    /// `bitstate=SIZE` (the default, `auto`, chooses one of the first two).
    pub store: String,
    /// The reduction applied: `none`, `por`, or that por fell back.
    pub reduction: String,
    /// Distinct program states among the stored ones (a state is stored
    /// once per sleep set it is reached with); absent when the store keeps
    /// only the nodes' fingerprints.
    pub distinct_states: Option<usize>,
    /// Maximal runs through the explored graph, when it is acyclic and
    /// complete (with partial-order reduction: one per Mazurkiewicz trace).
    pub complete_runs: Option<u128>,
    /// How many stored states lie on a complete run, when the runs are
    /// counted: the others lie only on explorations that end with every
    /// remaining transition asleep.
    pub states_on_complete_runs: Option<usize>,
    /// With `--store fingerprint`: the chance that two visited states
    /// shared a fingerprint, so that one was taken for visited and what
    /// lies beyond it was not explored (absent with the exact full store).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collision_probability: Option<f64>,
    /// With `--store bitstate=SIZE`: what the bit array stored and may
    /// have missed (absent with the other stores).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bitstate: Option<BitstateView>,
    /// With `--store fingerprint`: what the frontier (the states waiting
    /// to be expanded, kept in full) held in memory and wrote to files
    /// (absent with the other stores).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frontier: Option<FrontierView>,
    /// With `--reduction dpor` applied: what stateless DPOR explored
    /// (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dpor: Option<DporView>,
}

/// What stateless DPOR explored before the graph was built from its
/// choices (`--reduction dpor`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DporView {
    /// Runs explored to their end (no step left, or a crash): at least one
    /// per Mazurkiewicz trace.
    pub runs: u128,
    /// Runs abandoned with every enabled step asleep.
    pub blocked_runs: u128,
    /// Steps executed over all runs.
    pub steps: u64,
    /// Distinct states visited.
    pub states: usize,
    /// The chance that two visited states shared the 128-bit hash the
    /// search keeps its choices by (then one state's choices would be
    /// taken for the other's): at most `states^2 / 2^129`.
    pub collision_probability: f64,
}

/// What a fingerprint search's frontier held in memory and spilled to
/// files (`--frontier-memory`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FrontierView {
    /// The most bytes its waiting states held in memory at once.
    pub peak_memory_bytes: u64,
    /// The most bytes its waiting states and the states in flight (taken
    /// out to be expanded, and their successors not yet stored) held
    /// together: `peak_memory_bytes` on one thread, more on several. A
    /// measurement: it depends on the number of threads.
    pub peak_with_in_flight_bytes: u64,
    /// Bytes written to disk over the search.
    pub spilled_bytes: u64,
    /// The most bytes waiting on disk at once (the file's whole length
    /// where the file system could not free what was read back).
    #[serde(skip_serializing_if = "is_zero")]
    pub peak_disk_bytes: u64,
    /// Segments written (one after the other, to one file).
    pub segments: u64,
    /// Why it stopped writing to files (a disk error), if it did: it kept
    /// the states in memory from then on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// Why a file could not be read back, if one could not: its waiting
    /// states (`lost`) were rebuilt from their paths.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_failure: Option<String>,
    /// Waiting states rebuilt because their file could not be read back.
    #[serde(skip_serializing_if = "is_zero")]
    pub lost: u64,
    /// How much the process's peak resident memory grew over the search
    /// beyond the frontier's most bytes, the states in flight included
    /// (absent where the system does not
    /// say): what the visited set and the rest of the search cost. A
    /// measurement, so it differs from run to run.
    pub resident_beyond_bytes: Option<u64>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// What a bit-state search (`--store bitstate=SIZE`, supertrace) stored
/// and may have missed: the one view every format reads. Such a search is
/// partial by construction (a state whose bits were all set was taken for
/// visited), so its verdict is never "verified".
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BitstateView {
    /// The bit array's size in bytes.
    pub array_bytes: u64,
    /// Bits set per state (`k`).
    pub hash_functions: u32,
    /// SPIN's hash factor: bits of the array per state stored (best above
    /// 100).
    pub hash_factor: f64,
    /// The share of the array's bits set at the end.
    pub fill: f64,
    /// The chance, at the end, that a state never seen would have been
    /// taken for visited (`fill^k`); every omission had at most this chance.
    pub miss_probability: f64,
    /// Successors taken for visited that were not waiting in the frontier:
    /// states expanded before, or omissions (at most this many states were
    /// missed when first met; none when 0).
    pub unconfirmed: u64,
    /// The expected number of states missed when first met.
    pub expected_missed: f64,
    /// The estimated share of the states met that were stored:
    /// `states / (states + expected_missed)`. States only a missed one
    /// leads to are not counted: no bit-state search can count them.
    pub coverage: f64,
    /// The chance that at least one state was missed (`1 - e^-expected`).
    pub any_missed_probability: f64,
    /// Whether leaks and never-called cancels that only a cycle of states
    /// shows were decided as with the full store (every edge known, or a
    /// program whose runs are all finite); when not, they were looked for
    /// only in the states after the deepest state where each operation was
    /// blocked, and may be missed.
    pub cycles_decided: bool,
}

vocabulary! {
    /// What kept growing along the deepest path of a search cut by a limit.
    pub enum Growing {
        /// Live goroutines that started in one function.
        Goroutines => "goroutines",
        /// The values buffered in a channel.
        ChannelBuffer => "channel-buffer",
        /// A variable's value.
        Variable => "variable",
        /// A map's entries.
        MapSize => "map-size",
        /// Live objects made at one site.
        Objects => "objects",
    }
}

/// Something that kept growing when a limit cut the search: what to bound
/// for the state space to be finite.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GrowthView {
    /// Which measure grew.
    pub what: Growing,
    /// What grew, in words (``goroutines running `handler` ``,
    /// ``the buffer of channel `ch` ``, ``variable `count` ``).
    pub subject: String,
    /// The code that makes it grow: the `go` statement, or where the
    /// object is made or declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Location>,
    /// Its value in the start state.
    pub from: i64,
    /// Its value in the deepest state explored.
    pub to: i64,
    /// The length of the path along which it grew.
    pub depth: usize,
    /// The fact in one sentence.
    pub sentence: String,
}

/// The result of checking one scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScenarioReport {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The file checked.
    pub file: String,
    /// The scenario's name.
    pub scenario: String,
    /// One-line summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Origin of the bug.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// The study's taxonomy, as the scenario declares it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taxonomy: Option<TaxonomyView>,
    /// The Go version whose runtime semantics were checked (`1.22` or
    /// `1.23`: they differ in timers).
    pub go: String,
    /// Parameter values used.
    pub params: BTreeMap<String, i64>,
    /// Expected bug kinds (empty: clean).
    pub expect: Vec<BugKind>,
    /// True when every reachable state was explored.
    pub complete: bool,
    /// The bound that cut the search.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bound: Option<String>,
    /// True when the bug kinds found equal `expect` (and a clean verdict
    /// comes from a complete search).
    pub expected_met: bool,
    /// The bugs found.
    pub bugs: Vec<BugView>,
    /// Counters.
    pub stats: StatsView,
    /// When a limit cut the search: what kept growing along the deepest
    /// path explored, largest first (absent when nothing did).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub growth: Vec<GrowthView>,
    /// The operations some explored run executed whose result may show
    /// another goroutine's action without synchronising with it, in source
    /// order: a race ordered only by one of them is not looked for, so a
    /// clean verdict does not cover races (absent when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unsynced: Vec<UnsyncedView>,
}

vocabulary! {
    /// What an operation observed without synchronising.
    pub enum Unsynced {
        /// `len(ch)` of a channel.
        ChannelLen => "channel-len",
        /// A `select` took its `default`.
        SelectDefault => "select-default",
        /// `TryLock` failed.
        FailedTryLock => "failed-trylock",
        /// A timer's `Stop` or `Reset` returned false.
        StoppedTimer => "stopped-timer",
        /// `Signal` or `Broadcast` woke a `Wait` of a `sync.Cond`.
        CondWake => "cond-wake",
        /// An `Unlock`, `RUnlock` or `Done` at a site where some schedule
        /// crashes: where it succeeds, it may have unlocked another
        /// goroutine's lock or counted down another goroutine's `Add`.
        UnmatchedRelease => "unmatched-release",
    }
}

/// An operation whose result may show another goroutine's action with no
/// happens-before edge from it (Go's memory model gives none, and its race
/// detector reports the accesses it orders).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnsyncedView {
    /// What it observed.
    pub kind: Unsynced,
    /// Where.
    pub location: Location,
}

/// How a scenario's result compares with the bug kinds it expects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expectation {
    /// The result shows exactly the kinds expected.
    Met,
    /// Nothing found contradicts it, but the search was cut before it
    /// could show it, or (for an expected race alone) races were not
    /// decided ([`UnsyncedView`]): `missing` expected kinds not found yet
    /// (empty when the scenario expects to be clean, which only a complete
    /// search shows).
    Undecided {
        /// Expected kinds not found before the cut, sorted.
        missing: Vec<BugKind>,
        /// True when the search was cut; false when it was complete but
        /// did not decide races, and the kind missing is `race`.
        cut: bool,
    },
    /// Kinds it does not expect were found, or a complete search did not
    /// find kinds it expects.
    Contradicted {
        /// Expected kinds not found, sorted.
        missing: Vec<BugKind>,
        /// Kinds found but not expected, sorted.
        extra: Vec<BugKind>,
    },
}

impl ScenarioReport {
    /// How the result compares with what the scenario expects.
    pub fn expectation(&self) -> Expectation {
        if self.expected_met {
            return Expectation::Met;
        }
        let mut found: Vec<BugKind> = self.bugs.iter().map(|b| b.kind).collect();
        found.sort();
        found.dedup();
        let mut expected = self.expect.clone();
        expected.sort();
        expected.dedup();
        let missing: Vec<BugKind> = expected
            .iter()
            .filter(|k| !found.contains(k))
            .copied()
            .collect();
        let extra: Vec<BugKind> = found
            .iter()
            .filter(|k| !expected.contains(k))
            .copied()
            .collect();
        // An expected race not found is undecided when races were not
        // decided.
        let race_undecided = !self.unsynced.is_empty() && missing == [BugKind::Race];
        if extra.is_empty() && (!self.complete || race_undecided) {
            Expectation::Undecided {
                missing,
                cut: !self.complete,
            }
        } else {
            Expectation::Contradicted { missing, extra }
        }
    }

    /// The distinct bug kinds found, sorted.
    pub fn found_kinds(&self) -> Vec<String> {
        let mut k: Vec<String> = self.bugs.iter().map(|b| b.kind.to_string()).collect();
        k.sort();
        k.dedup();
        k
    }
}

vocabulary! {
    /// What stopped the check of a scenario file before it had a report.
    pub enum ErrorStage {
        /// The file could not be read.
        Read => "read",
        /// The scenario does not parse or validate.
        Compile => "compile",
        /// A `--param` override does not fit the scenario.
        Param => "param",
        /// A type error found while running the scenario.
        Run => "run",
        /// weft failed (a bug in weft, not in the scenario).
        Internal => "internal",
    }
}

/// An error that stopped the check of a scenario file: one JSON line of
/// `--format json` (told from a scenario's line by its `error` field).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ErrorView {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The file.
    pub file: String,
    /// What failed: `read`, `compile`, `param`, `run` or `internal`.
    pub error: ErrorStage,
    /// 1-based line of the error, when it has a place in the file.
    pub line: Option<u32>,
    /// 1-based column.
    pub col: Option<u32>,
    /// What is wrong (`unknown statement `Sned``).
    pub message: String,
    /// What the underline says (`expected a statement`) for a compile
    /// error; the operation as written for a run-time one (may be empty).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// A suggestion (`did you mean `Send`?`).
    pub help: Option<String>,
    /// Further explanations.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The result of one scenario file in a run.
#[derive(Clone, Debug, PartialEq)]
pub enum FileResult {
    /// It was checked: its report.
    Checked(Box<ScenarioReport>),
    /// Errors stopped its check.
    Failed {
        /// The file.
        file: String,
        /// The errors, in file order.
        errors: Vec<ErrorView>,
    },
    /// The run was interrupted before it.
    NotChecked {
        /// The file.
        file: String,
    },
}

impl FileResult {
    /// The file, as shown.
    pub fn file(&self) -> &str {
        match self {
            FileResult::Checked(r) => &r.file,
            FileResult::Failed { file, .. } | FileResult::NotChecked { file } => file,
        }
    }

    /// How its check ended.
    pub fn verdict(&self) -> FileVerdict {
        match self {
            FileResult::Checked(r) => r.verdict(),
            FileResult::Failed { errors, .. } => {
                if errors.iter().any(|e| e.error == ErrorStage::Internal) {
                    FileVerdict::Internal
                } else {
                    FileVerdict::Invalid
                }
            }
            FileResult::NotChecked { .. } => FileVerdict::NotChecked,
        }
    }
}

impl ScenarioReport {
    /// How this scenario's check ended, for a run's summary.
    pub fn verdict(&self) -> FileVerdict {
        if self.expected_met {
            return FileVerdict::AsExpected;
        }
        let mut found: Vec<BugKind> = self.bugs.iter().map(|b| b.kind).collect();
        found.sort();
        found.dedup();
        let mut expected = self.expect.clone();
        expected.sort();
        expected.dedup();
        FileVerdict::Unexpected {
            expected,
            found,
            complete: self.complete,
            races_decided: self.unsynced.is_empty(),
        }
    }
}

/// How the check of one scenario file ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileVerdict {
    /// It behaved as it expects.
    AsExpected,
    /// The kinds found differ from what it expects (or it expects no bug
    /// and the search was cut).
    Unexpected {
        /// The kinds it expects, sorted (empty: clean).
        expected: Vec<BugKind>,
        /// The kinds found, sorted.
        found: Vec<BugKind>,
        /// Whether the search was complete.
        complete: bool,
        /// Whether races were decided (see [`UnsyncedView`]).
        races_decided: bool,
    },
    /// It does not compile, or a type error stopped its run.
    Invalid,
    /// weft failed on it (a bug in weft).
    Internal,
    /// The run was interrupted before it was checked.
    NotChecked,
}

/// The end of a run over scenario files: how each one ended, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// Each file as shown, and how its check ended.
    pub files: Vec<(String, FileVerdict)>,
}

impl RunSummary {
    /// The summary of these results.
    pub fn of(results: &[FileResult]) -> Self {
        RunSummary {
            files: results
                .iter()
                .map(|r| (r.file().to_string(), r.verdict()))
                .collect(),
        }
    }

    /// How many behaved as they expect.
    pub fn as_expected(&self) -> usize {
        self.files
            .iter()
            .filter(|(_, v)| *v == FileVerdict::AsExpected)
            .count()
    }
}

/// What `weft replay` found at the end of a schedule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReplayReport {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The scenario file.
    pub file: String,
    /// The scenario's name.
    pub scenario: String,
    /// The token replayed.
    pub schedule: String,
    /// Steps replayed.
    pub steps: usize,
    /// The bugs the run shows, in the same form as `weft check`'s.
    pub bugs: Vec<BugView>,
    /// False when the states after the run were too many to decide
    /// whether a goroutine is blocked forever.
    pub complete: bool,
    /// What cut the exploration after the run, when something did: a
    /// limit of the user's (`--max-states 100`, `--max-depth 10`,
    /// `--time-limit 1s`, `--max-memory 1G`, `Ctrl-C`) or weft's own
    /// budget of states.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bound: Option<String>,
}

/// One step of `weft replay`, printed as it happens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayStepView {
    /// 1-based step number.
    pub index: usize,
    /// The step's token item.
    pub item: String,
    /// True when the step crashed the program.
    pub failing: bool,
    /// Whether it switched goroutines.
    pub switch: SwitchMark,
    /// The goroutine that moved and its operation (the case taken, for a
    /// select); `None` for a timer firing.
    pub mover: Option<(String, Location)>,
    /// The receiver of a hand-off and its operation.
    pub partner: Option<(String, Location)>,
    /// What happened.
    pub action: Action,
    /// For a choice point, the alternative taken.
    pub chosen: Option<ChosenView>,
    /// With `--values`: the locals the mover's operation read and the step
    /// wrote.
    pub locals: Vec<LocalView>,
}

/// Why the step a token asks for cannot be taken.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Divergence {
    /// No timer is pending.
    NoTimer,
    /// Only `t` could fire.
    OneTimer,
    /// Only `t` to `tN` could fire.
    Timers(usize),
    /// The goroutine does not exist yet.
    NotStarted(u32),
    /// The goroutine (number, name) has ended.
    Ended(u32, String),
    /// The goroutine (number, name) is blocked.
    Blocked(u32, String),
    /// The goroutine (number, name) can only take these items.
    CanOnlyTake(u32, String, Vec<String>),
    /// The transition asked for is not enabled.
    NotEnabled,
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Divergence::NoTimer => f.write_str("no timer or deadline can fire now"),
            Divergence::OneTimer => f.write_str("only one timer can fire now (`t`)"),
            Divergence::Timers(n) => write!(f, "only {n} timers can fire now (`t` to `t{n}`)"),
            Divergence::NotStarted(num) => write!(f, "goroutine {num} has not been started"),
            Divergence::Ended(num, name) => write!(f, "goroutine {num} ({name}) has ended"),
            Divergence::Blocked(num, name) => write!(f, "goroutine {num} ({name}) is blocked"),
            Divergence::CanOnlyTake(num, name, items) => {
                let items: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
                write!(
                    f,
                    "goroutine {num} ({name}) can only take {}",
                    items.join(" or ")
                )
            }
            Divergence::NotEnabled => f.write_str("the transition is not enabled"),
        }
    }
}

/// A step a replay could take instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChoiceView {
    /// Its token item.
    pub item: String,
    /// The goroutine; `None` for a timer.
    pub goroutine: Option<String>,
    /// Its operation.
    pub at: Option<Location>,
    /// What it would do.
    pub action: Action,
}

/// The alternative a token item asks a goroutine to take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AskedAlt {
    /// Its next step.
    Only,
    /// Select case `n` (1-based).
    Case(u32),
    /// The select's default.
    Default,
    /// Choice `n` (1-based).
    Choice(u32),
}

/// What a token item asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Asked {
    /// Goroutine `n` (by spawn number) takes an alternative.
    Step(u32, AskedAlt),
    /// A hand-off from a sender to a receiver, which may be in a select
    /// case.
    Handoff {
        /// The sender's spawn number.
        sender: u32,
        /// The receiver's spawn number.
        receiver: u32,
        /// The receiver's select case, if it receives in a select.
        receiver_case: Option<u32>,
    },
    /// The `n`-th pending timer fires (1-based).
    Fire(u32),
}

impl fmt::Display for Asked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Asked::Step(g, AskedAlt::Only) => write!(f, "goroutine {g} takes its next step"),
            Asked::Step(g, AskedAlt::Case(n)) => write!(f, "goroutine {g} takes select case {n}"),
            Asked::Step(g, AskedAlt::Default) => {
                write!(f, "goroutine {g} takes the select's default")
            }
            Asked::Step(g, AskedAlt::Choice(n)) => write!(f, "goroutine {g} takes choice {n}"),
            Asked::Handoff {
                sender,
                receiver,
                receiver_case,
            } => {
                write!(
                    f,
                    "goroutine {sender} hands a value to goroutine {receiver}"
                )?;
                match receiver_case {
                    Some(n) => write!(f, " in its select case {n}"),
                    None => Ok(()),
                }
            }
            Asked::Fire(1) => f.write_str("the first pending timer fires"),
            Asked::Fire(n) => write!(f, "pending timer {n} fires"),
        }
    }
}

/// A schedule that does not fit the scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DivergenceView {
    /// The scenario file.
    pub file: String,
    /// 1-based step number.
    pub step: usize,
    /// The token item asked for.
    pub wanted: String,
    /// What it asks for.
    pub asks: Asked,
    /// Why it cannot be taken.
    pub why: Divergence,
    /// The goroutine the item names and where it stands, if it is alive.
    pub at: Option<(String, Location)>,
    /// What was enabled instead.
    pub enabled: Vec<ChoiceView>,
}
