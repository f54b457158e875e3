//! Replays a path from the initial state, strictly, and describes each
//! step: which goroutine did what, where. Used by reports and `weft replay`.

use std::collections::BTreeMap;

use weft_models::ir::{Op, Program};

use crate::detect::blocking::blocked_goroutines;
use crate::semantics::{self, Event, Failure, Transition, PLAIN};
use crate::state::{GoroutineId, Object, Site, State};

/// One step of a trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceStep {
    /// The goroutine that moved (for a rendezvous, the sender; for a timer, none).
    pub goroutine: Option<GoroutineId>,
    /// Where it was.
    pub site: Option<Site>,
    /// What happened, in words (`send`, `select case 2`, `timer fires`).
    pub action: String,
    /// The partner of a rendezvous: the receiver and its operation.
    pub partner: Option<(GoroutineId, Site)>,
}

/// What a goroutine is doing at the end of a trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoroutineEnd {
    /// Its identity.
    pub goroutine: GoroutineId,
    /// Its next operation.
    pub site: Site,
    /// True when it has no enabled move.
    pub blocked: bool,
}

/// A replayed path.
#[derive(Clone, Debug)]
pub struct Trace {
    /// The steps, in order.
    pub steps: Vec<TraceStep>,
    /// Goroutine display names (`main`, `worker#1`, ...).
    pub names: BTreeMap<GoroutineId, String>,
    /// The last state reached (before a crash, if the path crashes).
    pub last: State,
    /// Live goroutines at the end.
    pub end: Vec<GoroutineEnd>,
    /// Set when the last step crashed the program.
    pub failure: Option<Failure>,
    /// Events of the steps (context leaks on garbage collection).
    pub events: Vec<(usize, Event)>,
}

impl Trace {
    /// The display name of a goroutine.
    pub fn name(&self, id: &GoroutineId) -> String {
        self.names
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("goroutine{:?}", id.0.as_slice()))
    }
}

/// Why a path could not be replayed.
#[derive(Clone, Debug, thiserror::Error)]
pub enum ReplayError {
    /// A step asked for a transition that is not enabled.
    #[error("step {step}: the schedule asks for `{wanted}`, but the enabled moves are: {}", enabled.join(", "))]
    Diverged {
        /// 1-based step number.
        step: usize,
        /// The token item asked for.
        wanted: String,
        /// The token items that were enabled.
        enabled: Vec<String>,
    },
    /// The path continues after the program crashed.
    #[error("step {step}: the program already crashed at the previous step")]
    AfterCrash {
        /// 1-based step number.
        step: usize,
    },
    /// The scenario failed to start.
    #[error("{}", .0.message)]
    Start(Failure),
}

fn item(t: &Transition) -> String {
    crate::schedule::encode(std::slice::from_ref(t))
        .trim_start_matches("v1:")
        .to_string()
}

/// Describes a goroutine's operation for the trace.
pub fn describe(prog: &Program, site: Site, alt: u32, phase: u8) -> String {
    match &prog.instr(site.func, site.pc).op {
        Op::Send { .. } => "send".into(),
        Op::Recv { .. } => "receive".into(),
        Op::Close { .. } => "close".into(),
        Op::Select { arms, .. } if alt as usize >= arms.len() => "select: default".into(),
        Op::Select { .. } => format!("select: case {}", alt + 1),
        Op::Lock { .. } if phase == 0 => "lock".into(),
        Op::Lock { .. } => "lock (readers gone)".into(),
        Op::Unlock { .. } => "unlock".into(),
        Op::TryLock { .. } => "trylock".into(),
        Op::RLock { .. } => "rlock".into(),
        Op::RUnlock { .. } => "runlock".into(),
        Op::WgAdd { .. } => "add".into(),
        Op::Wait { .. } if phase == 0 => "wait".into(),
        Op::Wait { .. } => "wake and relock".into(),
        Op::Signal { .. } => "signal".into(),
        Op::Broadcast { .. } => "broadcast".into(),
        Op::OnceEnter { .. } => "once.Do".into(),
        Op::OnceExit { .. } => "once.Do returns".into(),
        Op::Cancel { .. } => "cancel".into(),
        Op::CtxErr { .. } => "ctx.Err".into(),
        Op::TimerStop { .. } => "stop timer".into(),
        Op::TimerReset { .. } => "reset timer".into(),
        Op::Load { .. } => "read".into(),
        Op::Store { .. } => "write".into(),
        Op::MapDelete { .. } => "delete".into(),
        Op::Len { .. } => "len".into(),
        Op::AtomicLoad { .. } => "atomic load".into(),
        Op::AtomicStore { .. } => "atomic store".into(),
        Op::AtomicAdd { .. } => "atomic add".into(),
        Op::CompareAndSwap { .. } => "compare-and-swap".into(),
        Op::Go { .. } => "go".into(),
        Op::Choose { .. } => format!("choose alternative {}", alt + 1),
        Op::Panic { .. } => "panic".into(),
        Op::Assert { .. } => "assert".into(),
        Op::Sleep => "sleep".into(),
        Op::New { .. } => "make".into(),
        _ => "step".into(),
    }
}

