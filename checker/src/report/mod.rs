//! Fills in the report view types from an outcome and the counterexample
//! wing ([`crate::counterexample`]): which counterexample, its replayed
//! steps, happens-before edges and slice, the wait-for analysis of its end.
//! The words come from `weft_reports::words`.

use std::collections::BTreeMap;

use weft_models::syntax::BugKind;
use weft_reports::view::{
    AbstractionView, Action, BitstateView, BugView, CallView, CoversView, GoroutineStatus,
    GoroutineView, LaneView, LocalView, Location, MinimalityView, PartnerView, PendingView,
    Relation, ReleaseView, ReplayReport, Role, ScenarioReport, StatsView, StepView, TaxonomyView,
    Unsynced, UnsyncedView, WaitChainView, WaitEdgeView, WaitForView, WaitVerb, WaitView,
    SCHEMA_VERSION,
};
use weft_reports::words::{self, Chosen, Releaser};

use crate::counterexample::identity::ObjId;
use crate::counterexample::minimal::{self, Search};
use crate::counterexample::replay::Trace;
use crate::counterexample::waitfor::{self, Status, WaitFor};
use crate::counterexample::{choose, explain, happens_before, slice, taxonomy, verdict};
use crate::detect::{distinct, Bug};
use crate::explore::{Bound, Budget, Outcome};
use crate::semantics::FailureKind;
use crate::state::GoroutineId;

mod errors;
mod growth;
mod replay;
mod states;

pub use errors::{compile_errors, read_error, run_error};

pub use crate::counterexample::locate::{one_line, Locator};
pub use replay::{divergence_view, replay_step_view};

/// How reports are made.
#[derive(Clone, Debug)]
pub struct Options {
    /// Work cap of the minimal-schedule search ([`minimal::DEFAULT_CAP`]);
    /// 0 keeps the checker's breadth-first counterexamples.
    pub minimal_cap: usize,
    /// `--param` arguments to repeat in the reproduce command.
    pub params: Vec<(String, String)>,
    /// `--values`: show the locals each step read and wrote.
    pub values: bool,
    /// The `--go` argument to repeat in the reproduce command.
    pub go: Option<weft_models::syntax::GoVersion>,
    /// More arguments to end the reproduce command with (for a Go file:
    /// ` --func NAME`, the entry point imported), each with a leading space.
    pub extra_args: String,
    /// The check's limits and clock: the report's own searches (minimal
    /// counterexamples, the verdicts of their runs) use at most its
    /// `--max-states` each and what is left of its time and memory, and
    /// stop on Ctrl-C; the report names the limit that cut them.
    pub budget: Budget,
    /// Fill in each bug's run step by step ([`BugView::states`]), which
    /// the review page (`--html`) shows.
    pub states: bool,
    /// For a scenario imported from Go: the import's abstractions, to name
    /// in the bugs whose runs go through them ([`BugView::abstractions`]).
    pub abstractions: Vec<Abstraction>,
}

/// One abstraction of a scenario imported from Go (as the import made it).
#[derive(Clone, Debug)]
pub struct Abstraction {
    /// Where, in the Go file.
    pub at: weft_models::span::Span,
    /// The Go statement it was made in: a step there goes through it.
    pub stmt: weft_models::span::Span,
    /// What was approximated and how.
    pub what: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            minimal_cap: minimal::DEFAULT_CAP,
            params: Vec::new(),
            values: false,
            go: None,
            extra_args: String::new(),
            budget: Budget::default(),
            states: false,
            abstractions: Vec::new(),
        }
    }
}

/// Whether the kinds found match what the scenario expects. A clean
/// verdict counts only when the search was complete. (Races left
/// undecided by observations without synchronisation do not unmake a
/// clean verdict: the verdict names them, and only an expected race they
/// may hide makes the result undecided, see `Expectation`.)
pub(crate) fn expected_met(expect: &[BugKind], outcome: &Outcome) -> bool {
    let mut found: Vec<BugKind> = outcome.bugs.iter().map(|b| b.kind).collect();
    found.sort();
    found.dedup();
    let mut want = expect.to_vec();
    want.sort();
    want.dedup();
    found == want && (outcome.complete || !want.is_empty())
}

