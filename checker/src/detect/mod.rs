//! Bug detectors and the bug records they produce.
//!
//! - [`race`]: conflicting accesses enabled together in a reachable state,
//!   or one about to happen unordered with an earlier one (in programs
//!   that keep happens-before knowledge);
//! - [`blocking`]: deadlocks, leaks and pending cancels in bottom strongly
//!   connected components of the explored graph;
//! - [`certain`]: leaks certain in one state (nothing that can still run
//!   can release the goroutine), kept when a bound cuts the search;
//! - panics, fatal errors and assertions come from failed steps
//!   ([`crash`]); context leaks also from garbage collection ([`context_leak`]);
//! - spins: goroutines proven to loop forever without a visible operation,
//!   read off each state ([`spins`]);
//! - [`distinct`]: which findings are one bug, reported once.

use std::collections::BTreeMap;

use weft_models::syntax::BugKind;

use crate::semantics::{Failure, FailureKind, Transition};
use crate::state::{GoroutineId, Site, State};

pub mod blocking;
pub(crate) mod certain;
pub mod distinct;
pub(crate) mod race;

/// Identifies a distinct bug: its kind and the code locations involved.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BugKey {
    /// The kind.
    pub kind: BugKind,
    /// The locations, sorted.
    pub sites: Vec<Site>,
}

/// A goroutine involved in a bug, and where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Involved {
    /// The goroutine.
    pub goroutine: GoroutineId,
    /// Its operation.
    pub site: Site,
}

/// One distinct bug with its counterexample.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bug {
    /// What kind of bug.
    pub kind: BugKind,
    /// Go's message, or weft's description.
    pub message: String,
    /// The main location (the failing, racing or blocked operation).
    pub site: Site,
    /// Goroutines involved: the failing one, both racing ones, or every
    /// blocked one, in goroutine order.
    pub involved: Vec<Involved>,
    /// The schedule from the initial state. For crashes and context leaks
    /// found on a step, it ends with that step; for races it ends in the
    /// state where both accesses are enabled, or where the later one is and
    /// the earlier is a step of it; for deadlocks and leaks in a
    /// state from which the blocked goroutines can never move.
    pub path: Vec<Transition>,
    /// True for a leak a search cut by a bound found certain in a stored
    /// state ([`certain`]): nothing that can still run can release the
    /// goroutine. A complete search decides leaks on bottom components
    /// instead, and never sets it.
    pub certain_before_cut: bool,
    /// How many times the search found it: the states, bottom components
    /// or steps of the explored graph that show it (fewer with
    /// partial-order reduction, which explores fewer of them).
    pub times_found: usize,
}

/// A bug under construction: everything but the path.
pub(crate) struct Finding {
    /// Its key.
    pub key: BugKey,
    /// Message.
    pub message: String,
    /// Main location.
    pub site: Site,
    /// Goroutines involved.
    pub involved: Vec<Involved>,
}

/// Records a finding unless a bug with the same key is known; `path` is
/// computed only for new bugs. Breadth-first order makes the first path
/// found a shortest one.
pub(crate) fn record(
    bugs: &mut BTreeMap<BugKey, Bug>,
    finding: Finding,
    path: impl FnOnce() -> Vec<Transition>,
) {
    if let Some(known) = bugs.get_mut(&finding.key) {
        known.times_found += 1;
        return;
    }
    let bug = Bug {
        kind: finding.key.kind,
        message: finding.message,
        site: finding.site,
        involved: finding.involved,
        path: path(),
        certain_before_cut: false,
        times_found: 1,
    };
    bugs.insert(finding.key, bug);
}

/// A panic, fatal error or failed assertion (a failure that
/// [`FailureKind::is_crash`]; other kinds are not bugs of the scenario).
pub(crate) fn crash(f: &Failure) -> Finding {
    let kind = match f.kind {
        FailureKind::Assert => BugKind::Assert,
        FailureKind::Panic
        | FailureKind::Fatal
        | FailureKind::Model
        | FailureKind::Internal
        | FailureKind::Interrupted => BugKind::Panic,
    };
    Finding {
        key: BugKey {
            kind,
            sites: vec![f.site],
        },
        message: f.message.clone(),
        site: f.site,
        involved: vec![Involved {
            goroutine: f.goroutine.clone(),
            site: f.site,
        }],
    }
}

/// The goroutines of `state` proven to loop forever without a visible
/// operation (`semantics/local.rs` proves it by a repeat of their local
/// state and parks them at their loop). Such a goroutine never moves again
/// on any continuation, so the state alone shows the bug.
pub(crate) fn spins(state: &State) -> impl Iterator<Item = Finding> + '_ {
    state.goroutines.iter().filter(|g| g.spinning).map(|g| {
        let site = g.site();
        Finding {
            key: BugKey {
                kind: BugKind::Spin,
                sites: vec![site],
            },
            message: if g.id.is_main() {
                "main loops forever without a synchronisation operation (spin)".into()
            } else {
                "goroutine loops forever without a synchronisation operation (spin)".into()
            },
            site,
            involved: vec![Involved {
                goroutine: g.id.clone(),
                site,
            }],
        }
    })
}

/// What an [`Event`] of a step shows: a context leak or a resource leak.
pub(crate) fn abandoned(e: &crate::semantics::Event) -> Finding {
    let crate::semantics::Event::Abandoned { resource, site } = *e;
    match resource {
        crate::semantics::Resource::Cancel => context_leak(site),
        crate::semantics::Resource::Timer { ticker } => resource_leak(site, ticker),
    }
}

/// A timer or ticker left running where nothing can reach or stop it
/// (Go 1.22 semantics).
pub(crate) fn resource_leak(site: Site, ticker: bool) -> Finding {
    Finding {
        key: BugKey {
            kind: BugKind::ResourceLeak,
            sites: vec![site],
        },
        message: if ticker {
            "this ticker is never stopped and nothing can reach it any more: it ticks for ever (resource leak, Go 1.22 semantics)".into()
        } else {
            "this timer is left pending where nothing can reach or stop it: the runtime keeps it until it fires (resource leak, Go 1.22 semantics)".into()
        },
        site,
        involved: Vec::new(),
    }
}

/// A context whose cancel function is never called.
pub(crate) fn context_leak(site: Site) -> Finding {
    Finding {
        key: BugKey {
            kind: BugKind::ContextLeak,
            sites: vec![site],
        },
        message: "the cancel function of this context is never called (context leak)".into(),
        site,
        involved: Vec::new(),
    }
}
