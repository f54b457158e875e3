//! Search bounds. A search cut by a bound is reported as incomplete, never
//! as verified; the report work after it (minimal counterexamples, the
//! verdicts of replayed runs) obeys the same [`Budget`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::stop::{Interrupt, StopFlag};

/// Limits on a search; `None` means unbounded.
#[derive(Clone, Debug, Default)]
pub struct Bounds {
    /// Stop after storing this many states.
    pub max_states: Option<usize>,
    /// Do not expand states deeper than this.
    pub max_depth: Option<usize>,
    /// Stop after this much wall time.
    pub time_limit: Option<Duration>,
    /// Stop once the process's resident memory reaches this many bytes
    /// (measured every [`MEMORY_EVERY`] states, and every
    /// [`crate::stop::LOOK_EVERY`] local instructions of a long step).
    pub max_memory: Option<u64>,
    /// Stop as soon as one bug is found (time to first counterexample).
    pub stop_at_first_bug: bool,
    /// The bytes a fingerprint store's frontier (the states waiting to be
    /// expanded) keeps in memory before it spills to files in `TMPDIR`
    /// (`None`: a quarter of `max_memory`, or no limit without one).
    pub frontier_memory: Option<u64>,
    /// How the search keeps the states it visited (a full store by
    /// default; `Auto`, the command line's default, chooses by the
    /// program when the search starts; a fingerprint store keeps 64-bit fingerprints, and its
    /// verdicts print the chance that a collision hid a state; a bit-state
    /// store keeps bits, and its search is partial: [`Bound::Bitstate`]).
    pub store: crate::graph::StoreKind,
    /// Raised by whoever asks the search to stop early (the binary, on
    /// Ctrl-C): the search ends incomplete at its next state, or within
    /// [`crate::stop::LOOK_EVERY`] local instructions of a long step.
    pub stop: StopFlag,
}

/// Which bound cut a search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// `--max-states`.
    States(usize),
    /// `--max-depth`.
    Depth(usize),
    /// `--time-limit`.
    Time(Duration),
    /// `--max-memory`, in bytes.
    Memory(u64),
    /// `--stop-at-first-bug`.
    FirstBug,
    /// [`Bounds::stop`] was raised: the user interrupted the run (Ctrl-C).
    Interrupted,
    /// Nothing cut the search, but it kept its visited states in a bit
    /// array (`--store bitstate=SIZE`), which takes some states never seen
    /// for visited: partial by construction, never verified.
    Bitstate {
        /// The array's size in bytes.
        bytes: u64,
        /// Bits set per state.
        hash_functions: u32,
    },
}

impl std::fmt::Display for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Bound::States(n) => write!(f, "--max-states {n}"),
            Bound::Depth(n) => write!(f, "--max-depth {n}"),
            Bound::Time(d) => write!(f, "--time-limit {}s", d.as_secs_f64()),
            Bound::Memory(bytes) => write!(f, "--max-memory {}", size(*bytes)),
            Bound::FirstBug => f.write_str("--stop-at-first-bug"),
            Bound::Interrupted => f.write_str("Ctrl-C"),
            Bound::Bitstate {
                bytes,
                hash_functions,
            } => write!(
                f,
                "--store {}",
                crate::graph::StoreKind::Bitstate {
                    bytes: *bytes,
                    hash_functions: *hash_functions
                }
            ),
        }
    }
}

/// A byte count as `--max-memory` takes it: the largest of `G`, `M`, `K`
/// that divides it, or bytes.
pub fn size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "G"), (1 << 20, "M"), (1 << 10, "K")];
    for (unit, name) in UNITS {
        if bytes >= unit && bytes.is_multiple_of(unit) {
            return format!("{}{name}", bytes / unit);
        }
    }
    bytes.to_string()
}

/// The share of `--max-memory` the search itself may use (numerator,
/// denominator); the rest is the report's. Measured on the growth
/// stressors: the report after a search cut by memory added up to 14 % of
/// the resident memory.
pub const SEARCH_SHARE: (u64, u64) = (3, 4);

/// How often (in states) the resident memory may be measured: reading it
/// costs a system call and a parse (about 7-15 µs), a state costs
/// microseconds, but a state holding hundreds of goroutines can take
/// hundreds of kilobytes, so the bound is overshot by at most this many
/// states, or by [`MEMORY_INTERVAL`]'s worth of them when they come
/// faster.
pub(crate) const MEMORY_EVERY: usize = 256;

/// The least time between two measures of the resident memory. Every 256
/// states, the reads were 1.6 % of the work on lastzero(16) (perf, two
/// threads: 1.7 µs a state); states that fast are small, and 2 ms of them
/// hold little memory.
const MEMORY_INTERVAL: Duration = Duration::from_millis(2);

/// How often (in units of work, `tick`) the clock is read for the time
/// limit: read at every state, it was 1.5 % of the time of lastzero(13)
/// with two threads, all of it on the search's own thread. A unit of work
/// that may last long (a step running much local code) watches the
/// deadline itself ([`Budget::interrupt`]).
const CLOCK_EVERY: usize = 16;