/// Context for filling one bug's view.
struct Filler<'a> {
    loc: &'a Locator<'a>,
    trace: &'a Trace,
    bug: &'a Bug,
    lanes: BTreeMap<GoroutineId, usize>,
    /// `--values`.
    values: bool,
}

impl Filler<'_> {
    fn name(&self, g: &GoroutineId) -> String {
        self.trace.name(g)
    }

    fn lane(&self, g: &GoroutineId) -> usize {
        self.lanes.get(g).copied().unwrap_or(0)
    }

    fn obj(&self, id: ObjId) -> String {
        explain::object_name(self.loc, self.trace, id)
    }

    /// The step whose operation crashed the program: the last one its
    /// goroutine made at the failing operation, up to the step that ended
    /// the run (after a panic, the deferred calls that run while it
    /// unwinds are steps of their own). None when the crash is in local
    /// code, which is no step.
    fn crash_step(&self) -> Option<usize> {
        let end = self.trace.steps.iter().position(|s| s.failure.is_some())?;
        let f = self.trace.steps[end].failure.as_ref()?;
        self.trace.steps[..=end].iter().rposition(|s| {
            s.actor
                .as_ref()
                .is_some_and(|a| a.goroutine == f.goroutine && a.site == f.site)
        })
    }

    fn steps(&self) -> Vec<StepView> {
        let crash_step = self.crash_step();
        let relevant = slice::relevance(self.loc.prog, self.trace, self.bug);
        let after = happens_before::sync_edges(self.trace);
        let mut out = Vec::new();
        for (i, s) in self.trace.steps.iter().enumerate() {
            let (alt, recv_arm) = s.alts();
            let (lane, goroutine, at) = match &s.actor {
                Some(a) => (
                    self.lanes.get(&a.goroutine).copied(),
                    self.name(&a.goroutine),
                    Some(self.loc.site(a.site, alt)),
                ),
                None => {
                    let made = s
                        .fired
                        .and_then(|f| self.trace.objects.info(f).created)
                        .map(|site| self.loc.site(site, None));
                    (None, words::TIMER.to_string(), made)
                }
            };
            let partner = s.partner.as_ref().map(|p| {
                let l = self.loc.site(p.site, recv_arm);
                PartnerView {
                    lane: self.lane(&p.goroutine),
                    goroutine: self.name(&p.goroutine),
                    op: l.text,
                    action: match p.alt {
                        crate::counterexample::token::Alt::Case(n) => Action::SelectCase(n),
                        _ => Action::Receive,
                    },
                    line: l.line,
                    col: l.col,
                    locals: self.locals(&s.partner_locals),
                }
            });
            let failing = crash_step == Some(i)
                || s.events
                    .iter()
                    .any(|e| e.bug() == (self.bug.kind, self.bug.site));
            let at = at.unwrap_or(Location {
                line: 0,
                col: 0,
                text: String::new(),
            });
            out.push(StepView {
                index: i + 1,
                item: s.item.to_string(),
                lane,
                goroutine,
                op: at.text,
                action: s.action.clone(),
                line: at.line,
                col: at.col,
                partner,
                switch: s.switch.into(),
                relevant: relevant[i],
                failing,
                after: after[i].clone(),
                chosen: s
                    .chosen
                    .as_ref()
                    .map(|c| explain::chosen_view(self.loc, &self.trace.objects, c)),
                locals: self.locals(&s.locals),
            });
        }
        out
    }

    fn locals(&self, ls: &[crate::counterexample::values::LocalTouch]) -> Vec<LocalView> {
        if !self.values {
            return Vec::new();
        }
        explain::local_views(self.loc, &self.trace.objects, ls)
    }

    fn pending(&self) -> Vec<PendingView> {
        let mut out = self.pending_parts();
        // A crash in local code, which no step shows, is marked where it
        // happened, at the end.
        let crash = self
            .trace
            .steps
            .iter()
            .find_map(|s| s.failure.as_ref())
            .filter(|_| self.crash_step().is_none());
        if let Some(f) = crash {
            let l = self.loc.site(f.site, None);
            out.push(PendingView {
                lane: self.lane(&f.goroutine),
                goroutine: self.name(&f.goroutine),
                op: l.text,
                role: Role::Crashes,
                line: l.line,
                col: l.col,
            });
        }
        out
    }

    /// The operations a race or a blocking bug is made of.
    fn pending_parts(&self) -> Vec<PendingView> {
        let role = match self.bug.kind {
            BugKind::Race => Role::Races,
            BugKind::Deadlock | BugKind::Leak => Role::Blocked,
            BugKind::Panic
            | BugKind::Assert
            | BugKind::ContextLeak
            | BugKind::Spin
            | BugKind::ResourceLeak => return Vec::new(),
        };
        self.bug
            .involved
            .iter()
            .filter_map(|inv| {
                let p = self.trace.last.position(&inv.goroutine)?;
                // A goroutine the bug names that can still move at the end
                // of this run is not blocked on its operation here.
                let blocked = self.trace.end.get(p).is_some_and(|e| e.blocked);
                if role == Role::Blocked && !blocked {
                    return None;
                }
                // A racing access made earlier in the schedule
                // (`semantics::happens`) is not its goroutine's pending one.
                let site = self.trace.last.goroutines[p].site();
                if role == Role::Races && site != inv.site {
                    return None;
                }
                let l = self.loc.site(site, None);
                Some(PendingView {
                    lane: self.lane(&inv.goroutine),
                    goroutine: self.name(&inv.goroutine),
                    op: l.text,
                    role,
                    line: l.line,
                    col: l.col,
                })
            })
            .collect()
    }

    fn wait_view(&self, w: &waitfor::Wait, wf: &WaitFor) -> WaitView {
        let objects: Vec<String> = w.objects.iter().map(|&o| self.obj(o)).collect();
        let held_by: Vec<String> = w.holders.iter().map(|h| self.name(h)).collect();
        let queued_behind: Vec<String> = w.behind.iter().map(|h| self.name(h)).collect();
        let names: Vec<String> = w.could.iter().map(|c| self.name(&c.goroutine)).collect();
        let could: Vec<Releaser> = w
            .could
            .iter()
            .zip(&names)
            .map(|(c, name)| Releaser {
                goroutine: name,
                via_spawn: c.via_spawn,
                what: c.what,
                at: self.loc.line_col(c.site),
                blocked_itself: wf
                    .goroutines
                    .iter()
                    .any(|s| s.goroutine == c.goroutine && s.status == Status::Blocked),
            })
            .collect();
        let walk_cut = (!w.determined).then_some(waitfor::WALK_BUDGET);
        WaitView {
            verb: w.verb,
            why: words::why(
                w.verb,
                &objects,
                &held_by,
                &queued_behind,
                &could,
                w.note,
                walk_cut,
            ),
            objects,
            held_by,
            queued_behind,
            could_release: w
                .could
                .iter()
                .map(|c| ReleaseView {
                    goroutine: self.name(&c.goroutine),
                    what: c.what,
                    object: self.obj(c.object),
                    at: self.loc.site(c.site, None),
                    via_spawn: c.via_spawn,
                })
                .collect(),
            note: w.note,
            undetermined_after: walk_cut,
        }
    }

    /// The calls goroutine `g` stands in at the end, outermost first; empty
    /// when it stands in the function it started in (or has ended).
    fn call_chain(&self, g: &GoroutineId) -> Vec<CallView> {
        let last = &self.trace.last;
        let Some(p) = last.position(g) else {
            return Vec::new();
        };
        let frames = &last.goroutines[p].frames;
        if frames.len() < 2 {
            return Vec::new();
        }
        frames
            .iter()
            .map(|f| {
                let (line, col) = self.loc.line_col(crate::state::Site {
                    func: f.func,
                    pc: f.pc,
                });
                CallView {
                    function: self.loc.prog.func(f.func).name.clone(),
                    line,
                    col,
                }
            })
            .collect()
    }

    fn goroutines(&self, wf: &WaitFor) -> Vec<GoroutineView> {
        let mut names: Vec<_> = self.trace.names.iter().collect();
        names.sort_by_key(|(_, n)| n.number);
        names
            .into_iter()
            .map(|(id, n)| {
                let live = wf.goroutines.iter().find(|g| g.goroutine == *id);
                let failure = self.trace.failure.as_ref().filter(|f| f.goroutine == *id);
                let crashed = failure.is_some();
                let call_chain = self.call_chain(id);
                let (status, at, waiting) = match live {
                    Some(g) => (
                        match (crashed, g.status) {
                            (true, _) => GoroutineStatus::Crashed,
                            (false, Status::Blocked) => GoroutineStatus::Blocked,
                            (false, Status::Runnable) => GoroutineStatus::Runnable,
                            (false, Status::Spinning) => GoroutineStatus::Spinning,
                            (false, Status::NotStarted) => GoroutineStatus::NotStarted,
                        },
                        // A crash is where it failed: the local code after
                        // a step may fail past the step's operation.
                        Some(self.loc.site(failure.map_or(g.site, |f| f.site), None)),
                        g.wait.as_ref().map(|w| self.wait_view(w, wf)),
                    ),
                    None if id.is_main() => (GoroutineStatus::Returned, None, None),
                    None => (GoroutineStatus::Exited, None, None),
                };
                GoroutineView {
                    goroutine: n.display.clone(),
                    number: n.number,
                    status,
                    at,
                    waiting,
                    call_chain,
                }
            })
            .collect()
    }

    fn wait_for(&self, wf: &WaitFor, views: &[GoroutineView]) -> WaitForView {
        let edges = wf
            .edges
            .iter()
            .map(|e| {
                let from = self.name(&e.from);
                let to = self.name(&e.to);
                let verb = views
                    .iter()
                    .find(|v| v.goroutine == from)
                    .and_then(|v| v.waiting.as_ref())
                    .map_or(WaitVerb::WaitsFor, |w| w.verb);
                let object = self.obj(e.object);
                let (relation, label) = match &e.relation {
                    waitfor::Relation::HeldBy => (
                        Relation::HeldBy,
                        words::edge_label(&from, verb, &object, &to, None),
                    ),
                    waitfor::Relation::QueuedBehind => (
                        Relation::QueuedBehind,
                        words::queued_label(&from, verb, &object, &to),
                    ),
                    waitfor::Relation::CouldRelease { site, what } => (
                        Relation::CouldRelease,
                        words::edge_label(
                            &from,
                            verb,
                            &object,
                            &to,
                            Some((*what, self.loc.line_col(*site))),
                        ),
                    ),
                };
                WaitEdgeView {
                    label,
                    from,
                    to,
                    object,
                    relation,
                }
            })
            .collect::<Vec<WaitEdgeView>>();
        let chains = wf
            .chains
            .iter()
            .filter_map(|chain| {
                let last = edges.get(*chain.last()?)?;
                let end = views.iter().find(|v| v.goroutine == last.to);
                let end_words = words::chain_end(
                    &last.to,
                    end.map_or(GoroutineStatus::Exited, |v| v.status),
                    end.and_then(|v| v.waiting.as_ref()).map(|w| w.why.as_str()),
                );
                let labels: Vec<String> = chain
                    .iter()
                    .filter_map(|&i| edges.get(i).map(|e| e.label.clone()))
                    .collect();
                Some(WaitChainView {
                    edges: chain.clone(),
                    end: last.to.clone(),
                    sentence: words::chain(&labels, &end_words),
                })
            })
            .collect();
        WaitForView {
            edges,
            cycle: wf.cycle.clone(),
            chains,
        }
    }
}

