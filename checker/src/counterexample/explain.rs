//! Why a counterexample shows its bug, as typed facts the report words:
//! who is stuck and whether main has returned (a leak), which two accesses
//! race and how, who crashed where, when a cancel function became
//! unreachable, who loops forever where.

use weft_models::ir::{Const, Expr, Op};
use weft_models::syntax::BugKind;
use weft_reports::view::Action;
use weft_reports::words::{self, Explanation, RaceSide, SemaphoreUse, Touch, WaitGroupStep};

use crate::counterexample::identity::{ObjId, Objects};
use crate::counterexample::locate::Locator;
use crate::counterexample::replay::{Trace, TraceStep};
use crate::counterexample::values::{Chosen, LocalTouch, Shown};
use crate::counterexample::waitfor::WaitFor;
use crate::detect::{race, Bug, Involved};
use crate::semantics::footprint::{memory_accesses, Use};
use crate::semantics::waitgroup;
use crate::semantics::{Event, Failure, Resource};
use crate::state::{Goroutine, GoroutineId, Object, Site, State};
use crate::value::{CtxError, Value};
use weft_reports::view::{ChosenView, LocalAccess, LocalView};

/// How a report names an object of `trace`: by its name, else by where it
/// was made.
pub(crate) fn object_name(loc: &Locator, trace: &Trace, id: ObjId) -> String {
    object_name_in(loc, &trace.objects, id)
}

/// [`object_name`] among the objects of a run being replayed.
pub(crate) fn object_name_in(loc: &Locator, objects: &Objects, id: ObjId) -> String {
    if id.0 == u32::MAX {
        return words::ANY_OBJECT.into();
    }
    let info = objects.info(id);
    let made = info.created.map(|site| loc.line_col(site));
    words::object(info.kind.noun(), info.name.as_deref(), made)
}

/// A value that is no handle, as Go prints it; an `errors.New` error by
/// its text.
pub(crate) fn plain_words(loc: &Locator, v: Value) -> String {
    match v {
        Value::Err(CtxError::New(i)) => match loc.prog.meta.errors.get(i as usize) {
            Some(text) => format!("errors.New({text:?})"),
            None => v.to_string(),
        },
        Value::Str(i) => match loc.prog.meta.strings.get(i as usize) {
            Some(text) => format!("{text:?}"),
            None => v.to_string(),
        },
        _ => v.to_string(),
    }
}

/// A value a step shows, in words: as Go prints it, an object by its name.
pub(crate) fn value_words(loc: &Locator, objects: &Objects, v: Shown) -> String {
    match v {
        Shown::Plain(v) => plain_words(loc, v),
        Shown::Object(id) => object_name_in(loc, objects, id),
        Shown::CancelOf(id) => {
            format!(
                "the cancel function of {}",
                object_name_in(loc, objects, id)
            )
        }
    }
}

/// The view of the alternative a choice point took.
pub(crate) fn chosen_view(loc: &Locator, objects: &Objects, c: &Chosen) -> ChosenView {
    // An `Either`'s value is its 0-based branch: show the 1-based one.
    let value = match c.local {
        Some(_) => value_words(loc, objects, c.value),
        None => c.alt.to_string(),
    };
    ChosenView {
        sentence: words::chosen(c.local.as_deref(), &value, c.alt, c.of),
        local: c.local.clone(),
        value,
        alt: c.alt,
        of: c.of,
    }
}

/// The views of the locals a step read and wrote.
/// A handle in a local of the object's own name (`ch` holding channel
/// `ch`) says nothing the operation does not: it is left out.
pub(crate) fn local_views(loc: &Locator, objects: &Objects, ls: &[LocalTouch]) -> Vec<LocalView> {
    let own_name = |l: &LocalTouch| match l.value {
        Shown::Object(id) => objects.info(id).name.as_deref() == Some(l.name.as_str()),
        Shown::Plain(_) | Shown::CancelOf(_) => false,
    };
    ls.iter()
        .filter(|l| !own_name(l))
        .map(|l| LocalView {
            name: l.name.clone(),
            value: value_words(loc, objects, l.value),
            access: if l.write {
                LocalAccess::Write
            } else {
                LocalAccess::Read
            },
        })
        .collect()
}

