//! Choosing the counterexample to show for a bug: the minimal schedule
//! ([`crate::counterexample::minimal`]), replayed; the checker's own path
//! when that fails to replay.

use weft_models::ir::Program;
use weft_models::syntax::BugKind;

use crate::counterexample::minimal::{self, Search};
use crate::counterexample::replay::{self, Trace};
use crate::counterexample::verdict;
use crate::detect::Bug;
use crate::explore::{Bound, Budget};

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
    /// Set when the exploration after the run that decides which
    /// goroutines it shows was cut: by a limit of the check, or (`None`)
    /// by its own budget of [`verdict::REPLAY_BUDGET`] states. The bug is
    /// then named as the checker found it.
    pub undecided: Option<Option<Bound>>,
}

/// Finds and replays `bug`'s counterexample, searching at most `cap`
/// states for a minimal one, within the check's `limits`.
pub fn counterexample(prog: &Program, bug: &Bug, cap: usize, limits: &Budget) -> Chosen {
    let chosen = minimal::minimal_schedule_within(prog, bug, cap, limits);
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
    let (budget, cap_bound) = verdict::replay_budget(limits);
    let reached = verdict::of_trace(prog, &trace, budget, limits);
    let shown_here = reached.bugs.into_iter().find(|(k, _)| *k == key);
    // A bug the run shows without the exploration after it (a crash, a
    // race) is decided even when that exploration was cut.
    let undecided =
        (!reached.complete && shown_here.is_none()).then_some(reached.stopped.or(cap_bound));
    Chosen {
        trace,
        search,
        shown: shown_here.map(|(_, mut b)| {
            if b.kind == BugKind::Leak {
                // How the check decided the leak (on a bottom component,
                // or certain before a bound cut the search) is its own.
                b.message.clone_from(&bug.message);
            }
            b
        }),
        undecided,
    }
}