fn minimality(
    trace: &Trace,
    search: Option<Search>,
    undecided: Option<Option<Bound>>,
) -> MinimalityView {
    let (switches, preemptions) = trace.switches();
    let steps = trace.steps.len();
    let by = match search {
        Some(Search::Cut { by: Some(b), .. }) => b.to_string(),
        _ => String::new(),
    };
    let chosen = match search {
        Some(Search::Minimal) => Chosen::Minimal,
        Some(Search::Cut {
            explored,
            by: Some(_),
        }) => Chosen::Stopped(explored, &by),
        Some(Search::Cut {
            explored: 0,
            by: None,
        }) => Chosen::SearchOff,
        Some(Search::Cut { explored, by: None }) => Chosen::Cut(explored),
        Some(Search::NotFound) => Chosen::NotFound,
        None => Chosen::Replayed,
    };
    let (search, mut note) = words::minimality(chosen, preemptions, switches, steps);
    if let Some(cut) = undecided {
        let by = cut.map(|b| b.to_string());
        note.push_str(&words::undecided(by.as_deref(), verdict::REPLAY_BUDGET));
    }
    MinimalityView {
        search,
        steps,
        context_switches: switches,
        preemptions,
        note,
    }
}

/// The view of one bug shown with `trace` (its counterexample, replayed);
/// `search` says how the schedule was chosen (`None`: given by the user).
pub(crate) fn bug_view_of(
    loc: &Locator,
    display_path: &str,
    bug: &Bug,
    trace: &Trace,
    search: Option<Search>,
    undecided: Option<Option<Bound>>,
    opts: &Options,
) -> BugView {
    let mut order: Vec<(&GoroutineId, u32)> =
        trace.names.iter().map(|(g, n)| (g, n.number)).collect();
    order.sort_by_key(|(_, n)| *n);
    let lanes: BTreeMap<GoroutineId, usize> = order
        .iter()
        .enumerate()
        .map(|(i, (g, _))| ((*g).clone(), i))
        .collect();
    let f = Filler {
        loc,
        trace,
        bug,
        lanes,
        values: opts.values,
    };
    let wf = waitfor::analyse(loc.prog, trace);
    let goroutines = f.goroutines(&wf);
    let pending = f.pending();
    let token = trace.token();
    let mut related: Vec<Location> = Vec::new();
    for i in bug.involved.iter().filter(|i| i.site != bug.site) {
        let l = loc.site(i.site, None);
        if !related.contains(&l) {
            related.push(l);
        }
    }
    let (behavior, cause) = taxonomy::classify(loc.prog, bug);
    let main_blocked = bug.involved.first().is_some_and(|i| i.goroutine.is_main());
    let fatal = trace
        .failure
        .as_ref()
        .is_some_and(|f| f.kind == FailureKind::Fatal);
    let steps = f.steps();
    BugView {
        kind: taxonomy::kind(bug.kind),
        title: words::title(taxonomy::kind(bug.kind), main_blocked, fatal),
        taxonomy: TaxonomyView { behavior, cause },
        message: bug.message.clone(),
        goroutine: match bug.kind {
            BugKind::Race => explain::race_goroutine(loc, trace, bug),
            _ => None,
        }
        .or_else(|| bug.involved.first().map(|i| trace.name(&i.goroutine))),
        location: loc.site(bug.site, None),
        related,
        reproduce: words::reproduce(
            display_path,
            &token,
            &opts.params,
            opts.go.map(|g| g.as_str()),
        ) + &opts.extra_args,
        schedule: token,
        minimality: minimality(trace, search, undecided),
        lanes: order
            .iter()
            .map(|(g, n)| LaneView {
                goroutine: trace.name(g),
                number: *n,
                function: trace
                    .names
                    .get(*g)
                    .map_or_else(String::new, |x| x.func.clone()),
                started_by: trace
                    .steps
                    .iter()
                    .position(|s| s.spawned.as_ref() == Some(*g))
                    .map(|i| i + 1),
            })
            .collect(),
        abstractions: abstractions_through(loc, &steps, &opts.abstractions),
        steps,
        explanation: explain::explanation(loc, trace, &wf, bug)
            .map(|e| e.sentences())
            .unwrap_or_default(),
        wait_for: f.wait_for(&wf, &goroutines),
        pending,
        goroutines,
        covers: None,
        states: if opts.states {
            states::snapshots(loc, trace, &f.lanes)
        } else {
            Vec::new()
        },
    }
}