/// The sides of a race goroutine `g` may be: its pending accesses at the
/// end (most operations make one; an append of several values in place
/// writes each cell).
fn race_sides(loc: &Locator, trace: &Trace, g: &GoroutineId) -> Vec<(RaceSide, ObjId)> {
    let last = &trace.last;
    let Some(gr) = last.position(g).and_then(|i| last.goroutines.get(i)) else {
        return Vec::new();
    };
    memory_accesses(loc.prog, last, gr)
        .iter()
        .map(|access| {
            let side = RaceSide {
                goroutine: trace.name(g),
                touch: match (access.atomic, access.write) {
                    (true, _) => Touch::Atomic,
                    (false, true) => Touch::Write,
                    (false, false) => Touch::Read,
                },
                at: loc.line_col(gr.site()),
            };
            (side, trace.objects.id(access.object))
        })
        .collect()
}

/// The pending accesses of the goroutine `inv` names, if it stands at its
/// racing operation at the end of `trace`: the sides of the race it may be.
fn pending_sides(loc: &Locator, trace: &Trace, inv: &Involved) -> Vec<(RaceSide, ObjId)> {
    let mut sides = race_sides(loc, trace, &inv.goroutine);
    sides.retain(|(s, _)| s.at == loc.line_col(inv.site));
    sides
}

/// The two pending sides of a race between `a` and `b` on one object (the
/// first pair that shares one; else the first of each).
fn pending_pair(
    a: Vec<(RaceSide, ObjId)>,
    b: Vec<(RaceSide, ObjId)>,
) -> Option<(RaceSide, RaceSide, ObjId)> {
    let shared = a
        .iter()
        .find_map(|(x, o)| b.iter().find(|(_, p)| p == o).map(|(y, _)| (x, y, *o)));
    match shared {
        Some((x, y, o)) => Some((x.clone(), y.clone(), o)),
        None => {
            let (x, o) = a.into_iter().next()?;
            let (y, _) = b.into_iter().next()?;
            Some((x, y, o))
        }
    }
}

/// The access another goroutine than `later` made at `site` to `object`,
/// last in the schedule: the earlier side of a race with one access in
/// the past.
fn past_side(
    loc: &Locator,
    trace: &Trace,
    site: Site,
    later: &GoroutineId,
    object: ObjId,
) -> Option<RaceSide> {
    trace.steps.iter().rev().find_map(|s| {
        let actor = s
            .actor
            .as_ref()
            .filter(|a| a.site == site && a.goroutine != *later)?;
        let touch = s.touches.iter().find_map(|&(o, u)| match u {
            _ if o != object => None,
            Use::Read => Some(Touch::Read),
            Use::Write => Some(Touch::Write),
            Use::AtomicRead | Use::AtomicWrite => Some(Touch::Atomic),
            Use::Inspect | Use::Sync => None,
        })?;
        Some(RaceSide {
            goroutine: trace.name(&actor.goroutine),
            touch,
            at: loc.line_col(site),
        })
    })
}