use crate::memory::resident_bytes;

/// The bounds of one check and its clock, shared by the search and the
/// report work after it: what is left of the time and memory, and the
/// interrupt flag.
#[derive(Clone, Debug)]
pub struct Budget {
    bounds: Bounds,
    start: Instant,
    /// When the resident memory was last measured (nanoseconds since
    /// `start`; [`NEVER`] before the first measure).
    measured: Arc<AtomicU64>,
}

/// [`Budget::measured`] before the first measure.
const NEVER: u64 = u64::MAX;

impl Default for Budget {
    fn default() -> Self {
        Budget::new(Bounds::default())
    }
}

impl Budget {
    /// Starts the clock.
    pub fn new(bounds: Bounds) -> Self {
        Budget {
            bounds,
            start: Instant::now(),
            measured: Arc::new(AtomicU64::new(NEVER)),
        }
    }

    /// The bounds.
    pub fn bounds(&self) -> &Bounds {
        &self.bounds
    }

    /// The bound that stops the whole search now, if any. `states` is the
    /// number stored, `tick` the number expanded (see [`Budget::stop`]).
    /// The search stops at [`SEARCH_SHARE`] of `--max-memory`, so that
    /// the report it owes (the detectors' passes over the graph, the
    /// explanations) still fits under the bound.
    pub(crate) fn exhausted(&self, states: usize, tick: usize) -> Option<Bound> {
        if let Some(max) = self.bounds.max_states {
            if states >= max {
                return Some(Bound::States(max));
            }
        }
        if let Some(max) = self.bounds.max_memory {
            let share = max / SEARCH_SHARE.1 * SEARCH_SHARE.0;
            if tick.is_multiple_of(MEMORY_EVERY)
                && self.memory_due()
                && resident_bytes().is_some_and(|r| r >= share)
            {
                return Some(Bound::Memory(max));
            }
            // Below the share, the memory is below the whole bound too:
            // not measured again (a measure costs a read of /proc).
            return self.stop_but_memory(tick);
        }
        self.stop(tick)
    }

    /// Whether the resident memory is to be measured now: the first time,
    /// and then once [`MEMORY_INTERVAL`] has passed since the last
    /// measure (which this notes).
    fn memory_due(&self) -> bool {
        let now = u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(NEVER - 1);
        let last = self.measured.load(Ordering::Relaxed);
        let due = last == NEVER || now.saturating_sub(last) >= MEMORY_INTERVAL.as_nanos() as u64;
        if due {
            self.measured.store(now, Ordering::Relaxed);
        }
        due
    }

    /// [`Budget::stop`] without the memory bound: the stop flag, and the
    /// time limit when `tick` is a multiple of [`CLOCK_EVERY`].
    fn stop_but_memory(&self, tick: usize) -> Option<Bound> {
        if self.bounds.stop.is_requested() {
            return Some(Bound::Interrupted);
        }
        if let Some(limit) = self.bounds.time_limit {
            if tick.is_multiple_of(CLOCK_EVERY) && self.start.elapsed() >= limit {
                return Some(Bound::Time(limit));
            }
        }
        None
    }

    /// The bound of time, memory or interrupt that stops any work now, if
    /// any; `tick` counts the caller's units of work: the clock is read
    /// when it is a multiple of [`CLOCK_EVERY`], the memory measured when
    /// it is one of [`MEMORY_EVERY`].
    pub fn stop(&self, tick: usize) -> Option<Bound> {
        if let Some(b) = self.stop_but_memory(tick) {
            return Some(b);
        }
        if let Some(max) = self.bounds.max_memory {
            if tick.is_multiple_of(MEMORY_EVERY)
                && self.memory_due()
                && resident_bytes().is_some_and(|r| r >= max)
            {
                return Some(Bound::Memory(max));
            }
        }
        None
    }

    /// What a long step looks at: the stop flag, the time limit's
    /// deadline and the memory bound.
    pub(crate) fn interrupt(&self) -> Interrupt {
        let deadline = self.bounds.time_limit.map(|l| self.start + l);
        Interrupt::new(self.bounds.stop.clone(), deadline, self.bounds.max_memory)
    }

    /// The bound that interrupted a step: the time limit if it has passed,
    /// else the stop flag if it is raised, else the memory bound (the only
    /// other thing the step looks at).
    pub(crate) fn interrupted(&self) -> Bound {
        match (self.bounds.time_limit, self.bounds.max_memory) {
            (Some(limit), _) if self.start.elapsed() >= limit => Bound::Time(limit),
            _ if self.bounds.stop.is_requested() => Bound::Interrupted,
            (_, Some(max)) => Bound::Memory(max),
            (_, None) => Bound::Interrupted,
        }
    }

    /// Whether a state at `depth` may be expanded.
    pub(crate) fn may_expand(&self, depth: usize) -> Result<(), Bound> {
        match self.bounds.max_depth {
            Some(max) if depth >= max => Err(Bound::Depth(max)),
            _ => Ok(()),
        }
    }

    /// Seconds since the start.
    pub(crate) fn seconds(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }
}