/// What the report of a group of findings ([`distinct::group`]) stands
/// for.
fn covers(loc: &Locator, group: &[&Bug]) -> CoversView {
    let sites: Vec<Location> = group.iter().map(|b| loc.site(b.site, None)).collect();
    // Findings stuck together are met in the same places: the most any
    // of them was met, not their sum.
    let times_found = group.iter().map(|b| b.times_found).max().unwrap_or(0);
    let kind = group.first().map_or(BugKind::Deadlock, |b| b.kind);
    let at: Vec<(u32, u32)> = sites.iter().map(|l| (l.line, l.col)).collect();
    CoversView {
        findings: group.len(),
        sentence: words::covers(taxonomy::kind(kind), &at, times_found),
        sites,
        times_found,
    }
}

/// The views of `bugs`, one per distinct bug ([`distinct`]).
fn distinct_views(
    loc: &Locator,
    bugs: &[&Bug],
    mut view: impl FnMut(&Bug) -> BugView,
) -> Vec<BugView> {
    distinct::group(bugs)
        .into_iter()
        .map(|g| {
            let members: Vec<&Bug> = g.iter().map(|&i| bugs[i]).collect();
            let mut v = view(members[0]);
            v.covers = Some(covers(loc, &members));
            v
        })
        .collect()
}

