//! The semantics seam: from a state, the enabled transitions
//! ([`enabled`]); from a state and a transition, the next state and what
//! happened ([`step`]). The explorer, reductions and detectors use only this.
//!
//! One file per primitive holds its object state and its operations;
//! [`exec`] dispatches visible operations, [`local`] runs the goroutine-local
//! code between them (calls, returns, defers, panics), [`enabled`] decides
//! which transitions can fire, [`eval`] evaluates pure expressions,
//! [`coverage`] says which code a transition reaches.

use smallvec::SmallVec;
use weft_models::ir::Program;

use crate::state::canonical::{self, Renumbering};
use crate::state::{Execution, Goroutine, GoroutineId, Site, State};
use crate::stop::Interrupt;
use crate::value::ObjRef;

pub mod callback;
pub(crate) mod channel;
pub mod cond;
pub mod context;
pub(crate) mod context_edges;
pub mod coverage;
pub(crate) mod dead;
pub mod enabled;
pub(crate) mod errgroup;
pub(crate) mod eval;
pub(crate) mod exec;
pub(crate) mod footprint;
pub(crate) mod growth;
pub mod happens;
pub(crate) mod local;
pub(crate) mod maprange;
pub(crate) mod mutex;
pub(crate) mod once;
pub mod record;
pub(crate) mod rwmutex;
pub(crate) mod timer;
pub mod unsynced;
pub(crate) mod variable;
pub(crate) mod waitgroup;
pub(crate) mod waits;
pub(crate) mod wake;

pub(crate) use coverage::reached_sites;
pub use enabled::enabled;
pub(crate) use enabled::enabled_into;
pub(crate) use footprint::{footprint, Use};
pub use unsynced::{Observation, ObservationKind};

/// The arm number of a plain `Send`/`Recv` (not inside a select).
pub const PLAIN: u32 = u32::MAX;

/// One step of the model. Goroutines are named by their position in
/// [`State::goroutines`] (canonical, see [`crate::state`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Transition {
    /// Goroutine `g` executes its next operation; `alt` picks the select arm
    /// (the arm count means `default`), the choice-point value, or is 0.
    Step {
        /// The goroutine's position.
        g: u32,
        /// Which alternative.
        alt: u32,
    },
    /// An unbuffered send and its receive, as one joint step.
    Rendezvous {
        /// The sending goroutine.
        sender: u32,
        /// Its select arm, or [`PLAIN`].
        send_arm: u32,
        /// The receiving goroutine.
        receiver: u32,
        /// Its select arm, or [`PLAIN`].
        recv_arm: u32,
    },
    /// A timer, ticker or context deadline fires.
    Fire {
        /// The timer or context.
        object: ObjRef,
    },
}

impl Transition {
    /// The goroutines that move in this transition.
    pub(crate) fn actors(&self) -> SmallVec<[u32; 2]> {
        match *self {
            Transition::Step { g, .. } => smallvec::smallvec![g],
            Transition::Rendezvous {
                sender, receiver, ..
            } => smallvec::smallvec![sender, receiver],
            Transition::Fire { .. } => SmallVec::new(),
        }
    }
}

/// A run-time failure raised by an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    /// A Go panic (recoverable): `send on closed channel`, ...
    Panic(String),
    /// A Go fatal error (not recoverable): `sync: unlock of unlocked mutex`, ...
    Fatal(String),
    /// A scenario `Assert` failed (the message is the scenario's).
    Assert(String),
    /// The scenario itself is ill-typed at run time (an internal check the
    /// validator could not make statically).
    Model(String),
    /// An invariant of weft itself does not hold (a bug in weft, not in the
    /// scenario): the message says which.
    Internal(String),
}

/// The result of one operation.
pub(crate) type StepResult = Result<(), Fault>;

