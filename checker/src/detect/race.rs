//! Data races, decided on the explored states.
//!
//! Under interleaving (sequentially consistent) semantics, two conflicting
//! accesses are unordered by happens-before in some run exactly when, in
//! some reachable state, both are the next operation of their goroutines:
//! the first racing pair of a run can always be scheduled back to back.
//! This needs nothing outside the state, so it is exact under state caching,
//! unlike vector clocks, which differ between paths that reach one state.
//! checker/README.md discusses the one gap (synchronisation by observation
//! without a happens-before edge, such as polling `len(ch)`).

use std::collections::BTreeMap;

use weft_models::ir::Program;
use weft_models::syntax::BugKind;

use super::{record, Bug, BugKey, Finding, Involved};
use crate::semantics::footprint::memory_access;
use crate::semantics::{waitgroup, Transition};
use crate::state::{Object, State};

/// Records every race whose two accesses are both enabled in `state`.
pub fn detect(
    prog: &Program,
    state: &State,
    path: impl Fn() -> Vec<Transition>,
    bugs: &mut BTreeMap<BugKey, Bug>,
) {
    let live = || state.goroutines.iter().filter(|g| !g.spinning);
    let accesses: Vec<_> = live()
        .filter_map(|g| memory_access(prog, state, g).map(|a| (g, a)))
        .collect();
    for (i, (g1, a1)) in accesses.iter().enumerate() {
        for (g2, a2) in &accesses[i + 1..] {
            if a1.object != a2.object || !(a1.write || a2.write) || (a1.atomic && a2.atomic) {
                continue;
            }
            let is_map = matches!(state.object(a1.object), Object::Map(_));
            let message = match (is_map, a1.write && a2.write) {
                (true, true) => "concurrent map writes (fatal error: concurrent map writes)",
                (true, false) => {
                    "concurrent map read and map write (fatal error: concurrent map read and map write)"
                }
                (false, _) if a1.atomic || a2.atomic => {
                    "data race: an atomic and a plain access to the same variable"
                }
                (false, true) => "data race: two concurrent writes to the same variable",
                (false, false) => "data race: a concurrent read and write of the same variable",
            };
            found(bugs, message, g1, g2, &path);
        }
    }
    // WaitGroup: an Add that raises the counter from zero, concurrent with a
    // Wait (Go's race detector reports this as a race on the WaitGroup).
    for g1 in live() {
        let Some(w) = waitgroup::pending_add_from_zero(prog, state, g1) else {
            continue;
        };
        for g2 in live() {
            if g2.id != g1.id && waitgroup::pending_wait(prog, state, g2) == Some(w) {
                found(
                    bugs,
                    "data race: WaitGroup.Add from zero concurrent with Wait (Add must happen before Wait)",
                    g1,
                    g2,
                    &path,
                );
            }
        }
    }
}

fn found(
    bugs: &mut BTreeMap<BugKey, Bug>,
    message: &str,
    g1: &crate::state::Goroutine,
    g2: &crate::state::Goroutine,
    path: &impl Fn() -> Vec<Transition>,
) {
    let (s1, s2) = (g1.site(), g2.site());
    let mut sites = vec![s1, s2];
    sites.sort();
    record(
        bugs,
        Finding {
            key: BugKey {
                kind: BugKind::Race,
                sites,
            },
            message: message.to_string(),
            site: s1,
            involved: vec![
                Involved {
                    goroutine: g1.id.clone(),
                    site: s1,
                },
                Involved {
                    goroutine: g2.id.clone(),
                    site: s2,
                },
            ],
        },
        path,
    );
}