/// The import's abstractions that a counterexample's steps go through,
/// in step order: each made in the Go statement a step took (a condition
/// explored both ways is made in its `if`, a switch's in its `switch`), or
/// at the expression a step took (the choice made for an error weft does
/// not follow is placed at that error).
fn abstractions_through(
    loc: &Locator,
    steps: &[StepView],
    abstractions: &[Abstraction],
) -> Vec<AbstractionView> {
    let Some(map) = loc.origin else {
        return Vec::new();
    };
    // Each abstraction's statement and own position.
    let placed: Vec<([(u32, u32); 2], &Abstraction)> = abstractions
        .iter()
        .map(|a| {
            let line_col = |at: u32| map.source.line_col(at);
            ([line_col(a.stmt.start), line_col(a.at.start)], a)
        })
        .collect();
    let mut out: Vec<AbstractionView> = Vec::new();
    for s in steps {
        for (_, a) in placed
            .iter()
            .filter(|(places, _)| places.contains(&(s.line, s.col)))
        {
            let (line, col) = map.source.line_col(a.at.start);
            let v = AbstractionView {
                line,
                col,
                what: a.what.clone(),
            };
            if !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

/// The view of one bug of a check: finds its minimal counterexample and
/// replays it.
pub(crate) fn bug_view(loc: &Locator, display_path: &str, bug: &Bug, opts: &Options) -> BugView {
    let chosen = choose::counterexample(loc.prog, bug, opts.minimal_cap, &opts.budget);
    bug_view_of(
        loc,
        display_path,
        chosen.shown.as_ref().unwrap_or(bug),
        &chosen.trace,
        Some(chosen.search),
        chosen.undecided,
        opts,
    )
}

/// The report of one checked scenario.
pub fn scenario_report(
    loc: &Locator,
    display_path: &str,
    outcome: &Outcome,
    opts: &Options,
) -> ScenarioReport {
    let meta = &loc.prog.meta;
    ScenarioReport {
        schema_version: SCHEMA_VERSION,
        file: display_path.to_string(),
        scenario: meta.name.clone(),
        summary: meta.summary.clone(),
        origin: meta.origin.clone(),
        go: meta.go.as_str().to_string(),
        taxonomy: taxonomy::declared(loc.prog)
            .map(|(behavior, cause)| TaxonomyView { behavior, cause }),
        params: meta.params.iter().cloned().collect::<BTreeMap<_, _>>(),
        expect: meta.expect.iter().map(|&k| taxonomy::kind(k)).collect(),
        complete: outcome.complete,
        bound: outcome.bound.map(|b| b.to_string()),
        expected_met: expected_met(&meta.expect, outcome),
        bugs: distinct_views(loc, &outcome.bugs.iter().collect::<Vec<_>>(), |b| {
            bug_view(loc, display_path, b, opts)
        }),
        stats: StatsView {
            states: outcome.stats.states,
            transitions: outcome.stats.transitions,
            seconds: outcome.stats.seconds,
            max_depth: outcome.stats.max_depth,
            bytes_per_state: outcome.stats.bytes_per_state,
            peak_resident_bytes: outcome.stats.peak_resident_bytes,
            reduction: reduction_words(loc, outcome.stats.reduction),
            store: outcome.stats.store.to_string(),
            distinct_states: outcome.stats.distinct_states,
            complete_runs: outcome.stats.complete_runs,
            states_on_complete_runs: outcome.stats.states_on_complete_runs,
            collision_probability: outcome.stats.collision_probability,
            frontier: outcome
                .stats
                .frontier
                .clone()
                .map(|f| weft_reports::view::FrontierView {
                    peak_memory_bytes: f.peak_memory_bytes,
                    peak_with_in_flight_bytes: f.peak_with_in_flight_bytes,
                    spilled_bytes: f.spilled_bytes,
                    peak_disk_bytes: f.peak_disk_bytes,
                    segments: f.segments,
                    failure: f.failure,
                    read_failure: f.read_failure,
                    lost: f.lost,
                    resident_beyond_bytes: f.resident_beyond,
                }),
            dpor: outcome.stats.dpor.map(|d| weft_reports::view::DporView {
                runs: d.traces,
                blocked_runs: d.blocked,
                steps: d.steps,
                states: d.states,
                collision_probability: (d.states as f64).powi(2) / 2f64.powi(129),
            }),
            bitstate: outcome.stats.bitstate.map(|b| BitstateView {
                array_bytes: b.bytes,
                hash_functions: b.hash_functions,
                hash_factor: b.hash_factor(),
                fill: b.fill(),
                miss_probability: b.miss_probability(),
                unconfirmed: b.unconfirmed,
                expected_missed: b.expected_missed,
                coverage: b.coverage(),
                any_missed_probability: b.any_missed_probability(),
                cycles_decided: b.cycles_decided,
            }),
        },
        growth: growth::views(loc, &outcome.growth),
        unsynced: unsynced_views(loc, outcome),
    }
}

/// The observations without synchronisation the search executed, in
/// source order.
fn unsynced_views(loc: &Locator, outcome: &Outcome) -> Vec<UnsyncedView> {
    use crate::semantics::ObservationKind as K;
    let mut views: Vec<UnsyncedView> = outcome
        .unsynced
        .iter()
        .map(|o| UnsyncedView {
            kind: match o.kind {
                K::ChannelLen => Unsynced::ChannelLen,
                K::SelectDefault => Unsynced::SelectDefault,
                K::FailedTryLock => Unsynced::FailedTryLock,
                K::StoppedTimer => Unsynced::StoppedTimer,
                K::CondWake => Unsynced::CondWake,
                K::UnmatchedRelease => Unsynced::UnmatchedRelease,
            },
            location: loc.site(o.site, None),
        })
        .collect();
    views.sort_by(|a, b| {
        (a.location.line, a.location.col, a.kind).cmp(&(b.location.line, b.location.col, b.kind))
    });
    views.dedup();
    views
}

/// The report of a replayed schedule: the bugs its run shows.
pub fn replay_report(
    loc: &Locator,
    display_path: &str,
    trace: &Trace,
    opts: &Options,
) -> ReplayReport {
    let (budget, cap_bound) = verdict::replay_budget(&opts.budget);
    let reached = verdict::of_trace(loc.prog, trace, budget, &opts.budget);
    // The limit that cut the exploration after the run: a bound of the
    // user's, or else weft's own budget of states.
    let bound = (!reached.complete).then(|| match reached.stopped.or(cap_bound) {
        Some(b) => b.to_string(),
        None => words::replay_budget(verdict::REPLAY_BUDGET),
    });
    ReplayReport {
        schema_version: SCHEMA_VERSION,
        file: display_path.to_string(),
        scenario: loc.prog.meta.name.clone(),
        schedule: trace.token(),
        steps: trace.steps.len(),
        // Every finding of the run: a check's report of a group of
        // findings shows one of them, and its replay must show it too.
        bugs: reached
            .bugs
            .values()
            .map(|b| bug_view_of(loc, display_path, b, trace, None, None, opts))
            .collect(),
        complete: reached.complete,
        bound,
    }
}

/// The reduction a search applied, in words; where `dpor` was asked for
/// and a goroutine may wait, with the first place it may.
fn reduction_words(loc: &Locator, applied: crate::reduce::Applied) -> String {
    use crate::reduce::{Applied, NotApplicable};
    match applied {
        Applied::PorNotDpor(NotApplicable::Waits(Some(site))) => {
            let (line, col) = loc.line_col(site);
            format!(
                "por (dpor needs goroutines that wait only at a sync.Mutex, a channel send or receive or a WaitGroup: {line}:{col} may wait otherwise, or makes a timer or deadline)"
            )
        }
        Applied::None
        | Applied::Por
        | Applied::Proviso
        | Applied::Dpor
        | Applied::PorNotDpor(NotApplicable::Waits(None) | NotApplicable::Unbounded) => {
            applied.as_str().to_string()
        }
    }
}