/// How a run ended abnormally.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// An unrecovered panic.
    Panic,
    /// A fatal error.
    Fatal,
    /// A failed scenario assertion.
    Assert,
    /// A type error in the scenario.
    Model,
    /// A bug in weft itself: the run cannot go on, and the scenario is not
    /// to blame.
    Internal,
    /// The search was asked to stop (its time limit passed, or its stop
    /// flag was raised: [`crate::stop`]) while the goroutine ran local code
    /// that had not reached a visible operation after a million
    /// instructions: the step is unfinished, which is neither a bug nor an
    /// answer. The search ends incomplete.
    Interrupted,
}

impl FailureKind {
    /// Whether the failure is the scenario's program crashing (a panic, a
    /// fatal error, a failed assertion): a bug to report. The other kinds
    /// stop the check instead.
    pub fn is_crash(self) -> bool {
        match self {
            FailureKind::Panic | FailureKind::Fatal | FailureKind::Assert => true,
            FailureKind::Model | FailureKind::Internal | FailureKind::Interrupted => false,
        }
    }
}

/// A failure that ends the run (the process crashes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// What kind.
    pub kind: FailureKind,
    /// Go's message, as the runtime prints it (`panic: send on closed channel`).
    pub message: String,
    /// The goroutine that failed.
    pub goroutine: GoroutineId,
    /// Where the failing operation is.
    pub site: Site,
}

/// Something a step did that detectors care about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A resource that must be released became unreachable (garbage
    /// collection) before it was: it never will be.
    Abandoned {
        /// What was abandoned.
        resource: Resource,
        /// Where it was made.
        site: Site,
    },
}

impl Event {
    /// The bug kind the event shows and where.
    pub fn bug(&self) -> (weft_models::syntax::BugKind, Site) {
        match *self {
            Event::Abandoned { resource, site } => (resource.bug_kind(), site),
        }
    }
}

/// A resource the program must release, found abandoned by garbage
/// collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    /// A context whose cancel function was never called.
    Cancel,
    /// A running timer or ticker never stopped (Go 1.22 semantics, where
    /// the runtime holds it).
    Timer {
        /// True for a ticker (it runs for ever).
        ticker: bool,
    },
}

impl Resource {
    /// The bug kind of abandoning it.
    pub fn bug_kind(self) -> weft_models::syntax::BugKind {
        use weft_models::syntax::BugKind;
        match self {
            Resource::Cancel => BugKind::ContextLeak,
            Resource::Timer { .. } => BugKind::ResourceLeak,
        }
    }
}

/// What [`step`] produced.
#[derive(Clone, Debug)]
pub struct StepOutcome {
    /// The next state (meaningless when `failure` is set).
    pub state: State,
    /// Events of the step.
    pub events: Vec<Event>,
    /// Set when the step crashed the program.
    pub failure: Option<Failure>,
    /// Where each object of the state stepped from went in `state` (objects
    /// the step created have the indices from that state's object count
    /// up); empty when `failure` is set.
    pub renumbering: Renumbering,
    /// True when a goroutine ended in the step (main included; also one
    /// started and ended within it).
    pub ended: bool,
    /// The step's operation, when its result may show another goroutine's
    /// action without synchronising with it ([`unsynced`]).
    pub observed: Option<Observation>,
}

/// The execution context of one step: the program and a state being changed.
pub(crate) struct Exec<'p> {
    /// The program.
    pub prog: &'p Program,
    /// What a long run of local code looks at to give up.
    pub interrupt: &'p Interrupt,
    /// The state being changed.
    pub state: State,
    /// Events so far.
    pub events: Vec<Event>,
    /// The operation executed, when it observed without synchronising.
    pub observed: Option<Observation>,
    /// Where the goroutine looked up last stood: a step asks for the same
    /// goroutine at every local instruction, so this spares the search.
    pub last: std::cell::Cell<usize>,
}

impl<'p> Exec<'p> {
    /// Records that the operation at `site` observed without
    /// synchronising ([`unsynced`]).
    pub(crate) fn observe(&mut self, site: Site, kind: ObservationKind) {
        self.observed = Some(Observation { site, kind });
    }

