//! Progress of a running search, for a live display. The explorer only
//! counts; an [`Observer`] (the binary's progress line) decides what to
//! show. The clock is read once every [`SAMPLE_EVERY`] expanded states,
//! never per state, so observing costs nothing measurable.

use std::time::{Duration, Instant};

/// How many states are expanded between two looks at the clock.
pub(crate) const SAMPLE_EVERY: u32 = 256;

/// A snapshot of a running search.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    /// Nodes stored so far.
    pub states: usize,
    /// Transitions executed so far.
    pub transitions: usize,
    /// The breadth-first level being expanded.
    pub depth: usize,
    /// Nodes stored but not yet expanded (the frontier).
    pub frontier: usize,
    /// Time since the search started.
    pub elapsed: Duration,
}

/// Receives snapshots of a running search.
pub trait Observer: Send {
    /// The least time before the next snapshot (asked at the start and
    /// after every snapshot, so it may change: a live line can wait a
    /// second before showing, then refresh faster).
    fn interval(&self) -> Duration;

    /// Called with a snapshot at most once per [`Observer::interval`].
    fn progress(&mut self, progress: &Progress);
}

/// Calls an observer from inside the search, reading the clock only every
/// [`SAMPLE_EVERY`] calls of [`Monitor::tick`].
pub(crate) struct Monitor<'a> {
    observer: Option<&'a mut dyn Observer>,
    start: Instant,
    next: Duration,
    countdown: u32,
}

impl<'a> Monitor<'a> {
    /// Starts the clock; `None` observes nothing.
    pub fn new(observer: Option<&'a mut dyn Observer>) -> Self {
        let next = observer.as_ref().map_or(Duration::MAX, |o| o.interval());
        Monitor {
            observer,
            start: Instant::now(),
            next,
            countdown: SAMPLE_EVERY,
        }
    }

    /// One more state is being expanded; `snapshot` is made (and the
    /// observer called) only when a report is due.
    pub(crate) fn tick(&mut self, snapshot: impl FnOnce() -> Progress) {
        let Some(observer) = self.observer.as_deref_mut() else {
            return;
        };
        self.countdown -= 1;
        if self.countdown > 0 {
            return;
        }
        self.countdown = SAMPLE_EVERY;
        let elapsed = self.start.elapsed();
        if elapsed < self.next {
            return;
        }
        observer.progress(&Progress {
            elapsed,
            ..snapshot()
        });
        self.next = elapsed.saturating_add(observer.interval());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Count {
        interval: Duration,
        seen: Vec<usize>,
    }

    impl Observer for Count {
        fn interval(&self) -> Duration {
            self.interval
        }
        fn progress(&mut self, p: &Progress) {
            self.seen.push(p.states);
        }
    }

    fn snapshot(states: usize) -> Progress {
        Progress {
            states,
            transitions: 0,
            depth: 0,
            frontier: 0,
            elapsed: Duration::ZERO,
        }
    }

    #[test]
    fn a_zero_interval_reports_at_every_sample() {
        let mut c = Count {
            interval: Duration::ZERO,
            seen: Vec::new(),
        };
        let mut m = Monitor::new(Some(&mut c));
        for i in 1..=3 * SAMPLE_EVERY as usize {
            m.tick(|| snapshot(i));
        }
        let s = SAMPLE_EVERY as usize;
        assert_eq!(c.seen, vec![s, 2 * s, 3 * s]);
    }

    #[test]
    fn nothing_is_reported_before_the_interval() {
        let mut c = Count {
            interval: Duration::from_secs(3600),
            seen: Vec::new(),
        };
        let mut m = Monitor::new(Some(&mut c));
        for i in 1..=4 * SAMPLE_EVERY as usize {
            m.tick(|| snapshot(i));
        }
        assert!(c.seen.is_empty());
    }
}
