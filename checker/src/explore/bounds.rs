//! Search bounds. A search cut by a bound is reported as incomplete, never
//! as verified.

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
    /// Stop as soon as one bug is found (time to first counterexample).
    pub stop_at_first_bug: bool,
    /// Raised by whoever asks the search to stop early (a Ctrl-C handler,
    /// a memory watchdog): the search ends incomplete at its next state,
    /// or within a million local instructions of a long step.
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
    /// `--stop-at-first-bug`.
    FirstBug,
    /// [`Bounds::stop`] was raised.
    Stopped,
}

impl std::fmt::Display for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Bound::States(n) => write!(f, "--max-states {n}"),
            Bound::Depth(n) => write!(f, "--max-depth {n}"),
            Bound::Time(d) => write!(f, "--time-limit {}s", d.as_secs_f64()),
            Bound::FirstBug => f.write_str("--stop-at-first-bug"),
            Bound::Stopped => f.write_str("a request to stop"),
        }
    }
}

/// Checks bounds at every step.
pub(crate) struct Budget {
    bounds: Bounds,
    start: Instant,
}

impl Budget {
    /// Starts the clock.
    pub fn new(bounds: Bounds) -> Self {
        Budget {
            bounds,
            start: Instant::now(),
        }
    }

    /// The bound that stops the whole search now, if any.
    pub(crate) fn exhausted(&self, states: usize) -> Option<Bound> {
        if let Some(max) = self.bounds.max_states {
            if states >= max {
                return Some(Bound::States(max));
            }
        }
        if let Some(limit) = self.bounds.time_limit {
            if self.start.elapsed() >= limit {
                return Some(Bound::Time(limit));
            }
        }
        if self.bounds.stop.is_requested() {
            return Some(Bound::Stopped);
        }
        None
    }

    /// What a long step looks at: the stop flag and the time limit's
    /// deadline.
    pub(crate) fn interrupt(&self) -> Interrupt {
        let deadline = self.bounds.time_limit.map(|l| self.start + l);
        Interrupt::new(self.bounds.stop.clone(), deadline)
    }

    /// The bound that interrupted a step (the time limit, or else the stop
    /// flag).
    pub(crate) fn interrupted(&self) -> Bound {
        match self.bounds.time_limit {
            Some(limit) if self.start.elapsed() >= limit => Bound::Time(limit),
            _ => Bound::Stopped,
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
