//! Strict replay: re-executes a schedule step by step from the initial
//! state, checking that every step is enabled, and records what each step
//! did (who moved, where, which objects it touched, whether it was a
//! context switch or a preemption).
//!
//! [`Replayer`] is the step-at-a-time engine (`weft replay` prints each step
//! as it happens); [`replay_path`] and [`replay_items`] run a whole schedule.
//! Goroutines are numbered in spawn order (0 is main), the numbering replay
//! tokens use ([`crate::counterexample::token`]).

use std::collections::BTreeMap;

use smallvec::SmallVec;
use weft_models::ir::Program;
use weft_reports::view::{Action, Divergence, SwitchMark};

use crate::counterexample::describe;
use crate::counterexample::identity::{ObjId, Objects};
use crate::counterexample::token::{Alt, Item, Move};
use crate::counterexample::values::{self, Chosen, LocalTouch, Shown};
use crate::semantics::{self, Event, Failure, Transition, Use, PLAIN};
use crate::state::{GoroutineId, Object, Site, State};

/// A goroutine's part in a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// Its identity.
    pub goroutine: GoroutineId,
    /// Its spawn number (0 is main).
    pub number: u32,
    /// The operation it executed.
    pub site: Site,
    /// The phase of a two-phase operation it was in (RWMutex `Lock`, Cond
    /// `Wait`).
    pub phase: u8,
    /// The alternative it took.
    pub alt: Alt,
}

/// Whether a step switched goroutines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Switch {
    /// The same goroutine goes on (or a timer fires, or it is the first step).
    None,
    /// Another goroutine runs because the previous one blocked or ended.
    Switch,
    /// Another goroutine runs although the previous one could have gone on:
    /// a preemption, what minimal schedules have fewest of.
    Preemption,
}

/// One replayed step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceStep {
    /// The token item of the step.
    pub item: Item,
    /// The transition, in the terms of the state it ran in.
    pub transition: Transition,
    /// The goroutine that moved (for a hand-off, the sender).
    pub actor: Option<Actor>,
    /// The receiver of a hand-off.
    pub partner: Option<Actor>,
    /// The timer or context whose deadline fired.
    pub fired: Option<ObjId>,
    /// What happened.
    pub action: Action,
    /// Context switch before this step.
    pub switch: Switch,
    /// Objects the step touched, and how.
    pub touches: Vec<(ObjId, Use)>,
    /// The goroutine the step started, if any.
    pub spawned: Option<GoroutineId>,
    /// Events of the step (context leaks found by garbage collection).
    pub events: Vec<Event>,
    /// Set when the step crashed the program.
    pub failure: Option<Failure>,
    /// For a choice point (`Choose`, `Either`), the alternative taken.
    pub chosen: Option<Chosen>,
    /// The locals of the mover its operation read and the step wrote.
    pub locals: Vec<LocalTouch>,
    /// The same for the receiver of a hand-off.
    pub partner_locals: Vec<LocalTouch>,
}

impl From<Switch> for SwitchMark {
    fn from(s: Switch) -> Self {
        match s {
            Switch::None => SwitchMark::None,
            Switch::Switch => SwitchMark::Switch,
            Switch::Preemption => SwitchMark::Preemption,
        }
    }
}

impl TraceStep {
    /// The goroutines that moved.
    pub(crate) fn movers(&self) -> impl Iterator<Item = &Actor> {
        self.actor.iter().chain(self.partner.iter())
    }

    /// The goroutine alternatives of the mover and of the partner, which
    /// say which case of a select each took.
    pub(crate) fn alts(&self) -> (Option<u32>, Option<u32>) {
        match self.transition {
            Transition::Step { alt, .. } => (Some(alt), None),
            Transition::Rendezvous {
                send_arm, recv_arm, ..
            } => (Some(send_arm), Some(recv_arm)),
            Transition::Fire { .. } => (None, None),
        }
    }
}

/// A goroutine ever seen in a trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoroutineName {
    /// Spawn number (0 is main).
    pub number: u32,
    /// The function it started in.
    pub func: String,
    /// How reports name it: `main`, or function and spawn number
    /// (`worker#2`).
    pub display: String,
}

/// One choice a replay could have taken at a step, for divergence messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The token item.
    pub item: Item,
    /// The goroutine's display name, or `None` for a timer.
    pub goroutine: Option<String>,
    /// The operation.
    pub site: Option<Site>,
    /// What it would do.
    pub action: Action,
}

