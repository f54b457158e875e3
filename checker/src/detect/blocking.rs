//! Deadlocks, goroutine leaks and pending cancels, decided on the bottom
//! strongly connected components (BSCCs) of the explored graph.
//!
//! Every run ends in, or forever cycles inside, a BSCC. A goroutine that is
//! blocked in every state of a BSCC can never move again on any
//! continuation: it is leaked (partial deadlock). This holds even when other
//! goroutines loop forever, which Go's runtime detector misses. A terminal
//! state where main has not returned, every goroutine is blocked and no
//! timer can fire is a global deadlock (Go's `all goroutines are asleep`);
//! it is reported once, as a deadlock, not also as a leak per goroutine.
//! A derived context still waiting for its cancel in a BSCC is never
//! cancelled on that run: a context leak.
//!
//! When a bound cut the search, only components whose states were all
//! expanded are considered, so nothing is reported from a partial view
//! (the leaks a cut search reports beyond them are decided state by state,
//! in [`super::certain`]). Likewise a bit-state search's node with an edge
//! of unknown target ([`Graph::is_open`]) is in no bottom component: the
//! edge may leave it.

use std::collections::BTreeMap;

use weft_models::ir::Program;
use weft_models::syntax::BugKind;

use super::{context_leak, record, Bug, BugKey, Finding, Involved};
use crate::graph::{Graph, StateId};
use crate::semantics;
use crate::semantics::callback;
use crate::semantics::context::CancelStatus;
use crate::state::{GoroutineId, Object, Site, State};

/// The message of a leaked goroutine.
pub(crate) const LEAK: &str =
    "goroutine blocked forever: it can never be unblocked (goroutine leak)";

/// The message of main blocked forever while others can still move.
pub(crate) const MAIN_LEAK: &str =
    "main is blocked forever while other goroutines keep running (partial deadlock)";

/// The goroutines of `state` with no enabled transition, and whether any
/// transition at all (including timer fires) is enabled. A callback's
/// runner still waiting for its trigger is not a goroutine in Go (only a
/// `context.AfterFunc` registration): it is never counted as blocked.
pub fn blocked_goroutines(prog: &Program, state: &State) -> (Vec<GoroutineId>, bool) {
    let ts = semantics::enabled(prog, state);
    let mut moves = vec![false; state.goroutines.len()];
    for t in &ts {
        for a in t.actors() {
            moves[a as usize] = true;
        }
    }
    let blocked = state
        .goroutines
        .iter()
        .zip(moves)
        .filter(|(g, m)| !m && !g.spinning && !callback::waiting_runner(prog, g))
        .map(|(g, _)| g.id.clone())
        .collect();
    (blocked, !ts.is_empty())
}

/// The bottom SCCs of the expanded part of the graph, each as its state
/// ids in increasing order (so the first is the shallowest).
pub fn bottom_components(graph: &Graph) -> Vec<Vec<StateId>> {
    if !graph.edges_kept() {
        // A graph kept without edges has no cycle: its bottom components
        // are its terminal nodes (those with nothing to report left out).
        return graph.terminal().iter().map(|&s| vec![s]).collect();
    }
    let n = graph.len();
    if graph.forward_only() || !graph.has_cycle() {
        // No cycle: every component is one node, bottom when closed with
        // no successor (what `bottom_of_components` finds, without
        // computing the components). Whether the graph cycles is asked
        // once: the explorer has asked it of a search with sleep sets (to
        // keep it or not); otherwise it is one walk, cheaper than the
        // components (on lastzero(16), whose graph has edges to earlier
        // ids but no cycle, they took 0.12 s alone after the search).
        return (0..n as StateId)
            .filter(|&s| closed_alone(graph, s) && graph.successors(s).is_empty())
            .map(|s| vec![s])
            .collect();
    }
    bottom_of_components(graph)
}

/// Whether node `s`, its successors aside, may be in a bottom component:
/// expanded, every edge known, no crash (a crashing step leaves the
/// component: the run ends in the crash, with nothing blocked forever)
/// and nothing asleep.
fn closed_alone(graph: &Graph, s: StateId) -> bool {
    graph.is_expanded(s) && !graph.is_open(s) && graph.crashes(s) == 0 && !graph.asleep(s)
}

/// [`bottom_components`] of a graph with edges, from its strongly
/// connected components.
fn bottom_of_components(graph: &Graph) -> Vec<Vec<StateId>> {
    let n = graph.len();
    let sccs = crate::scc::components(n, |s| graph.out(s));
    let mut comp = vec![0usize; n];
    for (i, scc) in sccs.iter().enumerate() {
        for &v in scc {
            comp[v as usize] = i;
        }
    }
    let mut out = Vec::new();
    for (i, scc) in sccs.iter().enumerate() {
        let closed = scc.iter().all(|&s| {
            closed_alone(graph, s) && graph.successors(s).iter().all(|&t| comp[t as usize] == i)
        });
        if closed {
            let mut ids: Vec<StateId> = scc.to_vec();
            ids.sort_unstable();
            out.push(ids);
        }
    }
    out.sort();
    out
}

fn site_of(state: &State, id: &GoroutineId) -> Option<Site> {
    state.position(id).map(|p| state.goroutines[p].site())
}