/// The name of the goroutine that makes the access at a race's location:
/// the one standing there at the end, or the one that made it earlier in
/// the schedule (a goroutine that has ended since is named in the bug by
/// the other side's: the schedule names it).
pub(crate) fn race_goroutine(loc: &Locator, trace: &Trace, bug: &Bug) -> Option<String> {
    let [a, b] = bug.involved.as_slice() else {
        return None;
    };
    let last = &trace.last;
    let standing = last
        .position(&a.goroutine)
        .and_then(|i| last.goroutines.get(i))
        .is_some_and(|g| g.site() == a.site);
    if standing && a.goroutine != b.goroutine {
        return Some(trace.name(&a.goroutine));
    }
    for (_, object) in pending_sides(loc, trace, b) {
        if let Some(s) = past_side(loc, trace, a.site, &b.goroutine, object) {
            return Some(s.goroutine);
        }
    }
    // (A channel's closed state is touched as a synchronisation: the
    // step at the site by another goroutine than the later one.)
    trace.steps.iter().rev().find_map(|s| {
        s.actor
            .as_ref()
            .filter(|x| x.site == a.site && x.goroutine != b.goroutine)
            .map(|x| trace.name(&x.goroutine))
    })
}

/// The last state of `trace`, and goroutines `a` and `b` in it.
fn at_end<'t>(
    trace: &'t Trace,
    a: &GoroutineId,
    b: &GoroutineId,
) -> Option<(&'t State, &'t Goroutine, &'t Goroutine)> {
    let last = &trace.last;
    let ga = &last.goroutines[last.position(a)?];
    let gb = &last.goroutines[last.position(b)?];
    Some((last, ga, gb))
}

