//! The progress line of `weft check` on stderr, from the explorer's
//! snapshots ([`weft_checker::explore::Observer`]): a live line redrawn in
//! place on a terminal, or plain periodic lines (`--progress` when stderr
//! is not a terminal, for CI logs). Stdout and JSON output are never
//! touched; the live line is cleared before a report is printed.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use weft_checker::explore::{Observer, Progress};
use weft_reports::words::number;

/// The environment variable that sets the interval between progress
/// lines in milliseconds. For tests: a run then reports progress without
/// having to last a second.
pub const INTERVAL_VAR: &str = "WEFT_PROGRESS_INTERVAL_MS";

/// How progress is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Not at all.
    Off,
    /// A line redrawn in place (stderr is a terminal).
    Live,
    /// One line per report (stderr is not a terminal).
    Plain,
}

impl Mode {
    /// The mode for `--progress` / `--no-progress` (neither: live on a
    /// terminal, off otherwise).
    pub fn choose(progress: bool, no_progress: bool) -> Mode {
        let terminal = std::io::stderr().is_terminal();
        match (no_progress, progress, terminal) {
            (true, _, _) => Mode::Off,
            (false, _, true) => Mode::Live,
            (false, true, false) => Mode::Plain,
            (false, false, false) => Mode::Off,
        }
    }
}

/// The progress of one scenario's search.
pub struct Line {
    mode: Mode,
    scenario: String,
    /// The interval forced by [`INTERVAL_VAR`].
    forced: Option<Duration>,
    bar: Option<ProgressBar>,
    /// The previous snapshot's elapsed time and states, for the rate.
    last: (Duration, usize),
}

impl Line {
    /// The progress of the search of `scenario`.
    pub fn new(mode: Mode, scenario: &str) -> Line {
        let forced = std::env::var(INTERVAL_VAR)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_millis);
        Line {
            mode,
            scenario: scenario.to_string(),
            forced,
            bar: None,
            last: (Duration::ZERO, 0),
        }
    }

    /// The observer to give the explorer, if progress is shown.
    pub fn observer(&mut self) -> Option<&mut dyn Observer> {
        match self.mode {
            Mode::Off => None,
            Mode::Live | Mode::Plain => Some(self),
        }
    }

    /// Clears the live line (before the report is printed).
    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }

    fn text(&mut self, p: &Progress) -> String {
        let (t0, s0) = self.last;
        let dt = p.elapsed.saturating_sub(t0).as_secs_f64();
        let rate = if dt > 0.0 {
            number((p.states.saturating_sub(s0) as f64 / dt) as i64)
        } else {
            "-".to_string()
        };
        self.last = (p.elapsed, p.states);
        let memory = weft_checker::memory::resident_bytes()
            .map(|b| format!(", {} MiB resident", number((b >> 20) as i64)))
            .unwrap_or_default();
        format!(
            "{}: {} states ({rate}/s), depth {}, frontier {}{memory}, {:.1}s",
            self.scenario,
            number(p.states as i64),
            number(p.depth as i64),
            number(p.frontier as i64),
            p.elapsed.as_secs_f64()
        )
    }
}

impl Observer for Line {
    fn interval(&self) -> Duration {
        match (self.forced, self.mode, &self.bar) {
            (Some(d), _, _) => d,
            // A live line, once shown, follows the search closely.
            (None, Mode::Live, Some(_)) => Duration::from_millis(250),
            (None, Mode::Live | Mode::Plain | Mode::Off, _) => Duration::from_secs(1),
        }
    }

    fn progress(&mut self, p: &Progress) {
        let text = self.text(p);
        match self.mode {
            Mode::Off => {}
            Mode::Plain => eprintln!("progress: {text}"),
            Mode::Live => {
                let bar = self.bar.get_or_insert_with(|| {
                    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
                    if let Ok(style) = ProgressStyle::with_template("{spinner} {wide_msg}") {
                        bar.set_style(style);
                    }
                    bar.enable_steady_tick(Duration::from_millis(120));
                    bar
                });
                bar.set_message(text);
            }
        }
    }
}