/// Records deadlocks, leaks and context leaks of every bottom component,
/// in component order.
pub fn detect(prog: &Program, graph: &Graph, bugs: &mut BTreeMap<BugKey, Bug>) {
    for comp in bottom_components(graph) {
        let first = comp[0];
        for finding in findings(prog, graph, &comp) {
            record(bugs, finding, || graph.path_to(first));
        }
    }
}

/// The deadlock, leaks and context leaks bottom component `comp` (its
/// states, the first its representative) shows, in the order they are
/// recorded.
fn findings(prog: &Program, graph: &Graph, comp: &[StateId]) -> Vec<Finding> {
    let mut out = Vec::new();
    let rep = graph.state(comp[0]);
    // Goroutines blocked in every state of the component.
    let (mut stuck, any_move) = blocked_goroutines(prog, &rep);
    for &s in &comp[1..] {
        // (Once none is left, the other states cannot add one: a
        // fingerprint store rebuilds each state by replaying its path.)
        if stuck.is_empty() {
            break;
        }
        let (b, _) = blocked_goroutines(prog, &graph.state(s));
        stuck.retain(|g| b.contains(g));
    }
    let involved: Vec<Involved> = stuck
        .iter()
        .filter_map(|g| {
            site_of(&rep, g).map(|site| Involved {
                goroutine: g.clone(),
                site,
            })
        })
        .collect();
    let timers_pending = rep.objects.iter().any(|o| match o {
        Object::Timer(t) => t.active,
        Object::Context(c) => c.deadline_pending,
        _ => false,
    });
    let goroutines = rep
        .goroutines
        .iter()
        .filter(|g| !callback::waiting_runner(prog, g))
        .count();
    let all_blocked =
        !any_move && comp.len() == 1 && involved.len() == goroutines && !rep.main_returned;
    let crashes = all_blocked && !timers_pending && !involved.is_empty();
    if crashes {
        let mut sites: Vec<Site> = involved.iter().map(|i| i.site).collect();
        sites.sort();
        sites.dedup();
        let main_site = involved
            .iter()
            .find(|i| i.goroutine.is_main())
            .map_or(involved[0].site, |i| i.site);
        out.push(Finding {
            key: BugKey {
                kind: BugKind::Deadlock,
                sites,
            },
            message: "fatal error: all goroutines are asleep - deadlock!".into(),
            site: main_site,
            involved: involved.clone(),
        });
    } else {
        for leaked in &involved {
            out.push(Finding {
                key: BugKey {
                    kind: BugKind::Leak,
                    sites: vec![leaked.site],
                },
                message: if leaked.goroutine.is_main() {
                    MAIN_LEAK.into()
                } else {
                    LEAK.into()
                },
                site: leaked.site,
                involved: std::iter::once(leaked.clone())
                    .chain(involved.iter().filter(|i| *i != leaked).cloned())
                    .collect(),
            });
        }
    }
    // A run that ends in Go's deadlock crash leaks nothing: the process
    // is gone (a cancel deferred by the deadlocked main is the deadlock's
    // consequence, not a second bug).
    if crashes {
        return out;
    }
    for o in rep.objects.iter() {
        if let Object::Context(c) = o {
            if c.cancel == CancelStatus::Pending {
                if let Some(site) = c.site {
                    out.push(context_leak(site));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::{explore_graph_with, Bounds};
    use crate::graph::StoreKind;
    use crate::reduce::Reduction;

    /// On every scenario of the corpus, searched with and without the
    /// reduction: where every edge goes to a larger id, or the graph has no
    /// cycle, the pass in id order finds the bottom components the walk
    /// (strongly connected components) finds; where every edge goes to a
    /// larger id, the count in reverse id order finds the complete runs the
    /// depth-first post-order finds. The corpus has graphs of every kind,
    /// so every path is exercised.
    #[test]
    fn passes_in_id_order_find_what_the_walks_find_on_the_corpus() {
        let bounds = Bounds {
            store: StoreKind::Full,
            ..Bounds::default()
        };
        let (mut forward, mut other, mut acyclic, mut bottoms) = (0, 0, 0, 0);
        for prog in crate::testing::corpus() {
            for reduction in [Reduction::Por, Reduction::None] {
                let Ok((graph, _, _)) = explore_graph_with(&prog, &bounds, reduction) else {
                    continue;
                };
                let walked = bottom_of_components(&graph);
                assert_eq!(bottom_components(&graph), walked, "{}", prog.meta.name);
                if graph.forward_only() {
                    forward += 1;
                    bottoms += walked.len();
                    assert_eq!(
                        graph.complete_runs_walking(false),
                        graph.complete_runs_walking(true),
                        "{}",
                        prog.meta.name
                    );
                } else {
                    other += 1;
                    acyclic += usize::from(!graph.has_cycle());
                }
            }
        }
        // (Of the others, the acyclic ones take the pass too, knowing
        // from the explorer that the graph has no cycle.)
        eprintln!("{forward} forward, {other} other, {acyclic} of them acyclic");
        assert!(
            forward > 20 && other > 20 && acyclic > 10,
            "{forward} forward, {other} other, {acyclic} of them acyclic"
        );
        assert!(bottoms > 20, "{bottoms} bottom components");
    }
}
