//! The run of a counterexample step by step, for the review page: where
//! each goroutine is and what each object holds at the start and after
//! every step. The trace is replayed once more, state by state (it was
//! replayed to be shown; a replay keeps only its last state).

use std::collections::{BTreeMap, BTreeSet};

use weft_reports::view::{LaneStateView, LaneStatus, ObjectStateView, SnapshotView};
use weft_reports::words::{self, ObjectFacts};

use crate::counterexample::explain;
use crate::counterexample::identity::{ObjId, Objects};
use crate::counterexample::locate::Locator;
use crate::counterexample::replay::{Replayer, Trace};
use crate::semantics::context::CancelStatus;
use crate::semantics::once::OnceState;
use crate::semantics::{self};
use crate::state::{GoroutineId, Object, State};
use crate::value::Value;

/// The start and the state after each step of `trace`, whose lanes are
/// `lanes` (goroutine to lane index). Empty when the trace does not replay
/// (it was replayed to be made, so it always does).
pub(super) fn snapshots(
    loc: &Locator,
    trace: &Trace,
    lanes: &BTreeMap<GoroutineId, usize>,
) -> Vec<SnapshotView> {
    let Ok(mut run) = Replayer::new(loc.prog) else {
        return Vec::new();
    };
    let mut seen: BTreeSet<GoroutineId> = BTreeSet::new();
    let mut out = Vec::with_capacity(trace.path.len() + 1);
    out.push(snapshot(loc, trace, lanes, &run, &mut seen, 0, None));
    for (i, t) in trace.path.iter().enumerate() {
        let crashed = match run.step(t) {
            Ok(step) => step
                .failure
                .as_ref()
                .map(|_| step.actor.as_ref().map(|a| a.goroutine.clone())),
            Err(_) => return Vec::new(),
        };
        out.push(snapshot(
            loc,
            trace,
            lanes,
            &run,
            &mut seen,
            i + 1,
            crashed.flatten(),
        ));
    }
    out
}

/// One state of the run: `step` steps taken; `crashed` is the goroutine
/// whose last step crashed the program.
fn snapshot(
    loc: &Locator,
    trace: &Trace,
    lanes: &BTreeMap<GoroutineId, usize>,
    run: &Replayer,
    seen: &mut BTreeSet<GoroutineId>,
    step: usize,
    crashed: Option<GoroutineId>,
) -> SnapshotView {
    let state = run.state();
    let enabled = semantics::enabled(loc.prog, state);
    let ready: BTreeSet<u32> = enabled.iter().flat_map(|t| t.actors()).collect();
    seen.extend(state.goroutines.iter().map(|g| g.id.clone()));
    let mut lane_views = vec![
        LaneStateView {
            status: LaneStatus::NotStarted,
            at: None,
        };
        lanes.len()
    ];
    for (id, &lane) in lanes {
        let Some(slot) = lane_views.get_mut(lane) else {
            continue;
        };
        *slot = match state.position(id) {
            Some(p) => LaneStateView {
                status: if crashed.as_ref() == Some(id) {
                    LaneStatus::Crashed
                } else if ready.contains(&(p as u32)) {
                    LaneStatus::Ready
                } else {
                    LaneStatus::Waiting
                },
                at: Some(loc.site(state.goroutines[p].site(), None)),
            },
            None if !seen.contains(id) => LaneStateView {
                status: LaneStatus::NotStarted,
                at: None,
            },
            None if id.is_main() => LaneStateView {
                status: LaneStatus::Returned,
                at: None,
            },
            None => LaneStateView {
                status: LaneStatus::Exited,
                at: None,
            },
        };
    }
    let objects = run.objects();
    let mut present: Vec<(ObjId, &Object)> = state
        .objects
        .iter()
        .enumerate()
        // (The race detector's knowledge is no object of the program.)
        .filter(|(_, o)| !matches!(o, Object::Knowledge(_)))
        .map(|(i, o)| (objects.id(crate::value::ObjRef(i as u32)), o))
        .collect();
    present.sort_by_key(|(id, _)| *id);
    SnapshotView {
        step,
        lanes: lane_views,
        objects: present
            .into_iter()
            .map(|(id, o)| object_view(loc, trace, run, state, objects, id, o))
            .collect(),
    }
}