/// A WaitGroup race between `a` and `b` at the end of `trace`: one about
/// to `Add` to it from zero, the other about to `Wait` on it.
fn waitgroup_race(
    loc: &Locator,
    trace: &Trace,
    a: &GoroutineId,
    b: &GoroutineId,
) -> Option<Explanation> {
    let (last, ga, gb) = at_end(trace, a, b)?;
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

/// A race on a WaitGroup's semaphore with one access in the schedule's
/// past (`semantics::happens`): the goroutine of the other stands at its
/// `Add` from zero or its first waiter's `Wait` at the end.
fn past_waitgroup_race(loc: &Locator, trace: &Trace, bug: &Bug) -> Option<Explanation> {
    if bug.message != race::ADD_FROM_ZERO_RACE && bug.message != race::TWO_FIRST_WAITERS_RACE {
        return None;
    }
    let [a, b] = bug.involved.as_slice() else {
        return None;
    };
    let last = &trace.last;
    let standing = |inv: &Involved| {
        let g = last.goroutines.get(last.position(&inv.goroutine)?)?;
        (g.site() == inv.site)
            .then(|| waitgroup::semaphore_access(loc.prog, last, g))
            .flatten()
    };
    let (now, past, (wg, _)) = match (standing(a), standing(b)) {
        (_, Some(access)) => (b, a, access),
        (Some(access), None) => (a, b, access),
        (None, None) => return None,
    };
    let step = trace.steps.iter().rev().find(|s| {
        s.actor
            .as_ref()
            .is_some_and(|x| x.site == past.site && x.goroutine != now.goroutine)
    })?;
    let adds = |site: Site| matches!(loc.prog.instr(site.func, site.pc).op, Op::WgAdd { .. });
    Some(Explanation::PastWaitGroupRace {
        waitgroup: object_name(loc, trace, trace.objects.id(wg)),
        earlier: SemaphoreUse {
            goroutine: trace.name(&step.actor.as_ref()?.goroutine),
            at: loc.line_col(past.site),
            adds: adds(past.site),
        },
        later: SemaphoreUse {
            goroutine: trace.name(&now.goroutine),
            at: loc.line_col(now.site),
            adds: adds(now.site),
        },
    })
}

/// The `Wait` that crashed at the end of `trace` because its WaitGroup
/// was reused before it woke: the step whose `Add` or `Done` brought the
/// counter to zero after it registered (releasing it), and the `Add` from
/// zero after that, found by running the constant deltas of the steps on
/// the WaitGroup back from the counter at the end (unknown, `None`, when
/// one is not a constant).
fn waitgroup_reused(loc: &Locator, trace: &Trace, f: &Failure) -> Option<Explanation> {
    let last = &trace.last;
    let waiter = &last.goroutines[last.position(&f.goroutine)?];
    let r = waitgroup::pending_wait(loc.prog, last, waiter)?;
    let Object::WaitGroup(w) = last.object(r) else {
        return None;
    };
    let id = trace.objects.id(r);
    let on_it = |s: &TraceStep| s.touches.iter().any(|&(o, _)| o == id);
    let registered = trace.steps.iter().rposition(|s| {
        s.action == Action::Wait
            && on_it(s)
            && s.actor.as_ref().is_some_and(|a| a.goroutine == f.goroutine)
    })?;
    let side = |i: usize, d: i64| {
        let a = trace.steps[i].actor.as_ref()?;
        Some(WaitGroupStep {
            step: i + 1,
            goroutine: trace.name(&a.goroutine),
            at: loc.line_col(a.site),
            done: d == -1,
        })
    };
    let mut adds: Vec<(usize, i64)> = Vec::new();
    let mut known = true;
    for (i, s) in trace.steps.iter().enumerate().skip(registered + 1) {
        let Some(a) = s
            .actor
            .as_ref()
            .filter(|_| s.action == Action::Add && on_it(s))
        else {
            continue;
        };
        match &loc.prog.instr(a.site.func, a.site.pc).op {
            Op::WgAdd {
                delta: Expr::Const(Const::Int(d)),
                ..
            } => adds.push((i, *d)),
            _ => known = false,
        }
    }
    let (mut released, mut added) = (None, None);
    if known {
        let mut counter = w.counter - adds.iter().map(|&(_, d)| d).sum::<i64>();
        for (i, d) in adds {
            let before = counter;
            counter += d;
            if released.is_none() && counter == 0 {
                released = side(i, d);
            } else if released.is_some() && before == 0 && d > 0 {
                added = side(i, d);
                break;
            }
        }
    }
    Some(Explanation::WaitGroupReused {
        waitgroup: object_name(loc, trace, id),
        waiter: trace.name(&f.goroutine),
        wait_at: loc.line_col(f.site),
        released,
        added,
    })
}

/// A race between a send and a close at the end of `trace`: one of `a`
/// and `b` about to send on (or waiting to send on) a channel the other is
/// about to close.
fn close_race(
    loc: &Locator,
    trace: &Trace,
    wf: &WaitFor,
    a: &GoroutineId,
    b: &GoroutineId,
) -> Option<Explanation> {
    let (last, ga, gb) = at_end(trace, a, b)?;
    let (sender, closer, c) = match (
        race::pending_close(loc.prog, last, ga),
        race::pending_close(loc.prog, last, gb),
    ) {
        (_, Some(c)) if race::pending_sends(loc.prog, last, ga).contains(&c) => (ga, gb, c),
        (Some(c), _) if race::pending_sends(loc.prog, last, gb).contains(&c) => (gb, ga, c),
        _ => return None,
    };
    Some(Explanation::CloseRace {
        channel: object_name(loc, trace, trace.objects.id(c)),
        sender: trace.name(&sender.id),
        sender_waits: wf
            .goroutines
            .iter()
            .any(|g| g.goroutine == sender.id && g.wait.is_some()),
        send_at: loc.line_col(sender.site()),
        closer: trace.name(&closer.id),
        close_at: loc.line_col(closer.site()),
    })
}

/// A send (`sender`) and a close (`closer`) unordered, one of them in the
/// schedule's past (`semantics::happens`): the other stands at its
/// operation at the end.
fn past_close_race(
    loc: &Locator,
    trace: &Trace,
    sender: &Involved,
    closer: &Involved,
) -> Option<Explanation> {
    if !matches!(
        loc.prog.instr(closer.site.func, closer.site.pc).op,
        Op::Close { .. }
    ) {
        return None;
    }
    let last = &trace.last;
    let standing = |inv: &Involved| {
        let g = last.goroutines.get(last.position(&inv.goroutine)?)?;
        (g.site() == inv.site).then_some(g)
    };
    let (c, close_first, past, now) = match (standing(closer), standing(sender)) {
        (Some(g), _) if sender.goroutine != closer.goroutine || g.site() != sender.site => (
            race::pending_close(loc.prog, last, g)?,
            false,
            sender,
            closer,
        ),
        (_, Some(g)) => {
            let sends = race::pending_sends(loc.prog, last, g);
            (*sends.first()?, true, closer, sender)
        }
        (Some(_), None) | (None, None) => return None,
    };
    let channel = trace.objects.id(c);
    let step = trace.steps.iter().rev().find(|s| {
        s.actor
            .as_ref()
            .is_some_and(|a| a.site == past.site && a.goroutine != now.goroutine)
    })?;
    let earlier = trace.name(&step.actor.as_ref()?.goroutine);
    let later = trace.name(&now.goroutine);
    let (sender_name, closer_name) = if close_first {
        (later, earlier)
    } else {
        (earlier, later)
    };
    // A select reads the state of every send case it polls, taken or
    // not.
    let polled = !close_first
        && matches!(
            loc.prog.instr(sender.site.func, sender.site.pc).op,
            Op::Select { .. }
        );
    Some(Explanation::PastCloseRace {
        channel: object_name(loc, trace, channel),
        sender: sender_name,
        send_at: loc.line_col(sender.site),
        closer: closer_name,
        close_at: loc.line_col(closer.site),
        close_first,
        polled,
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
            if let Some(e) = past_waitgroup_race(loc, trace, bug) {
                return Some(e);
            }
            if let Some(e) = close_race(loc, trace, wf, &a.goroutine, &b.goroutine) {
                return Some(e);
            }
            if let Some(e) = past_close_race(loc, trace, a, b) {
                return Some(e);
            }
            let (sides_a, sides_b) = (pending_sides(loc, trace, a), pending_sides(loc, trace, b));
            if a.goroutine != b.goroutine && !sides_a.is_empty() && !sides_b.is_empty() {
                let (first, second, object) = pending_pair(sides_a, sides_b)?;
                return Some(Explanation::Race {
                    object: object_name(loc, trace, object),
                    first,
                    second,
                });
            }
            // One access is in the schedule's past (`semantics::happens`).
            let (later_sides, earlier_site, later_goroutine) = if sides_a.is_empty() {
                (sides_b, a.site, &b.goroutine)
            } else {
                (sides_a, b.site, &a.goroutine)
            };
            later_sides.into_iter().find_map(|(later, object)| {
                Some(Explanation::PastRace {
                    object: object_name(loc, trace, object),
                    earlier: past_side(loc, trace, earlier_site, later_goroutine, object)?,
                    later,
                })
            })
        }
        BugKind::Panic | BugKind::Assert => trace.failure.as_ref().map(|f| {
            let reused = f.message.ends_with(waitgroup::REUSED);
            reused
                .then(|| waitgroup_reused(loc, trace, f))
                .flatten()
                .unwrap_or_else(|| Explanation::Crash {
                    goroutine: trace.name(&f.goroutine),
                    at: loc.line_col(f.site),
                    message: f.message.clone(),
                })
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
                    .any(|e| e.bug() == (BugKind::ContextLeak, bug.site))
            });
            Some(match gc {
                Some(i) => Explanation::CancelUnreachable {
                    step: i + 1,
                    made_at,
                },
                None => Explanation::CancelNeverCalled { made_at },
            })
        }
        BugKind::ResourceLeak => trace.steps.iter().enumerate().find_map(|(i, s)| {
            s.events.iter().find_map(|e| match *e {
                Event::Abandoned {
                    resource: Resource::Timer { ticker },
                    site,
                } if site == bug.site => Some(Explanation::TimerUnreachable {
                    step: i + 1,
                    made_at: loc.line_col(bug.site),
                    ticker,
                }),
                Event::Abandoned { .. } => None,
            })
        }),
    }
}
