//! Choosing the counterexample to show for a bug: the minimal schedule
//! ([`crate::counterexample::minimal`]), replayed; the checker's own path
//! when that fails to replay.

use weft_models::ir::Program;

use crate::counterexample::minimal::{self, Search};
use crate::counterexample::replay::{self, Trace};
use crate::counterexample::verdict;
use crate::detect::Bug;

/// A bug's chosen counterexample.
pub(crate) struct Chosen {
    /// The replayed schedule.
    pub trace: Trace,
    /// How it was chosen.
    pub search: Search,
    /// The bug as this run shows it, when it names other goroutines than
    /// the checker's first path did (two goroutines running the same
    /// function reach the same bug).
    pub shown: Option<Bug>,
}

/// Finds and replays `bug`'s counterexample, searching at most `cap`
/// states for a minimal one.
pub fn counterexample(prog: &Program, bug: &Bug, cap: usize) -> Chosen {
    let chosen = minimal::minimal_schedule(prog, bug, cap);
    let (trace, search) = match replay::replay_path(prog, &chosen.path) {
        Ok(t) => (t, chosen.search),
        Err(_) => match replay::replay_path(prog, &bug.path) {
            Ok(t) => (t, Search::NotFound),
            Err(e) => panic!("internal weft bug: a counterexample does not replay: {e}"),
        },
    };
    // The schedule shown may reach the same bug (same kind and code
    // location) in other goroutines than the checker's first path did:
    // name the ones this run shows, as `weft replay` of the token will.
    let key = verdict::key_of(bug);
    let shown = verdict::of_trace(prog, &trace, verdict::REPLAY_BUDGET)
        .bugs
        .into_iter()
        .find(|(k, _)| *k == key)
        .map(|(_, b)| b);
    Chosen {
        trace,
        search,
        shown,
    }
}