/// A value as the page shows it: objects by name.
fn value(loc: &Locator, trace: &Trace, state: &State, objects: &Objects, v: Value) -> String {
    match v {
        Value::Obj(r) if r.index() < state.objects.len() => {
            explain::object_name(loc, trace, objects.id(r))
        }
        Value::Cancel(r) if r.index() < state.objects.len() => format!(
            "the cancel function of {}",
            explain::object_name(loc, trace, objects.id(r))
        ),
        Value::RLocker(r) if r.index() < state.objects.len() => format!(
            "the read Locker of {}",
            explain::object_name(loc, trace, objects.id(r))
        ),
        Value::Err(_) | Value::Str(_) => explain::plain_words(loc, v),
        Value::Nil
        | Value::Int(_)
        | Value::Bool(_)
        | Value::Obj(_)
        | Value::Cancel(_)
        | Value::RLocker(_)
        | Value::Func(_) => v.to_string(),
    }
}

fn object_view(
    loc: &Locator,
    trace: &Trace,
    run: &Replayer,
    state: &State,
    objects: &Objects,
    id: ObjId,
    o: &Object,
) -> ObjectStateView {
    let holders = objects.holders(id);
    let writer = holders.writer.as_ref().map(|g| run.name(g));
    let readers: Vec<String> = holders.readers.iter().map(|g| run.name(g)).collect();
    let show = |v: Value| value(loc, trace, state, objects, v);
    let mut held_by: Vec<String> = Vec::new();
    let mut buffered = None;
    let mut counter = None;
    let words = match o {
        Object::Chan(c) => {
            let b: Vec<String> = c.buf.iter().map(|&v| show(v)).collect();
            let w = words::object_state(ObjectFacts::Chan {
                cap: c.cap,
                buffered: &b,
                closed: c.closed,
            });
            buffered = Some(b);
            w
        }
        Object::Mutex(m) => {
            let holder = writer.as_deref().filter(|_| m.locked);
            held_by.extend(holder.map(str::to_string));
            words::object_state(ObjectFacts::Mutex {
                holder,
                locked: m.locked,
            })
        }
        Object::RwMutex(rw) => {
            let w = writer.as_deref().filter(|_| rw.writer);
            held_by.extend(w.map(str::to_string));
            held_by.extend(readers.iter().cloned());
            let pending = rw.pending.as_ref().map(|g| run.name(g));
            words::object_state(ObjectFacts::RwMutex {
                writer: w,
                locked: rw.writer,
                readers: &readers,
                reader_count: rw.readers,
                pending: pending.as_deref(),
            })
        }
        Object::WaitGroup(wg) => {
            counter = Some(wg.counter);
            words::object_state(ObjectFacts::WaitGroup(wg.counter))
        }
        Object::Once(once) => {
            let running = matches!(once, OnceState::Running).then_some(writer.as_deref());
            held_by.extend(running.flatten().map(str::to_string));
            words::object_state(ObjectFacts::Once {
                running,
                done: matches!(once, OnceState::Done),
            })
        }
        Object::Cond(c) => {
            let waiters: Vec<String> = c.waiters.iter().map(|g| run.name(g)).collect();
            words::object_state(ObjectFacts::Cond(&waiters))
        }
        Object::Var(v) => words::object_state(ObjectFacts::Var(&show(v.value))),
        Object::Map(m) => {
            let entries: Vec<(String, String)> =
                m.entries.iter().map(|&(k, v)| (show(k), show(v))).collect();
            words::object_state(ObjectFacts::Map(&entries))
        }
        Object::Context(c) => {
            let err = c.err.map(|e| Value::Err(e).to_string());
            let mut w = words::object_state(ObjectFacts::Context(err.as_deref()));
            if c.cancel == CancelStatus::Abandoned {
                w.push_str(words::CANCEL_ABANDONED);
            }
            w
        }
        Object::Timer(t) => words::object_state(ObjectFacts::Timer {
            active: t.active,
            periodic: t.periodic(),
        }),
        // Its parts (WaitGroup, Once, variables) are objects of their own.
        Object::Group(_) => {
            String::from("an errgroup.Group: see its WaitGroup, Once and variables")
        }
        Object::Record(r) => words::object_state(ObjectFacts::Record(
            run.program()
                .types
                .get(r.ty.index())
                .map_or("?", |t| t.name.as_str()),
        )),
        Object::Slice(s) => words::object_state(ObjectFacts::Slice(s.len as usize)),
        Object::Closure(c) => words::object_state(ObjectFacts::Func(
            run.program()
                .funcs
                .get(c.func.index())
                .map_or("?", |f| f.name.as_str()),
        )),
        Object::Registration(r) => {
            words::object_state(ObjectFacts::Registration { armed: r.armed })
        }
        // (Left out of the snapshot by `snapshot`.)
        Object::Knowledge(_) => String::new(),
    };
    ObjectStateView {
        object: explain::object_name(loc, trace, id),
        state: words,
        held_by,
        buffered,
        counter,
    }
}