/// Why a schedule could not be replayed.
#[derive(Clone, Debug, thiserror::Error)]
pub enum ReplayError {
    /// A step asked for something that is not enabled.
    #[error(
        "step {step}: the schedule asks for `{wanted}`, but {why}; enabled at this step: {}",
        list(enabled)
    )]
    Diverged {
        /// 1-based step number.
        step: usize,
        /// The token item asked for.
        wanted: Item,
        /// Why it cannot be taken.
        why: Box<Divergence>,
        /// The goroutine the item names, where it stands, if it is alive.
        at: Option<(String, Site)>,
        /// What was enabled instead.
        enabled: Vec<Choice>,
    },
    /// The schedule goes on after the program crashed.
    #[error("step {step}: the schedule goes on after the program crashed at step {}", step - 1)]
    AfterCrash {
        /// 1-based step number.
        step: usize,
    },
    /// The scenario failed before its first step.
    #[error("{}", .0.message)]
    Start(Failure),
}

fn list(enabled: &[Choice]) -> String {
    if enabled.is_empty() {
        return "nothing (every goroutine is blocked or has ended)".into();
    }
    enabled
        .iter()
        .map(|c| format!("`{}`", c.item))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether `t` is a context switch or a preemption after a step by `last`
/// (empty before the first goroutine step), in a state whose enabled
/// transitions are `enabled`. Timer fires never switch. Shared by replay and
/// the minimal-schedule search, so both count preemptions alike.
pub(crate) fn switch_kind(
    state: &State,
    enabled: &[Transition],
    last: &[GoroutineId],
    t: &Transition,
) -> Switch {
    let actors = t.actors();
    if actors.is_empty() || last.is_empty() {
        return Switch::None;
    }
    let id = |p: u32| &state.goroutines[p as usize].id;
    if actors.iter().any(|&a| last.contains(id(a))) {
        return Switch::None;
    }
    let could_go_on = enabled
        .iter()
        .flat_map(|e| e.actors())
        .any(|a| last.contains(id(a)));
    if could_go_on {
        Switch::Preemption
    } else {
        Switch::Switch
    }
}

/// The goroutines a transition moves, by identity.
pub(crate) fn mover_ids(state: &State, t: &Transition) -> SmallVec<[GoroutineId; 2]> {
    t.actors()
        .iter()
        .map(|&a| state.goroutines[a as usize].id.clone())
        .collect()
}

/// Replays a schedule one step at a time.
pub struct Replayer<'p> {
    prog: &'p Program,
    /// `prog` keeping every value: the search forgets dead ones
    /// (`semantics::dead`), a report shows what Go holds. (The runs are
    /// the same step for step.)
    kept: Box<Program>,
    state: State,
    names: BTreeMap<GoroutineId, GoroutineName>,
    objects: Objects,
    steps: Vec<TraceStep>,
    path: Vec<Transition>,
    last: SmallVec<[GoroutineId; 2]>,
    failure: Option<Failure>,
}

