//! Asking a running check to stop.
//!
//! The explorer looks at its bounds at every state, but one step can run
//! for as long as the scenario's local code does: a goroutine counting up
//! forever without a synchronisation operation never finishes its step
//! (as in Go, where it would run forever), and one that makes an object
//! (a channel, a map, a variable) or defers a call at every turn of such a
//! loop grows the state within the step. Such a step looks at an
//! [`Interrupt`] every [`LOOK_EVERY`] local instructions (see
//! `semantics/local.rs`): when the search's time limit has passed, its
//! memory bound is reached or its [`StopFlag`] is raised, the step gives up
//! with [`crate::semantics::FailureKind::Interrupted`] and the search ends
//! incomplete, naming the bound, instead of hanging, running out of memory
//! or giving a verdict about code it did not run.
//!
//! The flag belongs to one search (it travels in
//! [`crate::explore::Bounds::stop`]), not to the process: checks running
//! side by side (the test suites do) never stop each other. Whoever may ask
//! for a stop (a Ctrl-C handler, a memory watchdog) keeps a clone of it and
//! calls [`StopFlag::request`]; looking at it is one relaxed atomic load.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// A request to stop one search, shared by cloning: every clone raises and
/// reads the same flag.
#[derive(Clone, Debug, Default)]
pub struct StopFlag(Arc<AtomicBool>);

impl StopFlag {
    /// A flag nobody has raised yet.
    pub fn new() -> Self {
        StopFlag::default()
    }

    /// Asks the search holding this flag to stop as soon as it can (at its
    /// next state, or within [`LOOK_EVERY`] local instructions of a step).
    pub fn request(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether a stop was asked for.
    pub fn is_requested(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// How often (in local instructions of one step) a long step looks at its
/// [`Interrupt`]: reading the clock costs tens of nanoseconds and the
/// resident memory about 15 µs, a local instruction tens of nanoseconds, so
/// looking costs under one percent of a long step, and a loop making an
/// object at every turn grows by a few megabytes between two looks.
pub(crate) const LOOK_EVERY: u64 = 1 << 16;

/// What a long-running step looks at: the search's stop flag, the
/// deadline of its time limit and its memory bound, or a ceiling on its
/// local instructions.
/// [`Interrupt::never`] is for runs that must go to their end (a replay
/// follows a schedule the checker has run).
#[derive(Clone, Debug, Default)]
pub(crate) struct Interrupt {
    flag: Option<StopFlag>,
    deadline: Option<Instant>,
    max_memory: Option<u64>,
    most: Option<u64>,
}

impl Interrupt {
    /// An interrupt that never fires.
    pub(crate) fn never() -> Self {
        Interrupt::default()
    }

    /// Fires once `flag` is raised, `deadline` has passed or the process's
    /// resident memory reaches `max_memory` bytes.
    pub fn new(flag: StopFlag, deadline: Option<Instant>, max_memory: Option<u64>) -> Self {
        Interrupt {
            flag: Some(flag),
            deadline,
            max_memory,
            most: None,
        }
    }

    /// Fires once one step has run `most` local instructions. For the
    /// counterexample wing's own searches (minimal schedules, what a run's
    /// end can still reach), which may step transitions the explorer never
    /// ran when a bound cut it: such a search counts an interrupted step
    /// as its own cut and says so, instead of hanging.
    pub(crate) fn after(most: u64) -> Self {
        Interrupt {
            most: Some(most),
            ..Interrupt::default()
        }
    }

    /// The same interrupt, firing also once one step has run `most` local
    /// instructions (looked at every [`LOOK_EVERY`]).
    pub(crate) fn or_after(self, most: u64) -> Self {
        Interrupt {
            most: Some(most),
            ..self
        }
    }

    /// Whether a step that has run `count` local instructions should give
    /// up now. Reads the clock and the resident memory, so it is meant to
    /// be called rarely (every [`LOOK_EVERY`] local instructions).
    pub(crate) fn fired(&self, count: u64) -> bool {
        self.most.is_some_and(|m| count >= m)
            || self.flag.as_ref().is_some_and(StopFlag::is_requested)
            || self.deadline.is_some_and(|d| Instant::now() >= d)
            || self
                .max_memory
                .is_some_and(|m| crate::memory::resident_bytes().is_some_and(|r| r >= m))
    }
}
