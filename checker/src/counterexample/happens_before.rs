//! The happens-before edges of a counterexample besides program order: a
//! goroutine's first step comes after the step that started it, and
//! successive synchronising accesses (channel, lock, WaitGroup, atomic, ...)
//! to one object by different goroutines are ordered.

use std::collections::{BTreeMap, BTreeSet};

use crate::counterexample::identity::ObjId;
use crate::counterexample::replay::Trace;

use crate::state::GoroutineId;

/// For every step of `trace`, the earlier steps (1-based) of other
/// goroutines it synchronises with, in increasing order.
pub(crate) fn sync_edges(trace: &Trace) -> Vec<Vec<usize>> {
    let mut last_touch: BTreeMap<ObjId, usize> = BTreeMap::new();
    let mut first_step: BTreeSet<GoroutineId> = BTreeSet::new();
    let mut spawner: BTreeMap<GoroutineId, usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(trace.steps.len());
    for (i, s) in trace.steps.iter().enumerate() {
        let mut after = BTreeSet::new();
        let movers: Vec<&GoroutineId> = s.movers().map(|a| &a.goroutine).collect();
        for m in &movers {
            if first_step.insert((*m).clone()) {
                if let Some(&j) = spawner.get(*m) {
                    after.insert(j + 1);
                }
            }
        }
        for &(o, a) in &s.touches {
            if a.synchronises() {
                if let Some(&j) = last_touch.get(&o) {
                    let prev = &trace.steps[j];
                    if !prev.movers().any(|p| movers.contains(&&p.goroutine)) {
                        after.insert(j + 1);
                    }
                }
                last_touch.insert(o, i);
            }
        }
        if let Some(c) = &s.spawned {
            spawner.insert(c.clone(), i);
        }
        out.push(after.into_iter().collect());
    }
    out
}
