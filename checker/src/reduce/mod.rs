//! Partial-order reduction: a layer on the one explorer that skips
//! schedules differing only in the order of independent steps.
//!
//! [`Reduction::Por`] combines persistent sets ([`persistent`]) with sleep
//! sets ([`sleep`]) over a stateful breadth-first search whose nodes are
//! pairs (state, sleep set). [`Reduction::None`] is the plain exhaustive
//! search, the referee every reduction is tested against. Why this is sound
//! for every bug kind, and the independence relation, are in
//! `checker/README.md` ("Partial-order reduction").

pub(crate) mod frozen;
pub(crate) mod future;
pub(crate) mod persistent;
pub(crate) mod plain;
pub(crate) mod sleep;
pub(crate) mod touch;
pub(crate) mod waitgroup;

pub(crate) use future::{forget_merged, ProgramFuture};
pub(crate) use persistent::{analyse_into, StateView};
pub(crate) use sleep::SleepSet;

/// Which reduction a search uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Reduction {
    /// Every enabled transition of every state: the referee.
    None,
    /// Persistent sets and sleep sets (the default).
    #[default]
    Por,
    /// Stateless source-set DPOR chooses the steps
    /// (`crate::explore::dpor`), for
    /// programs whose runs all end and whose goroutines wait only at a
    /// `sync.Mutex`, a channel send or receive or a WaitGroup; others fall
    /// back to
    /// [`Reduction::Por`].
    Dpor,
}

impl Reduction {
    /// The name used on the command line and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Reduction::None => "none",
            Reduction::Por => "por",
            Reduction::Dpor => "dpor",
        }
    }
}

impl std::str::FromStr for Reduction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "none" => Ok(Reduction::None),
            "por" => Ok(Reduction::Por),
            "dpor" => Ok(Reduction::Dpor),
            _ => Err(format!(
                "unknown reduction `{s}` (expected `none`, `por` or `dpor`)"
            )),
        }
    }
}

/// Why stateless DPOR (`--reduction dpor`) does not apply to a program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotApplicable {
    /// Some run may not end (a loop that is not counted, recursion, a
    /// ticker): without remembered states the search would not end.
    Unbounded,
    /// A goroutine may wait on something DPOR has no rule for (a select,
    /// an RWMutex, a Cond, `Once`) or something fires by itself (a
    /// timer, a deadline). Where, when known.
    Waits(Option<crate::state::Site>),
}

/// The reduction a finished search actually applied.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Applied {
    /// None was asked for.
    #[default]
    None,
    /// Partial-order reduction.
    Por,
    /// Partial-order reduction on a cyclic state graph: persistent sets with
    /// a cycle proviso, without sleep sets (which do not preserve goroutines
    /// blocked forever in cycles).
    Proviso,
    /// Stateless DPOR chose the steps.
    Dpor,
    /// `dpor` was asked for but does not apply: partial-order reduction
    /// instead (the reason inside).
    PorNotDpor(NotApplicable),
}

impl Applied {
    /// How reports name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Applied::None => "none",
            Applied::Por => "por",
            Applied::Proviso => "por (cyclic: persistent sets with a cycle proviso, no sleep sets)",
            Applied::Dpor => "dpor (stateless source-set DPOR chose the steps)",
            Applied::PorNotDpor(NotApplicable::Unbounded) => {
                "por (dpor needs runs that all end: a loop here is not counted, or calls recurse)"
            }
            Applied::PorNotDpor(NotApplicable::Waits(_)) => {
                "por (dpor needs goroutines that wait only at a sync.Mutex, a channel send or receive or a WaitGroup: a select, RWMutex, Cond, Once or timer)"
            }
        }
    }
}
