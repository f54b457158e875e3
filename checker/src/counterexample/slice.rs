//! Slicing a counterexample: which steps the bug depends on. The text
//! report folds the others.

use std::collections::{BTreeMap, BTreeSet};

use weft_models::ir::Program;
use weft_models::syntax::BugKind;
use weft_reports::view::Action;

use crate::counterexample::identity::ObjId;
use crate::counterexample::replay::Trace;
use crate::detect::Bug;
use crate::semantics::{self, Transition, Use};
use crate::state::GoroutineId;

/// For every step of `trace`, whether `bug` depends on it: the backward
/// closure, from the bug's own operations (the crash, the garbage
/// collection that found a context leak, the pending operations of the
/// involved goroutines), of program order, spawns and conflicting accesses
/// to one object. The causes a reader looks for are never folded either:
/// every choice (a `Choose` value, an `Either` branch: an input that
/// decides where a goroutine goes, an early return), and, for a deadlock
/// or a leak, the step in which a goroutine ended (it can release nobody
/// after it).
pub(crate) fn relevance(prog: &Program, trace: &Trace, bug: &Bug) -> Vec<bool> {
    let steps = &trace.steps;
    let mut goroutines: BTreeSet<GoroutineId> = BTreeSet::new();
    let mut objects: BTreeMap<ObjId, BTreeSet<bool>> = BTreeMap::new();
    let add_touches = |objects: &mut BTreeMap<ObjId, BTreeSet<bool>>, t: &[(ObjId, Use)]| {
        for &(o, a) in t {
            objects.entry(o).or_default().insert(commutes_with_reads(a));
        }
    };
    // Sinks: the pending operations of the involved goroutines.
    let last = &trace.last;
    for inv in &bug.involved {
        if let Some(p) = last.position(&inv.goroutine) {
            goroutines.insert(inv.goroutine.clone());
            let fp = semantics::footprint(
                prog,
                last,
                &Transition::Step {
                    g: p as u32,
                    alt: 0,
                },
            );
            let t: Vec<(ObjId, Use)> = fp
                .objects
                .iter()
                .map(|&(r, a)| (trace.objects.id(r), a))
                .collect();
            add_touches(&mut objects, &t);
        }
    }
    // A context or timer leak shows at the step that makes the object and
    // at the step whose garbage collection abandons it.
    let abandoned = match bug.kind {
        BugKind::ContextLeak | BugKind::ResourceLeak => true,
        BugKind::Deadlock | BugKind::Leak | BugKind::Race | BugKind::Panic => false,
        BugKind::Assert | BugKind::Spin => false,
    };
    let blocking = matches!(bug.kind, BugKind::Deadlock | BugKind::Leak);
    // The step in which each goroutine that is gone at the end ended.
    let mut ended: BTreeMap<GoroutineId, usize> = BTreeMap::new();
    for (i, s) in steps.iter().enumerate() {
        for a in s.movers() {
            if last.position(&a.goroutine).is_none() {
                ended.insert(a.goroutine.clone(), i);
            }
        }
    }
    let mut relevant = vec![false; steps.len()];
    for i in (0..steps.len()).rev() {
        let s = &steps[i];
        let cause = matches!(s.action, Action::Choice(_))
            || (blocking && s.movers().any(|a| ended.get(&a.goroutine) == Some(&i)));
        let sink = cause
            || s.failure.is_some()
            || (abandoned && s.events.iter().any(|e| e.bug().0 == bug.kind))
            || s.actor
                .as_ref()
                .is_some_and(|a| abandoned && a.site == bug.site);
        let by_goroutine = s.movers().any(|a| goroutines.contains(&a.goroutine));
        let by_spawn = s.spawned.as_ref().is_some_and(|c| goroutines.contains(c));
        let by_object = s.touches.iter().any(|&(o, a)| {
            objects
                .get(&o)
                .is_some_and(|reads| !(commutes_with_reads(a) && reads.iter().all(|&r| r)))
        });
        if sink || by_goroutine || by_spawn || by_object {
            relevant[i] = true;
            goroutines.extend(s.movers().map(|a| a.goroutine.clone()));
            add_touches(&mut objects, &s.touches);
        }
    }
    relevant
}

/// A use the slice treats as a read that commutes with other reads: plain
/// reads and `len`. Atomic loads and `ctx.Err()` are kept as synchronising
/// accesses, so they stay in the slice with each other.
fn commutes_with_reads(u: Use) -> bool {
    match u {
        Use::Read | Use::Inspect => true,
        Use::Write | Use::AtomicRead | Use::AtomicWrite | Use::Sync => false,
    }
}