impl<'p> Replayer<'p> {
    /// The program being replayed.
    pub(crate) fn program(&self) -> &'p Program {
        self.prog
    }

    /// Starts a run of `prog`.
    pub fn new(prog: &'p Program) -> Result<Self, ReplayError> {
        let kept = Box::new(prog.keeping_dead_locals());
        let state = semantics::initial_state(&kept).map_err(ReplayError::Start)?;
        let objects = Objects::new(prog, &state);
        let mut r = Replayer {
            prog,
            kept,
            state,
            names: BTreeMap::new(),
            objects,
            steps: Vec::new(),
            path: Vec::new(),
            last: SmallVec::new(),
            failure: None,
        };
        r.name_new_goroutines();
        Ok(r)
    }

    /// The current state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The identities, names and lock holders of the objects so far.
    pub(crate) fn objects(&self) -> &Objects {
        &self.objects
    }

    /// The display name of a goroutine seen in the run.
    pub fn name(&self, id: &GoroutineId) -> String {
        self.names.get(id).map_or_else(
            || format!("goroutine {:?}", id.0.as_slice()),
            |n| n.display.clone(),
        )
    }

    fn number(&self, id: &GoroutineId) -> u32 {
        self.names.get(id).map_or(u32::MAX, |n| n.number)
    }

    fn name_new_goroutines(&mut self) {
        for g in &self.state.goroutines {
            if self.names.contains_key(&g.id) {
                continue;
            }
            let number = self.names.len() as u32;
            let func = self.prog.func(g.frames[0].func).name.clone();
            let display = if g.id.is_main() {
                "main".to_string()
            } else {
                format!("{func}#{number}")
            };
            self.names.insert(
                g.id.clone(),
                GoroutineName {
                    number,
                    func,
                    display,
                },
            );
        }
    }

    /// The token item of transition `t` in the current state.
    pub(crate) fn item_of(&self, t: &Transition) -> Item {
        let mv = |p: u32, alt: u32| {
            let g = &self.state.goroutines[p as usize];
            Move {
                goroutine: self.number(&g.id),
                alt: describe::operation(self.prog, g.site(), alt, g.phase).alt,
            }
        };
        match *t {
            Transition::Step { g, alt } => Item::Step(mv(g, alt)),
            Transition::Rendezvous {
                sender,
                send_arm,
                receiver,
                recv_arm,
            } => Item::Handoff {
                sender: mv(sender, send_arm),
                receiver: mv(receiver, recv_arm),
            },
            Transition::Fire { object } => {
                let fires = semantics::enabled(self.prog, &self.state)
                    .into_iter()
                    .filter(|e| matches!(e, Transition::Fire { .. }));
                let n = fires
                    .take_while(|e| *e != Transition::Fire { object })
                    .count();
                Item::Fire(n as u32 + 1)
            }
        }
    }

    fn choice(&self, t: &Transition) -> Choice {
        let item = self.item_of(t);
        match *t {
            Transition::Step { g, alt } => {
                let gr = &self.state.goroutines[g as usize];
                Choice {
                    item,
                    goroutine: Some(self.name(&gr.id)),
                    site: Some(gr.site()),
                    action: describe::action(self.prog, &self.state, gr, alt),
                }
            }
            Transition::Rendezvous {
                sender, receiver, ..
            } => {
                let s = &self.state.goroutines[sender as usize];
                let r = &self.state.goroutines[receiver as usize];
                Choice {
                    item,
                    goroutine: Some(self.name(&s.id)),
                    site: Some(s.site()),
                    action: Action::SendTo(self.name(&r.id)),
                }
            }
            Transition::Fire { object } => Choice {
                item,
                goroutine: None,
                site: None,
                action: self.fire_action(object),
            },
        }
    }

    fn fire_action(&self, object: crate::value::ObjRef) -> Action {
        match self.state.object(object) {
            Object::Context(_) => Action::DeadlineExpires,
            Object::Timer(t) if t.periodic() => Action::TickerTicks,
            _ => Action::TimerFires,
        }
    }

    /// Finds the enabled transition a token item names.
    pub(crate) fn resolve(&self, item: &Item) -> Result<Transition, ReplayError> {
        let enabled = semantics::enabled(self.prog, &self.state);
        if let Some(t) = enabled.iter().find(|t| self.item_of(t) == *item) {
            return Ok(t.clone());
        }
        let step = self.steps.len() + 1;
        if self.failure.is_some() {
            return Err(ReplayError::AfterCrash { step });
        }
        let wanted_g = match item {
            Item::Step(m) => Some(m.goroutine),
            Item::Handoff { sender, .. } => Some(sender.goroutine),
            Item::Fire(_) => None,
        };
        let mut at = None;
        let why = match wanted_g {
            None => {
                let n = enabled
                    .iter()
                    .filter(|t| matches!(t, Transition::Fire { .. }))
                    .count();
                match n {
                    0 => Divergence::NoTimer,
                    1 => Divergence::OneTimer,
                    n => Divergence::Timers(n),
                }
            }
            Some(num) => {
                let found = self.names.iter().find(|(_, n)| n.number == num);
                match found {
                    None => Divergence::NotStarted(num),
                    Some((id, n)) => match self.state.position(id) {
                        None => Divergence::Ended(num, n.display.clone()),
                        Some(p) => {
                            let g = &self.state.goroutines[p];
                            at = Some((n.display.clone(), g.site()));
                            let own: Vec<String> = enabled
                                .iter()
                                .filter(|t| t.actors().first() == Some(&(p as u32)))
                                .map(|t| self.item_of(t).to_string())
                                .collect();
                            if own.is_empty() {
                                Divergence::Blocked(num, n.display.clone())
                            } else {
                                Divergence::CanOnlyTake(num, n.display.clone(), own)
                            }
                        }
                    },
                }
            }
        };
        Err(ReplayError::Diverged {
            step,
            wanted: *item,
            why: Box::new(why),
            at,
            enabled: enabled.iter().map(|t| self.choice(t)).collect(),
        })
    }

    /// Executes the step a token item names.
    pub fn step_item(&mut self, item: &Item) -> Result<&TraceStep, ReplayError> {
        if self.failure.is_some() {
            return Err(ReplayError::AfterCrash {
                step: self.steps.len() + 1,
            });
        }
        let t = self.resolve(item)?;
        self.apply(&t)
    }

    /// Executes transition `t`, which must be enabled.
    pub fn step(&mut self, t: &Transition) -> Result<&TraceStep, ReplayError> {
        if self.failure.is_some() {
            return Err(ReplayError::AfterCrash {
                step: self.steps.len() + 1,
            });
        }
        let enabled = semantics::enabled(self.prog, &self.state);
        if !enabled.contains(t) {
            let item = self.item_of_unchecked(t);
            return Err(match self.resolve(&item) {
                Err(e) => e,
                Ok(_) => ReplayError::Diverged {
                    step: self.steps.len() + 1,
                    wanted: item,
                    why: Box::new(Divergence::NotEnabled),
                    at: None,
                    enabled: enabled.iter().map(|e| self.choice(e)).collect(),
                },
            });
        }
        self.apply(t)
    }

    /// The item of a transition that may not fit the state (goroutine
    /// positions out of range become numbers past every goroutine).
    fn item_of_unchecked(&self, t: &Transition) -> Item {
        let n = self.state.goroutines.len() as u32;
        if t.actors().iter().all(|&a| a < n) {
            self.item_of(t)
        } else {
            Item::Step(Move {
                goroutine: self.names.len() as u32,
                alt: Alt::Only,
            })
        }
    }

    fn actor(&self, p: u32, alt: u32) -> Actor {
        let g = &self.state.goroutines[p as usize];
        Actor {
            goroutine: g.id.clone(),
            number: self.number(&g.id),
            site: g.site(),
            phase: g.phase,
            alt: describe::operation(self.prog, g.site(), alt, g.phase).alt,
        }
    }

    fn apply(&mut self, t: &Transition) -> Result<&TraceStep, ReplayError> {
        let prog = self.prog;
        let enabled = semantics::enabled(prog, &self.state);
        let item = self.item_of(t);
        let switch = switch_kind(&self.state, &enabled, &self.last, t);
        let (actor, partner, fired, action) = match *t {
            Transition::Step { g, alt } => {
                let a = self.actor(g, alt);
                let action =
                    describe::action(prog, &self.state, &self.state.goroutines[g as usize], alt);
                (Some(a), None, None, action)
            }
            Transition::Rendezvous {
                sender,
                send_arm,
                receiver,
                recv_arm,
            } => {
                let s = self.actor(sender, send_arm);
                let r = self.actor(receiver, recv_arm);
                let action = if send_arm == PLAIN {
                    Action::SendHandedOver
                } else {
                    Action::SelectCaseHandedOver(send_arm + 1)
                };
                (Some(s), Some(r), None, action)
            }
            Transition::Fire { object } => (
                None,
                None,
                Some(self.objects.id(object)),
                self.fire_action(object),
            ),
        };
        let touches = semantics::footprint(prog, &self.state, t)
            .objects
            .iter()
            .map(|&(r, a)| (self.objects.id(r), a))
            .collect();
        // What the movers read, and their frames before the step.
        let before = |p: u32| {
            let g = &self.state.goroutines[p as usize];
            let id = |r| self.objects.id(r);
            let reads: Vec<LocalTouch> = values::reads(prog, g)
                .into_iter()
                .map(|(name, v)| LocalTouch {
                    name,
                    value: Shown::of(v, id),
                    write: false,
                })
                .collect();
            (g.id.clone(), reads, values::frame_locals(prog, g, id))
        };
        let (chosen, moved) = match *t {
            Transition::Step { g, alt } => (
                values::chosen(
                    prog,
                    &self.state,
                    &self.state.goroutines[g as usize],
                    alt,
                    |r| self.objects.id(r),
                ),
                vec![before(g)],
            ),
            Transition::Rendezvous {
                sender, receiver, ..
            } => (None, vec![before(sender), before(receiver)]),
            Transition::Fire { .. } => (None, Vec::new()),
        };
        let out = semantics::step(&self.kept, &self.state, t);
        let movers = mover_ids(&self.state, t);
        let mut spawned = None;
        if out.failure.is_none() {
            spawned = out
                .state
                .goroutines
                .iter()
                .find(|g| self.state.position(&g.id).is_none())
                .map(|g| g.id.clone());
            let site = actor.as_ref().map(|a| a.site);
            self.objects.advance(
                prog,
                &self.state,
                &out.renumbering,
                &out.state,
                &movers,
                site,
            );
            self.state = out.state;
            self.name_new_goroutines();
        }
        if !movers.is_empty() {
            self.last = movers;
        }
        self.failure = out.failure.clone();
        self.path.push(t.clone());
        let mut locals: Vec<Vec<LocalTouch>> = moved
            .into_iter()
            .map(|(g, mut reads, frame)| {
                let after = self.state.position(&g).map(|p| &self.state.goroutines[p]);
                let after = after.filter(|_| self.failure.is_none());
                reads.extend(values::writes(prog, &frame, after, |r| self.objects.id(r)));
                reads
            })
            .collect();
        let partner_locals = if locals.len() > 1 {
            locals.pop().unwrap_or_default()
        } else {
            Vec::new()
        };
        let mut locals = locals.pop().unwrap_or_default();
        // A choice's own local says its value already.
        if let Some(name) = chosen.as_ref().and_then(|c| c.local.as_ref()) {
            locals.retain(|l| !(l.write && l.name == *name));
        }
        self.steps.push(TraceStep {
            item,
            transition: t.clone(),
            actor,
            partner,
            fired,
            action,
            switch,
            touches,
            spawned,
            events: out.events,
            failure: out.failure,
            chosen,
            locals,
            partner_locals,
        });
        Ok(self.steps.last().expect("a step was just pushed"))
    }

    /// Ends the replay.
    pub fn finish(self) -> Trace {
        let (blocked, _) = crate::detect::blocking::blocked_goroutines(self.prog, &self.state);
        let end = self
            .state
            .goroutines
            .iter()
            .map(|g| GoroutineEnd {
                goroutine: g.id.clone(),
                site: g.site(),
                phase: g.phase,
                blocked: blocked.contains(&g.id),
                spinning: g.spinning,
                not_started: crate::semantics::callback::waiting_runner(self.prog, g),
            })
            .collect();
        Trace {
            steps: self.steps,
            path: self.path,
            names: self.names,
            objects: self.objects,
            last: self.state,
            end,
            failure: self.failure,
        }
    }
}

