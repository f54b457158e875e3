//! Why a counterexample shows its bug, as typed facts the report words:
//! who is stuck and whether main has returned (a leak), which two accesses
//! race and how, who crashed where, when a cancel function became
//! unreachable, who loops forever where.

use weft_models::syntax::BugKind;
use weft_reports::words::{self, Explanation, RaceSide, Touch};

use crate::counterexample::identity::ObjId;
use crate::counterexample::locate::Locator;
use crate::counterexample::replay::Trace;
use crate::counterexample::waitfor::WaitFor;
use crate::detect::Bug;
use crate::semantics::footprint::memory_access;
use crate::semantics::waitgroup;
use crate::semantics::Event;
use crate::state::GoroutineId;

/// How a report names an object of `trace`: by its name, else by where it
/// was made.
pub(crate) fn object_name(loc: &Locator, trace: &Trace, id: ObjId) -> String {
    if id.0 == u32::MAX {
        return words::ANY_OBJECT.into();
    }
    let info = trace.objects.info(id);
    let made = info.created.map(|site| loc.line_col(site));
    words::object(info.kind.noun(), info.name.as_deref(), made)
}

/// One side of a race: the goroutine's pending access at the end.
fn race_side(loc: &Locator, trace: &Trace, g: &GoroutineId) -> Option<(RaceSide, ObjId)> {
    let last = &trace.last;
    let gr = &last.goroutines[last.position(g)?];
    let access = memory_access(loc.prog, last, gr)?;
    let side = RaceSide {
        goroutine: trace.name(g),
        touch: match (access.atomic, access.write) {
            (true, _) => Touch::Atomic,
            (false, true) => Touch::Write,
            (false, false) => Touch::Read,
        },
        at: loc.line_col(gr.site()),
    };
    Some((side, trace.objects.id(access.object)))
}

/// A WaitGroup race between `a` and `b` at the end of `trace`: one about
/// to `Add` to it from zero, the other about to `Wait` on it.
fn waitgroup_race(
    loc: &Locator,
    trace: &Trace,
    a: &GoroutineId,
    b: &GoroutineId,
) -> Option<Explanation> {
    let last = &trace.last;
    let ga = &last.goroutines[last.position(a)?];
    let gb = &last.goroutines[last.position(b)?];
    let (adder, waiter) = if waitgroup::pending_add_from_zero(loc.prog, last, ga).is_some() {
        (ga, gb)
    } else {
        (gb, ga)
    };
    let wg = waitgroup::pending_add_from_zero(loc.prog, last, adder)?;
    if waitgroup::pending_wait(loc.prog, last, waiter) != Some(wg) {
        return None;
    }
    Some(Explanation::WaitGroupRace {
        waitgroup: object_name(loc, trace, trace.objects.id(wg)),
        adder: trace.name(&adder.id),
        add_at: loc.line_col(adder.site()),
        waiter: trace.name(&waiter.id),
        wait_at: loc.line_col(waiter.site()),
    })
}

/// Why `bug` happens in `trace`, whose end `wf` analyses; `None` when the
/// run does not show enough to say it.
pub(crate) fn explanation(
    loc: &Locator,
    trace: &Trace,
    wf: &WaitFor,
    bug: &Bug,
) -> Option<Explanation> {
    match bug.kind {
        BugKind::Deadlock => Some(Explanation::Deadlock),
        BugKind::Leak => bug.involved.first().map(|first| Explanation::Leak {
            goroutine: trace.name(&first.goroutine),
            waiting: wf
                .goroutines
                .iter()
                .any(|g| g.goroutine == first.goroutine && g.wait.is_some()),
            main_returned: trace.last.position(&GoroutineId::main()).is_none(),
        }),
        BugKind::Race => {
            let [a, b] = bug.involved.as_slice() else {
                return None;
            };
            if let Some(e) = waitgroup_race(loc, trace, &a.goroutine, &b.goroutine) {
                return Some(e);
            }
            let (first, object) = race_side(loc, trace, &a.goroutine)?;
            let (second, _) = race_side(loc, trace, &b.goroutine)?;
            Some(Explanation::Race {
                object: object_name(loc, trace, object),
                first,
                second,
            })
        }
        BugKind::Panic | BugKind::Assert => trace.failure.as_ref().map(|f| Explanation::Crash {
            goroutine: trace.name(&f.goroutine),
            at: loc.line_col(f.site),
            message: f.message.clone(),
        }),
        BugKind::Spin => bug.involved.first().map(|first| Explanation::Spin {
            goroutine: trace.name(&first.goroutine),
            at: loc.line_col(bug.site),
        }),
        BugKind::ContextLeak => {
            let made_at = loc.line_col(bug.site);
            let gc = trace.steps.iter().position(|s| {
                s.events
                    .iter()
                    .any(|Event::ContextLeak { site }| *site == bug.site)
            });
            Some(match gc {
                Some(i) => Explanation::CancelUnreachable {
                    step: i + 1,
                    made_at,
                },
                None => Explanation::CancelNeverCalled { made_at },
            })
        }
    }
}
