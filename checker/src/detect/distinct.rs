//! Which findings are one bug: what `weft check` reports once.
//!
//! The detectors key their findings by kind and code locations
//! ([`BugKey`](super::BugKey)): one leak per blocked goroutine's
//! operation, one deadlock per set of blocked operations, one race per
//! pair of accesses. A reader sees one bug where the run shows one stuck
//! pattern, so the report groups findings into distinct bugs:
//!
//! - a deadlock or a leak is its kind and the set of operations blocked
//!   forever at its end (every goroutine stuck in the bottom component
//!   that shows it, wherever they stand): leaks of several goroutines stuck
//!   together are one bug; which other goroutines had exited does not
//!   count;
//! - any other bug is its kind and its code locations (a race: both
//!   accesses; a crash, an assertion, a spin, a context or resource leak:
//!   its site).
//!
//! Each group is reported once, with how many findings it stands for and
//! how many times the search found them.

use std::collections::BTreeMap;

use weft_models::syntax::BugKind;

use super::Bug;
use crate::state::Site;

/// What makes two findings one bug.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Identity {
    /// The kind.
    pub kind: BugKind,
    /// For a deadlock or a leak, the operations blocked at its end; for
    /// the others, its code locations. Sorted, without repeats.
    pub sites: Vec<Site>,
}

/// The identity of `bug`.
pub fn identity(bug: &Bug) -> Identity {
    let mut sites: Vec<Site> = match bug.kind {
        BugKind::Deadlock | BugKind::Leak | BugKind::Race => {
            bug.involved.iter().map(|i| i.site).collect()
        }
        BugKind::Panic
        | BugKind::Assert
        | BugKind::ContextLeak
        | BugKind::ResourceLeak
        | BugKind::Spin => vec![bug.site],
    };
    sites.push(bug.site);
    sites.sort();
    sites.dedup();
    Identity {
        kind: bug.kind,
        sites,
    }
}

/// `bugs` grouped into distinct bugs, as indices into `bugs`: groups in
/// the order of their first member in `bugs`. The first member of a group
/// is the one to show: a leak of main, else the one at the lowest site.
pub fn group(bugs: &[&Bug]) -> Vec<Vec<usize>> {
    let mut at: BTreeMap<Identity, usize> = BTreeMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, b) in bugs.iter().enumerate() {
        let id = identity(b);
        match at.get(&id) {
            Some(&g) => groups[g].push(i),
            None => {
                at.insert(id, groups.len());
                groups.push(vec![i]);
            }
        }
    }
    // The member shown: a leak of main first, then the lowest site, so
    // that a check and a replay of its schedule show the same one.
    for g in &mut groups {
        g.sort_by_key(|&i| {
            let main = bugs[i]
                .involved
                .first()
                .is_some_and(|inv| inv.goroutine.is_main());
            (!main, bugs[i].site, i)
        });
    }
    groups
}