/// A live goroutine at the end of a trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoroutineEnd {
    /// Its identity.
    pub goroutine: GoroutineId,
    /// Its next operation.
    pub site: Site,
    /// Its phase in a two-phase operation.
    pub phase: u8,
    /// True when it has no enabled move.
    pub blocked: bool,
    /// True when it loops forever without a visible operation.
    pub spinning: bool,
    /// True for a callback's runner still waiting for its timer or
    /// context (Go has not started that goroutine).
    pub not_started: bool,
}

/// A replayed schedule.
#[derive(Clone, Debug)]
pub struct Trace {
    /// The steps, in order.
    pub steps: Vec<TraceStep>,
    /// The transitions, in order.
    pub path: Vec<Transition>,
    /// Every goroutine seen, with its spawn number and display name.
    pub names: BTreeMap<GoroutineId, GoroutineName>,
    /// Object identities and names along the trace.
    pub objects: Objects,
    /// The last state reached (before the crash, if the last step crashed).
    pub last: State,
    /// Live goroutines at the end.
    pub end: Vec<GoroutineEnd>,
    /// Set when the last step crashed the program.
    pub failure: Option<Failure>,
}

impl Trace {
    /// The display name of a goroutine.
    pub fn name(&self, id: &GoroutineId) -> String {
        self.names.get(id).map_or_else(
            || format!("goroutine {:?}", id.0.as_slice()),
            |n| n.display.clone(),
        )
    }

    /// The schedule's token items.
    pub(crate) fn items(&self) -> Vec<Item> {
        self.steps.iter().map(|s| s.item).collect()
    }

    /// The replay token.
    pub fn token(&self) -> String {
        crate::counterexample::token::encode(&self.items())
    }

    /// Context switches and preemptions.
    pub fn switches(&self) -> (usize, usize) {
        let count = |k| self.steps.iter().filter(|s| s.switch == k).count();
        let p = count(Switch::Preemption);
        (count(Switch::Switch) + p, p)
    }
}

/// Replays a path of transitions (a checker counterexample).
pub fn replay_path(prog: &Program, path: &[Transition]) -> Result<Trace, ReplayError> {
    let mut r = Replayer::new(prog)?;
    for t in path {
        r.step(t)?;
    }
    Ok(r.finish())
}

/// Replays a decoded token.
pub fn replay_items(prog: &Program, items: &[Item]) -> Result<Trace, ReplayError> {
    let mut r = Replayer::new(prog)?;
    for item in items {
        r.step_item(item)?;
    }
    Ok(r.finish())
}
