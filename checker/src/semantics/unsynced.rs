//! Observations without synchronisation: operations whose result can show
//! what another goroutine did, while Go's memory model (and its race
//! detector) gives no happens-before edge from that goroutine's action to
//! the observer.
//!
//! weft decides a data race as two conflicting accesses that some
//! reachable state has both about to happen. That equals Go's
//! happens-before definition as long as every way one goroutine's progress
//! can depend on another's carries a happens-before edge. These
//! operations are the exceptions: after one of them, a goroutine can
//! access a variable that only a later schedule of the other goroutine's
//! access would race with, and no reachable state shows the two accesses
//! together, yet Go reports the race (checked with `go run -race`, see
//! checker/README.md, "What the race detector cannot see"). The search
//! records every one it executes (and names the unmatched releases from
//! the crashes it finds), and the verdict names them: a race ordered only
//! by such an observation is not looked for. A program that can make no
//! race at all (`detect::race::Races::none`) has none to hide, and its
//! observations are dropped.

use crate::state::Site;

/// One operation, executed by some explored step, whose result may show
/// another goroutine's action without a happens-before edge from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Observation {
    /// The operation.
    pub site: Site,
    /// What it observed.
    pub kind: ObservationKind,
}

/// What an [`Observation`] read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObservationKind {
    /// `len(ch)` of a channel: how many sends and receives happened.
    ChannelLen,
    /// A `select` took its `default`: no arm was ready (a buffer full or
    /// empty, nobody waiting), which can follow from other goroutines'
    /// sends and receives.
    SelectDefault,
    /// `TryLock` failed: another goroutine holds the lock; Go's `TryLock`
    /// synchronises only when it succeeds.
    FailedTryLock,
    /// A timer's `Stop` or `Reset` returned false: the timer had fired or
    /// was stopped, possibly by another goroutine.
    StoppedTimer,
    /// `Signal` or `Broadcast` woke a `Wait`: Go's `sync.Cond` gives no
    /// happens-before edge of its own (only the Locker does, when the
    /// signaller held it).
    CondWake,
    /// An `Unlock`, `RUnlock` or negative `Add` (`Done`) at a site where
    /// some schedule crashes (unlock of an unlocked mutex, a negative
    /// WaitGroup counter): where it succeeds, it may have observed another
    /// goroutine's `Lock`, `RLock` or `Add`, and Go's releases acquire
    /// nothing. Not recorded by the step: the search adds one for each
    /// such crash it found (without the crash, the matching operation is
    /// ordered before the release, or another observation, itself
    /// recorded, orders it: checker/README.md).
    UnmatchedRelease,
}