    /// The position of the goroutine with this id.
    pub(crate) fn goroutine_position(&self, id: &GoroutineId) -> Option<usize> {
        let last = self.last.get();
        if self.state.goroutines.get(last).is_some_and(|g| g.id == *id) {
            return Some(last);
        }
        let p = self.state.position(id)?;
        self.last.set(p);
        Some(p)
    }

    /// The goroutine with this id.
    pub(crate) fn goroutine(&self, id: &GoroutineId) -> Option<&Goroutine> {
        self.goroutine_position(id)
            .map(|p| &self.state.goroutines[p])
    }

    /// The goroutine with this id, mutably.
    pub(crate) fn goroutine_mut(&mut self, id: &GoroutineId) -> Option<&mut Goroutine> {
        self.goroutine_position(id)
            .map(move |p| self.state.goroutine_at_mut(p))
    }
}

/// The state before main's first visible operation: globals created, main started.
pub fn initial_state(prog: &Program) -> Result<State, Failure> {
    initial_state_within(prog, &Interrupt::never())
}

/// [`initial_state`], giving up with [`FailureKind::Interrupted`] when
/// `interrupt` fires during a long run of main's local code.
pub(crate) fn initial_state_within(
    prog: &Program,
    interrupt: &Interrupt,
) -> Result<State, Failure> {
    let mut ex = Exec {
        last: std::cell::Cell::new(0),
        prog,
        interrupt,
        state: State::default(),
        events: Vec::new(),
        observed: None,
    };
    exec::create_globals(&mut ex)?;
    happens::start(prog, &mut ex.state);
    context_edges::start(prog, &mut ex.state);
    let main = prog.func(prog.main);
    ex.state.insert_goroutine(Goroutine::new(
        GoroutineId::main(),
        Execution {
            frames: smallvec::smallvec![local::new_frame(prog, prog.main, &[])],
            panic: None,
            phase: 0,
            spinning: false,
        },
    ));
    let _ = main;
    let unstarted = ex.state.clone();
    match local::run_local(&mut ex, &GoroutineId::main()) {
        Ok(()) => {}
        // main crashes before its first visible operation: start with main
        // standing at its first instruction, so that the crash is the first
        // step of a schedule (reported and replayed like any other).
        Err(f) if f.kind.is_crash() => {
            ex.state = unstarted;
            ex.events.clear();
        }
        Err(f) => return Err(f),
    }
    dead::forget_all_dead_values(prog, &mut ex.state);
    let _ = local::reap(&mut ex);
    canonical::canonicalize(&mut ex.state, &mut ex.events);
    Ok(ex.state)
}

/// Executes `t` from `state`, running local code to its end however long
/// it takes.
pub fn step(prog: &Program, state: &State, t: &Transition) -> StepOutcome {
    step_within(prog, state, t, &Interrupt::never())
}

/// [`step`], giving up with [`FailureKind::Interrupted`] when `interrupt`
/// fires during a long run of local code (the explorer's time limit and
/// stop flag).
pub(crate) fn step_within(
    prog: &Program,
    state: &State,
    t: &Transition,
    interrupt: &Interrupt,
) -> StepOutcome {
    let mut ex = Exec {
        last: std::cell::Cell::new(0),
        prog,
        interrupt,
        state: state.copy(),
        events: Vec::new(),
        observed: None,
    };
    let before = state.goroutines.len();
    context_edges::before_step(prog, &mut ex.state, t);
    happens::record_access(prog, &mut ex.state, t);
    let result = exec::execute(&mut ex, t);
    if let Err(failure) = result {
        return StepOutcome {
            state: ex.state,
            events: ex.events,
            failure: Some(failure),
            renumbering: Renumbering::default(),
            ended: false,
            observed: ex.observed,
        };
    }
    dead::forget_dead_values(prog, &mut ex.state, &t.actors(), before);
    let ended = local::reap(&mut ex);
    happens::settle(prog, &mut ex.state);
    let renumbering = canonical::canonicalize(&mut ex.state, &mut ex.events);
    StepOutcome {
        state: ex.state,
        events: ex.events,
        failure: None,
        renumbering,
        ended,
        observed: ex.observed,
    }
}