fn name_new_goroutines(prog: &Program, state: &State, names: &mut BTreeMap<GoroutineId, String>) {
    for g in &state.goroutines {
        if names.contains_key(&g.id) {
            continue;
        }
        let name = if g.id.is_main() {
            "main".to_string()
        } else {
            let f = &prog.func(g.frames[0].func).name;
            let n = names
                .values()
                .filter(|v| v.rsplit_once('#').is_some_and(|(base, _)| base == f))
                .count();
            format!("{f}#{}", n + 1)
        };
        names.insert(g.id.clone(), name);
    }
}

/// Replays `path` from the initial state, checking every step is enabled.
pub fn replay(prog: &Program, path: &[Transition]) -> Result<Trace, ReplayError> {
    let mut state = semantics::initial_state(prog).map_err(ReplayError::Start)?;
    let mut names = BTreeMap::new();
    name_new_goroutines(prog, &state, &mut names);
    let mut steps = Vec::new();
    let mut events = Vec::new();
    let mut failure = None;
    for (i, t) in path.iter().enumerate() {
        if failure.is_some() {
            return Err(ReplayError::AfterCrash { step: i + 1 });
        }
        let enabled = semantics::enabled(prog, &state);
        if !enabled.contains(t) {
            return Err(ReplayError::Diverged {
                step: i + 1,
                wanted: item(t),
                enabled: enabled.iter().map(item).collect(),
            });
        }
        let g_at = |p: u32| {
            let g = &state.goroutines[p as usize];
            (g.id.clone(), g.site(), g.phase)
        };
        let step = match *t {
            Transition::Step { g, alt } => {
                let (id, site, phase) = g_at(g);
                TraceStep {
                    goroutine: Some(id),
                    site: Some(site),
                    action: describe(prog, site, alt, phase),
                    partner: None,
                }
            }
            Transition::Rendezvous {
                sender,
                send_arm,
                receiver,
                ..
            } => {
                let (sid, ssite, _) = g_at(sender);
                let (rid, rsite, _) = g_at(receiver);
                let action = if send_arm == PLAIN {
                    "send (handed over)".to_string()
                } else {
                    format!("select: case {} (handed over)", send_arm + 1)
                };
                TraceStep {
                    goroutine: Some(sid),
                    site: Some(ssite),
                    action,
                    partner: Some((rid, rsite)),
                }
            }
            Transition::Fire { object } => TraceStep {
                goroutine: None,
                site: None,
                action: match state.object(object) {
                    Object::Context(_) => "context deadline expires".into(),
                    Object::Timer(t) if t.periodic() => "ticker ticks".into(),
                    _ => "timer fires".into(),
                },
                partner: None,
            },
        };
        steps.push(step);
        let out = semantics::step(prog, &state, t);
        events.extend(out.events.into_iter().map(|e| (i, e)));
        if out.failure.is_some() {
            failure = out.failure;
        } else {
            state = out.state;
            name_new_goroutines(prog, &state, &mut names);
        }
    }
    let (blocked, _) = blocked_goroutines(prog, &state);
    let end = state
        .goroutines
        .iter()
        .map(|g| GoroutineEnd {
            goroutine: g.id.clone(),
            site: g.site(),
            blocked: blocked.contains(&g.id),
        })
        .collect();
    Ok(Trace {
        steps,
        names,
        last: state,
        end,
        failure,
        events,
    })
}
